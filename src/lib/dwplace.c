// SPDX-License-Identifier: MIT
/*
 * Probe points named by the source: a function (out of line, past its
 * prologue where its parameters are stored first, and each place it was
 * inlined), a line of a file, a function's Nth line, a static function by
 * its file; and the lines of a function or of a file that have code.
 *
 * A function is looked for in the units holding the code of the symbols
 * of its name (one unit each: fast on a large library), or, when no symbol
 * has its name (a static inline function, a stripped table), in every
 * unit. Its inlined copies are found in those units: a copy inlined into
 * another unit (link-time optimization) is found through FILE:LINE.
 */
#include <elf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "upc_internal.h"

#define MAX_DEPTH 64		/* DIE nesting followed in a unit */
#define MAX_PLACES 1024

/* ---- the point ------------------------------------------------------------------ */

struct point {
	char func[256];
	char file[1024];
	unsigned line;
	bool has_line;			/* FILE:LINE, or FUNC:N with func */
	bool pinned;
	uint64_t pin;
};

/* Does s (n bytes) name a source file: a '/' in it, or a source file's
 * ending? */
static bool source_file(const char *s, size_t n)
{
	static const char *const ends[] = {
		".c", ".h", ".cc", ".cp", ".cpp", ".cxx", ".c++", ".C", ".hh", ".hpp", ".hxx",
		".H", ".inc", ".inl", ".def", ".ipp", ".tcc", ".rs", ".go", ".S", ".s", ".m",
		".mm", ".f", ".f90", ".d", ".zig", ".y", ".l", ".cu",
	};

	if (!n || memchr(s, '/', n))
		return n > 0;
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		size_t k = strlen(ends[i]);

		if (n > k && !memcmp(s + n - k, ends[i], k))
			return true;
	}
	return false;
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Split SPEC: 1 a source point (FILE:LINE, FUNC:N, FUNC@FILE[:N]), 0 a
 * plain name (a function, or a symbol spec), either with any
 * @0xADDRESS pin taken off; -EINVAL when too long. */
static int parse_point(const char *spec, struct point *pt)
{
	size_t n = strlen(spec);
	const char *at, *colon = NULL;

	memset(pt, 0, sizeof(*pt));
	if (!strncmp(spec, "usdt:", 5))
		return 0;
	/* the pin */
	at = strrchr(spec, '@');
	if (at && at > spec && at[1] == '0' && (at[2] == 'x' || at[2] == 'X') &&
	    !upc_parse_u64(at + 1, strlen(at + 1), &pt->pin)) {
		pt->pinned = true;
		n = (size_t)(at - spec);
	}
	for (size_t i = 0; i < n; i++)
		if (spec[i] == ':')
			colon = spec + i;
	if (colon && all_digits(colon + 1, (size_t)(spec + n - colon - 1)) && colon > spec &&
	    colon[-1] != ':') {
		uint64_t line;

		if (upc_parse_u64(colon + 1, (size_t)(spec + n - colon - 1), &line) || !line ||
		    line > UINT_MAX)
			return -EINVAL;
		pt->line = (unsigned)line;
		pt->has_line = true;
		n = (size_t)(colon - spec);
	}
	at = memchr(spec, '@', n);
	if (at && source_file(at + 1, (size_t)(spec + n - at - 1))) {
		if ((size_t)(at - spec) >= sizeof(pt->func) ||
		    (size_t)(spec + n - at - 1) >= sizeof(pt->file))
			return -EINVAL;
		snprintf(pt->func, sizeof(pt->func), "%.*s", (int)(at - spec), spec);
		snprintf(pt->file, sizeof(pt->file), "%.*s", (int)(spec + n - at - 1), at + 1);
		return 1;
	}
	if (pt->has_line && source_file(spec, n)) {
		if (n >= sizeof(pt->file))
			return -EINVAL;
		snprintf(pt->file, sizeof(pt->file), "%.*s", (int)n, spec);
		return 1;
	}
	if (n >= sizeof(pt->func))
		return -EINVAL;
	snprintf(pt->func, sizeof(pt->func), "%.*s", (int)n, spec);
	return pt->has_line ? 1 : 0;
}

bool upc_spec_is_source(const char *spec)
{
	struct point pt;

	return parse_point(spec, &pt) == 1;
}

/* Does path end with the path components of name ("dwtest.c",
 * "progs/dwtest.c")? */
