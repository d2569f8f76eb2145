// SPDX-License-Identifier: MIT
/*
 * Fetch arguments: checked here against the kernel's grammar and limits,
 * because the kernel's own errors are terse, go to error_log (or nowhere),
 * and some mistakes it accepts silently. What is checked:
 *   - registers against the file's architecture table (not the host's);
 *   - $retval only on return probes; $comm only as a string;
 *   - types, bitfields and array sizes; strings and arrays only where the
 *     kernel can read memory;
 *   - names (identifiers of at most 32 characters, unique, not common_*),
 *     expression length (63) and the argument count (128);
 *   - no byte that could split a definition in two or cut it short.
 * uprobectl adds arch-neutral names the kernel does not know for uprobes:
 * $argN, $ra and $sp, replaced by the ABI's register or stack slot, so one
 * command line works for files of any architecture.
 */
#include <stdio.h>
#include <stdlib.h>

#include "upc_internal.h"

#define MAX_DEPTH 14

struct fa {
	const struct upc_arch *arch;
	bool ret;
	int index;		/* 1-based, for messages */
	const char *arg;	/* the user's text, for messages */
	char *out;
	size_t len, used;
	bool memory;		/* the outermost fetch is a dereference or @ADDR:
				 * strings and arrays can be read there */
	bool comm;
	/* a USDT probe's arguments ("EXPR:TYPE"): $argN is the Nth */
	char *const *usdt;
	int nusdt;
};

