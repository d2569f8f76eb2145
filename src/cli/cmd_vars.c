// SPDX-License-Identifier: MIT
/*
 * uprobectl vars FILE POINT: at each place of a probe point (a function,
 * a line, a symbol+offset), the variables visible there, from the DWARF:
 * kind, type, name, and where each lives at that very address (the
 * kernel's fetch expression), or why it cannot be fetched there and
 * where it can (perf probe -V --range, without libdw).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

static const char *const kinds[] = { "param", "local", "global" };

static int print_var(const struct upc_src_var *v, void *ctx)
{
	struct json *j = ctx;

	if (cli_json) {
		json_obj(j);
		json_kv_str(j, "name", v->name);
		json_kv_str(j, "type", v->type);
		json_kv_str(j, "kind", kinds[v->kind]);
		json_kv_str(j, "fetch", v->fetch[0] ? v->fetch : NULL);
		json_kv_str(j, "why", v->why);
		json_kv_str(j, "available", v->where[0] ? v->where : NULL);
		json_end(j);
		return 0;
	}
	printf("  %-6s %-24s %-16s %s", kinds[v->kind], v->type, v->name,
	       v->fetch[0] ? v->fetch : "-");
	if (!v->fetch[0])
		printf("  %s (%s%s)", v->why, v->where[0] ? "available at " : "available nowhere",
		       v->where);
	putchar('\n');
	return 0;
}

static void place_header(struct json *j, const char *path, const struct upc_src_place *pl)
{
	if (cli_json) {
		json_obj(j);
		json_kv_str(j, "file", path);
		json_kv_u64(j, "address", pl->addr);
		json_kv_u64(j, "offset", pl->offset);
		json_kv_str(j, "function", pl->func[0] ? pl->func : NULL);
		json_kv_str(j, "inlined_in", pl->inlined ? pl->caller : NULL);
		json_kv_str(j, "source", pl->file[0] ? pl->file : NULL);
		json_kv_u64(j, "line", pl->line);
		json_key(j, "variables");
		json_arr(j);
		return;
	}
	printf("%s%s%s at 0x%llx (offset 0x%llx", pl->func[0] ? pl->func : "?",
	       pl->inlined ? " inlined in " : "", pl->inlined ? pl->caller : "",
	       (unsigned long long)pl->addr, (unsigned long long)pl->offset);
	if (pl->file[0])
		printf(", %s:%u", pl->file, pl->line);
	printf("%s):\n", pl->prologue ? ", past its prologue" : "");
}

static int vars(int argc, char **argv)
{
	static const struct option longopts[] = {
		ELF_LONG_OPTS,
		{ "json", 0, NULL, OPT_JSON },
		{ "globals", 0, NULL, OPT_GLOBALS },
		{ "no-inlines", 0, NULL, OPT_NO_INLINES },
		{ NULL, 0, NULL, 0 },
	};
	struct upc_elf_opts eo = { .sz = sizeof(eo) };
	struct json j = JSON_INIT(stdout);
	struct upc_src_place *pl = NULL;
	struct upc_elf *elf = NULL;
	struct upc_dwarf *d;
	bool globals = false;
	unsigned flags = UPC_SRC_FUNC;
	int opt, n = 0, err;

	while ((opt = cli_getopt(argc, argv, "qv", longopts)) != -1) {
		if (elf_opt(&eo, opt, optarg) || cli_common_opt(opt))
			continue;
		if (opt == OPT_JSON)
			cli_json = true;
		else if (opt == OPT_GLOBALS)
			globals = true;
		else if (opt == OPT_NO_INLINES)
			flags |= UPC_SRC_NO_INLINES;
		else
			return cli_bad_option(argv);
	}
	if (argc - optind != 2)
		return cli_usage("expected FILE POINT");
	err = cli_open_named(argv[optind], &eo, &elf);
	if (!err && (n = upc_src_places(elf, argv[optind + 1], flags, &pl)) < 0)
		err = n;
	if (!err)
		err = upc_elf_dwarf(elf, &d);
	for (int i = 0; i < n && !err; i++) {
		if (i && !cli_json)
			putchar('\n');
		place_header(&j, upc_elf_path(elf), &pl[i]);
		err = upc_src_vars(d, &pl[i], globals, print_var, &j);
		if (cli_json) {
			json_end(&j);
			json_end(&j);
			json_newline(&j);
		}
	}
	free(pl);
	upc_elf_close(elf);
	return err < 0 ? err : EXIT_OK;
}

const struct cmd cmd_vars = { "vars", vars };
