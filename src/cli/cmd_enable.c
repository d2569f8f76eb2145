// SPDX-License-Identifier: MIT
/* uprobectl enable / disable: idempotent switches for our group's events.
 * enable also turns tracing_on on; disable leaves it alone (it is global,
 * and other tracers may need it). */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "group.h"

static int switch_events(int argc, char **argv, bool on)
{
	static const struct option longopts[] = {
		TRACEFS_LONG_OPT,
		{ NULL, 0, NULL, 0 },
	};
	const char *group, *verb = on ? "enable" : "disable";
	struct tfs_args a = TFS_ARGS_INIT;
	struct upc_tracefs *t = NULL;
	struct names ev = { NULL, 0 };
	int opt, r, err, status;
	while ((opt = cli_getopt(argc, argv, "qvg:", longopts)) != -1)
		if ((r = tfs_args_opt(&a, opt, optarg)) != 1)
			return r ? r : cli_bad_option(argv);
	group = a.group;
	a.lock = CLI_LOCK_WRITE;
	status = cli_open_group(&a, argc - optind, argv + optind, &t, &ev);
	if (status)
		goto out;
	if (optind == argc) {
		if (!ev.n) {
			if (on) {
				cli_err("group %s has no events: add one first ('uprobectl add')",
					group);
				status = EXIT_FAIL;
			}
			goto out;
		}
		err = upc_event_set_enable(t, NULL, group, NULL, on);
		if (err) {
			cli_err("%s group %s: %s", verb, group, strerror(-err));
			status = EXIT_FAIL;
			goto out;
		}
		if (!cli_quiet)
			printf("%sd %s (%d event%s)\n", verb, group, ev.n, ev.n == 1 ? "" : "s");
	}
	for (int i = optind; i < argc; i++) {
		if (!cli_group_has(&ev, group, argv[i])) {
			status = EXIT_FAIL;
			continue;
		}
		err = upc_event_set_enable(t, NULL, group, argv[i], on);
		if (err) {
			cli_err("%s %s/%s: %s", verb, group, argv[i], strerror(-err));
			status = EXIT_FAIL;
		} else if (!cli_quiet) {
			printf("%sd %s/%s\n", verb, group, argv[i]);
		}
	}
	if (on && status == EXIT_OK) {
		err = upc_tracing_on(t, NULL, 1);
		if (err) {
			cli_err("turning tracing_on on: %s", strerror(-err));
			status = EXIT_FAIL;
		}
	}
out:
	names_free(&ev);
	upc_tracefs_close(t);
	return status;
}

static int enable(int argc, char **argv)
{
	return switch_events(argc, argv, true);
}

static int disable(int argc, char **argv)
{
	return switch_events(argc, argv, false);
}

const struct cmd cmd_enable = { "enable", enable };
const struct cmd cmd_disable = { "disable", disable };
