// SPDX-License-Identifier: MIT
/*
 * Demangling C++ (the Itanium ABI, as g++ and clang emit it) and Rust
 * (legacy and v0), into the text binutils' c++filt prints, byte for byte,
 * because that is what people compare with and search for.
 *
 * C++: the name is parsed into a tree of nodes (names, types, template
 * arguments, expressions), substitutions (S_, S0_, ...) pointing back into
 * it, and the tree is printed. A type is printed inside out: pointers,
 * references, qualifiers, arrays and function types wrap the name they
 * declare ("void (*)(int)", "int (&) [3]"), so the printer keeps a stack of
 * the modifiers met on the way down and prints each where C++ puts it.
 * Template parameters (T_) print as the argument of the template they
 * belong to, found on a stack of the templates being printed. c++filt's
 * own limits are kept: a name over 1024 bytes, or printing nested over
 * 1024 deep, is not demangled at all.
 *
 * Rust's legacy names are C++ nested names (_ZN...17h<hash>E) whose
 * identifiers carry $..$ escapes; v0 names (_R...) are their own grammar,
 * printed as it is read, with back references to earlier offsets.
 */
#include <stdio.h>
#include <stdlib.h>

#include "upc_internal.h"

#ifdef UPC_NO_DEMANGLE
/* Built without it (make DEMANGLE=0): no name is one to demangle. */
int upc_demangle(const char *name, size_t len, unsigned flags, char **out)
{
	(void)name;
	(void)len;
	(void)flags;
	*out = NULL;
	return -EINVAL;
}
#else

#define MAX_LEN 1024		/* c++filt demangles no longer name */
#define MAX_DEPTH 1024		/* nor one printed deeper */
#define MAX_OUT (256 * 1024)	/* substitutions can double the text at
				 * each step: longer is refused (the
				 * longest real one seen is 24 KiB) */

enum kind {
	K_NAME = 1, K_QUAL, K_LOCAL, K_TYPED, K_TAGGED, K_TEMPLATE, K_TPARAM, K_FPARAM,
	K_CTOR, K_DTOR, K_PREFIXED, K_CVTABLE, K_REFTEMP, K_SUB,
	K_RESTRICT, K_VOLATILE, K_CONST,
	/* qualifiers of a function type (of its this): keep them together */
	K_RESTRICT_THIS, K_VOLATILE_THIS, K_CONST_THIS, K_REF_THIS, K_RREF_THIS,
	K_TXSAFE, K_NOEXCEPT, K_THROW,
	K_VENDOR_QUAL, K_POINTER, K_REF, K_RREF, K_COMPLEX, K_IMAGINARY, K_VENDOR_TYPE,
	K_BUILTIN, K_FUNC, K_ARRAY, K_PTRMEM, K_FIXED, K_VECTOR, K_ARGLIST, K_TARGLIST,
	K_INITLIST, K_OP, K_EXTOP, K_CAST, K_CONV, K_NULLARY, K_UNARY, K_BINARY, K_BARGS,
	K_TRINARY, K_TARG1, K_TARG2, K_LIT, K_LITNEG, K_NUMBER, K_DECLTYPE,
	K_PACK, K_DEFARG, K_LAMBDA, K_UNNAMED, K_CLONE,
};
#define FNQUAL(k) ((k) >= K_RESTRICT_THIS && (k) <= K_THROW)
#define CVQUAL(k) ((k) >= K_RESTRICT && (k) <= K_CONST)

/* How a builtin type's literals print. */
enum { P_DEFAULT, P_INT, P_UNSIGNED, P_LONG, P_ULONG, P_LLONG, P_ULLONG, P_BOOL, P_FLOAT,
       P_VOID };

struct builtin {
	const char *name;
	unsigned char print;
};

/* a..z, then the D-prefixed ones */
static const struct builtin builtins[] = {
	{ "signed char", P_DEFAULT }, { "bool", P_BOOL }, { "char", P_DEFAULT },
	{ "double", P_FLOAT }, { "long double", P_FLOAT }, { "float", P_FLOAT },
	{ "__float128", P_FLOAT }, { "unsigned char", P_DEFAULT }, { "int", P_INT },
	{ "unsigned int", P_UNSIGNED }, { NULL, 0 }, { "long", P_LONG },
	{ "unsigned long", P_ULONG }, { "__int128", P_DEFAULT },
	{ "unsigned __int128", P_DEFAULT }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 },
	{ "short", P_DEFAULT }, { "unsigned short", P_DEFAULT }, { NULL, 0 },
	{ "void", P_VOID }, { "wchar_t", P_DEFAULT }, { "long long", P_LLONG },
	{ "unsigned long long", P_ULLONG }, { "...", P_DEFAULT },
#define B_DF 26
	{ "decimal32", P_DEFAULT }, { "decimal64", P_DEFAULT }, { "decimal128", P_DEFAULT },
	{ "half", P_FLOAT }, { "char8_t", P_DEFAULT }, { "char16_t", P_DEFAULT },
	{ "char32_t", P_DEFAULT }, { "decltype(nullptr)", P_DEFAULT },
};
#define B_NULLPTR 33

struct op {
	char code[3];
	const char *name;
	unsigned char args;
};

/* sorted by code, for the binary search */
static const struct op ops[] = {
	{ "aN", "&=", 2 }, { "aS", "=", 2 }, { "aa", "&&", 2 }, { "ad", "&", 1 },
	{ "an", "&", 2 }, { "at", "alignof ", 1 }, { "aw", "co_await ", 1 },
	{ "az", "alignof ", 1 }, { "cc", "const_cast", 2 }, { "cl", "()", 2 },
	{ "cm", ",", 2 }, { "co", "~", 1 }, { "dV", "/=", 2 }, { "dX", "[...]=", 3 },
	{ "da", "delete[] ", 1 }, { "dc", "dynamic_cast", 2 }, { "de", "*", 1 },
	{ "di", "=", 2 }, { "dl", "delete ", 1 }, { "ds", ".*", 2 }, { "dt", ".", 2 },
	{ "dv", "/", 2 }, { "dx", "]=", 2 }, { "eO", "^=", 2 }, { "eo", "^", 2 },
	{ "eq", "==", 2 }, { "fL", "...", 3 }, { "fR", "...", 3 }, { "fl", "...", 2 },
	{ "fr", "...", 2 }, { "ge", ">=", 2 }, { "gs", "::", 1 }, { "gt", ">", 2 },
	{ "ix", "[]", 2 }, { "lS", "<<=", 2 }, { "le", "<=", 2 },
	{ "li", "operator\"\" ", 1 }, { "ls", "<<", 2 }, { "lt", "<", 2 },
	{ "mI", "-=", 2 }, { "mL", "*=", 2 }, { "mi", "-", 2 }, { "ml", "*", 2 },
	{ "mm", "--", 1 }, { "na", "new[]", 3 }, { "ne", "!=", 2 }, { "ng", "-", 1 },
	{ "nt", "!", 1 }, { "nw", "new", 3 }, { "nx", "noexcept", 1 }, { "oR", "|=", 2 },
	{ "oo", "||", 2 }, { "or", "|", 2 }, { "pL", "+=", 2 }, { "pl", "+", 2 },
	{ "pm", "->*", 2 }, { "pp", "++", 1 }, { "ps", "+", 1 }, { "pt", "->", 2 },
	{ "qu", "?", 3 }, { "rM", "%=", 2 }, { "rS", ">>=", 2 },
	{ "rc", "reinterpret_cast", 2 }, { "rm", "%", 2 }, { "rs", ">>", 2 },
	{ "sP", "sizeof...", 1 }, { "sZ", "sizeof...", 1 }, { "sc", "static_cast", 2 },
	{ "ss", "<=>", 2 }, { "st", "sizeof ", 1 }, { "sz", "sizeof ", 1 },
	{ "tr", "throw", 0 }, { "tw", "throw ", 1 },
};

struct dn {
	unsigned char k;
	unsigned char printing, counting;
	unsigned char flag;		/* K_FIXED: accum | sat << 1 */
	int num;
	const char *s;
	int len;
	struct dn *l, *r;
	const struct op *op;		/* K_OP */
	const struct builtin *bt;	/* K_BUILTIN */
};

struct dp {
	const char *n, *end;
	struct dn *nodes;
	int nnodes, capnodes;
	struct dn **subs;
	int nsubs, capsubs;
	struct dn *last_name;
	bool is_expr, is_conv, params;
	/* sr: 1 try the new form (sr N.. E name), -1 tried it, 0 the old */
	int unresolved;
};

static char peek(const struct dp *d)
{
	return d->n < d->end ? *d->n : 0;
}

static char peek2(const struct dp *d)
{
	return d->n + 1 < d->end ? d->n[1] : 0;
}

static char next(struct dp *d)
{
	return d->n < d->end ? *d->n++ : 0;
}

static bool eat(struct dp *d, char c)
{
	if (peek(d) != c)
		return false;
	d->n++;
	return true;
}

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_UPPER(c) ((c) >= 'A' && (c) <= 'Z')
#define IS_LOWER(c) ((c) >= 'a' && (c) <= 'z')

static struct dn *empty(struct dp *d)
{
	struct dn *p;

