// SPDX-License-Identifier: MIT
/*
 * A DWARF reader of our own (no libdw): versions 2 to 5, 32- and 64-bit
 * DWARF, both byte orders, from the program's own file or its separate
 * debug file (found as the ELF reader finds it), with the dwz file a
 * Debian debug package shares between its files (.gnu_debugaltlink).
 *
 * What it reads: units and their abbreviations (compile, partial and type
 * units, and v4's .debug_types), every attribute form, strings
 * (.debug_str, .debug_line_str, .debug_str_offsets), addresses
 * (.debug_addr), ranges (.debug_ranges, .debug_rnglists) and location
 * lists (.debug_loc, .debug_loclists). Compressed sections are inflated
 * (SHF_COMPRESSED with zlib, and the older .zdebug_*); zstd is refused by
 * name; split DWARF (.dwo) is refused with the reason.
 *
 * Every read goes through a cursor that knows where its section ends: a
 * damaged unit is an error, never a read past the section.
 */
#include <elf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "upc_internal.h"

#ifndef SHF_COMPRESSED
#define SHF_COMPRESSED (1u << 11)
#endif
#define ELFCOMPRESS_ZLIB_ 1
#define ELFCOMPRESS_ZSTD_ 2
#define MAX_SECTION (1ull << 30)	/* a debug section inflated: 1 GiB at most */

static const char *const sec_names[DS_COUNT] = {
	"info", "abbrev", "str", "line_str", "str_offsets", "addr", "line", "loc",
	"loclists", "ranges", "rnglists", "types", "frame", "aranges",
};

/* ---- the cursor ----------------------------------------------------------- */

uint64_t dw_u(struct dw_cur *c, unsigned n)
{
	uint64_t v = 0;

	if (c->err || n > (size_t)(c->end - c->p)) {
		c->err = true;
		c->p = c->end;
		return 0;
	}
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)c->p[c->swap ? n - 1 - i : i] << (8 * i);
	c->p += n;
	return v;
}

/* A LEB128 number's bits, with how many there were (shift) and its last
 * byte (the sign in 0x40); 0 on a number running off the end. */
static uint64_t leb(struct dw_cur *c, unsigned *shift, unsigned char *last)
{
	uint64_t v = 0;

	*shift = 0;
	while (!c->err) {
		unsigned char b;

		if (c->p >= c->end) {
			c->err = true;
			break;
		}
		b = *c->p++;
		if (*shift < 64)
			v |= (uint64_t)(b & 0x7f) << *shift;
		*shift += 7;
		if (!(b & 0x80)) {
			*last = b;
			return v;
		}
	}
	*last = 0;
	return 0;
}

uint64_t dw_uleb(struct dw_cur *c)
{
	unsigned shift;
	unsigned char last;

	return leb(c, &shift, &last);
}

int64_t dw_sleb(struct dw_cur *c)
{
	unsigned shift;
	unsigned char last;
	uint64_t v = leb(c, &shift, &last);

	if (shift < 64 && (last & 0x40))
		v |= ~0ull << shift;
	return (int64_t)v;
}

const char *dw_cstr(struct dw_cur *c)
{
	const unsigned char *z = c->err ? NULL : memchr(c->p, 0, (size_t)(c->end - c->p));
	const char *s = (const char *)c->p;

	if (!z) {
		c->err = true;
		c->p = c->end;
		return NULL;
	}
	c->p = z + 1;
	return s;
}

void dw_skip(struct dw_cur *c, uint64_t n)
{
	if (c->err || n > (uint64_t)(c->end - c->p)) {
		c->err = true;
		c->p = c->end;
		return;
	}
	c->p += n;
}

/* A cursor on [off, off+len) of section s (len UINT64_MAX: to its end). */
bool dw_at(const struct dw_obj *o, int s, uint64_t off, uint64_t len, struct dw_cur *c)
{
	const struct dw_sec *sec = &o->s[s];

	*c = (struct dw_cur){ .p = sec->p, .end = sec->p, .swap = o->swap, .err = true };
	if (!sec->p || off > sec->size)
		return false;
	if (len == UINT64_MAX || len > sec->size - off)
		len = sec->size - off;
	c->p = sec->p + off;
	c->end = c->p + len;
	c->err = false;
	return true;
}

/* A unit's initial length: 32-bit DWARF, or 64-bit after 0xffffffff. */
static uint64_t initial_length(struct dw_cur *c, unsigned *offsize)
{
	uint64_t len = dw_u(c, 4);

	*offsize = 4;
	if (len == 0xffffffff) {
		*offsize = 8;
		len = dw_u(c, 8);
	} else if (len >= 0xfffffff0) {
		c->err = true;	/* reserved */
	}
	return len;
}

/* ---- sections ------------------------------------------------------------- */

/* zlib's stream (RFC 1950) around deflate, into exactly size bytes. */
static int inflate_zlib(const unsigned char *in, size_t len, uint64_t size, unsigned char **out)
{
	char *buf;
	size_t got;
	int err;

	if (len < 6 || (in[0] & 0x0f) != 8 || ((unsigned)in[0] << 8 | in[1]) % 31 || in[1] & 0x20)
		return -EINVAL;
	if (size > MAX_SECTION)
		return -EFBIG;
	if ((err = upc_inflate(in + 2, len - 2, &buf, &got, (size_t)size + 1)))
		return err;
	if (got != size) {
		free(buf);
		return -EINVAL;
	}
	*out = (unsigned char *)buf;
	return 0;
}

