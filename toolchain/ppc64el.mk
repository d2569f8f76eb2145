# 64-bit little-endian PowerPC (ELFv2) boards: static musl from Debian's
# musl-dev:ppc64el.
CROSS_COMPILE ?= powerpc64le-linux-gnu-
MUSL_CC := powerpc64le-linux-musl-gcc
DEPS_PURPOSE := cross-ppc64el
include toolchain/musl-cross.mk
