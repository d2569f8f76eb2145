// SPDX-License-Identifier: MIT
/*
 * uprobectl: dispatch on the first word through the table of subcommands,
 * one file each (cmd_NAME.c defines cmd_NAME). A new subcommand is its file
 * and a line in this table, nothing else.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"

/* The subcommands, each defined in its file cmd_NAME.c. */
extern const struct cmd cmd_syms, cmd_resolve, cmd_add, cmd_del, cmd_enable, cmd_disable,
	cmd_clear, cmd_list, cmd_status, cmd_doctor, cmd_stream, cmd_trace, cmd_parse,
	cmd_apply, cmd_count, cmd_hist, cmd_latency, cmd_metrics;
static const struct cmd *const cmds[] = {
	&cmd_syms, &cmd_resolve, &cmd_add, &cmd_del, &cmd_enable, &cmd_disable, &cmd_clear,
	&cmd_list, &cmd_status, &cmd_doctor, &cmd_stream, &cmd_trace, &cmd_parse, &cmd_apply,
	&cmd_count, &cmd_hist, &cmd_latency, &cmd_metrics,
};

static void main_help(FILE *f)
{
	fprintf(f,
		"Usage: uprobectl [-v] [-q] COMMAND [ARGS...]\n"
		"       uprobectl COMMAND --help | --help | --version\n"
		"\n"
		"Configure Linux user-space probes (uprobes) through tracefs, with no\n"
		"shell, no LLVM and no binutils: symbols are resolved from the ELF file\n"
		"itself, for any architecture.\n"
		"\nCommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i]->summary)
			fprintf(f, "  %-10s %s\n", cmds[i]->name, cmds[i]->summary);
	fprintf(f,
		"\nOptions:\n"
		"  -v, --verbose  say what is looked up and why\n"
		"  -q, --quiet    print nothing but errors\n"
		"\nA command that changes a group (add, del, enable, disable, clear, apply,\n"
		"trace) holds the group's lock while it runs, and one that reads it whole\n"
		"(list, status, apply --check) shares it; --wait S (default 5) bounds how\n"
		"long it waits for another uprobectl, then it exits 1 naming that pid.\n"
		"\nEnvironment: UPROBECTL_TRACEFS (tracefs root, like --tracefs),\n"
		"UPROBECTL_LOCK_DIR (where group locks live; default /run/uprobectl).\n"
		"\nExit status: 0 success, 1 failure, 2 usage or validation error.\n");
}

int main(int argc, char **argv)
{
	int i = 1, status;

	upc_set_print(cli_lib_print);
	sigbus_catch();
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			cli_verbose++;
		} else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			cli_quiet = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			main_help(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("uprobectl %s\n", UPC_VERSION);
			return EXIT_OK;
		} else {
			return cli_status(cli_usage("unknown option '%s'", argv[i]));
		}
	}
	if (i >= argc) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		if (strcmp(argv[i], cmds[k]->name))
			continue;
		cli_cmd = cmds[k]->name;
		for (int j = i + 1; j < argc && strcmp(argv[j], "--"); j++) {
			if (!strcmp(argv[j], "-h") || !strcmp(argv[j], "--help")) {
				fputs(cmds[k]->usage, stdout);
				return EXIT_OK;
			}
		}
		optind = 1;
		opterr = 0;	/* cli_bad_option() says it, in one line */
		status = cli_status(cmds[k]->fn(argc - i, argv + i));
		if (sigbus_seen()) {
			cli_err("a file shrank while it was read (SIGBUS): what was printed "
				"from it may be wrong; run again");
			status = EXIT_FAIL;
		}
		return status;
	}
	return cli_status(cli_usage("unknown command '%s'", argv[i]));
}
