// SPDX-License-Identifier: MIT
/*
 * Probes: one object built from an ELF file and a symbol, formatted as the
 * text written to uprobe_events, parsed back from it, and compared. The kernel splits a
 * definition on white space, takes '#' as the start of a comment and
 * accepts event names of [A-Za-z_][A-Za-z0-9_]* up to 63 characters: names
 * made here from symbols obey that, and a name cut short keeps a hash of the
 * whole so two long C++ names that share a head do not collide.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "upc_internal.h"

/* A C++ or Rust name, demangled short, as an identifier: each run of
 * characters outside one ("::", "<", ", ") is one '_', none at the ends
 * (shop::Cart::add -> shop_Cart_add). *out allocated; false if not one. */
size_t upc_ident_collapse(char *s)
{
	size_t n = 0;

	for (const char *p = s; *p; p++) {
		if (upc_ident_char(*p, false))
			s[n++] = *p;
		else if (n && s[n - 1] != '_')
			s[n++] = '_';
	}
	while (n && s[n - 1] == '_')
		n--;
	s[n] = '\0';
	return n;
}

static bool demangled_ident(const char *sym, size_t len, char **out)
{
	char *d;

	if (len < 3 || sym[0] != '_' || (sym[1] != 'Z' && sym[1] != 'R') ||
	    upc_demangle(sym, len, UPC_DEMANGLE_SHORT, &d))
		return false;
	if (!upc_ident_collapse(d)) {
		free(d);
		return false;
	}
	*out = d;
	return true;
}

int upc_event_name(const char *sym, size_t sym_len, char *buf, size_t len)
{
	size_t n = 0, keep;
	uint32_t h = 2166136261u;
	char *dm = NULL;

	if (len < UPC_NAME_MAX + 1 || !sym_len)
		return -EINVAL;
	if (demangled_ident(sym, sym_len, &dm)) {
		sym = dm;
		sym_len = strlen(dm);
	}
	keep = sym_len;
	if (!upc_ident_char(sym[0], true))
		buf[n++] = '_';
	if (n + sym_len > UPC_NAME_MAX)
		keep = UPC_NAME_MAX - 9 - n;
	for (size_t i = 0; i < keep; i++)
		buf[n++] = upc_ident_char(sym[i], false) ? sym[i] : '_';
	if (keep < sym_len) {
		for (size_t i = 0; i < sym_len; i++)
			h = (h ^ (unsigned char)sym[i]) * 16777619u;
		n += (size_t)snprintf(buf + n, len - n, "_%08x", h);
	}
	buf[n] = '\0';
	free(dm);
	return (int)n;
}

int upc_default_fetchargs(const struct upc_arch *arch, unsigned nargs, bool ret,
			  char *buf, size_t len)
{
	char reg[32];
	size_t n = 0;
	int r;

	if (ret) {
		if ((arch->flags & UPC_ARCH_GO_RET) && !arch->retval) {
			pr_err("a return of this Go program's functions has its results on the "
			       "stack, after the arguments (its Go version's ABI0): name what "
			       "to fetch, as +OFF($sp)");
			return -EINVAL;
		}
		r = snprintf(buf, len, "ret=%s",
			     arch->flags & (UPC_ARCH_RETVAL_REG | UPC_ARCH_GO_RET) ? arch->retval :
			     "$retval");
		return r < 0 || (size_t)r >= len ? -ERANGE : r;
	}
	for (unsigned i = 1; i <= nargs; i++) {
		r = upc_arch_arg(arch, i, reg, sizeof(reg));
		if (r < 0)
			return r;
		r = snprintf(buf + n, len - n, "arg%u=%s ", i, reg);
		if (r < 0 || (size_t)r >= len - n)
			return -ERANGE;
		n += (size_t)r;
	}
	r = snprintf(buf + n, len - n, "ra=%s", arch->ra);
	return r < 0 || (size_t)r >= len - n ? -ERANGE : (int)(n + (size_t)r);
}

