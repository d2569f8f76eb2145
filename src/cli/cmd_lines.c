// SPDX-License-Identifier: MIT
/*
 * uprobectl lines FILE FUNC|SRCFILE:FROM-TO: the source lines of a
 * function or of a range of a file, those that have code (that a probe
 * can be put on) numbered, with the text when the source file is found
 * (where the DWARF says it was compiled, or below --source DIR), as perf
 * probe -L shows them.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

/* The source file: as the DWARF names it, or below dir by its last path
 * components (the longest that exists). */
static FILE *open_source(const char *path, const char *dir)
{
	char buf[PATH_MAX];

	if (!dir)
		return fopen(path, "r");
	for (const char *p = path; p; p = strchr(p + 1, '/')) {
		FILE *f;

		snprintf(buf, sizeof(buf), "%s/%s", dir, p + (*p == '/'));
		if ((f = fopen(buf, "r")))
			return f;
	}
	return NULL;
}

static void print_json(const struct upc_src_lines *l)
{
	struct json j = JSON_INIT(stdout);

	json_obj(&j);
	json_kv_str(&j, "source", l->path);
	json_kv_u64(&j, "from", l->from);
	json_kv_u64(&j, "to", l->to);
	json_key(&j, "lines");
	json_arr(&j);
	for (size_t i = 0; i < l->n; i++) {
		json_obj(&j);
		json_kv_u64(&j, "line", l->lines[i].line);
		json_kv_u64(&j, "address", l->lines[i].addr);
		json_kv_u64(&j, "places", l->lines[i].places);
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
	json_newline(&j);
}

static void print_text(const struct upc_src_lines *l, const char *dir)
{
	FILE *f = open_source(l->path, dir);
	char text[1024];
	size_t k = 0;

	printf("%s:%u-%u%s\n", l->path, l->from, l->to,
	       f ? "" : " (source not found: --source DIR; the lines with code, and the "
			"address of each)");
	if (!f) {
		for (size_t i = 0; i < l->n; i++)
			printf("%7u  0x%llx%s\n", l->lines[i].line,
			       (unsigned long long)l->lines[i].addr,
			       l->lines[i].places > 1 ? "  (several places)" : "");
		return;
	}
	for (unsigned line = 1; line <= l->to && fgets(text, sizeof(text), f); line++) {
		size_t n = strlen(text);
		bool code;

		if (n && text[n - 1] == '\n')
			text[--n] = '\0';
		else
			for (int c; (c = fgetc(f)) != EOF && c != '\n';)
				;	/* the rest of a long line */
		if (line < l->from)
			continue;
		while (k < l->n && l->lines[k].line < line)
			k++;
		code = k < l->n && l->lines[k].line == line;
		if (code)
			printf("%7u  %s\n", line, text);
		else
			printf("         %s\n", text);
	}
	fclose(f);
}

static int lines(int argc, char **argv)
{
	static const struct option longopts[] = {
		ELF_LONG_OPTS,
		{ "json", 0, NULL, OPT_JSON },
		{ "source", 1, NULL, OPT_SOURCE },
		{ NULL, 0, NULL, 0 },
	};
	struct upc_elf_opts eo = { .sz = sizeof(eo) };
	struct upc_src_lines l = { 0 };
	struct upc_elf *elf = NULL;
	const char *source = NULL;
	struct upc_dwarf *d;
	int opt, err;

	while ((opt = cli_getopt(argc, argv, "qv", longopts)) != -1) {
		if (elf_opt(&eo, opt, optarg) || cli_common_opt(opt))
			continue;
		if (opt == OPT_JSON)
			cli_json = true;
		else if (opt == OPT_SOURCE)
			source = optarg;
		else
			return cli_bad_option(argv);
	}
	if (argc - optind != 2)
		return cli_usage("expected FILE FUNC or FILE SRCFILE:FROM-TO");
	err = cli_open_named(argv[optind], &eo, &elf);
	if (!err)
		err = upc_elf_dwarf(elf, &d);
	if (!err)
		err = upc_src_lines(d, argv[optind + 1], &l);
	if (!err && cli_json)
		print_json(&l);
	else if (!err)
		print_text(&l, source);
	upc_src_lines_free(&l);
	upc_elf_close(elf);
	return err < 0 ? err : EXIT_OK;
}

const struct cmd cmd_lines = { "lines", lines };