	if (d->nnodes >= d->capnodes)
		return NULL;
	p = &d->nodes[d->nnodes++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* A node of kind k over l and r, NULL when an operand it needs is missing
 * (a failure below comes up as NULL through here). */
static struct dn *make(struct dp *d, int k, struct dn *l, struct dn *r)
{
	struct dn *p;

	switch (k) {
	case K_QUAL: case K_LOCAL: case K_TYPED: case K_TAGGED: case K_TEMPLATE:
	case K_CVTABLE: case K_VENDOR_QUAL: case K_PTRMEM: case K_UNARY: case K_BINARY:
	case K_BARGS: case K_TRINARY: case K_TARG1: case K_LIT: case K_LITNEG:
	case K_VECTOR: case K_CLONE:
		if (!l || !r)
			return NULL;
		break;
	case K_ARRAY: case K_INITLIST:
		if (!r)
			return NULL;
		break;
	case K_FUNC: case K_RESTRICT: case K_VOLATILE: case K_CONST: case K_ARGLIST:
	case K_TARGLIST: case K_RESTRICT_THIS: case K_VOLATILE_THIS: case K_CONST_THIS:
	case K_REF_THIS: case K_RREF_THIS: case K_TXSAFE: case K_NOEXCEPT: case K_THROW:
		break;
	default:
		if (!l)
			return NULL;
	}
	if (!(p = empty(d)))
		return NULL;
	p->k = (unsigned char)k;
	p->l = l;
	p->r = r;
	return p;
}

static struct dn *mkname(struct dp *d, const char *s, int len)
{
	struct dn *p;

	if (!s || len <= 0 || !(p = empty(d)))
		return NULL;
	p->k = K_NAME;
	p->s = s;
	p->len = len;
	return p;
}

static struct dn *mkstr(struct dp *d, const char *s)
{
	return mkname(d, s, (int)strlen(s));
}

/* "vtable for X" and the others of one operand: kind K_PREFIXED, s the words */
static struct dn *prefixed(struct dp *d, const char *words, struct dn *sub)
{
	struct dn *p = make(d, K_PREFIXED, sub, NULL);

	if (p)
		p->s = words;
	return p;
}

static struct dn *mknum(struct dp *d, int k, int num, struct dn *l)
{
	struct dn *p = empty(d);

	if (p) {
		p->k = (unsigned char)k;
		p->num = num;
		p->l = l;
	}
	return p;
}

static struct dn *mkbuiltin(struct dp *d, const struct builtin *b)
{
	struct dn *p = empty(d);

	if (p) {
		p->k = K_BUILTIN;
		p->bt = b;
	}
	return p;
}

static bool add_sub(struct dp *d, struct dn *n)
{
	if (!n || d->nsubs >= d->capsubs)
		return false;
	d->subs[d->nsubs++] = n;
	return true;
}

static struct dn *encoding(struct dp *d, bool top);
static struct dn *name(struct dp *d);
static struct dn *type(struct dp *d);
static struct dn *expression(struct dp *d);
static struct dn *expression1(struct dp *d);
static struct dn *template_args(struct dp *d);
static struct dn *template_args1(struct dp *d);
static struct dn *template_arg(struct dp *d);
static struct dn *unqualified_name(struct dp *d);
static struct dn *operator_name(struct dp *d);
static struct dn *parmlist(struct dp *d);
static struct dn *substitution(struct dp *d, bool prefix);

/* [n] digits, -1 on overflow */
static int number(struct dp *d)
{
	bool neg = eat(d, 'n');
	int v = 0;

	while (IS_DIGIT(peek(d))) {
		if (v > (0x7fffffff - (peek(d) - '0')) / 10)
			return -1;
		v = v * 10 + (next(d) - '0');
	}
	return neg ? -v : v;
}

/* _ -> 0, N_ -> N + 1; -1 when malformed */
static int compact_number(struct dp *d)
{
	int num;

	if (peek(d) == '_')
		num = 0;
	else if (peek(d) == 'n')
		return -1;
	else
		num = number(d) + 1;
	if (num < 0 || !eat(d, '_'))
		return -1;
	return num;
}

static struct dn *source_name(struct dp *d)
{
	int len = number(d);
	const char *s = d->n;
	struct dn *ret;

	if (len <= 0 || d->end - s < len)
		return NULL;
	d->n += len;
	/* gcc's anonymous namespace: _GLOBAL_ then . _ or $, then N */
	if (len >= 10 && !memcmp(s, "_GLOBAL_", 8) && (s[8] == '.' || s[8] == '_' || s[8] == '$') &&
	    s[9] == 'N')
		ret = mkstr(d, "(anonymous namespace)");
	else
		ret = mkname(d, s, len);
	d->last_name = ret;
	return ret;
}

static struct dn *abi_tags(struct dp *d, struct dn *n)
{
	struct dn *hold = d->last_name;

	while (eat(d, 'B'))
		n = make(d, K_TAGGED, n, source_name(d));
	d->last_name = hold;
	return n;
}

/* _ N, or __ NN _ when N >= 10 (and _ NN, as old gcc wrote it) */
static bool discriminator(struct dp *d)
{
	bool two;
	int v;

	if (!eat(d, '_'))
		return true;
	two = eat(d, '_');
	if ((v = number(d)) < 0)
		return false;
	if (two && v >= 10 && !eat(d, '_'))
		return false;
	return true;
}

static struct dn *ctor_dtor_name(struct dp *d)
{
	int kind;

	if (peek(d) == 'C') {
		bool inheriting = peek2(d) == 'I';

		if (inheriting)
			d->n++;
		kind = peek2(d);
		if (kind < '1' || kind > '5')
			return NULL;
		d->n += 2;
		if (inheriting)
			type(d);
		return make(d, K_CTOR, d->last_name, NULL);
	}
	if (peek(d) == 'D') {
		kind = peek2(d);
		if (kind != '0' && kind != '1' && kind != '2' && kind != '4' && kind != '5')
			return NULL;
		d->n += 2;
		return make(d, K_DTOR, d->last_name, NULL);
	}
	return NULL;
}

static struct dn *lambda(struct dp *d)
{
	struct dn *tl;
	int num;

	d->n += 2;	/* Ul */
	if (!(tl = parmlist(d)) || !eat(d, 'E') || (num = compact_number(d)) < 0)
		return NULL;
	return mknum(d, K_LAMBDA, num, tl);
}

static struct dn *unnamed_type(struct dp *d)
{
	struct dn *ret;
	int num;

	d->n += 2;	/* Ut */
	if ((num = compact_number(d)) < 0)
		return NULL;
	ret = mknum(d, K_UNNAMED, num, NULL);
	return add_sub(d, ret) ? ret : NULL;
}

static struct dn *unqualified_name(struct dp *d)
{
	struct dn *ret;
	char c = peek(d);

	if (IS_DIGIT(c)) {
		ret = source_name(d);
	} else if (IS_LOWER(c)) {
		if (c == 'o' && peek2(d) == 'n')
			d->n += 2;
		ret = operator_name(d);
		if (ret && ret->k == K_OP && !strcmp(ret->op->code, "li"))
			ret = make(d, K_UNARY, ret, source_name(d));
	} else if (c == 'C' || c == 'D') {
		ret = ctor_dtor_name(d);
	} else if (c == 'L') {
		d->n++;
		if (!(ret = source_name(d)) || !discriminator(d))
			return NULL;
	} else if (c == 'U' && peek2(d) == 'l') {
		ret = lambda(d);
	} else if (c == 'U' && peek2(d) == 't') {
		ret = unnamed_type(d);
	} else {
		return NULL;
	}
	if (peek(d) == 'B')
		ret = abi_tags(d, ret);
	return ret;
}

static const struct op *find_op(char c1, char c2)
{
	size_t lo = 0, hi = sizeof(ops) / sizeof(ops[0]);

	while (lo < hi) {
		size_t i = lo + (hi - lo) / 2;
		const struct op *p = &ops[i];

		if (c1 == p->code[0] && c2 == p->code[1])
			return p;
		if (c1 < p->code[0] || (c1 == p->code[0] && c2 < p->code[1]))
			hi = i;
		else
			lo = i + 1;
	}
	return NULL;
}

static struct dn *operator_name(struct dp *d)
{
	char c1 = next(d), c2 = next(d);
	const struct op *op;
	struct dn *p;

	if (c1 == 'v' && IS_DIGIT(c2)) {
		p = make(d, K_EXTOP, source_name(d), NULL);
		if (p)
			p->num = c2 - '0';
		return p;
	}
	if (c1 == 'c' && c2 == 'v') {
		bool was = d->is_conv;
		struct dn *t;

		d->is_conv = !d->is_expr;
		t = type(d);
		p = make(d, d->is_conv ? K_CONV : K_CAST, t, NULL);
		d->is_conv = was;
		return p;
	}
	if (!(op = find_op(c1, c2)) || !(p = empty(d)))
		return NULL;
	p->k = K_OP;
	p->op = op;
	return p;
}

/* h N _, or v N _ N _ */
static bool call_offset(struct dp *d, char c)
{
	if (!c)
		c = next(d);
	if (c == 'h') {
		number(d);
	} else if (c == 'v') {
		number(d);
		if (!eat(d, '_'))
			return false;
		number(d);
	} else {
		return false;
	}
	return eat(d, '_');
}

static struct dn *special_name(struct dp *d)
{
	char c;

	if (eat(d, 'T')) {
		switch (c = next(d)) {
		case 'V': return prefixed(d, "vtable for ", type(d));
		case 'T': return prefixed(d, "VTT for ", type(d));
		case 'I': return prefixed(d, "typeinfo for ", type(d));
		case 'S': return prefixed(d, "typeinfo name for ", type(d));
		case 'F': return prefixed(d, "typeinfo fn for ", type(d));
		case 'J': return prefixed(d, "java Class for ", type(d));
		case 'H': return prefixed(d, "TLS init function for ", name(d));
		case 'W': return prefixed(d, "TLS wrapper function for ", name(d));
		case 'A': return prefixed(d, "template parameter object for ", template_arg(d));
		case 'h':
		case 'v':
			if (!call_offset(d, c))
				return NULL;
			return prefixed(d, c == 'h' ? "non-virtual thunk to " : "virtual thunk to ",
					encoding(d, false));
		case 'c':
			if (!call_offset(d, 0) || !call_offset(d, 0))
				return NULL;
			return prefixed(d, "covariant return thunk to ", encoding(d, false));
		case 'C': {
			struct dn *derived = type(d), *base;

			if (number(d) < 0 || !eat(d, '_'))
				return NULL;
			base = type(d);
			return make(d, K_CVTABLE, base, derived);
		}
		default:
			return NULL;
		}
	}
	if (eat(d, 'G')) {
		switch (next(d)) {
		case 'V': return prefixed(d, "guard variable for ", name(d));
		case 'R': {
			struct dn *n = name(d);

			return make(d, K_REFTEMP, n, mknum(d, K_NUMBER, number(d), NULL));
		}
		case 'A': return prefixed(d, "hidden alias for ", encoding(d, false));
		case 'T':
			if (next(d) == 'n')
				return prefixed(d, "non-transaction clone for ", encoding(d, false));
			return prefixed(d, "transaction clone for ", encoding(d, false));
		default:
			return NULL;
		}
	}
	return NULL;
}

static struct dn *nested_name(struct dp *d);
static struct dn *local_name(struct dp *d);

/* <CV-qualifiers>, and for a function type the noexcept, throw(),
 * transaction_safe ones: a chain through l, *pret its tail. */
static struct dn **cv_qualifiers(struct dp *d, struct dn **pret, bool member_fn)
{
	struct dn **start = pret;
	char c = peek(d);

	for (;;) {
		struct dn *right = NULL;
		int k;

		if (c == 'r' || c == 'V' || c == 'K') {
			d->n++;
			k = c == 'r' ? K_RESTRICT : c == 'V' ? K_VOLATILE : K_CONST;
			if (member_fn)
				k += K_RESTRICT_THIS - K_RESTRICT;
		} else if (c == 'D' && (peek2(d) == 'x' || peek2(d) == 'o' || peek2(d) == 'O' ||
					peek2(d) == 'w')) {
			d->n++;
			c = next(d);
			if (c == 'x') {
				k = K_TXSAFE;
			} else if (c == 'o' || c == 'O') {
				k = K_NOEXCEPT;
				if (c == 'O' && (!(right = expression(d)) || !eat(d, 'E')))
					return NULL;
			} else {
				k = K_THROW;
				if (!(right = parmlist(d)) || !eat(d, 'E'))
					return NULL;
			}
		} else {
			break;
		}
		if (!(*pret = make(d, k, NULL, right)))
			return NULL;
		pret = &(*pret)->l;
		c = peek(d);
	}
	if (!member_fn && c == 'F') {
		for (; start != pret; start = &(*start)->l)
			if (CVQUAL((*start)->k))
				(*start)->k += K_RESTRICT_THIS - K_RESTRICT;
	}
	return pret;
}

static struct dn *ref_qualifier(struct dp *d, struct dn *sub)
{
	if (eat(d, 'R'))
		return make(d, K_REF_THIS, sub, NULL);
	if (eat(d, 'O'))
		return make(d, K_RREF_THIS, sub, NULL);
	return sub;
}

/* <type>+, a lone void dropped: an ARGLIST chain */
static struct dn *parmlist(struct dp *d)
{
	struct dn *tl = NULL, **ptl = &tl;

	for (;;) {
		char c = peek(d);
		struct dn *t;

		if (!c || c == 'E' || c == '.')
			break;
		if ((c == 'R' || c == 'O') && peek2(d) == 'E')
			break;	/* a ref-qualifier of the function */
		if (!(t = type(d)) || !(*ptl = make(d, K_ARGLIST, t, NULL)))
			return NULL;
		ptl = &(*ptl)->r;
	}
	if (!tl)
		return NULL;
	if (!tl->r && tl->l->k == K_BUILTIN && tl->l->bt->print == P_VOID)
		tl->l = NULL;
	return tl;
}

static struct dn *bare_function_type(struct dp *d, bool has_return)
{
	struct dn *ret = NULL, *tl;

	if (eat(d, 'J'))
		has_return = true;
	if (has_return && !(ret = type(d)))
		return NULL;
	if (!(tl = parmlist(d)))
		return NULL;
	return make(d, K_FUNC, ret, tl);
}

static struct dn *function_type(struct dp *d)
{
	struct dn *ret;

	if (!eat(d, 'F'))
		return NULL;
	eat(d, 'Y');	/* extern "C": not printed */
	ret = ref_qualifier(d, bare_function_type(d, true));
	return eat(d, 'E') ? ret : NULL;
}

static bool is_ctor_dtor_conv(const struct dn *n)
{
	while (n && (n->k == K_QUAL || n->k == K_LOCAL))
		n = n->r;
	return n && (n->k == K_CTOR || n->k == K_DTOR || n->k == K_CONV);
}

static bool has_return_type(const struct dn *n)
{
	if (!n)
		return false;
	if (n->k == K_LOCAL)
		return has_return_type(n->r);
	if (n->k == K_TEMPLATE)
		return !is_ctor_dtor_conv(n->l);
	if (FNQUAL(n->k))
		return has_return_type(n->l);
	return false;
}

static struct dn *encoding(struct dp *d, bool top)
{
	char c = peek(d);
	struct dn *n;

	if (c == 'G' || c == 'T')
		return special_name(d);
	if (!(n = name(d)))
		return NULL;
	if (top && !d->params) {
		/* the qualifiers of this, and of a local class's function */
		while (FNQUAL(n->k))
			n = n->l;
		if (n->k == K_LOCAL) {
			while (n->r && FNQUAL(n->r->k))
				n->r = n->r->l;
			if (!n->r)
				return NULL;
		}
		return n;
	}
	c = peek(d);
	if (c && c != 'E') {
		struct dn *ft = bare_function_type(d, has_return_type(n));

		if (!ft)
			return NULL;
		if (!top && n->k == K_LOCAL && ft->k == K_FUNC)
			ft->l = NULL;
		n = make(d, K_TYPED, n, ft);
	}
	return n;
}

static struct dn *name(struct dp *d)
{
	struct dn *n;

	switch (peek(d)) {
	case 'N':
		return nested_name(d);
	case 'Z':
		return local_name(d);
	case 'U':
		return unqualified_name(d);
	case 'S': {
		bool subst = peek2(d) != 't';

		if (subst) {
			n = substitution(d, false);
		} else {
			d->n += 2;
			n = make(d, K_QUAL, mkstr(d, "std"), unqualified_name(d));
		}
		if (peek(d) == 'I') {
			if (!subst && !add_sub(d, n))
				return NULL;
			n = make(d, K_TEMPLATE, n, template_args(d));
		}
		return n;
	}
	default:
		n = unqualified_name(d);
		if (peek(d) == 'I') {
			if (!add_sub(d, n))
				return NULL;
			n = make(d, K_TEMPLATE, n, template_args(d));
		}
		return n;
	}
}

static struct dn *template_param(struct dp *d);

static struct dn *prefix(struct dp *d, bool substable)
{
	struct dn *ret = NULL;

	for (;;) {
		char c = peek(d);
		int comb = K_QUAL;
		struct dn *n;

		if (!c)
			return NULL;
		if (c == 'D') {
			if (peek2(d) == 'T' || peek2(d) == 't')
				n = type(d);
			else
				n = unqualified_name(d);
		} else if (IS_DIGIT(c) || IS_LOWER(c) || c == 'C' || c == 'U' || c == 'L') {
			n = unqualified_name(d);
		} else if (c == 'S') {
			n = substitution(d, true);
		} else if (c == 'I') {
			if (!ret)
				return NULL;
			comb = K_TEMPLATE;
			n = template_args(d);
		} else if (c == 'T') {
			n = template_param(d);
		} else if (c == 'E') {
			return ret;
		} else if (c == 'M') {
			/* a lambda's initializer scope: printed as the scope it is */
			if (!ret)
				return NULL;
			d->n++;
			continue;
		} else {
			return NULL;
		}
		ret = ret ? make(d, comb, ret, n) : n;
		if (!ret)
			return NULL;
		if (substable && c != 'S' && peek(d) != 'E' && !add_sub(d, ret))
			return NULL;
	}
}

static struct dn *nested_name(struct dp *d)
{
	struct dn *ret = NULL, **pret, *rqual;

	d->n++;	/* N */
	if (!(pret = cv_qualifiers(d, &ret, true)))
		return NULL;
	rqual = ref_qualifier(d, NULL);
	if (!(*pret = prefix(d, true)))
		return NULL;
	if (rqual) {
		rqual->l = ret;
		ret = rqual;
	}
	return eat(d, 'E') ? ret : NULL;
}

static struct dn *local_name(struct dp *d)
{
	struct dn *fn, *n;

	d->n++;	/* Z */
	if (!(fn = encoding(d, false)) || !eat(d, 'E'))
		return NULL;
	if (eat(d, 's')) {
		if (!discriminator(d))
			return NULL;
		n = mkstr(d, "string literal");
	} else {
		int num = -1;

		if (eat(d, 'd') && (num = compact_number(d)) < 0)
			return NULL;
		n = name(d);
		if (n && n->k != K_LAMBDA && n->k != K_UNNAMED && !discriminator(d))
			return NULL;
		if (num >= 0)
			n = mknum(d, K_DEFARG, num, n);
	}
	/* the enclosing function's return type is not this entity's */
	if (fn->k == K_TYPED && fn->r->k == K_FUNC)
		fn->r->l = NULL;
	return make(d, K_LOCAL, fn, n);
}

static struct dn *template_param(struct dp *d)
{
	int param;

	if (!eat(d, 'T') || (param = compact_number(d)) < 0)
		return NULL;
	return mknum(d, K_TPARAM, param, NULL);
}

static struct dn *array_type(struct dp *d)
{
	struct dn *dim = NULL;

	d->n++;	/* A */
	if (IS_DIGIT(peek(d))) {
		const char *s = d->n;

		while (IS_DIGIT(peek(d)))
			d->n++;
		if (!(dim = mkname(d, s, (int)(d->n - s))))
			return NULL;
	} else if (peek(d) != '_' && !(dim = expression(d))) {
		return NULL;
	}
	if (!eat(d, '_'))
		return NULL;
	return make(d, K_ARRAY, dim, type(d));
}

static struct dn *vector_type(struct dp *d)
{
	struct dn *dim;

	if (eat(d, '_'))
		dim = expression(d);
	else
		dim = mknum(d, K_NUMBER, number(d), NULL);
	if (!dim || !eat(d, '_'))
		return NULL;
	return make(d, K_VECTOR, dim, type(d));
}

static struct dn *type(struct dp *d)
{
	struct dn *ret = NULL;
	bool can_subst = true;
	char c = peek(d);

	if (c == 'r' || c == 'V' || c == 'K' ||
	    (c == 'D' && (peek2(d) == 'x' || peek2(d) == 'o' || peek2(d) == 'O' ||
			  peek2(d) == 'w'))) {
		struct dn **pret = cv_qualifiers(d, &ret, false);

		if (!pret)
			return NULL;
		/* qualifiers before a function type are its this's: the bare
		 * function type is no substitution of its own */
		*pret = peek(d) == 'F' ? function_type(d) : type(d);
		if (!*pret)
			return NULL;
		if ((*pret)->k == K_RREF_THIS || (*pret)->k == K_REF_THIS) {
			/* the ref-qualifier goes outside the cv-qualifiers */
			struct dn *fn = (*pret)->l;

			(*pret)->l = ret;
			ret = *pret;
			*pret = fn;
		}
		return add_sub(d, ret) ? ret : NULL;
	}
	switch (c) {
	case 'a': case 'b': case 'c': case 'd': case 'e': case 'f': case 'g': case 'h':
	case 'i': case 'j': case 'l': case 'm': case 'n': case 'o': case 's': case 't':
	case 'v': case 'w': case 'x': case 'y': case 'z':
		d->n++;
		return mkbuiltin(d, &builtins[c - 'a']);
	case 'u':
		d->n++;
		ret = make(d, K_VENDOR_TYPE, source_name(d), NULL);
		break;
	case 'F':
		ret = function_type(d);
		break;
	case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
	case '8': case '9': case 'N': case 'Z':
		ret = name(d);
		break;
	case 'A':
		ret = array_type(d);
		break;
	case 'M': {
		struct dn *cl, *mem;

		d->n++;
		if (!(cl = type(d)) || !(mem = type(d)))
			return NULL;
		ret = make(d, K_PTRMEM, cl, mem);
		break;
	}
	case 'T':
		ret = template_param(d);
		if (peek(d) == 'I') {
			if (!d->is_conv) {
				if (!add_sub(d, ret))
					return NULL;
				ret = make(d, K_TEMPLATE, ret, template_args(d));
			} else {
				/* in a conversion operator's type, arguments
				 * followed by more are the template-template
				 * parameter's; else they are the prefix's */
				const char *save_n = d->n;
				int save_nodes = d->nnodes, save_subs = d->nsubs;
				struct dn *args = template_args(d);

				if (peek(d) == 'I') {
					if (!add_sub(d, ret))
						return NULL;
					ret = make(d, K_TEMPLATE, ret, args);
				} else {
					d->n = save_n;
					d->nnodes = save_nodes;
					d->nsubs = save_subs;
				}
			}
		}
		break;
	case 'S': {
		char c2 = peek2(d);

		if (IS_DIGIT(c2) || c2 == '_' || IS_UPPER(c2)) {
			ret = substitution(d, false);
			if (peek(d) == 'I')
				ret = make(d, K_TEMPLATE, ret, template_args(d));
			else
				can_subst = false;
		} else {
			ret = name(d);
			/* a whole standard abbreviation is no new candidate */
			if (ret && ret->k == K_SUB)
				can_subst = false;
		}
		break;
	}
	case 'O':
	case 'P':
	case 'R':
	case 'C':
	case 'G':
		d->n++;
		ret = make(d, c == 'O' ? K_RREF : c == 'P' ? K_POINTER : c == 'R' ? K_REF :
			   c == 'C' ? K_COMPLEX : K_IMAGINARY, type(d), NULL);
		break;
	case 'U':
		d->n++;
		ret = source_name(d);
		if (peek(d) == 'I')
			ret = make(d, K_TEMPLATE, ret, template_args(d));
		ret = make(d, K_VENDOR_QUAL, type(d), ret);
		break;
	case 'D':
		can_subst = false;
		d->n++;
		switch (next(d)) {
		case 'T':
		case 't':
			ret = make(d, K_DECLTYPE, expression(d), NULL);
			if (ret && !eat(d, 'E'))
				ret = NULL;
			can_subst = true;
			break;
		case 'p':
			ret = make(d, K_PACK, type(d), NULL);
			can_subst = true;
			break;
		case 'a':
			ret = mkstr(d, "auto");
			break;
		case 'c':
			ret = mkstr(d, "decltype(auto)");
			break;
		case 'f': case 'd': case 'e': case 'h': case 'u': case 's': case 'i': case 'n':
			/* decimal floats, half, char8/16/32_t, decltype(nullptr) */
			ret = mkbuiltin(d, &builtins[B_DF + (strchr("fdehusin", d->n[-1]) -
							    "fdehusin")]);
			break;
		case 'F': {
			/* fixed point: DF [bits] <type> <fract bits> [s] */
			struct dn *p = empty(d);

			if (!p)
				return NULL;
			p->k = K_FIXED;
			if (IS_DIGIT(peek(d))) {
				p->flag = 1;
				number(d);
			}
			if (!(p->l = type(d)))
				return NULL;
			number(d);
			if (next(d) == 's')
				p->flag |= 2;
			ret = p;
			break;
		}
		case 'v':
			ret = vector_type(d);
			can_subst = true;
			break;
		default:
			return NULL;
		}
		break;
	default:
		return NULL;
	}
	if (can_subst && !add_sub(d, ret))
		return NULL;
	return ret;
}

static struct dn *template_args(struct dp *d)
{
	if (peek(d) != 'I' && peek(d) != 'J')
		return NULL;
	d->n++;
	return template_args1(d);
}

static struct dn *template_args1(struct dp *d)
{
	struct dn *hold = d->last_name, *al = NULL, **pal = &al;

	if (eat(d, 'E'))	/* an empty pack */
		return make(d, K_TARGLIST, NULL, NULL);
	do {
		struct dn *a = template_arg(d);

		if (!a || !(*pal = make(d, K_TARGLIST, a, NULL)))
			return NULL;
		pal = &(*pal)->r;
	} while (!eat(d, 'E'));
	d->last_name = hold;
	return al;
}

static struct dn *expr_primary(struct dp *d);

static struct dn *template_arg(struct dp *d)
{
	struct dn *ret;

	switch (peek(d)) {
	case 'X':
		d->n++;
		ret = expression(d);
		return eat(d, 'E') ? ret : NULL;
	case 'L':
		return expr_primary(d);
	case 'I':
	case 'J':
		return template_args(d);
	default:
		return type(d);
	}
}

static struct dn *exprlist(struct dp *d, char term)
{
	struct dn *list = NULL, **p = &list;

	if (eat(d, term))
		return make(d, K_ARGLIST, NULL, NULL);
	do {
		struct dn *a = expression(d);

		if (!a || !(*p = make(d, K_ARGLIST, a, NULL)))
			return NULL;
		p = &(*p)->r;
	} while (!eat(d, term));
	return list;
}

static bool op_is_new_cast(const struct dn *op)
{
	const char *c = op->op->code;

	return c[1] == 'c' && (c[0] == 's' || c[0] == 'd' || c[0] == 'c' || c[0] == 'r');
}

static struct dn *mangled_name(struct dp *d, bool top);

/* sr <type> <name>, or (newer) sr <qualifiers>+ E <name>: the two
 * read alike, so the newer is tried first, the older when that fails */
static struct dn *unresolved_name(struct dp *d)
{
	struct dn *t, *n;
	char c;

	d->n += 2;
	c = peek(d);
	if (d->unresolved && (IS_DIGIT(c) || IS_LOWER(c) || c == 'C' || c == 'U' || c == 'L')) {
		d->unresolved = -1;
		t = prefix(d, false);
		eat(d, 'E');
	} else {
		t = type(d);
	}
	n = make(d, K_QUAL, t, unqualified_name(d));
	if (peek(d) == 'I')
		n = make(d, K_TEMPLATE, n, template_args(d));
	return n;
}

static struct dn *expression1(struct dp *d)
{
	char c = peek(d), c2 = peek2(d);
	struct dn *op, *n;
	const char *code = NULL;
	int args;

	if (c == 'L')
		return expr_primary(d);
	if (c == 'T')
		return template_param(d);
	if (c == 's' && c2 == 'r')
		return unresolved_name(d);
	if (c == 's' && c2 == 'p') {
		d->n += 2;
		return make(d, K_PACK, expression1(d), NULL);
	}
	if (c == 'f' && c2 == 'p') {
		int index;

		d->n += 2;
		if (eat(d, 'T')) {
			index = 0;	/* this */
		} else {
			index = compact_number(d);
			if (index == 0x7fffffff || index == -1)
				return NULL;
			index++;
		}
		return mknum(d, K_FPARAM, index, NULL);
	}
	if (IS_DIGIT(c) || (c == 'o' && c2 == 'n')) {
		/* a dependent name called: decltype(f(t)) */
		if (c == 'o')
			d->n += 2;
		if (!(n = unqualified_name(d)))
			return NULL;
		if (peek(d) == 'I')
			return make(d, K_TEMPLATE, n, template_args(d));
		return n;
	}
	if ((c == 'i' || c == 't') && c2 == 'l') {
		struct dn *t = NULL;

		d->n += 2;
		if (c == 't')
			t = type(d);
		if (!peek(d) || !peek2(d))
			return NULL;
		return make(d, K_INITLIST, t, exprlist(d, 'E'));
	}
	if (!(op = operator_name(d)))
		return NULL;
	if (op->k == K_OP) {
		code = op->op->code;
		if (!strcmp(code, "st"))
			return make(d, K_UNARY, op, type(d));
		args = op->op->args;
	} else if (op->k == K_EXTOP) {
		args = op->num;
	} else if (op->k == K_CAST) {
		args = 1;
	} else {
		return NULL;
	}
	switch (args) {
	case 0:
		return make(d, K_NULLARY, op, NULL);
	case 1: {
		struct dn *operand;
		bool suffix = false;

		/* pp_ and mm_ are the prefix forms */
		if (code && (code[0] == 'p' || code[0] == 'm') && code[1] == code[0])
			suffix = !eat(d, '_');
		if (op->k == K_CAST && eat(d, '_'))
			operand = exprlist(d, 'E');
		else if (code && !strcmp(code, "sP"))
			operand = template_args1(d);
		else
			operand = expression1(d);
		if (suffix)	/* marked for the printer */
			operand = make(d, K_BARGS, operand, operand);
		return make(d, K_UNARY, op, operand);
	}
	case 2: {
		struct dn *left, *right;

		if (!code)
			return NULL;
		if (op_is_new_cast(op))
			left = type(d);
		else if (code[0] == 'f')
			left = operator_name(d);
		else if (!strcmp(code, "di"))
			left = unqualified_name(d);
		else
			left = expression1(d);
		if (!strcmp(code, "cl")) {
			right = exprlist(d, 'E');
		} else if (!strcmp(code, "dt") || !strcmp(code, "pt")) {
			if ((peek(d) == 'g' && peek2(d) == 's') || (peek(d) == 's' && peek2(d) == 'r')) {
				right = expression1(d);	/* a qualified name */
			} else {
				right = unqualified_name(d);
				if (peek(d) == 'I')
					right = make(d, K_TEMPLATE, right, template_args(d));
			}
		} else {
			right = expression1(d);
		}
		return make(d, K_BINARY, op, make(d, K_BARGS, left, right));
	}
	case 3: {
		struct dn *first, *second, *third;

		if (!code)
			return NULL;
		if (!strcmp(code, "qu") || !strcmp(code, "dX")) {
			first = expression1(d);
			second = expression1(d);
			if (!(third = expression1(d)))
				return NULL;
		} else if (code[0] == 'f') {
			first = operator_name(d);
			second = expression1(d);
			if (!(third = expression1(d)))
				return NULL;
		} else if (code[0] == 'n') {
			if (code[1] != 'w' && code[1] != 'a')
				return NULL;
			first = exprlist(d, '_');
			second = type(d);
			if (eat(d, 'E')) {
				third = NULL;
			} else if (peek(d) == 'p' && peek2(d) == 'i') {
				d->n += 2;
				third = exprlist(d, 'E');
			} else if (peek(d) == 'i' && peek2(d) == 'l') {
				third = expression1(d);
			} else {
				return NULL;
			}
		} else {
			return NULL;
		}
		return make(d, K_TRINARY, op,
			    make(d, K_TARG1, first, make(d, K_TARG2, second, third)));
	}
	default:
		return NULL;
	}
}

static struct dn *expression(struct dp *d)
{
	bool was = d->is_expr;
	struct dn *ret;

	d->is_expr = true;
	ret = expression1(d);
	d->is_expr = was;
	return ret;
}

static struct dn *expr_primary(struct dp *d)
{
	struct dn *ret;

	d->n++;	/* L */
	if (peek(d) == '_' || peek(d) == 'Z') {	/* Z: an old g++ dropped the _ */
		ret = mangled_name(d, false);
	} else {
		struct dn *t = type(d);
		const char *s;
		int k = K_LIT;

		if (!t)
			return NULL;
		if (t->k == K_BUILTIN && t->bt == &builtins[B_NULLPTR] && eat(d, 'E'))
			return t;
		if (eat(d, 'n'))
			k = K_LITNEG;
		s = d->n;
		while (peek(d) != 'E') {
			if (!peek(d))
				return NULL;
			d->n++;
		}
		ret = make(d, k, t, mkname(d, s, (int)(d->n - s)));
	}
	return eat(d, 'E') ? ret : NULL;
}

/* [ . <clone-type-identifier> ] [ . <number> ]* */
static struct dn *clone_suffix(struct dp *d, struct dn *enc)
{
	const char *s = d->n, *e = s;

	if (*e == '.' && (IS_LOWER(e[1]) || e[1] == '_')) {
		e += 2;
		while (e < d->end && (IS_LOWER(*e) || *e == '_'))
			e++;
	}
	while (e + 1 < d->end && *e == '.' && IS_DIGIT(e[1])) {
		e += 2;
		while (e < d->end && IS_DIGIT(*e))
			e++;
	}
	d->n = e;
	return make(d, K_CLONE, enc, mkname(d, s, (int)(e - s)));
}

static struct dn *mangled_name(struct dp *d, bool top)
{
	struct dn *p;

	/* below the top, a missing _ is g++'s abi-version=2 bug */
	if (!eat(d, '_') && top)
		return NULL;
	if (!eat(d, 'Z'))
		return NULL;
	p = encoding(d, top);
	if (top && d->params)
		while (p && peek(d) == '.' &&
		       (IS_LOWER(peek2(d)) || peek2(d) == '_' || IS_DIGIT(peek2(d))))
			p = clone_suffix(d, p);
	return p;
}

struct stdsub {
	char code;
	const char *simple, *full, *last;
};

static const struct stdsub stdsubs[] = {
	{ 't', "std", "std", NULL },
	{ 'a', "std::allocator", "std::allocator", "allocator" },
	{ 'b', "std::basic_string", "std::basic_string", "basic_string" },
	{ 's', "std::string",
	  "std::basic_string<char, std::char_traits<char>, std::allocator<char> >",
	  "basic_string" },
	{ 'i', "std::istream", "std::basic_istream<char, std::char_traits<char> >",
	  "basic_istream" },
	{ 'o', "std::ostream", "std::basic_ostream<char, std::char_traits<char> >",
	  "basic_ostream" },
	{ 'd', "std::iostream", "std::basic_iostream<char, std::char_traits<char> >",
	  "basic_iostream" },
};

static struct dn *mksub(struct dp *d, const char *s)
{
	struct dn *p = mknum(d, K_SUB, 0, NULL);

	if (p) {
		p->s = s;
		p->len = (int)strlen(s);
	}
	return p;
}

/* S_, S<seq-id>_, and the standard abbreviations, verbose as c++filt
 * prints them */
static struct dn *substitution(struct dp *d, bool prefix)
{
	char c;

	(void)prefix;	/* verbose: the full expansion either way */
	if (!eat(d, 'S'))
		return NULL;
	c = next(d);
	if (c == '_' || IS_DIGIT(c) || IS_UPPER(c)) {
		unsigned id = 0;

		if (c != '_') {
			do {
				unsigned nid;

				if (IS_DIGIT(c))
					nid = id * 36 + (unsigned)(c - '0');
				else if (IS_UPPER(c))
					nid = id * 36 + (unsigned)(c - 'A' + 10);
				else
					return NULL;
				if (nid < id)
					return NULL;
				id = nid;
				c = next(d);
			} while (c != '_');
			id++;
		}
		if (id >= (unsigned)d->nsubs)
			return NULL;
		return d->subs[id];
	}
	for (size_t i = 0; i < sizeof(stdsubs) / sizeof(stdsubs[0]); i++) {
		const struct stdsub *p = &stdsubs[i];
		struct dn *n;

		if (c != p->code)
			continue;
		if (p->last)
			d->last_name = mksub(d, p->last);
		n = mksub(d, p->full);
		if (peek(d) == 'B') {	/* tagged, it is a candidate */
			n = abi_tags(d, n);
			if (!add_sub(d, n))
				return NULL;
		}
		return n;
	}
	return NULL;
}

/* ---- printing ------------------------------------------------------------ */

struct ptpl {
	struct ptpl *next;
	const struct dn *decl;
};

struct pmod {
	struct pmod *next;
	struct dn *mod;
	int printed;
	struct ptpl *templates;
};

struct pstack {
	const struct dn *dc;
	const struct pstack *parent;
};

struct pscope {
	const struct dn *container;
	struct ptpl *templates;
};

struct pr {
	char *buf;
	size_t len, cap;
	char last;
	bool err;
	struct ptpl *templates;
	struct pmod *mods;
	int depth, lambda_arg, pack_index;
	const struct pstack *stack;
	struct pscope *scopes;
	int nscopes, capscopes;
	struct ptpl *copies;
	int ncopies, capcopies;
	const struct dn *cur_template;
};

static void put(struct pr *p, const char *s, size_t n)
{
	if (p->err || !n)
		return;
	if (p->len + n > MAX_OUT) {
		p->err = true;
		return;
	}
	if (p->len + n + 1 > p->cap) {
		size_t cap = p->cap ? p->cap : 64;
		char *b;

		while (cap < p->len + n + 1)
			cap *= 2;
		if (!(b = realloc(p->buf, cap))) {
			p->err = true;
			return;
		}
		p->buf = b;
		p->cap = cap;
	}
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	p->last = s[n - 1];
}

static void puts_(struct pr *p, const char *s)
{
	put(p, s, strlen(s));
}

static void putc_(struct pr *p, char c)
{
	put(p, &c, 1);
}

static void putnum(struct pr *p, long v)
{
	char b[24];

	put(p, b, (size_t)snprintf(b, sizeof(b), "%ld", v));
}

static void print(struct pr *p, struct dn *dc);
static void print_mod(struct pr *p, struct dn *mod);
static void print_mod_list(struct pr *p, struct pmod *mods, bool suffix);
static void print_function_type(struct pr *p, struct dn *dc, struct pmod *mods);
static void print_array_type(struct pr *p, struct dn *dc, struct pmod *mods);

static struct dn *index_targ(struct dn *args, int i)
{
	struct dn *a;

	if (i < 0)
		return args;	/* the whole pack */
	for (a = args; a; a = a->r) {
		if (a->k != K_TARGLIST)
			return NULL;
		if (i <= 0)
			break;
		i--;
	}
	return i == 0 && a ? a->l : NULL;
}

static struct dn *lookup_targ(struct pr *p, const struct dn *tp)
{
	if (!p->templates) {
		p->err = true;
		return NULL;
	}
	return index_targ(p->templates->decl->r, tp->num);
}

/* a template argument pack used in dc, any */
static struct dn *find_pack(struct pr *p, const struct dn *dc)
{
	struct dn *a;

	if (!dc)
		return NULL;
	switch (dc->k) {
	case K_TPARAM:
		a = lookup_targ(p, dc);
		return a && a->k == K_TARGLIST ? a : NULL;
	case K_PACK: case K_LAMBDA: case K_NAME: case K_TAGGED: case K_OP: case K_BUILTIN:
	case K_SUB: case K_FPARAM: case K_UNNAMED: case K_FIXED: case K_DEFARG:
	case K_NUMBER:
		return NULL;
	default:
		if ((a = find_pack(p, dc->l)))
			return a;
		return find_pack(p, dc->r);
	}
}

static int pack_length(const struct dn *dc)
{
	int n = 0;

	for (; dc && dc->k == K_TARGLIST && dc->l; dc = dc->r)
		n++;
	return n;
}

static int args_length(struct pr *p, const struct dn *dc)
{
	int n = 0;

	for (; dc && dc->k == K_TARGLIST && dc->l; dc = dc->r) {
		if (dc->l->k == K_PACK)
			n += pack_length(find_pack(p, dc->l->l));
		else
			n++;
	}
	return n;
}

static void print_subexpr(struct pr *p, struct dn *dc)
{
	bool simple = dc->k == K_NAME || dc->k == K_QUAL || dc->k == K_INITLIST ||
		      dc->k == K_FPARAM;

	if (!simple)
		putc_(p, '(');
	print(p, dc);
	if (!simple)
		putc_(p, ')');
}

static void save_scope(struct pr *p, const struct dn *container)
{
	struct pscope *sc;
	struct ptpl **link;

	if (p->nscopes >= p->capscopes) {
		p->err = true;
		return;
	}
	sc = &p->scopes[p->nscopes++];
	sc->container = container;
	link = &sc->templates;
	for (struct ptpl *src = p->templates; src; src = src->next) {
		struct ptpl *dst;

		if (p->ncopies >= p->capcopies) {
			p->err = true;
			return;
		}
		dst = &p->copies[p->ncopies++];
		dst->decl = src->decl;
		*link = dst;
		link = &dst->next;
	}
	*link = NULL;
}

static struct pscope *saved_scope(struct pr *p, const struct dn *container)
{
	for (int i = 0; i < p->nscopes; i++)
		if (p->scopes[i].container == container)
			return &p->scopes[i];
	return NULL;
}

static void print_expr_op(struct pr *p, struct dn *dc)
{
	if (dc->k == K_OP)
		puts_(p, dc->op->name);
	else
		print(p, dc);
}

/* C++17 fold expressions: (... op X), (X op ...), (A op ... op X) */
static bool print_fold(struct pr *p, struct dn *dc)
{
	const char *code = dc->l->op->code;
	struct dn *args, *op, *op1, *op2 = NULL;
	int save;

	if (code[0] != 'f')
		return false;
	args = dc->r;
	op = args->l;
	op1 = args->r;
	if (op1->k == K_TARG2) {
		op2 = op1->r;
		op1 = op1->l;
	}
	save = p->pack_index;
	p->pack_index = -1;
	switch (code[1]) {
	case 'l':
		puts_(p, "(...");
		print_expr_op(p, op);
		print_subexpr(p, op1);
		putc_(p, ')');
		break;
	case 'r':
		putc_(p, '(');
		print_subexpr(p, op1);
		print_expr_op(p, op);
		puts_(p, "...)");
		break;
	case 'L':
	case 'R':
		putc_(p, '(');
		print_subexpr(p, op1);
		print_expr_op(p, op);
		puts_(p, "...");
		print_expr_op(p, op);
		print_subexpr(p, op2);
		putc_(p, ')');
		break;
	}
	p->pack_index = save;
	return true;
}

static bool is_designated_init(const struct dn *dc)
{
	const char *code;

	if (dc->k != K_BINARY && dc->k != K_TRINARY)
		return false;
	code = dc->l->op->code;
	return code[0] == 'd' && (code[1] == 'i' || code[1] == 'x' || code[1] == 'X');
}

static bool print_designated_init(struct pr *p, struct dn *dc)
{
	const char *code;
	struct dn *op1, *op2;

	if (!is_designated_init(dc))
		return false;
	code = dc->l->op->code;
	op1 = dc->r->l;
	op2 = dc->r->r;
	putc_(p, code[1] == 'i' ? '.' : '[');
	print(p, op1);
	if (code[1] == 'X') {
		puts_(p, " ... ");
		print(p, op2->l);
		op2 = op2->r;
	}
	if (code[1] != 'i')
		putc_(p, ']');
	if (is_designated_init(op2)) {
		print(p, op2);
	} else {
		putc_(p, '=');
		print_subexpr(p, op2);
	}
	return true;
}

static void print_conversion(struct pr *p, struct dn *dc)
{
	struct ptpl dpt;

	/* the enclosing template's parameters are in scope for its type */
	if (p->cur_template) {
		dpt.next = p->templates;
		dpt.decl = p->cur_template;
		p->templates = &dpt;
	}
	if (dc->l->k != K_TEMPLATE) {
		print(p, dc->l);
		if (p->cur_template)
			p->templates = dpt.next;
	} else {
		print(p, dc->l->l);
		if (p->cur_template)
			p->templates = dpt.next;
		if (p->last == '<')
			putc_(p, ' ');
		putc_(p, '<');
		print(p, dc->l->r);
		if (p->last == '>')
			putc_(p, ' ');
		putc_(p, '>');
	}
}

static void print_literal(struct pr *p, struct dn *dc)
{
	int tp = P_DEFAULT;

	if (dc->l->k == K_BUILTIN) {
		tp = dc->l->bt->print;
		if (tp >= P_INT && tp <= P_ULLONG && dc->r->k == K_NAME) {
			static const char *const suffix[] = { "", "u", "l", "ul", "ll", "ull" };

			if (dc->k == K_LITNEG)
				putc_(p, '-');
			print(p, dc->r);
			puts_(p, suffix[tp - P_INT]);
			return;
		}
		if (tp == P_BOOL && dc->r->k == K_NAME && dc->r->len == 1 && dc->k == K_LIT &&
		    (dc->r->s[0] == '0' || dc->r->s[0] == '1')) {
			puts_(p, dc->r->s[0] == '1' ? "true" : "false");
			return;
		}
	}
	putc_(p, '(');
	print(p, dc->l);
	putc_(p, ')');
	if (dc->k == K_LITNEG)
		putc_(p, '-');
	if (tp == P_FLOAT)
		putc_(p, '[');
	print(p, dc->r);
	if (tp == P_FLOAT)
		putc_(p, ']');
}

static void print_typed_name(struct pr *p, struct dn *dc)
{
	struct pmod *hold = p->mods, adpm[4];
	struct dn *typed = dc->l;
	struct ptpl dpt;
	unsigned i = 0;

	/* the name goes down to the type, to be printed where the type
	 * puts it; so do the qualifiers of this */
	p->mods = NULL;
	while (typed) {
		if (i >= 4) {
			p->err = true;
			return;
		}
		adpm[i] = (struct pmod){ p->mods, typed, 0, p->templates };
		p->mods = &adpm[i++];
		if (!FNQUAL(typed->k))
			break;
		typed = typed->l;
	}
	if (!typed) {
		p->err = true;
		return;
	}
	/* a class local to a function: its function's qualifiers are here */
	if (typed->k == K_LOCAL) {
		typed = typed->r;
		if (typed->k == K_DEFARG)
			typed = typed->l;
		while (typed && FNQUAL(typed->k)) {
			if (i >= 4) {
				p->err = true;
				return;
			}
			adpm[i] = adpm[i - 1];
			adpm[i].next = &adpm[i - 1];
			p->mods = &adpm[i];
			adpm[i - 1].mod = typed;
			adpm[i - 1].printed = 0;
			adpm[i - 1].templates = p->templates;
			i++;
			typed = typed->l;
		}
		if (!typed) {
			p->err = true;
			return;
		}
	}
	if (typed->k == K_TEMPLATE) {
		dpt.next = p->templates;
		dpt.decl = typed;
		p->templates = &dpt;
	}
	print(p, dc->r);
	if (typed->k == K_TEMPLATE)
		p->templates = dpt.next;
	while (i > 0) {
		i--;
		if (!adpm[i].printed) {
			putc_(p, ' ');
			print_mod(p, adpm[i].mod);
		}
	}
	p->mods = hold;
}

static void print_template(struct pr *p, struct dn *dc)
{
	struct pmod *hold = p->mods;
	const struct dn *hold_cur = p->cur_template;

	/* a cast operator inside may need it; no modifiers go into it */
	p->cur_template = dc;
	p->mods = NULL;
	print(p, dc->l);
	if (p->last == '<')
		putc_(p, ' ');
	putc_(p, '<');
	print(p, dc->r);
	if (p->last == '>')	/* no >> */
		putc_(p, ' ');
	putc_(p, '>');
	p->mods = hold;
	p->cur_template = hold_cur;
}

static void print_array(struct pr *p, struct dn *dc)
{
	struct pmod *hold = p->mods, adpm[4], *pdpm;
	unsigned i = 1;

	/* passed down as a modifier for arrays of arrays; qualifiers of the
	 * array are the element's */
	adpm[0] = (struct pmod){ hold, dc, 0, p->templates };
	p->mods = &adpm[0];
	for (pdpm = hold; pdpm && CVQUAL(pdpm->mod->k); pdpm = pdpm->next) {
		if (pdpm->printed)
			continue;
		if (i >= 4) {
			p->err = true;
			return;
		}
		adpm[i] = *pdpm;
		adpm[i].next = p->mods;
		p->mods = &adpm[i];
		pdpm->printed = 1;
		i++;
	}
	print(p, dc->r);
	p->mods = hold;
	if (adpm[0].printed)
		return;
	while (i > 1)
		print_mod(p, adpm[--i].mod);
	print_array_type(p, dc, p->mods);
}

static void print_unary(struct pr *p, struct dn *dc)
{
	struct dn *op = dc->l, *operand = dc->r;
	const char *code = NULL;

	if (op->k == K_OP) {
		code = op->op->code;
		/* the address of a function: no argument list */
		if (!strcmp(code, "ad") && operand->k == K_TYPED && operand->l->k == K_QUAL &&
		    operand->r->k == K_FUNC)
			operand = operand->l;
		if (operand->k == K_BARGS) {	/* a suffix operator */
			print_subexpr(p, operand->l);
			print_expr_op(p, op);
			return;
		}
	}
	if (code && !strcmp(code, "sZ")) {	/* sizeof...: the length */
		putnum(p, pack_length(find_pack(p, operand)));
		return;
	}
	if (code && !strcmp(code, "sP")) {
		putnum(p, args_length(p, operand));
		return;
	}
	if (op->k != K_CAST) {
		print_expr_op(p, op);
	} else {
		putc_(p, '(');
		print(p, op->l);
		putc_(p, ')');
	}
	if (code && !strcmp(code, "gs")) {
		print(p, operand);
	} else if (code && (!strcmp(code, "st") || !strcmp(code, "nx"))) {
		putc_(p, '(');
		print(p, operand);
		putc_(p, ')');
	} else {
		print_subexpr(p, operand);
	}
}

static void print_binary(struct pr *p, struct dn *dc)
{
	struct dn *op = dc->l;
	bool gt;

	if (dc->r->k != K_BARGS) {
		p->err = true;
		return;
	}
	if (op_is_new_cast(op)) {
		print_expr_op(p, op);
		putc_(p, '<');
		print(p, dc->r->l);
		puts_(p, ">(");
		print(p, dc->r->r);
		putc_(p, ')');
		return;
	}
	if (print_fold(p, dc) || print_designated_init(p, dc))
		return;
	/* (a > b) inside, not to end the template arguments */
	gt = op->k == K_OP && !strcmp(op->op->name, ">");
	if (gt)
		putc_(p, '(');
	if (!strcmp(op->op->code, "cl") && dc->r->l->k == K_TYPED) {
		/* a call: the function's name, not its parameter types */
		const struct dn *fn = dc->r->l;

		if (fn->r->k != K_FUNC)
			p->err = true;
		print_subexpr(p, fn->l);
	} else {
		print_subexpr(p, dc->r->l);
	}
	if (!strcmp(op->op->code, "ix")) {
		putc_(p, '[');
		print(p, dc->r->r);
		putc_(p, ']');
	} else {
		if (strcmp(op->op->code, "cl"))
			print_expr_op(p, op);
		print_subexpr(p, dc->r->r);
	}
	if (gt)
		putc_(p, ')');
}

static void print_trinary(struct pr *p, struct dn *dc)
{
	struct dn *op = dc->l, *first, *second, *third;

	if (dc->r->k != K_TARG1 || dc->r->r->k != K_TARG2) {
		p->err = true;
		return;
	}
	if (print_fold(p, dc) || print_designated_init(p, dc))
		return;
	first = dc->r->l;
	second = dc->r->r->l;
	third = dc->r->r->r;
	if (!strcmp(op->op->code, "qu")) {
		print_subexpr(p, first);
		print_expr_op(p, op);
		print_subexpr(p, second);
		puts_(p, " : ");
		print_subexpr(p, third);
		return;
	}
	puts_(p, "new ");
	if (first->l) {
		print_subexpr(p, first);
		putc_(p, ' ');
	}
	print(p, second);
	if (third)
		print_subexpr(p, third);
}

/* a reference to a template parameter: & + && is & */
static void print_modifier(struct pr *p, struct dn *dc, struct dn *inner)
{
	struct pmod dpm = { p->mods, dc, 0, p->templates };

	p->mods = &dpm;
	print(p, inner ? inner : dc->l);
	if (!dpm.printed)
		print_mod(p, dc);
	p->mods = dpm.next;
}

static void print_reference(struct pr *p, struct dn *dc)
{
	struct dn *sub = dc->l, *inner = NULL;
	struct ptpl *saved = NULL;
	bool restore = false;

	if (!p->lambda_arg && sub->k == K_TPARAM) {
		struct pscope *scope = saved_scope(p, sub);
		struct dn *a;

		if (!scope) {
			/* first time here: keep the templates in effect, for
			 * when a substitution brings it back */
			save_scope(p, sub);
			if (p->err)
				return;
		} else {
			const struct pstack *s;
			bool found = false;

			for (s = p->stack; s; s = s->parent)
				if (s->dc == sub || (s->dc == dc && s != p->stack)) {
					found = true;
					break;
				}
			if (!found) {
				saved = p->templates;
				p->templates = scope->templates;
				restore = true;
			}
		}
		a = lookup_targ(p, sub);
		if (a && a->k == K_TARGLIST)
			a = index_targ(a, p->pack_index);
		if (!a) {
			if (restore)
				p->templates = saved;
			p->err = true;
			return;
		}
		sub = a;
	}
	if (sub->k == K_REF || sub->k == dc->k)
		dc = sub;
	else if (sub->k == K_RREF)
		inner = sub->l;
	print_modifier(p, dc, inner);
	if (restore)
		p->templates = saved;
}

static void print_inner(struct pr *p, struct dn *dc)
{
	if (p->err)
		return;
	switch (dc->k) {
	case K_NAME:
		put(p, dc->s, (size_t)dc->len);
		return;
	case K_TAGGED:
		print(p, dc->l);
		puts_(p, "[abi:");
		print(p, dc->r);
		putc_(p, ']');
		return;
	case K_QUAL:
	case K_LOCAL: {
		struct dn *local = dc->r;

		print(p, dc->l);
		puts_(p, "::");
		if (local->k == K_DEFARG) {
			puts_(p, "{default arg#");
			putnum(p, local->num + 1);
			puts_(p, "}::");
			local = local->l;
		}
		print(p, local);
		return;
	}
	case K_TYPED:
		print_typed_name(p, dc);
		return;
	case K_TEMPLATE:
		print_template(p, dc);
		return;
	case K_TPARAM:
		if (p->lambda_arg) {
			puts_(p, "auto:");
			putnum(p, dc->num + 1);
		} else {
			struct dn *a = lookup_targ(p, dc);
			struct ptpl *hold;

			if (a && a->k == K_TARGLIST)
				a = index_targ(a, p->pack_index);
			if (!a) {
				p->err = true;
				return;
			}
			/* it may name a parameter of an outer template */
			hold = p->templates;
			p->templates = hold->next;
			print(p, a);
			p->templates = hold;
		}
		return;
	case K_CTOR:
		print(p, dc->l);
		return;
	case K_DTOR:
		putc_(p, '~');
		print(p, dc->l);
		return;
	case K_PREFIXED:
		puts_(p, dc->s);
		print(p, dc->l);
		return;
	case K_CVTABLE:
		puts_(p, "construction vtable for ");
		print(p, dc->l);
		puts_(p, "-in-");
		print(p, dc->r);
		return;
	case K_REFTEMP:
		puts_(p, "reference temporary #");
		print(p, dc->r);
		puts_(p, " for ");
		print(p, dc->l);
		return;
	case K_SUB:
		put(p, dc->s, (size_t)dc->len);
		return;
	case K_RESTRICT:
	case K_VOLATILE:
	case K_CONST:
		/* in arrays a qualifier may be pushed more than once */
		for (struct pmod *m = p->mods; m; m = m->next) {
			if (m->printed)
				continue;
			if (!CVQUAL(m->mod->k))
				break;
			if (m->mod->k == dc->k) {
				print(p, dc->l);
				return;
			}
		}
		print_modifier(p, dc, NULL);
		return;
	case K_REF:
	case K_RREF:
		print_reference(p, dc);
		return;
	case K_VENDOR_QUAL: case K_POINTER: case K_COMPLEX: case K_IMAGINARY:
	case K_RESTRICT_THIS: case K_VOLATILE_THIS: case K_CONST_THIS: case K_REF_THIS:
	case K_RREF_THIS: case K_TXSAFE: case K_NOEXCEPT: case K_THROW:
		print_modifier(p, dc, NULL);
		return;
	case K_BUILTIN:
		puts_(p, dc->bt->name);
		return;
	case K_VENDOR_TYPE:
		print(p, dc->l);
		return;
	case K_FUNC:
		if (dc->l) {
			/* the return type, with this as its modifier */
			struct pmod dpm = { p->mods, dc, 0, p->templates };

			p->mods = &dpm;
			print(p, dc->l);
			p->mods = dpm.next;
			if (dpm.printed)
				return;
			putc_(p, ' ');
		}
		print_function_type(p, dc, p->mods);
		return;
	case K_ARRAY:
		print_array(p, dc);
		return;
	case K_PTRMEM:
	case K_VECTOR:
		print_modifier(p, dc, dc->r);
		return;
	case K_FIXED:
		if (dc->flag & 2)
			puts_(p, "_Sat ");
		if (dc->l->bt != &builtins['i' - 'a']) {	/* not "int _Accum" */
			print(p, dc->l);
			putc_(p, ' ');
		}
		puts_(p, dc->flag & 1 ? "_Accum" : "_Fract");
		return;
	case K_ARGLIST:
	case K_TARGLIST:
		if (dc->l)
			print(p, dc->l);
		if (dc->r) {
			size_t len;

			puts_(p, ", ");
			len = p->len;
			print(p, dc->r);
			if (p->len == len)	/* an empty pack: no ", " */
				p->len -= 2;
		}
		return;
	case K_INITLIST:
		if (dc->l)
			print(p, dc->l);
		putc_(p, '{');
		print(p, dc->r);
		putc_(p, '}');
		return;
	case K_OP: {
		const char *n = dc->op->name;
		size_t len = strlen(n);

		puts_(p, "operator");
		if (IS_LOWER(n[0]))
			putc_(p, ' ');
		if (n[len - 1] == ' ')
			len--;
		put(p, n, len);
		return;
	}
	case K_EXTOP:
		puts_(p, "operator ");
		print(p, dc->l);
		return;
	case K_CONV:
		puts_(p, "operator ");
		print_conversion(p, dc);
		return;
	case K_NULLARY:
		print_expr_op(p, dc->l);
		return;
	case K_UNARY:
		print_unary(p, dc);
		return;
	case K_BINARY:
		print_binary(p, dc);
		return;
	case K_TRINARY:
		print_trinary(p, dc);
		return;
	case K_LIT:
	case K_LITNEG:
		print_literal(p, dc);
		return;
	case K_NUMBER:
		putnum(p, dc->num);
		return;
	case K_DECLTYPE:
		puts_(p, "decltype (");
		print(p, dc->l);
		putc_(p, ')');
		return;
	case K_PACK: {
		/* a lambda's auto... parameter is no template's pack */
		struct dn *a = p->lambda_arg ? NULL : find_pack(p, dc->l);
		int len;

		if (!a) {
			/* only function parameter packs: the pattern, and ... */
			print_subexpr(p, dc->l);
			puts_(p, "...");
			return;
		}
		len = pack_length(a);
		for (int i = 0; i < len; i++) {
			p->pack_index = i;
			print(p, dc->l);
			if (i < len - 1)
				puts_(p, ", ");
		}
		return;
	}
	case K_FPARAM:
		if (dc->num == 0) {
			puts_(p, "this");
		} else {
			puts_(p, "{parm#");
			putnum(p, dc->num);
			putc_(p, '}');
		}
		return;
	case K_LAMBDA:
		puts_(p, "{lambda(");
		p->lambda_arg++;	/* generic lambdas' auto parameters */
		print(p, dc->l);
		p->lambda_arg--;
		puts_(p, ")#");
		putnum(p, dc->num + 1);
		putc_(p, '}');
		return;
	case K_UNNAMED:
		puts_(p, "{unnamed type#");
		putnum(p, dc->num + 1);
		putc_(p, '}');
		return;
	case K_CLONE:
		print(p, dc->l);
		puts_(p, " [clone ");
		print(p, dc->r);
		putc_(p, ']');
		return;
	default:
		p->err = true;
		return;
	}
}

static void print(struct pr *p, struct dn *dc)
{
	struct pstack self;

	if (!dc || dc->printing > 1 || p->depth > MAX_DEPTH) {
		p->err = true;
		return;
	}
	dc->printing++;
	p->depth++;
	self.dc = dc;
	self.parent = p->stack;
	p->stack = &self;
	print_inner(p, dc);
	p->stack = self.parent;
	dc->printing--;
	p->depth--;
}

static void print_mod_list(struct pr *p, struct pmod *mods, bool suffix)
{
	struct ptpl *hold;

	for (; mods && !p->err; mods = mods->next) {
		if (mods->printed || (!suffix && FNQUAL(mods->mod->k)))
			continue;
		mods->printed = 1;
		hold = p->templates;
		p->templates = mods->templates;
		if (mods->mod->k == K_FUNC) {
			print_function_type(p, mods->mod, mods->next);
			p->templates = hold;
			return;
		}
		if (mods->mod->k == K_ARRAY) {
			print_array_type(p, mods->mod, mods->next);
			p->templates = hold;
			return;
		}
		if (mods->mod->k == K_LOCAL) {
			/* its qualifiers were taken off already */
			struct pmod *hm = p->mods;
			struct dn *dc;

			p->mods = NULL;
			print(p, mods->mod->l);
			p->mods = hm;
			puts_(p, "::");
			dc = mods->mod->r;
			if (dc->k == K_DEFARG) {
				puts_(p, "{default arg#");
				putnum(p, dc->num + 1);
				puts_(p, "}::");
				dc = dc->l;
			}
			while (FNQUAL(dc->k))
				dc = dc->l;
			print(p, dc);
			p->templates = hold;
			return;
		}
		print_mod(p, mods->mod);
		p->templates = hold;
	}
}

static void print_mod(struct pr *p, struct dn *mod)
{
	switch (mod->k) {
	case K_RESTRICT:
	case K_RESTRICT_THIS:
		puts_(p, " restrict");
		return;
	case K_VOLATILE:
	case K_VOLATILE_THIS:
		puts_(p, " volatile");
		return;
	case K_CONST:
	case K_CONST_THIS:
		puts_(p, " const");
		return;
	case K_TXSAFE:
		puts_(p, " transaction_safe");
		return;
	case K_NOEXCEPT:
	case K_THROW:
		puts_(p, mod->k == K_NOEXCEPT ? " noexcept" : " throw");
		if (mod->r) {
			putc_(p, '(');
			print(p, mod->r);
			putc_(p, ')');
		}
		return;
	case K_VENDOR_QUAL:
		putc_(p, ' ');
		print(p, mod->r);
		return;
	case K_POINTER:
		putc_(p, '*');
		return;
	case K_REF_THIS:
		putc_(p, ' ');
		/* fall through */
	case K_REF:
		putc_(p, '&');
		return;
	case K_RREF_THIS:
		putc_(p, ' ');
		/* fall through */
	case K_RREF:
		puts_(p, "&&");
		return;
	case K_COMPLEX:
		puts_(p, " _Complex");
		return;
	case K_IMAGINARY:
		puts_(p, " _Imaginary");
		return;
	case K_PTRMEM:
		if (p->last != '(')
			putc_(p, ' ');
		print(p, mod->l);
		puts_(p, "::*");
		return;
	case K_TYPED:
		print(p, mod->l);
		return;
	case K_VECTOR:
		puts_(p, " __vector(");
		print(p, mod->l);
		putc_(p, ')');
		return;
	default:
		print(p, mod);
		return;
	}
}

static void print_function_type(struct pr *p, struct dn *dc, struct pmod *mods)
{
	bool paren = false, space = false;
	struct pmod *hold;

	for (struct pmod *m = mods; m && !m->printed; m = m->next) {
		int k = m->mod->k;

		if (k == K_POINTER || k == K_REF || k == K_RREF) {
			paren = true;
		} else if (CVQUAL(k) || k == K_VENDOR_QUAL || k == K_COMPLEX ||
			   k == K_IMAGINARY || k == K_PTRMEM) {
			space = paren = true;
		}
		if (paren)
			break;
	}
	if (paren) {
		if (!space && p->last != '(' && p->last != '*')
			space = true;
		if (space && p->last != ' ')
			putc_(p, ' ');
		putc_(p, '(');
	}
	hold = p->mods;
	p->mods = NULL;
	print_mod_list(p, mods, false);
	if (paren)
		putc_(p, ')');
	putc_(p, '(');
	if (dc->r)
		print(p, dc->r);
	putc_(p, ')');
	print_mod_list(p, mods, true);
	p->mods = hold;
}

static void print_array_type(struct pr *p, struct dn *dc, struct pmod *mods)
{
	bool space = true;

	if (mods) {
		bool paren = false;

		for (struct pmod *m = mods; m; m = m->next) {
			if (m->printed)
				continue;
			if (m->mod->k == K_ARRAY)
				space = false;
			else
				paren = space = true;
			break;
		}
		if (paren)
			puts_(p, " (");
		print_mod_list(p, mods, false);
		if (paren)
			putc_(p, ')');
	}
	if (space)
		putc_(p, ' ');
	putc_(p, '[');
	if (dc->l)
		print(p, dc->l);
	putc_(p, ']');
}

/* How many templates and saved scopes printing may need (as c++filt
 * counts them: a node visited at most twice). */
static void count(struct pr *p, struct dn *dc, int *ntpl, int *nscopes)
{
	if (!dc || dc->counting > 1 || p->depth > MAX_DEPTH)
		return;
	dc->counting++;
	switch (dc->k) {
	case K_TEMPLATE:
		(*ntpl)++;
		break;
	case K_REF:
	case K_RREF:
		if (dc->l->k == K_TPARAM)
			(*nscopes)++;
		break;
	default:
		break;
	}
	p->depth++;
	count(p, dc->l, ntpl, nscopes);
	if (dc->k != K_LAMBDA && dc->k != K_DEFARG && dc->k != K_CTOR && dc->k != K_DTOR &&
	    dc->k != K_EXTOP && dc->k != K_FIXED)
		count(p, dc->r, ntpl, nscopes);
	p->depth--;
}

static int print_tree(struct dn *dc, char **out)
{
	struct pr p = { 0 };
	int ntpl = 0, nscopes = 0;

	count(&p, dc, &ntpl, &nscopes);
	p.depth = 0;
	p.capscopes = nscopes;
	p.capcopies = ntpl * nscopes;
	p.scopes = calloc((size_t)nscopes + 1, sizeof(*p.scopes));
	p.copies = calloc((size_t)p.capcopies + 1, sizeof(*p.copies));
	if (!p.scopes || !p.copies) {
		free(p.scopes);
		free(p.copies);
		return -ENOMEM;
	}
	print(&p, dc);
	putc_(&p, '\0');
	free(p.scopes);
	free(p.copies);
	if (p.err) {
		free(p.buf);
		return -EINVAL;
	}
	*out = p.buf;
	return 0;
}

static int itanium(const char *s, size_t len, bool params, char **out)
{
	struct dp d = { .n = s, .end = s + len, .params = params, .unresolved = 1 };
	struct dn *dc;
	int err = -EINVAL;

	if (len > MAX_LEN)
		return -EINVAL;
	d.capnodes = (int)(2 * len);
	d.capsubs = (int)len;
	d.nodes = malloc(sizeof(*d.nodes) * (size_t)d.capnodes);
	d.subs = malloc(sizeof(*d.subs) * (size_t)d.capsubs);
	if (!d.nodes || !d.subs) {
		err = -ENOMEM;
		goto out;
	}
again:
	if (len > 11 && !memcmp(s, "_GLOBAL_", 8) && (s[8] == '.' || s[8] == '_' || s[8] == '$') &&
	    (s[9] == 'D' || s[9] == 'I') && s[10] == '_') {
		const char *rest = s + 11;

		d.n = rest;
		if (d.end - rest >= 2 && rest[0] == '_' && rest[1] == 'Z') {
			d.n += 2;
			dc = encoding(&d, false);
		} else {
			dc = mkname(&d, rest, (int)(d.end - rest));
			d.n = d.end;
		}
		dc = prefixed(&d, s[9] == 'I' ? "global constructors keyed to " :
				  "global destructors keyed to ", dc);
	} else {
		dc = mangled_name(&d, true);
	}
	if (params && d.n != d.end)
		dc = NULL;
	if (!dc && d.unresolved == -1) {
		d = (struct dp){ .n = s, .end = s + len, .params = params, .nodes = d.nodes,
				 .capnodes = d.capnodes, .subs = d.subs, .capsubs = d.capsubs };
		goto again;
	}
	if (dc)
		err = print_tree(dc, out);
out:
	free(d.nodes);
	free(d.subs);
	return err;
}

/* ---- Rust ---------------------------------------------------------------- */

struct rd {
	const char *s;
	size_t len, next;
	bool err, skip, verbose;
	int depth;
	uint64_t bound;		/* late-bound lifetimes in scope */
	struct pr out;
};

static char rpeek(const struct rd *r)
{
	return r->next < r->len ? r->s[r->next] : 0;
}

static bool reat(struct rd *r, char c)
{
	if (rpeek(r) != c)
		return false;
	r->next++;
	return true;
}

static char rnext(struct rd *r)
{
	char c = rpeek(r);

	if (!c)
		r->err = true;
	else
		r->next++;
	return c;
}

static void rput(struct rd *r, const char *s, size_t n)
{
	if (!r->err && !r->skip) {
		put(&r->out, s, n);
		r->err = r->out.err;	/* past the bound: stop reading too */
	}
}

static void rputs(struct rd *r, const char *s)
{
	rput(r, s, strlen(s));
}

static void rputu(struct rd *r, uint64_t v, bool hex)
{
	char b[24];

	rput(r, b, (size_t)snprintf(b, sizeof(b), hex ? "%llx" : "%llu", (unsigned long long)v));
}

struct ident {
	const char *ascii, *puny;
	size_t ascii_len, puny_len;
};

static struct ident rident(struct rd *r, bool v0)
{
	struct ident id = { 0 };
	bool puny = v0 && reat(r, 'u');
	size_t len, start;
	char c = rnext(r);

	if (!IS_DIGIT(c)) {
		r->err = true;
		return id;
	}
	len = (size_t)(c - '0');
	if (c != '0')
		while (IS_DIGIT(rpeek(r))) {
			if (len > (SIZE_MAX - 9) / 10) {
				r->err = true;
				return id;
			}
			len = len * 10 + (size_t)(rnext(r) - '0');
		}
	if (v0)
		reat(r, '_');
	start = r->next;
	if (len > r->len - start) {
		r->err = true;
		return id;
	}
	r->next += len;
	id.ascii = r->s + start;
	id.ascii_len = len;
	if (puny) {
		while (id.ascii_len > 0) {	/* the last _ ends the ASCII part */
			id.ascii_len--;
			if (id.ascii[id.ascii_len] == '_')
				break;
			id.puny_len++;
		}
		if (!id.puny_len) {
			r->err = true;
			return id;
		}
		id.puny = id.ascii + (len - id.puny_len);
	}
	if (!id.ascii_len)
		id.ascii = NULL;
	return id;
}

static void put_utf8(struct rd *r, uint32_t c)
{
	char b[4];
	size_t n;

	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | c >> 18);
		b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	rput(r, b, n);
}

/* An identifier with Unicode: punycode (RFC 3492) inserted into its ASCII */
static void rput_puny(struct rd *r, const struct ident *id)
{
	uint32_t out[256], c = 0x80;
	size_t len = id->ascii_len, i = 0, pos = 0, bias = 72, damp = 700;

	if (len > sizeof(out) / sizeof(out[0])) {
		r->err = true;
		return;
	}
	for (size_t j = 0; j < len; j++)
		out[j] = (unsigned char)id->ascii[j];
	while (pos < id->puny_len) {
		size_t delta = 0, w = 1, k = 0, t;
		unsigned d;

		do {
			k += 36;
			t = k < bias ? 0 : k - bias;
			t = t < 1 ? 1 : t > 26 ? 26 : t;
			if (pos >= id->puny_len) {
				r->err = true;
				return;
			}
			d = (unsigned char)id->puny[pos++];
			if (IS_LOWER(d))
				d -= 'a';
			else if (IS_DIGIT(d))
				d = 26 + d - '0';
			else {
				r->err = true;
				return;
			}
			delta += d * w;
			w *= 36 - t;
		} while (d >= t);
		if (++len > sizeof(out) / sizeof(out[0])) {
			r->err = true;
			return;
		}
		i += delta;
		c += (uint32_t)(i / len);
		i %= len;
		if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
			r->err = true;
			return;
		}
		memmove(out + i + 1, out + i, (len - i - 1) * sizeof(out[0]));
		out[i++] = c;
		/* bias adaptation */
		delta /= damp;
		damp = 2;
		delta += delta / len;
		k = 0;
		while (delta > (35 * 26) / 2) {
			delta /= 35;
			k += 36;
		}
		bias = k + (36 * delta) / (delta + 38);
	}
	for (size_t j = 0; j < len; j++)
		put_utf8(r, out[j]);
}

