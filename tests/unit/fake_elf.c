// SPDX-License-Identifier: MIT
#include <elf.h>
#include <string.h>

#include "fake_elf.h"

void fake_put(const struct fake_elf *f, unsigned char *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++) {
		int shift = f->be ? 8 * (bytes - 1 - i) : 8 * i;

		p[i] = (unsigned char)(v >> shift);
	}
}

#define W(p, v) fake_put(f, (p), (v), f->is64 ? 8 : 4)

size_t fake_elf_build(const struct fake_elf *f, unsigned char *buf, size_t cap,
		      struct fake_layout *l)
{
	static const char shstr[] = "\0.symtab\0.strtab\0.shstrtab\0.text";
	size_t eh = f->is64 ? 64 : 52, phe = f->is64 ? 56 : 32, she = f->is64 ? 64 : 40;
	size_t se = f->is64 ? 24 : 16, pos, nameoff = 1;
	unsigned char *p;

	memset(l, 0, sizeof(*l));
	l->ehsize = eh;
	l->phentsize = phe;
	l->shentsize = she;
	l->symentsize = se;
	l->phoff = eh;
	l->symoff = 0x100;
	l->symsize = se * (size_t)(f->nsyms + 1);
	l->stroff = l->symoff + l->symsize;
	l->strsize = 1;
	for (int i = 0; i < f->nsyms; i++)
		l->strsize += strlen(f->syms[i].name) + 1;
	l->shstroff = l->stroff + l->strsize;
	pos = (l->shstroff + sizeof(shstr) + 7) & ~(size_t)7;
	l->shoff = pos;
	l->shnum = 5;
	l->symtab_ndx = 1;
	l->strtab_ndx = 2;
	pos += she * l->shnum;
	if (pos < f->size)
		pos = f->size;
	if (pos > cap || l->phoff + phe * (size_t)f->nph > l->symoff)
		return 0;
	memset(buf, 0, pos);

	/* ELF header */
	memcpy(buf, ELFMAG, SELFMAG);
	buf[EI_CLASS] = f->is64 ? ELFCLASS64 : ELFCLASS32;
	buf[EI_DATA] = f->be ? ELFDATA2MSB : ELFDATA2LSB;
	buf[EI_VERSION] = EV_CURRENT;
	fake_put(f, buf + 16, f->type, 2);
	fake_put(f, buf + 18, f->machine, 2);
	fake_put(f, buf + 20, EV_CURRENT, 4);
	p = buf + 24 + (f->is64 ? 8 : 4);	/* e_entry skipped */
	W(p, l->phoff);
	p += f->is64 ? 8 : 4;
	W(p, l->shoff);
	p += f->is64 ? 8 : 4;
	fake_put(f, p, f->eflags, 4);
	fake_put(f, p + 4, eh, 2);
	fake_put(f, p + 6, phe, 2);
	fake_put(f, p + 8, (uint64_t)f->nph, 2);
	fake_put(f, p + 10, she, 2);
	fake_put(f, p + 12, l->shnum, 2);
	fake_put(f, p + 14, 3, 2);

	/* program headers */
	for (int i = 0; i < f->nph; i++) {
		const struct fake_ph *h = &f->ph[i];

		p = buf + l->phoff + phe * (size_t)i;
		fake_put(f, p, h->type, 4);
		if (f->is64) {
			fake_put(f, p + 4, h->flags, 4);
			W(p + 8, h->offset);
			W(p + 16, h->vaddr);
			W(p + 24, h->vaddr);
			W(p + 32, h->filesz);
			W(p + 40, h->memsz);
			W(p + 48, 0x1000);
		} else {
			W(p + 4, h->offset);
			W(p + 8, h->vaddr);
			W(p + 12, h->vaddr);
			W(p + 16, h->filesz);
			W(p + 20, h->memsz);
			fake_put(f, p + 24, h->flags, 4);
			W(p + 28, 0x1000);
		}
	}

	/* symbols and their names */
	for (int i = 0; i < f->nsyms; i++) {
		const struct fake_sym *s = &f->syms[i];

		p = buf + l->symoff + se * (size_t)(i + 1);
		fake_put(f, p, nameoff, 4);
		if (f->is64) {
			p[4] = s->info;
			p[5] = s->other;
			fake_put(f, p + 6, s->shndx, 2);
			W(p + 8, s->value);
			W(p + 16, s->size);
		} else {
			W(p + 4, s->value);
			W(p + 8, s->size);
			p[12] = s->info;
			p[13] = s->other;
			fake_put(f, p + 14, s->shndx, 2);
		}
		strcpy((char *)buf + l->stroff + nameoff, s->name);
		nameoff += strlen(s->name) + 1;
	}
	memcpy(buf + l->shstroff, shstr, sizeof(shstr));

	/* section headers: null, .symtab, .strtab, .shstrtab, .text */
	struct { uint32_t name, type; uint64_t off, size; uint32_t link, info; uint64_t ent; } sh[5] = {
		{ 0 },
		{ 1, SHT_SYMTAB, l->symoff, l->symsize, 2, 1, se },
		{ 9, SHT_STRTAB, l->stroff, l->strsize, 0, 0, 0 },
		{ 17, SHT_STRTAB, l->shstroff, sizeof(shstr), 0, 0, 0 },
		{ 27, SHT_PROGBITS, 0x1000, 0x100, 0, 0, 0 },
	};
	for (unsigned i = 0; i < l->shnum; i++) {
		p = buf + l->shoff + she * i;
		fake_put(f, p, sh[i].name, 4);
		fake_put(f, p + 4, sh[i].type, 4);
		if (f->is64) {
			W(p + 24, sh[i].off);
			W(p + 32, sh[i].size);
			fake_put(f, p + 40, sh[i].link, 4);
			fake_put(f, p + 44, sh[i].info, 4);
			W(p + 56, sh[i].ent);
		} else {
			W(p + 16, sh[i].off);
			W(p + 20, sh[i].size);
			fake_put(f, p + 24, sh[i].link, 4);
			fake_put(f, p + 28, sh[i].info, 4);
			W(p + 36, sh[i].ent);
		}
	}
	return pos;
}

void fake_elf_default(struct fake_elf *f)
{
	memset(f, 0, sizeof(*f));
	f->is64 = true;
	f->machine = EM_X86_64;
	f->type = ET_DYN;
	f->syms[0] = (struct fake_sym){ "func", 0x1040, 32,
					ELF64_ST_INFO(STB_GLOBAL, STT_FUNC), 0, 4 };
	f->nsyms = 1;
	f->ph[0] = (struct fake_ph){ PT_LOAD, PF_R | PF_X, 0x1000, 0x1000, 0x1000, 0x1000 };
	f->nph = 1;
	f->size = 0x2000;
}