static bool path_matches(const char *path, const char *name)
{
	size_t pl = strlen(path), nl = strlen(name);

	while (nl > 2 && !strncmp(name, "./", 2)) {
		name += 2;
		nl -= 2;
	}
	if (nl > pl || strcmp(path + pl - nl, name))
		return false;
	return nl == pl || path[pl - nl - 1] == '/' || name[0] == '/';
}

/* ---- line tables ------------------------------------------------------------------- */

/* The line table of the unit whose root is cu, cached for the walk. */
struct lines_cache {
	uint64_t unit_off;
	const struct dw_obj *obj;
	bool valid, have;
	struct dw_lines l;
};

static const struct dw_lines *lines_of(struct upc_dwarf *d, const struct dw_die *cu,
				       struct lines_cache *lc)
{
	if (lc->valid && lc->unit_off == cu->unit->off && lc->obj == cu->obj)
		return lc->have ? &lc->l : NULL;
	if (lc->valid)
		dw_lines_free(&lc->l);
	memset(&lc->l, 0, sizeof(lc->l));
	lc->valid = true;
	lc->unit_off = cu->unit->off;
	lc->obj = cu->obj;
	lc->have = !dw_lines_read(d, cu, &lc->l);
	return lc->have ? &lc->l : NULL;
}

static void lines_drop(struct lines_cache *lc)
{
	if (lc->valid)
		dw_lines_free(&lc->l);
	lc->valid = false;
}

/* The row of l holding addr: the last one at or before it in its
 * sequence. */
static const struct dw_line *row_at(const struct dw_lines *l, uint64_t addr)
{
	const struct dw_line *best = NULL;

	for (size_t i = 0; i + 1 < l->nrows; i++) {
		const struct dw_line *r = &l->rows[i];

		if (r->end)
			continue;
		if (r->addr <= addr && addr < l->rows[i + 1].addr && (!best || r->addr >= best->addr))
			best = r;
	}
	return best;
}

/* The root DIE of the unit holding die. */
static int unit_root(struct upc_dwarf *d, const struct dw_die *die, struct dw_die *root)
{
	return dw_die(d, (struct dw_obj *)die->obj, die->unit, die->unit->die, root);
}

/* file and line of the code at addr, from its unit's line table. */
static void place_line(struct upc_dwarf *d, struct upc_src_place *pl, struct lines_cache *lc)
{
	const struct dw_unit *u = dw_unit_at_pc(d, pl->addr);
	const struct dw_lines *l;
	const struct dw_line *r;
	struct dw_die cu;

	if (!u || dw_die(d, &d->main, u, u->die, &cu) || !(l = lines_of(d, &cu, lc)) ||
	    !(r = row_at(l, pl->addr)))
		return;
	dw_lines_file(l, r->file, pl->file, sizeof(pl->file));
	pl->line = r->line;
}

/* ---- functions ---------------------------------------------------------------------- */

struct inst {
	struct dw_die die;		/* a subprogram with code, or an inlined call */
	bool inlined;
	uint64_t entry;
	char caller[128];
};

struct insts {
	struct inst *v;
	size_t n, cap;
	unsigned inlined;
};

static int push_inst(struct insts *s, const struct inst *i)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		struct inst *v;

		if (cap > MAX_PLACES || !(v = realloc(s->v, cap * sizeof(*v))))
			return cap > MAX_PLACES ? -E2BIG : -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *i;
	s->inlined += i->inlined;
	return 0;
}

/* The source file fn is declared in (its path), into buf; "" unknown. */
static void decl_file(struct upc_dwarf *d, const struct dw_die *fn, char *buf, size_t len,
		      struct lines_cache *lc)
{
	struct dw_die holder, root;
	const struct dw_lines *l;
	struct dw_val v;

	buf[0] = '\0';
	if (!dw_attr_origin(d, fn, DW_AT_decl_file, &v, &holder) && !unit_root(d, &holder, &root) &&
	    (l = lines_of(d, &root, lc)))
		dw_lines_file(l, (uint32_t)v.u, buf, len);
}

/* The addresses of the function symbols named name (up to 16). */
struct sym_addrs {
	const char *name;
	uint64_t addr[16];
	unsigned n;
};

static int sym_addr(const struct upc_sym *s, void *ctx)
{
	struct sym_addrs *sa = ctx;

	if (s->name_len == strlen(sa->name) && !memcmp(s->name, sa->name, s->name_len) &&
	    (s->type == STT_FUNC || s->type == STT_GNU_IFUNC) &&
	    sa->n < sizeof(sa->addr) / sizeof(sa->addr[0]))
		sa->addr[sa->n++] = s->addr;
	return 0;
}

