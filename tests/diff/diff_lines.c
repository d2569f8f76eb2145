// SPDX-License-Identifier: MIT
/*
 * diff_lines FILE...: every row of every line table of each file's DWARF
 * (its own, or its debug file's), as "LINE ADDRESS" ("- ADDRESS" at the end
 * of a sequence), unit by unit, for tests/diff/diff_lines.sh to compare
 * with binutils' readelf --debug-dump=decodedline.
 */
#include <stdio.h>
#include <stdlib.h>

#include "upc_internal.h"

static void quiet(enum upc_print_level level, const char *fmt, va_list ap)
{
	if (level <= UPC_ERROR) {
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
}

int main(int argc, char **argv)
{
	int status = 0;

	upc_set_print(quiet);
	for (int i = 1; i < argc; i++) {
		struct upc_elf_opts o = { .sz = sizeof(o) };
		struct upc_dwarf *d;
		struct upc_elf *e;

		if (upc_elf_open(argv[i], &o, &e) || upc_dwarf_open(e, &o, &d)) {
			status = 1;
			continue;
		}
		for (size_t k = 0; k < d->main.nunits; k++) {
			const struct dw_unit *u = &d->main.units[k];
			struct dw_lines l;
			struct dw_die root;

			if (u->sec != DS_INFO || u->type == DW_UT_type ||
			    dw_die(d, &d->main, u, u->die, &root) || dw_lines_read(d, &root, &l))
				continue;
			printf("UNIT\n");
			for (size_t r = 0; r < l.nrows; r++) {
				if (l.rows[r].end)
					printf("- 0x%llx\n", (unsigned long long)l.rows[r].addr);
				else
					printf("%u 0x%llx\n", l.rows[r].line,
					       (unsigned long long)l.rows[r].addr);
			}
			dw_lines_free(&l);
		}
		upc_dwarf_close(d);
		upc_elf_close(e);
	}
	return status;
}
