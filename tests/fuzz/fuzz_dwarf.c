// SPDX-License-Identifier: MIT
/* libFuzzer harness for the DWARF reader: any bytes opened as an ELF file
 * with its own DWARF (no debug file looked for), every unit's line table
 * decoded, and the points of the seeds (tests/progs/dwtest.c's, the
 * fixtures') placed, their variables listed and fetched, their lines
 * listed: compressed sections inflated, location lists, types and CFI
 * walked. The input lives in a heap copy of its exact size, so ASan
 * catches any read outside it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "upc_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int var(const struct upc_src_var *v, void *ctx)
{
	(void)v;
	++*(unsigned *)ctx;
	return 0;
}

static void quiet(enum upc_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
}

static void lines(struct upc_dwarf *d)
{
	for (size_t k = 0; k < d->main.nunits; k++) {
		const struct dw_unit *u = &d->main.units[k];
		struct dw_lines l;
		struct dw_die root;

		if (u->sec == DS_INFO && !dw_die(d, &d->main, u, u->die, &root) &&
		    !dw_lines_read(d, &root, &l))
			dw_lines_free(&l);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *points[] = { "handle", "scale", "helper@dwtest2.c", "dwtest.c:62",
					"handle:3", "many", "fx_global", "fx_main.c:13", "main" };
	static const char *args[] = { "$vars", "$params", "r->items[2].id", "r->in.delta",
				      "r->path:string", "*s", "a", "dw_total" };
	unsigned char *copy = malloc(size ? size : 1);
	struct upc_dwarf *d;
	struct upc_elf *e;

	if (!copy)
		return 0;
	upc_set_print(quiet);
	memcpy(copy, data, size);
	if (!upc_elf_open_mem(copy, size, "fuzz", &e)) {
		e->no_debug_file = true;
		if (!upc_elf_dwarf(e, &d)) {
			lines(d);
			for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
				struct upc_src_place *pl = NULL;
				struct upc_src_lines sl;
				int n = upc_src_places(e, points[i], UPC_SRC_FUNC, &pl);

				for (int k = 0; k < n; k++) {
					unsigned count = 0;
					char out[4096];

					upc_src_vars(d, &pl[k], true, var, &count);
					for (size_t a = 0; a < sizeof(args) / sizeof(args[0]); a++) {
						out[0] = '\0';
						upc_dwarf_fetcharg(d, &pl[k], args[a], out, sizeof(out));
					}
				}
				free(pl);
				if (!upc_src_lines(d, points[i], &sl))
					upc_src_lines_free(&sl);
			}
		}
		upc_elf_close(e);
	}
	free(copy);
	return 0;
}
