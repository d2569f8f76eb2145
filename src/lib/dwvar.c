// SPDX-License-Identifier: MIT
/*
 * The program's source, from its DWARF: where a function, a line or a
 * function's Nth line is (out of line and in every place it was inlined),
 * which variables are visible there, where each one lives at that very
 * address (a register, memory relative to a register or the frame, a
 * static address, a constant), and its type; and from that, the kernel's
 * fetch argument for a source expression: VAR, VAR->FIELD, VAR.FIELD,
 * VAR[N], *VAR, chained, typed from DWARF (signedness and size, pointers as
 * hex, bitfields as b<width>@<offset>/<container>, char arrays as strings).
 *
 * What the kernel cannot fetch (optimized out here, a value computed from
 * several places, a piece of a register, an entry value) is refused with
 * the reason and the addresses where the variable can be had.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "upc_internal.h"

enum {	/* location expression operations */
	DW_OP_addr = 0x03, DW_OP_deref = 0x06, DW_OP_const1u = 0x08, DW_OP_const1s = 0x09,
	DW_OP_const2u = 0x0a, DW_OP_const2s = 0x0b, DW_OP_const4u = 0x0c,
	DW_OP_const4s = 0x0d, DW_OP_const8u = 0x0e, DW_OP_const8s = 0x0f,
	DW_OP_constu = 0x10, DW_OP_consts = 0x11, DW_OP_plus = 0x22, DW_OP_plus_uconst = 0x23,
	DW_OP_lit0 = 0x30, DW_OP_lit31 = 0x4f, DW_OP_reg0 = 0x50, DW_OP_reg31 = 0x6f,
	DW_OP_breg0 = 0x70, DW_OP_breg31 = 0x8f, DW_OP_regx = 0x90, DW_OP_fbreg = 0x91,
	DW_OP_bregx = 0x92, DW_OP_piece = 0x93, DW_OP_form_tls_address = 0x9b,
	DW_OP_call_frame_cfa = 0x9c, DW_OP_bit_piece = 0x9d, DW_OP_implicit_value = 0x9e,
	DW_OP_stack_value = 0x9f, DW_OP_implicit_pointer = 0xa0, DW_OP_addrx = 0xa1,
	DW_OP_constx = 0xa2, DW_OP_entry_value = 0xa3, DW_OP_GNU_push_tls_address = 0xe0,
	DW_OP_GNU_implicit_pointer = 0xf2, DW_OP_GNU_entry_value = 0xf3,
	DW_OP_GNU_parameter_ref = 0xfa,
};
enum {	/* base type encodings */
	DW_ATE_address = 1, DW_ATE_boolean = 2, DW_ATE_float = 4, DW_ATE_signed = 5,
	DW_ATE_signed_char = 6, DW_ATE_unsigned = 7, DW_ATE_unsigned_char = 8,
	DW_ATE_UTF = 0x10,
};

#define EXPR_MAX 128		/* a fetch expression being built */

/* ---- types ------------------------------------------------------------------ */

enum tkind { T_VOID, T_INT, T_FLOAT, T_PTR, T_STRUCT, T_ARRAY, T_FUNC };

struct dtype {
	enum tkind kind;
	uint64_t size;
	bool is_signed, is_char, is_enum, is_bool;
	struct dw_die die;		/* the type, past typedefs and qualifiers */
	bool has_die;
};

/* The type of die (its DW_AT_type, through its abstract origin), past
 * typedefs and qualifiers. */
static int type_of(struct upc_dwarf *d, const struct dw_die *die, struct dtype *t);

static int resolve(struct upc_dwarf *d, struct dw_die die, struct dtype *t)
{
	struct dw_val v;

	memset(t, 0, sizeof(*t));
	for (int hops = 0; hops < 32; hops++) {
		struct dw_die next;

		switch (die.tag) {
		case DW_TAG_typedef: case DW_TAG_const_type: case DW_TAG_volatile_type:
		case DW_TAG_restrict_type: case DW_TAG_atomic_type:
			if (dw_attr(d, &die, DW_AT_type, &v)) {
				t->kind = T_VOID;
				return 0;
			}
			if (dw_ref(d, &die, &v, &next))
				return -EINVAL;
			die = next;
			continue;
		}
		break;
	}
	t->die = die;
	t->has_die = true;
	if (!dw_attr(d, &die, DW_AT_byte_size, &v))
		t->size = v.u;
	switch (die.tag) {
	case DW_TAG_base_type:
		if (dw_attr(d, &die, DW_AT_encoding, &v))
			return -EINVAL;
		t->kind = v.u == DW_ATE_float ? T_FLOAT : T_INT;
		t->is_signed = v.u == DW_ATE_signed || v.u == DW_ATE_signed_char;
		t->is_char = v.u == DW_ATE_signed_char || v.u == DW_ATE_unsigned_char ||
			     (v.u == DW_ATE_UTF && t->size == 1);
		t->is_bool = v.u == DW_ATE_boolean;
		return 0;
	case DW_TAG_enumeration_type: {
		struct dtype under;

		t->kind = T_INT;
		t->is_enum = true;
		/* signed unless its underlying type says otherwise */
		t->is_signed = true;
		if (!type_of(d, &die, &under) && under.kind == T_INT)
			t->is_signed = under.is_signed;
		else if (!dw_attr(d, &die, DW_AT_encoding, &v))
			t->is_signed = v.u == DW_ATE_signed;
		return 0;
	}
	case DW_TAG_pointer_type: case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		t->kind = T_PTR;
		if (!t->size)
			t->size = die.unit->addrsize;
		return 0;
	case DW_TAG_structure_type: case DW_TAG_union_type: case DW_TAG_class_type:
		t->kind = T_STRUCT;
		return 0;
	case DW_TAG_array_type:
		t->kind = T_ARRAY;
		return 0;
	case DW_TAG_subroutine_type:
		t->kind = T_FUNC;
		return 0;
	default:
		t->kind = T_VOID;
		return 0;
	}
}

static int type_of(struct upc_dwarf *d, const struct dw_die *die, struct dtype *t)
{
	struct dw_die holder, tdie;
	struct dw_val v;

	memset(t, 0, sizeof(*t));
	if (dw_attr_origin(d, die, DW_AT_type, &v, &holder))
		return 0;	/* void */
	if (dw_ref(d, &holder, &v, &tdie))
		return -EINVAL;
	return resolve(d, tdie, t);
}

/* The element type and count of array t (its first dimension). */
static int array_of(struct upc_dwarf *d, const struct dtype *t, struct dtype *el,
		    uint64_t *count)
{
	struct dw_die sub;
	struct dw_val v;

	*count = 0;
	if (type_of(d, &t->die, el))
		return -EINVAL;
	for (int r = dw_child(d, &t->die, &sub); !r; r = dw_sibling(d, &sub, &sub)) {
		if (sub.tag != DW_TAG_subrange_type)
			continue;
		if (!dw_attr(d, &sub, DW_AT_count, &v))
			*count = v.u;
		else if (!dw_attr(d, &sub, DW_AT_upper_bound, &v))
			*count = v.u + 1;
		break;
	}
	if (!el->size && el->kind == T_ARRAY) {
		/* an array of arrays: its element's size */
		struct dtype inner;
		uint64_t n;

		if (!array_of(d, el, &inner, &n))
			el->size = inner.size * n;
	}
	return 0;
}

