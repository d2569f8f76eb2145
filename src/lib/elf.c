// SPDX-License-Identifier: MIT
/*
 * The ELF reader. The file is mapped read-only and every byte of it is read
 * through upc_span(), which checks [off, off+len) against the mapping with
 * overflow-safe arithmetic, and through upc_rd*(), which decode in the
 * file's byte order. Headers, tables and strings are validated when they are
 * first located (upc_elf_parse, upc_find_symtab), but every later read is
 * checked again: a lie in one table must never become a read outside the
 * file. Both classes and both byte orders are handled by decoding records
 * into the widened structs of upc_internal.h, so nothing else in the library
 * knows about Elf32_* or Elf64_*.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "upc_internal.h"

#ifndef SHT_GNU_HASH
#define SHT_GNU_HASH 0x6ffffff6
#endif
#ifndef SHF_COMPRESSED
#define SHF_COMPRESSED (1u << 11)
#endif

static bool host_big_endian(void)
{
	const uint16_t one = 1;

	return *(const unsigned char *)&one == 0;
}

uint16_t upc_rd16(const struct upc_img *img, const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return img->swap ? __builtin_bswap16(v) : v;
}

uint32_t upc_rd32(const struct upc_img *img, const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return img->swap ? __builtin_bswap32(v) : v;
}

uint64_t upc_rd64(const struct upc_img *img, const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return img->swap ? __builtin_bswap64(v) : v;
}

uint64_t upc_rdw(const struct upc_img *img, const unsigned char *p)
{
	return img->is64 ? upc_rd64(img, p) : upc_rd32(img, p);
}

const char *upc_str(const struct upc_img *img, uint64_t base, uint64_t size,
		    uint64_t off)
{
	const unsigned char *t = upc_span(img, base, size);
	const unsigned char *nul;

	if (!t || off >= size)
		return NULL;
	nul = memchr(t + off, '\0', size - off);
	return nul ? (const char *)(t + off) : NULL;
}

int upc_img_map(const char *path, struct upc_img *img)
{
	struct stat st;
	void *map;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if (st.st_size < EI_NIDENT || (uint64_t)st.st_size > SIZE_MAX) {
		err = -ENOEXEC;
		goto out;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		err = -errno;
		goto out;
	}
	img->map = map;
	img->size = (size_t)st.st_size;
	img->dev = (uint64_t)st.st_dev;
	img->ino = (uint64_t)st.st_ino;
	img->uid = (uint32_t)st.st_uid;
	img->mode = (uint32_t)st.st_mode;
out:
	close(fd);
	return err;
}

void upc_img_unmap(struct upc_img *img)
{
	if (img->map && !img->borrowed)
		munmap((void *)img->map, img->size);
	img->map = NULL;
	img->size = 0;
}

int upc_get_shdr(const struct upc_elf *e, const struct upc_img *img,
		 uint64_t shoff, unsigned i, struct upc_shdr *sh)
{
	size_t need = img->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	const unsigned char *p;

	p = upc_span(img, shoff + (uint64_t)i * e->shentsize, need);
	if (!p || shoff > UINT64_MAX - (uint64_t)i * e->shentsize)
		return -EINVAL;
	sh->name = upc_rd32(img, p);
	sh->type = upc_rd32(img, p + 4);
	if (img->is64) {
		sh->flags = upc_rd64(img, p + 8);
		sh->addr = upc_rd64(img, p + 16);
		sh->offset = upc_rd64(img, p + 24);
		sh->size = upc_rd64(img, p + 32);
		sh->link = upc_rd32(img, p + 40);
		sh->info = upc_rd32(img, p + 44);
		sh->entsize = upc_rd64(img, p + 56);
	} else {
		sh->flags = upc_rd32(img, p + 8);
		sh->addr = upc_rd32(img, p + 12);
		sh->offset = upc_rd32(img, p + 16);
		sh->size = upc_rd32(img, p + 20);
		sh->link = upc_rd32(img, p + 24);
		sh->info = upc_rd32(img, p + 28);
		sh->entsize = upc_rd32(img, p + 36);
	}
	return 0;
}

int upc_get_phdr(const struct upc_elf *e, unsigned i, struct upc_phdr *ph)
{
	const struct upc_img *img = &e->img;
	size_t need = img->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	const unsigned char *p;

	if (i >= e->phnum)
		return -EINVAL;
	p = upc_span(img, e->phoff + (uint64_t)i * e->phentsize, need);
	if (!p)
		return -EINVAL;
	ph->type = upc_rd32(img, p);
	if (img->is64) {
		ph->flags = upc_rd32(img, p + 4);
		ph->offset = upc_rd64(img, p + 8);
		ph->vaddr = upc_rd64(img, p + 16);
		ph->filesz = upc_rd64(img, p + 32);
		ph->memsz = upc_rd64(img, p + 40);
	} else {
		ph->offset = upc_rd32(img, p + 4);
		ph->vaddr = upc_rd32(img, p + 8);
		ph->filesz = upc_rd32(img, p + 16);
		ph->memsz = upc_rd32(img, p + 20);
		ph->flags = upc_rd32(img, p + 24);
	}
	return 0;
}

int upc_get_sym(const struct upc_img *img, const struct upc_symtab *t,
		uint64_t i, struct upc_rawsym *s)
{
	const unsigned char *p;

	if (i >= t->count)
		return -EINVAL;
	p = upc_span(img, t->off + i * t->entsize,
		     img->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym));
	if (!p)
		return -EINVAL;
	s->name = upc_rd32(img, p);
	if (img->is64) {
		s->info = p[4];
		s->other = p[5];
		s->shndx = upc_rd16(img, p + 6);
		s->value = upc_rd64(img, p + 8);
		s->size = upc_rd64(img, p + 16);
	} else {
		s->value = upc_rd32(img, p + 4);
		s->size = upc_rd32(img, p + 8);
		s->info = p[12];
		s->other = p[13];
		s->shndx = upc_rd16(img, p + 14);
	}
	return 0;
}

/* The section count, with ELF's extended numbering (e_shnum 0, the real
 * count in section 0's sh_size) bounded by what the file can hold. */
