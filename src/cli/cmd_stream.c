// SPDX-License-Identifier: MIT
/* uprobectl stream: the group's records from trace_pipe, live. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "group.h"
#include "session.h"

static int stream(int argc, char **argv)
{
	static const struct option longopts[] = {
		TRACEFS_LONG_OPT,
		{ "json", 0, NULL, OPT_JSON },
		{ "instance", 1, NULL, OPT_INSTANCE },
		{ "stack", 0, NULL, OPT_STACK },
		{ "folded", 0, NULL, OPT_FOLDED },
		SESSION_LONG_OPTS,
		{ NULL, 0, NULL, 0 },
	};
	/* in .bss, not .data: it is large */
	static struct recout w;
	struct tfs_args a = TFS_ARGS_INIT;
	struct session s = SESSION_INIT;
	struct session_limits lim = { 0, 0 };
	struct names all = { NULL, 0 }, only = { NULL, 0 };
	char *events[64];
	int nevents = 0, opt, r, status;
	while ((opt = cli_getopt(argc, argv, "qvg:e:" SESSION_SHORT_OPTS, longopts)) != -1) {
		if (opt == 'e') {
			if (nevents == 64)
				return cli_usage("at most 64 -e");
			events[nevents++] = optarg;
			continue;
		}
		if (opt == OPT_INSTANCE) {
			s.instance = optarg;
			continue;
		}
		if (opt == OPT_STACK || opt == OPT_FOLDED) {
			s.stack = true;
			s.folded |= opt == OPT_FOLDED;
			continue;
		}
		r = session_opt(&s, &lim, opt, optarg);
		if (!r)
			r = tfs_args_opt(&a, opt, optarg);
		if (r < 0)
			return r;
		if (!r)
			return cli_bad_option(argv);
	}
	if (optind != argc)
		return cli_usage("stream takes no arguments");
	if (s.folded && cli_json)
		return cli_usage("--folded writes stacks in the folded format, not JSON");
	status = cli_open_group(&a, nevents, events, &s.t, &all);
	if (status)
		goto out;
	if (!all.n) {
		cli_err("group %s has no events: add one first ('uprobectl add')", a.group);
		status = EXIT_FAIL;
		goto out;
	}
	for (int i = 0; i < nevents; i++) {
		if (!cli_group_has(&all, a.group, events[i])) {
			status = EXIT_FAIL;
			goto out;
		}
		if ((status = cli_explain(names_add(&only, events[i]), "stream")))
			goto out;
	}
	s.only = nevents ? &only : NULL;
	s.group = a.group;
	if ((status = session_output(&w, &s, nevents ? &only : &all)))
		goto out;
	session_signals();
	status = session_start(&s);
	if (status == EXIT_OK) {
		if (!s.instance && !s.perf) {
			bool any = false;

			for (int i = 0; i < w.events->n; i++)
				any |= upc_event_get_enable(s.t, NULL, a.group, w.events->v[i]) > 0;
			if (!any)
				cli_warn("no event of %s is enabled: 'uprobectl enable' first, or use "
					 "--instance", a.group);
		}
		session_stream(&s, &w, &lim, NULL);
		session_summary(&w);
	}
	session_end(&s);
out:
	session_output_free(&w);
	names_free(&all);
	names_free(&only);
	upc_tracefs_close(s.t);
	return status;
}

const struct cmd cmd_stream = { "stream", stream };
