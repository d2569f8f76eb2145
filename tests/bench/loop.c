// SPDX-License-Identifier: MIT
/* loop SECONDS: call tick() as fast as possible for SECONDS, then print how
 * many calls were made. The probed function of the live benchmark. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

__attribute__((noinline)) unsigned long tick(unsigned long i, unsigned long j)
{
	__asm__ volatile("" ::: "memory");
	return i ^ j;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1;
	struct timespec t0, t;
	unsigned long n = 0, x = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int k = 0; k < 1000; k++)
			x += tick(n++, x);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	printf("%lu calls\n", n);
	return x == 42;
}
