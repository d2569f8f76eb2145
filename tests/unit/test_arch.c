// SPDX-License-Identifier: MIT
/*
 * The ABI tables of targets/ against the kernel's and the ABIs' facts
 * (shared/reference/tracefs-uprobes.md §3), and the definitions and event
 * names built from them.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "upc_internal.h"

static char last_err[1024];

static void capture(enum upc_print_level level, const char *fmt, va_list ap)
{
	if (level == UPC_ERROR)
		vsnprintf(last_err, sizeof(last_err), fmt, ap);
}

static void expect_defaults(const char *arch, unsigned nargs, bool ret, const char *want)
{
	const struct upc_arch *a = upc_arch_by_name(arch);
	char buf[512];

	assert_non_null(a);
	assert_true(upc_default_fetchargs(a, nargs, ret, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, want);
}

static void test_default_fetchargs(void **state)
{
	(void)state;
	/* the article's exact registers */
	expect_defaults("aarch64", 4, false, "arg1=%x0 arg2=%x1 arg3=%x2 arg4=%x3 ra=%x30");
	expect_defaults("arm64", 4, false, "arg1=%x0 arg2=%x1 arg3=%x2 arg4=%x3 ra=%x30");
	expect_defaults("x86_64", 4, false, "arg1=%di arg2=%si arg3=%dx arg4=%cx ra=+0(%sp)");
	expect_defaults("arm", 4, false, "arg1=%r0 arg2=%r1 arg3=%r2 arg4=%r3 ra=%lr");
	expect_defaults("riscv64", 4, false, "arg1=%a0 arg2=%a1 arg3=%a2 arg4=%a3 ra=%ra");
	expect_defaults("i386", 2, false, "arg1=+4(%sp) arg2=+8(%sp) ra=+0(%sp)");
	expect_defaults("ppc64", 1, false, "arg1=%r3 ra=%link");
	expect_defaults("s390x", 1, false, "arg1=%r2 ra=%r14");
	expect_defaults("mips", 1, false, "arg1=%r4 ra=%r31");
	expect_defaults("loongarch64", 1, false, "arg1=%r4 ra=%r1");
	expect_defaults("aarch64", 0, true, "ret=$retval");
	expect_defaults("x86_64", 0, true, "ret=$retval");
	expect_defaults("riscv64", 0, true, "ret=$retval");
	/* $retval may come negated there */
	expect_defaults("ppc64", 0, true, "ret=%r3");
	expect_defaults("mips", 0, true, "ret=%r2");
}