static int section_count(struct upc_elf *e, const struct upc_img *img,
			 uint64_t shoff, uint16_t shnum, unsigned *count)
{
	struct upc_shdr sh0;
	uint64_t n = shnum;

	if (!shoff) {
		*count = 0;
		return 0;
	}
	if (!shnum) {
		if (upc_get_shdr(e, img, shoff, 0, &sh0))
			return -EINVAL;
		n = sh0.size;
	}
	if (!e->shentsize || n > (img->size - (shoff < img->size ? shoff : img->size)) / e->shentsize ||
	    n > UINT32_MAX)
		return -EINVAL;
	*count = (unsigned)n;
	return 0;
}

struct shdr_walk {
	uint64_t shoff;
	unsigned count;
};

static int img_sections(struct upc_elf *e, const struct upc_img *img,
			struct shdr_walk *w)
{
	const unsigned char *h = img->map;
	uint16_t shnum, shentsize;
	uint64_t shoff;
	size_t min = img->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	unsigned count;

	if (img->is64) {
		shoff = upc_rd64(img, h + offsetof(Elf64_Ehdr, e_shoff));
		shentsize = upc_rd16(img, h + offsetof(Elf64_Ehdr, e_shentsize));
		shnum = upc_rd16(img, h + offsetof(Elf64_Ehdr, e_shnum));
	} else {
		shoff = upc_rd32(img, h + offsetof(Elf32_Ehdr, e_shoff));
		shentsize = upc_rd16(img, h + offsetof(Elf32_Ehdr, e_shentsize));
		shnum = upc_rd16(img, h + offsetof(Elf32_Ehdr, e_shnum));
	}
	if (shoff && shentsize < min)
		return -EINVAL;
	e->shentsize = shentsize;
	if (section_count(e, img, shoff, shnum, &count))
		return -EINVAL;
	w->shoff = shoff;
	w->count = count;
	return 0;
}

static int check_table(const struct upc_img *img, uint64_t off, uint64_t size)
{
	return upc_span(img, off, size) ? 0 : -EINVAL;
}

int upc_find_symtab(const struct upc_elf *e, const struct upc_img *img,
		    uint32_t type, struct upc_symtab *t)
{
	size_t symsz = img->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	struct upc_elf tmp = *e;
	struct shdr_walk w;
	struct upc_shdr sh, str;

	memset(t, 0, sizeof(*t));
	if (img_sections(&tmp, img, &w))
		return -EINVAL;
	for (unsigned i = 1; i < w.count; i++) {
		if (upc_get_shdr(&tmp, img, w.shoff, i, &sh))
			return -EINVAL;
		if (sh.type != type)
			continue;
		if (sh.flags & SHF_COMPRESSED)
			return -ENOTSUP;
		if (sh.entsize < symsz || sh.entsize > 1024 ||
		    check_table(img, sh.offset, sh.size))
			return -EINVAL;
		if (sh.link >= w.count || upc_get_shdr(&tmp, img, w.shoff, sh.link, &str) ||
		    str.type != SHT_STRTAB || check_table(img, str.offset, str.size))
			return -EINVAL;
		t->off = sh.offset;
		t->entsize = sh.entsize;
		t->count = sh.size / sh.entsize;
		t->stroff = str.offset;
		t->strsize = str.size;
		t->index = i;
		return 0;
	}
	return 0;
}

