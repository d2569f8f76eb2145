# Shared by the targets that Debian ships a musl for (musl-dev:ARCH): its
# wrapper MUSL_CC drives the glibc cross compiler CROSS_COMPILE-gcc with
# musl's specs. Static musl, with our small allocator (src/cli/malloc.c)
# instead of mallocng; glibc static when musl is absent or MUSL=0.
MUSL ?= $(if $(wildcard /usr/bin/$(MUSL_CC)),1,0)
ifeq ($(origin CC),default)
CC := $(if $(filter 1,$(MUSL)),$(MUSL_CC),$(CROSS_COMPILE)gcc)
endif
STATIC ?= 1
OWN_MALLOC := $(MUSL)
OPT ?= -Os -flto=auto $(BOARD_OPT)
