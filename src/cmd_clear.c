// SPDX-License-Identifier: MIT
/* uprobectl clear: disable and delete our whole group, nothing else. */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli.h"

const char clear_usage[] =
	"Usage: uprobectl clear [-g GROUP] [-q] [--tracefs DIR] [--wait S]\n"
	"\n"
	"Disable and delete every event of GROUP (default " UPC_DEFAULT_GROUP "). Other\n"
	"groups, other tools' probes and the trace buffers are left alone. A group\n"
	"with no events is fine.\n"
	"Exit status: 0 cleared, 1 failure, 2 usage error.\n";

int cmd_clear(int argc, char **argv)
{
	static const struct option longopts[] = {
		TRACEFS_LONG_OPT,
		{ NULL, 0, NULL, 0 },
	};
	struct tfs_args a = TFS_ARGS_INIT;
	const char *group;
	struct upc_tracefs *t = NULL;
	struct names ev = { NULL, 0 };
	int opt, err, status;

	while ((opt = getopt_long(argc, argv, "qvg:", longopts, NULL)) != -1)
		if (opt == OPT_JSON || !tfs_args_opt(&a, opt, optarg))
			return cli_usage("unknown option");
	if (optind != argc)
		return cli_usage("clear takes no arguments (to delete some events: del)");
	group = a.group;
	a.lock = CLI_LOCK_WRITE;
	status = cli_open_group(&a, 0, NULL, &t, &ev);
	if (status)
		goto out;
	/* no events/GROUP directory: nothing of it can be enabled; a stream of
	 * another run that has it enabled in its instance ends when it is gone */
	if (ev.n && (err = cli_disable_everywhere(t, group, NULL))) {
		cli_err("disable group %s: %s", group, strerror(-err));
		status = EXIT_FAIL;
		goto out;
	}
	for (int i = 0; i < ev.n; i++) {
		struct upc_kernel_error k;
		char what[160];

		err = upc_probe_delete(t, group, ev.v[i], &k);
		if (err) {
			snprintf(what, sizeof(what), "%s/%s", group, ev.v[i]);
			if (err == -EBUSY)
				cli_err("%s is busy: enabled in a tracing instance or used by "
					"another tool", what);
			else
				cli_kernel_error(what, err, &k, NULL, 0);
			status = EXIT_FAIL;
		}
	}
	if (!cli_quiet && status == EXIT_OK)
		printf("cleared %s (%d event%s)\n", group, ev.n, ev.n == 1 ? "" : "s");
out:
	names_free(&ev);
	upc_tracefs_close(t);
	return status;
}