/* A C-like name of type t (of the DIE holding it), into buf. */
static void type_name(struct upc_dwarf *d, const struct dw_die *holder, char *buf, size_t len)
{
	struct dw_die cur = *holder, tdie;
	char suffix[64] = "";
	size_t used = 0;
	struct dw_val v;

	buf[0] = '\0';
	for (int hops = 0; hops < 16; hops++) {
		const char *name;
		struct dw_die h;

		if (dw_attr_origin(d, &cur, DW_AT_type, &v, &h) || dw_ref(d, &h, &v, &tdie)) {
			used += (size_t)snprintf(buf + used, len > used ? len - used : 0, "void");
			break;
		}
		name = dw_name(d, &tdie);
		switch (tdie.tag) {
		case DW_TAG_pointer_type:
			memmove(suffix + 1, suffix, sizeof(suffix) - 1);
			suffix[0] = '*';
			cur = tdie;
			continue;
		case DW_TAG_const_type: case DW_TAG_volatile_type:
		case DW_TAG_restrict_type: case DW_TAG_atomic_type:
			cur = tdie;
			continue;
		case DW_TAG_array_type: {
			struct dtype t, el;
			uint64_t n;
			size_t sl = strlen(suffix);

			resolve(d, tdie, &t);
			array_of(d, &t, &el, &n);
			snprintf(suffix + sl, sizeof(suffix) - sl, "[%llu]", (unsigned long long)n);
			cur = tdie;
			continue;
		}
		case DW_TAG_structure_type: case DW_TAG_class_type:
			used += (size_t)snprintf(buf + used, len > used ? len - used : 0, "struct %s",
						 name ? name : "(anon)");
			break;
		case DW_TAG_union_type:
			used += (size_t)snprintf(buf + used, len > used ? len - used : 0, "union %s",
						 name ? name : "(anon)");
			break;
		case DW_TAG_enumeration_type:
			used += (size_t)snprintf(buf + used, len > used ? len - used : 0, "enum %s",
						 name ? name : "(anon)");
			break;
		case DW_TAG_subroutine_type:
			used += (size_t)snprintf(buf + used, len > used ? len - used : 0, "(function)");
			break;
		default:
			used += (size_t)snprintf(buf + used, len > used ? len - used : 0, "%s",
						 name ? name : "?");
		}
		break;
	}
	if (suffix[0])
		snprintf(buf + used, len > used ? len - used : 0, "%s%s", suffix[0] == '*' ? " " : "",
			 suffix);
}

/* ---- where a function and its scopes are ---------------------------------------- */

/* The chain of scopes inside w->frame that contain pc. */
static void scopes_at(struct upc_dwarf *d, struct dw_where *w)
{
	for (bool found = true; found && w->nscopes < DW_MAX_SCOPES;) {
		const struct dw_die *in = &w->scopes[w->nscopes - 1];
		struct dw_die k;

		found = false;
		for (int r = dw_child(d, in, &k); !r; r = dw_sibling(d, &k, &k)) {
			if ((k.tag == DW_TAG_lexical_block || k.tag == DW_TAG_inlined_subroutine) &&
			    dw_has_pc(d, &k, w->pc)) {
				w->scopes[w->nscopes++] = k;
				found = true;
				break;
			}
		}
	}
}

/* The out-of-line function (subprogram) under parent containing pc,
 * walking into namespaces and classes. */
static int func_at(struct upc_dwarf *d, const struct dw_die *parent, uint64_t pc,
		   struct dw_die *out, unsigned depth)
{
	struct dw_die k;

	if (depth > 8)
		return -ENOENT;
	for (int r = dw_child(d, parent, &k); !r; r = dw_sibling(d, &k, &k)) {
		if (k.tag == DW_TAG_subprogram && dw_has_pc(d, &k, pc)) {
			*out = k;
			return 0;
		}
		if ((k.tag == DW_TAG_namespace || k.tag == DW_TAG_structure_type ||
		     k.tag == DW_TAG_class_type) && !func_at(d, &k, pc, out, depth + 1))
			return 0;
	}
	return -ENOENT;
}

int dw_where_at(struct upc_dwarf *d, uint64_t pc, struct dw_where *w)
{
	const struct dw_unit *u = dw_unit_at_pc(d, pc);

	memset(w, 0, sizeof(*w));
	w->pc = pc;
	if (!u || dw_die(d, &d->main, u, u->die, &w->cu) ||
	    func_at(d, &w->cu, pc, &w->frame, 0))
		return -ENOENT;
	w->scopes[0] = w->frame;
	w->nscopes = 1;
	scopes_at(d, w);
	return 0;
}

const struct dw_die *dw_where_func(const struct dw_where *w)
{
	for (unsigned i = w->nscopes; i-- > 0;)
		if (w->scopes[i].tag != DW_TAG_lexical_block)
			return &w->scopes[i];
	return &w->frame;
}

/* ---- locations ------------------------------------------------------------------- */

enum lkind { L_REG, L_MEM, L_STATIC, L_CONST, L_NONE };

struct loc {
	enum lkind kind;
	char base[EXPR_MAX];		/* L_REG: "%di"; L_MEM: the address's base */
	int64_t off;			/* L_MEM: + off; L_STATIC: the address */
	int64_t value;			/* L_CONST */
	const char *why;		/* L_NONE */
};

/* The kernel's name of DWARF register n, "%NAME", into buf. */
static bool reg_name(const struct upc_arch *a, uint64_t n, char *buf, size_t len)
{
	const char *p = a->dwarf_regs;

	for (uint64_t i = 0; p && *p; i++) {
		size_t l = strcspn(p, " ");

		if (i == n) {
			if (l == 1 && *p == '-')
				return false;
			snprintf(buf, len, "%%%.*s", (int)l, p);
			return true;
		}
		p += l;
		p += strspn(p, " ");
	}
	return false;
}

static bool is_block(const struct dw_val *v)
{
	return v->form == DW_FORM_exprloc || v->form == DW_FORM_block1 ||
	       v->form == DW_FORM_block2 || v->form == DW_FORM_block4 || v->form == DW_FORM_block;
}

struct at_pc {
	uint64_t pc;
	const unsigned char *e;
	uint64_t elen;
};

static int entry_at_pc(uint64_t lo, uint64_t hi, const unsigned char *e, uint64_t elen, void *ctx)
{
	struct at_pc *a = ctx;

	if (a->pc < lo || a->pc >= hi)
		return 0;
	a->e = e;
	a->elen = elen;
	return 1;
}

/* The expression of a variable's location at pc: exprloc, or the entry of
 * its location list covering pc (none: NULL expr). */
