# uprobectl: a static C program and library for Linux user-space probes.
#
#   make                      build/host/uprobectl and libuprobectl.a
#   make TARGET=aarch64       build/aarch64/ (also armhf, riscv64, x86_64-musl,
#                             ppc64el, s390x, mips64el, i386)
#   make check                every test (installs missing packages as root)
#   make demo                 the article's scenario, live
#   make bench                benchmarks against peer tools
#   make fuzz                 long fuzzing runs
#   make install              PREFIX=/usr/local DESTDIR=
#
# Knobs: TARGET CROSS_COMPILE CC V=1 O=DIR PREFIX DESTDIR STATIC=1
#        EXTRA_CFLAGS EXTRA_LDFLAGS

TARGET ?= host
ifeq ($(wildcard toolchain/$(TARGET).mk),)
$(error unknown TARGET '$(TARGET)': one of host aarch64 armhf riscv64 x86_64-musl ppc64el s390x mips64el i386)
endif
include toolchain/$(TARGET).mk

O ?= build/$(TARGET)
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
AR := $(CROSS_COMPILE)ar
STRIP := $(CROSS_COMPILE)strip
VERSION := $(shell sed -n 's/^\#define UPC_VERSION "\(.*\)"/\1/p' include/uprobectl.h)

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2);
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-missing-field-initializers
# Board builds (the toolchain fragments add it to OPT): no unwind tables,
# which C never reads and which are 6% of a static binary.
BOARD_OPT := -fno-asynchronous-unwind-tables -fno-unwind-tables
CFLAGS ?= $(OPT) -g
# DEMANGLE=0: no C++/Rust demangler (35 KB of arm64 code): names are shown
# as the file has them and C++/Rust source names are not found.
DEMANGLE ?= 1
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(ARCH_CFLAGS) $(CFLAGS) \
	$(if $(filter 1,$(OWN_MALLOC)),-DUPC_OWN_MALLOC) \
	$(if $(filter 0,$(DEMANGLE)),-DUPC_NO_DEMANGLE) \
	-ffunction-sections -fdata-sections -Iinclude -Itargets $(EXTRA_CFLAGS)
# The command's own objects are only ever linked into its binary: in a
# static one, position-dependent (with LTO the whole program follows, and
# its tables of pointers need no relocation); the library stays PIE.
CLI_CFLAGS := $(if $(filter 1,$(STATIC)),-fno-pie)
# Static builds: no RELRO (nothing is relocated at run time in a static
# binary, and its page alignment would pad the file by up to 64 KiB on
# arm64), and the data segment right after the code in the file rather
# than at the next 4 KiB (common-page-size; the kernel's congruence of file
# offset and address, modulo the largest page size, is kept).
STATIC_LDFLAGS := -static -Wl,-z,norelro -Wl,-z,common-page-size=16
ALL_LDFLAGS := -Wl,--gc-sections $(if $(filter 1,$(STATIC)),$(STATIC_LDFLAGS)) \
	$(LDFLAGS) $(EXTRA_LDFLAGS)

# The library (src/lib) never sees the CLI's headers (src/cli); every file of
# a folder is built, so a new command or library file needs no line here.
LIB_SRCS := $(sort $(wildcard src/lib/*.c))
CLI_SRCS := $(sort $(wildcard src/cli/*.c))
LIB_OBJS := $(LIB_SRCS:src/%.c=$(O)/obj/%.o)
CLI_OBJS := $(CLI_SRCS:src/%.c=$(O)/obj/%.o) $(O)/obj/cli/help_gz.o
HELP_TXTS := $(sort $(wildcard src/cli/help/*.txt))
HDRS := $(wildcard include/*.h src/cli/*.h targets/*/abi.h)

LIB := $(O)/libuprobectl.a
BIN := $(O)/uprobectl

all: $(BIN) $(LIB) $(O)/uprobectl.pc

# The toolchain of the target, installed on first use when run as root.
$(O)/.deps: toolchain/install-deps.sh toolchain/$(TARGET).mk
	@mkdir -p $(@D)
	$(Q)toolchain/install-deps.sh $(DEPS_PURPOSE)
	@touch $@

$(O)/obj/%.o: src/%.c $(HDRS) Makefile toolchain/$(TARGET).mk | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) $(ALL_CFLAGS) $(if $(filter cli/%,$*),$(CLI_CFLAGS)) -c -o $@ $<

