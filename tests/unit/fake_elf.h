/* SPDX-License-Identifier: MIT */
/* Build small ELF images in memory, any class and byte order, for tests and
 * fuzzing seeds: one or more PT_LOADs, a .symtab with its .strtab, and a
 * .shstrtab. Offsets of the parts are reported so tests can corrupt them. */
#ifndef FAKE_ELF_H
#define FAKE_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fake_sym {
	const char *name;
	uint64_t value, size;
	uint8_t info, other;
	uint16_t shndx;
};

struct fake_ph {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

struct fake_elf {
	bool is64, be;
	uint16_t machine, type;
	uint32_t eflags;
	struct fake_sym syms[8];
	int nsyms;
	struct fake_ph ph[4];
	int nph;
	size_t size;		/* total file size (>= what the tables need) */
};

struct fake_layout {
	size_t phoff, symoff, symsize, stroff, strsize, shstroff, shoff;
	unsigned shnum, symtab_ndx, strtab_ndx;
	size_t ehsize, phentsize, shentsize, symentsize;
};

/* Tables go from offset 0x100 on; the caller's PT_LOADs and symbol values
 * decide what is code. Returns the size written, 0 if cap is too small. */
size_t fake_elf_build(const struct fake_elf *f, unsigned char *buf, size_t cap,
		      struct fake_layout *l);
/* Store v in the image's byte order and class. */
void fake_put(const struct fake_elf *f, unsigned char *p, uint64_t v, int bytes);

/* A valid x86_64 ET_DYN with "func" at 0x1040 (size 32) in an R+X PT_LOAD
 * at vaddr 0x1000, file offset 0x1000. */
void fake_elf_default(struct fake_elf *f);

#endif