/* Each copy of function pt->func (in pt->file when given) in unit u. */
static int unit_funcs(struct upc_dwarf *d, const struct dw_unit *u, const struct point *pt,
		      struct insts *out, struct lines_cache *lc)
{
	struct dw_die stack[MAX_DEPTH], die, root;
	unsigned depth = 0;
	int err;

	if (dw_die(d, &d->main, u, u->die, &root))
		return -EINVAL;
	for (uint64_t off = u->die; off < u->end; off = die.next) {
		const char *name;
		struct inst in = { 0 };

		if (dw_die(d, &d->main, u, off, &die))
			return -EINVAL;
		if (die.null) {
			if (!depth--)
				break;
			continue;
		}
		if (depth < MAX_DEPTH)
			stack[depth] = die;
		if ((die.tag == DW_TAG_subprogram || die.tag == DW_TAG_inlined_subroutine) &&
		    (name = dw_name(d, &die)) && !strcmp(name, pt->func) &&
		    !dw_entry_pc(d, &die, &in.entry)) {
			in.die = die;
			in.inlined = die.tag == DW_TAG_inlined_subroutine;
			if (pt->file[0]) {
				char path[1024];
				struct dw_val cn;

				decl_file(d, &die, path, sizeof(path), lc);
				if (!path_matches(path, pt->file) &&
				    (path[0] || dw_attr(d, &root, DW_AT_name, &cn) || !cn.str ||
				     !path_matches(cn.str, pt->file)))
					goto next;
			}
			for (unsigned k = depth < MAX_DEPTH ? depth : MAX_DEPTH; in.inlined && k-- > 0;) {
				const char *cn;

				if (stack[k].tag == DW_TAG_subprogram && (cn = dw_name(d, &stack[k]))) {
					snprintf(in.caller, sizeof(in.caller), "%s", cn);
					break;
				}
			}
			if ((err = push_inst(out, &in)))
				return err;
		}
next:
		if (die.ab.children)
			depth++;
	}
	return 0;
}

