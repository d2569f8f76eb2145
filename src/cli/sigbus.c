// SPDX-License-Identifier: MIT
/*
 * A mapped file that shrinks while it is read (an ELF file rebuilt in
 * place, a trace file rotated) raises SIGBUS on the pages past its new end,
 * which would kill the command halfway: probes defined and not removed, an
 * instance left behind. Instead the handler puts a page of zeros where the
 * file's page was (the bounds-checked readers then see an odd file, never a
 * crash) and notes it; a command checks sigbus_seen() before it acts on
 * what it read, and every cleanup path runs as usual.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"

static volatile sig_atomic_t seen;
static uintptr_t page_size;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	static const char msg[] = "uprobectl: a file shrank while it was read (SIGBUS)\n";
	void *page = (void *)((uintptr_t)si->si_addr & ~(page_size - 1));

	(void)sig;
	(void)uc;
	if (si->si_code != BUS_ADRERR || !page_size ||
	    mmap(page, page_size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0) ==
		    MAP_FAILED) {
		if (write(2, msg, sizeof(msg) - 1) < 0)
			_exit(1);
		_exit(1);
	}
	seen = 1;
}

void sigbus_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	page_size = (uintptr_t)getpagesize();
	sigaction(SIGBUS, &sa, NULL);
}

bool sigbus_seen(void)
{
	return seen;
}