/* A byte that would end a definition, start a comment or split a field:
 * the kernel splits on its isspace(), which takes 0xA0 (Latin-1's no-break
 * space) as white space too, even inside a UTF-8 character. */
static bool unsafe_byte(unsigned char c)
{
	return c <= ' ' || c == '#' || c == 0x7f || c == 0xa0;
}

int upc_check_path(const char *path)
{
	size_t n = path ? strlen(path) : 0;

	if (!path || path[0] != '/') {
		pr_err("'%s': the path must be absolute (the kernel resolves a relative "
		       "one against the writer's directory)", path ? path : "");
		return -EINVAL;
	}
	for (size_t i = 0, k; i < n; i += k) {
		k = upc_utf8_seq(path + i, n - i);
		if (!k) {
			pr_err("'%s': the path is not valid UTF-8; use a link with a plain "
			       "name", path);
			return -EINVAL;
		}
		for (size_t j = i; j < i + k; j++) {
			if (unsafe_byte((unsigned char)path[j])) {
				pr_err("'%s': a path with white space, '#' or control characters "
				       "cannot be written to uprobe_events; use a link without "
				       "them", path);
				return -EINVAL;
			}
		}
	}
	if (strlen(path) > 4000) {
		pr_err("path too long for a probe definition");
		return -ENAMETOOLONG;
	}
	return 0;
}

int upc_check_name(const char *what, const char *name, bool dash_ok)
{
	size_t n = strlen(name);

	if (!n || n > UPC_NAME_MAX) {
		pr_err("%s '%s' must have 1 to %d characters", what, name, UPC_NAME_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!upc_ident_char(name[i], i == 0) && !(dash_ok && i && name[i] == '-')) {
			pr_err("%s '%s' may only have letters, digits and '_'%s, and must not "
			       "start with a digit", what, name, dash_ok ? " (or '-')" : "");
			return -EINVAL;
		}
	}
	return 0;
}

int upc_probe_format(const struct upc_probe *p, char *buf, size_t len)
{
	int r;

	if ((r = upc_check_name("group", p->group, true)) ||
	    (r = upc_check_name("event", p->event, false)) || (r = upc_check_path(p->path)))
		return r;
	for (const char *c = p->args; *c; c++) {
		if ((unsigned char)*c < ' ' || *c == '#' || (unsigned char)*c >= 0x7f) {
			pr_err("fetch arguments may not contain '#', control characters or "
			       "bytes outside ASCII");
			return -EINVAL;
		}
	}
	if (p->has_ref_ctr)
		r = snprintf(buf, len, "%c:%s/%s %s:0x%llx(0x%llx)%s%s", p->kind, p->group,
			     p->event, p->path, (unsigned long long)p->offset,
			     (unsigned long long)p->ref_ctr, *p->args ? " " : "", p->args);
	else
		r = snprintf(buf, len, "%c:%s/%s %s:0x%llx%s%s", p->kind, p->group, p->event,
			     p->path, (unsigned long long)p->offset, *p->args ? " " : "",
			     p->args);
	if (r < 0 || (size_t)r >= len || r >= UPC_DEF_MAX - 2) {
		pr_err("probe definition longer than the kernel's %d-byte limit",
		       UPC_DEF_MAX - 2);
		return -E2BIG;
	}
	return r;
}