/* The bytes of section sh of img, inflated when compressed. */
static int section_bytes(struct dw_obj *o, const struct upc_img *img, const struct upc_shdr *sh,
			 bool zdebug, int which)
{
	const unsigned char *p = upc_span(img, sh->offset, sh->size);
	struct dw_cur c = { .p = p, .end = p ? p + sh->size : NULL, .swap = img->swap };
	uint64_t type, size;
	int err;

	if (!p || sh->type == SHT_NOBITS)
		return -EINVAL;
	if (!zdebug && !(sh->flags & SHF_COMPRESSED)) {
		o->s[which] = (struct dw_sec){ p, sh->size };
		return 0;
	}
	if (zdebug) {
		/* "ZLIB", then the size in 8 big-endian bytes */
		if (sh->size < 12 || memcmp(p, "ZLIB", 4))
			return -EINVAL;
		c.p += 4;
		c.swap = !(__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
		size = dw_u(&c, 8);
	} else {
		/* Elf32_Chdr / Elf64_Chdr: type, (reserved), size, alignment */
		type = dw_u(&c, 4);
		if (img->is64)
			dw_u(&c, 4);
		size = dw_u(&c, img->is64 ? 8 : 4);
		dw_u(&c, img->is64 ? 8 : 4);
		if (type == ELFCOMPRESS_ZSTD_)
			return -EPROTONOSUPPORT;
		if (type != ELFCOMPRESS_ZLIB_ || c.err)
			return -EINVAL;
	}
	if ((err = inflate_zlib(c.p, (size_t)(c.end - c.p), size, &o->owned[which])))
		return err;
	o->s[which] = (struct dw_sec){ o->owned[which], size };
	return 0;
}

/* Find the DWARF sections of img (an ELF file of e's class), and
 * .gnu_debugaltlink. */
static int load_sections(struct dw_obj *o, const struct upc_elf *e, const struct upc_img *img,
			 const char **altlink, uint64_t *altlen, const char *what)
{
	const unsigned char *h = img->map;
	struct upc_elf tmp = *e;
	struct upc_shdr sh, strs;
	uint64_t shoff;
	unsigned shnum, shstrndx;
	int err = 0;

	o->swap = img->swap;
	o->is64 = img->is64;
	if (img->size < (img->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return -EINVAL;
	shoff = img->is64 ? upc_rd64(img, h + offsetof(Elf64_Ehdr, e_shoff))
			  : upc_rd32(img, h + offsetof(Elf32_Ehdr, e_shoff));
	shnum = upc_rd16(img, h + (img->is64 ? offsetof(Elf64_Ehdr, e_shnum)
					     : offsetof(Elf32_Ehdr, e_shnum)));
	shstrndx = upc_rd16(img, h + (img->is64 ? offsetof(Elf64_Ehdr, e_shstrndx)
						: offsetof(Elf32_Ehdr, e_shstrndx)));
	tmp.shentsize = upc_rd16(img, h + (img->is64 ? offsetof(Elf64_Ehdr, e_shentsize)
						     : offsetof(Elf32_Ehdr, e_shentsize)));
	if (!shnum || shstrndx >= shnum || upc_get_shdr(&tmp, img, shoff, shstrndx, &strs))
		return -ENOENT;
	for (unsigned i = 1; i < shnum && !err; i++) {
		const char *name;
		bool z;

		if (upc_get_shdr(&tmp, img, shoff, i, &sh))
			return -EINVAL;
		if (!(name = upc_str(img, strs.offset, strs.size, sh.name)))
			continue;
		if (!strcmp(name, ".gnu_debugaltlink")) {
			const unsigned char *p = upc_span(img, sh.offset, sh.size);

			if (p && sh.size > 1 && memchr(p, 0, sh.size)) {
				*altlink = (const char *)p;
				*altlen = sh.size;
			}
			continue;
		}
		if (!strcmp(name, ".eh_frame") && sh.type != SHT_NOBITS) {
			const unsigned char *p = upc_span(img, sh.offset, sh.size);

			if (p) {
				o->eh_frame = (struct dw_sec){ p, sh.size };
				o->eh_frame_addr = sh.addr;
			}
			continue;
		}
		if (!strcmp(name, ".debug_info.dwo") || !strcmp(name, ".debug_cu_index")) {
			pr_err("%s: split DWARF (.dwo) is not read: rebuild without "
			       "-gsplit-dwarf, or give the debug file made by dwp", what);
			return -EPROTONOSUPPORT;
		}
		z = !strncmp(name, ".zdebug_", 8);
		if (strncmp(name, ".debug_", 7) && !z)
			continue;
		for (int s = 0; s < DS_COUNT; s++) {
			if (strcmp(name + (z ? 8 : 7), sec_names[s]) || o->s[s].p)
				continue;
			err = section_bytes(o, img, &sh, z, s);
			if (err == -EPROTONOSUPPORT)
				pr_err("%s: section %s is compressed with zstd, which is not read "
				       "here: decompress it (objcopy --decompress-debug-sections)",
				       what, name);
			else if (err)
				pr_err("%s: section %s is damaged (%s)", what, name, strerror(-err));
			break;
		}
	}
	return err;
}

static void free_obj(struct dw_obj *o)
{
	for (int s = 0; s < DS_COUNT; s++)
		free(o->owned[s]);
	if (o->own_img)
		upc_img_unmap(&o->img);
	for (size_t i = 0; i < o->nabbrevs; i++)
		free(o->abbrevs[i].codes);
	free(o->abbrevs);
	free(o->units);
}

/* The dwz file: .gnu_debugaltlink names it (absolute, or relative to the
 * debug file) and gives its build-id; Debian's are in
 * /usr/lib/debug/.dwz/. */
static int open_alt(struct upc_dwarf *d, const char *link, uint64_t linklen,
		    const char *debug_path, const struct upc_elf_opts *opts)
{
	const char *sysroot = opts && opts->sz > offsetof(struct upc_elf_opts, sysroot) ?
			      opts->sysroot : NULL;
	const unsigned char *id = (const unsigned char *)link + strlen(link) + 1;
	size_t idlen = (size_t)(linklen - strlen(link) - 1);
	char path[PATH_MAX], dir[PATH_MAX];
	struct upc_elf tmp = { 0 };
	int err;

	if (link[0] == '/') {
		snprintf(path, sizeof(path), "%s%s", sysroot ? sysroot : "", link);
	} else {
		const char *slash = strrchr(debug_path, '/');

		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - debug_path) : 1,
			 slash ? debug_path : ".");
		snprintf(path, sizeof(path), "%s/%s", dir, link);
	}
	if ((err = upc_img_map(path, &d->alt.img))) {
		pr_err("%s: its dwz file %s is missing (%s): install it (Debian: the "
		       "package's -dbg or -dbgsym shares it)", debug_path, path, strerror(-err));
		return err;
	}
	d->alt.own_img = true;
	tmp.img = d->alt.img;
	tmp.path = path;
	tmp.debugfile = true;
	err = upc_elf_parse(&tmp);
	d->alt.img = tmp.img;		/* with its class and byte order */
	if (err) {
		pr_err("%s: its dwz file %s is no ELF file of this architecture", debug_path, path);
		return err;
	}
	/* the alt file's build-id must be the one the link names */
	if (idlen) {
		const unsigned char *aid;
		uint32_t alen;

		if (upc_elf_build_id(&tmp, &aid, &alen) || alen != idlen || memcmp(aid, id, alen)) {
			pr_err("%s: its dwz file %s is another one (its build-id differs)",
			       debug_path, path);
			return -ESTALE;
		}
	}
	return load_sections(&d->alt, &tmp, &d->alt.img, &(const char *){ NULL },
			     &(uint64_t){ 0 }, path);
}

/* Are d's units skeletons of split DWARF (DWARF 5's unit type, or GNU's
 * DW_AT_GNU_dwo_name before it)? */
static bool split_dwarf(struct upc_dwarf *d)
{
	for (size_t i = 0; i < d->main.nunits; i++) {
		const struct dw_unit *u = &d->main.units[i];
		struct dw_val v;
		struct dw_die root;

		if (u->type == DW_UT_skeleton)
			return true;
		if (u->sec == DS_INFO && u->version < 5 &&
		    !dw_die(d, &d->main, u, u->die, &root) &&
		    (!dw_attr(d, &root, DW_AT_GNU_dwo_name, &v) ||
		     !dw_attr(d, &root, DW_AT_dwo_name, &v)))
			return true;
	}
	return false;
}

int upc_dwarf_open(struct upc_elf *e, const struct upc_elf_opts *opts, struct upc_dwarf **out)
{
	struct upc_dwarf *d = calloc(1, sizeof(*d));
	const struct upc_img *img;
	const char *link = NULL, *what;
	uint64_t linklen = 0;
	int err;

	*out = NULL;
	if (!d)
		return -ENOMEM;
	d->elf = e;
	d->arch = upc_elf_arch(e);
	/* the separate debug file's, else the file's own */
	img = e->dbg.map ? &e->dbg : &e->img;
	what = e->dbg.map ? e->dbg_path : e->path;
	err = load_sections(&d->main, e, img, &link, &linklen, what);
	if (!err && !d->main.s[DS_INFO].p && e->dbg.map) {
		/* a debug file with symbols only: the file itself may have it */
		memset(&d->main, 0, sizeof(d->main));
		img = &e->img;
		what = e->path;
		err = load_sections(&d->main, e, img, &link, &linklen, what);
	}
	if (!err && !d->main.s[DS_INFO].p) {
		pr_err("%s: no DWARF (.debug_info) in it%s: build with -g, or install its "
		       "debug file (--debug-dir DIR)", e->path, e->dbg.map ? " nor its debug file" :
		       " and no debug file was found");
		err = -ENOENT;
	}
	/* the .eh_frame of the program itself (a debug file has it empty) */
	if (!err && !d->main.eh_frame.p && img != &e->img) {
		struct dw_obj tmp = { 0 };

		if (!load_sections(&tmp, e, &e->img, &(const char *){ NULL }, &(uint64_t){ 0 },
				   e->path)) {
			d->main.eh_frame = tmp.eh_frame;
			d->main.eh_frame_addr = tmp.eh_frame_addr;
		}
		free_obj(&tmp);
	}
	if (!err && link)
		err = open_alt(d, link, linklen, what, opts);
	if (!err)
		err = dw_index_units(d, &d->main);
	if (!err && d->alt.s[DS_INFO].p)
		err = dw_index_units(d, &d->alt);
	if (!err && split_dwarf(d)) {
		pr_err("%s: its DWARF is split (-gsplit-dwarf: .dwo files), which is not read: "
		       "rebuild without -gsplit-dwarf", what);
		err = -EPROTONOSUPPORT;
	}
	if (err) {
		upc_dwarf_close(d);
		return err;
	}
	d->what = what;
	*out = d;
	return 0;
}

int upc_elf_dwarf(struct upc_elf *e, struct upc_dwarf **d)
{
	struct upc_elf_opts o = { .sz = sizeof(o), .sysroot = e->sysroot,
				  .debug_dir = e->debug_dir, .no_debug_file = e->no_debug_file };
	unsigned mark = upc_log_errors();
	int err;

	if (!e->dwarf) {
		/* a file with symbols and its DWARF elsewhere (strip -g):
		 * its debug file was not needed for the symbols */
		if (!e->dbg.map && !e->no_debug_file && !upc_elf_has_section(e, ".debug_info") &&
		    !upc_elf_has_section(e, ".zdebug_info") &&
		    (err = upc_debug_open(e, &o)))
			return upc_explained(err, mark, e->path);
		if ((err = upc_dwarf_open(e, &o, &e->dwarf)))
			return upc_explained(err, mark, e->path);
	}
	*d = e->dwarf;
	return 0;
}

void upc_dwarf_close(struct upc_dwarf *d)
{
	if (!d)
		return;
	free_obj(&d->main);
	free_obj(&d->alt);
	free(d->funcs.slots);
	free(d->funcs.always);
	free(d);
}

/* ---- units and abbreviations ---------------------------------------------- */

/* Every unit header of o's .debug_info (and .debug_types). */
int dw_index_units(struct upc_dwarf *d, struct dw_obj *o)
{
	for (int s = DS_INFO; s >= 0; s = s == DS_INFO ? DS_TYPES : -1) {
		struct dw_cur c;

		if (!o->s[s].p)
			continue;
		for (uint64_t off = 0; off < o->s[s].size;) {
			struct dw_unit u = { .sec = (uint8_t)s, .off = off };
			uint64_t len;

			dw_at(o, s, off, UINT64_MAX, &c);
			len = initial_length(&c, &u.offsize);
			if (c.err || len > (uint64_t)(c.end - c.p) || len < 7) {
				pr_err("%s: .debug_%s: a damaged unit at 0x%llx", d->elf->path,
				       sec_names[s], (unsigned long long)off);
				return -EINVAL;
			}
			u.end = (uint64_t)(c.p - o->s[s].p) + len;
			u.version = (uint16_t)dw_u(&c, 2);
			if (u.version < 2 || u.version > 5) {
				pr_err("%s: DWARF version %u is not read (2 to 5 are)", d->elf->path,
				       u.version);
				return -EPROTONOSUPPORT;
			}
			if (u.version >= 5) {
				u.type = (uint8_t)dw_u(&c, 1);
				u.addrsize = (uint8_t)dw_u(&c, 1);
				u.abbrev = dw_u(&c, u.offsize);
				if (u.type == DW_UT_type || u.type == DW_UT_split_type) {
					u.sig = dw_u(&c, 8);
					u.type_off = dw_u(&c, u.offsize);
				} else if (u.type == DW_UT_skeleton || u.type == DW_UT_split_compile) {
					u.sig = dw_u(&c, 8);
				}
			} else {
				u.type = s == DS_TYPES ? DW_UT_type : DW_UT_compile;
				u.abbrev = dw_u(&c, u.offsize);
				u.addrsize = (uint8_t)dw_u(&c, 1);
				if (s == DS_TYPES) {
					u.sig = dw_u(&c, 8);
					u.type_off = dw_u(&c, u.offsize);
				}
			}
			if (c.err || (u.addrsize != 4 && u.addrsize != 8)) {
				pr_err("%s: a damaged unit header at 0x%llx", d->elf->path,
				       (unsigned long long)off);
				return -EINVAL;
			}
			u.die = (uint64_t)(c.p - o->s[s].p);
			if (o->nunits == o->capunits) {
				size_t cap = o->capunits ? 2 * o->capunits : 64;
				struct dw_unit *v = realloc(o->units, cap * sizeof(*v));

				if (!v)
					return -ENOMEM;
				o->units = v;
				o->capunits = cap;
			}
			o->units[o->nunits++] = u;
			off = u.end;
		}
	}
	return 0;
}

/* The abbreviation table at off of o's .debug_abbrev, parsed once. */
/* The next abbreviation of table cursor c, its code in *k (0 at the end). */
static bool abbrev_next(struct dw_cur *c, uint64_t *k, struct dw_abbrev *a)
{
	uint64_t name, form;

	*k = dw_uleb(c);
	if (!*k || c->err)
		return false;
	a->tag = dw_uleb(c);
	a->children = dw_u(c, 1) != 0;
	a->specs = c->p;
	do {
		name = dw_uleb(c);
		form = dw_uleb(c);
		if (form == DW_FORM_implicit_const)
			dw_sleb(c);
	} while ((name || form) && !c->err);
	a->specs_end = c->p;
	return !c->err;
}

/* Codes 1..N of table t in an array, N not far above their count (what
 * compilers write): a DIE's abbreviation is then one index away. */
static void abbrevs_index(struct dw_abbrevs *t)
{
	struct dw_cur c = { .p = t->start, .end = t->end, .swap = t->swap };
	uint64_t max = 0, count = 0, k;
	struct dw_abbrev a;

	t->parsed = true;
	while (abbrev_next(&c, &k, &a)) {
		max = k > max ? k : max;
		count++;
	}
	if (!count || max > 4 * count + 64 || !(t->codes = calloc(max + 1, sizeof(*t->codes))))
		return;
	t->ncodes = max + 1;
	c = (struct dw_cur){ .p = t->start, .end = t->end, .swap = t->swap };
	while (abbrev_next(&c, &k, &a))
		if (!t->codes[k].specs)		/* the first of a code twice */
			t->codes[k] = a;
}

/* The abbreviation table of unit u (found once per unit). */
static struct dw_abbrevs *abbrevs(struct dw_obj *o, const struct dw_unit *u)
{
	uint64_t off = u->abbrev;
	struct dw_abbrevs *t;
	struct dw_cur c;

	if (u->abbr && u->abbr <= o->nabbrevs)
		return &o->abbrevs[u->abbr - 1];
	for (size_t i = 0; i < o->nabbrevs; i++)
		if (o->abbrevs[i].off == off) {
			((struct dw_unit *)u)->abbr = (uint32_t)i + 1;	/* a cache */
			return &o->abbrevs[i];
		}
	if (!dw_at(o, DS_ABBREV, off, UINT64_MAX, &c))
		return NULL;
	if (o->nabbrevs == o->capabbrevs) {
		size_t cap = o->capabbrevs ? 2 * o->capabbrevs : 16;

		if (!(t = realloc(o->abbrevs, cap * sizeof(*t))))
			return NULL;
		o->abbrevs = t;
		o->capabbrevs = cap;
	}
	t = &o->abbrevs[o->nabbrevs];
	*t = (struct dw_abbrevs){ .off = off, .start = c.p, .end = c.end, .swap = c.swap };
	o->nabbrevs++;
	((struct dw_unit *)u)->abbr = (uint32_t)o->nabbrevs;
	return t;
}

/* Abbreviation code in table t: its tag, children flag, and a cursor on
 * its attribute specifications; by index, or walking the table. */
static bool abbrev(struct dw_abbrevs *t, uint64_t code, struct dw_abbrev *a)
{
	if (!t->parsed)
		abbrevs_index(t);
	if (t->codes) {
		if (code >= t->ncodes || !t->codes[code].specs)
			return false;
		*a = t->codes[code];
		return true;
	}
	for (struct dw_cur c = { .p = t->start, .end = t->end, .swap = t->swap };;) {
		uint64_t k;

		if (!abbrev_next(&c, &k, a))
			return false;
		if (k == code)
			return true;
	}
}

/* ---- DIEs and their attributes --------------------------------------------- */

const struct dw_unit *dw_unit_of(const struct dw_obj *o, int sec, uint64_t off)
{
	size_t lo = 0, hi = o->nunits;

	/* units are in section order, .debug_info's then .debug_types' */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct dw_unit *u = &o->units[mid];

		if (u->sec < sec || (u->sec == sec && u->end <= off))
			lo = mid + 1;
		else if (u->sec > sec || u->off > off)
			hi = mid;
		else
			return u;
	}
	return NULL;
}