#define fa_err(f, fmt, ...)                                                        \
	(pr_err("argument %d ('%s'): " fmt, (f)->index, (f)->arg, ##__VA_ARGS__), -EINVAL)

static int put(struct fa *f, const char *s, size_t n)
{
	if (f->used + n >= f->len)
		return -E2BIG;
	memcpy(f->out + f->used, s, n);
	f->used += n;
	f->out[f->used] = '\0';
	return 0;
}

bool upc_is_ident(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!upc_ident_char(s[i], i == 0))
			return false;
	return true;
}

size_t upc_fetcharg_name(const char *a, size_t n, int k, char *buf, size_t len)
{
	const char *eq = memchr(a, '=', n);
	int r;

	if (eq && upc_is_ident(a, (size_t)(eq - a)))
		r = snprintf(buf, len, "%.*s", (int)(eq - a), a);
	else
		r = snprintf(buf, len, "arg%d", k);
	return r < 0 ? 0 : (size_t)r < len ? (size_t)r : len - 1;
}

static size_t span_num(const char *s, size_t n)
{
	size_t i = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		i = 2;
		while (i < n && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
				 (s[i] >= 'A' && s[i] <= 'F')))
			i++;
		return i > 2 ? i : 0;
	}
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/* One expression, s[0..n), into f->out. */
static int expr(struct fa *f, const char *s, size_t n, int depth)
{
	uint64_t v;
	size_t k;
	int r;

	if (!n)
		return fa_err(f, "an expression is missing");
	if (depth > MAX_DEPTH)
		return fa_err(f, "dereferences nest deeper than %d", MAX_DEPTH);
	switch (s[0]) {
	case '%':
		if (!upc_arch_has_reg(f->arch, s + 1, n - 1))
			return fa_err(f, "'%.*s' is not a register the kernel knows for %s; it "
				      "knows: %s", (int)n, s, f->arch->name, f->arch->regs);
		f->memory = false;
		return put(f, s, n);
	case '@':
		k = span_num(s + 1 + (s[1] == '+'), n - 1 - (s[1] == '+'));
		if (!k || 1 + (s[1] == '+') + k != n)
			return fa_err(f, "'%.*s': @ takes an address (@0x1234) or an offset in "
				      "the file's mapping (@+0x1234); symbols are not allowed "
				      "for uprobes", (int)n, s);
		f->memory = true;
		return put(f, s, n);
	case '\\':
		k = 1 + (n > 1 && s[1] == '-');
		if (n < 2 || (s[1] != '"' && (k >= n || span_num(s + k, n - k) != n - k)))
			return fa_err(f, "'%.*s': an immediate is \\NUMBER", (int)n, s);
		f->memory = false;
		return put(f, s, n);
	case '+':
	case '-': {
		const char *open;

		k = span_num(s + 1, n - 1);
		open = s + 1 + k;
		if (!k || (size_t)(open - s) >= n || *open != '(' || s[n - 1] != ')')
			return fa_err(f, "'%.*s': a dereference is +OFFSET(EXPR) or -OFFSET(EXPR)",
				      (int)n, s);
		if ((r = put(f, s, (size_t)(open - s) + 1)) ||
		    (r = expr(f, open + 1, (size_t)(s + n - 1 - (open + 1)), depth + 1)) ||
		    (r = put(f, ")", 1)))
			return r;
		f->memory = true;
		f->comm = false;
		return 0;
	}
	case '$':
		break;
	default:
		return fa_err(f, "'%.*s' is not a fetch argument: use %%REG, $argN, $retval, "
			      "$ra, $sp, $stackN, $comm, @ADDR, +OFF(EXPR) or \\IMM", (int)n, s);
	}

	/* $variables */
	f->memory = false;
	f->comm = false;
	if (n > 4 && !strncmp(s, "$arg", 4)) {
		char buf[32];

		if (span_num(s + 4, n - 4) != n - 4 || upc_parse_u64(s + 4, n - 4, &v) ||
		    s[4] == '0' || v > UPC_MAX_ARGS)
			return fa_err(f, "'%.*s': arguments are $arg1 to $arg%d", (int)n, s,
				      UPC_MAX_ARGS);
		if (f->usdt) {
			const char *u = (int)v <= f->nusdt ? f->usdt[v - 1] : NULL;
			const char *colon = u ? strrchr(u, ':') : NULL;

			if (!u)
				return fa_err(f, "the USDT probe has %d argument%s", f->nusdt,
					      f->nusdt == 1 ? "" : "s");
			return put(f, u, colon ? (size_t)(colon - u) : strlen(u));
		}
		if ((r = upc_arch_arg(f->arch, (unsigned)v, buf, sizeof(buf))) < 0)
			return r;
		/* a value even when it sits on the stack: what it points to is
		 * read with +0($argN) */
		return put(f, buf, strlen(buf));
	}
	if (n == 3 && !strncmp(s, "$ra", 3))
		return put(f, f->arch->ra, strlen(f->arch->ra));
	if (n == 3 && !strncmp(s, "$sp", 3))
		return put(f, f->arch->sp, strlen(f->arch->sp));
	if (n >= 7 && !strncmp(s, "$retval", 7)) {
		const char *reg;
		size_t idx;

		if (!f->ret)
			return fa_err(f, "$retval exists only in return probes (add -r)");
		if (!(f->arch->flags & UPC_ARCH_GO_RET)) {
			if (n == 7)
				return put(f, s, n);
		} else {
			/* a Go function's: its result registers, $retval2 the
			 * second (Go returns several) */
			idx = n == 7 ? 1 : span_num(s + 7, n - 7) == n - 7 ? strtoul(s + 7, NULL, 10) : 0;
			if (!f->arch->retval)
				return fa_err(f, "$retval: this Go program passes results on the "
					      "stack, after the arguments (its Go version's ABI0): "
					      "fetch them as +OFF($sp)");
			if (idx == 1 && !f->arch->nreg_args)
				return put(f, f->arch->retval, strlen(f->arch->retval));
			if (idx >= 1 && idx <= f->arch->nreg_args) {
				reg = f->arch->arg_regs[idx - 1];
				return put(f, reg, strlen(reg));
			}
		}
		return fa_err(f, "'%.*s': use $retval%s", (int)n, s,
			      f->arch->flags & UPC_ARCH_GO_RET ? " or $retvalN (N from 1 to the "
			      "result registers)" : "");
	}
	if (n == 2 && !strncmp(s, "$g", 2)) {
		/* the goroutine (its g), in a register of Go's */
		if (!(f->arch->flags & UPC_ARCH_GO_RET) || !f->arch->go_g)
			return fa_err(f, "$g: the goroutine is in a register of Go functions of "
				      "register-ABI Go programs (and of any on arm64, riscv64, "
				      "ppc64, s390x, loong64, arm, mips) only");
		return put(f, f->arch->go_g, strlen(f->arch->go_g));
	}
	if (n == 5 && !strncmp(s, "$comm", 5)) {
		f->comm = true;
		return put(f, s, n);
	}
	if (n >= 6 && !strncmp(s, "$stack", 6)) {
		if (n > 6 && span_num(s + 6, n - 6) != n - 6)
			return fa_err(f, "'%.*s': use $stack or $stackN", (int)n, s);
		return put(f, s, n);
	}
	return fa_err(f, "'%.*s' is not a variable uprobes know: $argN, $retval, $ra, $sp, "
		      "$stack, $stackN, $comm", (int)n, s);
}

