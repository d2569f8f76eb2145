// SPDX-License-Identifier: MIT
/*
 * Known call chains for the stack tests, built with frame pointers:
 *   main -> alpha -> beta -> gamma_ -> leaf
 *   main -> outer -> work
 * Every function is noipa, so the compiler neither inlines nor clones it,
 * and the chains are what a debugger's backtrace shows.
 *
 *   chain [ROUNDS [GOFILE [LINGER_MS]]]
 *	default 1 round; with GOFILE, wait for that file to exist before the
 *	calls; with LINGER_MS, stay that long after them before exiting
 *
 * It prints "pid: N" on stderr (stdout is the tracer's, under trace --
 * COMMAND); each round calls leaf() once and work() once.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define NOIPA __attribute__((noipa))

static volatile int sink;

NOIPA int leaf(int n) { sink += n; return n + 1; }
NOIPA int gamma_(int n) { return leaf(n) + 1; }
NOIPA int beta(int n) { return gamma_(n) + 1; }
NOIPA int alpha(int n) { return beta(n) + 1; }
NOIPA int work(int n) { sink += n; return n * 2; }
NOIPA int outer(int n) { return work(n) + 1; }

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1;
	struct timespec ms1 = { 0, 1000000 };

	fprintf(stderr, "pid: %ld\n", (long)getpid());
	while (argc > 2 && access(argv[2], F_OK))
		nanosleep(&ms1, NULL);
	for (int i = 0; i < rounds; i++) {
		alpha(i);
		outer(i);
	}
	for (int ms = argc > 3 ? atoi(argv[3]) : 0; ms > 0; ms--)
		nanosleep(&ms1, NULL);
	return 0;
}
