# IBM Z (s390x, big-endian): static musl from Debian's musl-dev:s390x.
CROSS_COMPILE ?= s390x-linux-gnu-
MUSL_CC := s390x-linux-musl-gcc
DEPS_PURPOSE := cross-s390x
include toolchain/musl-cross.mk
