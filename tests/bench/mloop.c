// SPDX-License-Identifier: MIT
/* mloop SECONDS OUT [RATE]: malloc and free blocks of 16..1039 bytes for
 * SECONDS, as fast as possible or RATE allocator calls a second (paced per
 * millisecond), then write the number of calls (a malloc and a free are
 * two) to OUT. The traced program of the leaks benchmark. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1, rate = argc > 3 ? atof(argv[3]) : 0;
	double t0 = now(), t;
	unsigned long n = 0;
	void *volatile p;
	FILE *f;

	if (argc < 3)
		return 2;
	do {
		for (int k = 0; k < 100; k++) {
			p = malloc(16 + (n & 1023));
			free(p);
			n += 2;
		}
		t = now();
		while (rate > 0 && (double)n > (t - t0) * rate) {
			struct timespec d = { 0, 200000 };

			nanosleep(&d, NULL);
			t = now();
		}
	} while (t - t0 < secs);
	f = fopen(argv[2], "w");
	if (!f)
		return 1;
	fprintf(f, "%lu\n", n);
	return fclose(f) != 0;
}
