// SPDX-License-Identifier: MIT
/*
 * Call frame information, for one question: where is the canonical frame
 * address (CFA) at a given instruction? A frame base of
 * DW_OP_call_frame_cfa (gcc's) needs it: at -O0, a variable at fbreg -20
 * lives at CFA - 20, and after the prologue the CFA is %bp + 16 on x86_64.
 *
 * The rules come from the program's .eh_frame (CIEs with their
 * augmentations and pointer encodings) or the debug file's .debug_frame;
 * a CIE's initial instructions and then the FDE's run up to the address,
 * tracking the CFA rule only (and remember/restore_state).
 */
#include "upc_internal.h"

enum {
	DW_CFA_nop = 0x00, DW_CFA_set_loc = 0x01, DW_CFA_advance_loc1 = 0x02,
	DW_CFA_advance_loc2 = 0x03, DW_CFA_advance_loc4 = 0x04,
	DW_CFA_offset_extended = 0x05, DW_CFA_restore_extended = 0x06,
	DW_CFA_undefined = 0x07, DW_CFA_same_value = 0x08, DW_CFA_register = 0x09,
	DW_CFA_remember_state = 0x0a, DW_CFA_restore_state = 0x0b, DW_CFA_def_cfa = 0x0c,
	DW_CFA_def_cfa_register = 0x0d, DW_CFA_def_cfa_offset = 0x0e,
	DW_CFA_def_cfa_expression = 0x0f, DW_CFA_expression = 0x10,
	DW_CFA_offset_extended_sf = 0x11, DW_CFA_def_cfa_sf = 0x12,
	DW_CFA_def_cfa_offset_sf = 0x13, DW_CFA_val_offset = 0x14,
	DW_CFA_val_offset_sf = 0x15, DW_CFA_val_expression = 0x16,
	DW_CFA_GNU_window_save = 0x2d, DW_CFA_GNU_args_size = 0x2e,
	DW_CFA_GNU_negative_offset_extended = 0x2f,
	DW_CFA_advance_loc = 0x40, DW_CFA_offset = 0x80, DW_CFA_restore = 0xc0,
};

enum {
	DW_EH_PE_omit = 0xff, DW_EH_PE_uleb128 = 0x01, DW_EH_PE_udata2 = 0x02,
	DW_EH_PE_udata4 = 0x03, DW_EH_PE_udata8 = 0x04, DW_EH_PE_sleb128 = 0x09,
	DW_EH_PE_sdata2 = 0x0a, DW_EH_PE_sdata4 = 0x0b, DW_EH_PE_sdata8 = 0x0c,
	DW_EH_PE_pcrel = 0x10, DW_EH_PE_datarel = 0x30,
};

#define MAX_STATES 16

struct cie {
	uint64_t code_align;
	int64_t data_align;
	uint8_t fde_enc;		/* pointer encoding of FDEs ('R') */
	bool aug_data;			/* 'z': FDEs have augmentation data */
	unsigned addrsize;
	const unsigned char *insns, *insns_end;
};

/* An encoded pointer at c (a field at address vaddr for pcrel). */
static uint64_t encoded(struct dw_cur *c, uint8_t enc, unsigned addrsize, uint64_t vaddr)
{
	uint64_t v;

	if (enc == DW_EH_PE_omit)
		return 0;
	switch (enc & 0x0f) {
	case 0x00: v = dw_u(c, addrsize); break;
	case DW_EH_PE_uleb128: v = dw_uleb(c); break;
	case DW_EH_PE_udata2: v = dw_u(c, 2); break;
	case DW_EH_PE_udata4: v = dw_u(c, 4); break;
	case DW_EH_PE_udata8: v = dw_u(c, 8); break;
	case DW_EH_PE_sleb128: v = (uint64_t)dw_sleb(c); break;
	case DW_EH_PE_sdata2: v = (uint64_t)(int64_t)(int16_t)dw_u(c, 2); break;
	case DW_EH_PE_sdata4: v = (uint64_t)(int64_t)(int32_t)dw_u(c, 4); break;
	case DW_EH_PE_sdata8: v = dw_u(c, 8); break;
	default:
		c->err = true;
		return 0;
	}
	if ((enc & 0x70) == DW_EH_PE_pcrel)
		v += vaddr;
	return addrsize == 4 ? v & 0xffffffffu : v;
}

