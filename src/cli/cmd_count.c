// SPDX-License-Identifier: MIT
/* uprobectl count: calls per probe, or per comm, pid or argument. */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "answer.h"

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

const struct cmd cmd_count = { "count", count };
