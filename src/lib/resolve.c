// SPDX-License-Identifier: MIT
/*
 * Symbol specification -> file offset.
 *
 * The kernel wants the offset of the probed instruction in the file, the
 * same for executables (ET_EXEC), PIE programs and shared libraries (ET_DYN):
 * the executable PT_LOAD that contains the address maps it to
 * addr - p_vaddr + p_offset. st_value itself, or the .text section alone,
 * gives wrong offsets whenever p_vaddr != p_offset, which is the classic bug
 * of older tools.
 *
 * Candidates for a name are gathered into a fixed array on the stack (no
 * allocation however large the file). Several names at one address are
 * aliases and fine; one name at several addresses (static functions of the
 * same name in several objects, or several versions) is an ambiguity that
 * is reported with every candidate, never guessed.
 */
#include <elf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "upc_internal.h"

#define MAX_CANDS 16

struct query {
	const char *name;
	size_t len;
	const char *ver;	/* NULL: any */
	size_t ver_len;
	bool default_only;	/* NAME@@VER */
	bool has_addr;		/* NAME@0xADDR */
	uint64_t addr;
};

struct cands {
	const struct query *q;
	struct upc_sym c[MAX_CANDS];
	unsigned n;		/* stored */
	unsigned total;		/* distinct addresses seen */
};

static bool name_is(const struct upc_sym *s, const char *name, size_t len)
{
	return s->name_len == len && !memcmp(s->name, name, len);
}

static int collect(const struct upc_sym *s, void *ctx)
{
	struct cands *c = ctx;
	const struct query *q = c->q;

	if (!name_is(s, q->name, q->len))
		return 0;
	if (q->ver && (!s->version || strlen(s->version) != q->ver_len ||
		       memcmp(s->version, q->ver, q->ver_len) ||
		       (q->default_only && !s->default_version)))
		return 0;
	if (q->has_addr && s->value != q->addr && s->addr != q->addr)
		return 0;
	for (unsigned i = 0; i < c->n; i++) {
		if (c->c[i].addr != s->addr)
			continue;
		/* an alias of one we have: keep the most informative */
		if (!c->c[i].version && s->version) {
			c->c[i].version = s->version;
			c->c[i].default_version = s->default_version;
		}
		if (!c->c[i].size)
			c->c[i].size = s->size;
		return 0;
	}
	c->total++;
	if (c->n < MAX_CANDS)
		c->c[c->n++] = *s;
	return 0;
}

/* A bare name means the default version: drop name@VER candidates when a
 * default (or unversioned) one exists. */
static void prefer_default(struct cands *c)
{
	unsigned k = 0;
	bool have_default = false;

	for (unsigned i = 0; i < c->n; i++)
		have_default |= !c->c[i].version || c->c[i].default_version;
	if (!have_default)
		return;
	for (unsigned i = 0; i < c->n; i++)
		if (!c->c[i].version || c->c[i].default_version)
			c->c[k++] = c->c[i];
	c->total -= c->n - k;
	c->n = k;
}

static const char *bind_name(unsigned bind)
{
	return bind == STB_LOCAL ? "local" : bind == STB_WEAK ? "weak" : "global";
}

static void describe(const struct upc_sym *s, char *buf, size_t len)
{
	int n = snprintf(buf, len, "0x%llx (%s", (unsigned long long)s->value,
			 bind_name(s->bind));

	if (n > 0 && (size_t)n < len && s->source)
		n += snprintf(buf + n, len - (size_t)n, ", %s", s->source);
	if (n > 0 && (size_t)n < len && s->version)
		n += snprintf(buf + n, len - (size_t)n, ", %s%s",
			      s->default_version ? "@@" : "@", s->version);
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ")");
}

