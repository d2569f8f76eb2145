# 32-bit ARM boards (hard float). ARM mode, not Debian's default Thumb-2:
# the kernel only probes ARM-mode code. glibc static (Debian ships no
# armhf musl cross toolchain for an amd64 host).
CROSS_COMPILE ?= arm-linux-gnueabihf-
DEPS_PURPOSE := cross-armhf
QEMU_USER := qemu-arm-static
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
ARCH_CFLAGS := -marm
STATIC ?= 1
OPT ?= -Os -flto=auto $(BOARD_OPT)
