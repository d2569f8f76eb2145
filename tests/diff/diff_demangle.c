// SPDX-License-Identifier: MIT
/*
 * c++filt's job with libuprobectl's demangler, for the differential test:
 * each line of stdin, a symbol name, is printed demangled (upc_demangle),
 * or as it is when it is no mangled name, so that the output compares
 * line for line with `c++filt` (or with -p, `c++filt -p`: the short form,
 * C++ without parameters).
 *   diff_demangle [-p] < NAMES
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uprobectl.h"

int main(int argc, char **argv)
{
	unsigned flags = argc > 1 && !strcmp(argv[1], "-p") ? UPC_DEMANGLE_SHORT : 0;
	char line[8192];

	while (fgets(line, sizeof(line), stdin)) {
		size_t n = strcspn(line, "\n");
		char *out;

		line[n] = '\0';
		if (!upc_demangle(line, n, flags, &out)) {
			puts(out);
			free(out);
		} else {
			puts(line);
		}
	}
	return ferror(stdout) ? 1 : 0;
}
