// SPDX-License-Identifier: MIT
/*
 * Demangling (src/lib/demangle.c), by hand-picked names of each kind:
 * what binutils' c++filt printed for them (full, and with -p for the
 * short form), Rust's legacy and v0 schemes (short: no hashes), names
 * that are not mangled or are broken (refused, as c++filt leaves them),
 * and the bounds: a name over 1024 bytes, nesting past the depth limit
 * and substitutions that double the text at each step are refused rather
 * than run away. tests/diff/diff_demangle.sh compares every name of the
 * machine's C++ and Rust files with c++filt.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "uprobectl.h"

struct dcase {
	const char *mangled, *full, *shortname;	/* NULL: refused */
};

/* the full and -p forms as c++filt (binutils 2.40) printed them */
static const struct dcase cxx[] = {
	{ "_ZN4shop4Cart3addEi",
	  "shop::Cart::add(int)",
	  "shop::Cart::add" },
	{ "_ZN4shop4Cart3addEd",
	  "shop::Cart::add(double)",
	  "shop::Cart::add" },
	{ "_ZNK4shop4Cart5totalEv",
	  "shop::Cart::total() const",
	  "shop::Cart::total" },
	{ "_ZN4shop4CartC2Ev",
	  "shop::Cart::Cart()",
	  "shop::Cart::Cart" },
	{ "_ZN4shop4CartD0Ev",
	  "shop::Cart::~Cart()",
	  "shop::Cart::~Cart" },
	{ "_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE9_M_appendEPKcm",
	  "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >::_M_append(char const*, unsigned long)",
	  "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >::_M_append" },
	{ "_ZNKSt3mapIiSsSt4lessIiESaISt4pairIKiSsEEE4findERS3_",
	  "std::map<int, std::basic_string<char, std::char_traits<char>, std::allocator<char> >, std::less<int>, std::allocator<std::pair<int const, std::basic_string<char, std::char_traits<char>, std::allocator<char> > > > >::find(int const&) const",
	  "std::map<int, std::basic_string<char, std::char_traits<char>, std::allocator<char> >, std::less<int>, std::allocator<std::pair<int const, std::basic_string<char, std::char_traits<char>, std::allocator<char> > > > >::find" },
	{ "_ZN4shop5priceB5cxx11Ev",
	  "shop::price[abi:cxx11]()",
	  "shop::price[abi:cxx11]" },
	{ "_ZZ4mainENKUlvE_clEv",
	  "main::{lambda()#1}::operator()() const",
	  "main::{lambda()#1}::operator()" },
	{ "_ZZN4shop4Cart3addEiENKUlRKT_E0_clIiEEDaS3_",
	  "auto shop::Cart::add(int)::{lambda(auto:1 const&)#2}::operator()<int>(int const&) const",
	  "shop::Cart::add(int)::{lambda(auto:1 const&)#2}::operator()<int>" },
	{ "_ZN4shopplERKNS_4CartES2_",
	  "shop::operator+(shop::Cart const&, shop::Cart const&)",
	  "shop::operator+" },
	{ "_ZN4shop4CartcvbEv",
	  "shop::Cart::operator bool()",
	  "shop::Cart::operator bool" },
	{ "_ZNO4shop4Cart4takeEv",
	  "shop::Cart::take() &&",
	  "shop::Cart::take" },
	{ "_ZNR4shop4Cart4takeEv",
	  "shop::Cart::take() &",
	  "shop::Cart::take" },
	{ "_Z5applyPFviEi",
	  "apply(void (*)(int), int)",
	  "apply" },
	{ "_Z3sumRA3_Ki",
	  "sum(int const (&) [3])",
	  "sum" },
	{ "_ZN4shop4Cart6methodEMS0_FivE",
	  "shop::Cart::method(int (shop::Cart::*)())",
	  "shop::Cart::method" },
	{ "_ZTVN4shop4CartE",
	  "vtable for shop::Cart",
	  "vtable for shop::Cart" },
	{ "_ZTIN4shop4CartE",
	  "typeinfo for shop::Cart",
	  "typeinfo for shop::Cart" },
	{ "_ZThn8_N4shop4Cart3addEi",
	  "non-virtual thunk to shop::Cart::add(int)",
	  "non-virtual thunk to shop::Cart::add(int)" },
	{ "_ZGVZ4mainE1x",
	  "guard variable for main::x",
	  "guard variable for main::x" },
	{ "_ZN4shop4Cart3addEi.cold",
	  "shop::Cart::add(int) [clone .cold]",
	  "shop::Cart::add" },
	{ "_ZN4shop4Cart3addEi.constprop.0.isra.0",
	  "shop::Cart::add(int) [clone .constprop.0] [clone .isra.0]",
	  "shop::Cart::add" },
	{ "_Z1fIJidEEvDpT_",
	  "void f<int, double>(int, double)",
	  "f<int, double>" },
	{ "_Z1fILi3EEvRAT__i",
	  "void f<3>(int (&) [3])",
	  "f<3>" },
	{ "_ZN9__gnu_cxx13new_allocatorIcE8allocateEmPKv",
	  "__gnu_cxx::new_allocator<char>::allocate(unsigned long, void const*)",
	  "__gnu_cxx::new_allocator<char>::allocate" },
	{ "_ZNSt6vectorIiSaIiEE9push_backEOi",
	  "std::vector<int, std::allocator<int> >::push_back(int&&)",
	  "std::vector<int, std::allocator<int> >::push_back" },
	{ "_ZN12_GLOBAL__N_14hideEv",
	  "(anonymous namespace)::hide()",
	  "(anonymous namespace)::hide" },
	{ "_ZL6statici",
	  "static(int)",
	  "static" },
	{ "_Z4funcIiEDTplfp_fp_ET_",
	  "decltype ({parm#1}+{parm#1}) func<int>(int)",
	  "func<int>" },
	{ "_GLOBAL__sub_I_main.cpp",
	  NULL,
	  NULL },
	{ "main",
	  NULL,
	  NULL },
	{ "_Z",
	  NULL,
	  NULL },
	{ "_ZN",
	  NULL,
	  NULL },
	{ "_ZN3fooE",
	  "foo",
	  "foo" },
};

