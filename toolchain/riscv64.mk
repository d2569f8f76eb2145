# riscv64 boards: glibc static (Debian ships no riscv64 musl cross toolchain
# for an amd64 host).
CROSS_COMPILE ?= riscv64-linux-gnu-
DEPS_PURPOSE := cross-riscv64
QEMU_USER := qemu-riscv64-static
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
STATIC ?= 1
OPT ?= -Os -flto=auto $(BOARD_OPT)
