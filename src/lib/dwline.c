// SPDX-License-Identifier: MIT
/*
 * DWARF line programs (.debug_line, versions 2 to 5): the state machine
 * run to its rows (address, file, line, is_stmt, end of sequence), with
 * the unit's directories and file names (v5's described entry formats, or
 * the older fixed ones). File numbers are kept as the program writes them:
 * 1-based before v5, 0-based in v5.
 */
#include <stdlib.h>

#include "upc_internal.h"

enum {
	DW_LNS_copy = 1, DW_LNS_advance_pc, DW_LNS_advance_line, DW_LNS_set_file,
	DW_LNS_set_column, DW_LNS_negate_stmt, DW_LNS_set_basic_block, DW_LNS_const_add_pc,
	DW_LNS_fixed_advance_pc, DW_LNS_set_prologue_end, DW_LNS_set_epilogue_begin,
	DW_LNS_set_isa,
};
enum { DW_LNE_end_sequence = 1, DW_LNE_set_address, DW_LNE_define_file,
       DW_LNE_set_discriminator };
enum { DW_LNCT_path = 1, DW_LNCT_directory_index = 2 };

#define MAX_ROWS (1u << 26)

static int push_row(struct dw_lines *l, const struct dw_line *r)
{
	if (l->nrows == l->caprows) {
		size_t cap = l->caprows ? 2 * l->caprows : 256;
		struct dw_line *v;

		if (cap > MAX_ROWS || !(v = realloc(l->rows, cap * sizeof(*v))))
			return -ENOMEM;
		l->rows = v;
		l->caprows = cap;
	}
	l->rows[l->nrows++] = *r;
	return 0;
}

static int push_name(const char ***v, uint32_t **dirs, size_t *n, size_t *cap,
		     const char *name, uint32_t dir)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		const char **nv = realloc(*v, c * sizeof(*nv));
		uint32_t *nd;

		if (!nv)
			return -ENOMEM;
		*v = nv;
		if (dirs) {
			if (!(nd = realloc(*dirs, c * sizeof(*nd))))
				return -ENOMEM;
			*dirs = nd;
		}
		*cap = c;
	}
	(*v)[*n] = name;
	if (dirs)
		(*dirs)[*n] = dir;
	(*n)++;
	return 0;
}

/* v5: entries described by (content type, form) pairs. */
static int v5_entries(struct upc_dwarf *d, struct dw_die *fake, struct dw_cur *c,
		      struct dw_lines *l, bool files)
{
	uint64_t fmt[16][2], nfmt = dw_u(c, 1), count;
	size_t cap = 0;

	if (nfmt > 16)
		return -EINVAL;
	for (uint64_t i = 0; i < nfmt; i++) {
		fmt[i][0] = dw_uleb(c);
		fmt[i][1] = dw_uleb(c);
	}
	count = dw_uleb(c);
	if (c->err || count > (uint64_t)(c->end - c->p))
		return -EINVAL;
	for (uint64_t i = 0; i < count; i++) {
		const char *name = NULL;
		uint32_t dir = 0;
		int err;

		for (uint64_t k = 0; k < nfmt; k++) {
			struct dw_val v;

			if (dw_form(d, fake, fmt[k][1], 0, c, &v))
				return -EINVAL;
			if (fmt[k][0] == DW_LNCT_path)
				name = v.str;
			else if (fmt[k][0] == DW_LNCT_directory_index)
				dir = (uint32_t)v.u;
		}
		err = files ? push_name(&l->files, &l->file_dir, &l->nfiles, &cap, name ? name : "?",
					dir)
			    : push_name(&l->dirs, NULL, &l->ndirs, &cap, name ? name : "?", 0);
		if (err)
			return err;
	}
	return c->err ? -EINVAL : 0;
}

