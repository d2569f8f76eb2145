# Tests (included by the Makefile). Everything here builds for and runs on
# the host; the library under test is rebuilt with ASan and UBSan.

HOST_CC ?= cc
TEST_O := build/test
FIXTURES := build/fixtures
FIXTURE_ARCHES ?= host aarch64 armhf riscv64
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TEST_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -O1 -g $(SAN) -Iinclude -Itests/unit
RESULTS := $(TEST_O)/results
SUITE = tests/run-suite.sh $(RESULTS)
HOST_LIBC := $(shell $(HOST_CC) -print-file-name=libc.so.6)
UNIT_TESTS := test_arch test_elf test_resolve test_tracefs test_record test_agg test_sigbus \
	test_malloc test_leaks test_names test_tpformat test_dwarf test_demangle
ARM64_LIBC := /usr/lib/aarch64-linux-gnu/libc.so.6
CROSS_TRIPLETS := powerpc64le-linux-gnu s390x-linux-gnu mips64el-linux-gnuabi64 i686-linux-gnu
CROSS_LIBDIRS := $(CROSS_TRIPLETS:%=/usr/%/lib) \
	$(foreach m,powerpc64le s390x mips64el i386,/usr/lib/$(m)-linux-musl)
CROSS_LIBCS := $(CROSS_TRIPLETS:%=/usr/%/lib/libc.so.6) \
	$(foreach m,powerpc64le s390x mips64el i386,/usr/lib/$(m)-linux-musl/libc.so)

# The library and CLI under test, sanitized, in their own build tree (by a
# make of its own, in which these are the ordinary targets).
ifneq ($(O),$(TEST_O))
$(TEST_O)/libuprobectl.a $(TEST_O)/uprobectl: FORCE
	$(Q)$(MAKE) --no-print-directory TARGET=host CC=$(HOST_CC) O=$(TEST_O) \
		CFLAGS="-O1 -g" EXTRA_CFLAGS="$(SAN)" EXTRA_LDFLAGS="$(SAN)" all
endif