static void rput_ident(struct rd *r, const struct ident *id)
{
	if (id->puny)
		rput_puny(r, id);
	else if (id->ascii)
		rput(r, id->ascii, id->ascii_len);
}

static uint64_t base62(struct rd *r)
{
	uint64_t x = 0;

	if (reat(r, '_'))
		return 0;
	while (!reat(r, '_')) {
		char c = rnext(r);

		if (r->err)
			return 0;
		x *= 62;
		if (IS_DIGIT(c))
			x += (uint64_t)(c - '0');
		else if (IS_LOWER(c))
			x += (uint64_t)(10 + c - 'a');
		else if (IS_UPPER(c))
			x += (uint64_t)(36 + c - 'A');
		else {
			r->err = true;
			return 0;
		}
	}
	return x + 1;
}

static uint64_t opt_base62(struct rd *r, char tag)
{
	return reat(r, tag) ? 1 + base62(r) : 0;
}

static void rlifetime(struct rd *r, uint64_t lt)
{
	uint64_t depth;

	rputs(r, "'");
	if (!lt) {
		rputs(r, "_");
		return;
	}
	depth = r->bound - lt;
	if (depth < 26) {
		char c = (char)('a' + depth);

		rput(r, &c, 1);
	} else {
		rputs(r, "_");
		rputu(r, depth, false);
	}
}