static bool basic_type(const char *t, size_t n)
{
	static const char *const types[] = { "u8", "u16", "u32", "u64", "s8", "s16", "s32",
					     "s64", "x8", "x16", "x32", "x64", "char" };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i]) == n && !memcmp(types[i], t, n))
			return true;
	return false;
}

/* b<WIDTH>@<OFFSET>/<CONTAINER> */
static bool bitfield(const char *t, size_t n)
{
	const char *at = memchr(t, '@', n), *sl = memchr(t, '/', n);
	uint64_t w, o, c;

	if (n < 6 || t[0] != 'b' || !at || !sl || sl < at ||
	    span_num(t + 1, (size_t)(at - t - 1)) != (size_t)(at - t - 1) ||
	    span_num(at + 1, (size_t)(sl - at - 1)) != (size_t)(sl - at - 1) ||
	    span_num(sl + 1, (size_t)(t + n - sl - 1)) != (size_t)(t + n - sl - 1) ||
	    upc_parse_u64(t + 1, (size_t)(at - t - 1), &w) ||
	    upc_parse_u64(at + 1, (size_t)(sl - at - 1), &o) ||
	    upc_parse_u64(sl + 1, (size_t)(t + n - sl - 1), &c))
		return false;
	return (c == 8 || c == 16 || c == 32 || c == 64) && w >= 1 && o < c && w <= c - o;
}

static int type(struct fa *f, const char *t, size_t n)
{
	const char *br = memchr(t, '[', n);
	size_t base = br ? (size_t)(br - t) : n;
	bool str = (base == 6 && !memcmp(t, "string", 6)) || (base == 7 && !memcmp(t, "ustring", 7));
	uint64_t count;

	if (!n)
		return fa_err(f, "a type is missing after ':'");
	if (base >= 6 && (!memcmp(t, "symbol", 6) || !memcmp(t, "symstr", 6)))
		return fa_err(f, "type '%.*s' is not available for uprobes", (int)n, t);
	if (!str && !basic_type(t, base) && !bitfield(t, base))
		return fa_err(f, "unknown type '%.*s' (u8..u64, s8..s64, x8..x64, char, string, "
			      "ustring, bWIDTH@OFFSET/SIZE, TYPE[N])", (int)n, t);
	if (f->comm && !str)
		return fa_err(f, "$comm can only be read as a string");
	if (str && !f->memory && !f->comm)
		return fa_err(f, "a string is read from memory: to read the string an "
			      "argument points to, write +0($argN):string");
	if (br) {
		if (t[n - 1] != ']' || span_num(br + 1, n - base - 2) != n - base - 2 ||
		    upc_parse_u64(br + 1, n - base - 2, &count) || count < 1 || count > 64)
			return fa_err(f, "an array is TYPE[N] with N from 1 to 64");
		if (!f->memory)
			return fa_err(f, "arrays can only be read from memory (+OFF(EXPR), @ADDR)");
	}
	return put(f, t, n);
}