static int report_ambiguous(struct upc_elf *e, const struct query *q,
			    const struct cands *c)
{
	char list[1024] = "", one[256];
	size_t used = 0;

	for (unsigned i = 0; i < c->n && used < sizeof(list); i++) {
		describe(&c->c[i], one, sizeof(one));
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
					 i ? ", " : "", one);
	}
	if (c->total > c->n && used < sizeof(list))
		snprintf(list + used, sizeof(list) - used, " and %u more", c->total - c->n);
	pr_err("%s: '%.*s' is defined %u times at different addresses: %s; "
	       "pick one as %.*s@0x%llx", e->path, (int)q->len, q->name, c->total,
	       list, (int)q->len, q->name, (unsigned long long)c->c[0].value);
	return -ENOTUNIQ;
}

struct needed_list {
	char buf[512];
	size_t used;
};

static int add_needed(const char *lib, void *ctx)
{
	struct needed_list *l = ctx;

	if (l->used < sizeof(l->buf))
		l->used += (size_t)snprintf(l->buf + l->used, sizeof(l->buf) - l->used,
					    "%s%s", l->used ? ", " : "", lib);
	return 0;
}

/* Is there an undefined (imported) or non-function symbol of that name?
 * Explain what it is instead of a bare "not found". */
static int explain_missing(struct upc_elf *e, const struct query *q)
{
	const struct upc_symtab *tabs[2] = { &e->dynsym, &e->symtab };
	struct upc_rawsym s;

	for (int k = 0; k < 2; k++) {
		for (uint64_t i = 1; tabs[k]->index && i < tabs[k]->count; i++) {
			const char *n;

			if (upc_get_sym(&e->img, tabs[k], i, &s))
				break;
			n = upc_str(&e->img, tabs[k]->stroff, tabs[k]->strsize, s.name);
			if (!n || strncmp(n, q->name, q->len) ||
			    (n[q->len] && n[q->len] != '@'))
				continue;
			if (s.shndx == SHN_UNDEF) {
				struct needed_list l = { .used = 0 };
				const char *from = k == 0 ? upc_dynsym_needed_file(e, i) : NULL;

				if (from) {
					pr_err("%s: '%.*s' is not defined here but imported from %s: "
					       "probe it in that library", e->path,
					       (int)q->len, q->name, from);
					return -ENOENT;
				}
				upc_elf_foreach_needed(e, add_needed, &l);
				pr_err("%s: '%.*s' is not defined here but imported; it lives in one "
				       "of its libraries (%s): probe it there", e->path,
				       (int)q->len, q->name, l.used ? l.buf : "none listed");
				return -ENOENT;
			}
			if ((s.info & 0xf) != STT_FUNC && (s.info & 0xf) != STT_GNU_IFUNC) {
				pr_err("%s: '%.*s' is not a function (ELF symbol type %u)",
				       e->path, (int)q->len, q->name, s.info & 0xf);
				return -ENOENT;
			}
		}
	}
	if (q->ver || q->has_addr) {
		pr_err("%s: no function '%.*s' %s; 'uprobectl syms %s %.*s' lists its "
		       "definitions", e->path, (int)q->len, q->name,
		       q->has_addr ? "at that address" : "of that version", e->path,
		       (int)q->len, q->name);
		return -ENOENT;
	}
	if (!e->symtab.index && !e->dbgsymtab.index)
		pr_err("%s: no function '%.*s' among its exported symbols; the file is "
		       "stripped and no debug file was found (install it, or pass "
		       "--debug-dir)%s", e->path, (int)q->len, q->name,
		       upc_elf_has_section(e, ".gnu_debugdata")
			       ? "; its MiniDebugInfo (.gnu_debugdata, xz-compressed) is "
				 "not read by uprobectl" : "");
	else
		pr_err("%s: no function '%.*s'; 'uprobectl syms %s' lists them",
		       e->path, (int)q->len, q->name, e->path);
	return -ENOENT;
}

struct impls {
	const char *name;
	size_t len;
	uint64_t resolver;
	char buf[512];
	size_t used;
	unsigned n;
};