static void rbinder(struct rd *r)
{
	uint64_t n = opt_base62(r, 'G');

	if (n > MAX_DEPTH)	/* no real binder has that many: refused */
		r->err = true;
	if (r->err || !n)
		return;
	rputs(r, "for<");
	for (uint64_t i = 0; i < n && !r->err; i++) {
		if (i)
			rputs(r, ", ");
		r->bound++;
		rlifetime(r, 1);
	}
	rputs(r, "> ");
}

static void rpath(struct rd *r, bool in_value);
static void rtype(struct rd *r);
static void rconst(struct rd *r, bool in_value);

/* Enter a back reference: *saved is where to come back to. */
static bool rbackref(struct rd *r, size_t *saved)
{
	size_t at = r->next - 1;	/* the B */
	uint64_t to = base62(r);

	if (r->err || to >= at || r->depth > MAX_DEPTH) {
		r->err = true;
		return false;
	}
	if (r->skip)
		return false;
	*saved = r->next;
	r->next = (size_t)to;
	return true;
}

static void rgeneric_arg(struct rd *r)
{
	if (reat(r, 'L'))
		rlifetime(r, base62(r));
	else if (reat(r, 'K'))
		rconst(r, false);
	else
		rtype(r);
}

static void rgeneric_args(struct rd *r)
{
	for (size_t i = 0; !r->err && !reat(r, 'E'); i++) {
		if (i)
			rputs(r, ", ");
		rgeneric_arg(r);
	}
}

