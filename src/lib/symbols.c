// SPDX-License-Identifier: MIT
/*
 * Walking function symbols: a struct upc_sym on the stack is filled per
 * entry and handed to the caller's callback. Which tables: a .symtab (the
 * file's own, else its debug file's) usually holds every function, .dynsym
 * only the exported ones; a .symtab carries no versions, so a global's
 * version comes from its twin in .dynsym (found through .gnu.hash). But a
 * .symtab can be partial (a file stripped of all but a few symbols), and
 * compatibility versions (name@VER) may be only in .dynsym: so .dynsym is
 * walked too, leaving out what the .symtab already gave (same name, same
 * value). Looking up one name scans the .symtab for it; a full walk sorts
 * the .symtab's function values once (memory linear in the table, never an
 * allocation per symbol).
 */
#include <stdlib.h>

#include <elf.h>

#include "upc_internal.h"

/* st_value to the address of the first instruction. */
static uint64_t code_addr(struct upc_elf *e, const struct upc_rawsym *s)
{
	const struct upc_arch *a = e->arch;
	uint64_t addr = s->value;

	if (a->flags & UPC_ARCH_THUMB_BIT)
		addr &= ~(uint64_t)1;
	if ((a->flags & UPC_ARCH_PPC64_OPD) && (e->eflags & 3) != 2) {
		uint64_t entry;

		if (upc_elf_addr_to_offset(e, addr, &entry) &&
		    !upc_opd_entry(e, addr, &entry))
			addr = entry;
	}
	if ((a->flags & UPC_ARCH_PPC64_ENTRY) && (e->eflags & 3) == 2) {
		unsigned v = (s->other >> 5) & 7;

		addr += (((uint64_t)1 << v) >> 2) << 2;
	}
	return addr;
}

struct seen {
	uint64_t value;
	uint64_t i;			/* index in its table */
	uint32_t name;
};

struct walk {
	struct upc_elf *e;
	const struct upc_img *img;
	const struct upc_symtab *t;
	enum upc_sym_table which;
	/* .dynsym after a .symtab: leave out what prev already gave */
	const struct upc_img *prev_img;
	const struct upc_symtab *prev;
	struct seen *index;	/* prev's functions by value, for full walks */
	size_t nindex;
	/* .dynsym's defined symbols by value, for the versions of a full
	 * .symtab walk (without it, each global would search .dynsym) */
	struct seen *dynindex;
	size_t ndynindex;
	const char *want;	/* only symbols of this name, when set */
	size_t want_len;
	upc_sym_cb cb;
	void *ctx;
};

static int cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static bool is_func(const struct upc_rawsym *s)
{
	unsigned type = s->info & 0xf;

	return (type == STT_FUNC || type == STT_GNU_IFUNC) && s->shndx != SHN_UNDEF &&
	       s->shndx != SHN_ABS;
}

/* NAME, or NAME@VER / NAME@@VER as a .symtab spells a version */
static bool same_name(const char *n, const char *name, size_t len)
{
	return n && !strncmp(n, name, len) && (n[len] == '\0' || n[len] == '@');
}

/* The entries of t that keep(), sorted by value (then index). */
static int build_index(const struct upc_img *img, const struct upc_symtab *t,
		       bool (*keep)(const struct upc_rawsym *), struct seen **out, size_t *n)
{
	struct upc_rawsym s;

	*n = 0;
	*out = malloc((size_t)t->count * sizeof(**out) + 1);
	if (!*out)
		return -ENOMEM;
	for (uint64_t i = 1; i < t->count; i++)
		if (!upc_get_sym(img, t, i, &s) && keep(&s))
			(*out)[(*n)++] = (struct seen){ s.value, i, s.name };
	upc_sort(*out, *n, sizeof(**out), cmp_seen);
	return 0;
}

static bool is_defined(const struct upc_rawsym *s)
{
	return s->shndx != SHN_UNDEF;
}