/* Implementations of an IFUNC are, by convention, named __NAME_variant or
 * NAME_variant (glibc: __memcpy_avx_unaligned). */
static int find_impl(const struct upc_sym *s, void *ctx)
{
	struct impls *im = ctx;
	const char *n = s->name;
	size_t nl = s->name_len;

	if (s->type != STT_FUNC || s->addr == im->resolver)
		return 0;
	if (nl > 2 && n[0] == '_' && n[1] == '_') {
		n += 2;
		nl -= 2;
	}
	if (nl <= im->len + 1 || memcmp(n, im->name, im->len) || n[im->len] != '_')
		return 0;
	/* __NAME_chk* are the _FORTIFY_SOURCE wrappers, not implementations */
	if (!strncmp(n + im->len + 1, "chk", 3))
		return 0;
	if (im->n++ < 8 && im->used < sizeof(im->buf))
		im->used += (size_t)snprintf(im->buf + im->used, sizeof(im->buf) - im->used,
					     "%s%.*s", im->used ? ", " : "",
					     (int)s->name_len, s->name);
	return 0;
}

static void warn_ifunc(struct upc_elf *e, const struct upc_sym *s)
{
	struct impls im = { .name = s->name, .len = s->name_len, .resolver = s->addr };

	upc_elf_foreach_sym(e, find_impl, &im);
	if (im.n > 8 && im.used < sizeof(im.buf))
		snprintf(im.buf + im.used, sizeof(im.buf) - im.used, " and %u more", im.n - 8);
	pr_warn("%s: '%.*s' is an IFUNC: the probe is on its resolver, which runs once "
		"when the program is loaded, not on each call; probe the implementation "
		"instead%s%s", e->path, (int)s->name_len, s->name,
		im.n ? ", likely one of: " : " (none found by name)", im.n ? im.buf : "");
}

struct containing {
	uint64_t addr;
	struct upc_sym best;
	bool found;
};

static int find_containing(const struct upc_sym *s, void *ctx)
{
	struct containing *c = ctx;

	if (s->addr > c->addr || (c->addr - s->addr >= s->size && s->addr != c->addr))
		return 0;
	if (!c->found || s->addr > c->best.addr)
		c->best = *s;
	c->found = true;
	return 0;
}

static int check_align(struct upc_elf *e, const char *spec, uint64_t addr)
{
	unsigned a = e->arch->insn_align;

	if (a > 1 && addr % a) {
		pr_err("%s: '%s' is at 0x%llx, not a multiple of %u as %s instructions "
		       "must be", e->path, spec, (unsigned long long)addr, a, e->arch->name);
		return -EINVAL;
	}
	return 0;
}

/* The symbol holding loc->addr, if any, into loc. */
static int containing(struct upc_elf *e, struct upc_location *loc)
{
	struct containing c = { .addr = loc->addr };
	int err;

	upc_log_quiet(true);
	err = upc_foreach_sym_named(e, NULL, 0, find_containing, &c);
	upc_log_quiet(false);
	if (err < 0)
		return err;
	if (c.found) {
		loc->sym = c.best;
		loc->sym_off = loc->addr - c.best.addr;
	}
	return 0;
}

int upc_elf_sym_at(struct upc_elf *e, uint64_t off, struct upc_location *loc)
{
	memset(loc, 0, sizeof(*loc));
	if (upc_elf_offset_to_addr(e, off, &loc->addr))
		return -ERANGE;
	loc->offset = off;
	loc->flags = UPC_LOC_RAW;
	return containing(e, loc);
}

static int resolve_raw(struct upc_elf *e, const char *spec, uint64_t off,
		       struct upc_location *loc)
{
	int err = upc_elf_sym_at(e, off, loc);