static void rpath(struct rd *r, bool in_value)
{
	char tag;
	size_t saved;

	if (r->err || ++r->depth > MAX_DEPTH) {
		r->err = true;
		return;
	}
	switch (tag = rnext(r)) {
	case 'C': {
		uint64_t dis = opt_base62(r, 's');
		struct ident id = rident(r, true);

		rput_ident(r, &id);
		if (r->verbose) {
			rputs(r, "[");
			rputu(r, dis, true);
			rputs(r, "]");
		}
		break;
	}
	case 'N': {
		char ns = rnext(r);
		uint64_t dis;
		struct ident id;

		if (!IS_LOWER(ns) && !IS_UPPER(ns)) {
			r->err = true;
			break;
		}
		rpath(r, in_value);
		dis = opt_base62(r, 's');
		id = rident(r, true);
		if (IS_UPPER(ns)) {
			rputs(r, "::{");
			if (ns == 'C')
				rputs(r, "closure");
			else if (ns == 'S')
				rputs(r, "shim");
			else
				rput(r, &ns, 1);
			if (id.ascii || id.puny) {
				rputs(r, ":");
				rput_ident(r, &id);
			}
			rputs(r, "#");
			rputu(r, dis, false);
			rputs(r, "}");
		} else if (id.ascii || id.puny) {
			rputs(r, "::");
			rput_ident(r, &id);
		}
		break;
	}
	case 'M':
	case 'X': {
		bool was = r->skip;

		opt_base62(r, 's');	/* the impl's own path is not printed */
		r->skip = true;
		rpath(r, in_value);
		r->skip = was;
	}
		/* fall through */
	case 'Y':
		rputs(r, "<");
		rtype(r);
		if (tag != 'M') {
			rputs(r, " as ");
			rpath(r, false);
		}
		rputs(r, ">");
		break;
	case 'I':
		rpath(r, in_value);
		if (in_value)
			rputs(r, "::");
		rputs(r, "<");
		rgeneric_args(r);
		rputs(r, ">");
		break;
	case 'B':
		if (rbackref(r, &saved)) {
			rpath(r, in_value);
			r->next = saved;
		}
		break;
	default:
		r->err = true;
	}
	r->depth--;
}