/* Versioning and hash sections of the main file; a malformed one is
 * ignored (versions are shown, never needed for an offset). */
static void find_dynamic_extras(struct upc_elf *e, const struct shdr_walk *w)
{
	const struct upc_img *img = &e->img;
	struct upc_shdr sh, str;

	for (unsigned i = 1; i < w->count; i++) {
		if (upc_get_shdr(e, img, w->shoff, i, &sh))
			return;
		switch (sh.type) {
		case SHT_GNU_versym:
			if (e->dynsym.index && sh.size / 2 >= e->dynsym.count &&
			    !check_table(img, sh.offset, e->dynsym.count * 2))
				e->versym_off = sh.offset;
			break;
		case SHT_GNU_verdef:
		case SHT_GNU_verneed:
			if (check_table(img, sh.offset, sh.size) ||
			    sh.link >= w->count ||
			    upc_get_shdr(e, img, w->shoff, sh.link, &str) ||
			    check_table(img, str.offset, str.size))
				break;
			e->verstr_off = str.offset;
			e->verstr_size = str.size;
			if (sh.type == SHT_GNU_verdef) {
				e->verdef_off = sh.offset;
				e->verdef_size = sh.size;
				e->verdef_num = sh.info;
			} else {
				e->verneed_off = sh.offset;
				e->verneed_size = sh.size;
				e->verneed_num = sh.info;
			}
			break;
		case SHT_GNU_HASH:
			if (!check_table(img, sh.offset, sh.size) && sh.link == e->dynsym.index) {
				e->gnuhash_off = sh.offset;
				e->gnuhash_size = sh.size;
			}
			break;
		case SHT_DYNAMIC:
			if (check_table(img, sh.offset, sh.size) || sh.link >= w->count ||
			    upc_get_shdr(e, img, w->shoff, sh.link, &str) ||
			    str.type != SHT_STRTAB || check_table(img, str.offset, str.size))
				break;
			e->dyn_off = sh.offset;
			e->dyn_size = sh.size;
			e->dynstr_off = str.offset;
			e->dynstr_size = str.size;
			break;
		}
	}
}

/* Two executable segments that map one address to two file offsets would
 * make every offset in them a guess: refuse the file. */
static int check_exec_overlap(const struct upc_elf *e)
{
	struct upc_phdr a, b;

	for (unsigned i = 0; i < e->phnum; i++) {
		if (upc_get_phdr(e, i, &a) || a.type != PT_LOAD || !(a.flags & PF_X))
			continue;
		for (unsigned j = i + 1; j < e->phnum; j++) {
			if (upc_get_phdr(e, j, &b) || b.type != PT_LOAD || !(b.flags & PF_X))
				continue;
			if (a.vaddr < b.vaddr + b.filesz && b.vaddr < a.vaddr + a.filesz &&
			    a.vaddr - a.offset != b.vaddr - b.offset) {
				pr_err("%s: executable segments %u and %u overlap and map the same "
				       "addresses to different file offsets (corrupt file)",
				       e->path, i, j);
				return -ENOEXEC;
			}
		}
	}
	return 0;
}

/*
 * Symbol versions: .gnu.version gives each .dynsym entry a version index;
 * .gnu.version_d (verdef) names the indices the file defines, and the aux
 * entries of .gnu.version_r (verneed) the ones it needs from each library.
 * Both are chains whose links come from the file, so a crafted file can
 * make them cycle: a walk takes at most as many steps as the section has
 * room for entries. Each is walked once, into an index sorted by version
 * index (walk order breaks ties, so the first entry of an index wins, as in
 * a plain walk); lookups per symbol are then a binary search.
 */
struct upc_verent {
	uint32_t idx;			/* version index */
	uint32_t pos;			/* order in the walk */
	uint32_t str;			/* its name (verdef) or file (verneed) */
};