	if (err == -ERANGE) {
		pr_err("%s: file offset 0x%llx is not inside an executable segment",
		       e->path, (unsigned long long)off);
		return err;
	}
	if (err)
		return err;
	if (loc->sym.name && e->arch->flags & UPC_ARCH_THUMB_BIT && (loc->sym.value & 1)) {
		pr_err("%s: offset 0x%llx is inside the Thumb function '%.*s'; the "
		       "kernel only probes ARM-mode code (the process would die with "
		       "SIGILL): rebuild it with -marm", e->path, (unsigned long long)off,
		       (int)loc->sym.name_len, loc->sym.name);
		return -ENOTSUP;
	}
	return check_align(e, spec, loc->addr);
}

static int parse_query(const char *spec, struct query *q, uint64_t *plus, bool *has_plus)
{
	const char *p = strrchr(spec, '+');
	const char *at;
	size_t len = strlen(spec);

	memset(q, 0, sizeof(*q));
	*has_plus = false;
	if (p && p > spec && !upc_parse_u64(p + 1, strlen(p + 1), plus)) {
		*has_plus = true;
		len = (size_t)(p - spec);
	}
	q->name = spec;
	at = memchr(spec, '@', len);
	q->len = at ? (size_t)(at - spec) : len;
	if (at) {
		const char *v = at + 1;
		size_t vl = len - q->len - 1;

		if (vl > 2 && v[0] == '0' && v[1] == 'x' && !upc_parse_hex(v, vl, &q->addr)) {
			q->has_addr = true;
		} else {
			if (vl && *v == '@') {
				q->default_only = true;
				v++;
				vl--;
			}
			if (!vl || memchr(v, '@', vl))
				return -EINVAL;
			q->ver = v;
			q->ver_len = vl;
		}
	}
	return q->len ? 0 : -EINVAL;
}

/* ---- names as written in the source -------------------------------------- */

bool upc_spec_is_source_name(const char *spec)
{
	return strstr(spec, "::") || strchr(spec, '(');
}

/* s without spaces, into an allocated copy */
static char *squeeze(const char *s, size_t len)
{
	char *d = malloc(len + 1);
	size_t n = 0;

	if (!d)
		return NULL;
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ')
			d[n++] = s[i];
	d[n] = '\0';
	return d;
}

/* The demangled name of a C++ or Rust symbol, spaces left out: in full
 * when full, else short. NULL when it is none (or a C++ clone's: a part of
 * a function, ".cold", not where it starts). */
static char *source_name(const char *name, size_t len, bool full)
{
	char *d, *sq;

	if (len < 3 || name[0] != '_' || (name[1] != 'Z' && name[1] != 'R'))
		return NULL;
	if (upc_demangle(name, len, full ? 0 : UPC_DEMANGLE_SHORT, &d))
		return NULL;
	if (name[1] == 'Z' && memchr(name, '.', len)) {
		char *f = full ? d : NULL;
		bool clone = (f || !upc_demangle(name, len, 0, &f)) && strstr(f, " [clone ");

		if (f != d)
			free(f);
		if (clone) {
			free(d);
			return NULL;
		}
	}
	sq = squeeze(d, strlen(d));
	free(d);
	return sq;
}

/* Does a demangled name (spaces out) name want: the same, or want and
 * then template arguments (every instance of a template: "ns::max" is
 * ns::max<int> and ns::max<long>; Rust's "::<...>" alike)? */
static bool names(const char *dm, const char *want, size_t wlen)
{
	size_t dl = strlen(dm);
	int depth = 0;

	if (dl < wlen || memcmp(dm, want, wlen))
		return false;
	if (dl == wlen)
		return true;
	dm += wlen;
	if (!strncmp(dm, "::<", 3))
		dm += 2;
	if (*dm != '<')
		return false;
	for (; *dm; dm++) {
		depth += *dm == '<' ? 1 : *dm == '>' ? -1 : 0;
		if (!depth)
			return dm[1] == '\0';
	}
	return false;
}

struct src_walk {
	struct cands *c;
	const struct query *q;
	const char *want;
	size_t wlen;
	bool full;		/* want has parameters */
	int err;
};