static int copy_field(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -ENAMETOOLONG;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int upc_probe_parse(const char *line, size_t len, struct upc_probe *p)
{
	const char *end = line + len, *sp, *slash, *colon = NULL, *s, *paren, *numend;

	memset(p, 0, sizeof(*p));
	if (len < 4 || (line[0] != 'p' && line[0] != 'r') || line[1] != ':')
		return -EINVAL;
	p->kind = line[0];
	s = line + 2;
	sp = memchr(s, ' ', (size_t)(end - s));
	if (!sp)
		return -EINVAL;
	slash = memchr(s, '/', (size_t)(sp - s));
	if (!slash || copy_field(p->group, sizeof(p->group), s, (size_t)(slash - s)) ||
	    copy_field(p->event, sizeof(p->event), slash + 1, (size_t)(sp - slash - 1)))
		return -EINVAL;
	s = sp + 1;
	sp = memchr(s, ' ', (size_t)(end - s));
	if (!sp)
		sp = end;
	/* PATH:0xOFFSET[(0xREF)] split at the last ':' */
	for (const char *c = s; c < sp; c++)
		if (*c == ':')
			colon = c;
	if (!colon || copy_field(p->path, sizeof(p->path), s, (size_t)(colon - s)))
		return -EINVAL;
	s = colon + 1;
	paren = memchr(s, '(', (size_t)(sp - s));
	numend = paren ? paren : sp;
	if (upc_parse_u64(s, (size_t)(numend - s), &p->offset))
		return -EINVAL;
	if (paren) {
		const char *close = memchr(paren, ')', (size_t)(sp - paren));

		if (!close || upc_parse_u64(paren + 1, (size_t)(close - paren - 1), &p->ref_ctr))
			return -EINVAL;
		p->has_ref_ctr = true;
	}
	if (sp < end && copy_field(p->args, sizeof(p->args), sp + 1, (size_t)(end - sp - 1)))
		return -E2BIG;
	return 0;
}

/* The expression of fetch argument a (n bytes): after NAME= when named. */
static const char *arg_expr(const char *a, size_t n)
{
	const char *eq = memchr(a, '=', n);

	return eq && upc_is_ident(a, (size_t)(eq - a)) ? eq + 1 : a;
}

/* Are the fetch arguments a and b the same as the kernel lists them, each
 * NAME=EXPR, an unnamed one named argK? */
static bool same_args(const char *a, const char *b)
{
	char na[UPC_MAX_ARGNAME + 16], nb[UPC_MAX_ARGNAME + 16];

	for (int k = 1;; k++) {
		size_t la, lb, lna, lnb;
		const char *ea, *eb;

		a += strspn(a, " ");
		b += strspn(b, " ");
		if (!*a || !*b)
			return !*a && !*b;
		la = strcspn(a, " ");
		lb = strcspn(b, " ");
		lna = upc_fetcharg_name(a, la, k, na, sizeof(na));
		lnb = upc_fetcharg_name(b, lb, k, nb, sizeof(nb));
		ea = arg_expr(a, la);
		eb = arg_expr(b, lb);
		if (lna != lnb || memcmp(na, nb, lna) || (size_t)(a + la - ea) != (size_t)(b + lb - eb) ||
		    memcmp(ea, eb, (size_t)(a + la - ea)))
			return false;
		a += la;
		b += lb;
	}
}

size_t upc_probe_arg_fetching(const struct upc_probe *p, const char *expr, char *name,
			      size_t len)
{
	size_t el = strlen(expr);
	const char *a = p->args;

	for (int k = 1;; k++) {
		size_t n;
		const char *e, *end;

		a += strspn(a, " ");
		if (!*a)
			return 0;
		n = strcspn(a, " ");
		e = arg_expr(a, n);
		/* EXPR or EXPR:TYPE */
		end = memchr(e, ':', (size_t)(a + n - e));
		if ((size_t)((end ? end : a + n) - e) == el && !memcmp(e, expr, el))
			return upc_fetcharg_name(a, n, k, name, len);
		a += n;
	}
}

bool upc_probe_equal(const struct upc_probe *a, const struct upc_probe *b)
{
	return a->kind == b->kind && !strcmp(a->group, b->group) &&
	       !strcmp(a->event, b->event) && !strcmp(a->path, b->path) &&
	       a->offset == b->offset && a->has_ref_ctr == b->has_ref_ctr &&
	       (!a->has_ref_ctr || a->ref_ctr == b->ref_ctr) && same_args(a->args, b->args);
}

/* The path the kernel will open: absolute (a relative one would be read
 * against the writer's directory), without links that could be swapped
 * before it opens it, and the very file that was read. */
static int probe_path(struct upc_elf *elf, const struct upc_probe_opts *o, struct upc_probe *p)
{
	const char *file = upc_elf_path(elf);
	char real[PATH_MAX];
	struct stat st;
	int err;

	if ((err = upc_check_path(file)))
		return err;
	snprintf(p->path, sizeof(p->path), "%s", file);
	if (o->sysroot)
		return 0;
	upc_elf_file_id(elf, &p->dev, &p->ino);
	if (!realpath(file, real) || stat(real, &st) || (uint64_t)st.st_dev != p->dev ||
	    (uint64_t)st.st_ino != p->ino) {
		/* a file of a process in another mount namespace, through
		 * /proc/PID/root: realpath follows that link to a root our
		 * namespace names otherwise; the path as given names the file */
		if (strncmp(file, "/proc/", 6) || stat(file, &st) ||
		    (uint64_t)st.st_dev != p->dev || (uint64_t)st.st_ino != p->ino) {
			pr_err("%s: the file changed while it was read (replaced, or a link "
			       "moved); try again", file);
			return -ESTALE;
		}
		snprintf(real, sizeof(real), "%s", file);
	}
	snprintf(p->path, sizeof(p->path), "%s", real);
	return strcmp(real, file) ? upc_check_path(real) : 0;
}

/* usdt:PROVIDER:NAME[@0xADDRESS] (spec after "usdt:"): the note's place in
 * p->loc, its semaphore as the reference counter. */
static int usdt_location(struct upc_elf *elf, const char *spec, const struct upc_probe_opts *o,
			 struct upc_usdt *u, struct upc_probe *p)
{
	int err;

	if (o->ret) {
		pr_err("usdt:%s: a USDT probe is a point in the code, not a function: it has no "
		       "return (drop -r)", spec);
		return -EINVAL;
	}
	if ((err = upc_usdt_find(elf, spec, u)))
		return err;
	p->loc.offset = u->offset;
	p->loc.addr = u->pc;
	p->loc.flags = UPC_LOC_USDT;
	p->has_ref_ctr = u->sema != 0;
	p->ref_ctr = u->sema ? u->sema_offset : 0;
	return 0;
}

bool upc_probe_is_source(const char *spec, char *const fetchargs[])
{
	if (!strncmp(spec, "usdt:", 5))
		return false;
	for (int i = 0; fetchargs && fetchargs[i]; i++)
		if (upc_src_fetcharg(fetchargs[i]))
			return true;
	return upc_spec_is_source(spec);
}

/* The one place of source point spec (see upc_src_places): several are
 * refused, listed, as a USDT probe's are. A plain name is a symbol's
 * unless it has source fetch arguments, or no symbol has it. */
static int src_location(struct upc_elf *elf, const char *spec, unsigned flags,
			struct upc_src_place *out)
{
	struct upc_src_place *pl;
	int n = upc_src_places(elf, spec, flags, &pl);

	if (n < 0)
		return n;
	if (n > 1) {
		char list[512];
		size_t used = 0;

		list[0] = '\0';
		for (int i = 0; i < n && used < sizeof(list) - 200; i++)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s0x%llx %s%s%s",
						 i ? ", " : "", (unsigned long long)pl[i].addr,
						 pl[i].inlined ? "inlined in " : "in ",
						 pl[i].inlined ? pl[i].caller : pl[i].func,
						 i + 1 < n && used > sizeof(list) - 220 ? ", ..." : "");
		pr_err("'%s' is at %d places (%s): add defines them all; name one with "
		       "%s@0xADDRESS%s", spec, n, list, spec,
		       pl[0].inlined || pl[n - 1].inlined ? ", or the out-of-line copy alone with "
		       "--no-inlines" : "");
		free(pl);
		return -ENOTUNIQ;
	}
	*out = pl[0];
	free(pl);
	return 0;
}


/* A return of Go function p->loc.sym: an entry probe at its return
 * instruction (SYM+0xOFF names one; its only one for SYM alone). */
static int go_return(struct upc_elf *elf, const char *spec, struct upc_probe *p)
{
	struct upc_location *loc = &p->loc;
	uint64_t off[64];
	int n = upc_go_returns(elf, &loc->sym, off, 64);

	if (n < 0)
		return n;
	p->kind = 'p';
	if (loc->sym_off) {
		for (int i = 0; i < n; i++)
			if (off[i] == loc->offset)
				return 0;
		pr_err("'%s' is no return instruction of the Go function '%.*s': a return "
		       "probe on a Go function is an entry probe at one of them", spec,
		       (int)loc->sym.name_len, loc->sym.name);
		return -EINVAL;
	}
	if (n != 1) {
		pr_err("'%s' is a Go function with %d return instructions: its return is an "
		       "entry probe at each (a uretprobe breaks goroutine stacks), which "
		       "'uprobectl add -r' and 'trace -r' define%s", spec, n,
		       n ? "" : "; it has none");
		return -EINVAL;
	}
	loc->sym_off = off[0] - loc->sym.offset;
	loc->offset = off[0];
	loc->addr = loc->sym.addr + loc->sym_off;
	return 0;
}

/* The DWARF's place of a C++ or Rust function found by its symbol: the
 * DWARF names it by its last component (DW_AT_name "add", "twice<long>"),
 * pinned to the symbol's address (NAME@0xADDRESS). */
static int dwarf_of_symbol(struct upc_elf *elf, const struct upc_location *loc, unsigned flags,
			   struct upc_src_place *out)
{
	char *d, pin[sizeof(out->func) + 24];
	const char *last;
	int depth = 0, err;

	if (upc_demangle(loc->sym.name, loc->sym.name_len, UPC_DEMANGLE_SHORT, &d))
		return -ENOENT;
	last = d;
	for (const char *c = d; *c; c++) {
		depth += *c == '<' ? 1 : *c == '>' ? -1 : 0;
		if (!depth && c[0] == ':' && c[1] == ':')
			last = c + 2;
	}
	snprintf(pin, sizeof(pin), "%s@0x%llx", last, (unsigned long long)loc->addr);
	free(d);
	err = src_location(elf, pin, flags, out);
	if (err == -ENOENT && strchr(pin, '<')) {
		/* and without its template arguments */
		char *lt = strchr(pin, '<'), *at = strrchr(pin, '@');

		memmove(lt, at, strlen(at) + 1);
		err = src_location(elf, pin, flags, out);
	}
	return err;
}

/* The user's fetch arguments at place pl: each source one translated from
 * the DWARF, the kernel's as they are, into args (NULL-separated words
 * in buf) to be checked and translated like any. */
static int src_fetchargs(struct upc_elf *elf, const struct upc_src_place *pl,
			 char *const fetchargs[], bool ret, char *buf, size_t len,
			 char **args, int *nargs)
{
	struct upc_dwarf *d;
	size_t used = 0, total;
	int n = 0, err;

	if ((err = upc_elf_dwarf(elf, &d)))
		return err;
	for (int i = 0; fetchargs[i]; i++) {
		if (!upc_src_fetcharg(fetchargs[i])) {
			if (n == UPC_MAX_ARGS)
				return -E2BIG;
			args[n++] = fetchargs[i];
			continue;
		}
		if (ret) {
			pr_err("'%s': at a function's return its variables are gone: -r takes "
			       "$retval (and the kernel's fetch arguments)", fetchargs[i]);
			return -EINVAL;
		}
		if (used >= len)
			return -E2BIG;
		buf[used] = '\0';
		if ((err = upc_dwarf_fetcharg(d, pl, fetchargs[i], buf + used, len - used)))
			return err;
		/* one word per fetch argument */
		total = strlen(buf + used);
		for (char *w = buf + used; *w;) {
			if (n == UPC_MAX_ARGS)
				return -E2BIG;
			args[n++] = w;
			w += strcspn(w, " ");
			if (*w)
				*w++ = '\0';
		}
		used += total + 1;
	}
	*nargs = n;
	return 0;
}