static bool code_unit(const struct dw_unit *u)
{
	return u->sec == DS_INFO && (u->type == DW_UT_compile || !u->type);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int index_put(struct dw_func_index *x, const char *name, uint32_t unit)
{
	size_t i;

	for (i = name_hash(name) & (x->cap - 1); x->slots[i].name; i = (i + 1) & (x->cap - 1))
		if (x->slots[i].unit == unit && !strcmp(x->slots[i].name, name))
			return 0;
	x->slots[i] = (struct dw_func_slot){ name, unit };
	return 1;
}

static int index_grow(struct dw_func_index *x)
{
	struct dw_func_slot *old = x->slots;
	size_t ocap = x->cap;

	x->cap = ocap ? 2 * ocap : 4096;
	if (!(x->slots = calloc(x->cap, sizeof(*x->slots)))) {
		x->slots = old;
		x->cap = ocap;
		return -ENOMEM;
	}
	for (size_t i = 0; i < ocap; i++)
		if (old[i].name)
			index_put(x, old[i].name, old[i].unit);
	free(old);
	return 0;
}

/* The index of the units' top-level subprograms by name (a definition,
 * or the abstract one inlined copies refer to), read skipping every
 * subtree, once; units with imported (dwz) units or namespaces are
 * always walked. */
static int index_funcs(struct upc_dwarf *d)
{
	struct dw_func_index *x = &d->funcs;
	size_t used = 0;
	int err;

	if (x->built)
		return 0;
	if ((err = index_grow(x)))
		return err;
	for (size_t u = 0; u < d->main.nunits; u++) {
		const struct dw_unit *unit = &d->main.units[u];
		struct dw_die root, k;
		bool always = false;
		const char *n;

		if (!code_unit(unit) || dw_die(d, &d->main, unit, unit->die, &root))
			continue;
		for (int r = dw_child(d, &root, &k); !r; r = dw_sibling(d, &k, &k)) {
			if (k.tag == DW_TAG_imported_unit || k.tag == DW_TAG_namespace)
				always = true;
			if (k.tag != DW_TAG_subprogram || !(n = dw_name(d, &k)))
				continue;
			if (2 * (used + 1) > x->cap && (err = index_grow(x)))
				return err;
			used += (size_t)index_put(x, n, (uint32_t)u);
		}
		if (always) {
			uint32_t *a = realloc(x->always, (x->nalways + 1) * sizeof(*a));

			if (!a)
				return -ENOMEM;
			x->always = a;
			x->always[x->nalways++] = (uint32_t)u;
		}
	}
	x->built = true;
	return 0;
}

/* Every unit that can hold a copy of function name, in unit order, into
 * units (up to max); how many. */
static size_t func_units(struct upc_dwarf *d, const char *name, uint32_t *units, size_t max)
{
	const struct dw_func_index *x = &d->funcs;
	size_t n = 0;

	for (size_t i = name_hash(name) & (x->cap - 1); x->slots[i].name && n < max;
	     i = (i + 1) & (x->cap - 1))
		if (!strcmp(x->slots[i].name, name))
			units[n++] = x->slots[i].unit;
	for (size_t i = 0; i < x->nalways && n < max; i++)
		units[n++] = x->always[i];
	qsort(units, n, sizeof(*units), cmp_u32);
	/* (a unit both named and always walked: once) */
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (!k || units[i] != units[k - 1])
			units[k++] = units[i];
	return k;
}

/* Every copy of function pt->func: out of line, and inlined, in every unit
 * (a static inline function of a header is in many). */
static int find_funcs(struct upc_dwarf *d, const struct point *pt, struct insts *out,
		      struct lines_cache *lc)
{
	struct sym_addrs sa = { .name = pt->func };
	uint32_t *units;
	size_t n;
	int err;

	if ((err = index_funcs(d)))
		return err;
	if (!(units = malloc((d->main.nunits + 1) * sizeof(*units))))
		return -ENOMEM;
	n = func_units(d, pt->func, units, d->main.nunits + 1);
	for (size_t i = 0; i < n && !err; i++)
		err = unit_funcs(d, &d->main.units[units[i]], pt, out, lc);
	free(units);
	if (err || out->n || pt->file[0])
		return err;
	/* a symbol that is another name of a function (libc's fopen is
	 * _IO_new_fopen in the DWARF): the function starting at its code */
	upc_elf_foreach_sym(d->elf, sym_addr, &sa);
	for (unsigned i = 0; i < sa.n && !err; i++) {
		struct inst in = { .entry = sa.addr[i] };
		struct dw_where w;
		uint64_t entry;

		if (!dw_where_at(d, sa.addr[i], &w) && w.frame.tag == DW_TAG_subprogram &&
		    !dw_entry_pc(d, &w.frame, &entry) && entry == sa.addr[i]) {
			in.die = w.frame;
			err = push_inst(out, &in);
		}
	}
	return err;
}

/* Is every parameter of fn in one place (no location list), and one of
 * them at least in memory (relative to the frame or a register)? Then
 * the code stores them first: -O0's prologue. */
static bool params_stored(struct upc_dwarf *d, const struct dw_die *fn)
{
	bool memory = false;
	struct dw_die k;

	for (int r = dw_child(d, fn, &k); !r; r = dw_sibling(d, &k, &k)) {
		struct dw_val v;
		uint8_t op;

		if (k.tag != DW_TAG_formal_parameter || dw_attr(d, &k, DW_AT_location, &v))
			continue;
		if (!v.block)
			return false;		/* a location list */
		if (!v.blen)
			continue;
		op = v.block[0];
		if (op == 0x91 /* DW_OP_fbreg */ || (op >= 0x70 && op <= 0x8f) /* bregN */ ||
		    op == 0x92 /* bregx */)
			memory = true;
	}
	return memory;
}

struct high_of {
	uint64_t entry, high;
};

static int range_high(uint64_t lo, uint64_t hi, void *ctx)
{
	struct high_of *h = ctx;

	if (h->entry >= lo && h->entry < hi)
		h->high = hi;
	return 0;
}

/* The address past fn's prologue: the line table's next row after the
 * entry's, inside the range holding the entry (as perf probe finds it). */
static uint64_t past_prologue(struct upc_dwarf *d, const struct inst *in, struct lines_cache *lc)
{
	struct high_of h = { in->entry, 0 };
	const struct dw_lines *l;
	struct dw_die root;

	if (dw_ranges(d, &in->die, range_high, &h) < 0 || !h.high || unit_root(d, &in->die, &root) ||
	    !(l = lines_of(d, &root, lc)))
		return in->entry;
	for (size_t i = 0; i + 1 < l->nrows; i++) {
		if (l->rows[i].end || l->rows[i].addr != in->entry)
			continue;
		for (size_t j = i + 1; j < l->nrows && !l->rows[j - 1].end; j++) {
			if (l->rows[j].addr >= h.high || l->rows[j].end)
				break;
			if (l->rows[j].addr > in->entry)
				return l->rows[j].addr;
		}
		break;
	}
	return in->entry;
}

/* ---- places --------------------------------------------------------------------- */

struct places {
	struct upc_src_place *v;
	size_t n, cap;
};

static int push_place(struct places *p, const struct upc_src_place *pl)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].addr == pl->addr)
			return 0;
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 8;
		struct upc_src_place *v;

		if (cap > MAX_PLACES) {
			pr_err("more than %d places", MAX_PLACES);
			return -E2BIG;
		}
		if (!(v = realloc(p->v, cap * sizeof(*v))))
			return -ENOMEM;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = *pl;
	return 0;
}