static const char *rbasic(char tag)
{
	static const char *const names[26] = {
		['a' - 'a'] = "i8", ['b' - 'a'] = "bool", ['c' - 'a'] = "char",
		['d' - 'a'] = "f64", ['e' - 'a'] = "str", ['f' - 'a'] = "f32",
		['h' - 'a'] = "u8", ['i' - 'a'] = "isize", ['j' - 'a'] = "usize",
		['l' - 'a'] = "i32", ['m' - 'a'] = "u32", ['n' - 'a'] = "i128",
		['o' - 'a'] = "u128", ['p' - 'a'] = "_", ['s' - 'a'] = "i16",
		['t' - 'a'] = "u16", ['u' - 'a'] = "()", ['v' - 'a'] = "...",
		['x' - 'a'] = "i64", ['y' - 'a'] = "u64", ['z' - 'a'] = "!",
	};

	return IS_LOWER(tag) ? names[tag - 'a'] : NULL;
}

static void rdyn_trait(struct rd *r)
{
	bool open = false;
	size_t saved;

	if (reat(r, 'B')) {
		/* a back reference to a generic path: its <...> stays open */
		if (rbackref(r, &saved)) {
			if (reat(r, 'I')) {
				rpath(r, false);
				rputs(r, "<");
				open = true;
				rgeneric_args(r);
			} else {
				rpath(r, false);
			}
			r->next = saved;
		}
	} else if (reat(r, 'I')) {
		rpath(r, false);
		rputs(r, "<");
		open = true;
		rgeneric_args(r);
	} else {
		rpath(r, false);
	}
	while (!r->err && reat(r, 'p')) {
		struct ident id;

		rputs(r, open ? ", " : "<");
		open = true;
		id = rident(r, true);
		rput_ident(r, &id);
		rputs(r, " = ");
		rtype(r);
	}
	if (open)
		rputs(r, ">");
}

