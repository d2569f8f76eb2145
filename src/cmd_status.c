// SPDX-License-Identifier: MIT
/* uprobectl status (doctor): can uprobes be used here, and if not, why. */
#include <getopt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli.h"

const char status_usage[] =
	"Usage: uprobectl status [-g GROUP] [--json] [--tracefs DIR] [--wait S]\n"
	"       uprobectl doctor ...\n"
	"\n"
	"Where tracefs is and how it was found, the kernel and its uprobe-related\n"
	"configuration (from /proc/config.gz or /boot/config-*), whether\n"
	"uprobe_events exists and is writable, tracing_on, the buffer size and the\n"
	"events of GROUP (default " UPC_DEFAULT_GROUP ").\n"
	"Exit status: 0 when uprobes can be used, 1 when not (the reason is shown).\n";

static const char *const config_opts[] = {
	"CONFIG_UPROBES", "CONFIG_UPROBE_EVENTS", "CONFIG_TRACING", "CONFIG_FTRACE",
	"CONFIG_DYNAMIC_EVENTS", "CONFIG_IKCONFIG_PROC",
};

static void kv(const char *key, const char *val, bool *first)
{
	if (cli_json) {
		json_kv_str(stdout, key, val, !*first);
		*first = false;
	} else {
		printf("%-15s %s\n", key, val ? val : "-");
	}
}

int cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		TRACEFS_LONG_OPT,
		{ "json", 0, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	struct tfs_args a = TFS_ARGS_INIT;
	char line[1024], buf[256], src[128], val[64], path[4096];
	char *config = NULL;
	size_t clen;
	struct upc_tracefs *t = NULL;
	struct names ev = { NULL, 0 };
	struct utsname u;
	bool first = true, usable = false, have_config;
	const char *missing = NULL;
	int opt, r;

	while ((opt = getopt_long(argc, argv, "qvg:", longopts, NULL)) != -1)
		if (!tfs_args_opt(&a, opt, optarg))
			return cli_usage("unknown option");
	if (optind != argc)
		return cli_usage("status takes no arguments");
	if (!cli_valid_name("group", a.group, true))
		return EXIT_USAGE;
	/* the group's part of the report is read whole */
	if (cli_lock_group(a.group, false, a.wait))
		return EXIT_FAIL;
	if (cli_json)
		putchar('{');

	uname(&u);
	snprintf(line, sizeof(line), "%s %s", u.release, u.machine);
	kv("kernel", line, &first);
	have_config = !upc_kconfig_load(&config, &clen, src, sizeof(src));
	line[0] = '\0';
	for (size_t i = 0; have_config && i < sizeof(config_opts) / sizeof(config_opts[0]); i++) {
		const char *v = upc_kconfig_get(config, config_opts[i], val, sizeof(val));

		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s=%s",
			 i ? " " : "", config_opts[i], v ? v : "(not set)");
		if (!v && !missing && i < 2)
			missing = config_opts[i];
	}
	snprintf(buf, sizeof(buf), "%s", have_config ? src : "not available (no "
		 "/proc/config.gz nor /boot/config-*)");
	kv("config_source", buf, &first);
	kv("config", have_config ? line : NULL, &first);

	/* the library explains a failure to find or mount tracefs */
	if (cli_open_tracefs(a.tracefs, &t)) {
		kv("tracefs", NULL, &first);
		snprintf(line, sizeof(line), "tracefs is not available%s%s", missing ? ": " : "",
			 missing ? missing : "");
		kv("verdict", line, &first);
		goto out;
	}
	snprintf(line, sizeof(line), "%s (%s)", upc_tracefs_root(t), upc_tracefs_how(t));
	kv("tracefs", line, &first);
	upc_tracefs_path(t, "uprobe_events", path, sizeof(path));
	if (!upc_tracefs_exists(t, "uprobe_events")) {
		kv("uprobe_events", "missing", &first);
		snprintf(line, sizeof(line), "this kernel has no uprobe events: %s is not set%s",
			 missing ? missing : "CONFIG_UPROBE_EVENTS",
			 have_config ? "" : " (probably; its configuration is not readable)");
		kv("verdict", line, &first);
		goto out;
	}
	r = access(path, W_OK);
	kv("uprobe_events", r ? "present, not writable (run as root)" : "present, writable",
	   &first);
	r = upc_tracing_on(t, NULL, -1);
	kv("tracing_on", r < 0 ? NULL : r ? "1" : "0", &first);
	r = upc_tracefs_read(t, "buffer_size_kb", buf, sizeof(buf));
	if (r > 0)
		buf[strcspn(buf, "\n")] = '\0';
	kv("buffer_size_kb", r > 0 ? buf : NULL, &first);
	if (!cli_group_events(t, a.group, &ev)) {
		int on = 0;

		line[0] = '\0';
		for (int i = 0; i < ev.n; i++) {
			on += upc_event_get_enable(t, NULL, a.group, ev.v[i]) > 0;
			snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s",
				 i ? " " : "", ev.v[i]);
		}
		snprintf(path, sizeof(path), "%s: %d event%s, %d enabled%s%s", a.group, ev.n,
			 ev.n == 1 ? "" : "s", on, ev.n ? ": " : "", line);
		kv("group", path, &first);
	}
	upc_tracefs_path(t, "uprobe_events", path, sizeof(path));
	usable = !access(path, W_OK);
	kv("verdict", usable ? "ready: uprobes can be defined here" :
	   "uprobe_events is not writable: run as root", &first);
out:
	if (cli_json)
		puts("}");
	free(config);
	names_free(&ev);
	upc_tracefs_close(t);
	return usable ? EXIT_OK : EXIT_FAIL;
}