fixtures: $(FIXTURE_ARCHES:%=$(FIXTURES)/%/.built)
$(FIXTURES)/%/.built: tests/fixtures/build.sh $(wildcard tests/fixtures/*.c) tests/fixtures/fx_lib.map
	$(call msg,FIXTURE,$*)CC_HOST=$(HOST_CC) tests/fixtures/build.sh $* $(FIXTURES)/$*
	@touch $@

$(TEST_O)/tests/%: tests/unit/%.c tests/unit/fake_elf.c tests/unit/oracle.c \
		tests/unit/fake_elf.h tests/unit/oracle.h $(TEST_O)/libuprobectl.a
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(HOST_CC) $(TEST_CFLAGS) -o $@ $< tests/unit/fake_elf.c \
		tests/unit/oracle.c $(TEST_O)/libuprobectl.a -lcmocka -lelf

# the CLI's SIGBUS handler, linked on its own
$(TEST_O)/tests/test_sigbus: tests/unit/test_sigbus.c src/cli/sigbus.c src/cli/cli.h
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(HOST_CC) $(TEST_CFLAGS) -Itargets -o $@ $< src/cli/sigbus.c -lcmocka

# the board binaries' allocator, under other names beside the host's
$(TEST_O)/tests/test_malloc: tests/unit/test_malloc.c src/cli/malloc.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(HOST_CC) $(TEST_CFLAGS) '-DMALLOC_NAME(f)=t_##f' -o $@ $< \
		src/cli/malloc.c -lcmocka

$(TEST_O)/diff_readelf: tests/diff/diff_readelf.c $(TEST_O)/libuprobectl.a
	$(call msg,CC,$@)$(HOST_CC) $(TEST_CFLAGS) -o $@ $< $(TEST_O)/libuprobectl.a
$(TEST_O)/diff_lines: tests/diff/diff_lines.c $(TEST_O)/libuprobectl.a
	$(call msg,CC,$@)$(HOST_CC) $(TEST_CFLAGS) -o $@ $< $(TEST_O)/libuprobectl.a
$(TEST_O)/diff_params: tests/diff/diff_params.c $(TEST_O)/libuprobectl.a
	$(call msg,CC,$@)$(HOST_CC) $(TEST_CFLAGS) -o $@ $< $(TEST_O)/libuprobectl.a
$(TEST_O)/diff_demangle: tests/diff/diff_demangle.c $(TEST_O)/libuprobectl.a
	$(call msg,CC,$@)$(HOST_CC) $(TEST_CFLAGS) -o $@ $< $(TEST_O)/libuprobectl.a
$(TEST_O)/diff_returns: tests/diff/diff_returns.c $(TEST_O)/libuprobectl.a
	$(call msg,CC,$@)$(HOST_CC) $(TEST_CFLAGS) -Itargets -o $@ $< $(TEST_O)/libuprobectl.a

# The Go test program, for this machine and cross built for the targets
# the return decoder is compared on, of each kind of instruction width
# (Debian's golang cross builds without a C toolchain)
GO_ARCHES := amd64 arm64 riscv64 s390x 386 arm
$(TEST_O)/go/gotest-%: tests/progs/gotest.go | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,GO,$@)GOARCH=$* GOCACHE=$(CURDIR)/$(TEST_O)/go/cache go build -o $@ $<

# C++ and Rust test programs (Rust in both of its symbol schemes)
$(TEST_O)/shop: tests/progs/shop.cpp | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CXX,$@)g++ -O1 -g -Wall -fno-omit-frame-pointer -o $@ $<
$(TEST_O)/rusty-legacy: tests/progs/rusty.rs | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,RUSTC,$@)rustc -O -g -o $@ $<
$(TEST_O)/rusty-v0: tests/progs/rusty.rs | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,RUSTC,$@)rustc -O -g -C symbol-mangling-version=v0 -o $@ $<

$(TEST_O)/registers: tests/progs/registers.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(HOST_CC) -O0 -g -Wall -fPIE -pie -o $@ $<
$(TEST_O)/workload: tests/progs/workload.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(HOST_CC) -O0 -g -Wall -pthread -o $@ $<
$(TEST_O)/leaky: tests/progs/leaky.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(HOST_CC) -O0 -g -Wall -pthread -o $@ $<
$(TEST_O)/chain: tests/progs/chain.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(HOST_CC) -O0 -g -Wall -fno-omit-frame-pointer -o $@ $<
$(TEST_O)/usdt: tests/progs/usdt.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(HOST_CC) -O1 -g -Wall -o $@ $<
$(TEST_O)/dwtest/.built: tests/progs/dwtest-build.sh tests/progs/dwtest.c tests/progs/dwtest2.c
	$(call msg,DWTEST,$(@D))tests/progs/dwtest-build.sh $(@D)
	@touch $@
$(TEST_O)/noperf: tests/progs/noperf.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(HOST_CC) -O1 -Wall -o $@ $<
$(TEST_O)/libenomem.so: tests/progs/enomem.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(HOST_CC) -O1 -Wall -shared -fPIC -o $@ $< -ldl
$(TEST_O)/registers-nopie: tests/progs/registers.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(HOST_CC) -O0 -g -Wall -fno-pie -no-pie -o $@ $<

test-unit: $(UNIT_TESTS:%=$(TEST_O)/tests/%) fixtures
	$(Q)for t in $(UNIT_TESTS); do \
		$(SUITE) unit/$$t env UPC_FIXTURES=$(FIXTURES) \
			UPC_FIXTURE_ARCHES="$(FIXTURE_ARCHES)" UPC_HOST_LIBC=$(HOST_LIBC) \
			$(TEST_O)/tests/$$t; \
	done

# The CLI and live suites run the sanitized command (ASan, UBSan, leaks),
# and the stream suite once more with the optimized one users get.
SAN_BIN := $(TEST_O)/uprobectl
test-cli: $(SAN_BIN) fixtures
	$(Q)$(SUITE) cli tests/cli/test_cli.sh $(SAN_BIN) $(FIXTURES)
	$(Q)$(SUITE) cli-tracefs tests/cli/test_cli_tracefs.sh $(SAN_BIN) $(FIXTURES)

# As root on the real tracefs (skips loudly elsewhere: a failure of make
# check unless ALLOW_SKIP=1, and always under CI).
test-live: $(SAN_BIN) $(BIN) $(TEST_O)/registers $(TEST_O)/registers-nopie $(TEST_O)/workload \
		$(TEST_O)/leaky $(TEST_O)/chain $(TEST_O)/usdt $(TEST_O)/noperf \
		$(TEST_O)/libenomem.so $(TEST_O)/dwtest/.built fixtures $(TEST_O)/shop \
		$(TEST_O)/go/gotest-amd64 $(TEST_O)/go/gotest-386
	$(Q)$(SUITE) live tests/live/test_live.sh $(SAN_BIN) $(TEST_O)/registers \
		$(TEST_O)/registers-nopie $(FIXTURES)
	$(Q)$(SUITE) live-stream tests/live/test_stream.sh $(SAN_BIN) $(TEST_O)/registers \
		$(TEST_O)/noperf
	$(Q)$(SUITE) live-stream-opt tests/live/test_stream.sh $(BIN) $(TEST_O)/registers \
		$(TEST_O)/noperf
	$(Q)$(SUITE) live-apply tests/live/test_apply.sh $(SAN_BIN) tests/progs/registers.c
	$(Q)$(SUITE) live-lock tests/live/test_lock.sh $(SAN_BIN) $(TEST_O)/registers
	$(Q)$(SUITE) live-answers tests/live/test_answers.sh $(SAN_BIN) $(TEST_O)/workload
	$(Q)$(SUITE) live-metrics tests/live/test_metrics.sh $(SAN_BIN) $(TEST_O)/registers
	$(Q)$(SUITE) live-leaks tests/live/test_leaks.sh $(SAN_BIN) $(TEST_O)/leaky
	$(Q)$(SUITE) live-stacks tests/live/test_stacks.sh $(SAN_BIN) $(TEST_O)/chain
	$(Q)$(SUITE) live-pid tests/live/test_pid.sh $(SAN_BIN) $(TEST_O)/chain
	$(Q)$(SUITE) live-usdt tests/live/test_usdt.sh $(SAN_BIN) $(TEST_O)/usdt
	$(Q)$(SUITE) live-dwarf tests/live/test_dwarf.sh $(SAN_BIN) $(TEST_O)/dwtest
	$(Q)$(SUITE) live-cxx tests/live/test_cxx.sh $(SAN_BIN) $(TEST_O)/shop
	$(Q)$(SUITE) live-go tests/live/test_go.sh $(SAN_BIN) $(TEST_O)/go/gotest-amd64 \
		$(TEST_O)/go/gotest-386
	$(Q)$(MAKE) --no-print-directory test-live-tracefs

# The suites that follow processes (-p, -- COMMAND) once more through a
# tracefs instance, the transport of kernels without perf events (the run
# above takes perf events, where they can be had).
test-live-tracefs: $(SAN_BIN) $(TEST_O)/registers $(TEST_O)/workload $(TEST_O)/leaky \
		$(TEST_O)/chain $(TEST_O)/usdt $(TEST_O)/noperf $(TEST_O)/libenomem.so
	$(Q)export UPROBECTL_TRANSPORT=tracefs; \
	$(SUITE) live-stream-tracefs tests/live/test_stream.sh $(SAN_BIN) $(TEST_O)/registers \
		$(TEST_O)/noperf; \
	$(SUITE) live-answers-tracefs tests/live/test_answers.sh $(SAN_BIN) $(TEST_O)/workload; \
	$(SUITE) live-leaks-tracefs tests/live/test_leaks.sh $(SAN_BIN) $(TEST_O)/leaky; \
	$(SUITE) live-stacks-tracefs tests/live/test_stacks.sh $(SAN_BIN) $(TEST_O)/chain; \
	$(SUITE) live-pid-tracefs tests/live/test_pid.sh $(SAN_BIN) $(TEST_O)/chain; \
	$(SUITE) live-usdt-tracefs tests/live/test_usdt.sh $(SAN_BIN) $(TEST_O)/usdt

# The formatter where size_t is 32 bits: armhf, static, under qemu-user.
$(TEST_O)/fmt_check-armhf: tests/unit/fmt_check.c tests/unit/fmt_cases.h src/lib/fmt.c include/upc_printf.h
	@mkdir -p $(@D)
	$(call msg,CC,$@)arm-linux-gnueabihf-gcc -std=c11 -D_GNU_SOURCE $(WARN) -O1 -static \
		-Iinclude -o $@ tests/unit/fmt_check.c src/lib/fmt.c
test-fmt32: $(TEST_O)/fmt_check-armhf
	$(Q)$(SUITE) unit/fmt-armhf qemu-arm-static $(TEST_O)/fmt_check-armhf

# Every ELF file of the system, the arm64 libc, and the libraries of the
# cross toolchains and musls installed for the VM tests' targets (ppc64el
# with local entries, big-endian s390x, mips64el, i386) against readelf; the
# USDT notes of all of them against readelf -n; the DWARF line programs of
# libc's debug file, of the test program's builds (DWARF 4 and 5, gcc and
# clang, compressed both ways, dwz) and of every architecture's fixtures
# against readelf's decoded lines; and
# the comparison itself must fail when its oracle fails (a readelf that
# exits 1) or says nothing (one that prints nothing).
DWTEST_GCC := gcc-O0 gcc-O2 gcc-O2-dwarf4 gcc-O2-gz gcc-O2-zdebug
DWTEST_FUNCS := handle scale helper@dwtest.c helper@dwtest2.c helper2 many main
# the lines of dwtest.c's local and of its inlined function, marked
DWTEST_LOCAL = $(shell grep -n L:local tests/progs/dwtest.c | cut -d: -f1)
DWTEST_SCALE = $(shell grep -n L:scale tests/progs/dwtest.c | cut -d: -f1)
HOST_LIBC_DEBUG = /usr/lib/debug/.build-id/$(shell readelf -n $(HOST_LIBC) | \
	sed -n 's/^ *Build ID: *\(..\)\(.*\)/\1\/\2/p').debug
test-diff: $(TEST_O)/diff_readelf $(TEST_O)/diff_lines $(TEST_O)/diff_params $(SAN_BIN) \
		$(TEST_O)/dwtest/.built fixtures $(TEST_O)/diff_demangle $(TEST_O)/shop \
		$(TEST_O)/rusty-legacy $(TEST_O)/rusty-v0 $(TEST_O)/diff_returns \
		$(GO_ARCHES:%=$(TEST_O)/go/gotest-%)
	$(Q)$(SUITE) diff-returns tests/diff/diff_returns.sh $(TEST_O)/diff_returns \
		objdump:$(TEST_O)/go/gotest-amd64 objdump:$(HOST_LIBC) \
		objdump:$$(readlink -f /usr/lib/x86_64-linux-gnu/libstdc++.so.6) \
		aarch64-linux-gnu-objdump:$(TEST_O)/go/gotest-arm64 \
		aarch64-linux-gnu-objdump:/usr/aarch64-linux-gnu/lib/libc.so.6 \
		riscv64-linux-gnu-objdump:$(TEST_O)/go/gotest-riscv64 \
		riscv64-linux-gnu-objdump:/usr/riscv64-linux-gnu/lib/libc.so.6 \
		s390x-linux-gnu-objdump:$(TEST_O)/go/gotest-s390x \
		i686-linux-gnu-objdump:$(TEST_O)/go/gotest-386 \
		i686-linux-gnu-objdump:/usr/i686-linux-gnu/lib/libc.so.6 \
		arm-linux-gnueabihf-objdump:$(TEST_O)/go/gotest-arm
	$(Q)$(SUITE) diff-demangle sh -c '{ find /usr/bin /usr/sbin /usr/lib /usr/libexec \
		$(CROSS_LIBDIRS) /usr/aarch64-linux-gnu/lib /usr/arm-linux-gnueabihf/lib \
		/usr/riscv64-linux-gnu/lib -type f -size +0 ! -path "/usr/lib/debug/*" \
		\( -name "*.so*" -o -perm -u+x \) 2>/dev/null; echo $(TEST_O)/shop; echo $(TEST_O)/rusty-legacy; \
		echo $(TEST_O)/rusty-v0; } | tests/diff/diff_demangle.sh $(TEST_O)/diff_demangle \
		$(foreach t,aarch64-linux-gnu arm-linux-gnueabihf riscv64-linux-gnu \
		$(CROSS_TRIPLETS),--require $$(readlink -f /usr/$(t)/lib/libstdc++.so.6)) \
		--require $$(readlink -f /usr/lib/x86_64-linux-gnu/libLLVM-14.so.1) \
		--require $(TEST_O)/shop --require $(TEST_O)/rusty-legacy --require $(TEST_O)/rusty-v0'
	$(Q)$(SUITE) diff-readelf sh -c 'find /usr/bin /usr/sbin /usr/lib/x86_64-linux-gnu \
		$(ARM64_LIBC) $(CROSS_LIBDIRS) -type f -size +0 2>/dev/null | \
		$(TEST_O)/diff_readelf $(foreach l,$(ARM64_LIBC) $(CROSS_LIBCS),--require $(l))'
	$(Q)$(SUITE) diff-usdt sh -c 'find /usr/bin /usr/lib/x86_64-linux-gnu $(CROSS_LIBDIRS) \
		-type f -size +0 2>/dev/null | tests/diff/diff_usdt.sh $(SAN_BIN) \
		--require $$(readlink -f /usr/lib/x86_64-linux-gnu/libstdc++.so.6)'
	$(Q)$(SUITE) diff-lines sh -c '{ find /usr/lib/debug $(TEST_O)/dwtest -type f -size +0 \
		! -path "*/.dwz/*"; find $(FIXTURES) -type f ! -name "*.debug"; } | \
		tests/diff/diff_lines.sh $(TEST_O)/diff_lines $(foreach v,gcc-O0 \
		clang-O2 gcc-O2-dwarf4 gcc-O2-gz gcc-O2-zdebug,--require \
		$(TEST_O)/dwtest/$(v)/dwtest.full) --require $(FIXTURES)/aarch64/pie \
		--require $(FIXTURES)/armhf/pie --require $(FIXTURES)/riscv64/pie'
	$(Q)$(SUITE) diff-params sh -c 'for v in $(DWTEST_GCC); do \
		printf "%s\n" $(DWTEST_FUNCS) | tests/diff/diff_params.sh $(TEST_O)/diff_params \
			$(CURDIR)/$(TEST_O)/dwtest/$$v/dwtest.full --min 7 || exit 1; done'
	$(Q)$(SUITE) diff-params-libc sh -c 'readelf -wi $(HOST_LIBC_DEBUG) | awk \
		"/DW_TAG_subprogram/ { s = 1; n = \"\"; next } /DW_TAG/ { s = 0 } \
		s && /DW_AT_name/ { n = \$$NF } s && /DW_AT_low_pc/ && n != \"\" { print n; s = 0 }" | \
		sort -u | awk "NR % 16 == 0" | tests/diff/diff_params.sh $(TEST_O)/diff_params \
		$(HOST_LIBC) --min 100'
	$(Q)$(SUITE) diff-vars sh -c 'for v in $(DWTEST_GCC); do \
		tests/diff/diff_vars.sh $(SAN_BIN) $(CURDIR)/$(TEST_O)/dwtest/$$v/dwtest.full \
			$(DWTEST_FUNCS) dwtest.c:$(DWTEST_LOCAL) || exit 1; done; \
		tests/diff/diff_vars.sh $(SAN_BIN) $(CURDIR)/$(TEST_O)/dwtest/gcc-O0/dwtest.full \
			dwtest.c:$(DWTEST_SCALE)'
	$(Q)mkdir -p $(TEST_O)/readelf-fails $(TEST_O)/readelf-silent
	$(Q)printf '#!/bin/sh\nreadelf_real=$$(PATH=/usr/bin:/bin command -v readelf)\n"$$readelf_real" "$$@"\nexit 1\n' \
		>$(TEST_O)/readelf-fails/readelf
	$(Q)printf '#!/bin/sh\nexit 0\n' >$(TEST_O)/readelf-silent/readelf
	$(Q)chmod +x $(TEST_O)/readelf-fails/readelf $(TEST_O)/readelf-silent/readelf
	$(Q)$(SUITE) diff-readelf-oracle sh -c 'for d in readelf-fails readelf-silent; do \
		if echo $(HOST_LIBC) | PATH=$(TEST_O)/$$d:$$PATH $(TEST_O)/diff_readelf \
			>$(TEST_O)/diff-$$d.log; then \
			cat $(TEST_O)/diff-$$d.log; echo "FAIL: diff_readelf passed with $$d"; exit 1; fi; \
		echo "ok: diff_readelf fails with $$d ($$(grep -c ^FAIL $(TEST_O)/diff-$$d.log) failures reported)"; done'
	$(Q)$(SUITE) diff-lines-oracle sh -c 'if echo $(TEST_O)/dwtest/gcc-O2/dwtest.full | \
		PATH=$(TEST_O)/readelf-silent:$$PATH tests/diff/diff_lines.sh $(TEST_O)/diff_lines \
		>$(TEST_O)/diff-lines-silent.log; then cat $(TEST_O)/diff-lines-silent.log; \
		echo "FAIL: diff_lines.sh passed with readelf-silent"; exit 1; fi; \
		echo "ok: diff_lines.sh fails with readelf-silent ($$(grep -c ^FAIL \
		$(TEST_O)/diff-lines-silent.log) failures reported)"'

# libFuzzer on the ELF reader, the record parser, the trace event formats
# and the DWARF reader: a short run here, long ones with make fuzz.
FUZZ_SECONDS ?= 20
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Iinclude -Itargets -Isrc/cli
$(TEST_O)/fuzz_elf: tests/fuzz/fuzz_elf.c $(LIB_SRCS) $(HDRS)
	$(call msg,CLANG,$@)clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS)
$(TEST_O)/fuzz_record: tests/fuzz/fuzz_record.c src/cli/recout.c src/cli/json.c $(LIB_SRCS) $(HDRS)
	$(call msg,CLANG,$@)clang $(FUZZ_CFLAGS) -o $@ $< src/cli/recout.c src/cli/json.c $(LIB_SRCS)
$(TEST_O)/fuzz_tpformat: tests/fuzz/fuzz_tpformat.c $(LIB_SRCS) $(HDRS)
	$(call msg,CLANG,$@)clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS)
$(TEST_O)/fuzz_dwarf: tests/fuzz/fuzz_dwarf.c $(LIB_SRCS) $(HDRS)
	$(call msg,CLANG,$@)clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS)
$(TEST_O)/fuzz_demangle: tests/fuzz/fuzz_demangle.c $(LIB_SRCS) $(HDRS)
	$(call msg,CLANG,$@)clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS)
# seeds of fuzz_demangle: every C++ and Rust name of the test programs and
# of libstdc++, a file each
$(TEST_O)/demangle-seeds/.built: $(TEST_O)/shop $(TEST_O)/rusty-legacy $(TEST_O)/rusty-v0
	@mkdir -p $(@D)
	$(Q){ nm -P -a --no-demangle $^; nm -P -D --no-demangle \
		/usr/lib/x86_64-linux-gnu/libstdc++.so.6; } 2>/dev/null | \
		awk '$$1 ~ /^(_Z|_R)/ { sub(/@.*/, "", $$1); print $$1 }' | sort -u | \
		awk -v d=$(@D) '{ f = sprintf("%s/%05d", d, NR); printf "%s", $$0 > f; close(f) }'
	@touch $@
