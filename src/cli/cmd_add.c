// SPDX-License-Identifier: MIT
/*
 * uprobectl add: resolve, build, check and write one probe definition.
 * Everything that can be checked is checked before the kernel sees the
 * definition; an identical definition already there is success with
 * nothing written (init scripts run add at every boot); the same event
 * name with another definition is refused, since the kernel would quietly
 * attach a second probe to the event.
 */
#include <getopt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "group.h"
#include "probe_args.h"

static int add(int argc, char **argv)
{
	static const struct option longopts[] = {
		PROBE_LONG_OPTS,
		TRACEFS_LONG_OPT,
		{ "enable", 0, NULL, OPT_ENABLE },
		{ NULL, 0, NULL, 0 },
	};
	struct probe_req q = PROBE_REQ_INIT;
	struct tfs_args a = TFS_ARGS_INIT;
	struct upc_tracefs *t = NULL;
	struct upc_probe *p = NULL;
	char *def = NULL;
	bool enable = false, existed;
	int opt, r, err, status;

	while ((opt = getopt_long(argc, argv, "+qvg:" PROBE_SHORT_OPTS PROBE_PID_OPT, longopts, NULL)) != -1) {
		if (opt == OPT_ENABLE) {
			enable = true;
			continue;
		}
		r = probe_opt(&q, opt, optarg);
		if (!r)
			r = tfs_args_opt(&a, opt, optarg);
		if (r < 0)
			return r;
		if (!r)
			return cli_bad_option(argv);
	}
	if (argc - optind < 2)
		return cli_usage("expected FILE SYMBOL [FETCHARG...]");
	probe_req_words(&q, argc - optind, argv + optind);
	q.opts.group = a.group;
	a.lock = CLI_LOCK_WRITE;
	status = cli_open_group(&a, 0, NULL, &t, NULL);
	if (status)
		return status;
	p = malloc(sizeof(*p));
	def = malloc(UPC_DEF_MAX);
	if (!p || !def) {
		status = cli_explain(-ENOMEM, "add");
		goto out;
	}
	status = probe_define(t, &q, p, &existed);
	if (status == EXIT_OK && enable) {
		err = upc_event_set_enable(t, NULL, p->group, p->event, true);
		if (!err)
			err = upc_tracing_on(t, NULL, 1);
		if (err) {
			cli_err("%s/%s: enabling failed: %s", p->group, p->event, strerror(-err));
			/* nothing half-done: remove what this call created */
			if (!existed)
				upc_probe_destroy(t, p->group, p->event, true, NULL);
			status = EXIT_FAIL;
		}
	}
	if (status == EXIT_OK && !cli_quiet && upc_probe_format(p, def, UPC_DEF_MAX) > 0)
		printf("%s%s\n", def, existed ? "  (already defined)" : "");
out:
	free(p);
	free(def);
	upc_tracefs_close(t);
	return status;
}

const struct cmd cmd_add = { "add", add };