int dw_die(struct upc_dwarf *d, struct dw_obj *o, const struct dw_unit *u, uint64_t off,
	   struct dw_die *die)
{
	struct dw_abbrevs *t = abbrevs(o, u);
	struct dw_cur c;
	uint64_t code;

	(void)d;
	memset(die, 0, sizeof(*die));
	die->obj = o;
	die->unit = u;
	die->off = off;
	if (off < u->die || off >= u->end || !dw_at(o, u->sec, off, u->end - off, &c) || !t)
		return -EINVAL;
	code = dw_uleb(&c);
	if (c.err)
		return -EINVAL;
	if (!code) {		/* the end of a list of siblings */
		die->null = true;
		die->attrs = c.p;
		die->next = (uint64_t)(c.p - o->s[u->sec].p);
		return 0;
	}
	if (!abbrev(t, code, &die->ab))
		return -EINVAL;
	die->tag = die->ab.tag;
	die->attrs = c.p;
	/* past its attributes: the next DIE (its first child, or sibling) */
	{
		struct dw_cur sc = { .p = die->ab.specs, .end = die->ab.specs_end, .swap = t->swap };

		for (;;) {
			uint64_t name = dw_uleb(&sc), form = dw_uleb(&sc);

			if (form == DW_FORM_implicit_const)
				dw_sleb(&sc);
			if (sc.err || (!name && !form))
				break;
			if (dw_skip_form(die, form, &c))
				return -EINVAL;
		}
	}
	die->next = (uint64_t)(c.p - o->s[u->sec].p);
	return 0;
}

