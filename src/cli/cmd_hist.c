// SPDX-License-Identifier: MIT
/* uprobectl hist: the distribution of a fetched value. */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "answer.h"

static int hist_opt(struct answer *a, int opt, const char *arg)
{
	uint64_t step;

	if (opt == OPT_LOG2) {
		a->how = UPC_LOG2;
		return 1;
	}
	if (opt != OPT_LINEAR)
		return 0;
	if (upc_parse_number(arg, &step) || !step)
		return cli_usage("--linear takes a step of 1 or more");
	a->how = UPC_LINEAR;
	a->step = step;
	return 1;
}

static int hist(int argc, char **argv)
{
	static const struct option longopts[] = {
		ANSWER_LONG_OPTS,
		{ "log2", 0, NULL, OPT_LOG2 },
		{ "linear", 1, NULL, OPT_LINEAR },
		{ NULL, 0, NULL, 0 },
	};
	/* on the stack: a static one with initializers would be data in the file */
	struct answer a;
	static char field[UPC_MAX_ARGNAME + 1];
	int err;

	answer_init(&a, ANSWER_HIST);
	err = answer_args(&a, argc, argv, ANSWER_SHORT_OPTS, longopts, hist_opt);
	const char *eq;

	if (err)
		return err;
	if (a.nevents) {
		if (a.nsymbols != 1)
			return cli_usage("-e EVENT... NAME: the events' field to count the values of");
		a.field = a.symbols[0];
		a.nsymbols = 0;
		return answer_run(&a);
	}
	if (a.nsymbols > 1 || !a.fetchargs[0] || a.fetchargs[1])
		return cli_usage("expected FILE SYMBOL NAME=FETCHARG: one symbol, one value");
	eq = strchr(a.fetchargs[0], '=');
	if ((size_t)(eq - a.fetchargs[0]) > UPC_MAX_ARGNAME)
		return cli_usage("the value's name is longer than %d characters", UPC_MAX_ARGNAME);
	snprintf(field, sizeof(field), "%.*s", (int)(eq - a.fetchargs[0]), a.fetchargs[0]);
	a.field = field;
	return answer_run(&a);
}

const struct cmd cmd_hist = { "hist", hist };
