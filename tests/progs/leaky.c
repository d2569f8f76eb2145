// SPDX-License-Identifier: MIT
/*
 * A program whose leaks are known in advance, for uprobectl leaks: each
 * leak_* function leaks from its own call site, in three threads and the
 * main one, through malloc, calloc, realloc chains and the aligned
 * allocators; everything else it allocates (a churn of the same kinds) is
 * freed. It writes what it leaked, one "SITE BYTES COUNT" line per call
 * site, to EXPECT (leak_mmap's only with leaks --mmap):
 *
 *   leaky EXPECT            allocate, write EXPECT, exit
 *   leaky EXPECT wait       print its pid, wait for SIGUSR1, allocate, write
 *                           EXPECT, then wait for SIGTERM
 *   leaky EXPECT wait-exit  the same, but exit once EXPECT is written
 *   leaky EXPECT churn=N    the same, with N more allocations and frees
 *                           after (a load for the tracer's buffers)
 *   leaky EXPECT quick      leak 7 blocks of 300 bytes from leak_child, and 3
 *                           of 100 through the C library's strdup (their
 *                           call site is in the library, so not in EXPECT),
 *                           write EXPECT and exit: a process gone in a few
 *                           milliseconds, before a tracer reads its maps
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define THREADS 3

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

/* Use a block so that no compiler drops the call. */
static void touch(void *p, size_t n)
{
	if (p)
		memset(p, 0x5a, n);
}

__attribute__((noinline)) static void leak_malloc(void)
{
	void *p = malloc(100);

	touch(p, 100);
	p = NULL;
}

__attribute__((noinline)) static void leak_calloc(void)
{
	void *p = calloc(8, 16);

	touch(p, 128);
	p = NULL;
}

/* 10 -> 50 -> 200 -> 1000 bytes: one block of 1000 from the last realloc */
__attribute__((noinline)) static void *realloc_step(void *p, size_t n)
{
	return realloc(p, n);
}

__attribute__((noinline)) static void leak_realloc(void)
{
	void *p = malloc(10);

	touch(p, 10);
	p = realloc_step(p, 50);
	p = realloc_step(p, 200);
	p = realloc(p, 1000);
	touch(p, 1000);
	p = NULL;
}

__attribute__((noinline)) static void leak_aligned(void)
{
	void *p = aligned_alloc(64, 256);

	touch(p, 256);
	p = memalign(128, 100);
	touch(p, 100);
	p = NULL;
}

__attribute__((noinline)) static void leak_posix_memalign(void)
{
	void *p = NULL;

	if (!posix_memalign(&p, 64, 300))
		touch(p, 300);
	p = NULL;
}

__attribute__((noinline)) static void leak_child(void)
{
	for (int i = 0; i < 7; i++)
		touch(malloc(300), 300);
}

/* An anonymous mapping never unmapped (leaks --mmap), and a file's mapping
 * and another anonymous one that are unmapped. */
__attribute__((noinline)) static void leak_mmap(void)
{
	void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/proc/self/exe", O_RDONLY);
	void *f = fd >= 0 ? mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;

	if (p != MAP_FAILED)
		touch(p, 8192);
	if (q != MAP_FAILED)
		munmap(q, 4096);
	if (f != MAP_FAILED)
		munmap(f, 4096);
	if (fd >= 0)
		close(fd);
	p = NULL;
}

/* Allocations of every kind, all freed. */
__attribute__((noinline)) static void churn(int n)
{
	for (int i = 0; i < n; i++) {
		void *a = malloc((size_t)i % 500 + 1), *b = calloc(3, (size_t)i % 40 + 1);
		void *c = aligned_alloc(32, 64), *d = NULL;

		touch(a, (size_t)i % 500 + 1);
		a = realloc(a, (size_t)i % 900 + 8);
		if (posix_memalign(&d, 16, 48))
			d = NULL;
		free(a);
		free(b);
		free(c);
		free(d);
		free(NULL);
	}
}

static void *thread_main(void *arg)
{
	(void)arg;
	for (int i = 0; i < 4; i++)
		leak_malloc();
	churn(200);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[THREADS];
	int extra = 0;
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: leaky EXPECT [wait|wait-exit|quick]\n");
		return 2;
	}
	if (argc > 2 && !strcmp(argv[2], "quick")) {
		static const char s99[] = "a string of 99 bytes, held by strdup's block until exit: "
					  "it is never freed, on purpose, here, okay.";

		leak_child();
		for (int i = 0; i < 3; i++)
			touch(strdup(s99), 1);
		f = fopen(argv[1], "w");
		if (!f)
			return 1;
		fprintf(f, "leak_child %d %d\n", 7 * 300, 7);
		return fclose(f) ? 1 : 0;
	}
	if (argc > 2 && !strncmp(argv[2], "churn=", 6)) {
		extra = atoi(argv[2] + 6);
	} else if (argc > 2) {
		signal(SIGUSR1, on_usr1);
		printf("%d\n", (int)getpid());
		fflush(stdout);
		while (!go)
			usleep(10000);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, thread_main, NULL);
	for (int i = 0; i < 5; i++)
		leak_calloc();
	for (int i = 0; i < 2; i++)
		leak_realloc();
	for (int i = 0; i < 2; i++)
		leak_aligned();
	leak_posix_memalign();
	leak_mmap();
	churn(300 + extra / 6);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	f = fopen(argv[1], "w");
	if (!f)
		return 1;
	fprintf(f, "leak_malloc %d %d\n", THREADS * 4 * 100, THREADS * 4);
	fprintf(f, "leak_calloc %d %d\n", 5 * 128, 5);
	fprintf(f, "leak_realloc %d %d\n", 2 * 1000, 2);
	fprintf(f, "leak_aligned %d %d\n", 2 * (256 + 100), 4);
	fprintf(f, "leak_posix_memalign %d %d\n", 300, 1);
	fprintf(f, "leak_mmap %d %d\n", 8192, 1);	/* with leaks --mmap */
	fclose(f);
	if (argc > 2 && !strcmp(argv[2], "wait")) {
		go = 0;
		pause();
	}
	return 0;
}
