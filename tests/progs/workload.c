// SPDX-License-Identifier: MIT
/*
 * A deterministic workload for count, hist and latency, whose answers are
 * known without any tracer:
 *   upc_size(v)         called N times with v = i * 7 % 300 (i = 0..N-1)
 *   upc_sleep(ms)       sleeps ms milliseconds: 1 ms x3, 10 ms x2, 100 ms x1
 *   upc_recurse(d, ms)  calls itself d levels deep, each level sleeping ms
 *                       (3 levels of 12 ms: calls of 12, 24 and 36 ms)
 * and, with a second thread, upc_size from another thread id.
 *
 *   workload [N]    (default 1000)
 *
 * It prints what it did: "upc_size N", "upc_sleep 6", "upc_recurse D".
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

volatile unsigned long upc_sink;

__attribute__((noinline)) unsigned long upc_size(unsigned long v)
{
	upc_sink += v;
	return v;
}

__attribute__((noinline)) int upc_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
	return ms;
}

__attribute__((noinline)) int upc_recurse(int depth, int ms)
{
	upc_sleep(ms);
	return depth > 1 ? upc_recurse(depth - 1, ms) + 1 : 1;
}

static void *other_thread(void *arg)
{
	for (long i = 0; i < (long)arg; i++)
		upc_size(1);
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	pthread_t t;

	for (long i = 0; i < n; i++)
		upc_size((unsigned long)(i * 7 % 300));
	printf("upc_size %ld\n", n);
	upc_sleep(1);
	upc_sleep(1);
	upc_sleep(1);
	upc_sleep(10);
	upc_sleep(10);
	upc_sleep(100);
	printf("upc_sleep 6\n");
	printf("upc_recurse %d\n", upc_recurse(3, 12));
	if (pthread_create(&t, NULL, other_thread, (void *)10L) || pthread_join(t, NULL))
		return 1;
	printf("upc_size from another thread 10\n");
	return 0;
}
