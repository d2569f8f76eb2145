// SPDX-License-Identifier: MIT
/* uprobectl count: calls per probe, or per comm, pid or argument. */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "answer.h"

static const char count_usage[] =
	"Usage: uprobectl count [--by comm|pid|NAME] [-p PID] [-d S] [-i S] [-c N] [--json]\n"
	"                       [--engine kernel|user|auto] [-r] [--sysroot DIR] [--tracefs DIR]\n"
	"                       FILE SYMBOL... [NAME=FETCHARG...] [-- COMMAND [ARGS...]]\n"
	"       uprobectl count [options] [-g GROUP] -e EVENT...\n"
	"\n"
	"Count the calls of each SYMBOL of FILE (or of events already defined),\n"
	"most first: per probe, or --by comm, pid (the thread id) or NAME, a named\n"
	"fetch argument (e.g. 'fd=$arg1:s32'). Ends at SIGINT, -d, -c calls or\n"
	"the end of COMMAND, then prints the counts (also every -i seconds).\n"
	"\n"
	"The kernel engine counts in the kernel: per probe with its hit counter\n"
	"(any kernel), --by with hist triggers (CONFIG_HIST_TRIGGERS). The user\n"
	"engine counts records; -p and -- COMMAND (only those processes and\n"
	"their children) and -c need it. auto (the default) takes the kernel's\n"
	"where it can. Probes, triggers and instances are removed at the end.\n"
	"Exit status: COMMAND's with -- COMMAND; else 0 counted, 1 failure, 2 usage.\n";

static int count_opt(struct answer *a, int opt, const char *arg)
{
	if (opt != OPT_BY)
		return 0;
	a->by = arg;
	return 1;
}

static int count(int argc, char **argv)
{
	static const struct option longopts[] = {
		ANSWER_LONG_OPTS,
		{ "by", 1, NULL, OPT_BY },
		{ NULL, 0, NULL, 0 },
	};
	/* on the stack: a static one with initializers would be data in the file */
	struct answer a;
	int err;

	answer_init(&a, ANSWER_COUNT);
	err = answer_args(&a, argc, argv, ANSWER_SHORT_OPTS, longopts, count_opt);
	if (err)
		return err;
	if (a.nevents && a.nsymbols)
		return cli_usage("-e names events already defined: no FILE SYMBOL");
	if (a.by && strcmp(a.by, "comm") && strcmp(a.by, "pid")) {
		bool named = false;

		for (int i = 0; a.fetchargs[i]; i++)
			named |= !strncmp(a.fetchargs[i], a.by, strlen(a.by)) &&
				 a.fetchargs[i][strlen(a.by)] == '=';
		if (!named && !a.nevents)
			return cli_usage("--by %s: no fetch argument is named %s (add '%s=EXPR')",
					 a.by, a.by, a.by);
	}
	return answer_run(&a);
}

const struct cmd cmd_count = { "count", count, "count calls per probe, comm, pid or argument",
	count_usage };