static bool name_used(char *const argv[], int upto, const char *name, size_t n)
{
	char used[UPC_MAX_ARGNAME + 16];

	for (int i = 0; i < upto; i++)
		if (upc_fetcharg_name(argv[i], strlen(argv[i]), i + 1, used, sizeof(used)) == n &&
		    !memcmp(used, name, n))
			return true;
	return false;
}

static int translate(const struct upc_arch *arch, bool ret, char *const usdt[], int nusdt,
		     int argc, char *const argv[], char *out, size_t len)
{
	struct fa f = { .arch = arch, .ret = ret, .out = out, .len = len, .usdt = usdt,
			.nusdt = nusdt };
	int r;

	if (!len)
		return -E2BIG;
	out[0] = '\0';
	if (argc > UPC_MAX_ARGS) {
		pr_err("%d fetch arguments: the kernel takes at most %d", argc, UPC_MAX_ARGS);
		return -EINVAL;
	}
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq, *body, *colon;
		size_t n = strlen(a), start;

		f.index = i + 1;
		f.arg = a;
		f.memory = f.comm = false;
		for (size_t k = 0; k < n; k++)
			if ((unsigned char)a[k] <= ' ' || a[k] == '#' || (unsigned char)a[k] >= 0x7f)
				return fa_err(&f, "white space, '#', control characters and bytes "
					      "outside ASCII cannot be written to uprobe_events");
		if (!n)
			return fa_err(&f, "empty");
		if (i && (r = put(&f, " ", 1)))
			return r;
		body = a;
		eq = strchr(a, '=');
		if (eq && eq > a && upc_is_ident(a, (size_t)(eq - a))) {
			size_t nl = (size_t)(eq - a);

			if (nl > UPC_MAX_ARGNAME)
				return fa_err(&f, "the name is longer than %d characters",
					      UPC_MAX_ARGNAME);
			if (nl >= 7 && !memcmp(a, "common_", 7))
				return fa_err(&f, "names starting with common_ are reserved");
			if (name_used(argv, i, a, nl))
				return fa_err(&f, "the name '%.*s' is already used", (int)nl, a);
			if ((r = put(&f, a, nl + 1)))
				return r;
			body = eq + 1;
		} else if (eq) {
			return fa_err(&f, "a name is an identifier: NAME=EXPR");
		}
		colon = strrchr(body, ':');
		start = f.used;
		r = expr(&f, body, colon ? (size_t)(colon - body) : strlen(body), 0);
		if (r)
			return r == -E2BIG ? fa_err(&f, "too long") : r;
		if (f.used - start > UPC_MAX_ARGSTR)
			return fa_err(&f, "the expression '%s' is longer than the kernel's %d "
				      "characters", out + start, UPC_MAX_ARGSTR);
		if (colon) {
			if ((r = put(&f, ":", 1)) || (r = type(&f, colon + 1, strlen(colon + 1))))
				return r;
		} else if (f.comm && (r = put(&f, ":string", 7))) {
			return r;
		}
	}
	return (int)f.used;
}

int upc_fetchargs_translate(const struct upc_arch *arch, bool ret, int argc,
			    char *const argv[], char *out, size_t len)
{
	unsigned mark = upc_log_errors();

	return upc_explained(translate(arch, ret, NULL, 0, argc, argv, out, len), mark,
			     "fetch arguments");
}

int upc_fetchargs_translate_usdt(const struct upc_arch *arch, char *const usdt[], int nusdt,
				 int argc, char *const argv[], char *out, size_t len)
{
	unsigned mark = upc_log_errors();

	return upc_explained(translate(arch, false, usdt, nusdt, argc, argv, out, len), mark,
			     "fetch arguments");
}