static int cmp_verent(const void *a, const void *b)
{
	const struct upc_verent *x = a, *y = b;

	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

static int verent_add(struct upc_verent **v, size_t *n, size_t cap, uint32_t idx,
		      uint32_t str)
{
	if (!*v && !(*v = malloc(cap * sizeof(**v))))
		return -ENOMEM;
	if (*n < cap) {
		(*v)[*n] = (struct upc_verent){ idx, (uint32_t)*n, str };
		++*n;
	}
	return 0;
}

static int index_verdefs(struct upc_elf *e)
{
	const struct upc_img *img = &e->img;
	uint64_t off = 0, room = e->verdef_size / 20;
	int err;

	for (uint64_t k = 0; k < e->verdef_num && k < room; k++) {
		const unsigned char *vd = upc_span(img, e->verdef_off + off, 20);
		const unsigned char *aux;
		uint32_t next, auxoff;

		if (!vd || off + 20 > e->verdef_size)
			break;
		auxoff = upc_rd32(img, vd + 12);
		next = upc_rd32(img, vd + 16);
		aux = off + auxoff + 8 <= e->verdef_size
			      ? upc_span(img, e->verdef_off + off + auxoff, 8) : NULL;
		if (aux && !(upc_rd16(img, vd + 2) & VER_FLG_BASE) &&
		    (err = verent_add(&e->verdefs, &e->nverdefs, (size_t)room,
				      upc_rd16(img, vd + 4) & 0x7fff, upc_rd32(img, aux))))
			return err;
		if (!next)
			break;
		off += next;
	}
	if (e->nverdefs)
		upc_sort(e->verdefs, e->nverdefs, sizeof(*e->verdefs), cmp_verent);
	return 0;
}

static int index_verneeds(struct upc_elf *e)
{
	const struct upc_img *img = &e->img;
	uint64_t off = 0, room = e->verneed_size / 16, steps = 0;
	int err;

	for (uint64_t k = 0; k < e->verneed_num && k < room; k++) {
		const unsigned char *vn = upc_span(img, e->verneed_off + off, 16);
		uint64_t aoff;

		if (!vn || off + 16 > e->verneed_size)
			break;
		aoff = off + upc_rd32(img, vn + 8);
		for (unsigned a = 0; a < upc_rd16(img, vn + 2) && steps++ < room; a++) {
			const unsigned char *vna = upc_span(img, e->verneed_off + aoff, 16);

			if (!vna || aoff + 16 > e->verneed_size)
				break;
			if ((err = verent_add(&e->verneeds, &e->nverneeds, (size_t)room,
					      upc_rd16(img, vna + 6), upc_rd32(img, vn + 4))))
				return err;
			if (!upc_rd32(img, vna + 12))
				break;
			aoff += upc_rd32(img, vna + 12);
		}
		if (!upc_rd32(img, vn + 12))
			break;
		off += upc_rd32(img, vn + 12);
	}
	if (e->nverneeds)
		upc_sort(e->verneeds, e->nverneeds, sizeof(*e->verneeds), cmp_verent);
	return 0;
}

#define parse_err(e, ...) upc_log((e)->debugfile ? UPC_DEBUG : UPC_ERROR, __VA_ARGS__)

int upc_elf_parse(struct upc_elf *e)
{
	struct upc_img *img = &e->img;
	const unsigned char *h = upc_span(img, 0, EI_NIDENT);
	size_t ehsz, phsz;
	struct shdr_walk w;
	struct upc_phdr ph;
	int err;

	if (!h || memcmp(h, ELFMAG, SELFMAG)) {
		parse_err(e, "%s: not an ELF file (bad magic)", e->path);
		return -ENOEXEC;
	}
	if (h[EI_CLASS] != ELFCLASS32 && h[EI_CLASS] != ELFCLASS64) {
		parse_err(e, "%s: unknown ELF class %u", e->path, h[EI_CLASS]);
		return -ENOEXEC;
	}
	if (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB) {
		parse_err(e, "%s: unknown ELF byte order %u", e->path, h[EI_DATA]);
		return -ENOEXEC;
	}
	img->is64 = h[EI_CLASS] == ELFCLASS64;
	img->swap = (h[EI_DATA] == ELFDATA2MSB) != host_big_endian();
	ehsz = img->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	phsz = img->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	h = upc_span(img, 0, ehsz);
	if (!h) {
		parse_err(e, "%s: truncated ELF header (%zu bytes)", e->path, img->size);
		return -ENOEXEC;
	}
	if (img->is64) {
		e->type = upc_rd16(img, h + offsetof(Elf64_Ehdr, e_type));
		e->machine = upc_rd16(img, h + offsetof(Elf64_Ehdr, e_machine));
		e->eflags = upc_rd32(img, h + offsetof(Elf64_Ehdr, e_flags));
		e->phoff = upc_rd64(img, h + offsetof(Elf64_Ehdr, e_phoff));
		e->phentsize = upc_rd16(img, h + offsetof(Elf64_Ehdr, e_phentsize));
		e->phnum = upc_rd16(img, h + offsetof(Elf64_Ehdr, e_phnum));
	} else {
		e->type = upc_rd16(img, h + offsetof(Elf32_Ehdr, e_type));
		e->machine = upc_rd16(img, h + offsetof(Elf32_Ehdr, e_machine));
		e->eflags = upc_rd32(img, h + offsetof(Elf32_Ehdr, e_flags));
		e->phoff = upc_rd32(img, h + offsetof(Elf32_Ehdr, e_phoff));
		e->phentsize = upc_rd16(img, h + offsetof(Elf32_Ehdr, e_phentsize));
		e->phnum = upc_rd16(img, h + offsetof(Elf32_Ehdr, e_phnum));
	}
	/* (a dwz file, read for its DWARF alone, is ET_REL) */
	if (e->type != ET_EXEC && e->type != ET_DYN && !(e->debugfile && e->type == ET_REL)) {
		parse_err(e, "%s: ELF type %u is not an executable or a shared library; "
		       "uprobes go in linked programs and libraries", e->path, e->type);
		return -ENOEXEC;
	}
	e->arch = upc_arch_by_machine(e->machine, img->is64 ? 2 : 1);
	if (!e->arch) {
		parse_err(e, "%s: ELF machine %u (%d-bit) is not an architecture uprobectl knows",
		       e->path, e->machine, img->is64 ? 64 : 32);
		return -ENOTSUP;
	}
	if (e->phnum && (e->phentsize < phsz ||
			 !upc_span(img, e->phoff, (uint64_t)e->phnum * e->phentsize))) {
		parse_err(e, "%s: program headers lie outside the file (truncated or corrupt)", e->path);
		return -ENOEXEC;
	}
	for (unsigned i = 0; !e->debugfile && i < e->phnum; i++) {
		if (upc_get_phdr(e, i, &ph))
			return -ENOEXEC;
		if (ph.type != PT_LOAD)
			continue;
		if (!upc_span(img, ph.offset, ph.filesz) ||
		    ph.vaddr > UINT64_MAX - ph.memsz || ph.filesz > ph.memsz) {
			parse_err(e, "%s: loadable segment %u lies outside the file (truncated or corrupt)",
			       e->path, i);
			return -ENOEXEC;
		}
	}
	err = e->debugfile ? 0 : check_exec_overlap(e);
	if (err)
		return err;
	err = img_sections(e, img, &w);
	if (err) {
		parse_err(e, "%s: section headers lie outside the file (truncated or corrupt)", e->path);
		return -ENOEXEC;
	}
	e->shoff = w.shoff;
	e->shnum = w.count > UINT16_MAX ? UINT16_MAX : (uint16_t)w.count;
	if ((err = upc_find_symtab(e, img, SHT_SYMTAB, &e->symtab)) ||
	    (err = upc_find_symtab(e, img, SHT_DYNSYM, &e->dynsym))) {
		if (err == -ENOTSUP)
			parse_err(e, "%s: its symbol table is compressed (SHF_COMPRESSED), which "
				  "uprobectl does not read; decompress it with 'objcopy "
				  "--decompress-debug-sections' on a build host", e->path);
		else
			parse_err(e, "%s: a symbol table or its string table lies outside the "
				  "file or has a bad entry size (corrupt)", e->path);
		return err == -ENOTSUP ? err : -ENOEXEC;
	}
	find_dynamic_extras(e, &w);
	if (e->debugfile)
		return 0;
	err = index_verdefs(e);
	return err ? err : index_verneeds(e);
}

/* The string of the first entry of index idx, or NULL. */
static const char *verent_find(const struct upc_elf *e, const struct upc_verent *v, size_t n,
			       uint32_t idx)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].idx < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].idx == idx
		       ? upc_str(&e->img, e->verstr_off, e->verstr_size, v[lo].str) : NULL;
}

