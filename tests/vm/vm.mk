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
# a Thumb build, which uprobectl must refuse to probe
$(O)/vm/registers-thumb: tests/progs/registers.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) -O0 -Wall -mthumb -static -o $@ $<

vm-progs: $(BIN) $(O)/vm/init $(O)/vm/registers $(O)/vm/workload $(O)/vm/leaky $(O)/vm/chain $(if $(filter armhf,$(TARGET)),$(O)/vm/registers-thumb)

VM_ARCHES ?= aarch64 armhf riscv64
check-vm:
	$(Q)toolchain/install-deps.sh vm
	$(Q)for a in $(VM_ARCHES); do $(SUITE) vm-$$a tests/vm/run-vm.sh $$a; done
	$(Q)$(SUITE) vm-aarch64-apply env UPC_CONF=tests/vm/uprobectl.conf \
		tests/vm/run-vm.sh aarch64 upc.apply
	$(Q)$(SUITE) vm-aarch64-answers tests/vm/run-vm.sh aarch64 upc.answers
	$(Q)$(SUITE) vm-aarch64-leaks tests/vm/run-vm.sh aarch64 upc.leaks
	$(Q)$(SUITE) vm-aarch64-stacks tests/vm/run-vm.sh aarch64 upc.stacks

.PHONY: vm-progs check-vm
