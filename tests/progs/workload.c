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
 * It prints what it did: "upc_size N", "upc_sleep 6", "upc_recurse D", and
 * for each call of upc_sleep how long it took by its own clock, inside the
 * function and around the call: "upc_sleep took IN OUT us". A probe's
 * measure lies between the two (a sleep ends late on a loaded machine, and
 * the first hit of a probe costs the kernel more than the next ones).
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

#define MAX_SLEEPS 16
static long slept_us[MAX_SLEEPS], call_us[MAX_SLEEPS];
static int nslept;

static long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

__attribute__((noinline)) int upc_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	long t0 = now_us();

	while (nanosleep(&ts, &ts))
		;
	if (nslept < MAX_SLEEPS)
		slept_us[nslept++] = now_us() - t0;
	return ms;
}

/* upc_sleep, timed around the call too */
static void timed_sleep(int ms)
{
	long t0 = now_us();

	upc_sleep(ms);
	if (nslept <= MAX_SLEEPS)
		call_us[nslept - 1] = now_us() - t0;
}

__attribute__((noinline)) int upc_recurse(int depth, int ms)
{
	timed_sleep(ms);
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
	timed_sleep(1);
	timed_sleep(1);
	timed_sleep(1);
	timed_sleep(10);
	timed_sleep(10);
	timed_sleep(100);
	printf("upc_sleep 6\n");
	printf("upc_recurse %d\n", upc_recurse(3, 12));
	if (pthread_create(&t, NULL, other_thread, (void *)10L) || pthread_join(t, NULL))
		return 1;
	printf("upc_size from another thread 10\n");
	for (int i = 0; i < nslept; i++)
		printf("upc_sleep took %ld %ld us\n", slept_us[i], call_us[i]);
	return 0;
}
