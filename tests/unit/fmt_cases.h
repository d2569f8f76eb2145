/* SPDX-License-Identifier: MIT */
/* The formatter's cases, each SAME(FORMAT, ARGS...): our upc_snprintf and the
 * C library's snprintf must agree. Included by test_arch.c (cmocka, on the
 * host) and by fmt_check.c (no cmocka, for 32-bit targets under qemu-user),
 * each defining SAME first. The size_t and ptrdiff_t cases are followed by
 * more arguments, so reading one at the wrong width shows. */
	SAME("%d %i %u %x %X %o", -42, 7, 4000000000u, 0xbeefu, 0xbeefu, 8u);
	SAME("%ld %lu %lld %llu %llx %zu", -1L, 99UL, -9223372036854775807LL - 1,
	     18446744073709551615ULL, 0xffffffffffffffffULL, (size_t)12345);
	SAME("[%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%8.3d] [%-8.3d|]", 42, 42, -42, 42, 42, 7, 7, 7);
	SAME("[%08x] [%016llx] [%#x] [%#010x] [%02x] [%.0d] [%.0x]", 0x1a, 0x1234ULL, 0xabu, 0xabu, 5u, 0, 0u);
	SAME("[%s] [%10s] [%-10s] [%.2s] [%.*s] [%*s] [%-*s|]", "abc", "abc", "abc", "abc", 2, "xyz",
	     6, "r", 4, "l");
	SAME("[%c] [%3c] [%-3c|] [%%] [%hhd] [%hu]", 'q', 'w', 'e', 300, 70000);
	SAME("%s", "a string longer than the sixty-four byte buffer it is printed into, cut");
	SAME("%016llx%016llx%016llx%016llx%s", 1ULL, 2ULL, 3ULL, 4ULL, "tail");
	SAME("%zu %d %zx %s", (size_t)7, 5, (size_t)0xff, "end");
	SAME("%zd %td %u %s", (ssize_t)-3, (ptrdiff_t)-9, 11u, "end");
	SAME("[%8zu] [%-6zx|] %jd %ju %c", (size_t)99, (size_t)0xab, (intmax_t)-5,
	     (uintmax_t)18446744073709551615ULL, 'z');
	SAME("%hd %hhu %lu %d", (short)-2, (unsigned char)250, 4294967295UL, 77);