static int src_collect(const struct upc_sym *s, void *ctx)
{
	struct src_walk *w = ctx;
	char *dm = source_name(s->name, s->name_len, w->full);
	bool yes = dm && names(dm, w->want, w->wlen);

	free(dm);
	if (!yes || (w->q->has_addr && s->value != w->q->addr && s->addr != w->q->addr))
		return 0;
	for (unsigned i = 0; i < w->c->n; i++)
		if (w->c->c[i].addr == s->addr)
			return 0;	/* an alias (C1/C2 constructors) */
	w->c->total++;
	if (w->c->n < MAX_CANDS)
		w->c->c[w->c->n++] = *s;
	return 0;
}

/* q as a C++ or Rust name: the functions whose demangled name it is
 * (spaces aside), into c. 1 when that is how they were found. */
static int by_source_name(struct upc_elf *e, const struct query *q, struct cands *c)
{
	struct src_walk w = { .c = c, .q = q, .full = memchr(q->name, '(', q->len) != NULL };
	char *want = squeeze(q->name, q->len);
	int err;

	if (!want)
		return -ENOMEM;
	w.want = want;
	w.wlen = strlen(want);
	err = upc_elf_foreach_sym(e, src_collect, &w);
	free(want);
	return err < 0 ? err : 1;
}

/* Several functions of one source name (overloads, template instances):
 * each by its full name, and how to name one or all. */
static int report_overloads(struct upc_elf *e, const struct query *q, const struct cands *c)
{
	char list[1536] = "", *d;
	size_t used = 0;
	bool instances = false;	/* of a template: they differ in <...> */

	for (unsigned i = 0; i < c->n && used < sizeof(list); i++) {
		const struct upc_sym *s = &c->c[i];

		if (!upc_demangle(s->name, s->name_len, UPC_DEMANGLE_SHORT, &d)) {
			instances |= strlen(d) > q->len;
			free(d);
		}
		if (upc_demangle(s->name, s->name_len, 0, &d))
			d = NULL;
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s'%s' at 0x%llx",
					 i ? ", " : "", d ? d : "?", (unsigned long long)s->addr);
		free(d);
	}
	if (c->total > c->n && used < sizeof(list))
		snprintf(list + used, sizeof(list) - used, " and %u more", c->total - c->n);
	pr_err("%s: '%.*s' names %u functions: %s; name one with its %s as printed here, "
	       "or all of them as a pattern in add: '%.*s%s'", e->path, (int)q->len, q->name,
	       c->total, list, instances ? "template arguments" : "parameters", (int)q->len,
	       q->name, instances ? "<*>" : memchr(q->name, '(', q->len) ? "*" : "(*)");
	return -ENOTUNIQ;
}

