// SPDX-License-Identifier: MIT
/*
 * diff_params FILE: for each function name read from stdin, the
 * definition of every place of it with $params, as
 * "NAME<TAB>PATH:0xOFFSET ARGS<TAB>PARAMS" lines (the group and event left
 * out; PARAMS: each parameter of the function there as NAME, or
 * NAME:why when it cannot be fetched there), or "NAME<TAB>-" when it
 * cannot be probed so; for tests/diff/diff_params.sh to compare with perf
 * probe -D. The DWARF is read once for all of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uprobectl.h"

static void quiet(enum upc_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
}

static int print_param(const struct upc_src_var *v, void *ctx)
{
	(void)ctx;
	if (v->kind == UPC_VAR_PARAM)
		printf(" %s%s%s", v->name, v->why ? ":" : "", v->why ? v->why : "");
	return 0;
}

int main(int argc, char **argv)
{
	struct upc_elf_opts o = { .sz = sizeof(o) };
	struct upc_probe_opts po = { .sz = sizeof(po) };
	char *args[] = { "$params", NULL };
	char name[512], def[UPC_DEF_MAX];
	struct upc_probe p;
	struct upc_elf *e;

	if (argc != 2) {
		fprintf(stderr, "usage: diff_params FILE <NAMES\n");
		return 2;
	}
	if (upc_elf_open(argv[1], &o, &e)) {
		fprintf(stderr, "diff_params: cannot open %s\n", argv[1]);
		return 1;
	}
	upc_set_print(quiet);
	while (fgets(name, sizeof(name), stdin)) {
		struct upc_match *m = NULL;
		int n;

		name[strcspn(name, "\n")] = '\0';
		n = upc_src_matches(e, name, UPC_SRC_FUNC, &m);
		if (n <= 0)
			printf("%s\t-\n", name);
		for (int i = 0; i < n; i++) {
			struct upc_src_place *pl = NULL;
			struct upc_dwarf *d;

			if (upc_probe_describe(e, m[i].spec, args, &po, &p) ||
			    upc_probe_format(&p, def, sizeof(def)) < 0 ||
			    upc_src_places(e, m[i].spec, UPC_SRC_FUNC, &pl) != 1 ||
			    upc_elf_dwarf(e, &d)) {
				printf("%s\t-\n", name);
			} else {
				printf("%s\t%s\t", name, strchr(def, ' ') + 1);
				upc_src_vars(d, pl, false, print_param, NULL);
				putchar('\n');
			}
			free(pl);
		}
		upc_matches_free(m, n);
	}
	upc_elf_close(e);
	return 0;
}
