// SPDX-License-Identifier: MIT
/*
 * The ELF reader on hand-built bytes: valid images of every class and byte
 * order resolve to the right offsets, and malformed ones (truncated, tables
 * out of bounds, strings without NUL, absurd counts, zero entsize,
 * overlapping segments) give a clear error, never a crash. Images live in
 * heap buffers of their exact size, so under ASan any read past the end
 * fails the test.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_elf.h"
#include "upc_internal.h"

static char last_err[1024];

static void capture(enum upc_print_level level, const char *fmt, va_list ap)
{
	if (level == UPC_ERROR)
		vsnprintf(last_err, sizeof(last_err), fmt, ap);
}

static int count_cb(const struct upc_sym *s, void *ctx)
{
	(void)s;
	++*(int *)ctx;
	return 0;
}

/* Open an exact-size heap copy; walk and resolve everything reachable.
 * Returns the first error, 0 if the image was accepted. */
static int try_image(const unsigned char *img, size_t len, const char *spec,
		     struct upc_location *loc)
{
	unsigned char *copy = malloc(len ? len : 1);
	struct upc_location dummy;
	struct upc_elf *e;
	int n = 0, err;

	assert_non_null(copy);
	memcpy(copy, img, len);
	last_err[0] = '\0';
	err = upc_elf_open_mem(copy, len, "fake", &e);
	if (!err) {
		err = upc_elf_foreach_sym(e, count_cb, &n);
		if (err >= 0)
			err = upc_resolve(e, spec, loc ? loc : &dummy);
		upc_elf_close(e);
	}
	free(copy);
	return err;
}

static size_t build(const struct fake_elf *f, unsigned char *buf, struct fake_layout *l)
{
	size_t n = fake_elf_build(f, buf, 0x4000, l);

	assert_true(n > 0);
	return n;
}

static void test_valid_x86_64(void **state)
{
	unsigned char buf[0x4000];
	struct fake_layout l;
	struct upc_location loc;
	struct fake_elf f;
	size_t n;

	(void)state;
	fake_elf_default(&f);
	n = build(&f, buf, &l);
	assert_int_equal(try_image(buf, n, "func", &loc), 0);
	assert_int_equal(loc.offset, 0x1040);
	assert_int_equal(try_image(buf, n, "func+8", &loc), 0);
	assert_int_equal(loc.offset, 0x1048);
	assert_int_equal(try_image(buf, n, "func+32", &loc), -ERANGE);
	assert_int_equal(try_image(buf, n, "0x1050", &loc), 0);
	assert_int_equal(loc.sym_off, 0x10);
	assert_int_equal(try_image(buf, n, "0x10", &loc), -ERANGE);
	assert_int_equal(try_image(buf, n, "nosuch", &loc), -ENOENT);
	assert_int_equal(try_image(buf, n, "func@", &loc), -EINVAL);

	/* vaddr != file offset: the PT_LOAD decides, not st_value */
	f.ph[0].vaddr = 0x401000;
	f.syms[0].value = 0x401040;
	n = build(&f, buf, &l);
	assert_int_equal(try_image(buf, n, "func", &loc), 0);
	assert_int_equal(loc.offset, 0x1040);
	assert_int_equal(loc.addr, 0x401040);
}

/* Every class and byte order, through the arch tables of targets/. */
static void test_classes_and_byte_orders(void **state)
{
	static const struct { bool is64, be; uint16_t machine; unsigned align; } cases[] = {
		{ false, true, EM_MIPS, 4 },	/* 32-bit big endian */
		{ true, true, EM_S390, 2 },	/* 64-bit big endian */
		{ false, false, EM_ARM, 4 },	/* 32-bit little endian */
		{ true, false, EM_AARCH64, 4 },
		{ true, false, EM_RISCV, 2 },
		{ false, false, EM_386, 1 },
		{ true, false, 258 /* EM_LOONGARCH */, 4 },
	};
	unsigned char buf[0x4000];
	struct fake_layout l;
	struct upc_location loc;
	struct fake_elf f;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n;

		fake_elf_default(&f);
		f.is64 = cases[i].is64;
		f.be = cases[i].be;
		f.machine = cases[i].machine;
		f.type = ET_EXEC;
		f.ph[0].vaddr = 0x10000;
		f.syms[0].value = 0x10040;
		f.syms[0].info = ELF32_ST_INFO(STB_GLOBAL, STT_FUNC);
		n = build(&f, buf, &l);
		assert_int_equal(try_image(buf, n, "func", &loc), 0);
		assert_int_equal(loc.offset, 0x1040);
		if (cases[i].align > 1)
			assert_int_equal(try_image(buf, n, "func+1", &loc), -EINVAL);
		else
			assert_int_equal(try_image(buf, n, "func+1", &loc), 0);
	}
}