static int location_expr(struct upc_dwarf *d, const struct dw_die *var, const struct dw_val *lv,
			 uint64_t pc, const unsigned char **expr, uint64_t *elen)
{
	struct at_pc a = { pc, NULL, 0 };
	int r;

	if (is_block(lv)) {
		*expr = lv->block;
		*elen = lv->blen;
		return 0;
	}
	r = dw_loclist_walk(d, var, lv, entry_at_pc, &a);
	*expr = a.e;
	*elen = a.elen;
	return r < 0 ? r : 0;
}

/* Where the frame base of w's function is: a memory base (register plus
 * offset) its fbreg offsets add to. */
static int frame_base(struct upc_dwarf *d, const struct dw_where *w, struct loc *fb)
{
	const unsigned char *e;
	uint64_t elen;
	struct dw_val v;
	struct dw_cur c;
	uint8_t op;

	if (dw_attr(d, &w->frame, DW_AT_frame_base, &v) ||
	    location_expr(d, &w->frame, &v, w->pc, &e, &elen) || !e) {
		fb->why = "its function's frame base is not known at this address";
		return -ENOENT;
	}
	c = (struct dw_cur){ .p = e, .end = e + elen, .swap = w->frame.obj->swap };
	op = (uint8_t)dw_u(&c, 1);
	fb->kind = L_MEM;
	if (op == DW_OP_call_frame_cfa && c.p == c.end) {
		int reg;
		int64_t off;

		if (dw_cfa(d, w->pc, &reg, &off) || !reg_name(d->arch, (uint64_t)reg, fb->base,
							      sizeof(fb->base))) {
			fb->why = "the frame's address (CFA) at this address is not in the call "
				  "frame information";
			return -ENOENT;
		}
		fb->off = off;
		return 0;
	}
	if (op >= DW_OP_reg0 && op <= DW_OP_reg31 && c.p == c.end &&
	    reg_name(d->arch, op - DW_OP_reg0, fb->base, sizeof(fb->base))) {
		fb->off = 0;
		return 0;
	}
	if (op >= DW_OP_breg0 && op <= DW_OP_breg31 &&
	    reg_name(d->arch, op - DW_OP_breg0, fb->base, sizeof(fb->base))) {
		fb->off = dw_sleb(&c);
		if (c.p == c.end && !c.err)
			return 0;
	}
	fb->why = "its function's frame base is an expression the kernel cannot follow";
	return -ENOENT;
}

/* A location expression as one of the forms the kernel fetches. */
static void expr_loc(struct upc_dwarf *d, const struct dw_where *w, const struct dw_die *var,
		     const unsigned char *e, uint64_t elen, struct loc *l)
{
	struct dw_cur c = { .p = e, .end = e + elen, .swap = var->obj->swap };
	uint8_t op = (uint8_t)dw_u(&c, 1);
	uint64_t n;
	int64_t k = 0;
	bool konst = false;

	memset(l, 0, sizeof(*l));
	l->kind = L_NONE;
	if (!elen) {
		l->why = "optimized out at this address";
		return;
	}
	if (op >= DW_OP_reg0 && op <= DW_OP_reg31)
		n = op - DW_OP_reg0;
	else if (op == DW_OP_regx)
		n = dw_uleb(&c);
	else
		n = UINT64_MAX;
	if (n != UINT64_MAX) {
		if (c.p != c.end) {
			l->why = "held in pieces (DW_OP_piece): not one place the kernel can read";
			return;
		}
		if (!reg_name(d->arch, n, l->base, sizeof(l->base))) {
			l->why = "in a register the kernel does not name";
			return;
		}
		l->kind = L_REG;
		return;
	}
	if ((op >= DW_OP_breg0 && op <= DW_OP_breg31) || op == DW_OP_bregx) {
		n = op == DW_OP_bregx ? dw_uleb(&c) : (uint64_t)(op - DW_OP_breg0);
		k = dw_sleb(&c);
		if (!reg_name(d->arch, n, l->base, sizeof(l->base))) {
			l->why = "relative to a register the kernel does not name";
			return;
		}
		if (c.p == c.end) {
			l->kind = L_MEM;
			l->off = k;
			return;
		}
		if ((uint8_t)dw_u(&c, 1) == DW_OP_stack_value && c.p == c.end && !k) {
			l->kind = L_REG;	/* the register itself */
			return;
		}
		l->why = "a value the compiler computes from a register: the kernel cannot "
			 "compute it";
		return;
	}
	if (op == DW_OP_fbreg) {
		struct loc fb;

		k = dw_sleb(&c);
		if (c.p != c.end) {
			l->why = "a value computed from the frame: the kernel cannot compute it";
			return;
		}
		if (frame_base(d, w, &fb)) {
			l->why = fb.why;
			return;
		}
		*l = fb;
		l->off += k;
		return;
	}
	if (op == DW_OP_call_frame_cfa) {
		/* the variable at the frame's address (CFA), or K past it:
		 * where Go keeps its arguments on the stack */
		int reg;
		int64_t off;

		if (c.p != c.end) {
			op = (uint8_t)dw_u(&c, 1);
			if (op == DW_OP_plus_uconst)
				k = (int64_t)dw_uleb(&c);
			else if (op == DW_OP_consts && (k = dw_sleb(&c), (uint8_t)dw_u(&c, 1) != DW_OP_plus))
				c.err = true;
			if (c.p != c.end || c.err || (op != DW_OP_plus_uconst && op != DW_OP_consts)) {
				l->why = "a value computed from the frame: the kernel cannot compute it";
				return;
			}
		}
		if (dw_cfa(d, w->pc, &reg, &off) || !reg_name(d->arch, (uint64_t)reg, l->base,
							      sizeof(l->base))) {
			l->why = "the frame's address (CFA) at this address is not in the call "
				 "frame information";
			return;
		}
		l->kind = L_MEM;
		l->off = off + k;
		return;
	}
	if (op == DW_OP_addr || op == DW_OP_addrx) {
		uint64_t a = op == DW_OP_addr ? dw_u(&c, var->unit->addrsize) :
			     dw_addrx(d, (struct dw_obj *)var->obj, var->unit, dw_uleb(&c));

		if (c.p == c.end) {
			l->kind = L_STATIC;
			l->off = (int64_t)a;
			return;
		}
		op = (uint8_t)dw_u(&c, 1);
		if (op == DW_OP_GNU_push_tls_address || op == DW_OP_form_tls_address)
			l->why = "a thread-local variable: its address is per thread";
		else
			l->why = "a value computed from an address: the kernel cannot compute it";
		return;
	}
	if (op >= DW_OP_lit0 && op <= DW_OP_lit31) {
		k = op - DW_OP_lit0;
		konst = true;
	} else if (op == DW_OP_const1u || op == DW_OP_const2u || op == DW_OP_const4u ||
		   op == DW_OP_const8u) {
		k = (int64_t)dw_u(&c, op == DW_OP_const1u ? 1 : op == DW_OP_const2u ? 2 :
				  op == DW_OP_const4u ? 4 : 8);
		konst = true;
	} else if (op == DW_OP_const1s || op == DW_OP_const2s || op == DW_OP_const4s ||
		   op == DW_OP_const8s) {
		unsigned sz = op == DW_OP_const1s ? 1 : op == DW_OP_const2s ? 2 :
			      op == DW_OP_const4s ? 4 : 8;

		k = (int64_t)dw_u(&c, sz);
		if (sz < 8 && (k >> (8 * sz - 1)) & 1)
			k |= (int64_t)(~0ull << (8 * sz));
		konst = true;
	} else if (op == DW_OP_constu) {
		k = (int64_t)dw_uleb(&c);
		konst = true;
	} else if (op == DW_OP_consts) {
		k = dw_sleb(&c);
		konst = true;
	}
	if (konst) {
		if ((uint8_t)dw_u(&c, 1) == DW_OP_stack_value && c.p == c.end && !c.err) {
			l->kind = L_CONST;
			l->value = k;
			return;
		}
		l->why = "a value the compiler computes: the kernel cannot compute it";
		return;
	}
	switch (op) {
	case DW_OP_entry_value: case DW_OP_GNU_entry_value: case DW_OP_GNU_parameter_ref:
		l->why = "its value at the function's entry (DW_OP_entry_value): the kernel "
			 "cannot go back to it";
		break;
	case DW_OP_implicit_value:
		l->why = "a value the compiler knows but the program does not hold";
		break;
	case DW_OP_implicit_pointer: case DW_OP_GNU_implicit_pointer:
		l->why = "a pointer the compiler optimized away (implicit pointer)";
		break;
	case DW_OP_piece: case DW_OP_bit_piece:
		l->why = "held in pieces (DW_OP_piece): not one place the kernel can read";
		break;
	default:
		l->why = "a value the compiler computes: the kernel cannot compute it";
	}
}