/* A string at off of section s of o (NUL-terminated inside it). */
static const char *sec_str(const struct dw_obj *o, int s, uint64_t off)
{
	const struct dw_sec *sec = &o->s[s];

	if (!sec->p || off >= sec->size || !memchr(sec->p + off, 0, sec->size - off))
		return NULL;
	return (const char *)sec->p + off;
}

/* The unit's attribute base (str_offsets_base, addr_base, ...) from its
 * root DIE, read once per unit. */
static void unit_bases(struct upc_dwarf *d, struct dw_obj *o, struct dw_unit *u)
{
	struct dw_die root;
	struct dw_val v;

	if (u->bases_read)
		return;
	u->bases_read = true;
	/* DWARF 5's defaults: just past the section header, for the first
	 * unit of a section written without the attribute */
	u->str_offsets_base = u->offsize == 8 ? 16 : 8;
	u->addr_base = 8;
	u->loclists_base = u->rnglists_base = u->offsize == 8 ? 20 : 12;
	if (dw_die(d, o, u, u->die, &root))
		return;
	if (!dw_attr(d, &root, DW_AT_str_offsets_base, &v))
		u->str_offsets_base = v.u;
	if (!dw_attr(d, &root, DW_AT_addr_base, &v) || !dw_attr(d, &root, DW_AT_GNU_addr_base, &v))
		u->addr_base = v.u;
	if (!dw_attr(d, &root, DW_AT_loclists_base, &v))
		u->loclists_base = v.u;
	if (!dw_attr(d, &root, DW_AT_rnglists_base, &v))
		u->rnglists_base = v.u;
	if (!dw_attr(d, &root, DW_AT_low_pc, &v))
		u->low_pc = v.u;
}

