# 32-bit ARM boards (hard float): static musl from Debian's musl-dev:armhf.
# ARM mode, not Debian's default Thumb-2: the kernel only probes ARM-mode
# code.
CROSS_COMPILE ?= arm-linux-gnueabihf-
MUSL_CC := arm-linux-musleabihf-gcc
DEPS_PURPOSE := cross-armhf
QEMU_USER := qemu-arm-static
ARCH_CFLAGS := -marm
include toolchain/musl-cross.mk
