// SPDX-License-Identifier: MIT
/* libFuzzer harness for the ELF reader: any bytes are opened, every symbol
 * walked and a few specifications resolved. The input lives in a heap copy
 * of its exact size, so ASan catches any read outside it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "upc_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	struct upc_location loc;
	unsigned char *copy = malloc(size ? size : 1);
	struct upc_elf *e;
	unsigned n = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (!upc_elf_open_mem(copy, size, "fuzz", &e)) {
		upc_elf_foreach_sym(e, count, &n);
		for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
			upc_resolve(e, specs[i], &loc);
		upc_elf_close(e);
	}
	free(copy);
	return 0;
}
