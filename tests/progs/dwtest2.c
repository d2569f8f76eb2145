// SPDX-License-Identifier: MIT
/* The second unit of dwtest: a static function named as one of
 * dwtest.c's (helper), probed as helper@dwtest2.c. */
#include <stdio.h>

int helper2(int v);

static __attribute__((noinline)) int helper(int v)
{
	printf("helper2: v=%d\n", v);
	return v * 2;
}

int helper2(int v)
{
	return helper(v) + 1;
}
