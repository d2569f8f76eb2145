// SPDX-License-Identifier: MIT
/* uprobectl clear: disable and delete our whole group, nothing else. */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "group.h"

static int clear(int argc, char **argv)
{
	static const struct option longopts[] = {
		TRACEFS_LONG_OPT,
		{ NULL, 0, NULL, 0 },
	};
	struct tfs_args a = TFS_ARGS_INIT;
	const char *group;
	struct upc_tracefs *t = NULL;
	struct names ev = { NULL, 0 };
	struct upc_kernel_error k;
	int opt, r, err, status;
	while ((opt = cli_getopt(argc, argv, "qvg:", longopts)) != -1)
		if ((r = tfs_args_opt(&a, opt, optarg)) != 1)
			return r ? r : cli_bad_option(argv);
	if (optind != argc)
		return cli_usage("clear takes no arguments (to delete some events: del)");
	group = a.group;
	a.lock = CLI_LOCK_WRITE;
	status = cli_open_group(&a, 0, NULL, &t, &ev);
	if (status)
		goto out;
	/* every event, disabled wherever it is enabled: a stream of another
	 * run that has it in its instance ends when the group is gone */
	if (ev.n && (err = upc_probe_destroy(t, group, NULL, true, &k)))
		status = cli_destroy_error(group, NULL, err, &k);
	if (!cli_quiet && status == EXIT_OK)
		printf("cleared %s (%d event%s)\n", group, ev.n, ev.n == 1 ? "" : "s");
out:
	names_free(&ev);
	upc_tracefs_close(t);
	return status;
}

const struct cmd cmd_clear = { "clear", clear };
