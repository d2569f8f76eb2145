// SPDX-License-Identifier: MIT
/*
 * The formatter's cases (fmt_cases.h) without cmocka, for targets whose
 * cmocka cannot be installed here: built static with the target's cross
 * compiler and run under qemu-user, where size_t is 32 bits wide.
 *   fmt_check     prints each failure and "fmt: N passed, M failed"
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "upc_printf.h"
#undef snprintf

#pragma GCC diagnostic ignored "-Wformat-truncation"	/* truncation is tested */

int main(void)
{
	char a[64], b[64];
	int na, nb, pass = 0, fail = 0;

#define SAME(...)                                                                        \
	do {                                                                             \
		na = upc_snprintf(a, sizeof(a), __VA_ARGS__);                            \
		nb = snprintf(b, sizeof(b), __VA_ARGS__);                                \
		if (na != nb || strcmp(a, b)) {                                          \
			printf("FAIL: %s gives '%s' (%d), libc '%s' (%d)\n", #__VA_ARGS__, \
			       a, na, b, nb);                                            \
			fail++;                                                          \
		} else {                                                                 \
			pass++;                                                          \
		}                                                                        \
	} while (0)
#include "fmt_cases.h"
	printf("fmt (%zu-bit size_t): %d passed, %d failed\n", sizeof(size_t) * 8, pass, fail);
	return fail != 0;
}