/* Complete pl (addr set): its file offset, function, caller and line. */
static int place_fill(struct upc_dwarf *d, struct upc_src_place *pl, struct lines_cache *lc)
{
	struct dw_where w;
	const char *n;

	if (upc_elf_addr_to_offset(d->elf, pl->addr, &pl->offset)) {
		pr_err("0x%llx: in no executable segment of %s", (unsigned long long)pl->addr,
		       upc_elf_path(d->elf));
		return -ERANGE;
	}
	/* a line's or an address's: the innermost function there (a
	 * function's place knows its own, and whether it was inlined) */
	if (!pl->func[0] && !dw_where_at(d, pl->addr, &w)) {
		const struct dw_die *fn = dw_where_func(&w);

		if ((n = dw_name(d, fn)))
			snprintf(pl->func, sizeof(pl->func), "%s", n);
		if (fn->tag == DW_TAG_inlined_subroutine) {
			pl->inlined = true;
			if (!pl->caller[0] && (n = dw_name(d, &w.frame)))
				snprintf(pl->caller, sizeof(pl->caller), "%s", n);
		}
	}
	if (!pl->file[0])
		place_line(d, pl, lc);
	return 0;
}

/* The rows of line `line` in files matching `file` (or file number
 * `fileno` when file is NULL) of table l: the start of each run of them,
 * inside fn's code when fn is given. */
static int line_places(struct upc_dwarf *d, const struct dw_lines *l, const char *file,
		       const char *fn_path, unsigned line, const struct dw_die *fn,
		       struct places *out)
{
	bool *match = calloc(l->nfiles + 1, sizeof(*match)), in_run = false;
	char path[1024];
	int err = 0;

	if (!match)
		return -ENOMEM;
	for (size_t f = 0; f <= l->nfiles; f++) {
		dw_lines_file(l, (uint32_t)f, path, sizeof(path));
		match[f] = path[0] && (file ? path_matches(path, file) : !strcmp(path, fn_path));
	}
	for (size_t i = 0; i < l->nrows && !err; i++) {
		const struct dw_line *r = &l->rows[i];
		bool here = !r->end && r->line == line && r->file <= l->nfiles && match[r->file] &&
			    (!fn || dw_has_pc(d, fn, r->addr));
		struct upc_src_place pl = { .addr = r->addr, .line = line, .at_line = true };

		if (!here) {
			in_run = false;
			continue;
		}
		if (in_run || !r->stmt)
			continue;
		in_run = true;
		dw_lines_file(l, r->file, pl.file, sizeof(pl.file));
		err = push_place(out, &pl);
	}
	free(match);
	return err;
}

/* The lines with code nearest to `line` in files matching `file`, for a
 * message. */
struct nearest {
	unsigned below, above;
};

static void near_lines(const struct dw_lines *l, const char *file, unsigned line,
		       struct nearest *nr)
{
	char path[1024];

	for (size_t i = 0; i < l->nrows; i++) {
		const struct dw_line *r = &l->rows[i];

		if (r->end || !r->stmt || (r->line >= nr->below && r->line < line) ||
		    (r->line > line && nr->above && r->line >= nr->above) || r->line == line)
			continue;
		dw_lines_file(l, r->file, path, sizeof(path));
		if (!path_matches(path, file))
			continue;
		if (r->line < line)
			nr->below = r->line;
		else
			nr->above = r->line;
	}
}

