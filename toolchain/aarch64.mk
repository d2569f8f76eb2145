# arm64 boards: static musl from Debian's musl-dev:arm64.
CROSS_COMPILE ?= aarch64-linux-gnu-
MUSL_CC := aarch64-linux-musl-gcc
DEPS_PURPOSE := cross-aarch64
QEMU_USER := qemu-aarch64-static
include toolchain/musl-cross.mk
