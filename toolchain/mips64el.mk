# 64-bit little-endian MIPS (n64 ABI) boards: static musl from Debian's
# musl-dev:mips64el.
CROSS_COMPILE ?= mips64el-linux-gnuabi64-
MUSL_CC := mips64el-linux-musl-gcc
DEPS_PURPOSE := cross-mips64el
include toolchain/musl-cross.mk