static void check(const char *mangled, unsigned flags, const char *want)
{
	char *out = NULL;
	int err = upc_demangle(mangled, strlen(mangled), flags, &out);

	if (!want) {
		if (err != -EINVAL)
			fail_msg("%s: %d, '%s', expected it refused", mangled, err, out ? out : "");
		assert_null(out);
		return;
	}
	if (err)
		fail_msg("%s: refused (%d), expected '%s'", mangled, err, want);
	if (strcmp(out, want))
		fail_msg("%s:\n  got      %s\n  expected %s", mangled, out, want);
	free(out);
}

static void test_cxx(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cxx) / sizeof(cxx[0]); i++) {
		check(cxx[i].mangled, 0, cxx[i].full);
		check(cxx[i].mangled, UPC_DEMANGLE_SHORT, cxx[i].shortname);
	}
}

static void test_rust(void **state)
{
	static const struct dcase rust[] = {
		{ "_ZN4core3fmt5write17h0123456789abcdefE",
		  "core::fmt::write::h0123456789abcdef", "core::fmt::write" },
		{ "_ZN4core3ptr85drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$.."
		  "$u7b$$u7b$closure$u7d$$u7d$$GT$17h2ac1b0a6c3d1e2f9E",
		  "core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>::h2ac1b0a6c3d1e2f9",
		  "core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>" },
		/* an LLVM suffix is not printed */
		{ "_ZN4core3fmt5write17h0123456789abcdefE.llvm.1234",
		  "core::fmt::write::h0123456789abcdef", "core::fmt::write" },
		/* a hash of too few different digits: a C++ name then */
		{ "_ZN4core3fmt5write17h0000000000000000E",
		  "core::fmt::write::h0000000000000000", "core::fmt::write::h0000000000000000" },
		{ "_RNvMNtCs6ExhuT6hjUI_5rusty4shopNtB2_4Cart3add",
		  "<rusty[4d804b74affdcb02]::shop::Cart>::add", "<rusty::shop::Cart>::add" },
		{ "_RNvCs1234_5crate3foo", "crate[3c1c0]::foo", "crate::foo" },
		{ "_RINvNtCs1234_5crate4util3maxKj8_EB4_", "crate[3c1c0]::util::max::<8: usize>",
		  "crate::util::max::<8>" },
		{ "_RNCNvCs1234_5crate4main0B3_", "crate[3c1c0]::main::{closure#0}",
		  "crate::main::{closure#0}" },
		/* a back reference to itself, and one forward */
		{ "_RNvB0_3foo", NULL, NULL },
		{ "_RNvB9_3foo", NULL, NULL },
		{ "_RNvCs1234_5crate", NULL, NULL },	/* cut short */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rust) / sizeof(rust[0]); i++) {
		check(rust[i].mangled, 0, rust[i].full);
		check(rust[i].mangled, UPC_DEMANGLE_SHORT, rust[i].shortname);
	}
}