static void test_stack_arguments(void **state)
{
	char buf[32];

	(void)state;
	/* past the registers, arguments are stack slots at entry */
	assert_true(upc_arch_arg(upc_arch_by_name("x86_64"), 7, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "+8(%sp)");
	assert_true(upc_arch_arg(upc_arch_by_name("x86_64"), 8, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "+16(%sp)");
	assert_true(upc_arch_arg(upc_arch_by_name("aarch64"), 9, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "+0(%sp)");
	assert_true(upc_arch_arg(upc_arch_by_name("arm"), 6, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "+4(%sp)");
	assert_true(upc_arch_arg(upc_arch_by_name("i386"), 3, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "+12(%sp)");
	assert_true(upc_arch_arg(upc_arch_by_name("mips"), 5, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "+16(%r29)");
	assert_int_equal(upc_arch_arg(upc_arch_by_name("arm"), 0, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(upc_arch_arg(upc_arch_by_name("x86_64"), 9, buf, 4), -ERANGE);
}

static void test_machines(void **state)
{
	static const struct { unsigned machine; int cls; const char *name; unsigned align; } m[] = {
		{ EM_X86_64, 2, "x86_64", 1 }, { EM_386, 1, "i386", 1 },
		{ EM_AARCH64, 2, "aarch64", 4 }, { EM_ARM, 1, "arm", 4 },
		{ EM_RISCV, 2, "riscv64", 2 }, { EM_RISCV, 1, "riscv32", 2 },
		{ EM_PPC64, 2, "ppc64", 4 }, { EM_PPC, 1, "ppc", 4 },
		{ EM_S390, 2, "s390x", 2 }, { EM_MIPS, 1, "mips", 4 },
		{ EM_MIPS, 2, "mips64", 4 }, { 258, 2, "loongarch64", 4 },
	};
	const struct upc_arch *a;
	unsigned n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		a = upc_arch_by_machine(m[i].machine, m[i].cls);
		assert_non_null(a);
		assert_string_equal(upc_arch_name(a), m[i].name);
		assert_int_equal(upc_arch_insn_align(a), m[i].align);
		assert_ptr_equal(upc_arch_by_name(m[i].name), a);
	}
	assert_null(upc_arch_by_machine(EM_X86_64, 1));
	assert_null(upc_arch_by_machine(0x7777, 2));
	assert_null(upc_arch_by_name("vax"));
	/* every table is complete */
	while ((a = upc_arch_at(n++))) {
		char buf[32];

		assert_non_null(a->retval);
		assert_non_null(a->sp);
		assert_non_null(a->ra);
		assert_true(a->insn_align >= 1);
		assert_true(upc_arch_arg(a, 1, buf, sizeof(buf)) > 0);
		/* the registers the table uses are ones the kernel accepts */
		for (unsigned i = 0; i < a->nreg_args; i++)
			assert_true(upc_arch_has_reg(a, a->arg_regs[i] + 1,
						     strlen(a->arg_regs[i] + 1)));
		if (a->retval[0] == '%')
			assert_true(upc_arch_has_reg(a, a->retval + 1, strlen(a->retval + 1)));
		assert_true(upc_arch_has_reg(a, a->sp + 1, strlen(a->sp + 1)));
		/* its kernels are known by their uname -m, and are its own */
		assert_non_null(a->uname);
		for (const char *u = a->uname; *u;) {
			char um[32];
			size_t k = strcspn(u, " ");

			snprintf(um, sizeof(um), "%.*s", (int)k, u);
			assert_ptr_equal(upc_arch_by_uname(um), a);
			u += k + (u[k] == ' ');
		}
	}
	assert_true(n > 10);
	/* the longest prefix wins: a ppc64le kernel is not a ppc one */
	assert_string_equal(upc_arch_name(upc_arch_by_uname("ppc64le")), "ppc64");
	assert_string_equal(upc_arch_name(upc_arch_by_uname("armv7l")), "arm");
	assert_string_equal(upc_arch_name(upc_arch_by_uname("mips64")), "mips64");
	assert_null(upc_arch_by_uname("vax"));
}

static void test_registers(void **state)
{
	const struct upc_arch *x86 = upc_arch_by_name("x86_64");
	const struct upc_arch *arm = upc_arch_by_name("arm");
	const struct upc_arch *rv = upc_arch_by_name("riscv64");
	const struct upc_arch *a64 = upc_arch_by_name("aarch64");

	(void)state;
	assert_true(upc_arch_has_reg(x86, "di", 2));
	assert_false(upc_arch_has_reg(x86, "rax", 3));	/* kernel spelling: ax */
	assert_false(upc_arch_has_reg(x86, "x0", 2));
	assert_true(upc_arch_has_reg(a64, "x30", 3));
	assert_false(upc_arch_has_reg(a64, "x31", 3));
	assert_true(upc_arch_has_reg(arm, "lr", 2));
	assert_false(upc_arch_has_reg(arm, "r11", 3));	/* the kernel calls it fp */
	assert_true(upc_arch_has_reg(rv, "a7", 2));
	assert_false(upc_arch_has_reg(rv, "x10", 3));	/* ABI names only */
	assert_false(upc_arch_has_reg(rv, "", 0));
	assert_false(upc_arch_has_reg(a64, "x3", 1));	/* prefix of a name */
}

static void test_event_names(void **state)
{
	char buf[UPC_NAME_MAX + 1], buf2[UPC_NAME_MAX + 1];
	const char *lng = "_ZN4llvm12DenseMapBaseINS_8DenseMapIPKNS_5ValueENS_6WeakVHENS_"
			  "12DenseMapInfoIS4_vEENS_6detail12DenseMapPairIS4_S5_EEEES4_S5_";
	const char *lng2 = "_ZN4llvm12DenseMapBaseINS_8DenseMapIPKNS_5ValueENS_6WeakVHENS_"
			   "12DenseMapInfoIS4_vEENS_6detail12DenseMapPairIS4_S5_EEEES4_S6_";

	(void)state;
	assert_int_equal(upc_event_name("wrapper_strerror", 16, buf, sizeof(buf)), 16);
	assert_string_equal(buf, "wrapper_strerror");
	upc_event_name("foo.cold.1", 10, buf, sizeof(buf));
	assert_string_equal(buf, "foo_cold_1");
	upc_event_name("9lives", 6, buf, sizeof(buf));
	assert_string_equal(buf, "_9lives");
	assert_int_equal(upc_event_name(lng, strlen(lng), buf, sizeof(buf)), UPC_NAME_MAX);
	assert_int_equal(upc_event_name(lng2, strlen(lng2), buf2, sizeof(buf2)), UPC_NAME_MAX);
	assert_string_not_equal(buf, buf2);
	assert_int_equal(upc_check_name("event", buf, false), 0);
	assert_int_equal(upc_event_name("x", 1, buf, 8), -EINVAL);
	/* C++ and Rust: from the short demangled name */
	upc_event_name("_ZN4shop4Cart3addEi", 19, buf, sizeof(buf));
	assert_string_equal(buf, "shop_Cart_add");
	upc_event_name("_ZN4shop5twiceIlEET_S1_", 24, buf, sizeof(buf));
	assert_string_equal(buf, "shop_twice_long");
	upc_event_name("_RNvMNtCs6ExhuT6hjUI_5rusty4shopNtB2_4Cart3add", 46, buf, sizeof(buf));
	assert_string_equal(buf, "rusty_shop_Cart_add");
	upc_event_name("_ZN4core3fmt5write17h0123456789abcdefE", 38, buf, sizeof(buf));
	assert_string_equal(buf, "core_fmt_write");
}

/* A probe of these fields, formatted. */
static int def_of(char *def, size_t len, bool ret, const char *group, const char *event,
		  const char *path, uint64_t offset, const char *args)
{
	static struct upc_probe p;

	memset(&p, 0, sizeof(p));
	p.kind = ret ? 'r' : 'p';
	snprintf(p.group, sizeof(p.group), "%s", group);
	snprintf(p.event, sizeof(p.event), "%s", event);
	snprintf(p.path, sizeof(p.path), "%s", path);
	p.offset = offset;
	snprintf(p.args, sizeof(p.args), "%s", args);
	return upc_probe_format(&p, def, len);
}

static void test_definitions(void **state)
{
	char def[4096];

	(void)state;
	assert_true(def_of(def, sizeof(def), false, "uprobectl", "wrapper_entry",
					 "/tmp/registers", 0xbf8,
					 "arg1=%x0 arg2=%x1 arg3=%x2 arg4=%x3 ra=%x30") > 0);
	assert_string_equal(def, "p:uprobectl/wrapper_entry /tmp/registers:0xbf8 "
				 "arg1=%x0 arg2=%x1 arg3=%x2 arg4=%x3 ra=%x30");
	assert_true(def_of(def, sizeof(def), true, "my-grp", "e", "/a/b", 0x10,
					 "ret=%ax") > 0);
	assert_string_equal(def, "r:my-grp/e /a/b:0x10 ret=%ax");

	/* nothing that could split, comment out or retarget a definition */
	assert_int_equal(def_of(def, sizeof(def), false, "g", "e", "rel/path", 1, ""), -EINVAL);
	assert_non_null(strstr(last_err, "absolute"));
	assert_int_equal(def_of(def, sizeof(def), false, "g", "e", "/a b", 1, ""), -EINVAL);
	assert_int_equal(def_of(def, sizeof(def), false, "g", "e", "/a#b", 1, ""), -EINVAL);
	assert_int_equal(def_of(def, sizeof(def), false, "g", "e", "/a\nb", 1, ""), -EINVAL);
	assert_int_equal(def_of(def, sizeof(def), false, "g", "e", "/a\tb", 1, ""), -EINVAL);
	/* the kernel's isspace() takes 0xA0 as a blank, even inside UTF-8's
	 * "\xc3\xa0"; and bytes that are not UTF-8 are refused */
	assert_int_equal(def_of(def, sizeof(def), false, "g", "e", "/a\xa0" "b", 1, ""), -EINVAL);
	assert_int_equal(def_of(def, sizeof(def), false, "g", "e", "/\xc3\xa0", 1, ""), -EINVAL);
	assert_int_equal(def_of(def, sizeof(def), false, "g", "e", "/a\xff" "b", 1, ""), -EINVAL);
	assert_non_null(strstr(last_err, "UTF-8"));
	assert_int_equal(def_of(def, sizeof(def), false, "g", "e", "/\xc0\xaf", 1, ""), -EINVAL);
	assert_int_equal(def_of(def, sizeof(def), false, "g", "e", "/\xed\xa0\x80", 1, ""), -EINVAL);
	assert_int_equal(def_of(def, sizeof(def), false, "g", "e", "/a", 1, "a=%di\xa0"), -EINVAL);
	assert_true(def_of(def, sizeof(def), false, "g", "e", "/opt/caf\xc3\xa9/\xe2\x82\xac", 1, "") > 0);
	assert_int_equal(def_of(def, sizeof(def), false, "g", "e x", "/a", 1, ""), -EINVAL);
	assert_int_equal(def_of(def, sizeof(def), false, "g/h", "e", "/a", 1, ""), -EINVAL);
	assert_int_equal(def_of(def, sizeof(def), false, "g", "1e", "/a", 1, ""), -EINVAL);
	assert_int_equal(def_of(def, sizeof(def), false, "", "e", "/a", 1, ""), -EINVAL);
	assert_int_equal(def_of(def, sizeof(def), false, "g", "e", "/a", 1,
					      "a=%di\n-:g/other"), -EINVAL);
	assert_int_equal(def_of(def, sizeof(def), false, "g", "e", "/a", 1,
					      "a=%di #"), -EINVAL);
	assert_int_equal(def_of(def, 32, false, "g", "e", "/a", 1,
					      "a=%di b=%si c=%dx d=%cx e=%r8 f=%r9 g=%ax h=%bx"),
			 -E2BIG);
}

static void test_parse_numbers(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(upc_parse_u64("0x1f", 4, &v), 0);
	assert_int_equal(v, 0x1f);
	assert_int_equal(upc_parse_u64("017", 3, &v), 0);	/* octal, as the kernel */
	assert_int_equal(v, 15);
	assert_int_equal(upc_parse_u64("42", 2, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(upc_parse_u64("09", 2, &v), -EINVAL);
	assert_int_equal(upc_parse_u64("0x", 2, &v), -EINVAL);
	assert_int_equal(upc_parse_u64("", 0, &v), -EINVAL);
	assert_int_equal(upc_parse_u64("18446744073709551616", 20, &v), -ERANGE);
	assert_int_equal(upc_parse_hex("0x10000000000000000", 19, &v), -ERANGE);
	assert_int_equal(upc_parse_hex("0xffffffffffffffff", 18, &v), 0);
	assert_true(v == UINT64_MAX);
}

/* Our formatter (upc_printf.h maps snprintf onto it) against the C
 * library's, on every conversion uprobectl uses and then some. */
#undef snprintf
#pragma GCC diagnostic ignored "-Wformat-truncation"	/* truncation is tested */
static void test_formatter(void **state)
{
	char a[64], b[64];
	int na, nb;

	(void)state;
#define SAME(...)                                                                        \
	do {                                                                             \
		na = upc_snprintf(a, sizeof(a), __VA_ARGS__);                            \
		nb = snprintf(b, sizeof(b), __VA_ARGS__);                                \
		if (na != nb || strcmp(a, b))                                            \
			fail_msg("'%s' gives '%s' (%d), libc '%s' (%d)", #__VA_ARGS__, a, na, \
				 b, nb);                                                 \
	} while (0)
#include "fmt_cases.h"
	na = upc_snprintf(NULL, 0, "%d-%s", 123, "four");
	assert_int_equal(na, 8);
	na = upc_snprintf(a, 1, "%s", "xyz");
	assert_int_equal(na, 3);
	assert_string_equal(a, "");
}

/* USDT argument specs, as gcc writes them for each architecture, to the
 * kernel's fetch arguments; and what the kernel cannot fetch refused with
 * the reason. */
static void test_usdt_args(void **state)
{
	static const struct {
		const char *arch, *spec, *want;	/* want NULL: refused */
	} cases[] = {
		{ "x86_64", "-4@%eax", "%ax:s32" },
		{ "x86_64", "8@%rdi", "%di:u64" },
		{ "x86_64", "1@%r15b", "%r15:u8" },
		{ "x86_64", "-4@%r14d", "%r14:s32" },
		{ "x86_64", "2@%si", "%si:u16" },
		{ "x86_64", "8@-80(%rbx)", "-80(%bx):u64" },
		{ "x86_64", "-4@28(%rsp)", "+28(%sp):s32" },
		{ "x86_64", "8@(%rdi)", "+0(%di):u64" },
		{ "x86_64", "-4@$42", "\\42:s32" },
		{ "x86_64", "-8@$-5", "\\-5:s64" },
		{ "x86_64", "8@(%rax,%rbx,8)", NULL },
		{ "x86_64", "4@counter(%rip)", NULL },
		{ "x86_64", "1@%ah", NULL },
		{ "x86_64", "3@%eax", NULL },
		{ "x86_64", "x@%eax", NULL },
		{ "i386", "-4@%eax", "%ax:s32" },
		{ "i386", "4@8(%esp)", "+8(%sp):u32" },
		{ "i386", "4@$7", "\\7:u32" },
		{ "aarch64", "-4@[sp, 128]", "+128(%sp):s32" },
		{ "aarch64", "4@[sp, #16]", "+16(%sp):u32" },
		{ "aarch64", "4@[x0, -8]", "-8(%x0):u32" },
		{ "aarch64", "8@[x29]", "+0(%x29):u64" },
		{ "aarch64", "8@x0", "%x0:u64" },
		{ "aarch64", "-4@w1", "%x1:s32" },
		{ "aarch64", "-4@5", "\\5:s32" },
		{ "aarch64", "8@xzr", NULL },
		{ "arm", "-4@r0", "%r0:s32" },
		{ "arm", "4@[r1, #8]", "+8(%r1):u32" },
		{ "arm", "4@[r11, #-8]", "-8(%fp):u32" },
		{ "arm", "4@#7", "\\7:u32" },
		{ "riscv64", "8@a0", "%a0:u64" },
		{ "riscv64", "-4@-20(s0)", "-20(%s0):s32" },
		{ "riscv64", "8@8(sp)", "+8(%sp):u64" },
		{ "riscv64", "8@fp", "%s0:u64" },
		{ "riscv64", "-4@5", "\\5:s32" },
		{ "ppc64", "-4@3", "%r3:s32" },
		{ "ppc64", "8@%r4", "%r4:u64" },
		{ "ppc64", "4@-8(31)", "-8(%r31):u32" },
		{ "ppc64", "8@8(%r1)", "+8(%r1):u64" },
		{ "ppc64", "-4@i42", "\\42:s32" },
		{ "s390x", "8@%r2", "%r2:u64" },
		{ "s390x", "-4@160(%r15)", "+160(%r15):s32" },
		{ "s390x", "4@7", "\\7:u32" },
		{ "mips64", "8@$4", "%r4:u64" },
		{ "mips64", "-4@16($sp)", "+16(%r29):s32" },
		{ "mips64", "8@$a0", "%r4:u64" },
		{ "loongarch64", "8@$a0", "%r4:u64" },
		{ "loongarch64", "-4@-24($fp)", "-24(%r22):s32" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct upc_arch *a = upc_arch_by_name(cases[i].arch);
		const char *why = NULL;
		char out[64];
		int r;

		assert_non_null(a);
		r = upc_usdt_arg(a, NULL, NULL, cases[i].spec, strlen(cases[i].spec), out,
				 sizeof(out), &why);
		if (!cases[i].want) {
			if (r != -EINVAL || !why)
				fail_msg("%s '%s': accepted as '%s'", cases[i].arch, cases[i].spec,
					 r ? "" : out);
			continue;
		}
		if (r || strcmp(out, cases[i].want))
			fail_msg("%s '%s': got %d '%s' (%s), want '%s'", cases[i].arch,
				 cases[i].spec, r, r ? "" : out, why ? why : "", cases[i].want);
	}
}

/* A probe's specs, split where gcc separates them (arm64's "[sp, 124]"
 * holds a space), as arg1..argN, and $argN in the user's. */
static void test_usdt_fetchargs(void **state)
{
	const struct upc_arch *a64 = upc_arch_by_name("aarch64");
	struct upc_usdt u = { .provider = "upc", .name = "tick",
			      .args = "-4@x19 -4@[sp, 124] -8@x22  1@x21 -4@42" };
	char *user[] = { "big=$arg3", "s=+0($arg2):string", NULL }, *bad[] = { "$arg6", NULL };
	char out[256];

	(void)state;
	assert_true(upc_usdt_fetchargs(a64, NULL, &u, 0, NULL, out, sizeof(out)) > 0);
	assert_string_equal(out, "arg1=%x19:s32 arg2=+124(%sp):s32 arg3=%x22:s64 arg4=%x21:u8 "
			    "arg5=\\42:s32");
	assert_true(upc_usdt_fetchargs(a64, NULL, &u, 2, user, out, sizeof(out)) > 0);
	assert_string_equal(out, "big=%x22 s=+0(+124(%sp)):string");
	assert_int_equal(upc_usdt_fetchargs(a64, NULL, &u, 1, bad, out, sizeof(out)), -EINVAL);
	u.args = "-4@x19 8@(%rax,%rbx,8)";
	assert_int_equal(upc_usdt_fetchargs(upc_arch_by_name("x86_64"), NULL, &u, 0, NULL, out,
					    sizeof(out)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formatter),
		cmocka_unit_test(test_default_fetchargs),
		cmocka_unit_test(test_stack_arguments),
		cmocka_unit_test(test_machines),
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_event_names),
		cmocka_unit_test(test_definitions),
		cmocka_unit_test(test_parse_numbers),
		cmocka_unit_test(test_usdt_args),
		cmocka_unit_test(test_usdt_fetchargs),
	};

	upc_set_print(capture);
	return cmocka_run_group_tests_name("arch", tests, NULL, NULL);
}