static int resolve(struct upc_elf *e, const char *spec, struct upc_location *loc)
{
	struct cands c = { .n = 0 };
	struct query q;
	uint64_t plus = 0, raw;
	bool has_plus;
	struct upc_sym *s;
	int err;

	memset(loc, 0, sizeof(*loc));
	if (!spec || !*spec) {
		pr_err("%s: empty symbol", e->path);
		return -EINVAL;
	}
	if (spec[0] == '0' && spec[1] == 'x' && !upc_parse_hex(spec, strlen(spec), &raw))
		return resolve_raw(e, spec, raw, loc);
	if (parse_query(spec, &q, &plus, &has_plus)) {
		pr_err("%s: '%s' is not a symbol specification (NAME, NAME@VER, "
		       "NAME@@VER, NAME@0xADDR, NAME+OFF or 0xFILEOFFSET)", e->path, spec);
		return -EINVAL;
	}
	c.q = &q;
	err = upc_foreach_sym_named(e, q.name, q.len, collect, &c);
	if (err < 0)
		return err;
	if (!c.n && !q.ver && upc_spec_is_source_name(q.name) &&
	    (err = by_source_name(e, &q, &c)) < 0)
		return err;
	if (!c.n)
		return explain_missing(e, &q);
	if (!q.ver && !q.has_addr)
		prefer_default(&c);
	if (c.total > 1 && err == 1)
		return report_overloads(e, &q, &c);
	if (c.total > 1)
		return report_ambiguous(e, &q, &c);
	s = &c.c[0];
	if (e->arch->flags & UPC_ARCH_THUMB_BIT && (s->value & 1)) {
		pr_err("%s: '%.*s' is a Thumb function (st_value 0x%llx has bit 0 set); the "
		       "kernel only probes ARM-mode code and the process would die with "
		       "SIGILL: rebuild it with -marm", e->path, (int)s->name_len, s->name,
		       (unsigned long long)s->value);
		return -ENOTSUP;
	}
	if (s->offset == UPC_NO_OFFSET) {
		pr_err("%s: '%.*s' at 0x%llx is not inside an executable segment",
		       e->path, (int)s->name_len, s->name, (unsigned long long)s->addr);
		return -ERANGE;
	}
	if (has_plus && plus && plus >= s->size) {
		pr_err("%s: '%s' is outside '%.*s', which is %llu bytes long", e->path,
		       spec, (int)s->name_len, s->name, (unsigned long long)s->size);
		return -ERANGE;
	}
	loc->sym = *s;
	loc->sym_off = plus;
	loc->addr = s->addr + plus;
	loc->offset = s->offset + plus;
	if ((e->arch->flags & UPC_ARCH_PPC64_ENTRY) && s->addr != s->value)
		loc->flags |= UPC_LOC_LOCAL_ENTRY;
	if (s->type == STT_GNU_IFUNC) {
		loc->flags |= UPC_LOC_IFUNC;
		warn_ifunc(e, s);
	}
	return check_align(e, spec, loc->addr);
}

int upc_resolve(struct upc_elf *e, const char *spec, struct upc_location *loc)
{
	unsigned mark = upc_log_errors();

	return upc_explained(resolve(e, spec, loc), mark, spec ? spec : "");
}

const char *upc_sym_type_name(const struct upc_elf *e, const struct upc_sym *s)
{
	if (s->type == STT_GNU_IFUNC)
		return "IFUNC";
	if ((e->arch->flags & UPC_ARCH_THUMB_BIT) && (s->value & 1))
		return "THUMB";
	return "FUNC";
}

/* ---- patterns ------------------------------------------------------------ */

bool upc_spec_is_glob(const char *spec)
{
	return spec && strpbrk(spec, "*?[") != NULL;
}

struct glob_walk {
	const char *pattern;
	const struct upc_elf *e;
	struct upc_match *m;
	size_t n, cap;
	struct upc_glob_left *left;
};

/* One more match; name (allocated) is the walk's, even on failure. */
static int push(struct glob_walk *w, char *name, char *symbol, uint64_t value, uint64_t addr,
		uint64_t offset)
{
	if (w->n == w->cap) {
		void *m = realloc(w->m, (w->cap ? 2 * w->cap : 64) * sizeof(*w->m));

		if (!m) {
			free(name);
			free(symbol);
			return -ENOMEM;
		}
		w->m = m;
		w->cap = w->cap ? 2 * w->cap : 64;
	}
	w->m[w->n++] = (struct upc_match){ .name = name, .symbol = symbol, .value = value,
					   .addr = addr, .offset = offset };
	return 0;
}

bool upc_sym_glob(const char *pattern, const char *name, size_t len)
{
	bool full, yes;
	char *dm, *pat;

	if (!upc_spec_is_source_name(pattern))
		return upc_glob(pattern, name, len);
	full = strchr(pattern, '(') != NULL;
	if (!(dm = source_name(name, len, full)))
		return false;
	pat = squeeze(pattern, strlen(pattern));
	yes = pat && upc_glob(pat, dm, strlen(dm));
	free(pat);
	free(dm);
	return yes;
}