static int parse_cie(struct dw_cur *c, bool eh, unsigned addrsize, uint64_t sec_addr,
		     const unsigned char *base, struct cie *cie)
{
	const char *aug;
	uint8_t version = (uint8_t)dw_u(c, 1);

	memset(cie, 0, sizeof(*cie));
	cie->addrsize = addrsize;
	cie->fde_enc = 0;
	if (!(aug = dw_cstr(c)) || (version != 1 && version != 3 && version != 4))
		return -EINVAL;
	if (!strcmp(aug, "eh")) {
		dw_u(c, addrsize);	/* old gcc: the EH data's address */
		aug = "";
	}
	if (version == 4) {
		cie->addrsize = (unsigned)dw_u(c, 1);
		dw_u(c, 1);		/* segment selector size */
	}
	cie->code_align = dw_uleb(c);
	cie->data_align = dw_sleb(c);
	if (version == 1)
		dw_u(c, 1);
	else
		dw_uleb(c);		/* the return address register */
	if (aug[0] == 'z') {
		uint64_t n = dw_uleb(c);
		const unsigned char *end = c->p + n;

		cie->aug_data = true;
		if (c->err || n > (uint64_t)(c->end - c->p))
			return -EINVAL;
		for (const char *a = aug + 1; *a && !c->err; a++) {
			if (*a == 'R') {
				cie->fde_enc = (uint8_t)dw_u(c, 1);
			} else if (*a == 'P') {
				uint8_t enc = (uint8_t)dw_u(c, 1);

				encoded(c, enc & 0x7f, cie->addrsize,
					sec_addr + (uint64_t)(c->p - base));
			} else if (*a == 'L') {
				dw_u(c, 1);
			} else if (*a != 'S' && *a != 'B') {
				break;	/* the rest is skipped with the length */
			}
		}
		c->p = end;
	} else if (aug[0] && eh) {
		return -EINVAL;	/* an augmentation we cannot size */
	}
	cie->insns = c->p;
	return c->err ? -EINVAL : 0;
}

struct cfa_state {
	int reg;
	int64_t off;
	bool expr;			/* DW_CFA_def_cfa_expression */
};

/* Run [p, end) until the location passes pc. */
static int run(const struct cie *cie, const unsigned char *p, const unsigned char *end,
	       bool swap, uint64_t *loc, uint64_t pc, struct cfa_state *st)
{
	struct dw_cur c = { .p = p, .end = end, .swap = swap };
	struct cfa_state saved[MAX_STATES];
	unsigned nsaved = 0;

	while (c.p < c.end && !c.err) {
		uint8_t op = (uint8_t)dw_u(&c, 1), low = op & 0x3f;
		uint64_t delta = UINT64_MAX;

		switch (op & 0xc0) {
		case DW_CFA_advance_loc:
			delta = low * cie->code_align;
			break;
		case DW_CFA_offset:
			dw_uleb(&c);
			continue;
		case DW_CFA_restore:
			continue;
		}
		if (delta == UINT64_MAX) {
			switch (op) {
			case DW_CFA_nop:
				break;
			case DW_CFA_set_loc: {
				uint64_t to = encoded(&c, cie->fde_enc, cie->addrsize, 0);

				if (to > pc)
					return 0;
				*loc = to;
				break;
			}
			case DW_CFA_advance_loc1: delta = dw_u(&c, 1) * cie->code_align; break;
			case DW_CFA_advance_loc2: delta = dw_u(&c, 2) * cie->code_align; break;
			case DW_CFA_advance_loc4: delta = dw_u(&c, 4) * cie->code_align; break;
			case DW_CFA_offset_extended: case DW_CFA_register:
			case DW_CFA_val_offset:
				dw_uleb(&c);
				dw_uleb(&c);
				break;
			case DW_CFA_offset_extended_sf: case DW_CFA_val_offset_sf:
			case DW_CFA_GNU_negative_offset_extended:
				dw_uleb(&c);
				dw_sleb(&c);
				break;
			case DW_CFA_restore_extended: case DW_CFA_undefined:
			case DW_CFA_same_value: case DW_CFA_GNU_args_size:
				dw_uleb(&c);
				break;
			case DW_CFA_remember_state:
				if (nsaved == MAX_STATES)
					return -EINVAL;
				saved[nsaved++] = *st;
				break;
			case DW_CFA_restore_state:
				if (!nsaved)
					return -EINVAL;
				*st = saved[--nsaved];
				break;
			case DW_CFA_def_cfa:
				st->reg = (int)dw_uleb(&c);
				st->off = (int64_t)dw_uleb(&c);
				st->expr = false;
				break;
			case DW_CFA_def_cfa_sf:
				st->reg = (int)dw_uleb(&c);
				st->off = dw_sleb(&c) * cie->data_align;
				st->expr = false;
				break;
			case DW_CFA_def_cfa_register:
				st->reg = (int)dw_uleb(&c);
				st->expr = false;
				break;
			case DW_CFA_def_cfa_offset:
				st->off = (int64_t)dw_uleb(&c);
				break;
			case DW_CFA_def_cfa_offset_sf:
				st->off = dw_sleb(&c) * cie->data_align;
				break;
			case DW_CFA_def_cfa_expression:
				dw_skip(&c, dw_uleb(&c));
				st->expr = true;
				break;
			case DW_CFA_expression: case DW_CFA_val_expression:
				dw_uleb(&c);
				dw_skip(&c, dw_uleb(&c));
				break;
			case DW_CFA_GNU_window_save:
				break;
			default:
				return -EINVAL;
			}
		}
		if (delta != UINT64_MAX) {
			if (*loc + delta > pc)
				return 0;
			*loc += delta;
		}
	}
	return c.err ? -EINVAL : 0;
}