/* Where variable var lives at w's address. */
static void var_loc(struct upc_dwarf *d, const struct dw_where *w, const struct dw_die *var,
		    struct loc *l)
{
	struct dw_die holder;
	struct dw_val v;
	const unsigned char *e;
	uint64_t elen;

	memset(l, 0, sizeof(*l));
	l->kind = L_NONE;
	if (!dw_attr(d, var, DW_AT_const_value, &v) ||
	    !dw_attr_origin(d, var, DW_AT_const_value, &v, &holder)) {
		if (v.block) {
			l->why = "a constant the compiler knows (a block of bytes)";
			return;
		}
		l->kind = L_CONST;
		l->value = v.form == DW_FORM_sdata ? v.s : (int64_t)v.u;
		return;
	}
	if (dw_attr(d, var, DW_AT_location, &v)) {
		l->why = "optimized out (no location)";
		return;
	}
	if (location_expr(d, var, &v, w->pc, &e, &elen)) {
		l->why = "its location list is damaged";
		return;
	}
	if (!e) {
		l->why = "not available at this address (optimized out here)";
		return;
	}
	expr_loc(d, w, var, e, elen, l);
}

/* ---- the kernel expression of a location ------------------------------------------- */

/* "+OFF(BASE)" (or -OFF), into buf. */
static int mem_expr(const char *base, int64_t off, char *buf, size_t len)
{
	return snprintf(buf, len, "%c%llu(%s)", off < 0 ? '-' : '+',
			(unsigned long long)(off < 0 ? -(uint64_t)off : (uint64_t)off), base) <
		       (int)len ? 0 : -E2BIG;
}

/* The kernel's "@+X" of static address a for a probe at place pl:
 * relative to the probed file's mapping. */
static int static_expr(const struct upc_src_place *pl, int64_t a, char *buf, size_t len)
{
	uint64_t base = pl->addr - pl->offset;

	if ((uint64_t)a < base)
		return -ERANGE;
	return snprintf(buf, len, "@+0x%llx", (unsigned long long)((uint64_t)a - base)) <
		       (int)len ? 0 : -E2BIG;
}

/* The value of location l as a kernel expression. */
static int value_expr(const struct upc_src_place *pl, const struct loc *l, char *buf, size_t len)
{
	switch (l->kind) {
	case L_REG:
		return snprintf(buf, len, "%s", l->base) < (int)len ? 0 : -E2BIG;
	case L_MEM:
		return mem_expr(l->base, l->off, buf, len);
	case L_STATIC:
		return static_expr(pl, l->off, buf, len);
	case L_CONST:
		return snprintf(buf, len, "\\%lld", (long long)l->value) < (int)len ? 0 : -E2BIG;
	default:
		return -EINVAL;
	}
}

/* The location of what a pointer of value l points to, plus off. */
static int deref(const struct upc_src_place *pl, struct loc *l, int64_t off)
{
	char v[EXPR_MAX];
	int err = value_expr(pl, l, v, sizeof(v));

	if (err)
		return err;
	l->kind = L_MEM;
	snprintf(l->base, sizeof(l->base), "%s", v);
	l->off = off;
	return 0;
}

static void var_where(struct upc_dwarf *d, const struct dw_where *w, const struct dw_die *var,
		      const struct dw_die *scope, char *buf, size_t len);

/* ---- finding names ----------------------------------------------------------------- */

/* The variable (or parameter) named name visible at w: innermost scope
 * first, then the unit's globals. */
static int find_var(struct upc_dwarf *d, const struct dw_where *w, const char *name, size_t n,
		    struct dw_die *out, const struct dw_die **scope)
{
	for (unsigned i = w->nscopes; i-- > 0;) {
		struct dw_die k;

		for (int r = dw_child(d, &w->scopes[i], &k); !r; r = dw_sibling(d, &k, &k)) {
			const char *kn;

			if (k.tag != DW_TAG_variable && k.tag != DW_TAG_formal_parameter)
				continue;
			kn = dw_name(d, &k);
			if (kn && strlen(kn) == n && !memcmp(kn, name, n)) {
				*out = k;
				if (scope)
					*scope = &w->scopes[i];
				return 0;
			}
		}
	}
	{
		struct dw_die k;

		for (int r = dw_child(d, &w->cu, &k); !r; r = dw_sibling(d, &k, &k)) {
			const char *kn;

			if (k.tag != DW_TAG_variable)
				continue;
			kn = dw_name(d, &k);
			if (kn && strlen(kn) == n && !memcmp(kn, name, n)) {
				*out = k;
				if (scope)
					*scope = NULL;
				return 0;
			}
		}
	}
	return -ENOENT;
}

/* Member name of structure type st (an anonymous member's members
 * included): its byte offset, and its DIE. */
static int find_member(struct upc_dwarf *d, const struct dtype *st, const char *name, size_t n,
		       struct dw_die *out, uint64_t *off, unsigned depth)
{
	struct dw_die k;

