// SPDX-License-Identifier: MIT
/*
 * USDT probes with a semaphore, from <sys/sdt.h> (Debian's
 * systemtap-sdt-dev): at each tick, upc:tick with six arguments of the
 * forms gcc gives them (a register, a stack slot, a 64-bit value, a
 * negative one, a byte, a constant), upc:plain with one, and upc:global
 * with a global variable (upc_counter, which grows by i). It prints
 * what it passes and the semaphore's value (the kernel sets it while a
 * probe on upc:tick exists), then waits for SIGUSR1 before the next tick.
 *
 *   usdt [TICKS]      (default 3)
 *
 * Its output lines:
 *   pid: N
 *   tick 1: semaphore 0, i 1, stack 10, big -1000000007, neg -1, small 201, counter 1001
 */
#define _SDT_HAS_SEMAPHORES 1
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>
#include <unistd.h>

unsigned short upc_tick_semaphore __attribute__((unused, section(".probes")));
unsigned short upc_plain_semaphore __attribute__((unused, section(".probes")));
unsigned short upc_global_semaphore __attribute__((unused, section(".probes")));
/* passed as itself: on x86_64 the operand is the variable, upc_counter(%rip) */
volatile long upc_counter = 1000;

static void on_usr1(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	int ticks = argc > 1 ? atoi(argv[1]) : 3;
	sigset_t usr1, old;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	signal(SIGUSR1, on_usr1);
	printf("pid: %d\n", (int)getpid());
	fflush(stdout);
	for (int i = 1; i <= ticks; i++) {
		volatile int on_stack = i * 10;
		long big = -(long)i * 1000000007L;
		int neg = -i;
		unsigned char small = (unsigned char)(200 + i);

		printf("tick %d: semaphore %u, i %d, stack %d, big %ld, neg %d, small %u, "
		       "counter %ld\n", i, (unsigned)upc_tick_semaphore, i, on_stack, big, neg, small,
		       upc_counter + i);
		fflush(stdout);
		STAP_PROBE6(upc, tick, i, on_stack, big, neg, small, 42);
		STAP_PROBE1(upc, plain, i);
		upc_counter += i;
		STAP_PROBE1(upc, global, upc_counter);
		if (i < ticks)
			sigsuspend(&old);
	}
	return 0;
}