static int describe(struct upc_elf *elf, const char *spec, char *const fetchargs[],
		    const struct upc_probe_opts *o, struct upc_probe *p)
{
	const char *group = o->group ? o->group : UPC_DEFAULT_GROUP;
	bool usdt = !strncmp(spec, "usdt:", 5), src, go;
	struct upc_src_place pl = { 0 };
	struct upc_usdt u = { .provider = NULL };
	struct upc_go g;
	struct upc_arch view;
	const struct upc_arch *fa = upc_elf_arch(elf);	/* of the fetch args */
	char result[64];
	unsigned flags;
	char *def;
	int nuser = 0, err;

	memset(p, 0, sizeof(*p));
	while (fetchargs && fetchargs[nuser])
		nuser++;
	if ((err = upc_check_name("group", group, true)) ||
	    (o->event && (err = upc_check_name("event", o->event, false))))
		return err;
	src = !usdt && upc_probe_is_source(spec, fetchargs);
	flags = (o->ret ? UPC_SRC_RETURN : 0) | (o->no_inlines ? UPC_SRC_NO_INLINES : 0) |
		UPC_SRC_FUNC;
	if (usdt) {
		err = usdt_location(elf, spec + 5, o, &u, p);
	} else if (!src) {
		/* a symbol; or, when none has the name, a function the DWARF
		 * knows (only inlined, or static in a stripped table) */
		int serr = -ENOENT;

		upc_log_quiet(true);
		err = upc_resolve(elf, spec, &p->loc);
		if (err == -ENOENT && upc_src_func_name(spec) &&
		    (src = !(serr = src_location(elf, spec, flags, &pl))))
			err = 0;
		upc_log_quiet(false);
		/* explained: why the DWARF's function cannot be probed so (-r
		 * on one only inlined), else why no symbol has the name */
		if (err && serr != -ENOENT)
			err = src_location(elf, spec, flags, &pl);
		else if (err)
			err = upc_resolve(elf, spec, &p->loc);
	} else if (upc_spec_is_source_name(spec) && !(err = upc_resolve(elf, spec, &p->loc))) {
		/* a C++ or Rust name: the DWARF's function at its address */
		err = dwarf_of_symbol(elf, &p->loc, flags, &pl);
	} else if (!upc_spec_is_source_name(spec)) {
		err = src_location(elf, spec, flags, &pl);
	}
	if (!err && src) {
		/* the symbol holding the place */
		if (upc_elf_sym_at(elf, pl.offset, &p->loc) < 0)
			memset(&p->loc, 0, sizeof(p->loc));
		p->loc.offset = pl.offset;
		p->loc.addr = pl.addr;
	}
	if (err || (err = probe_path(elf, o, p)))
		return err;
	p->arch = upc_elf_arch(elf);
	p->kind = o->ret ? 'r' : 'p';
	/* a Go function: its registers, and never a uretprobe */
	go = !usdt && !src && p->loc.sym.name && upc_go_function(elf, &p->loc.sym, &g);
	if (go) {
		upc_go_view(p->arch, &g, &view);
		fa = &view;
		if (o->ret && (err = go_return(elf, spec, p)))
			return err;
		/* the stack ABI's first result: past the arguments, from the DWARF */
		if (o->ret && !g.regabi) {
			if ((err = upc_go_stack_result(elf, p->loc.addr, result, sizeof(result))))
				return err;
			view.retval = result;
		}
	}
	p->offset = p->loc.offset;
	snprintf(p->group, sizeof(p->group), "%s", group);
	if (o->event) {
		snprintf(p->event, sizeof(p->event), "%s", o->event);
	} else if (usdt) {
		char pn[2 * UPC_NAME_MAX + 2];

		snprintf(pn, sizeof(pn), "%s_%s", u.provider, u.name);
		upc_event_name(pn, strlen(pn), p->event, sizeof(p->event));
	} else if (src && pl.func[0] && !upc_spec_is_source_name(spec)) {
		char fn[sizeof(pl.func) + 16];

		if (pl.at_line)
			snprintf(fn, sizeof(fn), "%s_L%u", pl.func, pl.line);
		else
			snprintf(fn, sizeof(fn), "%s", pl.func);
		upc_event_name(fn, strlen(fn), p->event, sizeof(p->event));
	} else if (p->loc.sym.name) {
		upc_event_name(p->loc.sym.name, p->loc.sym.name_len, p->event, sizeof(p->event));
	} else {
		snprintf(p->event, sizeof(p->event), "probe");
	}
	if (usdt) {
		err = upc_usdt_fetchargs(fa, elf, &u, nuser, fetchargs, p->args,
					 sizeof(p->args));
	} else if (nuser && src) {
		char *buf = malloc(UPC_DEF_MAX), *args[UPC_MAX_ARGS + 1];
		int nargs = 0;

		err = buf ? src_fetchargs(elf, &pl, fetchargs, o->ret, buf, UPC_DEF_MAX, args,
					  &nargs) : -ENOMEM;
		if (!err)
			err = upc_fetchargs_translate(fa, o->ret, nargs, args, p->args,
						      sizeof(p->args));
		free(buf);
	} else if (nuser)
		err = upc_fetchargs_translate(fa, o->ret, nuser, fetchargs, p->args,
					      sizeof(p->args));
	else
		err = upc_default_fetchargs(fa, o->nargs, o->ret, p->args, sizeof(p->args));
	if (err == -E2BIG || err == -ERANGE) {
		pr_err("the fetch arguments are longer than a definition can be");
		return -EINVAL;
	}
	if (err < 0)
		return err;
	/* the whole definition, checked as it will be written */
	if (!(def = malloc(UPC_DEF_MAX)))
		return -ENOMEM;
	err = upc_probe_format(p, def, UPC_DEF_MAX);
	free(def);
	return err == -E2BIG ? -EINVAL : err < 0 ? err : 0;
}

