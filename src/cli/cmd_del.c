// SPDX-License-Identifier: MIT
/* uprobectl del: delete events of our group, and only of our group. */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "group.h"

/* Delete one event; explains failures. */
static int del_one(const struct upc_tracefs *t, const char *group, const char *event,
		   bool force)
{
	struct upc_kernel_error k;
	int err;

	/* --force: wherever it is enabled, instances of other runs included */
	if (!force && upc_event_get_enable(t, NULL, group, event) > 0) {
		cli_err("%s/%s is enabled: disable it first ('uprobectl disable -g %s %s') "
			"or use --force", group, event, group, event);
		return -EBUSY;
	}
	err = upc_probe_destroy(t, group, event, force, &k);
	if (err) {
		cli_destroy_error(group, event, err, &k);
		return err;
	}
	if (!cli_quiet)
		printf("deleted %s/%s\n", group, event);
	return 0;
}

static int del(int argc, char **argv)
{
	static const struct option longopts[] = {
		TRACEFS_LONG_OPT,
		{ "force", 0, NULL, OPT_FORCE },
		{ "all", 0, NULL, OPT_ALL },
		{ NULL, 0, NULL, 0 },
	};
	struct tfs_args a = TFS_ARGS_INIT;
	const char *group;
	struct upc_tracefs *t = NULL;
	struct names ev = { NULL, 0 };
	bool force = false, all = false;
	int opt, r, status;
	while ((opt = cli_getopt(argc, argv, "qvg:f", longopts)) != -1) {
		if (opt == 'f' || opt == OPT_FORCE)
			force = true;
		else if (opt == OPT_ALL)
			all = true;
		else if ((r = tfs_args_opt(&a, opt, optarg)) != 1)
			return r ? r : cli_bad_option(argv);
	}
	if (all == (optind < argc))
		return cli_usage(all ? "--all takes no EVENT" : "expected EVENT... or --all");
	group = a.group;
	a.lock = CLI_LOCK_WRITE;
	status = cli_open_group(&a, argc - optind, argv + optind, &t, &ev);
	if (status)
		goto out;
	if (all) {
		for (int i = 0; i < ev.n; i++)
			if (del_one(t, group, ev.v[i], force))
				status = EXIT_FAIL;
		goto out;
	}
	for (int i = optind; i < argc; i++)
		if (!cli_group_has(&ev, group, argv[i]) || del_one(t, group, argv[i], force))
			status = EXIT_FAIL;
out:
	names_free(&ev);
	upc_tracefs_close(t);
	return status;
}

const struct cmd cmd_del = { "del", del };
