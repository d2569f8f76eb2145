# 32-bit x86 boards (i686): static musl from Debian's musl-dev:i386.
CROSS_COMPILE ?= i686-linux-gnu-
MUSL_CC := i386-linux-musl-gcc
DEPS_PURPOSE := cross-i386
include toolchain/musl-cross.mk