/* The CFA rule at pc from the section [p, p+size) (eh: .eh_frame, at
 * address sec_addr). 0, -ENOENT (no FDE covers pc), -EINVAL. */
static int search(const unsigned char *sec, uint64_t size, bool eh, bool swap, bool is64,
		  uint64_t sec_addr, uint64_t pc, struct cfa_state *st)
{
	struct dw_cur c = { .p = sec, .end = sec + size, .swap = swap };
	unsigned addrsize = is64 ? 8 : 4;

	while (c.p < c.end && !c.err) {
		const unsigned char *id_at, *end;
		uint64_t len = dw_u(&c, 4), id;
		unsigned offsize = 4;

		if (len == 0xffffffff) {
			len = dw_u(&c, 8);
			offsize = 8;
		}
		if (!len && eh)
			break;		/* the terminator */
		if (c.err || len > (uint64_t)(c.end - c.p))
			return -EINVAL;
		end = c.p + len;
		id_at = c.p;
		id = dw_u(&c, offsize);
		/* a CIE: id 0 in .eh_frame, all ones in .debug_frame */
		if ((eh && !id) || (!eh && id == (offsize == 8 ? UINT64_MAX : 0xffffffffu))) {
			c.p = end;
			continue;
		}
		{
			uint64_t cie_off = eh ? (uint64_t)(id_at - sec) - id : id;
			struct dw_cur cc;
			struct cie cie;
			uint64_t lo, range, loc, clen;

			if (cie_off >= size)
				return -EINVAL;
			cc = (struct dw_cur){ .p = sec + cie_off, .end = sec + size, .swap = swap };
			clen = dw_u(&cc, 4);
			if (clen == 0xffffffff)
				clen = dw_u(&cc, 8);
			if (cc.err || clen > (uint64_t)(cc.end - cc.p))
				return -EINVAL;
			cc.end = cc.p + clen;
			dw_u(&cc, offsize);	/* its id */
			if (parse_cie(&cc, eh, addrsize, sec_addr, sec, &cie))
				return -EINVAL;
			cie.insns_end = cc.end;
			lo = encoded(&c, eh ? cie.fde_enc : 0, cie.addrsize,
				     sec_addr + (uint64_t)(c.p - sec));
			range = encoded(&c, eh ? (cie.fde_enc & 0x0f) : 0, cie.addrsize, 0);
			if (c.err)
				return -EINVAL;
			if (pc < lo || pc - lo >= range) {
				c.p = end;
				continue;
			}
			if (cie.aug_data)
				dw_skip(&c, dw_uleb(&c));
			*st = (struct cfa_state){ -1, 0, false };
			loc = lo;
			if (run(&cie, cie.insns, cie.insns_end, swap, &loc, UINT64_MAX, st))
				return -EINVAL;
			loc = lo;
			return run(&cie, c.p, end, swap, &loc, pc, st) ? -EINVAL : 0;
		}
	}
	return -ENOENT;
}

int dw_cfa(struct upc_dwarf *d, uint64_t pc, int *reg, int64_t *off)
{
	struct cfa_state st;
	int err = -ENOENT;

	if (d->main.eh_frame.p)
		err = search(d->main.eh_frame.p, d->main.eh_frame.size, true, d->main.swap,
			     d->main.is64, d->main.eh_frame_addr, pc, &st);
	if (err == -ENOENT && d->main.s[DS_FRAME].p)
		err = search(d->main.s[DS_FRAME].p, d->main.s[DS_FRAME].size, false, d->main.swap,
			     d->main.is64, 0, pc, &st);
	if (err)
		return err;
	if (st.expr || st.reg < 0)
		return -EOPNOTSUPP;
	*reg = st.reg;
	*off = st.off;
	return 0;
}
