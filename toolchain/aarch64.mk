# arm64 boards. Static musl from Debian's musl-dev:arm64 (its wrapper
# aarch64-linux-musl-gcc drives aarch64-linux-gnu-gcc with musl's specs);
# glibc static when musl is absent or MUSL=0.
CROSS_COMPILE ?= aarch64-linux-gnu-
DEPS_PURPOSE := cross-aarch64
QEMU_USER := qemu-aarch64-static
MUSL ?= $(if $(wildcard /usr/bin/aarch64-linux-musl-gcc),1,0)
ifeq ($(origin CC),default)
CC := $(if $(filter 1,$(MUSL)),aarch64-linux-musl-gcc,$(CROSS_COMPILE)gcc)
endif
STATIC ?= 1
# With musl, our small allocator (src/cli/malloc.c) instead of mallocng.
OWN_MALLOC := $(MUSL)
OPT ?= -Os -flto=auto $(BOARD_OPT)