int upc_probe_describe(struct upc_elf *elf, const char *spec, char *const fetchargs[],
		       const struct upc_probe_opts *opts, struct upc_probe *p)
{
	struct upc_probe_opts o = { .sz = sizeof(o) };
	unsigned mark = upc_log_errors();

	if (opts)
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	return upc_explained(describe(elf, spec, fetchargs, &o, p), mark, spec);
}

/* ---- event filters ------------------------------------------------------------ */

/* Is NAME (n bytes) a field of p's event, and is it a string? */
static bool filter_field(const struct upc_probe *p, const char *name, size_t n, bool *string)
{
	static const char *const common[] = {
		"common_pid", "common_type", "common_flags", "common_preempt_count",
		"__probe_ip", "CPU", "COMM", "comm",
	};
	char an[UPC_MAX_ARGNAME + 16];
	const char *a = p->args;

	*string = false;
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (strlen(common[i]) == n && !memcmp(common[i], name, n)) {
			*string = !strcmp(common[i], "COMM") || !strcmp(common[i], "comm");
			return true;
		}
	for (int k = 1; *a; k++) {
		size_t len = strcspn(a, " "), ln = upc_fetcharg_name(a, len, k, an, sizeof(an));
		const char *colon = memchr(a, ':', len);

		if (ln == n && !memcmp(an, name, n)) {
			*string = colon && ((a + len - colon == 7 && !memcmp(colon, ":string", 7)) ||
					    (a + len - colon == 8 && !memcmp(colon, ":ustring", 8)));
			return true;
		}
		a += len;
		a += strspn(a, " ");
	}
	return false;
}

/* The event's fields, for a message. */
static void field_list(const struct upc_probe *p, char *buf, size_t len)
{
	char an[UPC_MAX_ARGNAME + 16];
	size_t used = (size_t)snprintf(buf, len, "common_pid, comm, CPU");
	const char *a = p->args;

	for (int k = 1; *a && used < len; k++) {
		size_t l = strcspn(a, " ");

		upc_fetcharg_name(a, l, k, an, sizeof(an));
		used += (size_t)snprintf(buf + used, len - used, ", %s", an);
		a += l;
		a += strspn(a, " ");
	}
}

