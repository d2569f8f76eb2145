// SPDX-License-Identifier: MIT
/*
 * USDT (SystemTap SDT) probes: the NT_STAPSDT notes of .note.stapsdt.
 * Each note's descriptor holds three words of the file's class (the
 * probe's address, the link-time address of .stapsdt.base, the
 * semaphore's address or 0) and three strings (provider, name, argument
 * specs). A file moved after linking (prelink) has its .stapsdt.base
 * elsewhere than the note says: the address moves by the same amount. The
 * semaphore is a counter in the data segment the program reads to know
 * whether anyone listens; the kernel increments it while a probe defined
 * with its file offset as (ref_ctr_offset) exists (4.20+).
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>

#include "upc_internal.h"

#ifndef NT_STAPSDT
#define NT_STAPSDT 3
#endif

/* The file offset of addr in any PT_LOAD's file bytes, or UPC_NO_OFFSET. */
static uint64_t data_offset(const struct upc_elf *e, uint64_t addr)
{
	struct upc_phdr ph;

	for (unsigned i = 0; i < e->phnum; i++)
		if (!upc_get_phdr(e, i, &ph) && ph.type == PT_LOAD && addr >= ph.vaddr &&
		    addr - ph.vaddr < ph.filesz)
			return addr - ph.vaddr + ph.offset;
	return UPC_NO_OFFSET;
}

/* The NUL-terminated string at *p inside [*p, end), advancing past it. */
static const char *take_str(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p, *nul = memchr(s, '\0', (size_t)(end - s));

	if (!nul)
		return NULL;
	*p = nul + 1;
	return (const char *)s;
}

struct usdt_walk {
	struct upc_elf *e;
	bool have_base;
	uint64_t base;			/* .stapsdt.base's address now */
	upc_usdt_cb cb;
	void *ctx;
	bool bad;
};

static int one_note(const struct upc_note *n, void *ctx)
{
	struct usdt_walk *w = ctx;
	const struct upc_img *img = &w->e->img;
	unsigned ws = img->is64 ? 8 : 4;
	const unsigned char *p = n->desc, *end = n->desc + n->descsz;
	struct upc_usdt u = { .sema_offset = UPC_NO_OFFSET };

	if (n->type != NT_STAPSDT || n->namesz != 8 || memcmp(n->name, "stapsdt", 8))
		return 0;
	if (n->descsz < 3 * ws) {
		w->bad = true;
		return 0;
	}
	u.note_pc = upc_rdw(img, p);
	u.note_base = upc_rdw(img, p + ws);
	u.sema = upc_rdw(img, p + 2 * ws);
	p += 3 * ws;
	if (!(u.provider = take_str(&p, end)) || !(u.name = take_str(&p, end)) ||
	    !(u.args = take_str(&p, end))) {
		w->bad = true;
		return 0;
	}
	u.pc = u.note_pc;
	if (w->have_base && u.note_base)
		u.pc += w->base - u.note_base;
	if (!img->is64)
		u.pc &= 0xffffffffu;
	if (upc_elf_addr_to_offset(w->e, u.pc, &u.offset))
		u.offset = UPC_NO_OFFSET;
	if (u.sema)
		u.sema_offset = data_offset(w->e, u.sema);
	return w->cb(&u, w->ctx);
}

int upc_usdt_foreach(struct upc_elf *e, upc_usdt_cb cb, void *ctx)
{
	struct usdt_walk w = { .e = e, .cb = cb, .ctx = ctx };
	struct upc_shdr sh;
	int r = 0;

	if (!upc_elf_find_section(e, ".stapsdt.base", &sh)) {
		w.have_base = true;
		w.base = sh.addr;
	}
	/* every SHT_NOTE section named .note.stapsdt (a linker keeps one) */
	if (upc_elf_find_section(e, ".note.stapsdt", &sh) || sh.type != SHT_NOTE)
		return 0;
	r = upc_note_foreach(&e->img, sh.offset, sh.size, 4, one_note, &w);
	if (r == -EINVAL || (!r && w.bad)) {
		pr_err("%s: .note.stapsdt is malformed (a note runs past its section or "
		       "lacks its strings)", e->path);
		return -EINVAL;
	}
	return r;
}