	if (depth > 8)
		return -ENOENT;
	for (int r = dw_child(d, &st->die, &k); !r; r = dw_sibling(d, &k, &k)) {
		struct dw_val v;
		const char *kn;
		uint64_t mo = 0;

		if (k.tag != DW_TAG_member)
			continue;
		if (!dw_attr(d, &k, DW_AT_data_member_location, &v)) {
			if (v.block) {
				/* DW_OP_plus_uconst N (DWARF 2) */
				struct dw_cur c = { .p = v.block, .end = v.block + v.blen };

				if ((uint8_t)dw_u(&c, 1) == DW_OP_plus_uconst)
					mo = dw_uleb(&c);
			} else {
				mo = v.u;
			}
		}
		kn = dw_name(d, &k);
		if (kn && strlen(kn) == n && !memcmp(kn, name, n)) {
			*out = k;
			*off = mo;
			return 0;
		}
		if (!kn) {
			struct dtype inner;

			if (!type_of(d, &k, &inner) && inner.kind == T_STRUCT &&
			    !find_member(d, &inner, name, n, out, off, depth + 1)) {
				*off += mo;
				return 0;
			}
		}
	}
	return -ENOENT;
}

/* A member's bitfield, as the kernel's b<width>@<offset>/<container>
 * within the container at its byte offset (adjusted in *off): 0, or
 * -ENOENT when it is no bitfield. */
static int bitfield(struct upc_dwarf *d, const struct dw_die *m, const struct dtype *t,
		    bool big_endian, uint64_t *off, char *type, size_t len)
{
	struct dw_val bs, bo;
	uint64_t width, bit, csize = t->size ? t->size : 4, start;

	if (dw_attr(d, m, DW_AT_bit_size, &bs))
		return -ENOENT;
	width = bs.u;
	if (!dw_attr(d, m, DW_AT_data_bit_offset, &bo)) {
		/* DWARF 4+: bits from the start of the structure */
		bit = bo.u;
		*off = 0;
	} else if (!dw_attr(d, m, DW_AT_bit_offset, &bo)) {
		/* DWARF 2-3: bits from the most significant end of the
		 * storage unit at the member's offset */
		struct dw_val sz;
		uint64_t unit = !dw_attr(d, m, DW_AT_byte_size, &sz) ? sz.u : csize;

		bit = *off * 8 + (big_endian ? bo.u : unit * 8 - bo.u - width);
		*off = 0;
	} else {
		bit = *off * 8;
		*off = 0;
	}
	/* the container: an aligned word of the type's size holding it all */
	if (csize != 1 && csize != 2 && csize != 4 && csize != 8)
		csize = 4;
	start = bit / (csize * 8) * csize;
	if ((bit + width - 1) / (csize * 8) * csize != start) {
		csize = 8;
		start = bit / 64 * 8;
	}
	*off = start;
	bit -= start * 8;
	if (big_endian)
		bit = csize * 8 - bit - width;
	return snprintf(type, len, "b%llu@%llu/%llu", (unsigned long long)width,
			(unsigned long long)bit, (unsigned long long)csize * 8) < (int)len ?
		       0 : -E2BIG;
}

/* ---- source expressions ------------------------------------------------------------- */

/* A source fetch argument: a name, '*' or '$' first (a kernel one starts
 * with '%', '+', '-', '@', '\' or is $argN, $stackN, $retval, $comm,
 * $sp, $ra). */
bool upc_src_fetcharg(const char *arg)
{
	const char *e = strchr(arg, '=');

	/* past NAME= */
	if (e && e > arg && upc_is_ident(arg, (size_t)(e - arg)))
		arg = e + 1;
	if (!strcmp(arg, "$params") || !strcmp(arg, "$vars"))
		return true;
	return upc_ident_char(*arg, true) || *arg == '*';
}

/* The name of an expression's record field: its words joined by '_'
 * ("r->in.b" gives r_in_b, "items[2]" items_2, "*p" p). */
static void default_name(const char *expr, size_t n, char *out, size_t len)
{
	size_t o = 0;
	bool sep = false;

	for (size_t i = 0; i < n && o + 1 < len && o < UPC_MAX_ARGNAME; i++) {
		if (upc_ident_char(expr[i], false)) {
			if (sep && o)
				out[o++] = '_';
			sep = false;
			if (o + 1 < len)
				out[o++] = expr[i];
		} else {
			sep = true;
		}
	}
	out[o] = '\0';
	if (!o || !upc_ident_char(out[0], true))
		snprintf(out, len, "v%s", o ? out : "");
}

/* The location (and type, and holder DIE for bitfields) of source
 * expression expr (n bytes) at w. Explained. */