static void rtype(struct rd *r)
{
	const char *basic;
	char tag;
	size_t saved;
	uint64_t lt, bound;

	if (r->err || ++r->depth > MAX_DEPTH) {
		r->err = true;
		return;
	}
	tag = rnext(r);
	if ((basic = rbasic(tag))) {
		rputs(r, basic);
		r->depth--;
		return;
	}
	switch (tag) {
	case 'R':
	case 'Q':
		rputs(r, "&");
		if (reat(r, 'L') && (lt = base62(r))) {
			rlifetime(r, lt);
			rputs(r, " ");
		}
		if (tag == 'Q')
			rputs(r, "mut ");
		rtype(r);
		break;
	case 'P':
	case 'O':
		rputs(r, tag == 'P' ? "*const " : "*mut ");
		rtype(r);
		break;
	case 'A':
	case 'S':
		rputs(r, "[");
		rtype(r);
		if (tag == 'A') {
			rputs(r, "; ");
			rconst(r, true);
		}
		rputs(r, "]");
		break;
	case 'T': {
		size_t i;

		rputs(r, "(");
		for (i = 0; !r->err && !reat(r, 'E'); i++) {
			if (i)
				rputs(r, ", ");
			rtype(r);
		}
		if (i == 1)
			rputs(r, ",");
		rputs(r, ")");
		break;
	}
	case 'F':
		bound = r->bound;
		rbinder(r);
		if (reat(r, 'U'))
			rputs(r, "unsafe ");
		if (reat(r, 'K')) {
			struct ident abi = { "C", NULL, 1, 0 };

			if (!reat(r, 'C')) {
				abi = rident(r, true);
				if (!abi.ascii || abi.puny) {
					r->err = true;
					break;
				}
			}
			rputs(r, "extern \"");
			/* the ABI's - were written _ */
			for (size_t i = 0; i < abi.ascii_len; i++)
				rput(r, abi.ascii[i] == '_' ? "-" : &abi.ascii[i], 1);
			rputs(r, "\" ");
		}
		rputs(r, "fn(");
		for (size_t i = 0; !r->err && !reat(r, 'E'); i++) {
			if (i)
				rputs(r, ", ");
			rtype(r);
		}
		rputs(r, ")");
		if (!reat(r, 'u')) {
			rputs(r, " -> ");
			rtype(r);
		}
		r->bound = bound;
		break;
	case 'D':
		rputs(r, "dyn ");
		bound = r->bound;
		rbinder(r);
		for (size_t i = 0; !r->err && !reat(r, 'E'); i++) {
			if (i)
				rputs(r, " + ");
			rdyn_trait(r);
		}
		r->bound = bound;
		if (!reat(r, 'L')) {
			r->err = true;
			break;
		}
		if ((lt = base62(r))) {
			rputs(r, " + ");
			rlifetime(r, lt);
		}
		break;
	case 'B':
		if (rbackref(r, &saved)) {
			rtype(r);
			r->next = saved;
		}
		break;
	default:
		r->next--;	/* a path: its tag again */
		rpath(r, false);
	}
	r->depth--;
}