/* The first entry of index at value. */
static size_t index_first(const struct seen *index, size_t n, uint64_t value)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (index[mid].value < value)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Did the .symtab walked before give this function already? */
static bool already_seen(const struct walk *w, const char *name, size_t len, uint64_t value)
{
	const struct upc_img *img = w->prev_img;
	const struct upc_symtab *t = w->prev;
	struct upc_rawsym s;

	if (!w->index) {
		for (uint64_t i = 1; i < t->count; i++)
			if (!upc_get_sym(img, t, i, &s) && s.value == value && is_func(&s) &&
			    same_name(upc_str(img, t->stroff, t->strsize, s.name), name, len))
				return true;
		return false;
	}
	for (size_t k = index_first(w->index, w->nindex, value);
	     k < w->nindex && w->index[k].value == value; k++)
		if (same_name(upc_str(img, t->stroff, t->strsize, w->index[k].name), name, len))
			return true;
	return false;
}

/* The .dynsym twin of a .symtab global: same name, same value. */
static int64_t dynsym_twin(const struct walk *w, const char *name, size_t len, uint64_t value)
{
	const struct upc_symtab *t = &w->e->dynsym;

	if (!w->dynindex)
		return upc_dynsym_lookup(w->e, name, len, value);
	for (size_t k = index_first(w->dynindex, w->ndynindex, value);
	     k < w->ndynindex && w->dynindex[k].value == value; k++) {
		const char *n = upc_str(&w->e->img, t->stroff, t->strsize, w->dynindex[k].name);

		if (n && !strncmp(n, name, len) && n[len] == '\0')
			return (int64_t)w->dynindex[k].i;
	}
	return -ENOENT;
}

/* Hand symbol i of the walked table to the callback, when it is a defined
 * function (and has the wanted name); 0 to go on. */
static int visit(struct walk *w, uint64_t i, const char **source)
{
	struct upc_rawsym s;
	struct upc_sym sym;
	unsigned type, bind;
	const char *name, *at;

	if (upc_get_sym(w->img, w->t, i, &s))
		return -EINVAL;
	type = s.info & 0xf;
	bind = s.info >> 4;
	if (type == STT_FILE) {
		*source = upc_str(w->img, w->t->stroff, w->t->strsize, s.name);
		return 0;
	}
	if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
	    s.shndx == SHN_UNDEF || s.shndx == SHN_ABS)
		return 0;
	name = upc_str(w->img, w->t->stroff, w->t->strsize, s.name);
	if (!name) {
		pr_err("%s: symbol %llu has a name outside its string table (corrupt)",
		       w->e->path, (unsigned long long)i);
		return -EINVAL;
	}
	if (!*name)
		return 0;
	if (w->want && (strncmp(name, w->want, w->want_len) ||
			(name[w->want_len] && name[w->want_len] != '@')))
		return 0;
	memset(&sym, 0, sizeof(sym));
	sym.name = name;
	sym.name_len = strlen(name);
	sym.default_version = true;
	if (w->which == UPC_DYNSYM) {
		if (w->prev && already_seen(w, name, sym.name_len, s.value))
			return 0;
		upc_dynsym_version(w->e, i, &sym.version, &sym.default_version);
	} else if ((at = strchr(name, '@'))) {
		/* .symtab keeps ".symver" names as NAME@VER / NAME@@VER */
		sym.name_len = (size_t)(at - name);
		sym.default_version = at[1] == '@';
		sym.version = at + 1 + sym.default_version;
	} else if (bind != STB_LOCAL) {
		int64_t d = dynsym_twin(w, name, sym.name_len, s.value);

		if (d > 0)
			upc_dynsym_version(w->e, (uint64_t)d, &sym.version,
					   &sym.default_version);
	}
	sym.value = s.value;
	sym.addr = code_addr(w->e, &s);
	sym.size = s.size;
	if (upc_elf_addr_to_offset(w->e, sym.addr, &sym.offset))
		sym.offset = UPC_NO_OFFSET;
	sym.type = (unsigned char)type;
	sym.bind = (unsigned char)bind;
	sym.other = s.other;
	sym.source = bind == STB_LOCAL ? *source : NULL;
	sym.table = w->which;
	return w->cb(&sym, w->ctx);
}

