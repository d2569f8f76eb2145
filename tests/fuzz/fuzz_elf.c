// SPDX-License-Identifier: MIT
/* libFuzzer harness for the ELF reader: any bytes are opened, every symbol
 * walked and a few specifications resolved, and the debug-file lookup runs
 * over its build-id notes and .gnu_debuglink (under a root where no debug
 * file exists). The input lives in a heap copy of its exact size, so ASan
 * catches any read outside it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "upc_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* every USDT argument spec translated, as add would */
static int usdt(const struct upc_usdt *u, void *ctx)
{
	char out[4096];

	upc_usdt_fetchargs(upc_arch_by_name("x86_64"), ctx, u, 0, NULL, out, sizeof(out));
	return 0;
}

static int count(const struct upc_sym *s, void *ctx)
{
	(void)s;
	++*(unsigned *)ctx;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *specs[] = { "main", "fx_global", "fx_ver@VER_1", "fx_ver@@VER_2",
				       "fx_dup", "fx_global+4", "0x1000", "malloc" };
	struct upc_elf_opts opts = { .sz = sizeof(opts), .sysroot = "/nonexistent-upc-fuzz" };
	const unsigned char *id;
	struct upc_location loc;
	uint32_t idlen;
	unsigned char *copy = malloc(size ? size : 1);
	struct upc_elf *e;
	unsigned n = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (!upc_elf_open_mem(copy, size, "fuzz", &e)) {
		upc_elf_build_id(e, &id, &idlen);
		upc_debug_open(e, &opts);
		upc_elf_foreach_sym(e, count, &n);
		upc_usdt_foreach(e, usdt, e);
		for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
			upc_resolve(e, specs[i], &loc);
		upc_elf_close(e);
	}
	free(copy);
	return 0;
}