/*
 * An event filter, as the kernel parses it: predicates FIELD OP VALUE
 * joined by && and ||, negated with !, grouped with parentheses. OP is ==
 * != < <= > >= or & for numbers, == != or ~ (a glob) for strings; a string
 * value is quoted. Checked here so a boot never writes one the kernel
 * would refuse, and nothing can end the line or start a comment.
 */
int upc_filter_check(const struct upc_probe *p, const char *expr)
{
	const char *s = expr;
	int depth = 0, preds = 0;
	char fields[1024];

	for (const char *c = expr; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f || *c == '#') {
			pr_err("filter '%s': control characters and '#' cannot be written", expr);
			return -EINVAL;
		}
	for (;;) {
		const char *name, *op;
		size_t n, opn;
		bool string;

		while (*s == ' ')
			s++;
		while (*s == '!' || *s == '(') {
			depth += *s == '(';
			s++;
			while (*s == ' ')
				s++;
		}
		for (name = s; upc_ident_char(*s, s == name); s++)
			;
		n = (size_t)(s - name);
		if (!n) {
			pr_err("filter '%s': a field name is expected at '%s'", expr, s);
			return -EINVAL;
		}
		if (!filter_field(p, name, n, &string)) {
			field_list(p, fields, sizeof(fields));
			pr_err("filter '%s': %s/%s has no field '%.*s' (it has: %s)", expr, p->group,
			       p->event, (int)n, name, fields);
			return -EINVAL;
		}
		while (*s == ' ')
			s++;
		op = s;
		opn = strspn(s, "=!<>&~");
		s += opn;
		if (!((opn == 2 && (!memcmp(op, "==", 2) || !memcmp(op, "!=", 2) ||
				    !memcmp(op, "<=", 2) || !memcmp(op, ">=", 2))) ||
		      (opn == 1 && strchr("<>&~", *op)))) {
			pr_err("filter '%s': '%.*s' is not an operator (== != < <= > >= & ~)", expr,
			       (int)(opn ? opn : 1), op);
			return -EINVAL;
		}
		if (string ? !(*op == '~' || (opn == 2 && (*op == '=' || *op == '!'))) : *op == '~') {
			pr_err("filter '%s': '%.*s' does not apply to %s '%.*s' (%s)", expr, (int)opn,
			       op, string ? "the string" : "the number", (int)n, name,
			       string ? "== != ~" : "== != < <= > >= &");
			return -EINVAL;
		}
		while (*s == ' ')
			s++;
		if (string) {
			const char *q;

			if (*s != '"' || !(q = strchr(s + 1, '"'))) {
				pr_err("filter '%s': a string value is quoted: \"...\"", expr);
				return -EINVAL;
			}
			s = q + 1;
		} else {
			size_t vn = strspn(s, "0123456789abcdefxABCDEFX-");
			char num[32];
			uint64_t v;

			snprintf(num, sizeof(num), "%.*s", (int)(vn < sizeof(num) ? vn : 0), s);
			if (!vn || vn >= sizeof(num) ||
			    upc_parse_number(num + (num[0] == '-'), &v)) {
				pr_err("filter '%s': a number is expected at '%s'", expr, s);
				return -EINVAL;
			}
			s += vn;
		}
		preds++;
		while (*s == ' ' || *s == ')') {
			if (*s == ')' && --depth < 0) {
				pr_err("filter '%s': a ')' closes nothing", expr);
				return -EINVAL;
			}
			s++;
		}
		if (!*s)
			break;
		if ((s[0] == '&' && s[1] == '&') || (s[0] == '|' && s[1] == '|')) {
			s += 2;
			continue;
		}
		pr_err("filter '%s': && or || is expected at '%s'", expr, s);
		return -EINVAL;
	}
	if (depth) {
		pr_err("filter '%s': a '(' is not closed", expr);
		return -EINVAL;
	}
	return preds ? 0 : -EINVAL;
}

bool upc_probe_has_field(const struct upc_probe *p, const char *name)
{
	bool string;

	return filter_field(p, name, strlen(name), &string);
}