static int cmp_place(const void *a, const void *b)
{
	const struct upc_src_place *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* FILE:LINE: every unit whose line table has the file. */
static int file_line(struct upc_dwarf *d, const struct point *pt, struct places *out,
		     struct lines_cache *lc)
{
	struct nearest nr = { 0, 0 };
	bool seen = false;
	int err = 0;

	for (size_t i = 0; i < d->main.nunits && !err; i++) {
		const struct dw_lines *l;
		struct dw_die root;
		char path[1024];
		bool has = false;

		if (!code_unit(&d->main.units[i]) ||
		    dw_die(d, &d->main, &d->main.units[i], d->main.units[i].die, &root) ||
		    !(l = lines_of(d, &root, lc)))
			continue;
		for (size_t f = 0; f <= l->nfiles && !has; f++)
			has = dw_lines_file(l, (uint32_t)f, path, sizeof(path)) &&
			      path_matches(path, pt->file);
		if (!has)
			continue;
		seen = true;
		err = line_places(d, l, pt->file, NULL, pt->line, NULL, out);
		if (!err && !out->n)
			near_lines(l, pt->file, pt->line, &nr);
	}
	if (err)
		return err;
	if (!seen) {
		pr_err("%s: no source file '%s' in its DWARF ('uprobectl lines' takes a function "
		       "to show its file)", upc_elf_path(d->elf), pt->file);
		return -ENOENT;
	}
	if (!out->n) {
		char near[64] = "";

		if (nr.below || nr.above)
			snprintf(near, sizeof(near), " (the nearest that do: %s%.0u%s%.0u)",
				 nr.below ? "" : "", nr.below, nr.below && nr.above ? ", " : "",
				 nr.above);
		pr_err("%s:%u: no code at that line%s ('uprobectl lines %s %s:FROM-TO' lists the "
		       "lines that have)", pt->file, pt->line, near, upc_elf_path(d->elf), pt->file);
		return -ENOENT;
	}
	return 0;
}

/* FUNC, FUNC@FILE, FUNC:N. */
static int func_places(struct upc_dwarf *d, const struct point *pt, unsigned flags,
		       struct places *out, struct lines_cache *lc)
{
	struct insts in = { 0 };
	bool ret = flags & UPC_SRC_RETURN, no_inl = flags & UPC_SRC_NO_INLINES;
	unsigned outofline = 0;
	int err = find_funcs(d, pt, &in, lc);

	if (!err && !in.n) {
		pr_err("%s: no function '%s'%s%s in its DWARF ('uprobectl syms' lists the "
		       "symbols)", upc_elf_path(d->elf), pt->func, pt->file[0] ? " in " : "",
		       pt->file);
		err = -ENOENT;
	}
	outofline = (unsigned)in.n - in.inlined;
	if (!err && (ret || no_inl) && !outofline) {
		pr_err("'%s' is only inlined (at %u place%s), %s", pt->func, in.inlined,
		       in.inlined == 1 ? "" : "s", ret ?
		       "its code has no return of its own: probe a line after a call instead "
		       "(FILE:LINE)" : "it has no out-of-line copy (drop --no-inlines)");
		err = -EINVAL;
	}
	for (size_t i = 0; i < in.n && !err; i++) {
		const struct inst *c = &in.v[i];
		struct upc_src_place pl = { 0 };

		if (c->inlined && (ret || no_inl))
			continue;
		if (pt->has_line) {
			/* line N counted from the line the function starts on */
			struct dw_die holder, root;
			const struct dw_lines *l;
			char path[1024];
			struct dw_val v;

			if (dw_attr_origin(d, &c->die, DW_AT_decl_line, &v, &holder)) {
				pr_err("'%s': its DWARF has no line it starts on", pt->func);
				err = -ENOENT;
				break;
			}
			decl_file(d, &c->die, path, sizeof(path), lc);
			if (unit_root(d, &c->die, &root) || !(l = lines_of(d, &root, lc)))
				continue;
			err = line_places(d, l, NULL, path, (unsigned)v.u + pt->line, &c->die, out);
			continue;
		}
		pl.addr = c->entry;
		if (!c->inlined && !ret && params_stored(d, &c->die)) {
			pl.addr = past_prologue(d, c, lc);
			pl.prologue = pl.addr != c->entry;
		}
		pl.inlined = c->inlined;
		snprintf(pl.func, sizeof(pl.func), "%s", pt->func);
		snprintf(pl.caller, sizeof(pl.caller), "%s", c->caller);
		err = push_place(out, &pl);
	}
	if (!err && pt->has_line && !out->n) {
		pr_err("%s:%u: no code at line %u of '%s' ('uprobectl lines %s %s' lists the lines "
		       "that have)", pt->func, pt->line, pt->line, pt->func, upc_elf_path(d->elf),
		       pt->func);
		err = -ENOENT;
	}
	free(in.v);
	return err;
}

bool upc_src_func_name(const char *s)
{
	uint64_t pin;

	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++) {
		if (*s == '@')		/* a place's pin, NAME@0xADDRESS */
			return s[1] == '0' && (s[2] == 'x' || s[2] == 'X') &&
			       !upc_parse_u64(s + 1, strlen(s + 1), &pin);
		if (*s == '+' || (unsigned char)*s <= ' ')
			return false;
	}
	return true;
}

