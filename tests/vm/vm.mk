# The programs a VM's initramfs holds, built with the target's own
# toolchain (make TARGET=ARCH vm-progs), and the VM tests themselves.

$(O)/vm/init: tests/vm/init.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) -std=gnu11 -Os -Wall -Werror $(ARCH_CFLAGS) -static -o $@ $<
$(O)/vm/registers: tests/progs/registers.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) -O0 -Wall $(ARCH_CFLAGS) -static -o $@ $<
$(O)/vm/workload: tests/progs/workload.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) -O0 -Wall -pthread $(ARCH_CFLAGS) -static -o $@ $<
$(O)/vm/leaky: tests/progs/leaky.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) -O0 -Wall -pthread $(ARCH_CFLAGS) -static -o $@ $<
$(O)/vm/chain: tests/progs/chain.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) -O0 -Wall -fno-omit-frame-pointer $(ARCH_CFLAGS) -static -o $@ $<
# <sys/sdt.h> is the host's (systemtap-sdt-dev): the same for every target
$(O)/vm/usdt: tests/progs/usdt.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) -O1 -Wall $(ARCH_CFLAGS) -static \
		-idirafter /usr/include/$(shell $(HOST_CC) -print-multiarch) -o $@ $<
# the program probed by source: linked with its DWARF (dwtest.full), and
# as a board has it, stripped (dwtest), its DWARF in a debug file
$(O)/vm/dwtest.full: tests/progs/dwtest.c tests/progs/dwtest2.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) -g -O2 -Wall -Wl,--build-id $(ARCH_CFLAGS) -static -o $@ $^
$(O)/vm/dwtest: $(O)/vm/dwtest.full
	$(Q)$(CROSS_COMPILE)objcopy --only-keep-debug $< $@.debug
	$(Q)$(CROSS_COMPILE)objcopy --strip-debug $< $@
# a C++ program and a Go one (Debian's golang, cross built)
$(O)/vm/shop: tests/progs/shop.cpp | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CXX,$@)$(CROSS_COMPILE)g++ -O1 -Wall -static -o $@ $<
$(O)/vm/gotest: tests/progs/gotest.go | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,GO,$@)GOARCH=arm64 GOCACHE=$(CURDIR)/$(O)/vm/gocache go build -o $@ $<
# a Thumb build, which uprobectl must refuse to probe
$(O)/vm/registers-thumb: tests/progs/registers.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) -O0 -Wall -mthumb -static -o $@ $<

vm-progs: $(BIN) $(O)/vm/init $(O)/vm/registers $(O)/vm/workload $(O)/vm/leaky $(O)/vm/chain $(O)/vm/usdt $(if $(filter armhf,$(TARGET)),$(O)/vm/registers-thumb) $(if $(filter aarch64,$(TARGET)),$(O)/vm/dwtest $(O)/vm/shop $(O)/vm/gotest)

# Every architecture boots twice: the scenario with `add` and default
# arguments, and like a board, from an /etc/uprobectl.conf applied at boot
# whose probe spells its arguments $argN and $ra. aarch64 boots also for
# the answers, leaks and stacks, which follow processes: through perf
# events, and again through tracefs (NAME:tracefs); leaks on a machine of
# 128 MB, a small board; and for probes by source, applied from a probe
# file the host made from the program's debug file (the board has no
# DWARF). make check-vm ARCH=ppc64el runs one.
VM_ARCHES := aarch64 armhf riscv64 ppc64el s390x mips64el i386
VM_EXTRA_aarch64 := answers leaks stacks answers:tracefs leaks:tracefs stacks:tracefs dwarf langs
VM_RUN := $(or $(ARCH),$(VM_ARCHES))
# two boots at once (QEMU's TCG takes one core each): an architecture's
# boots run in sequence, each one's log printed whole when it is done
VM_JOBS ?= 2
check-vm:
	$(Q)toolchain/install-deps.sh vm $(VM_RUN:%=cross-%)
	$(Q)$(MAKE) --no-print-directory -j$(VM_JOBS) -O $(VM_RUN:%=vm-boots-%)
vm-boots-%:
	$(Q)$(SUITE) vm-$* tests/vm/run-vm.sh $*
	$(Q)$(SUITE) vm-$*-apply env UPC_CONF=tests/vm/uprobectl.conf tests/vm/run-vm.sh $* upc.apply
	$(Q)for x in $(VM_EXTRA_$*); do n=$${x%%:*}; t=$${x#$$n}; t=$${t#:}; \
		m=; [ $$n = leaks ] && m=128; \
		VM_MEM=$$m $(SUITE) vm-$*-$$n$${t:+-$$t} tests/vm/run-vm.sh $* upc.$$n \
			$${t:+upc.transport=$$t}; done

.PHONY: vm-progs check-vm
