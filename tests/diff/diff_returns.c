// SPDX-License-Identifier: MIT
/*
 * The return instructions uprobectl finds in each function of FILE
 * (upc_go_returns: the decoding behind return probes on Go functions), one
 * line per function with code: "ADDRESS SIZE RET_ADDRESS...", in hex, for
 * tests/diff/diff_returns.sh to compare with objdump's disassembly. A
 * function whose code cannot be decoded prints "ADDRESS SIZE ?".
 *   diff_returns FILE
 */
#include <stdio.h>
#include <stdlib.h>

#include "upc_internal.h"

static int one(const struct upc_sym *s, void *ctx)
{
	struct upc_elf *e = ctx;
	uint64_t off[256];
	int n;

	/* functions with code, not ARM's Thumb ones (Go never emits them) */
	if (!s->size || s->offset == UPC_NO_OFFSET || s->type != 2 /* STT_FUNC */ ||
	    (e->machine == 40 /* EM_ARM */ && (s->value & 1)))
		return 0;
	upc_log_quiet(true);
	n = upc_go_returns(e, s, off, 256);
	upc_log_quiet(false);
	printf("%llx %llx", (unsigned long long)s->addr, (unsigned long long)s->size);
	if (n < 0)
		printf(" ?");
	for (int i = 0; i < n; i++)
		printf(" %llx", (unsigned long long)(s->addr + off[i] - s->offset));
	putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	struct upc_elf_opts o = { .sz = sizeof(o), .quiet = true, .no_debug_file = true };
	struct upc_elf *e;

	if (argc != 2 || upc_elf_open(argv[1], &o, &e))
		return 2;
	upc_elf_foreach_sym(e, one, e);
	upc_elf_close(e);
	return 0;
}
