// SPDX-License-Identifier: MIT
/*
 * Our own version of the article's test program: wrapper_strerror() is
 * called once per error number with the caller's stack pointer (read by
 * inline assembly), a buffer and its length, and prints what it received
 * and its return address, so a probe's records can be checked against the
 * program's own view of every call.
 *
 *   registers [COUNT [DELAY_MS]]     (defaults: 3 calls, 0 ms apart)
 *
 * Its output lines:
 *   Address of wrapper_strerror: 0x..., pid: N
 *   ra: 0x..., stack pointer: 0x..., errno[001]: (0x...) Operation not permitted, len: 511
 *   report[001]: Operation not permitted
 */
#ifdef _GNU_SOURCE
#undef _GNU_SOURCE	/* the POSIX strerror_r, not the GNU one */
#endif
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BUFSZ 512

int wrapper_strerror(int error, unsigned long stkptr, char *description,
		     size_t desclen) __attribute__((noinline));
int wrapper_report(const char *text, int error) __attribute__((noinline));

static unsigned long stack_pointer(void) __attribute__((always_inline));
static inline unsigned long stack_pointer(void)
{
	unsigned long sp = 0;
#if defined(__x86_64__)
	__asm__ volatile("movq %%rsp, %0" : "=r"(sp));
#elif defined(__i386__)
	__asm__ volatile("movl %%esp, %0" : "=r"(sp));
#elif defined(__aarch64__) || defined(__arm__)
	__asm__ volatile("mov %0, sp" : "=r"(sp));
#elif defined(__riscv)
	__asm__ volatile("mv %0, sp" : "=r"(sp));
#elif defined(__powerpc64__)
	__asm__ volatile("mr %0, 1" : "=r"(sp));
#elif defined(__s390x__)
	__asm__ volatile("lgr %0, %%r15" : "=r"(sp));
#elif defined(__mips__)
	__asm__ volatile("move %0, $sp" : "=r"(sp));
#else
#error "stack_pointer(): add this architecture"
#endif
	return sp;
}

#ifdef UPC_PAD
/* Built with -DUPC_PAD, the functions below move: a rebuilt binary. */
__attribute__((noinline)) int upc_pad(int x)
{
	return x * 7 + 3 - x / 5;
}
#endif

/* Takes a string: for probes that read one (+0($arg1):string). */
int wrapper_report(const char *text, int error)
{
	printf("report[%03d]: %s\n", error, text);
	fflush(stdout);
	return (int)strlen(text);
}

int wrapper_strerror(int error, unsigned long stkptr, char *description,
		     size_t desclen)
{
	int ret = strerror_r(error, description, desclen);

	if (ret) {
		fprintf(stderr, "strerror_r(%d) failed with %d\n", error, ret);
		return -1;
	}
	printf("ra: %p, stack pointer: %p, errno[%03d]: (%p) %s, len: %zu\n",
	       __builtin_return_address(0), (void *)stkptr, error,
	       (void *)description, description, desclen);
	fflush(stdout);
	wrapper_report(description, error);
	return error;
}

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 3;
	long delay = argc > 2 ? atol(argv[2]) : 0;
	char *buf;

	printf("Address of wrapper_strerror: %p, pid: %ld\n",
	       (void *)wrapper_strerror, (long)getpid());
	fflush(stdout);
	buf = malloc(BUFSZ);
	if (!buf)
		return 1;
	for (int i = 1; i <= count; i++) {
		struct timespec ts = { delay / 1000, (delay % 1000) * 1000000L };

		memset(buf, 0, BUFSZ);
		if (delay)
			nanosleep(&ts, NULL);
		/* error numbers 1..100 over and over: all have a message */
		int err = (i - 1) % 100 + 1;

		wrapper_strerror(err, stack_pointer(), buf, (size_t)(BUFSZ - err));
	}
	free(buf);
	return 0;
}