static int eval(struct upc_dwarf *d, const struct dw_where *w, const struct upc_src_place *pl,
		const char *expr, size_t n, struct loc *l, struct dtype *t, char *bits, size_t blen)
{
	const char *p = expr, *end = expr + n, *name;
	const struct dw_die *scope = NULL;
	struct dw_die var, member;
	unsigned derefs = 0;
	int err;

	bits[0] = '\0';
	while (p < end && *p == '*') {
		derefs++;
		p++;
	}
	name = p;
	while (p < end && upc_ident_char(*p, p == name))
		p++;
	if (p == name) {
		pr_err("'%.*s': not a variable's name", (int)n, expr);
		return -EINVAL;
	}
	if (find_var(d, w, name, (size_t)(p - name), &var, &scope)) {
		pr_err("'%.*s': no variable of that name is visible at 0x%llx ('uprobectl vars' "
		       "lists those that are)", (int)(p - name), name, (unsigned long long)w->pc);
		return -ENOENT;
	}
	var_loc(d, w, &var, l);
	if (l->kind == L_NONE) {
		char where[256];

		var_where(d, w, &var, scope, where, sizeof(where));
		pr_err("'%.*s' cannot be fetched at 0x%llx: %s (%s%s)", (int)(p - name), name,
		       (unsigned long long)w->pc, l->why, where[0] ? "it can be at " :
		       "it can be nowhere in this code", where);
		return -EINVAL;
	}
	if ((err = type_of(d, &var, t)))
		return err;
	/* the rest: ->FIELD .FIELD [N], left to right */
	while (p < end) {
		bool arrow = end - p >= 2 && p[0] == '-' && p[1] == '>';

		if (bits[0]) {
			pr_err("'%.*s': a bitfield has no fields", (int)n, expr);
			return -EINVAL;
		}
		if (arrow || *p == '.') {
			const char *f;
			uint64_t off;
			struct dtype st = *t;

			p += arrow ? 2 : 1;
			f = p;
			while (p < end && upc_ident_char(*p, p == f))
				p++;
			if (p == f) {
				pr_err("'%.*s': a field's name is missing", (int)n, expr);
				return -EINVAL;
			}
			if (arrow) {
				if (t->kind != T_PTR) {
					pr_err("'%.*s': '->' needs a pointer ('.' for a structure)",
					       (int)n, expr);
					return -EINVAL;
				}
				if ((err = type_of(d, &t->die, &st)))
					return err;
				if (l->kind == L_CONST) {
					pr_err("'%.*s': a constant pointer", (int)n, expr);
					return -EINVAL;
				}
			}
			if (st.kind != T_STRUCT) {
				pr_err("'%.*s': %.*s is no structure or union", (int)n, expr,
				       (int)(f - expr - (arrow ? 2 : 1)), expr);
				return -EINVAL;
			}
			if (find_member(d, &st, f, (size_t)(p - f), &member, &off, 0)) {
				pr_err("'%.*s': no field '%.*s' there", (int)n, expr, (int)(p - f), f);
				return -ENOENT;
			}
			if (arrow) {
				if ((err = deref(pl, l, 0)))
					return err;
			} else if (l->kind != L_MEM && l->kind != L_STATIC) {
				pr_err("'%.*s': the structure is held in registers at 0x%llx, not "
				       "in memory: its fields cannot be read one by one", (int)n,
				       expr, (unsigned long long)w->pc);
				return -EINVAL;
			}
			if ((err = type_of(d, &member, t)))
				return err;
			err = bitfield(d, &member, t, d->main.swap !=
				       (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__), &off, bits, blen);
			if (err && err != -ENOENT)
				return err;
			l->off += (int64_t)off;
			continue;
		}
		if (*p == '[') {
			const char *q = ++p;
			uint64_t idx;
			struct dtype el;
			uint64_t count;

			while (p < end && *p >= '0' && *p <= '9')
				p++;
			if (p == q || p >= end || *p != ']' || upc_parse_u64(q, (size_t)(p - q), &idx)) {
				pr_err("'%.*s': an index is a number: [N]", (int)n, expr);
				return -EINVAL;
			}
			p++;
			if (t->kind == T_ARRAY) {
				if ((err = array_of(d, t, &el, &count)))
					return err;
				if (count && idx >= count) {
					pr_err("'%.*s': index %llu of an array of %llu", (int)n, expr,
					       (unsigned long long)idx, (unsigned long long)count);
					return -ERANGE;
				}
				if (l->kind != L_MEM && l->kind != L_STATIC) {
					pr_err("'%.*s': the array is not in memory", (int)n, expr);
					return -EINVAL;
				}
				l->off += (int64_t)(idx * el.size);
			} else if (t->kind == T_PTR) {
				if ((err = type_of(d, &t->die, &el)) || (err = deref(pl, l, 0)))
					return err;
				l->off = (int64_t)(idx * el.size);
			} else {
				pr_err("'%.*s': only an array or a pointer takes [N]", (int)n, expr);
				return -EINVAL;
			}
			*t = el;
			continue;
		}
		pr_err("'%.*s': '%.*s' is not understood (VAR, VAR->FIELD, VAR.FIELD, VAR[N], *VAR)",
		       (int)n, expr, (int)(end - p), p);
		return -EINVAL;
	}
	for (; derefs; derefs--) {
		struct dtype to;

		if (t->kind != T_PTR) {
			pr_err("'%.*s': '*' needs a pointer", (int)n, expr);
			return -EINVAL;
		}
		if ((err = type_of(d, &t->die, &to)) || (err = deref(pl, l, 0)))
			return err;
		*t = to;
	}
	return 0;
}

/* The kernel's type of a value of type t: 0, or the reason it has none. */
static const char *kernel_type(const struct dtype *t, unsigned ptr_bits, char *buf, size_t len)
{
	switch (t->kind) {
	case T_INT:
		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
			return "an integer of a size the kernel has no type for";
		snprintf(buf, len, "%c%llu", t->is_signed ? 's' : 'u', (unsigned long long)t->size * 8);
		return NULL;
	case T_PTR:
		snprintf(buf, len, "x%u", ptr_bits);
		return NULL;
	case T_FLOAT:
		if (t->size != 4 && t->size != 8)
			return "a floating point value of a size the kernel has no type for";
		snprintf(buf, len, "x%llu", (unsigned long long)t->size * 8);	/* its bits */
		return NULL;
	case T_STRUCT:
		return "a structure: name one of its fields (VAR.FIELD, VAR->FIELD)";
	case T_FUNC:
		return "a function";
	default:
		return "of no type the kernel can fetch (void)";
	}
}

/* One source fetch argument [NAME=]EXPR[:TYPE] at pl, as the kernel's,
 * appended at out + *used. */
static int translate(struct upc_dwarf *d, const struct dw_where *w, const struct upc_src_place *pl,
		     const char *arg, char *out, size_t len, size_t *used)
{
	const char *eq = strchr(arg, '='), *expr = arg, *colon;
	char name[UPC_MAX_ARGNAME + 8], vexpr[EXPR_MAX * 2], ktype[48], bits[48];
	const char *user_type = NULL, *why;
	struct dtype t;
	struct loc l;
	size_t n;
	int err;

	if (eq && eq > arg && upc_is_ident(arg, (size_t)(eq - arg))) {
		snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
		expr = eq + 1;
	} else {
		name[0] = '\0';
	}
	colon = strrchr(expr, ':');
	n = colon ? (size_t)(colon - expr) : strlen(expr);
	if (colon)
		user_type = colon + 1;
	if (!name[0])
		default_name(expr, n, name, sizeof(name));
	if ((err = eval(d, w, pl, expr, n, &l, &t, bits, sizeof(bits))))
		return err;
	if (user_type && (!strcmp(user_type, "string") || !strcmp(user_type, "ustring"))) {
		/* a char pointer: the string it points to; a char array: the
		 * string in place */
		if (t.kind == T_PTR) {
			if ((err = deref(pl, &l, 0)))
				return err;
		} else if (t.kind != T_ARRAY || (l.kind != L_MEM && l.kind != L_STATIC)) {
			pr_err("'%.*s' as a string: it is no char pointer or array in memory", (int)n,
			       expr);
			return -EINVAL;
		}
		if ((err = value_expr(pl, &l, vexpr, sizeof(vexpr))))
			return err;
		snprintf(ktype, sizeof(ktype), "%s", user_type);
	} else {
		if (t.kind == T_ARRAY) {
			struct dtype el;
			uint64_t count;

			if ((err = array_of(d, &t, &el, &count)))
				return err;
			if (l.kind != L_MEM && l.kind != L_STATIC) {
				pr_err("'%.*s': the array is not in memory", (int)n, expr);
				return -EINVAL;
			}
			if (user_type) {
				snprintf(ktype, sizeof(ktype), "%s", user_type);
			} else if (el.is_char) {
				snprintf(ktype, sizeof(ktype), "string");	/* chars in place */
			} else {
				if ((why = kernel_type(&el, d->main.is64 ? 64 : 32, ktype,
						       sizeof(ktype))) || !count || count > 64) {
					pr_err("'%.*s': an array the kernel cannot fetch whole (%s): "
					       "name an element, VAR[N]", (int)n, expr,
					       why ? why : count ? "more than 64 elements" : "no size");
					return -EINVAL;
				}
				snprintf(ktype + strlen(ktype), sizeof(ktype) - strlen(ktype),
					 "[%llu]", (unsigned long long)count);
			}
		} else if (user_type) {
			snprintf(ktype, sizeof(ktype), "%s", user_type);
		} else if (bits[0]) {
			snprintf(ktype, sizeof(ktype), "%s", bits);
			if (t.is_signed)
				pr_warn("'%.*s': a signed bitfield, which the kernel records "
					"unsigned: %s, -1 as %llu", (int)n, expr, bits,
					(unsigned long long)((1ull << strtoul(bits + 1, NULL, 10)) - 1));
		} else if ((why = kernel_type(&t, d->main.is64 ? 64 : 32, ktype, sizeof(ktype)))) {
			pr_err("'%.*s' at 0x%llx: %s", (int)n, expr, (unsigned long long)w->pc, why);
			return -EINVAL;
		}
		if ((err = value_expr(pl, &l, vexpr, sizeof(vexpr)))) {
			pr_err("'%.*s': %s", (int)n, expr, err == -ERANGE ?
			       "a static variable before the probed code in the file" :
			       "the expression is longer than the kernel takes");
			return -EINVAL;
		}
	}
	n = (size_t)snprintf(out + *used, len > *used ? len - *used : 0, "%s%s=%s:%s",
			     *used ? " " : "", name, vexpr, ktype);
	if (*used + n >= len)
		return -E2BIG;
	*used += n;
	return 0;
}