static void test_ppc64_entries(void **state)
{
	unsigned char buf[0x4000];
	struct fake_layout l;
	struct upc_location loc;
	struct fake_elf f;
	size_t n;

	(void)state;
	/* ELFv2: st_other 3 << 5 puts the local entry 8 bytes in */
	fake_elf_default(&f);
	f.machine = EM_PPC64;
	f.eflags = 2;
	f.syms[0].other = 3 << 5;
	n = build(&f, buf, &l);
	assert_int_equal(try_image(buf, n, "func", &loc), 0);
	assert_int_equal(loc.offset, 0x1048);
	assert_true(loc.flags & UPC_LOC_LOCAL_ENTRY);

	/* ELFv1 big endian: the symbol is an .opd descriptor in a data
	 * segment; its first word is the code address */
	fake_elf_default(&f);
	f.machine = EM_PPC64;
	f.be = true;
	f.eflags = 1;
	f.ph[1] = (struct fake_ph){ PT_LOAD, PF_R | PF_W, 0x1800, 0x11800, 0x100, 0x100 };
	f.nph = 2;
	f.syms[0].value = 0x11800;
	n = build(&f, buf, &l);
	fake_put(&f, buf + 0x1800, 0x1080, 8);
	assert_int_equal(try_image(buf, n, "func", &loc), 0);
	assert_int_equal(loc.offset, 0x1080);
}

static void test_thumb_refused(void **state)
{
	unsigned char buf[0x4000];
	struct fake_layout l;
	struct fake_elf f;
	size_t n;

	(void)state;
	fake_elf_default(&f);
	f.is64 = false;
	f.machine = EM_ARM;
	f.syms[0].value = 0x1041;
	f.syms[0].info = ELF32_ST_INFO(STB_GLOBAL, STT_FUNC);
	n = build(&f, buf, &l);
	assert_int_equal(try_image(buf, n, "func", NULL), -ENOTSUP);
	assert_non_null(strstr(last_err, "Thumb"));
	assert_non_null(strstr(last_err, "-marm"));
	assert_int_equal(try_image(buf, n, "0x1044", NULL), -ENOTSUP);
}

/* Every prefix of a valid image: accepted or refused, never a crash or a
 * read past its end. */
static void test_every_truncation(void **state)
{
	unsigned char buf[0x4000];
	struct fake_layout l;
	struct fake_elf f;
	size_t n;

	(void)state;
	for (int cls = 0; cls < 2; cls++) {
		fake_elf_default(&f);
		f.is64 = cls;
		f.machine = cls ? EM_X86_64 : EM_386;
		f.size = 0;
		f.ph[0] = (struct fake_ph){ PT_LOAD, PF_R | PF_X, 0, 0x1000, 0x100, 0x100 };
		f.syms[0].value = 0x1040;
		n = build(&f, buf, &l);
		assert_int_equal(try_image(buf, n, "func", NULL), 0);
		for (size_t len = 0; len < n; len++) {
			int err = try_image(buf, len, "func", NULL);

			assert_true(err == -ENOEXEC || err == -ENOENT || err == -EINVAL ||
				    err == -ERANGE || err == 0);
			if (len < l.ehsize)
				assert_int_equal(err, -ENOEXEC);
		}
	}
}

enum field { PHOFF, PHNUM, SHOFF, SHNUM, SHENTSIZE, SYM_ENTSIZE, SYM_SIZE,
	     SYM_LINK, STR_OFF, STR_SIZE_NO_NUL, SEGMENT_PAST_EOF, OVERLAP,
	     NAME_OFF, CLASS, DATA, TYPE_REL, MACHINE };

