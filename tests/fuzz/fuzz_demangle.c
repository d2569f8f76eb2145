// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the demangler (src/lib/demangle.c): the input is a
 * symbol name, in an exact-size heap copy without a NUL (ASan catches a
 * read past it), demangled in full and short; what it prints is a string
 * of bounded length, and a name it refuses leaves nothing allocated.
 * Deep nesting and substitutions that double the text are what it must
 * refuse rather than recurse or grow without end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uprobectl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = malloc(size ? size : 1), *out;

	if (!name)
		return 0;
	memcpy(name, data, size);
	for (unsigned flags = 0; flags <= UPC_DEMANGLE_SHORT; flags++) {
		out = (char *)1;
		if (upc_demangle(name, size, flags, &out)) {
			if (out)
				abort();	/* refused: nothing to free */
			continue;
		}
		if (strlen(out) > 256 * 1024)
			abort();
		free(out);
	}
	free(name);
	return 0;
}