/* Past one attribute value of form (nothing decoded that needs no
 * decoding: a DIE's size is all most walks want). */
int dw_skip_form(const struct dw_die *die, uint64_t form, struct dw_cur *c)
{
	const struct dw_unit *u = die->unit;

	switch (form) {
	case DW_FORM_flag_present: case DW_FORM_implicit_const:
		return 0;
	case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag: case DW_FORM_strx1:
	case DW_FORM_addrx1:
		dw_skip(c, 1);
		break;
	case DW_FORM_data2: case DW_FORM_ref2: case DW_FORM_strx2: case DW_FORM_addrx2:
		dw_skip(c, 2);
		break;
	case DW_FORM_strx3: case DW_FORM_addrx3:
		dw_skip(c, 3);
		break;
	case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_strx4: case DW_FORM_addrx4:
	case DW_FORM_ref_sup4:
		dw_skip(c, 4);
		break;
	case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8: case DW_FORM_ref_sup8:
		dw_skip(c, 8);
		break;
	case DW_FORM_data16:
		dw_skip(c, 16);
		break;
	case DW_FORM_addr:
		dw_skip(c, u->addrsize);
		break;
	case DW_FORM_strp: case DW_FORM_line_strp: case DW_FORM_sec_offset:
	case DW_FORM_strp_sup: case DW_FORM_GNU_ref_alt: case DW_FORM_GNU_strp_alt:
		dw_skip(c, u->offsize);
		break;
	case DW_FORM_ref_addr:
		dw_skip(c, u->version <= 2 ? u->addrsize : u->offsize);
		break;
	default: {
		struct dw_val v;

		return dw_form(NULL, die, form, 0, c, &v);
	}
	}
	return c->err ? -EINVAL : 0;
}

int dw_form(struct upc_dwarf *d, const struct dw_die *die, uint64_t form, int64_t ic,
	    struct dw_cur *c, struct dw_val *v)
{
	const struct dw_unit *u = die->unit;
	struct dw_obj *o = (struct dw_obj *)die->obj;
	uint64_t n;