static int places(struct upc_elf *elf, const char *spec, unsigned flags, struct places *out)
{
	struct lines_cache lc = { 0 };
	struct upc_dwarf *d;
	struct point pt;
	int kind = parse_point(spec, &pt), err;

	if (kind < 0) {
		pr_err("'%s': too long for a probe point", spec);
		return kind;
	}
	if (kind == 0 && !((flags & UPC_SRC_FUNC) && upc_src_func_name(pt.func))) {
		/* a symbol, as upc_resolve takes it */
		struct upc_location loc;
		struct upc_src_place pl = { 0 };

		if ((err = upc_resolve(elf, spec, &loc)) || (err = upc_elf_dwarf(elf, &d)))
			return err;
		pl.addr = loc.addr;
		pl.offset = loc.offset;
		pt.pinned = false;	/* NAME@0xVALUE is the symbol's */
		err = push_place(out, &pl);
		goto done;
	}
	if ((err = upc_elf_dwarf(elf, &d)))
		return err;
	if (flags & UPC_SRC_RETURN && pt.has_line) {
		pr_err("'%s': a line has no return: -r takes a function", spec);
		return -EINVAL;
	}
	err = pt.func[0] ? func_places(d, &pt, flags, out, &lc) : file_line(d, &pt, out, &lc);
done:
	for (size_t i = 0; i < out->n && !err; i++)
		err = place_fill(d, &out->v[i], &lc);
	lines_drop(&lc);
	if (err)
		return err;
	qsort(out->v, out->n, sizeof(out->v[0]), cmp_place);
	if (pt.pinned) {
		char list[256] = "";
		size_t used = 0;

		for (size_t i = 0; i < out->n; i++) {
			if (out->v[i].addr == pt.pin) {
				out->v[0] = out->v[i];
				out->n = 1;
				return 0;
			}
			if (used < sizeof(list) - 24)
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s0x%llx",
							 used ? ", " : "",
							 (unsigned long long)out->v[i].addr);
		}
		pr_err("'%s': no place at 0x%llx (its places: %s)", spec,
		       (unsigned long long)pt.pin, list);
		return -ENOENT;
	}
	return 0;
}

int upc_src_places(struct upc_elf *elf, const char *spec, unsigned flags,
		   struct upc_src_place **out)
{
	struct places p = { 0 };
	unsigned mark = upc_log_errors();
	int err = places(elf, spec, flags, &p);

	if (err) {
		free(p.v);
		*out = NULL;
		return upc_explained(err, mark, spec);
	}
	*out = p.v;
	return (int)p.n;
}

/* ---- the lines of a function or a file ------------------------------------------------- */