# seeds of fuzz_dwarf: the test program's builds (DWARF 4 and 5, gcc and
# clang, compressed both ways) and the fixtures of every architecture
$(TEST_O)/dwarf-seeds/.built: $(TEST_O)/dwtest/.built fixtures
	@mkdir -p $(@D)
	$(Q)for v in gcc-O0 gcc-O2 clang-O2 gcc-O2-dwarf4 gcc-O2-gz gcc-O2-zdebug; do \
		cp $(TEST_O)/dwtest/$$v/dwtest.full $(@D)/dwtest-$$v; done
	$(Q)for a in $(FIXTURE_ARCHES); do cp $(FIXTURES)/$$a/pie $(@D)/$$a-pie; done
	@touch $@
# seeds of fuzz_tpformat: each captured format file (its length in two
# bytes first), then 512 bytes of record
$(TEST_O)/tpformat-seeds/.built: $(wildcard tests/unit/formats/*.format)
	@mkdir -p $(@D)
	$(Q)for f in $^; do n=$$(wc -c <"$$f"); o=$(@D)/$$(basename "$$f" .format); \
		printf "\\$$(printf %03o $$((n >> 8)))\\$$(printf %03o $$((n & 255)))" >"$$o"; \
		cat "$$f" >>"$$o"; head -c 512 /dev/urandom >>"$$o"; done
	@touch $@
$(TEST_O)/fuzz-seeds/.built: fixtures $(TEST_O)/usdt
	@mkdir -p $(@D)
	$(Q)for a in $(FIXTURE_ARCHES); do for f in pie libfx.so; do \
		cp $(FIXTURES)/$$a/$$f $(@D)/$$a-$$f; done; done
	$(Q)cp $(TEST_O)/usdt $(@D)/usdt
	@touch $@
# fuzz-run NAME BINARY CORPUS SEEDS: a bounded run, its log's tail shown
fuzz-run = SUITE_TIMEOUT=$$(($(FUZZ_SECONDS) + 300)) $(SUITE) fuzz-$(1) sh -c '$(2) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	-print_final_stats=1 $(3) $(4) > $(TEST_O)/fuzz-$(1).log 2>&1; st=$$?; \
	grep -v "^\"" $(TEST_O)/fuzz-$(1).log | tail -n 12; exit $$st'
# Two at a time (each takes one core); each prints its log's tail when done.
test-fuzz: $(TEST_O)/fuzz_elf $(TEST_O)/fuzz_record $(TEST_O)/fuzz_tpformat $(TEST_O)/fuzz_dwarf \
		$(TEST_O)/fuzz_demangle $(TEST_O)/fuzz-seeds/.built $(TEST_O)/tpformat-seeds/.built \
		$(TEST_O)/dwarf-seeds/.built $(TEST_O)/demangle-seeds/.built
	@mkdir -p $(TEST_O)/fuzz-corpus $(TEST_O)/fuzz-record-corpus $(TEST_O)/fuzz-tpformat-corpus \
		$(TEST_O)/fuzz-dwarf-corpus $(TEST_O)/fuzz-demangle-corpus
	$(Q)$(call fuzz-run,elf,$(TEST_O)/fuzz_elf,$(TEST_O)/fuzz-corpus,$(TEST_O)/fuzz-seeds) & \
	$(call fuzz-run,record,$(TEST_O)/fuzz_record,$(TEST_O)/fuzz-record-corpus,\
		tests/fuzz/record-seeds); wait
	$(Q)$(call fuzz-run,tpformat,$(TEST_O)/fuzz_tpformat,$(TEST_O)/fuzz-tpformat-corpus,\
		$(TEST_O)/tpformat-seeds) & \
	$(call fuzz-run,dwarf,$(TEST_O)/fuzz_dwarf,$(TEST_O)/fuzz-dwarf-corpus,\
		$(TEST_O)/dwarf-seeds); wait
	$(Q)$(call fuzz-run,demangle,$(TEST_O)/fuzz_demangle,$(TEST_O)/fuzz-demangle-corpus,\
		$(TEST_O)/demangle-seeds)
fuzz:
	$(MAKE) test-fuzz FUZZ_SECONDS=600
	$(Q)tests/summary.sh $(RESULTS)

ifeq ($(TARGET),host)
check:
	$(Q)toolchain/install-deps.sh build test test-foreign qemu-user
	$(Q)rm -f $(RESULTS)
	$(Q)$(MAKE) --no-print-directory check-run
	$(Q)tests/summary.sh $(RESULTS)
check-run: all test-unit test-fmt32 test-cli test-live test-diff test-fuzz check-vm
else
# The unit tests of a foreign target: built with its glibc cross compiler
# against its cmocka and libelf, run under user-mode QEMU called explicitly
# (binfmt_misc is not assumed).
FOREIGN_O := build/$(TARGET)-test
FOREIGN_LIBC_aarch64 := /usr/lib/aarch64-linux-gnu/libc.so.6
check:
	$(Q)if [ -z "$(FOREIGN_LIBC_$(TARGET))" ]; then \
		echo "check: no unit tests for TARGET=$(TARGET): Debian 12 has no installable" \
			"$(TARGET) cmocka and libelf to link them with here (its VM test runs in" \
			"make check)"; exit 1; fi
	$(Q)toolchain/install-deps.sh test-foreign test-$(TARGET) $(DEPS_PURPOSE)
	$(Q)rm -f $(FOREIGN_O)/results
	$(Q)$(MAKE) --no-print-directory TARGET=host fixtures
	$(Q)$(MAKE) --no-print-directory TARGET=$(TARGET) O=$(FOREIGN_O) \
		CC=$(CROSS_COMPILE)gcc STATIC=0 OPT=-O1 all
	$(Q)for t in $(UNIT_TESTS); do \
		$(CROSS_COMPILE)gcc -std=c11 -D_GNU_SOURCE $(WARN) -O1 -g -Iinclude -Itests/unit \
			$(ARCH_CFLAGS) -o $(FOREIGN_O)/$$t tests/unit/$$t.c tests/unit/fake_elf.c \
			tests/unit/oracle.c $(FOREIGN_O)/libuprobectl.a -lcmocka -lelf || exit 1; \
		tests/run-suite.sh $(FOREIGN_O)/results $(TARGET)/$$t env UPC_FIXTURES=$(FIXTURES) \
			UPC_FIXTURE_ARCHES="$(FIXTURE_ARCHES)" UPC_HOST_LIBC=$(FOREIGN_LIBC_$(TARGET)) \
			$(QEMU_USER) $(FOREIGN_O)/$$t; \
	done
	$(Q)tests/summary.sh $(FOREIGN_O)/results
endif

ifeq ($(TARGET),host)
demo: $(BIN) $(TEST_O)/registers
	$(Q)tests/demo.sh $(BIN) $(TEST_O)/registers
else
# the same scenario on a real kernel of the target, under QEMU
demo:
	$(Q)toolchain/install-deps.sh vm
	$(Q)SHOW_CONSOLE=1 tests/vm/run-vm.sh $(TARGET)
endif

# make check (or LOAD_TARGET) RUNS times under a CPU hog: no hang, no flake
RUNS ?= 10
LOAD_TARGET ?= check
check-load:
	$(Q)tests/check-load.sh $(RUNS) $(LOAD_TARGET)

FORCE:
.PHONY: check-load fixtures test-unit test-fmt32 test-cli test-live test-live-tracefs test-diff \
	test-fuzz check-run FORCE

# Benchmarks: figures and ratios against the peer tools, printed, never
# asserted.
$(TEST_O)/measure: tests/bench/measure.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(HOST_CC) -O2 -Wall -o $@ $<
$(TEST_O)/loop: tests/bench/loop.c
	$(call msg,CC,$@)$(HOST_CC) -O2 -Wall -o $@ $<
$(TEST_O)/mloop: tests/bench/mloop.c
	$(call msg,CC,$@)$(HOST_CC) -O2 -Wall -o $@ $<
bench: $(BIN) $(TEST_O)/measure $(TEST_O)/loop $(TEST_O)/mloop $(TEST_O)/registers \
		$(TEST_O)/go/gotest-amd64
	$(Q)toolchain/install-deps.sh bench cross-x86_64-musl
	$(Q)$(MAKE) --no-print-directory TARGET=x86_64-musl
	$(Q)toolchain/install-deps.sh vm bench-peers
	$(Q)failed=""; \
	tests/bench/bench_resolve.sh $(TEST_O)/measure 11 $(BIN) build/x86_64-musl/uprobectl || \
		failed="$$failed resolve"; \
	tests/bench/bench_parse.sh $(BIN) $(TEST_O)/measure $(TEST_O)/bench 1000000 || \
		failed="$$failed parse"; \
	tests/bench/bench_live.sh $(BIN) $(TEST_O)/loop 3 || failed="$$failed live"; \
	tests/bench/bench_answers.sh $(BIN) $(TEST_O)/loop 3 || failed="$$failed answers"; \
	tests/bench/bench_leaks.sh $(BIN) $(TEST_O)/mloop 3 || failed="$$failed leaks"; \
	tests/bench/bench_bystander.sh $(BIN) $(TEST_O)/mloop 3 || failed="$$failed bystander"; \
	tests/bench/bench_footprint.sh $(TEST_O)/measure $(TEST_O)/registers 10000 || \
		failed="$$failed footprint"; \
	tests/bench/bench_go.sh $(BIN) $(TEST_O)/go/gotest-amd64 || failed="$$failed go"; \
	if [ -n "$$failed" ]; then echo "bench: failed:$$failed"; exit 1; fi