static int corrupt(enum field which)
{
	unsigned char buf[0x4000];
	struct fake_layout l;
	struct fake_elf f;
	size_t n;
	unsigned char *sh;

	fake_elf_default(&f);
	if (which == SEGMENT_PAST_EOF)
		f.ph[0].filesz = 0x100000;
	if (which == OVERLAP) {
		f.ph[1] = (struct fake_ph){ PT_LOAD, PF_R | PF_X, 0x0, 0x1000, 0x800, 0x800 };
		f.nph = 2;
	}
	if (which == TYPE_REL)
		f.type = ET_REL;
	if (which == MACHINE)
		f.machine = 0x7777;
	n = build(&f, buf, &l);
	sh = buf + l.shoff;
	switch (which) {
	case PHOFF: fake_put(&f, buf + 32, 0xfffffffffffff000ull, 8); break;
	case PHNUM: fake_put(&f, buf + 56, 0xffff, 2); break;
	case SHOFF: fake_put(&f, buf + 40, n - 8, 8); break;
	case SHNUM: fake_put(&f, buf + 60, 0xffff, 2); break;
	case SHENTSIZE: fake_put(&f, buf + 58, 0, 2); break;
	case SYM_ENTSIZE: fake_put(&f, sh + 64 + 56, 0, 8); break;
	case SYM_SIZE: fake_put(&f, sh + 64 + 32, 0xffffffffffull, 8); break;
	case SYM_LINK: fake_put(&f, sh + 64 + 40, 4, 4); break;	/* .text, not a strtab */
	case STR_OFF: fake_put(&f, sh + 128 + 24, 0xffffffffff00ull, 8); break;
	case STR_SIZE_NO_NUL:
		/* the string table ends inside "func" */
		fake_put(&f, sh + 128 + 32, 3, 8);
		break;
	case NAME_OFF: fake_put(&f, buf + l.symoff + 24, 0x7fffffff, 4); break;
	case CLASS: buf[EI_CLASS] = 9; break;
	case DATA: buf[EI_DATA] = 0; break;
	default: break;
	}
	return try_image(buf, n, "func", NULL);
}

static void test_malformed(void **state)
{
	(void)state;
	assert_int_equal(corrupt(PHOFF), -ENOEXEC);
	assert_non_null(strstr(last_err, "program headers"));
	assert_int_equal(corrupt(PHNUM), -ENOEXEC);
	assert_int_equal(corrupt(SHOFF), -ENOEXEC);
	assert_non_null(strstr(last_err, "section headers"));
	assert_int_equal(corrupt(SHNUM), -ENOEXEC);
	assert_int_equal(corrupt(SHENTSIZE), -ENOEXEC);
	assert_int_equal(corrupt(SYM_ENTSIZE), -ENOEXEC);
	assert_non_null(strstr(last_err, "entry size"));
	assert_int_equal(corrupt(SYM_SIZE), -ENOEXEC);
	assert_int_equal(corrupt(SYM_LINK), -ENOEXEC);
	assert_int_equal(corrupt(STR_OFF), -ENOEXEC);
	assert_int_equal(corrupt(STR_SIZE_NO_NUL), -EINVAL);
	assert_non_null(strstr(last_err, "string table"));
	assert_int_equal(corrupt(NAME_OFF), -EINVAL);
	assert_int_equal(corrupt(SEGMENT_PAST_EOF), -ENOEXEC);
	assert_non_null(strstr(last_err, "segment"));
	assert_int_equal(corrupt(OVERLAP), -ENOEXEC);
	assert_non_null(strstr(last_err, "overlap"));
	assert_int_equal(corrupt(CLASS), -ENOEXEC);
	assert_int_equal(corrupt(DATA), -ENOEXEC);
	assert_int_equal(corrupt(TYPE_REL), -ENOEXEC);
	assert_non_null(strstr(last_err, "not an executable or a shared library"));
	assert_int_equal(corrupt(MACHINE), -ENOTSUP);
	assert_non_null(strstr(last_err, "30583"));
}

/* Extended section numbering: e_shnum 0 and an absurd count in sh[0]. */
static void test_extended_shnum(void **state)
{
	unsigned char buf[0x4000];
	struct fake_layout l;
	struct fake_elf f;
	size_t n;

	(void)state;
	fake_elf_default(&f);
	n = build(&f, buf, &l);
	fake_put(&f, buf + 60, 0, 2);
	fake_put(&f, buf + l.shoff + 32, 5, 8);
	assert_int_equal(try_image(buf, n, "func", NULL), 0);
	fake_put(&f, buf + l.shoff + 32, 0xffffffffffffull, 8);
	assert_int_equal(try_image(buf, n, "func", NULL), -ENOEXEC);
}