void upc_dynsym_version(const struct upc_elf *e, uint64_t i, const char **ver,
			bool *is_default)
{
	const unsigned char *p;
	uint16_t vs;

	*ver = NULL;
	*is_default = true;
	if (!e->versym_off || !e->verdef_off)
		return;
	p = upc_span(&e->img, e->versym_off + 2 * i, 2);
	if (!p)
		return;
	vs = upc_rd16(&e->img, p);
	if ((vs & 0x7fff) < 2)
		return;
	*ver = verent_find(e, e->verdefs, e->nverdefs, vs & 0x7fff);
	*is_default = !(vs & 0x8000);
}

/* The library (vn_file) that an imported .dynsym entry i is bound to by its
 * version requirement, or NULL. */
const char *upc_dynsym_needed_file(const struct upc_elf *e, uint64_t i)
{
	const unsigned char *p;

	if (!e->versym_off || !e->verneed_off)
		return NULL;
	p = upc_span(&e->img, e->versym_off + 2 * i, 2);
	return p ? verent_find(e, e->verneeds, e->nverneeds, upc_rd16(&e->img, p) & 0x7fff)
		 : NULL;
}

static bool sym_matches(const struct upc_elf *e, uint64_t i, const char *name,
			size_t len, uint64_t value)
{
	struct upc_rawsym s;
	const char *n;

	if (upc_get_sym(&e->img, &e->dynsym, i, &s) || s.shndx == SHN_UNDEF ||
	    s.value != value)
		return false;
	n = upc_str(&e->img, e->dynsym.stroff, e->dynsym.strsize, s.name);
	return n && !strncmp(n, name, len) && n[len] == '\0';
}

