// SPDX-License-Identifier: MIT
/*
 * uprobectl: dispatch on the first word through the table of subcommands,
 * one file each (cmd_NAME.c defines cmd_NAME). A new subcommand is its file,
 * its help (help/NAME.txt, and a line in help/uprobectl.txt) and a line in
 * this table, nothing else.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"

/* The subcommands, each defined in its file cmd_NAME.c. */
extern const struct cmd cmd_syms, cmd_resolve, cmd_add, cmd_del, cmd_enable, cmd_disable,
	cmd_clear, cmd_list, cmd_status, cmd_doctor, cmd_stream, cmd_trace, cmd_parse,
	cmd_apply, cmd_count, cmd_hist, cmd_latency, cmd_metrics, cmd_leaks, cmd_vars, cmd_lines;
static const struct cmd *const cmds[] = {
	&cmd_syms, &cmd_resolve, &cmd_add, &cmd_del, &cmd_enable, &cmd_disable, &cmd_clear,
	&cmd_list, &cmd_status, &cmd_doctor, &cmd_stream, &cmd_trace, &cmd_parse, &cmd_apply,
	&cmd_count, &cmd_hist, &cmd_latency, &cmd_metrics, &cmd_leaks, &cmd_vars, &cmd_lines,
};

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
			return cli_status(cli_help(stdout, "uprobectl"));
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("uprobectl %s\n", UPC_VERSION);
			return EXIT_OK;
		} else {
			return cli_status(cli_usage("unknown option '%s'", argv[i]));
		}
	}
	if (i >= argc) {
		cli_help(stderr, "uprobectl");
		return EXIT_USAGE;
	}
	for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		if (strcmp(argv[i], cmds[k]->name))
			continue;
		cli_cmd = cmds[k]->name;
		for (int j = i + 1; j < argc && strcmp(argv[j], "--"); j++) {
			if (!strcmp(argv[j], "-h") || !strcmp(argv[j], "--help")) {
				return cli_status(cli_help(stdout, cmds[k]->help ?
							   cmds[k]->help : cmds[k]->name));
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
