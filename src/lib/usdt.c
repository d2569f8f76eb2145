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
	if (u.sema && upc_elf_map_addr(w->e, u.sema, false, &u.sema_offset))
		u.sema_offset = UPC_NO_OFFSET;
	return w->cb(&u, w->ctx);
}

char *upc_usdt_name(const struct upc_usdt *u)
{
	size_t pl = strlen(u->provider), nl = strlen(u->name);
	char *name = malloc(pl + nl + 2);

	if (name) {
		memcpy(name, u->provider, pl);
		name[pl] = ':';
		memcpy(name + pl + 1, u->name, nl + 1);
	}
	return name;
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

/* ---- argument specs ------------------------------------------------------ */

/* A decimal or 0x number with an optional sign, the whole of [s, s+n). */
static int signed_num(const char *s, size_t n, int64_t *v)
{
	bool neg = n && *s == '-';
	uint64_t u;

	if (n && (*s == '-' || *s == '+'))
		s++, n--;
	if (!n || upc_parse_u64(s, n, &u) || u > (uint64_t)INT64_MAX)
		return -EINVAL;
	*v = neg ? -(int64_t)u : (int64_t)u;
	return 0;
}

/* The kernel's name of the operand's register [s, s+n) into k, as "%NAME". */
static int usdt_reg(const struct upc_arch *a, const char *s, size_t n, char *k, size_t klen)
{
	char name[16];
	size_t nl;

	if (n && (*s == '%' || *s == '$'))
		s++, n--;
	if (!n || n >= sizeof(name))
		return -EINVAL;
	memcpy(name, s, n);
	name[n] = '\0';
	nl = n;
	/* an alias: "NAME=KERNEL" in the table's list */
	for (const char *p = a->usdt_alias; p && *p;) {
		size_t w = strcspn(p, " ");
		const char *eq = memchr(p, '=', w);

		if (eq && (size_t)(eq - p) == n && !memcmp(p, s, n)) {
			nl = w - (size_t)(eq - p) - 1;
			if (nl >= sizeof(name))
				return -EINVAL;
			memcpy(name, eq + 1, nl);
			name[nl] = '\0';
			break;
		}
		p += w;
		p += *p == ' ';
	}
	/* a register number (ppc's 3, mips's $4): rN */
	if (strspn(name, "0123456789") == nl && nl < sizeof(name) - 2) {
		memmove(name + 1, name, nl + 1);
		name[0] = 'r';
		nl++;
	}
	if (!upc_word_in(a->regs, name, nl))
		return -EINVAL;
	return snprintf(k, klen, "%%%s", name) < (int)klen ? 0 : -E2BIG;
}

/* DISP(REG) with DISP optional: the kernel's +DISP(%REG). */
static int usdt_mem(const struct upc_arch *a, const char *disp, size_t dn, const char *reg,
		    size_t rn, char *out, size_t len)
{
	char k[20];
	int64_t d = 0;

	if ((dn && signed_num(disp, dn, &d)) || usdt_reg(a, reg, rn, k, sizeof(k)))
		return -EINVAL;
	return snprintf(out, len, "%c%llu(%s)", d < 0 ? '-' : '+',
			(unsigned long long)(d < 0 ? -(uint64_t)d : (uint64_t)d), k) < (int)len ?
		       0 : -E2BIG;
}

/* SYM[+-N](%rip): a global variable, read where the probed file maps it.
 * The kernel's @+X reads at the probe's address - its file offset + X. */
static int usdt_rip(struct upc_elf *e, const struct upc_usdt *u, const char *s, size_t n,
		    char *out, size_t len, const char **why)
{
	size_t sl = n;
	int64_t add = 0;
	uint64_t v, base;
	int r;

	for (size_t i = n; i-- > 1;)
		if (s[i] == '+' || s[i] == '-') {
			if (!signed_num(s + i, n - i, &add))
				sl = i;
			break;
		}
	if (!e || !u || !sl || (s[0] >= '0' && s[0] <= '9') || s[0] == '-') {
		*why = "an address relative to the instruction pointer without a symbol: "
		       "where it points depends on the instruction";
		return -EINVAL;
	}
	r = upc_elf_symbol_value(e, s, sl, &v);
	if (r) {
		*why = r == -ENOTUNIQ ? "the variable's name is defined twice in the file" :
		       r == -ENOTSUP ? "a thread-local variable: its address is per thread" :
				       "the variable is not in the file's symbol tables";
		return -EINVAL;
	}
	base = u->pc - u->offset;
	v += (uint64_t)add;
	if (v < base) {
		*why = "the variable lies before the probed code in the file's layout";
		return -EINVAL;
	}
	return snprintf(out, len, "@+0x%llx", (unsigned long long)(v - base)) < (int)len ?
		       0 : -E2BIG;
}

/* One operand (no size) as a kernel fetch expression; why not, in *why. */
static int usdt_operand(const struct upc_arch *a, struct upc_elf *e,
			const struct upc_usdt *u, const char *s, size_t n, char *out, size_t len,
			const char **why)
{
	const char *open = memchr(s, a->usdt == UPC_USDT_BRACKET ? '[' : '(', n);
	int64_t v;

	*why = "not an operand of this architecture's syntax";
	if (a->usdt == UPC_USDT_BRACKET && open) {
		/* [REG] or [REG, #DISP] (arm64's "[sp, 16]") */
		const char *comma = memchr(open, ',', n - (size_t)(open - s)), *d;
		size_t dn = 0;

		if (open != s || s[n - 1] != ']')
			return -EINVAL;
		if (comma) {
			d = comma + 1;
			while (*d == ' ')
				d++;
			d += *d == '#';
			dn = (size_t)(s + n - 1 - d);
		} else {
			d = s + n - 1;
		}
		return usdt_mem(a, d, dn, open + 1,
				(size_t)((comma ? comma : s + n - 1) - open - 1), out, len);
	}
	if (open) {
		/* DISP(REG); x86's DISP(BASE,INDEX,SCALE) and %rip */
		const char *close = s + n - 1;

		if (*close != ')')
			return -EINVAL;
		if (memchr(open, ',', (size_t)(close - open))) {
			*why = "an indexed address (BASE,INDEX,SCALE): the kernel's fetch "
			       "arguments cannot add two registers";
			return -EINVAL;
		}
		if ((size_t)(close - open - 1) == 4 && !memcmp(open + 1, "%rip", 4))
			return usdt_rip(e, u, s, (size_t)(open - s), out, len, why);
		return usdt_mem(a, s, (size_t)(open - s), open + 1, (size_t)(close - open - 1),
				out, len);
	}
	/* an immediate: x86's $N, arm's #N, ppc's iN, elsewhere a bare number
	 * (but a bare number is a register on ppc) */
	if ((a->usdt == UPC_USDT_X86 && *s == '$') || (a->usdt == UPC_USDT_BRACKET && *s == '#') ||
	    (a->usdt == UPC_USDT_NUMREG && *s == 'i') ||
	    (a->usdt != UPC_USDT_X86 && a->usdt != UPC_USDT_NUMREG && !signed_num(s, n, &v))) {
		if (*s == '$' || *s == '#' || *s == 'i')
			s++, n--;
		if (signed_num(s, n, &v))
			return -EINVAL;
		return snprintf(out, len, "\\%lld", (long long)v) < (int)len ? 0 : -E2BIG;
	}
	if (usdt_reg(a, s, n, out, len)) {
		*why = "a register the kernel does not know on this architecture";
		return -EINVAL;
	}
	return 0;
}

int upc_usdt_arg(const struct upc_arch *a, struct upc_elf *e, const struct upc_usdt *u,
		 const char *spec, size_t n, char *out, size_t len, const char **why)
{
	const char *at = memchr(spec, '@', n), *type = "";
	int64_t size = 0;
	size_t used;
	int r;

	if (at && signed_num(spec, (size_t)(at - spec), &size)) {
		*why = "its size (before '@') is not a number";
		return -EINVAL;
	}
	if (at) {
		static const char *const types[] = { "u8", "u16", "u32", "u64", "s8", "s16",
						     "s32", "s64" };
		int64_t bytes = size < 0 ? -size : size;
		int k = bytes == 1 ? 0 : bytes == 2 ? 1 : bytes == 4 ? 2 : bytes == 8 ? 3 : -1;

		if (k < 0) {
			*why = "its size is not 1, 2, 4 or 8 bytes";
			return -EINVAL;
		}
		type = types[k + (size < 0 ? 4 : 0)];
		n -= (size_t)(at + 1 - spec);
		spec = at + 1;
	}
	if ((r = usdt_operand(a, e, u, spec, n, out, len, why)))
		return r;
	used = strlen(out);
	if (*type && snprintf(out + used, len - used, ":%s", type) >= (int)(len - used))
		return -E2BIG;
	return 0;
}

/* ---- one probe ------------------------------------------------------------ */

struct usdt_find {
	const char *provider, *name;
	size_t plen;
	bool has_addr;
	uint64_t addr;
	struct upc_usdt first;
	unsigned n;
	char sites[256];	/* the addresses, for a message */
};

static int find_one(const struct upc_usdt *u, void *ctx)
{
	struct usdt_find *f = ctx;
	size_t used = strlen(f->sites);

	if (strlen(u->provider) != f->plen || memcmp(u->provider, f->provider, f->plen) ||
	    strcmp(u->name, f->name) || (f->has_addr && u->pc != f->addr))
		return 0;
	if (!f->n++)
		f->first = *u;
	if (used < sizeof(f->sites) - 24)
		snprintf(f->sites + used, sizeof(f->sites) - used, "%s0x%llx", used ? ", " : "",
			 (unsigned long long)u->pc);
	return 0;
}

int upc_usdt_find(struct upc_elf *e, const char *spec, struct upc_usdt *u)
{
	struct usdt_find f = { .provider = spec };
	const char *colon = strchr(spec, ':'), *at;
	char name[256];
	int r;

	at = colon ? strchr(colon, '@') : NULL;
	if (!colon || colon == spec || !colon[1] || at == colon + 1 ||
	    (at && upc_parse_u64(at + 1, strlen(at + 1), &f.addr)) ||
	    (size_t)(at ? at - colon : (ptrdiff_t)strlen(colon)) > sizeof(name)) {
		pr_err("%s: 'usdt:%s' is not a USDT probe: usdt:PROVIDER:NAME or "
		       "usdt:PROVIDER:NAME@0xADDRESS", e->path, spec);
		return -EINVAL;
	}
	f.plen = (size_t)(colon - spec);
	snprintf(name, sizeof(name), "%.*s", (int)(at ? at - colon - 1 : (ptrdiff_t)strlen(colon + 1)),
		 colon + 1);
	f.name = name;
	f.has_addr = at != NULL;
	if ((r = upc_usdt_foreach(e, find_one, &f)) < 0)
		return r;
	if (!f.n) {
		pr_err("%s: no USDT probe %s ('uprobectl syms --usdt %s' lists them)", e->path,
		       spec, e->path);
		return -ENOENT;
	}
	if (f.n > 1) {
		pr_err("%s: USDT probe %.*s:%s is at %u places (%s): add defines them all; "
		       "name one with usdt:%.*s:%s@0xADDRESS", e->path, (int)f.plen, spec, name,
		       f.n, f.sites, (int)f.plen, spec, name);
		return -ENOTUNIQ;
	}
	if (f.first.offset == UPC_NO_OFFSET || (f.first.sema && f.first.sema_offset == UPC_NO_OFFSET)) {
		pr_err("%s: USDT probe %s: its %s at 0x%llx is in no segment of the file", e->path,
		       spec, f.first.offset == UPC_NO_OFFSET ? "address" : "semaphore",
		       (unsigned long long)(f.first.offset == UPC_NO_OFFSET ? f.first.pc :
								  f.first.sema));
		return -ERANGE;
	}
	*u = f.first;
	return 0;
}

int upc_usdt_fetchargs(const struct upc_arch *a, struct upc_elf *e, const struct upc_usdt *u,
		       int argc, char *const argv[], char *out, size_t len)
{
	char exprs[UPC_MAX_ARGS][64], names[UPC_MAX_ARGS][80];
	char *ex[UPC_MAX_ARGS], *def[UPC_MAX_ARGS];
	int n = 0;

	for (const char *p = u->args; *p;) {
		size_t w;
		int depth;
		const char *why = "not understood";

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		/* a space inside brackets is not a separator: arm64's "[sp, 16]" */
		for (w = 0, depth = 0; p[w] && (p[w] != ' ' || depth); w++)
			depth += p[w] == '[' ? 1 : p[w] == ']' && depth ? -1 : 0;
		if (n == UPC_MAX_ARGS) {
			pr_err("USDT probe %s:%s has more than %d arguments", u->provider, u->name,
			       UPC_MAX_ARGS);
			return -EINVAL;
		}
		if (upc_usdt_arg(a, e, u, p, w, exprs[n], sizeof(exprs[n]), &why)) {
			pr_err("USDT probe %s:%s, argument %d ('%.*s'): %s", u->provider, u->name,
			       n + 1, (int)w, p, why);
			return -EINVAL;
		}
		ex[n] = exprs[n];
		snprintf(names[n], sizeof(names[n]), "arg%d=%s", n + 1, exprs[n]);
		def[n] = names[n];
		n++;
		p += w;
	}
	return upc_fetchargs_translate_usdt(a, ex, n, argc ? argc : n, argc ? argv : def, out, len);
}