	memset(v, 0, sizeof(*v));
	v->form = (uint16_t)form;
	switch (form) {
	case DW_FORM_addr:
		v->u = dw_u(c, u->addrsize);
		break;
	case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag: case DW_FORM_strx1:
	case DW_FORM_addrx1:
		v->u = dw_u(c, 1);
		break;
	case DW_FORM_data2: case DW_FORM_ref2: case DW_FORM_strx2: case DW_FORM_addrx2:
		v->u = dw_u(c, 2);
		break;
	case DW_FORM_strx3: case DW_FORM_addrx3:
		v->u = dw_u(c, 3);
		break;
	case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_strx4: case DW_FORM_addrx4:
	case DW_FORM_ref_sup4:
		v->u = dw_u(c, 4);
		break;
	case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8: case DW_FORM_ref_sup8:
		v->u = dw_u(c, 8);
		break;
	case DW_FORM_data16:
		v->block = c->p;
		v->blen = 16;
		dw_skip(c, 16);
		break;
	case DW_FORM_sdata:
		v->s = dw_sleb(c);
		v->u = (uint64_t)v->s;
		break;
	case DW_FORM_udata: case DW_FORM_ref_udata: case DW_FORM_strx: case DW_FORM_addrx:
	case DW_FORM_loclistx: case DW_FORM_rnglistx: case DW_FORM_GNU_addr_index:
	case DW_FORM_GNU_str_index:
		v->u = dw_uleb(c);
		break;
	case DW_FORM_string:
		v->str = dw_cstr(c);
		break;
	case DW_FORM_strp: case DW_FORM_line_strp: case DW_FORM_sec_offset:
	case DW_FORM_strp_sup: case DW_FORM_GNU_ref_alt: case DW_FORM_GNU_strp_alt:
		v->u = dw_u(c, u->offsize);
		break;
	case DW_FORM_ref_addr:
		v->u = dw_u(c, u->version <= 2 ? u->addrsize : u->offsize);
		break;
	case DW_FORM_block1: case DW_FORM_block2: case DW_FORM_block4: case DW_FORM_block:
	case DW_FORM_exprloc:
		n = form == DW_FORM_block1 ? dw_u(c, 1) : form == DW_FORM_block2 ? dw_u(c, 2) :
		    form == DW_FORM_block4 ? dw_u(c, 4) : dw_uleb(c);
		v->block = c->p;
		v->blen = n;
		dw_skip(c, n);
		break;
	case DW_FORM_flag_present:
		v->u = 1;
		break;
	case DW_FORM_implicit_const:
		v->s = ic;
		v->u = (uint64_t)ic;
		break;
	case DW_FORM_indirect:
		form = dw_uleb(c);
		if (form == DW_FORM_indirect || c->err)
			return -EINVAL;
		return dw_form(d, die, form, 0, c, v);
	default:
		return -EINVAL;		/* a form of no version we know */
	}
	if (c->err)
		return -EINVAL;
	/* strings and addresses that point elsewhere, resolved now */
	switch (form) {
	case DW_FORM_strp:
		v->str = sec_str(o, DS_STR, v->u);
		break;
	case DW_FORM_line_strp:
		v->str = sec_str(o, DS_LINE_STR, v->u);
		break;
	case DW_FORM_strp_sup: case DW_FORM_GNU_strp_alt:
		v->str = d && d->alt.s[DS_STR].p ? sec_str(&d->alt, DS_STR, v->u) : NULL;
		break;
	case DW_FORM_strx: case DW_FORM_strx1: case DW_FORM_strx2: case DW_FORM_strx3:
	case DW_FORM_strx4: {
		struct dw_cur sc;

		if (!d)
			break;
		unit_bases(d, o, (struct dw_unit *)u);
		if (dw_at(o, DS_STR_OFF, u->str_offsets_base + v->u * u->offsize, u->offsize, &sc))
			v->str = sec_str(o, DS_STR, dw_u(&sc, u->offsize));
		break;
	}
	case DW_FORM_addrx: case DW_FORM_addrx1: case DW_FORM_addrx2: case DW_FORM_addrx3:
	case DW_FORM_addrx4: case DW_FORM_GNU_addr_index:
		if (!d)
			break;
		v->u = dw_addrx(d, o, u, v->u);
		v->form = DW_FORM_addr;
		break;
	case DW_FORM_GNU_str_index:
		return -EPROTONOSUPPORT;	/* split DWARF's, before v5 */
	}
	return 0;
}

uint64_t dw_addrx(struct upc_dwarf *d, struct dw_obj *o, const struct dw_unit *u, uint64_t i)
{
	struct dw_cur c;

	unit_bases(d, o, (struct dw_unit *)u);
	if (!dw_at(o, DS_ADDR, u->addr_base + i * u->addrsize, u->addrsize, &c))
		return 0;
	return dw_u(&c, u->addrsize);
}

int dw_attr(struct upc_dwarf *d, const struct dw_die *die, uint64_t at, struct dw_val *v)
{
	const struct dw_obj *o = die->obj;
	const struct dw_unit *u = die->unit;
	struct dw_cur sc = { .p = die->ab.specs, .end = die->ab.specs_end, .swap = o->swap };
	struct dw_cur c;

	if (die->null || !dw_at(o, u->sec, (uint64_t)(die->attrs - o->s[u->sec].p),
				u->end - (uint64_t)(die->attrs - o->s[u->sec].p), &c))
		return -ENOENT;
	for (;;) {
		uint64_t name = dw_uleb(&sc), form = dw_uleb(&sc);
		int64_t ic = form == DW_FORM_implicit_const ? dw_sleb(&sc) : 0;

		if (sc.err || (!name && !form))
			return -ENOENT;
		if (dw_form(d, die, form, ic, &c, v))
			return -EINVAL;
		if (name == at)
			return 0;
	}
}

/* ---- references ------------------------------------------------------------ */

int dw_ref(struct upc_dwarf *d, const struct dw_die *die, const struct dw_val *v,
	   struct dw_die *to)
{
	struct dw_obj *o = (struct dw_obj *)die->obj;
	const struct dw_unit *u = die->unit;
	uint64_t off;
	int sec = u->sec;

	switch (v->form) {
	case DW_FORM_ref1: case DW_FORM_ref2: case DW_FORM_ref4: case DW_FORM_ref8:
	case DW_FORM_ref_udata:
		off = u->off + v->u;
		break;
	case DW_FORM_ref_addr:
		off = v->u;
		sec = DS_INFO;
		u = NULL;
		break;
	case DW_FORM_GNU_ref_alt: case DW_FORM_ref_sup4: case DW_FORM_ref_sup8:
		o = &d->alt;
		off = v->u;
		sec = DS_INFO;
		u = NULL;
		break;
	case DW_FORM_ref_sig8:
		/* a type unit's type, by its signature */
		for (int k = 0; k < 2; k++) {
			struct dw_obj *to_o = k ? &d->alt : &d->main;

			for (size_t i = 0; i < to_o->nunits; i++) {
				const struct dw_unit *t = &to_o->units[i];

				if ((t->type == DW_UT_type) && t->sig == v->u)
					return dw_die(d, to_o, t, t->off + t->type_off, to);
			}
		}
		return -ENOENT;
	default:
		return -EINVAL;
	}
	if (!o->s[sec].p)
		return -ENOENT;
	if (!u || off < u->die || off >= u->end)
		u = dw_unit_of(o, sec, off);
	if (!u)
		return -EINVAL;
	return dw_die(d, o, u, off, to);
}

/* An attribute of die, or of what it is a concrete copy (an inlined
 * instance's variable) or the definition (DW_AT_specification) of;
 * holder is the DIE that has it. */
int dw_attr_origin(struct upc_dwarf *d, const struct dw_die *die, uint64_t at, struct dw_val *v,
		   struct dw_die *holder)
{
	struct dw_die cur = *die, next;
	struct dw_val o;

	for (int hops = 0; hops < 8; hops++) {
		if (!dw_attr(d, &cur, at, v)) {
			*holder = cur;
			return 0;
		}
		if ((dw_attr(d, &cur, DW_AT_abstract_origin, &o) &&
		     dw_attr(d, &cur, DW_AT_specification, &o)) || dw_ref(d, &cur, &o, &next))
			return -ENOENT;
		cur = next;
	}
	return -ENOENT;
}

/* ---- children, ranges ------------------------------------------------------- */

int dw_child(struct upc_dwarf *d, const struct dw_die *parent, struct dw_die *child)
{
	if (!parent->ab.children)
		return -ENOENT;
	if (dw_die(d, (struct dw_obj *)parent->obj, parent->unit, parent->next, child))
		return -EINVAL;
	return child->null ? -ENOENT : 0;
}

int dw_sibling(struct upc_dwarf *d, const struct dw_die *die, struct dw_die *next)
{
	struct dw_obj *o = (struct dw_obj *)die->obj;
	struct dw_val v;
	uint64_t off = die->next;
	unsigned depth = 0;

	if (die->null)
		return -ENOENT;
	/* DW_AT_sibling jumps; else past the children, one DIE at a time */
	if (die->ab.children && !dw_attr(d, die, DW_AT_sibling, &v) &&
	    (v.form == DW_FORM_ref4 || v.form == DW_FORM_ref1 || v.form == DW_FORM_ref2 ||
	     v.form == DW_FORM_ref8 || v.form == DW_FORM_ref_udata) &&
	    die->unit->off + v.u > die->off) {
		off = die->unit->off + v.u;
	} else if (die->ab.children) {
		depth = 1;
		while (depth) {
			struct dw_die k;

			if (dw_die(d, o, die->unit, off, &k))
				return -EINVAL;
			if (k.null)
				depth--;
			else if (k.ab.children)
				depth++;
			off = k.next;
		}
	}
	if (off >= die->unit->end)
		return -ENOENT;
	if (dw_die(d, o, die->unit, off, next))
		return -EINVAL;
	return next->null ? -ENOENT : 0;
}

/* The entries of a list at v (an offset, or a rnglistx/loclistx index)
 * of die's unit: its address ranges (DW_AT_ranges: .debug_ranges,
 * .debug_rnglists) or its locations (.debug_loc, .debug_loclists). cb gets
 * each [lo, hi) (a default location: 0, UINT64_MAX) and a location's
 * expression (ranges: NULL); its non-zero return stops the walk and is
 * returned; -EINVAL when the list is damaged. */
static int list_walk(struct upc_dwarf *d, const struct dw_die *die, const struct dw_val *v,
		     bool loc, dw_list_cb cb, void *ctx)
{
	enum { DEFAULT_LOCATION = 0x100 };	/* no range list code */
	struct dw_obj *o = (struct dw_obj *)die->obj;
	struct dw_unit *u = (struct dw_unit *)die->unit;
	uint64_t base, off = v->u, max = u->addrsize == 4 ? 0xffffffffull : UINT64_MAX;
	struct dw_cur c;
	int sec, ret;

	unit_bases(d, o, u);
	base = u->low_pc;
	if (u->version < 5) {
		/* (start, end) pairs from the unit's base, a base address
		 * entry, (0, 0) at the end; a location's expression after
		 * its pair */
		if (!dw_at(o, loc ? DS_LOC : DS_RANGES, off, UINT64_MAX, &c))
			return -EINVAL;
		while (!c.err) {
			uint64_t a = dw_u(&c, u->addrsize), b = dw_u(&c, u->addrsize), n = 0;

			if (c.err)
				break;
			if (!a && !b)
				return 0;
			if (a == max) {
				base = b;
				continue;
			}
			if (loc && (n = dw_u(&c, 2)) > (uint64_t)(c.end - c.p))
				break;
			if ((ret = cb(base + a, base + b, loc ? c.p : NULL, n, ctx)))
				return ret;
			dw_skip(&c, n);
		}
		return -EINVAL;
	}
	sec = loc ? DS_LOCLISTS : DS_RNGLISTS;
	if (v->form == DW_FORM_rnglistx || v->form == DW_FORM_loclistx) {
		uint64_t lbase = loc ? u->loclists_base : u->rnglists_base;
		struct dw_cur ic;

		if (!dw_at(o, sec, lbase + off * u->offsize, u->offsize, &ic))
			return -EINVAL;
		off = lbase + dw_u(&ic, u->offsize);
	}
	if (!dw_at(o, sec, off, UINT64_MAX, &c))
		return -EINVAL;
	while (!c.err) {
		unsigned k = (unsigned)dw_u(&c, 1);
		uint64_t a = 0, b = 0, n = 0;

		if (loc && k == DW_LLE_GNU_view_pair) {
			dw_uleb(&c);
			dw_uleb(&c);
			continue;
		}
		/* a location list's codes are the range list's, with
		 * default_location before base_address */
		if (loc && k == DW_LLE_default_location)
			k = DEFAULT_LOCATION;
		else if (loc && k > DW_LLE_default_location)
			k--;
		switch (k) {
		case DW_RLE_end_of_list:
			return c.err ? -EINVAL : 0;
		case DW_RLE_base_addressx:
			base = dw_addrx(d, o, u, dw_uleb(&c));
			continue;
		case DW_RLE_startx_endx:
			a = dw_addrx(d, o, u, dw_uleb(&c));
			b = dw_addrx(d, o, u, dw_uleb(&c));
			break;
		case DW_RLE_startx_length:
			a = dw_addrx(d, o, u, dw_uleb(&c));
			b = a + dw_uleb(&c);
			break;
		case DW_RLE_offset_pair:
			a = base + dw_uleb(&c);
			b = base + dw_uleb(&c);
			break;
		case DEFAULT_LOCATION:
			b = UINT64_MAX;
			break;
		case DW_RLE_base_address:
			base = dw_u(&c, u->addrsize);
			continue;
		case DW_RLE_start_end:
			a = dw_u(&c, u->addrsize);
			b = dw_u(&c, u->addrsize);
			break;
		case DW_RLE_start_length:
			a = dw_u(&c, u->addrsize);
			b = a + dw_uleb(&c);
			break;
		default:
			return -EINVAL;
		}
		if (loc)
			n = dw_uleb(&c);
		if (c.err || n > (uint64_t)(c.end - c.p))
			break;
		if ((ret = cb(a, b, loc ? c.p : NULL, n, ctx)))
			return ret;
		dw_skip(&c, n);
	}
	return -EINVAL;
}

int dw_loclist_walk(struct upc_dwarf *d, const struct dw_die *var, const struct dw_val *v,
		    dw_list_cb cb, void *ctx)
{
	return list_walk(d, var, v, true, cb, ctx);
}

struct range_cb {
	int (*cb)(uint64_t lo, uint64_t hi, void *ctx);
	void *ctx;
};

static int range_entry(uint64_t lo, uint64_t hi, const unsigned char *e, uint64_t n, void *ctx)
{
	const struct range_cb *r = ctx;

	(void)e;
	(void)n;
	return r->cb(lo, hi, r->ctx);
}

/* A DIE's address ranges: low_pc/high_pc, or DW_AT_ranges (.debug_ranges
 * or .debug_rnglists). cb is called for each [lo, hi) until it returns
 * non-zero, which is returned; -ENOENT when the DIE has no addresses. */
int dw_ranges(struct upc_dwarf *d, const struct dw_die *die,
	      int (*cb)(uint64_t lo, uint64_t hi, void *ctx), void *ctx)
{
	struct range_cb rc = { cb, ctx };
	struct dw_val lo, hi, r;

	/* ranges first: a low_pc beside them is only their base (Go's units) */
	if (!dw_attr(d, die, DW_AT_ranges, &r))
		return list_walk(d, die, &r, false, range_entry, &rc);
	if (!dw_attr(d, die, DW_AT_low_pc, &lo) && lo.form == DW_FORM_addr) {
		if (dw_attr(d, die, DW_AT_high_pc, &hi))
			return cb(lo.u, lo.u + 1, ctx);
		return cb(lo.u, hi.form == DW_FORM_addr ? hi.u : lo.u + hi.u, ctx);
	}
	return -ENOENT;
}

struct pc_in {
	uint64_t pc;
};

static int pc_in_range(uint64_t lo, uint64_t hi, void *ctx)
{
	const struct pc_in *p = ctx;

	return p->pc >= lo && p->pc < hi;
}

bool dw_has_pc(struct upc_dwarf *d, const struct dw_die *die, uint64_t pc)
{
	struct pc_in p = { pc };

	return dw_ranges(d, die, pc_in_range, &p) == 1;
}

struct low_of {
	uint64_t lo;
};

static int lowest(uint64_t lo, uint64_t hi, void *ctx)
{
	struct low_of *l = ctx;

	if (hi > lo && lo < l->lo)
		l->lo = lo;
	return 0;
}

int dw_entry_pc(struct upc_dwarf *d, const struct dw_die *die, uint64_t *pc)
{
	struct low_of l = { UINT64_MAX };
	struct dw_val v;

	if (!dw_attr(d, die, DW_AT_entry_pc, &v)) {
		/* DWARF 5: a constant is relative to the DIE's low address */
		if (v.form == DW_FORM_addr) {
			*pc = v.u;
			return 0;
		}
		if (dw_ranges(d, die, lowest, &l) >= 0 && l.lo != UINT64_MAX) {
			*pc = l.lo + v.u;
			return 0;
		}
	}
	if (dw_ranges(d, die, lowest, &l) < 0 || l.lo == UINT64_MAX)
		return -ENOENT;
	*pc = l.lo;
	return 0;
}

/* The name of a DIE, through its specification or abstract origin. */
const char *dw_name(struct upc_dwarf *d, const struct dw_die *die)
{
	struct dw_die cur = *die, next;
	struct dw_val v;

	for (int hops = 0; hops < 8; hops++) {
		if (!dw_attr(d, &cur, DW_AT_name, &v) && v.str)
			return v.str;
		if ((dw_attr(d, &cur, DW_AT_abstract_origin, &v) &&
		     dw_attr(d, &cur, DW_AT_specification, &v)) || dw_ref(d, &cur, &v, &next))
			return NULL;
		cur = next;
	}
	return NULL;
}

/* The unit containing pc: from .debug_aranges when there, else the units'
 * own ranges. */
struct aranges_hit {
	uint64_t pc;
};

const struct dw_unit *dw_unit_at_pc(struct upc_dwarf *d, uint64_t pc)
{
	struct dw_obj *o = &d->main;
	struct dw_cur c;

	if (dw_at(o, DS_ARANGES, 0, UINT64_MAX, &c)) {
		while (c.p < c.end && !c.err) {
			unsigned offsize;
			uint64_t len = initial_length(&c, &offsize), unit, addrsize, segsize;
			const unsigned char *set_end = c.p + len;
			size_t hdr;

			if (c.err || len > (uint64_t)(c.end - c.p))
				break;
			dw_u(&c, 2);
			unit = dw_u(&c, offsize);
			addrsize = dw_u(&c, 1);
			segsize = dw_u(&c, 1);
			if (c.err || (addrsize != 4 && addrsize != 8) || segsize)
				break;
			/* tuples are aligned to twice the address size */
			hdr = (size_t)(c.p - (set_end - len)) + (offsize == 8 ? 12 : 4);
			dw_skip(&c, (2 * addrsize - hdr % (2 * addrsize)) % (2 * addrsize));
			while (c.p + 2 * addrsize <= set_end && !c.err) {
				uint64_t a = dw_u(&c, (unsigned)addrsize), n = dw_u(&c, (unsigned)addrsize);

				if (!a && !n)
					break;
				if (pc >= a && pc - a < n)
					return dw_unit_of(o, DS_INFO, unit);
			}
			c.p = set_end;
		}
	}
	for (size_t i = 0; i < o->nunits; i++) {
		struct dw_die root;

		if (o->units[i].sec != DS_INFO || o->units[i].type == DW_UT_type ||
		    dw_die(d, o, &o->units[i], o->units[i].die, &root))
			continue;
		if (dw_has_pc(d, &root, pc))
			return &o->units[i];
	}
	return NULL;
}
