// SPDX-License-Identifier: MIT
/* uprobectl latency: how long each call of a function takes. */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "answer.h"

static int latency_opt(struct answer *a, int opt, const char *arg)
{
	static const struct { const char *name; uint64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
	};

	if (opt != OPT_UNIT)
		return 0;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(arg, units[i].name)) {
			a->unit = units[i].ns;
			a->unit_name = units[i].name;
			return 1;
		}
	return cli_usage("--unit is ns, us or ms");
}

static int latency(int argc, char **argv)
{
	static const struct option longopts[] = {
		ANSWER_LONG_OPTS,
		{ "unit", 1, NULL, OPT_UNIT },
		{ NULL, 0, NULL, 0 },
	};
	/* on the stack: a static one with initializers would be data in the file */
	struct answer a;
	int err;

	answer_init(&a, ANSWER_LATENCY);
	a.unit = 1000;
	a.unit_name = "us";
	err = answer_args(&a, argc, argv, ANSWER_SHORT_OPTS, longopts, latency_opt);
	if (err)
		return err;
	if (a.nevents)
		return cli_usage("latency defines its own entry and return probes: FILE SYMBOL");
	if (a.nsymbols != 1 || a.fetchargs[0])
		return cli_usage("expected FILE SYMBOL: one function");
	if (a.req.opts.ret)
		return cli_usage("-r: latency probes the entry and the return itself");
	return answer_run(&a);
}

const struct cmd cmd_latency = { "latency", latency };