/* A compressed .symtab is refused by name, not called corrupt. */
static void test_compressed_symtab(void **state)
{
	unsigned char buf[0x4000];
	struct fake_layout l;
	struct fake_elf f;
	size_t n;

	(void)state;
	fake_elf_default(&f);
	n = build(&f, buf, &l);
	fake_put(&f, buf + l.shoff + l.shentsize * l.symtab_ndx + 8, 1u << 11, 8);
	assert_int_equal(try_image(buf, n, "func", NULL), -ENOTSUP);
	assert_non_null(strstr(last_err, "compressed (SHF_COMPRESSED)"));
}

/* A PT_NOTE whose header ends exactly at the end of the file: the build-id
 * scan must not read the name that the header announces (the image is an
 * exact-size heap copy, so ASan sees any read past it). */
static void test_note_past_the_file(void **state)
{
	static unsigned char buf[0x9000];
	const unsigned char *id;
	struct fake_layout l;
	struct fake_elf f;
	struct upc_elf *e;
	unsigned char *copy;
	uint32_t len;
	size_t n;

	(void)state;
	fake_elf_default(&f);
	f.size = sizeof(buf);
	f.ph[1] = (struct fake_ph){ PT_NOTE, PF_R, 0x8ff4, 0, 32, 32 };
	f.nph = 2;
	n = fake_elf_build(&f, buf, sizeof(buf), &l);
	assert_int_equal(n, sizeof(buf));
	fake_put(&f, buf + 0x8ff4, 4, 4);		/* namesz */
	fake_put(&f, buf + 0x8ff8, 0, 4);		/* descsz */
	fake_put(&f, buf + 0x8ffc, NT_GNU_BUILD_ID, 4);
	copy = malloc(n);
	assert_non_null(copy);
	memcpy(copy, buf, n);
	assert_int_equal(upc_elf_open_mem(copy, n, "fake", &e), 0);
	assert_int_equal(upc_elf_build_id(e, &id, &len), -ENOENT);
	/* the same note inside the file is found */
	upc_elf_close(e);
	fake_put(&f, copy + l.phoff + l.phentsize + 8, 0x8fd0, 8);	/* p_offset */
	fake_put(&f, copy + 0x8fd0, 4, 4);
	fake_put(&f, copy + 0x8fd4, 4, 4);
	fake_put(&f, copy + 0x8fd8, NT_GNU_BUILD_ID, 4);
	memcpy(copy + 0x8fdc, "GNU\0\1\2\3\4", 8);
	assert_int_equal(upc_elf_open_mem(copy, n, "fake", &e), 0);
	assert_int_equal(upc_elf_build_id(e, &id, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(id, "\1\2\3\4", 4);
	upc_elf_close(e);
	free(copy);
}

static void test_open_errors(void **state)
{
	char tmp[] = "/tmp/upc-test-XXXXXX";
	struct upc_elf *e;
	int fd;

	(void)state;
	assert_int_equal(upc_elf_open("/nonexistent/prog", NULL, &e), -ENOENT);
	assert_null(e);
	assert_non_null(strstr(last_err, "No such file"));
	assert_int_equal(upc_elf_open("/tmp", NULL, &e), -EISDIR);
	assert_int_equal(upc_elf_open("/dev/null", NULL, &e), -EINVAL);
	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(upc_elf_open(tmp, NULL, &e), -ENOEXEC);
	assert_int_equal(write(fd, "#!/bin/sh\necho not an elf file\n", 31), 31);
	assert_int_equal(upc_elf_open(tmp, NULL, &e), -ENOEXEC);
	assert_non_null(strstr(last_err, "bad magic"));
	close(fd);
	unlink(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_x86_64),
		cmocka_unit_test(test_classes_and_byte_orders),
		cmocka_unit_test(test_ppc64_entries),
		cmocka_unit_test(test_thumb_refused),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_extended_shnum),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_note_past_the_file),
		cmocka_unit_test(test_compressed_symtab),
	};

	upc_set_print(capture);
	return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