/*
 * .gnu.hash: a bloom filter, then buckets that each name the first .dynsym
 * index of a chain of entries sorted by bucket; the chain holds one hash
 * value per entry, and bit 0 set ends it. A name can only be in the chain
 * of its bucket.
 */
int upc_dynsym_chain(const struct upc_elf *e, const char *name, size_t len,
		     uint64_t *first, uint64_t *end)
{
	const struct upc_img *img = &e->img;
	const unsigned char *hdr;
	uint32_t nbuckets, symoffset, bloomsz, h = 5381;
	uint64_t buckets, chains, idx;

	hdr = e->dynsym.index && e->gnuhash_off ? upc_span(img, e->gnuhash_off, 16) : NULL;
	if (!hdr)
		return -ENOENT;
	nbuckets = upc_rd32(img, hdr);
	symoffset = upc_rd32(img, hdr + 4);
	bloomsz = upc_rd32(img, hdr + 8);
	if (!nbuckets)
		return -ENOENT;
	for (size_t k = 0; k < len; k++)
		h = h * 33 + (unsigned char)name[k];
	buckets = e->gnuhash_off + 16 + (uint64_t)bloomsz * (img->is64 ? 8 : 4);
	chains = buckets + (uint64_t)nbuckets * 4;
	hdr = upc_span(img, buckets + (uint64_t)(h % nbuckets) * 4, 4);
	if (!hdr || buckets + (uint64_t)nbuckets * 4 > e->gnuhash_off + e->gnuhash_size)
		return -ENOENT;
	idx = upc_rd32(img, hdr);
	*first = *end = idx;
	if (!idx)
		return 0;	/* an empty bucket: no such name */
	if (idx < symoffset)
		return -ENOENT;
	for (; idx < e->dynsym.count; idx++) {
		uint64_t at = chains + (idx - symoffset) * 4;
		const unsigned char *c = upc_span(img, at, 4);

		if (!c || at + 4 > e->gnuhash_off + e->gnuhash_size)
			return -ENOENT;
		if (upc_rd32(img, c) & 1) {
			*end = idx + 1;
			return 0;
		}
	}
	return -ENOENT;
}

int64_t upc_dynsym_lookup(const struct upc_elf *e, const char *name, size_t len,
			  uint64_t value)
{
	uint64_t i, end;

	if (!e->dynsym.index)
		return -ENOENT;
	if (upc_dynsym_chain(e, name, len, &i, &end)) {
		i = 1;
		end = e->dynsym.count;
	}
	for (; i < end; i++)
		if (sym_matches(e, i, name, len, value))
			return (int64_t)i;
	return -ENOENT;
}

int upc_elf_foreach_needed(struct upc_elf *e, int (*cb)(const char *lib, void *ctx),
			   void *ctx)
{
	const struct upc_img *img = &e->img;
	size_t dsz = img->is64 ? 16 : 8;

	for (uint64_t off = 0; off + dsz <= e->dyn_size; off += dsz) {
		const unsigned char *d = upc_span(img, e->dyn_off + off, dsz);
		const char *lib;
		uint64_t tag;
		int r;

		if (!d)
			return -EINVAL;
		tag = upc_rdw(img, d);
		if (tag == DT_NULL)
			break;
		if (tag != DT_NEEDED)
			continue;
		lib = upc_str(img, e->dynstr_off, e->dynstr_size,
			      upc_rdw(img, d + dsz / 2));
		if (lib && (r = cb(lib, ctx)))
			return r;
	}
	return 0;
}

