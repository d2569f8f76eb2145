# x86_64 static with musl (Debian's musl-tools).
DEPS_PURPOSE := cross-x86_64-musl
ifeq ($(origin CC),default)
CC := musl-gcc
endif
STATIC ?= 1
# Our small allocator (src/cli/malloc.c) instead of musl's mallocng.
OWN_MALLOC := 1
OPT ?= -Os -flto=auto $(BOARD_OPT)