static int walk_table(struct walk *w)
{
	const char *source = NULL;
	uint64_t i, end;
	int r;

	/* one name in .dynsym: only its .gnu.hash chain can hold it */
	if (w->want && w->which == UPC_DYNSYM &&
	    !upc_dynsym_chain(w->e, w->want, w->want_len, &i, &end)) {
		for (; i < end; i++)
			if ((r = visit(w, i, &source)))
				return r;
		return 0;
	}
	for (i = 1; i < w->t->count; i++)
		if ((r = visit(w, i, &source)))
			return r;
	return 0;
}

int upc_foreach_sym_named(struct upc_elf *e, const char *name, size_t len,
			  upc_sym_cb cb, void *ctx)
{
	struct walk w = { .e = e, .want = name, .want_len = len, .cb = cb, .ctx = ctx };
	int r;

	if (e->symtab.index) {
		w.img = &e->img;
		w.t = &e->symtab;
		w.which = UPC_SYMTAB;
	} else if (e->dbgsymtab.index) {
		w.img = &e->dbg;
		w.t = &e->dbgsymtab;
		w.which = UPC_DEBUG_SYMTAB;
	}
	if (w.t) {
		if (!name && e->dynsym.index &&
		    (r = build_index(&e->img, &e->dynsym, is_defined, &w.dynindex, &w.ndynindex)))
			return r;
		r = walk_table(&w);
		free(w.dynindex);
		w.dynindex = NULL;
		if (r)
			return r;
		w.prev_img = w.img;
		w.prev = w.t;
	}
	if (!e->dynsym.index)
		return 0;
	if (w.prev && !name && (r = build_index(w.prev_img, w.prev, is_func, &w.index, &w.nindex)))
		return r;
	w.img = &e->img;
	w.t = &e->dynsym;
	w.which = UPC_DYNSYM;
	r = walk_table(&w);
	free(w.index);
	return r;
}

int upc_elf_foreach_sym(struct upc_elf *e, upc_sym_cb cb, void *ctx)
{
	unsigned mark = upc_log_errors();

	return upc_explained(upc_foreach_sym_named(e, NULL, 0, cb, ctx), mark, e->path);
}

/* Defined data or function symbols named exactly name in t: their one value
 * in *v (*found), -ENOTUNIQ for two values. */
static int object_in(const struct upc_img *img, const struct upc_symtab *t, const char *name,
		     size_t len, uint64_t *v, bool *found)
{
	struct upc_rawsym s;

	for (uint64_t i = 1; t->index && i < t->count; i++) {
		unsigned type;
		const char *n;

		if (upc_get_sym(img, t, i, &s))
			return -EINVAL;
		type = s.info & 0xf;
		if (s.shndx == SHN_UNDEF || (type != STT_OBJECT && type != STT_NOTYPE &&
					     type != STT_FUNC && type != STT_TLS))
			continue;
		n = upc_str(img, t->stroff, t->strsize, s.name);
		if (!n || strncmp(n, name, len) || n[len])
			continue;
		if (type == STT_TLS)
			return -ENOTSUP;
		if (*found && *v != s.value)
			return -ENOTUNIQ;
		*v = s.value;
		*found = true;
	}
	return 0;
}

int upc_elf_symbol_value(struct upc_elf *e, const char *name, size_t len, uint64_t *value)
{
	bool found = false;
	int r = 0;

	if (e->symtab.index)
		r = object_in(&e->img, &e->symtab, name, len, value, &found);
	else if (e->dbgsymtab.index)
		r = object_in(&e->dbg, &e->dbgsymtab, name, len, value, &found);
	if (!r && !found)
		r = object_in(&e->img, &e->dynsym, name, len, value, &found);
	return r ? r : found ? 0 : -ENOENT;
}