/* Each parameter (and with all, each variable) visible at w, most
 * outer first: those of its innermost function and of the blocks in it,
 * cb with the DIE and its scope. */
/* Each parameter of the function at w, or each variable visible there
 * (all): the function's and its blocks'. */
static int each_var(struct upc_dwarf *d, const struct dw_where *w, bool all,
		    int (*cb)(const struct dw_die *v, const struct dw_die *scope, void *ctx),
		    void *ctx)
{
	const struct dw_die *fn = dw_where_func(w);
	unsigned first = fn == &w->frame ? 0 : (unsigned)(fn - w->scopes);
	int err = 0;

	for (unsigned i = first; i < w->nscopes && !err; i++) {
		struct dw_die k;

		for (int r = dw_child(d, &w->scopes[i], &k); !r && !err;
		     r = dw_sibling(d, &k, &k)) {
			bool param = k.tag == DW_TAG_formal_parameter;

			if ((!param && k.tag != DW_TAG_variable) || (!all && !param) ||
			    (param && i != first) || !dw_name(d, &k))
				continue;
			err = cb(&k, &w->scopes[i], ctx);
		}
	}
	return err;
}

/* ---- where a variable can be had --------------------------------------------------- */

struct ranges_text {
	char *buf;
	size_t len, used;
	uint64_t last_hi;
	struct upc_dwarf *d;
	const struct dw_where *w;
	const struct dw_die *var;
};

static void add_range(struct ranges_text *t, uint64_t lo, uint64_t hi)
{
	if (lo >= hi)
		return;
	if (t->used && lo == t->last_hi) {
		/* adjacent: widen the last one */
		char *dash = strrchr(t->buf, '-');

		if (dash) {
			t->used = (size_t)(dash - t->buf);
			t->buf[t->used] = '\0';
			lo = UINT64_MAX;
		}
	}
	if (t->used + 40 >= t->len)
		return;
	if (lo == UINT64_MAX)
		t->used += (size_t)snprintf(t->buf + t->used, t->len - t->used, "-0x%llx",
					    (unsigned long long)hi);
	else
		t->used += (size_t)snprintf(t->buf + t->used, t->len - t->used, "%s0x%llx-0x%llx",
					    t->used ? " " : "", (unsigned long long)lo,
					    (unsigned long long)hi);
	t->last_hi = hi;
}

static int range_cb(uint64_t lo, uint64_t hi, void *ctx)
{
	add_range(ctx, lo, hi);
	return 0;
}

static int fetchable_cb(uint64_t lo, uint64_t hi, const unsigned char *e, uint64_t elen,
			void *ctx)
{
	struct ranges_text *t = ctx;
	struct loc l;

	expr_loc(t->d, t->w, t->var, e, elen, &l);
	if (l.kind != L_NONE)
		add_range(t, lo, hi);
	return 0;
}

/* The addresses where var (of scope) can be fetched, into buf ("" for
 * nowhere): its location list's usable entries, or its scope's code when
 * its one location is usable. */
static void var_where(struct upc_dwarf *d, const struct dw_where *w, const struct dw_die *var,
		      const struct dw_die *scope, char *buf, size_t len)
{
	struct ranges_text t = { buf, len, 0, 0, d, w, var };
	struct dw_val v;

	struct loc l;

	buf[0] = '\0';
	if (!dw_attr(d, var, DW_AT_location, &v) && !is_block(&v)) {
		dw_loclist_walk(d, var, &v, fetchable_cb, &t);
		return;
	}
	/* one expression (or a constant) for the whole scope: all of it, or
	 * nowhere */
	var_loc(d, w, var, &l);
	if (scope && l.kind != L_NONE)
		dw_ranges(d, scope, range_cb, &t);
}

/* The copy of function name inlined under die with entry pc entry. */
static int inlined_at(struct upc_dwarf *d, const struct dw_die *die, const char *name,
		      uint64_t entry, struct dw_die *out, unsigned depth)
{
	struct dw_die k;
	const char *n;
	uint64_t pc;

	if (depth > 32)
		return -ENOENT;
	for (int r = dw_child(d, die, &k); !r; r = dw_sibling(d, &k, &k)) {
		if (k.tag == DW_TAG_inlined_subroutine && !dw_entry_pc(d, &k, &pc) && pc == entry &&
		    (n = dw_name(d, &k)) && !strcmp(n, name)) {
			*out = k;
			return 0;
		}
		if (k.ab.children && (k.tag == DW_TAG_inlined_subroutine ||
				      k.tag == DW_TAG_lexical_block) &&
		    !inlined_at(d, &k, name, entry, out, depth + 1))
			return 0;
	}
	return -ENOENT;
}

/* What the source has visible at place pl: the scopes at its address
 * down to pl's function and its blocks. A function asked for by name is
 * the scope of that name, or the out-of-line function itself, never one
 * inlined at its first instruction; an inlined copy whose code does not
 * hold its address shows nothing of its own; a line's is the innermost. */
static int place_where(struct upc_dwarf *d, const struct upc_src_place *pl, struct dw_where *w)
{
	const char *name;
	unsigned end;
	int first = -1;

	if (dw_where_at(d, pl->addr, w)) {
		pr_err("0x%llx: in no function the DWARF describes", (unsigned long long)pl->addr);
		return -ENOENT;
	}
	if (pl->at_line || !pl->func[0])
		return 0;
	for (unsigned i = w->nscopes; first < 0 && i-- > 0;)
		if (w->scopes[i].tag != DW_TAG_lexical_block &&
		    (name = dw_name(d, &w->scopes[i])) && !strcmp(name, pl->func))
			first = (int)i;
	if (first < 0 && !pl->inlined)
		first = 0;
	/* an inlined copy entered at an address outside its code's ranges
	 * (its DW_AT_entry_pc): found under the frame by that entry */
	if (first < 0 && w->nscopes < DW_MAX_SCOPES &&
	    !inlined_at(d, &w->frame, pl->func, pl->addr, &w->scopes[w->nscopes], 0))
		first = (int)w->nscopes++;
	if (first < 0) {
		w->nscopes = 0;
		return 0;
	}
	for (end = (unsigned)first + 1;
	     end < w->nscopes && w->scopes[end].tag == DW_TAG_lexical_block; end++)
		;
	w->nscopes = end;
	return 0;
}