int upc_elf_interp(const struct upc_elf *e, char *buf, size_t len)
{
	struct upc_phdr ph;

	for (unsigned i = 0; !upc_get_phdr(e, i, &ph); i++) {
		const char *p;

		if (ph.type != PT_INTERP)
			continue;
		p = (const char *)upc_span(&e->img, ph.offset, ph.filesz);
		if (!p || !ph.filesz || !memchr(p, '\0', ph.filesz) || strlen(p) >= len)
			return -EINVAL;
		memcpy(buf, p, strlen(p) + 1);
		return 0;
	}
	return -ENOENT;
}

int upc_elf_map_addr(const struct upc_elf *e, uint64_t addr, bool exec_only, uint64_t *off)
{
	struct upc_phdr ph;

	for (unsigned i = 0; i < e->phnum; i++) {
		if (upc_get_phdr(e, i, &ph) || ph.type != PT_LOAD)
			continue;
		if (exec_only && !(ph.flags & PF_X))
			continue;
		if (addr < ph.vaddr || addr - ph.vaddr >= ph.filesz)
			continue;
		*off = addr - ph.vaddr + ph.offset;
		return 0;
	}
	return -ENOENT;
}

int upc_elf_addr_to_offset(struct upc_elf *e, uint64_t addr, uint64_t *off)
{
	return upc_elf_map_addr(e, addr, true, off);
}