static int glob_collect(const struct upc_sym *s, void *ctx)
{
	struct glob_walk *w = ctx;
	char *name = NULL;

	if (!upc_sym_glob(w->pattern, s->name, s->name_len))
		return 0;
	if (s->type == STT_GNU_IFUNC) {
		w->left->ifunc++;
	} else if (s->offset == UPC_NO_OFFSET) {
		w->left->outside++;
	} else if ((w->e->arch->flags & UPC_ARCH_THUMB_BIT) && (s->value & 1)) {
		w->left->thumb++;
	} else {
		char *symbol = strndup(s->name, s->name_len);

		if (!symbol)
			return -ENOMEM;
		/* a source name pattern: the matches named in full, demangled */
		if (!upc_spec_is_source_name(w->pattern) ||
		    upc_demangle(s->name, s->name_len, 0, &name))
			return push(w, symbol, NULL, s->value, s->addr, s->offset);
		return push(w, name, symbol, s->value, s->addr, s->offset);
	}
	return 0;
}

/* by code address, and at one address the shortest name first */
static int cmp_addr(const void *a, const void *b)
{
	const struct upc_match *x = a, *y = b;
	size_t lx = strlen(x->name), ly = strlen(y->name);

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_name(const void *a, const void *b)
{
	const struct upc_match *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->addr > y->addr) - (x->addr < y->addr);
}

/* m[i]'s event from its symbol's name (a C++ or Rust one short: ns_f);
 * when another match's is the same (overloads), from its full demangled
 * name (ns_f_int, ns_f_double) */
static void base_event(struct upc_match *m, size_t n, size_t i, char *base, size_t len)
{
	const char *sym = m[i].symbol ? m[i].symbol : m[i].name;
	char other[UPC_NAME_MAX + 1], *full;

	upc_event_name(sym, strlen(sym), base, len);
	if (!m[i].symbol || !(full = strdup(m[i].name)))
		return;
	for (size_t j = 0; j < n; j++) {
		const char *s = m[j].symbol ? m[j].symbol : m[j].name;

		if (j == i)
			continue;
		upc_event_name(s, strlen(s), other, sizeof(other));
		if (!strcmp(other, base) && upc_ident_collapse(full)) {
			upc_event_name(full, strlen(full), base, len);
			break;
		}
	}
	free(full);
}

/* m[i]'s event: base_event's, or with _2, _3... when an earlier match has it */
static void unique_event(struct upc_match *m, size_t n, size_t i)
{
	char base[UPC_NAME_MAX + 1];
	size_t blen;

	base_event(m, n, i, base, sizeof(base));
	blen = strlen(base);

	memcpy(m[i].event, base, blen + 1);
	for (unsigned k = 2;; k++) {
		size_t j = 0;

		while (j < i && strcmp(m[j].event, m[i].event))
			j++;
		if (j == i)
			return;
		char suffix[16];
		int sl = snprintf(suffix, sizeof(suffix), "_%u", k);
		size_t keep = blen + (size_t)sl > UPC_NAME_MAX ? UPC_NAME_MAX - (size_t)sl : blen;

		snprintf(m[i].event, sizeof(m[i].event), "%.*s%s", (int)keep, base, suffix);
	}
}

/* usdt:PATTERN: the USDT probes whose PROVIDER:NAME matches, each place */
static int usdt_collect(const struct upc_usdt *u, void *ctx)
{
	struct glob_walk *w = ctx;
	char *name = upc_usdt_name(u);

	if (!name)
		return -ENOMEM;
	if (!upc_glob(w->pattern, name, strlen(name))) {
		free(name);
		return 0;
	}
	if (u->offset == UPC_NO_OFFSET) {
		w->left->outside++;
		free(name);
		return 0;
	}
	return push(w, name, NULL, u->pc, u->pc, u->offset);
}