/* ---- $params, $vars ------------------------------------------------------------------ */

struct expand {
	struct upc_dwarf *d;
	const struct dw_where *w;
	const struct upc_src_place *pl;
	char *out;
	size_t len, *used;
	unsigned skipped;
	char skipped_names[256];
};

/* Is name one of the names of the fetch arguments in out already? */
static bool named(const char *out, const char *name)
{
	size_t n = strlen(name);

	for (const char *a = out; *a; a += strcspn(a, " "), a += strspn(a, " "))
		if (!strncmp(a, name, n) && a[n] == '=')
			return true;
	return false;
}

static int expand_one(const struct dw_die *v, const struct dw_die *scope, void *ctx)
{
	struct expand *x = ctx;
	const char *name = dw_name(x->d, v);
	struct dw_die inner;
	struct loc l;
	int err;

	(void)scope;
	/* a name an inner block's variable hides: that one is fetched */
	if (named(x->out, name) || find_var(x->d, x->w, name, strlen(name), &inner, NULL) ||
	    inner.off != v->off)
		return 0;
	var_loc(x->d, x->w, v, &l);
	if (l.kind != L_NONE) {
		upc_log_quiet(true);
		err = translate(x->d, x->w, x->pl, name, x->out, x->len, x->used);
		upc_log_quiet(false);
		if (err == -E2BIG)
			return err;
		if (!err)
			return 0;
	}
	x->skipped++;
	snprintf(x->skipped_names + strlen(x->skipped_names),
		 sizeof(x->skipped_names) - strlen(x->skipped_names), "%s%s",
		 x->skipped > 1 ? ", " : "", name);
	return 0;
}

/* ---- vars ------------------------------------------------------------------------- */

struct list_vars {
	struct upc_dwarf *d;
	const struct dw_where *w;
	const struct upc_src_place *pl;
	int (*cb)(const struct upc_src_var *v, void *ctx);
	void *ctx;
};

static int list_one(const struct dw_die *var, const struct dw_die *scope, void *ctx)
{
	struct list_vars *lv = ctx;
	struct upc_src_var v = { .name = dw_name(lv->d, var) };
	struct loc l;

	type_name(lv->d, var, v.type, sizeof(v.type));
	v.kind = !scope ? UPC_VAR_GLOBAL : var->tag == DW_TAG_formal_parameter ? UPC_VAR_PARAM :
							      UPC_VAR_LOCAL;
	var_loc(lv->d, lv->w, var, &l);
	if (l.kind == L_NONE || value_expr(lv->pl, &l, v.fetch, sizeof(v.fetch))) {
		v.fetch[0] = '\0';
		v.why = l.why ? l.why : "its address is before the probed code in the file";
	}
	var_where(lv->d, lv->w, var, scope, v.where, sizeof(v.where));
	return lv->cb(&v, lv->ctx);
}

int upc_src_vars(struct upc_dwarf *d, const struct upc_src_place *pl, bool globals,
		 int (*cb)(const struct upc_src_var *v, void *ctx), void *ctx)
{
	struct list_vars lv = { d, NULL, pl, cb, ctx };
	struct dw_where w;
	int err;

	if ((err = place_where(d, pl, &w)))
		return err;
	lv.w = &w;
	if ((err = each_var(d, &w, true, list_one, &lv)) || !globals)
		return err;
	{
		struct dw_die k;

		for (int r = dw_child(d, &w.cu, &k); !r && !err; r = dw_sibling(d, &k, &k))
			if (k.tag == DW_TAG_variable && dw_name(d, &k) &&
			    dw_attr(d, &k, DW_AT_declaration, &(struct dw_val){ 0 }))
				err = list_one(&k, NULL, &lv);	/* defined here */
	}
	return err;
}

int upc_dwarf_fetcharg(struct upc_dwarf *d, const struct upc_src_place *pl, const char *arg,
		       char *out, size_t len)
{
	unsigned mark = upc_log_errors();
	size_t used = strlen(out);
	struct dw_where w;
	int err;

	if ((err = place_where(d, pl, &w)))
		return upc_explained(err, mark, arg);
	if (!strcmp(arg, "$params") || !strcmp(arg, "$vars")) {
		struct expand x = { d, &w, pl, out, len, &used, 0, "" };

		err = each_var(d, &w, !strcmp(arg, "$vars"), expand_one, &x);
		if (!err && x.skipped)
			pr_warn("%s at 0x%llx: left out what cannot be fetched there: %s "
				"('uprobectl vars' says why)", arg, (unsigned long long)pl->addr,
				x.skipped_names);
	} else {
		err = translate(d, &w, pl, arg, out, len, &used);
	}
	if (err == -E2BIG)
		pr_err("the fetch arguments are longer than a definition can be");
	return upc_explained(err, mark, arg);
}

int upc_go_stack_result(struct upc_elf *e, uint64_t pc, char *buf, size_t len)
{
	const struct upc_arch *a = upc_elf_arch(e);
	struct upc_dwarf *d;
	struct dw_where w;
	struct dw_die k;
	uint64_t args = 0;
	int64_t off;
	int reg;
	char base[EXPR_MAX];

	if (upc_elf_dwarf(e, &d) || dw_where_at(d, pc, &w) ||
	    dw_cfa(d, pc, &reg, &off) || !reg_name(a, (uint64_t)reg, base, sizeof(base))) {
		pr_err("%s: this Go program passes results on the stack (its Go version's ABI0) "
		       "and its DWARF does not say where they are at 0x%llx: fetch them as "
		       "+OFF($sp)", e->path, (unsigned long long)pc);
		return -ENOENT;
	}
	for (int r = dw_child(d, &w.frame, &k); !r; r = dw_sibling(d, &k, &k)) {
		struct dw_val v;
		struct dtype t;
		uint64_t al;

		if (k.tag != DW_TAG_formal_parameter ||
		    (!dw_attr(d, &k, DW_AT_variable_parameter, &v) && v.u))
			continue;	/* the results are variable parameters */
		if (type_of(d, &k, &t) || !t.size)
			return -ENOENT;
		for (al = 1; al < t.size && al < a->ptr_size; al *= 2)
			;
		args = (args + al - 1) / al * al + t.size;
	}
	args = (args + a->ptr_size - 1) / a->ptr_size * a->ptr_size;
	return mem_expr(base, off + (int64_t)args, buf, len) < 0 ? -ERANGE : 0;
}