# The help texts, gzipped into one blob (NAME, newline, text, NUL each) that
# help.c inflates; gzip and od are in every Debian.
$(O)/gen/help.gz: $(HELP_TXTS)
	@mkdir -p $(@D)
	$(call msg,GZIP,$@)for f in $^; do n=$${f##*/}; printf '%s\n' "$${n%.txt}"; cat "$$f"; \
		printf '\0'; done > $(@:.gz=) && gzip -9nf $(@:.gz=)
$(O)/gen/help_gz.c: $(O)/gen/help.gz
	$(call msg,GEN,$@){ printf '%s\n' '/* made by the Makefile from src/cli/help/ */' \
		'#include <stddef.h>' 'extern const unsigned char cli_help_gz[];' \
		'extern const size_t cli_help_gz_len;' 'const unsigned char cli_help_gz[] = {'; \
		od -An -v -tu1 $< | sed 's/^ *//; s/  */,/g; s/$$/,/'; \
		printf '%s\n' '};' 'const size_t cli_help_gz_len = sizeof(cli_help_gz);'; } > $@
$(O)/obj/cli/help_gz.o: $(O)/gen/help_gz.c | $(O)/.deps
	@mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) $(ALL_CFLAGS) $(CLI_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	$(call msg,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(ALL_LDFLAGS)
ifneq ($(TARGET),host)
	$(Q)$(STRIP) $@
endif

$(O)/uprobectl.pc: Makefile
	@mkdir -p $(@D)
	$(Q)printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCLUDEDIR)' '' \
		'Name: libuprobectl' 'Description: resolve ELF symbols and configure tracefs uprobes' \
		'Version: $(VERSION)' 'Libs: -L$${libdir} -luprobectl' 'Cflags: -I$${includedir}' > $@

# INIT=sysv or INIT=systemd also installs what a board's root filesystem
# needs to set probes up at boot, and a sample /etc/uprobectl.conf (an
# existing one is kept).
INIT ?=
SYSCONFDIR ?= /etc
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) \
		$(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/uprobectl
	install -m 0644 $(LIB) $(DESTDIR)$(LIBDIR)/libuprobectl.a
	install -m 0644 include/uprobectl.h $(DESTDIR)$(INCLUDEDIR)/uprobectl.h
	install -m 0644 $(O)/uprobectl.pc $(DESTDIR)$(LIBDIR)/pkgconfig/uprobectl.pc
	install -m 0644 targets/rootfs/uprobectl.8 $(DESTDIR)$(MANDIR)/man8/uprobectl.8
ifneq ($(INIT),)
	install -d $(DESTDIR)$(SYSCONFDIR)
	[ -e $(DESTDIR)$(SYSCONFDIR)/uprobectl.conf ] || \
		install -m 0644 targets/rootfs/uprobectl.conf $(DESTDIR)$(SYSCONFDIR)/uprobectl.conf
endif
ifeq ($(INIT),sysv)
	install -d $(DESTDIR)$(SYSCONFDIR)/init.d
	sed 's|^UPROBECTL=.*|UPROBECTL=$(BINDIR)/uprobectl|' targets/rootfs/uprobectl.init \
		> $(DESTDIR)$(SYSCONFDIR)/init.d/uprobectl
	chmod 0755 $(DESTDIR)$(SYSCONFDIR)/init.d/uprobectl
else ifeq ($(INIT),systemd)
	install -d $(DESTDIR)$(SYSTEMDDIR)
	sed 's|/usr/bin/uprobectl|$(BINDIR)/uprobectl|' targets/rootfs/uprobectl.service \
		> $(DESTDIR)$(SYSTEMDDIR)/uprobectl.service
else ifneq ($(INIT),)
	@echo "install: INIT is sysv or systemd, not '$(INIT)'"; exit 2
endif

# Packages: check installs what is missing when run as root.
deps:
	$(Q)toolchain/install-deps.sh build test test-foreign

clean:
	rm -rf build

include tests/tests.mk
include tests/vm/vm.mk

.PHONY: all install deps clean check demo bench fuzz
.DELETE_ON_ERROR:
