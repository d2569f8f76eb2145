# x86_64 static with musl (Debian's musl-tools).
DEPS_PURPOSE := cross-x86_64-musl
ifeq ($(origin CC),default)
CC := musl-gcc
endif
STATIC ?= 1
OPT ?= -Os -flto=auto $(BOARD_OPT)