/* v in base 36, as substitutions are numbered */
static const char *b36(unsigned v, char *buf)
{
	char tmp[8];
	int i = 0, j = 0;

	do {
		tmp[i++] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[v % 36];
		v /= 36;
	} while (v);
	while (i)
		buf[j++] = tmp[--i];
	buf[j] = '\0';
	return buf;
}

static void test_bounds(void **state)
{
	char name[4096], b[16], *out = NULL;
	size_t n;

	(void)state;
	/* over 1024 bytes: refused as c++filt refuses it, though valid */
	n = (size_t)snprintf(name, sizeof(name), "_Z1f");
	while (n < 1030)
		name[n++] = 'i';
	name[n] = '\0';
	assert_int_equal(upc_demangle(name, n, 0, &out), -EINVAL);
	assert_null(out);
	assert_int_equal(upc_demangle(name, 1000, 0, &out), 0);
	free(out);

	/* pointers to functions returning pointers to functions...: printing
	 * nests past its depth bound; plain pointers as deep are printed */
	n = (size_t)snprintf(name, sizeof(name), "_Z1f");
	for (int k = 0; k < 300; k++)
		n += (size_t)snprintf(name + n, sizeof(name) - n, "PF");
	name[n++] = 'v';
	for (int k = 0; k < 300; k++)
		name[n++] = 'E';
	name[n] = '\0';
	assert_int_equal(upc_demangle(name, n, 0, &out), -EINVAL);
	assert_null(out);
	n = (size_t)snprintf(name, sizeof(name), "_Z1f");
	while (n < 1020)
		name[n++] = 'P';
	name[n++] = 'i';
	name[n] = '\0';
	assert_int_equal(upc_demangle(name, n, 0, &out), 0);
	assert_int_equal(strlen(out), strlen("f(int)") + 1016);
	free(out);

	/* template arguments each naming the one before twice (f<a<x, x>,
	 * a<a<x, x>, a<x, x> >, ...>): 2^40 copies, refused at the output
	 * bound instead of running out of memory. Substitutions: f is S_,
	 * a S0_, x S1_, the k-th argument S<k + 1 in base 36>_. */
	n = (size_t)snprintf(name, sizeof(name), "_Z1fI1aI1xS1_E");
	for (unsigned k = 1; k <= 40; k++)
		n += (size_t)snprintf(name + n, sizeof(name) - n, "S0_IS%s_S%s_E", b36(k + 1, b),
				      b36(k + 1, b + 8));
	n += (size_t)snprintf(name + n, sizeof(name) - n, "Evv");
	assert_int_equal(upc_demangle(name, n, 0, &out), -EINVAL);
	assert_null(out);
	/* the same 8 deep: 2^8 copies, printed */
	n = (size_t)snprintf(name, sizeof(name), "_Z1fI1aI1xS1_ES0_IS2_S2_EEvv");
	assert_int_equal(upc_demangle(name, n, 0, &out), 0);
	assert_string_equal(out, "void f<a<x, x>, a<a<x, x>, a<x, x> > >()");
	free(out);

	/* neither C++ nor Rust, and broken ones */
	check("main", 0, NULL);
	check("_Z", 0, NULL);
	check("_ZN", 0, NULL);
	check("_Z3foo", 0, "foo");	/* data */
	check("_ZN3fooE.cold", 0, NULL);	/* data has no clones */
	check("_ZL3barv$foo", 0, NULL);
	check("_Z1fS0_", 0, NULL);	/* a substitution not seen yet */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cxx),
		cmocka_unit_test(test_rust),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
