// SPDX-License-Identifier: MIT
/*
 * The DWARF reader on DWARF written by hand here: every attribute form
 * (DWARF 5 and 4, 32- and 64-bit DWARF, both byte orders), every opcode of
 * the line program (versions 4 and 5), and damaged units refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <cmocka.h>

#include "upc_internal.h"

/* ---- writing DWARF and ELF ----------------------------------------------- */

struct w {
	unsigned char b[4096];
	size_t n;
	bool be;
};

static void put(struct w *w, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		w->b[w->n + (size_t)(w->be ? bytes - 1 - i : i)] = (unsigned char)(v >> (8 * i));
	w->n += (size_t)bytes;
}

static void uleb(struct w *w, uint64_t v)
{
	do {
		unsigned char b = v & 0x7f;

		v >>= 7;
		w->b[w->n++] = b | (v ? 0x80 : 0);
	} while (v);
}

static void sleb(struct w *w, int64_t v)
{
	for (;;) {
		unsigned char b = v & 0x7f;

		v >>= 7;
		if ((!v && !(b & 0x40)) || (v == -1 && (b & 0x40))) {
			w->b[w->n++] = b;
			return;
		}
		w->b[w->n++] = b | 0x80;
	}
}

static void bytes(struct w *w, const void *p, size_t n)
{
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void str(struct w *w, const char *s)
{
	bytes(w, s, strlen(s) + 1);
}

/* a unit length (32- or 64-bit DWARF) to be patched: its offset */
static size_t len_start(struct w *w, bool dw64)
{
	if (dw64)
		put(w, 0xffffffff, 4);
	put(w, 0, dw64 ? 8 : 4);
	return w->n;
}

static void len_end(struct w *w, size_t start, bool dw64)
{
	struct w t = { .be = w->be };

	put(&t, w->n - start, dw64 ? 8 : 4);
	memcpy(w->b + start - (dw64 ? 8 : 4), t.b, t.n);
}

struct sec {
	const char *name;
	const struct w *w;
};

/* An ET_DYN of machine x86_64 (or big-endian s390x) holding sections
 * only, into img; its size. */
static size_t mkelf(unsigned char *img, size_t cap, bool is64, bool be, const struct sec *s, int ns)
{
	struct w h = { .be = be }, shs = { .be = be };
	size_t off = is64 ? 64 : 52, shoff, name[16];
	uint16_t machine = be ? EM_S390 : is64 ? EM_X86_64 : EM_386;

	memset(img, 0, cap);
	str(&shs, "");
	for (int i = 0; i < ns; i++) {
		name[i] = shs.n;
		str(&shs, s[i].name);
	}
	name[ns] = shs.n;
	str(&shs, ".shstrtab");
	for (int i = 0; i < ns; i++) {
		memcpy(img + off, s[i].w->b, s[i].w->n);
		off += s[i].w->n;
	}
	memcpy(img + off, shs.b, shs.n);
	off += shs.n;
	shoff = (off + 7) & ~(size_t)7;
	/* the header */
	bytes(&h, ELFMAG, SELFMAG);
	h.b[h.n++] = is64 ? ELFCLASS64 : ELFCLASS32;
	h.b[h.n++] = be ? ELFDATA2MSB : ELFDATA2LSB;
	h.b[h.n++] = EV_CURRENT;
	h.n = EI_NIDENT;
	put(&h, ET_DYN, 2);
	put(&h, machine, 2);
	put(&h, EV_CURRENT, 4);
	put(&h, 0, is64 ? 8 : 4);		/* entry */
	put(&h, 0, is64 ? 8 : 4);		/* phoff */
	put(&h, shoff, is64 ? 8 : 4);
	put(&h, 0, 4);				/* flags */
	put(&h, is64 ? 64 : 52, 2);
	put(&h, is64 ? 56 : 32, 2);
	put(&h, 0, 2);				/* phnum */
	put(&h, is64 ? 64 : 40, 2);
	put(&h, (uint64_t)ns + 2, 2);
	put(&h, (uint64_t)ns + 1, 2);		/* shstrndx */
	memcpy(img, h.b, h.n);
	/* the section headers: null, each, .shstrtab */
	off = is64 ? 64 : 52;
	for (int i = 0; i <= ns; i++) {
		struct w sh = { .be = be };
		size_t n = i < ns ? s[i].w->n : shs.n;

		put(&sh, name[i], 4);
		put(&sh, i < ns ? SHT_PROGBITS : SHT_STRTAB, 4);
		put(&sh, 0, is64 ? 8 : 4);	/* flags */
		put(&sh, 0, is64 ? 8 : 4);	/* addr */
		put(&sh, off, is64 ? 8 : 4);
		put(&sh, n, is64 ? 8 : 4);
		put(&sh, 0, 4);
		put(&sh, 0, 4);
		put(&sh, 1, is64 ? 8 : 4);
		put(&sh, 0, is64 ? 8 : 4);
		memcpy(img + shoff + (size_t)(i + 1) * (is64 ? 64 : 40), sh.b, sh.n);
		off += n;
	}
	assert_true(shoff + (size_t)(ns + 2) * (is64 ? 64 : 40) <= cap);
	return shoff + (size_t)(ns + 2) * (is64 ? 64 : 40);
}

static unsigned char img[65536];

static struct upc_dwarf *open_dwarf(struct upc_elf **e, size_t len)
{
	struct upc_elf_opts o = { .sz = sizeof(o), .no_debug_file = true };
	struct upc_dwarf *d = NULL;

	assert_int_equal(upc_elf_open_mem(img, len, "hand.elf", e), 0);
	assert_int_equal(upc_dwarf_open(*e, &o, &d), 0);
	(*e)->dwarf = d;	/* closed with the file */
	return d;
}

/* the first child of the first unit's root */
static void first_child(struct upc_dwarf *d, struct dw_die *root, struct dw_die *k)
{
	const struct dw_unit *u = &d->main.units[0];

	assert_true(d->main.nunits >= 1);
	assert_int_equal(dw_die(d, &d->main, u, u->die, root), 0);
	assert_int_equal(dw_child(d, root, k), 0);
}

/* ---- every form ---------------------------------------------------------- */

enum { AT = 0x2000 };	/* the attributes tested: DW_AT_lo_user + i */

struct form_case {
	uint16_t form;
	bool v5;		/* DWARF 5's own */
};

static const struct form_case forms[] = {
	{ DW_FORM_addr }, { DW_FORM_block2 }, { DW_FORM_block4 }, { DW_FORM_data2 },
	{ DW_FORM_data4 }, { DW_FORM_data8 }, { DW_FORM_string }, { DW_FORM_block },
	{ DW_FORM_block1 }, { DW_FORM_data1 }, { DW_FORM_flag }, { DW_FORM_sdata },
	{ DW_FORM_strp }, { DW_FORM_udata }, { DW_FORM_ref_addr }, { DW_FORM_ref1 },
	{ DW_FORM_ref2 }, { DW_FORM_ref4 }, { DW_FORM_ref8 }, { DW_FORM_ref_udata },
	{ DW_FORM_indirect }, { DW_FORM_sec_offset }, { DW_FORM_exprloc },
	{ DW_FORM_flag_present }, { DW_FORM_ref_sig8 }, { DW_FORM_strx, true },
	{ DW_FORM_addrx, true }, { DW_FORM_data16, true }, { DW_FORM_line_strp, true },
	{ DW_FORM_implicit_const, true }, { DW_FORM_loclistx, true },
	{ DW_FORM_rnglistx, true }, { DW_FORM_strx1, true }, { DW_FORM_strx2, true },
	{ DW_FORM_strx3, true }, { DW_FORM_strx4, true }, { DW_FORM_addrx1, true },
	{ DW_FORM_addrx2, true }, { DW_FORM_addrx3, true }, { DW_FORM_addrx4, true },
};
#define NFORMS (sizeof(forms) / sizeof(forms[0]))

static const unsigned char blk[3] = { 0x9c, 0x31, 0x7e };

/* the value written for form i, into the DIE */
static void write_value(struct w *w, const struct form_case *f, unsigned ver, bool dw64,
			unsigned addrsize)
{
	unsigned off = dw64 ? 8 : 4;

	switch (f->form) {
	case DW_FORM_addr: put(w, 0x4010, (int)addrsize); break;
	case DW_FORM_block2: put(w, 3, 2); bytes(w, blk, 3); break;
	case DW_FORM_block4: put(w, 3, 4); bytes(w, blk, 3); break;
	case DW_FORM_data2: put(w, 0xbeef, 2); break;
	case DW_FORM_data4: put(w, 0xdeadbeef, 4); break;
	case DW_FORM_data8: put(w, 0x0123456789abcdefull, 8); break;
	case DW_FORM_string: str(w, "inline"); break;
	case DW_FORM_block: uleb(w, 3); bytes(w, blk, 3); break;
	case DW_FORM_block1: put(w, 3, 1); bytes(w, blk, 3); break;
	case DW_FORM_data1: put(w, 0xa5, 1); break;
	case DW_FORM_flag: put(w, 1, 1); break;
	case DW_FORM_sdata: sleb(w, -300); break;
	case DW_FORM_strp: put(w, 6, (int)off); break;		/* "hello" */
	case DW_FORM_udata: uleb(w, 624485); break;
	case DW_FORM_ref_addr: put(w, 0x1c, (int)(ver <= 2 ? addrsize : off)); break;
	case DW_FORM_ref1: put(w, 0x11, 1); break;
	case DW_FORM_ref2: put(w, 0x1122, 2); break;
	case DW_FORM_ref4: put(w, 0x11223344, 4); break;
	case DW_FORM_ref8: put(w, 0x1122334455667788ull, 8); break;
	case DW_FORM_ref_udata: uleb(w, 129); break;
	case DW_FORM_indirect: uleb(w, DW_FORM_data2); put(w, 0x7777, 2); break;
	case DW_FORM_sec_offset: put(w, 0x40, (int)off); break;
	case DW_FORM_exprloc: uleb(w, 3); bytes(w, blk, 3); break;
	case DW_FORM_flag_present: break;
	case DW_FORM_ref_sig8: put(w, 0xfeedfacecafef00dull, 8); break;
	case DW_FORM_strx: uleb(w, 1); break;			/* "world" */
	case DW_FORM_addrx: uleb(w, 1); break;			/* 0x5678 */
	case DW_FORM_data16: for (int i = 0; i < 16; i++) put(w, (uint64_t)i, 1); break;
	case DW_FORM_line_strp: put(w, 1, (int)off); break;	/* "lstr" */
	case DW_FORM_implicit_const: break;			/* in the abbreviation */
	case DW_FORM_loclistx: case DW_FORM_rnglistx: uleb(w, 2); break;
	case DW_FORM_strx1: put(w, 0, 1); break;			/* "hello" */
	case DW_FORM_strx2: put(w, 1, 2); break;
	case DW_FORM_strx3: put(w, 0, 3); break;
	case DW_FORM_strx4: put(w, 1, 4); break;
	case DW_FORM_addrx1: put(w, 0, 1); break;		/* 0x1234 */
	case DW_FORM_addrx2: put(w, 1, 2); break;
	case DW_FORM_addrx3: put(w, 0, 3); break;
	case DW_FORM_addrx4: put(w, 1, 4); break;
	}
}

static void check_value(struct upc_dwarf *d, const struct dw_die *k, unsigned i,
			const struct form_case *f)
{
	struct dw_val v;

	if (dw_attr(d, k, AT + i, &v))
		fail_msg("form 0x%x: not read", f->form);
	switch (f->form) {
	case DW_FORM_addr: assert_int_equal(v.u, 0x4010); break;
	case DW_FORM_block2: case DW_FORM_block4: case DW_FORM_block: case DW_FORM_block1:
	case DW_FORM_exprloc:
		assert_int_equal(v.blen, 3);
		assert_memory_equal(v.block, blk, 3);
		break;
	case DW_FORM_data2: assert_int_equal(v.u, 0xbeef); break;
	case DW_FORM_data4: assert_int_equal(v.u, 0xdeadbeef); break;
	case DW_FORM_data8: assert_int_equal(v.u, 0x0123456789abcdefull); break;
	case DW_FORM_string: assert_string_equal(v.str, "inline"); break;
	case DW_FORM_data1: assert_int_equal(v.u, 0xa5); break;
	case DW_FORM_flag: case DW_FORM_flag_present: assert_int_equal(v.u, 1); break;
	case DW_FORM_sdata: assert_int_equal(v.s, -300); break;
	case DW_FORM_strp: case DW_FORM_strx1: case DW_FORM_strx3:
		assert_non_null(v.str);
		assert_string_equal(v.str, "hello");
		break;
	case DW_FORM_strx: case DW_FORM_strx2: case DW_FORM_strx4:
		assert_non_null(v.str);
		assert_string_equal(v.str, "world");
		break;
	case DW_FORM_udata: assert_int_equal(v.u, 624485); break;
	case DW_FORM_ref_addr: assert_int_equal(v.u, 0x1c); break;
	case DW_FORM_ref1: assert_int_equal(v.u, 0x11); break;
	case DW_FORM_ref2: assert_int_equal(v.u, 0x1122); break;
	case DW_FORM_ref4: assert_int_equal(v.u, 0x11223344); break;
	case DW_FORM_ref8: assert_int_equal(v.u, 0x1122334455667788ull); break;
	case DW_FORM_ref_udata: assert_int_equal(v.u, 129); break;
	case DW_FORM_indirect:
		assert_int_equal(v.form, DW_FORM_data2);
		assert_int_equal(v.u, 0x7777);
		break;
	case DW_FORM_sec_offset: assert_int_equal(v.u, 0x40); break;
	case DW_FORM_ref_sig8: assert_int_equal(v.u, 0xfeedfacecafef00dull); break;
	case DW_FORM_addrx: case DW_FORM_addrx2: case DW_FORM_addrx4:
		assert_int_equal(v.u, 0x5678);
		break;
	case DW_FORM_addrx1: case DW_FORM_addrx3: assert_int_equal(v.u, 0x1234); break;
	case DW_FORM_data16:
		assert_int_equal(v.blen, 16);
		assert_int_equal(v.block[15], 15);
		break;
	case DW_FORM_line_strp:
		assert_non_null(v.str);
		assert_string_equal(v.str, "lstr");
		break;
	case DW_FORM_implicit_const: assert_int_equal(v.s, -7); break;
	case DW_FORM_loclistx: case DW_FORM_rnglistx: assert_int_equal(v.u, 2); break;
	}
}

/* One unit of version ver with a DIE holding every form of that version. */
static void forms_unit(unsigned ver, bool dw64, bool be, bool is64)
{
	struct w ab = { .be = be }, info = { .be = be }, sstr = { .be = be },
		 lstr = { .be = be }, soff = { .be = be }, addr = { .be = be };
	unsigned addrsize = is64 ? 8 : 4, off = dw64 ? 8 : 4;
	struct sec s[6] = { { ".debug_abbrev", &ab }, { ".debug_info", &info },
			    { ".debug_str", &sstr }, { ".debug_line_str", &lstr },
			    { ".debug_str_offsets", &soff }, { ".debug_addr", &addr } };
	struct dw_die root, k;
	struct upc_elf *e;
	struct upc_dwarf *d;
	size_t start, n;

	print_message("DWARF %u, %s-bit DWARF, %s, ELF%s\n", ver, dw64 ? "64" : "32",
		      be ? "big-endian" : "little-endian", is64 ? "64" : "32");
	str(&sstr, "cu.c.");		/* 0 */
	str(&sstr, "hello");		/* 6 */
	str(&sstr, "world");		/* 12 */
	str(&lstr, "");
	str(&lstr, "lstr");		/* 1 */
	/* .debug_str_offsets (v5 header) and .debug_addr */
	start = len_start(&soff, dw64);
	put(&soff, 5, 2);
	put(&soff, 0, 2);
	put(&soff, 6, (int)off);
	put(&soff, 12, (int)off);
	len_end(&soff, start, dw64);
	start = len_start(&addr, dw64);
	put(&addr, 5, 2);
	put(&addr, addrsize, 1);
	put(&addr, 0, 1);
	put(&addr, 0x1234, (int)addrsize);
	put(&addr, 0x5678, (int)addrsize);
	len_end(&addr, start, dw64);

	/* abbreviations: 1 the unit, 2 the DIE of every form */
	uleb(&ab, 1);
	uleb(&ab, DW_TAG_compile_unit);
	put(&ab, 1, 1);
	uleb(&ab, DW_AT_name);
	uleb(&ab, DW_FORM_strp);
	if (ver >= 5) {
		uleb(&ab, DW_AT_str_offsets_base);
		uleb(&ab, DW_FORM_sec_offset);
		uleb(&ab, DW_AT_addr_base);
		uleb(&ab, DW_FORM_sec_offset);
	}
	uleb(&ab, 0);
	uleb(&ab, 0);
	uleb(&ab, 2);
	uleb(&ab, DW_TAG_variable);
	put(&ab, 0, 1);
	for (unsigned i = 0; i < NFORMS; i++) {
		if (forms[i].v5 && ver < 5)
			continue;
		uleb(&ab, AT + i);
		uleb(&ab, forms[i].form);
		if (forms[i].form == DW_FORM_implicit_const)
			sleb(&ab, -7);
	}
	uleb(&ab, 0);
	uleb(&ab, 0);
	uleb(&ab, 0);

	/* the unit */
	start = len_start(&info, dw64);
	put(&info, ver, 2);
	if (ver >= 5) {
		put(&info, DW_UT_compile, 1);
		put(&info, addrsize, 1);
		put(&info, 0, (int)off);
	} else {
		put(&info, 0, (int)off);
		put(&info, addrsize, 1);
	}
	uleb(&info, 1);
	put(&info, 0, (int)off);		/* "cu.c." */
	if (ver >= 5) {
		put(&info, dw64 ? 16 : 8, (int)off);
		put(&info, dw64 ? 16 : 8, (int)off);
	}
	uleb(&info, 2);
	for (unsigned i = 0; i < NFORMS; i++)
		if (!forms[i].v5 || ver >= 5)
			write_value(&info, &forms[i], ver, dw64, addrsize);
	uleb(&info, 0);
	len_end(&info, start, dw64);

	n = mkelf(img, sizeof(img), is64, be, s, ver >= 5 ? 6 : 3);
	d = open_dwarf(&e, n);
	assert_int_equal(d->main.nunits, 1);
	assert_int_equal(d->main.units[0].version, ver);
	assert_int_equal(d->main.units[0].offsize, off);
	first_child(d, &root, &k);
	assert_int_equal(k.tag, DW_TAG_variable);
	for (unsigned i = 0; i < NFORMS; i++)
		if (!forms[i].v5 || ver >= 5)
			check_value(d, &k, i, &forms[i]);
	/* the end of the children, then nothing */
	assert_int_equal(dw_sibling(d, &k, &k), -ENOENT);
	upc_elf_close(e);
}

static void test_forms(void **state)
{
	(void)state;
	forms_unit(5, false, false, true);
	forms_unit(5, true, false, true);	/* 64-bit DWARF */
	forms_unit(5, false, true, true);	/* big-endian */
	forms_unit(5, true, true, true);
	forms_unit(5, false, false, false);	/* ELF32, 4-byte addresses */
	forms_unit(4, false, false, true);
	forms_unit(4, true, true, true);
	forms_unit(3, false, false, false);
	forms_unit(2, false, false, true);
}

/* ---- the line program ---------------------------------------------------- */

enum {
	LNS_copy = 1, LNS_advance_pc, LNS_advance_line, LNS_set_file, LNS_set_column,
	LNS_negate_stmt, LNS_set_basic_block, LNS_const_add_pc, LNS_fixed_advance_pc,
	LNS_set_prologue_end, LNS_set_epilogue_begin, LNS_set_isa,
};

/* A unit whose line program uses every opcode, in version ver. */
static void lines_unit(unsigned ver, bool be)
{
	struct w ab = { .be = be }, info = { .be = be }, line = { .be = be }, lstr = { .be = be };
	struct sec s[4] = { { ".debug_abbrev", &ab }, { ".debug_info", &info },
			    { ".debug_line", &line }, { ".debug_line_str", &lstr } };
	static const uint8_t std_lens[12] = { 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1 };
	struct dw_die root;
	struct dw_lines l;
	struct upc_elf *e;
	struct upc_dwarf *d;
	size_t start, hstart, n;
	char path[256];
	/* the rows expected: address, line, file, stmt, end */
	const struct dw_line want[] = {
		{ 0x1000, 1, 10, true, false },
		{ 0x1002, 1, 11, true, false },
		{ 0x1006, 2, 11, false, false },
		{ 0x101a, 2, 8, false, false },
		{ 0x1020, 2, 8, false, true },
	};
	unsigned f1 = ver >= 5 ? 0 : 1, f2 = ver >= 5 ? 1 : 2;

	uleb(&ab, 1);
	uleb(&ab, DW_TAG_compile_unit);
	put(&ab, 0, 1);
	uleb(&ab, DW_AT_name);
	uleb(&ab, DW_FORM_string);
	uleb(&ab, DW_AT_comp_dir);
	uleb(&ab, DW_FORM_string);
	uleb(&ab, DW_AT_stmt_list);
	uleb(&ab, ver >= 4 ? DW_FORM_sec_offset : DW_FORM_data4);
	uleb(&ab, 0);
	uleb(&ab, 0);
	uleb(&ab, 0);

	start = len_start(&info, false);
	put(&info, ver, 2);
	if (ver >= 5) {
		put(&info, DW_UT_compile, 1);
		put(&info, 8, 1);
		put(&info, 0, 4);
	} else {
		put(&info, 0, 4);
		put(&info, 8, 1);
	}
	uleb(&info, 1);
	str(&info, "a.c");
	str(&info, "/src");
	put(&info, 0, 4);
	len_end(&info, start, false);

	str(&lstr, "");
	str(&lstr, "/src");		/* 1 */
	str(&lstr, "a.c");		/* 6 */
	str(&lstr, "inc/b.h");		/* 10 */

	start = len_start(&line, false);
	put(&line, ver, 2);
	if (ver >= 5) {
		put(&line, 8, 1);	/* address size */
		put(&line, 0, 1);	/* segment selector size */
	}
	put(&line, 0, 4);		/* header length, patched */
	hstart = line.n;
	put(&line, 1, 1);		/* minimum instruction length */
	if (ver >= 4)
		put(&line, 1, 1);	/* maximum operations per instruction */
	put(&line, 1, 1);		/* default is_stmt */
	put(&line, (uint64_t)-5 & 0xff, 1);	/* line base */
	put(&line, 14, 1);		/* line range */
	put(&line, 13, 1);		/* opcode base */
	bytes(&line, std_lens, 12);
	if (ver >= 5) {
		/* directories: one format (path, line_strp), one entry */
		put(&line, 1, 1);
		uleb(&line, 1);		/* DW_LNCT_path */
		uleb(&line, DW_FORM_line_strp);
		uleb(&line, 1);
		put(&line, 1, 4);
		/* files: path (line_strp), directory index (udata) */
		put(&line, 2, 1);
		uleb(&line, 1);
		uleb(&line, DW_FORM_line_strp);
		uleb(&line, 2);		/* DW_LNCT_directory_index */
		uleb(&line, DW_FORM_udata);
		uleb(&line, 2);
		put(&line, 6, 4);
		uleb(&line, 0);
		put(&line, 10, 4);
		uleb(&line, 0);
	} else {
		str(&line, "");		/* no include directories */
		str(&line, "a.c");
		uleb(&line, 0);
		uleb(&line, 0);
		uleb(&line, 0);
		str(&line, "inc/b.h");
		uleb(&line, 0);
		uleb(&line, 0);
		uleb(&line, 0);
		put(&line, 0, 1);
	}
	{
		struct w t = { .be = be };

		put(&t, line.n - hstart, 4);
		memcpy(line.b + hstart - 4, t.b, 4);
	}
	/* the program */
	put(&line, LNS_set_file, 1);
	uleb(&line, f1);
	put(&line, 0, 1);		/* DW_LNE_set_address */
	uleb(&line, 9);
	put(&line, 2, 1);
	put(&line, 0x1000, 8);
	put(&line, LNS_advance_line, 1);
	sleb(&line, 9);
	put(&line, LNS_copy, 1);	/* row 0x1000 line 10 */
	put(&line, (1 + 5) + 14 * 2 + 13, 1);	/* special: +2, line +1 */
	put(&line, LNS_advance_pc, 1);
	uleb(&line, 4);
	put(&line, LNS_set_file, 1);
	uleb(&line, f2);
	put(&line, LNS_negate_stmt, 1);
	put(&line, LNS_copy, 1);	/* row 0x1006 line 11, file 2, not a statement */
	put(&line, LNS_const_add_pc, 1);	/* +17 */
	put(&line, LNS_fixed_advance_pc, 1);
	put(&line, 3, 2);
	put(&line, LNS_set_column, 1);
	uleb(&line, 5);
	put(&line, LNS_set_basic_block, 1);
	put(&line, LNS_set_prologue_end, 1);
	put(&line, LNS_set_epilogue_begin, 1);
	put(&line, LNS_set_isa, 1);
	uleb(&line, 1);
	put(&line, 0, 1);		/* DW_LNE_set_discriminator */
	uleb(&line, 2);
	put(&line, 4, 1);
	uleb(&line, 2);
	put(&line, LNS_advance_line, 1);
	sleb(&line, -3);
	put(&line, LNS_copy, 1);	/* row 0x101a line 8 */
	if (ver < 5) {
		put(&line, 0, 1);	/* DW_LNE_define_file */
		uleb(&line, 1 + 6 + 3);
		put(&line, 3, 1);
		str(&line, "new.c");
		uleb(&line, 0);
		uleb(&line, 0);
		uleb(&line, 0);
	}
	put(&line, LNS_advance_pc, 1);
	uleb(&line, 6);
	put(&line, 0, 1);		/* DW_LNE_end_sequence */
	uleb(&line, 1);
	put(&line, 1, 1);
	len_end(&line, start, false);

	n = mkelf(img, sizeof(img), true, be, s, 4);
	d = open_dwarf(&e, n);
	assert_int_equal(dw_die(d, &d->main, &d->main.units[0], d->main.units[0].die, &root), 0);
	assert_int_equal(dw_lines_read(d, &root, &l), 0);
	assert_int_equal(l.nrows, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < l.nrows; i++) {
		unsigned file = want[i].file == 1 ? f1 : f2;

		if (l.rows[i].addr != want[i].addr || l.rows[i].line != want[i].line ||
		    l.rows[i].file != file || l.rows[i].stmt != want[i].stmt ||
		    l.rows[i].end != want[i].end)
			fail_msg("v%u row %zu: 0x%llx line %u file %u stmt %d end %d", ver, i,
				 (unsigned long long)l.rows[i].addr, l.rows[i].line, l.rows[i].file,
				 l.rows[i].stmt, l.rows[i].end);
	}
	/* the files, their directory joined */
	dw_lines_file(&l, f1, path, sizeof(path));
	assert_string_equal(path, "/src/a.c");
	dw_lines_file(&l, f2, path, sizeof(path));
	assert_string_equal(path, "/src/inc/b.h");
	if (ver < 5) {
		assert_int_equal(l.nfiles, 3);	/* and the one defined in the program */
		dw_lines_file(&l, 3, path, sizeof(path));
		assert_string_equal(path, "/src/new.c");
	}
	dw_lines_free(&l);
	upc_elf_close(e);
}

static void test_lines(void **state)
{
	(void)state;
	lines_unit(5, false);
	lines_unit(4, false);
	lines_unit(3, true);
	lines_unit(2, false);
}

/* ---- damaged DWARF refused ----------------------------------------------- */

/* A unit of version 5 with one DIE of abbreviation code (1: a variable
 * with a data4 attribute); its unit length as given, or right (0). */
static size_t damaged(uint16_t ver, uint64_t code, uint16_t form, uint32_t unit_len)
{
	struct w ab = { 0 }, info = { 0 };
	struct sec s[2] = { { ".debug_abbrev", &ab }, { ".debug_info", &info } };
	size_t start;

	uleb(&ab, 1);
	uleb(&ab, DW_TAG_compile_unit);
	put(&ab, 1, 1);
	uleb(&ab, 0);
	uleb(&ab, 0);
	uleb(&ab, 2);
	uleb(&ab, DW_TAG_variable);
	put(&ab, 0, 1);
	uleb(&ab, AT);
	uleb(&ab, form);
	uleb(&ab, 0);
	uleb(&ab, 0);
	uleb(&ab, 0);
	start = len_start(&info, false);
	put(&info, ver, 2);
	put(&info, DW_UT_compile, 1);
	put(&info, 8, 1);
	put(&info, 0, 4);
	uleb(&info, 1);
	uleb(&info, code);
	put(&info, 42, 4);
	uleb(&info, 0);
	len_end(&info, start, false);
	if (unit_len)
		memcpy(info.b, &unit_len, 4);
	return mkelf(img, sizeof(img), true, false, s, 2);
}

static void test_damaged(void **state)
{
	struct upc_elf_opts o = { .sz = sizeof(o), .no_debug_file = true };
	struct dw_die root, k;
	struct dw_val v;
	struct upc_dwarf *d;
	struct upc_elf *e;
	size_t n;

	(void)state;
	/* the unit runs past its section */
	n = damaged(5, 2, DW_FORM_data4, 4000);
	assert_int_equal(upc_elf_open_mem(img, n, "hand.elf", &e), 0);
	assert_int_equal(upc_dwarf_open(e, &o, &d), -EINVAL);
	upc_elf_close(e);
	/* a version no DWARF has */
	n = damaged(6, 2, DW_FORM_data4, 0);
	assert_int_equal(upc_elf_open_mem(img, n, "hand.elf", &e), 0);
	assert_int_equal(upc_dwarf_open(e, &o, &d), -EPROTONOSUPPORT);
	upc_elf_close(e);
	/* an abbreviation code the table has not */
	n = damaged(5, 9, DW_FORM_data4, 0);
	d = open_dwarf(&e, n);
	assert_int_equal(dw_die(d, &d->main, &d->main.units[0], d->main.units[0].die, &root), 0);
	assert_int_equal(dw_child(d, &root, &k), -EINVAL);
	upc_elf_close(e);
	/* a form no version has: the attribute unread, the DIE's end unknown */
	n = damaged(5, 2, 0x7f, 0);
	d = open_dwarf(&e, n);
	assert_int_equal(dw_die(d, &d->main, &d->main.units[0], d->main.units[0].die, &root), 0);
	assert_int_not_equal(dw_child(d, &root, &k), 0);
	upc_elf_close(e);
	/* and the good one reads */
	n = damaged(5, 2, DW_FORM_data4, 0);
	d = open_dwarf(&e, n);
	first_child(d, &root, &k);
	assert_int_equal(dw_attr(d, &k, AT, &v), 0);
	assert_int_equal(v.u, 42);
	upc_elf_close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_damaged),
	};

	upc_set_print(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