int dw_lines_read(struct upc_dwarf *d, const struct dw_die *cu, struct dw_lines *l)
{
	struct dw_obj *o = (struct dw_obj *)cu->obj;
	struct dw_unit fu = *cu->unit;
	struct dw_die fake = *cu;
	struct dw_val sl, cd;
	struct dw_cur c, prog;
	uint64_t len, hdrlen;
	unsigned offsize, min_inst, line_range, opcode_base;
	int line_base, err = 0;
	bool def_stmt;
	uint8_t std_len[256];
	size_t fcap = 0, dcap = 0;

	memset(l, 0, sizeof(*l));
	if (dw_attr(d, cu, DW_AT_stmt_list, &sl))
		return -ENOENT;
	if (!dw_attr(d, cu, DW_AT_comp_dir, &cd))
		l->comp_dir = cd.str;
	if (!dw_at(o, DS_LINE, sl.u, UINT64_MAX, &c))
		return -EINVAL;
	len = dw_u(&c, 4);
	offsize = 4;
	if (len == 0xffffffff) {
		len = dw_u(&c, 8);
		offsize = 8;
	}
	if (c.err || len > (uint64_t)(c.end - c.p))
		return -EINVAL;
	c.end = c.p + len;
	l->version = (unsigned)dw_u(&c, 2);
	if (l->version < 2 || l->version > 5)
		return -EPROTONOSUPPORT;
	fu.offsize = offsize;
	if (l->version >= 5) {
		fu.addrsize = (uint8_t)dw_u(&c, 1);
		dw_u(&c, 1);	/* segment selector size */
	}
	fake.unit = &fu;
	hdrlen = dw_u(&c, offsize);
	if (c.err || hdrlen > (uint64_t)(c.end - c.p))
		return -EINVAL;
	prog = c;
	prog.p = c.p + hdrlen;
	min_inst = (unsigned)dw_u(&c, 1);
	if (l->version >= 4)
		dw_u(&c, 1);	/* max ops per instruction: VLIW only */
	def_stmt = dw_u(&c, 1) != 0;
	line_base = (int8_t)dw_u(&c, 1);
	line_range = (unsigned)dw_u(&c, 1);
	opcode_base = (unsigned)dw_u(&c, 1);
	if (c.err || !line_range || !opcode_base)
		return -EINVAL;
	for (unsigned i = 1; i < opcode_base; i++)
		std_len[i] = (uint8_t)dw_u(&c, 1);
	if (l->version >= 5) {
		if ((err = v5_entries(d, &fake, &c, l, false)) ||
		    (err = v5_entries(d, &fake, &c, l, true)))
			goto fail;
	} else {
		const char *s;

		while ((s = dw_cstr(&c)) && *s)
			if ((err = push_name(&l->dirs, NULL, &l->ndirs, &dcap, s, 0)))
				goto fail;
		while ((s = dw_cstr(&c)) && *s) {
			uint32_t dir = (uint32_t)dw_uleb(&c);

			dw_uleb(&c);
			dw_uleb(&c);
			if ((err = push_name(&l->files, &l->file_dir, &l->nfiles, &fcap, s, dir)))
				goto fail;
		}
		if (c.err) {
			err = -EINVAL;
			goto fail;
		}
	}
	/* the state machine */
	{
		struct dw_line r = { .file = 1, .line = 1, .stmt = def_stmt };

		while (prog.p < prog.end && !prog.err && !err) {
			unsigned op = (unsigned)dw_u(&prog, 1);

			if (op >= opcode_base) {
				op -= opcode_base;
				r.addr += (op / line_range) * min_inst;
				r.line += (uint32_t)(line_base + (int)(op % line_range));
				err = push_row(l, &r);
				continue;
			}
			switch (op) {
			case 0: {
				uint64_t n = dw_uleb(&prog);
				const unsigned char *next = prog.p + n;
				unsigned e;

				if (prog.err || !n || n > (uint64_t)(prog.end - prog.p)) {
					err = -EINVAL;
					break;
				}
				e = (unsigned)dw_u(&prog, 1);
				if (e == DW_LNE_end_sequence) {
					r.end = true;
					err = push_row(l, &r);
					r = (struct dw_line){ .file = 1, .line = 1, .stmt = def_stmt };
				} else if (e == DW_LNE_set_address) {
					r.addr = dw_u(&prog, (unsigned)(n - 1));
				} else if (e == DW_LNE_define_file) {
					const char *s = dw_cstr(&prog);
					uint32_t dir = (uint32_t)dw_uleb(&prog);

					if (s)
						err = push_name(&l->files, &l->file_dir, &l->nfiles,
								&fcap, s, dir);
				}
				prog.p = next;
				break;
			}
			case DW_LNS_copy:
				err = push_row(l, &r);
				break;
			case DW_LNS_advance_pc:
				r.addr += dw_uleb(&prog) * min_inst;
				break;
			case DW_LNS_advance_line:
				r.line += (uint32_t)dw_sleb(&prog);
				break;
			case DW_LNS_set_file:
				r.file = (uint32_t)dw_uleb(&prog);
				break;
			case DW_LNS_negate_stmt:
				r.stmt = !r.stmt;
				break;
			case DW_LNS_const_add_pc:
				r.addr += ((255 - opcode_base) / line_range) * min_inst;
				break;
			case DW_LNS_fixed_advance_pc:
				r.addr += dw_u(&prog, 2);
				break;
			case DW_LNS_set_basic_block: case DW_LNS_set_prologue_end:
			case DW_LNS_set_epilogue_begin:
				break;
			default:
				/* set_column, set_isa, and opcodes of later
				 * versions: their ULEB operands skipped */
				for (unsigned k = 0; k < std_len[op]; k++)
					dw_uleb(&prog);
			}
		}
		if (prog.err)
			err = -EINVAL;
	}
	if (!err)
		return 0;
fail:
	dw_lines_free(l);
	return err;
}

void dw_lines_free(struct dw_lines *l)
{
	free(l->rows);
	free(l->files);
	free(l->file_dir);
	free(l->dirs);
	memset(l, 0, sizeof(*l));
}

const char *dw_lines_file(const struct dw_lines *l, uint32_t file, char *buf, size_t len)
{
	/* 1-based before v5 (0: none), 0-based in v5 */
	size_t i = l->version >= 5 ? file : file - 1;
	const char *name, *dir = NULL;
	uint32_t di;

	if (len)
		buf[0] = '\0';
	if ((l->version < 5 && !file) || i >= l->nfiles)
		return NULL;
	name = l->files[i];
	if (name[0] == '/')
		return snprintf(buf, len, "%s", name) < (int)len ? buf : NULL;
	di = l->file_dir[i];
	if (l->version >= 5)
		dir = di < l->ndirs ? l->dirs[di] : NULL;
	else
		dir = di == 0 ? l->comp_dir : di - 1 < l->ndirs ? l->dirs[di - 1] : NULL;
	if (dir && dir[0] != '/' && l->comp_dir)
		return snprintf(buf, len, "%s/%s/%s", l->comp_dir, dir, name) < (int)len ? buf : NULL;
	return snprintf(buf, len, "%s%s%s", dir ? dir : "", dir ? "/" : "", name) < (int)len ?
		       buf : NULL;
}