static int push_line(struct upc_src_lines *o, size_t *cap, unsigned line, uint64_t addr)
{
	for (size_t i = 0; i < o->n; i++) {
		if (o->lines[i].line == line) {
			if (addr < o->lines[i].addr)
				o->lines[i].addr = addr;
			o->lines[i].places++;
			return 0;
		}
	}
	if (o->n == *cap) {
		size_t c = *cap ? 2 * *cap : 64;
		struct upc_src_line *v = realloc(o->lines, c * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->lines = v;
		*cap = c;
	}
	o->lines[o->n++] = (struct upc_src_line){ line, addr, 1 };
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	const struct upc_src_line *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

/* The rows of l in files matching name (a path, exact, when exact) from
 * line from to line to, inside fn's code when given: each starting a
 * run. */
static int collect_lines(struct upc_dwarf *d, const struct dw_lines *l, const char *name,
			 bool exact, const struct dw_die *fn, struct upc_src_lines *o,
			 size_t *cap)
{
	uint32_t prev_line = 0, prev_file = UINT32_MAX;
	char path[1024];
	int err = 0;

	for (size_t i = 0; i < l->nrows && !err; i++) {
		const struct dw_line *r = &l->rows[i];
		bool same;

		if (r->end) {
			prev_file = UINT32_MAX;
			continue;
		}
		same = r->line == prev_line && r->file == prev_file;
		prev_line = r->line;
		prev_file = r->file;
		if (same || !r->stmt || r->line < o->from || r->line > o->to ||
		    (fn && !dw_has_pc(d, fn, r->addr)))
			continue;
		dw_lines_file(l, r->file, path, sizeof(path));
		if (exact ? strcmp(path, name) : !path_matches(path, name))
			continue;
		if (!o->path[0])
			snprintf(o->path, sizeof(o->path), "%s", path);
		err = push_line(o, cap, r->line, r->addr);
	}
	return err;
}

static int lines(struct upc_dwarf *d, const char *spec, struct upc_src_lines *o,
		 struct lines_cache *lc)
{
	const char *colon = strrchr(spec, ':'), *dash;
	size_t cap = 0;
	int err = 0;

	if (colon && source_file(spec, (size_t)(colon - spec))) {
		/* FILE:FROM-TO, FILE:LINE */
		uint64_t from, to;
		char file[1024];

		dash = strchr(colon, '-');
		if (upc_parse_u64(colon + 1, dash ? (size_t)(dash - colon - 1) : strlen(colon + 1),
				  &from) ||
		    (dash && upc_parse_u64(dash + 1, strlen(dash + 1), &to)) || !from ||
		    from > UINT_MAX || (dash && (to < from || to > UINT_MAX))) {
			pr_err("'%s': lines are FILE:FROM-TO or FILE:LINE", spec);
			return -EINVAL;
		}
		o->from = (unsigned)from;
		o->to = dash ? (unsigned)to : (unsigned)from;
		snprintf(file, sizeof(file), "%.*s", (int)(colon - spec), spec);
		for (size_t i = 0; i < d->main.nunits && !err; i++) {
			const struct dw_lines *l;
			struct dw_die root;

			if (code_unit(&d->main.units[i]) &&
			    !dw_die(d, &d->main, &d->main.units[i], d->main.units[i].die, &root) &&
			    (l = lines_of(d, &root, lc)))
				err = collect_lines(d, l, o->path[0] ? o->path : file,
						    o->path[0] != 0, NULL, o, &cap);
		}
		if (!err && !o->path[0]) {
			pr_err("%s: no code of source file '%s' at those lines",
			       upc_elf_path(d->elf), file);
			return -ENOENT;
		}
	} else {
		/* a function: from the line it starts on to its last line */
		struct point pt;
		struct insts in = { 0 };
		int kind = parse_point(spec, &pt);

		if (kind < 0 || pt.has_line || !pt.func[0] || !upc_src_func_name(pt.func) ||
		    pt.pinned) {
			pr_err("'%s': lines takes FUNC, FUNC@FILE or FILE:FROM-TO", spec);
			return -EINVAL;
		}
		if ((err = find_funcs(d, &pt, &in, lc)))
			goto out;
		if (!in.n) {
			pr_err("%s: no function '%s' in its DWARF", upc_elf_path(d->elf), pt.func);
			err = -ENOENT;
			goto out;
		}
		o->from = 1;
		o->to = UINT_MAX;
		for (size_t i = 0; i < in.n && !err; i++) {
			struct dw_die holder, root;
			const struct dw_lines *l;
			char path[1024];
			struct dw_val v;

			decl_file(d, &in.v[i].die, path, sizeof(path), lc);
			if (!dw_attr_origin(d, &in.v[i].die, DW_AT_decl_line, &v, &holder))
				o->from = (unsigned)v.u;
			if (!path[0] || unit_root(d, &in.v[i].die, &root) ||
			    !(l = lines_of(d, &root, lc)))
				continue;
			err = collect_lines(d, l, o->path[0] ? o->path : path, true, &in.v[i].die,
					    o, &cap);
		}
		if (!err && o->n) {
			o->to = 0;
			for (size_t i = 0; i < o->n; i++)
				if (o->lines[i].line > o->to)
					o->to = o->lines[i].line;
		}
		if (!err && !o->n) {
			pr_err("'%s': no line of it has code", spec);
			err = -ENOENT;
		}
out:
		free(in.v);
	}
	if (!err)
		qsort(o->lines, o->n, sizeof(o->lines[0]), cmp_line);
	return err;
}

int upc_src_lines(struct upc_dwarf *d, const char *spec, struct upc_src_lines *o)
{
	struct lines_cache lc = { 0 };
	unsigned mark = upc_log_errors();
	int err;

	memset(o, 0, sizeof(*o));
	err = lines(d, spec, o, &lc);
	lines_drop(&lc);
	if (err)
		upc_src_lines_free(o);
	return upc_explained(err, mark, spec);
}

void upc_src_lines_free(struct upc_src_lines *l)
{
	free(l->lines);
	l->lines = NULL;
	l->n = 0;
}