int upc_elf_offset_to_addr(struct upc_elf *e, uint64_t off, uint64_t *addr)
{
	struct upc_phdr ph;

	for (unsigned i = 0; i < e->phnum; i++) {
		if (upc_get_phdr(e, i, &ph) || ph.type != PT_LOAD || !(ph.flags & PF_X))
			continue;
		if (off >= ph.offset && off - ph.offset < ph.filesz) {
			*addr = off - ph.offset + ph.vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

/* ppc64 ELFv1: a function symbol names its descriptor in .opd, whose first
 * word is the code address. */
int upc_opd_entry(struct upc_elf *e, uint64_t value, uint64_t *entry)
{
	const unsigned char *p;
	uint64_t off;
	int err = upc_elf_map_addr(e, value, false, &off);

	if (err)
		return err;
	p = upc_span(&e->img, off, 8);
	if (!p)
		return -EINVAL;
	*entry = upc_rd64(&e->img, p);
	return 0;
}

static int elf_open(const char *path, const struct upc_elf_opts *opts,
		    struct upc_elf **out)
{
	struct upc_elf_opts o = { 0 };
	struct upc_elf *e;
	char *full = NULL;
	int err;

	*out = NULL;
	if (opts)
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	if (!path || !*path) {
		pr_err("no file given");
		return -EINVAL;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->path = strdup(path);
	if (!e->path) {
		err = -ENOMEM;
		goto out;
	}
	if (o.sysroot && *o.sysroot) {
		size_t n = strlen(o.sysroot) + strlen(path) + 2;

		full = malloc(n);
		if (!full) {
			err = -ENOMEM;
			goto out;
		}
		snprintf(full, n, "%s/%s", o.sysroot, path);
	}
	err = upc_img_map(full ? full : path, &e->img);
	if (err) {
		if (err == -ENOEXEC)
			pr_err("%s: too small to be an ELF file", full ? full : path);
		else if (err == -EISDIR)
			pr_err("%s: is a directory, not a program or library", full ? full : path);
		else if (err == -EINVAL)
			pr_err("%s: not a regular file", full ? full : path);
		else
			pr_err("%s: %s", full ? full : path, strerror(-err));
		goto out;
	}
	err = upc_elf_parse(e);
	if (err)
		goto out;
	e->no_debug_file = o.no_debug_file;
	if ((o.sysroot && !(e->sysroot = strdup(o.sysroot))) ||
	    (o.debug_dir && !(e->debug_dir = strdup(o.debug_dir)))) {
		err = -ENOMEM;
		goto out;
	}
	if (!o.no_debug_file && !e->symtab.index) {
		err = upc_debug_open(e, &o);
		if (err)
			goto out;
	}
	*out = e;
out:
	free(full);
	if (err)
		upc_elf_close(e);
	return err;
}

int upc_elf_open(const char *path, const struct upc_elf_opts *opts,
		 struct upc_elf **out)
{
	bool quiet = opts && opts->sz > offsetof(struct upc_elf_opts, quiet) && opts->quiet;
	unsigned mark = upc_log_errors();
	int err;

	if (quiet)
		upc_log_quiet(true);
	err = upc_explained(elf_open(path, opts, out), mark, path ? path : "");
	if (quiet)
		upc_log_quiet(false);
	return err;
}

int upc_elf_open_mem(const void *buf, size_t len, const char *name,
		     struct upc_elf **out)
{
	struct upc_elf *e = calloc(1, sizeof(*e));
	int err;

	*out = NULL;
	if (!e)
		return -ENOMEM;
	e->img.map = buf;
	e->img.size = len;
	e->img.borrowed = true;
	e->path = strdup(name);
	err = e->path ? upc_elf_parse(e) : -ENOMEM;
	if (err) {
		upc_elf_close(e);
		return err;
	}
	*out = e;
	return 0;
}

void upc_elf_close(struct upc_elf *e)
{
	if (!e)
		return;
	upc_dwarf_close(e->dwarf);
	upc_img_unmap(&e->img);
	upc_img_unmap(&e->dbg);
	free(e->sysroot);
	free(e->debug_dir);
	free(e->verdefs);
	free(e->verneeds);
	free(e->path);
	free(e->dbg_path);
	free(e);
}

const char *upc_elf_path(const struct upc_elf *e) { return e->path; }
const char *upc_elf_debug_path(const struct upc_elf *e) { return e->dbg_path; }
const struct upc_arch *upc_elf_arch(const struct upc_elf *e) { return e->arch; }
unsigned upc_elf_machine(const struct upc_elf *e) { return e->machine; }
int upc_elf_class(const struct upc_elf *e) { return e->img.is64 ? 64 : 32; }
bool upc_elf_big_endian(const struct upc_elf *e) { return e->img.swap != host_big_endian(); }
unsigned upc_elf_type(const struct upc_elf *e) { return e->type; }

void upc_elf_file_id(const struct upc_elf *e, uint64_t *dev, uint64_t *ino)
{
	*dev = e->img.dev;
	*ino = e->img.ino;
}

int upc_elf_find_section(const struct upc_elf *e, const char *name, struct upc_shdr *sh)
{
	const struct upc_img *img = &e->img;
	const unsigned char *h = img->map;
	uint16_t shstrndx = upc_rd16(img, h + (img->is64 ? offsetof(Elf64_Ehdr, e_shstrndx)
							 : offsetof(Elf32_Ehdr, e_shstrndx)));
	struct upc_shdr strs;

	if (!e->shnum || shstrndx >= e->shnum ||
	    upc_get_shdr(e, img, e->shoff, shstrndx, &strs))
		return -ENOENT;
	for (unsigned i = 1; i < e->shnum; i++) {
		const char *sname;

		if (upc_get_shdr(e, img, e->shoff, i, sh))
			return -ENOENT;
		sname = upc_str(img, strs.offset, strs.size, sh->name);
		if (sname && !strcmp(sname, name))
			return 0;
	}
	return -ENOENT;
}

int upc_note_foreach(const struct upc_img *img, uint64_t off, uint64_t size, uint64_t align,
		     int (*cb)(const struct upc_note *n, void *ctx), void *ctx)
{
	uint64_t pos = 0;

	/* the whole range first: a note header's sizes are only checked
	 * against size below, and size must be inside the file */
	if (!upc_span(img, off, size))
		return -EINVAL;
	if (align != 8)
		align = 4;
	while (size - pos >= 12) {
		const unsigned char *h = upc_span(img, off + pos, 12);
		uint64_t name_pad, desc_pad;
		struct upc_note n;
		int r;

		if (!h)
			return -EINVAL;
		n.namesz = upc_rd32(img, h);
		n.descsz = upc_rd32(img, h + 4);
		n.type = upc_rd32(img, h + 8);
		name_pad = ((uint64_t)n.namesz + align - 1) & ~(align - 1);
		desc_pad = ((uint64_t)n.descsz + align - 1) & ~(align - 1);
		if (name_pad > size - pos - 12 || desc_pad > size - pos - 12 - name_pad)
			return -EINVAL;
		n.name = h + 12;
		n.desc = upc_span(img, off + pos + 12 + name_pad, n.descsz);
		if (!n.desc)
			return -EINVAL;
		if ((r = cb(&n, ctx)))
			return r;
		pos += 12 + name_pad + desc_pad;
	}
	return 0;
}