/* hex digits up to _, leading zeros trimmed */
static const char *rhex(struct rd *r, size_t *n)
{
	const char *s = r->s + r->next;

	*n = 0;
	while (!reat(r, '_')) {
		char c = rnext(r);

		if (r->err || !(IS_DIGIT(c) || (c >= 'a' && c <= 'f'))) {
			r->err = true;
			return s;
		}
		(*n)++;
	}
	return s;
}

static unsigned hexval(char c)
{
	return c >= 'a' ? (unsigned)(c - 'a' + 10) : (unsigned)(c - '0');
}

static void rconst_uint(struct rd *r, char tag)
{
	size_t n, all;
	const char *h = rhex(r, &n), *digits = h;
	uint64_t v = 0;

	if (r->err)
		return;
	all = n;
	while (n && *h == '0') {
		h++;
		n--;
	}
	if (n > 16) {
		/* c++filt prints these one character on: so do we */
		rputs(r, "0x");
		rput(r, digits + 1, all);
	} else {
		for (size_t i = 0; i < n; i++)
			v = v << 4 | hexval(h[i]);
		rputu(r, v, false);
	}
	if (r->verbose) {
		rputs(r, ": ");
		rputs(r, rbasic(tag));
	}
}

static void rconst(struct rd *r, bool in_value)
{
	char tag;
	size_t saved, n;
	const char *h;

	if (r->err || ++r->depth > MAX_DEPTH) {
		r->err = true;
		return;
	}
	tag = rnext(r);
	switch (tag) {
	case 'p':
		rputs(r, "_");
		break;
	case 'a': case 's': case 'l': case 'x': case 'n': case 'i':
		if (reat(r, 'n'))
			rputs(r, "-");
		/* fall through */
	case 'h': case 't': case 'm': case 'y': case 'o': case 'j':
		rconst_uint(r, tag);
		break;
	case 'b':
		h = rhex(r, &n);
		while (n && *h == '0') {
			h++;
			n--;
		}
		if (r->err || n > 1 || (n && *h != '1')) {
			r->err = true;
			break;
		}
		rputs(r, n ? "true" : "false");
		if (r->verbose)
			rputs(r, ": bool");
		break;
	case 'c': {
		uint32_t c = 0;

		h = rhex(r, &n);
		while (n && *h == '0') {
			h++;
			n--;
		}
		if (r->err || n > 6) {
			r->err = true;
			break;
		}
		for (size_t i = 0; i < n; i++)
			c = c << 4 | hexval(h[i]);
		if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
			char s[3] = { '\'', (char)c, '\'' };

			rput(r, s, 3);
			if (r->verbose)
				rputs(r, ": char");
		} else {
			r->err = true;	/* escapes: not in any name seen */
		}
		break;
	}
	case 'B':
		if (rbackref(r, &saved)) {
			rconst(r, in_value);
			r->next = saved;
		}
		break;
	default:
		r->err = true;
	}
	r->depth--;
}

/* "17h" and 16 hex digits, at least 5 of them different */
static bool legacy_hash(const char *s, size_t len)
{
	unsigned seen = 0, n = 0;

	if (len != 17 || s[0] != 'h')
		return false;
	for (size_t i = 1; i < 17; i++) {
		if (!(IS_DIGIT(s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
		seen |= 1u << hexval(s[i]);
	}
	for (; seen; seen >>= 1)
		n += seen & 1;
	return n >= 5;
}

/* $..$ escapes: the character, 0 when invalid; *n the escape's length */
static char legacy_escape(const char *e, size_t len, size_t *n)
{
	char c = 0;
	size_t el = 0;

	if (len < 3 || e[0] != '$')
		return 0;
	e++;
	len--;
	if (e[0] == 'C') {
		el = 1;
		c = ',';
	} else if (len > 2) {
		static const char pairs[] = "SP@BP*RF&LT<GT>LP(RP)";

		el = 2;
		for (const char *p = pairs; *p; p += 3)
			if (e[0] == p[0] && e[1] == p[1])
				c = p[2];
		if (!c && e[0] == 'u' && len > 3) {
			unsigned hi = hexval(e[1]), lo = hexval(e[2]);

			el = 3;
			if (!(IS_DIGIT(e[1]) || (e[1] >= 'a' && e[1] <= 'f')) ||
			    !(IS_DIGIT(e[2]) || (e[2] >= 'a' && e[2] <= 'f')) || hi > 7)
				return 0;
			c = (char)(hi << 4 | lo);
			if (c < 0x20)
				return 0;
		}
	}
	if (!c || len <= el || e[el] != '$')
		return 0;
	*n = 2 + el;
	return c;
}

static void legacy_ident(struct rd *r, const char *s, size_t len)
{
	if (len >= 2 && s[0] == '_' && s[1] == '$') {
		s++;
		len--;
	}
	while (len > 0) {
		size_t n;
		char c;

		if (s[0] == '$') {
			if (!(c = legacy_escape(s, len, &n))) {
				rput(r, s, len);	/* not ours: the rest as it is */
				return;
			}
			rput(r, &c, 1);
		} else if (s[0] == '.') {
			n = len >= 2 && s[1] == '.' ? 2 : 1;
			rputs(r, n == 2 ? "::" : ".");
		} else {
			for (n = 0; n < len && s[n] != '$' && s[n] != '.'; n++)
				;
			rput(r, s, n);
		}
		s += n;
		len -= n;
	}
}

static int rust(const char *s, size_t len, bool verbose, char **out)
{
	struct rd r = { .verbose = verbose };
	bool v0;

	if (len >= 3 && !memcmp(s, "_ZN", 3)) {
		v0 = false;
		r.s = s + 3;
	} else if (len >= 2 && !memcmp(s, "_R", 2)) {
		v0 = true;
		r.s = s + 2;
		if (len < 3 || !IS_UPPER(r.s[0]))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	for (const char *p = r.s; p < s + len; p++) {
		if (v0 && *p == '.')	/* a suffix: not printed */
			break;
		r.len++;
		if (*p == '_' || IS_DIGIT(*p) || IS_LOWER(*p) || IS_UPPER(*p))
			continue;
		if (!v0 && (*p == '$' || *p == '.' || *p == ':' || *p == '@'))
			continue;
		return -EINVAL;
	}
	if (!v0) {
		bool dot = true;
		struct ident id = { 0 };

		/* ends with E, maybe then a .suffix, not printed */
		while (r.len > 0 && !(dot && r.s[r.len - 1] == 'E')) {
			dot = r.s[r.len - 1] == '.';
			r.len--;
		}
		if (!r.len || r.s[r.len - 1] != 'E')
			return -EINVAL;
		r.len--;
		if (r.len <= 19 || memcmp(r.s + r.len - 19, "17h", 3))
			return -EINVAL;
		do {
			id = rident(&r, false);
			if (r.err || !id.ascii)
				return -EINVAL;
		} while (r.next < r.len);
		if (!legacy_hash(id.ascii, id.ascii_len))
			return -EINVAL;
		r.next = 0;
		if (!verbose)
			r.len -= 19;
		do {
			if (r.next)
				rputs(&r, "::");
			id = rident(&r, false);
			legacy_ident(&r, id.ascii, id.ascii_len);
		} while (r.next < r.len);
	} else {
		rpath(&r, true);
		if (!r.err && r.next < r.len) {	/* the instantiating crate */
			r.skip = true;
			rpath(&r, false);
		}
		if (r.next != r.len)
			r.err = true;
	}
	putc_(&r.out, '\0');
	if (r.err || r.out.err) {
		free(r.out.buf);
		return r.out.err ? -ENOMEM : -EINVAL;
	}
	*out = r.out.buf;
	return 0;
}

int upc_demangle(const char *name, size_t len, unsigned flags, char **out)
{
	bool full = !(flags & UPC_DEMANGLE_SHORT);
	int err;

	*out = NULL;
	if (len < 2 || name[0] != '_')
		return -EINVAL;
	if ((err = rust(name, len, full, out)) != -EINVAL)
		return err;
	return itanium(name, len, full, out);
}
#endif /* UPC_NO_DEMANGLE */
