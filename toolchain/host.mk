# Native build: the machine's own compiler and libc, dynamically linked
# unless STATIC=1.
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)cc
endif
STATIC ?= 0
OPT ?= -O2
DEPS_PURPOSE := build