static int resolve_glob(struct upc_elf *e, const char *pattern, struct upc_match **out,
			struct upc_glob_left *left)
{
	bool usdt = !strncmp(pattern, "usdt:", 5);
	struct glob_walk w = { .pattern = usdt ? pattern + 5 : pattern, .e = e, .left = left };
	size_t n = 0;
	int err;

	memset(left, 0, sizeof(*left));
	*out = NULL;
	err = usdt ? upc_usdt_foreach(e, usdt_collect, &w) :
		     upc_elf_foreach_sym(e, glob_collect, &w);
	if (err < 0 || w.n > INT_MAX) {
		upc_matches_free(w.m, (int)w.n);
		return err < 0 ? err : -E2BIG;
	}
	if (w.n)
		upc_sort(w.m, w.n, sizeof(*w.m), cmp_addr);
	/* one per address: the first, whose name is the shortest */
	for (size_t i = 0; i < w.n; i++) {
		if (n && w.m[n - 1].addr == w.m[i].addr) {
			free(w.m[i].name);
			free(w.m[i].symbol);
			continue;
		}
		w.m[n++] = w.m[i];
	}
	if (n)
		upc_sort(w.m, n, sizeof(*w.m), cmp_name);
	for (size_t i = 0; i < n; i++) {
		const char *sym = w.m[i].symbol ? w.m[i].symbol : w.m[i].name;
		size_t len = 5 + strlen(sym) + 2 + 2 + 16 + 1;

		if (!(w.m[i].spec = malloc(len))) {
			upc_matches_free(w.m, (int)n);
			return -ENOMEM;
		}
		snprintf(w.m[i].spec, len, "%s%s@0x%llx", usdt ? "usdt:" : "", sym,
			 (unsigned long long)w.m[i].value);
		unique_event(w.m, n, i);
	}
	*out = w.m;
	return (int)n;
}

int upc_resolve_glob(struct upc_elf *e, const char *pattern, struct upc_match **out,
		     struct upc_glob_left *left)
{
	unsigned mark = upc_log_errors();

	return upc_explained(resolve_glob(e, pattern, out, left), mark, pattern);
}

static int src_matches(struct upc_elf *e, const char *spec, unsigned flags,
		       struct upc_match **out)
{
	struct upc_src_place *pl;
	struct upc_match *m;
	size_t slen = strlen(spec);
	int n = upc_src_places(e, spec, flags, &pl);

	*out = NULL;
	if (n < 0)
		return n;
	if (!(m = calloc((size_t)n, sizeof(*m)))) {
		free(pl);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		size_t len = slen + 2 + 16 + 1;
		char name[sizeof(pl[i].func) + 16];

		if (pl[i].at_line)
			snprintf(name, sizeof(name), "%s_L%u", pl[i].func, pl[i].line);
		else
			snprintf(name, sizeof(name), "%s", pl[i].func[0] ? pl[i].func : "probe");
		m[i].name = strdup(name);
		m[i].spec = malloc(len);
		if (!m[i].name || !m[i].spec) {
			upc_matches_free(m, n);
			free(pl);
			return -ENOMEM;
		}
		if (n == 1)
			snprintf(m[i].spec, len, "%s", spec);
		else
			snprintf(m[i].spec, len, "%s@0x%llx", spec, (unsigned long long)pl[i].addr);
		m[i].value = m[i].addr = pl[i].addr;
		m[i].offset = pl[i].offset;
		unique_event(m, (size_t)i, (size_t)i);
	}
	free(pl);
	*out = m;
	return n;
}

int upc_src_matches(struct upc_elf *e, const char *spec, unsigned flags, struct upc_match **out)
{
	unsigned mark = upc_log_errors();

	return upc_explained(src_matches(e, spec, flags, out), mark, spec);
}

void upc_matches_free(struct upc_match *m, int n)
{
	for (int i = 0; m && i < n; i++) {
		free(m[i].name);
		free(m[i].symbol);
		free(m[i].spec);
	}
	free(m);
}
