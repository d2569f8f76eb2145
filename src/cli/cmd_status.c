// SPDX-License-Identifier: MIT
/* uprobectl status (doctor): can uprobes be used here, and if not, why. */
#include <dirent.h>
#include <getopt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli.h"
#include "group.h"
#include "json.h"
#include "session.h"

static const char *const config_opts[] = {
	"CONFIG_UPROBES", "CONFIG_UPROBE_EVENTS", "CONFIG_TRACING", "CONFIG_FTRACE",
	"CONFIG_DYNAMIC_EVENTS", "CONFIG_IKCONFIG_PROC",
};

static void kv(struct json *j, const char *key, const char *val)
{
	if (cli_json)
		json_kv_str(j, key, val);
	else
		printf("%-15s %s\n", key, val ? val : "-");
}

static int add_name(const struct upc_probe *p, void *ctx)
{
	return cli_explain(names_add(ctx, p->event), "events");
}

static int status(int argc, char **argv)
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
	struct session budget = SESSION_INIT;
	struct utsname u;
	struct json j = JSON_INIT(stdout);
	bool usable = false, have_config;
	const char *missing = NULL;
	int opt, r;
	while ((opt = cli_getopt(argc, argv, "qvg:", longopts)) != -1)
		if ((r = tfs_args_opt(&a, opt, optarg)) != 1)
			return r ? r : cli_bad_option(argv);
	if (optind != argc)
		return cli_usage("status takes no arguments");
	if (upc_check_name("group", a.group, true))
		return EXIT_USAGE;
	/* the group's part of the report is read whole */
	if (cli_lock_group(a.group, false, a.wait))
		return EXIT_FAIL;
	if (cli_json)
		json_obj(&j);

	uname(&u);
	snprintf(line, sizeof(line), "%s %s", u.release, u.machine);
	kv(&j, "kernel", line);
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
	kv(&j, "config_source", buf);
	kv(&j, "config", have_config ? line : NULL);

	/* the library explains a failure to find or mount tracefs */
	if (upc_tracefs_open(a.tracefs, &t)) {
		kv(&j, "tracefs", NULL);
		snprintf(line, sizeof(line), "tracefs is not available%s%s", missing ? ": " : "",
			 missing ? missing : "");
		kv(&j, "verdict", line);
		goto out;
	}
	snprintf(line, sizeof(line), "%s (%s)", upc_tracefs_root(t), upc_tracefs_how(t));
	kv(&j, "tracefs", line);
	upc_tracefs_path(t, "uprobe_events", path, sizeof(path));
	if (!upc_tracefs_exists(t, "uprobe_events")) {
		kv(&j, "uprobe_events", "missing");
		snprintf(line, sizeof(line), "this kernel has no uprobe events: %s is not set%s",
			 missing ? missing : "CONFIG_UPROBE_EVENTS",
			 have_config ? "" : " (probably; its configuration is not readable)");
		kv(&j, "verdict", line);
		goto out;
	}
	r = access(path, W_OK);
	kv(&j, "uprobe_events", r ? "present, not writable (run as root)" : "present, writable");
	r = upc_tracing_on(t, NULL, -1);
	kv(&j, "tracing_on", r < 0 ? NULL : r ? "1" : "0");
	r = upc_tracefs_read(t, "buffer_size_kb", buf, sizeof(buf));
	if (r > 0)
		buf[strcspn(buf, "\n")] = '\0';
	kv(&j, "buffer_size_kb", r > 0 ? buf : NULL);
	if (upc_probe_foreach(t, a.group, add_name, &ev) >= 0) {
		int on = 0;

		line[0] = '\0';
		for (int i = 0; i < ev.n; i++) {
			on += upc_event_get_enable(t, NULL, a.group, ev.v[i]) > 0;
			snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s",
				 i ? " " : "", ev.v[i]);
		}
		snprintf(path, sizeof(path), "%s: %d event%s, %d enabled%s%s", a.group, ev.n,
			 ev.n == 1 ? "" : "s", on, ev.n ? ": " : "", line);
		kv(&j, "group", path);
	}
	r = (int)upc_tracefs_features(t);
	snprintf(line, sizeof(line), "kernel: hit counts%s%s; user: everything%s",
		 r & UPC_HIST_TRIGGERS ? ", keys and histograms" : "",
		 r & UPC_HIST_TRIGGERS && r & UPC_SYNTH_EVENTS ? ", latency" : "",
		 (r & (UPC_HIST_TRIGGERS | UPC_SYNTH_EVENTS)) == (UPC_HIST_TRIGGERS | UPC_SYNTH_EVENTS)
			 ? "" : r & UPC_HIST_TRIGGERS ? " (no CONFIG_SYNTH_EVENTS: latency in user space)"
			 : " (no CONFIG_HIST_TRIGGERS: keys, histograms and latency in user space)");
	kv(&j, "engines", line);
	if (session_perf_usable(buf, sizeof(buf)))
		snprintf(line, sizeof(line), "tracefs only (%s): the probes of -p and -- COMMAND "
			 "trap in every process that maps their files, which each call then "
			 "slows by some microseconds", buf);
	else
		snprintf(line, sizeof(line), "perf events: -p and -- COMMAND arm the probes in "
			 "the processes followed only, the rest of the machine runs untouched%s",
			 getenv("UPROBECTL_TRANSPORT") && !strcmp(getenv("UPROBECTL_TRANSPORT"),
				"tracefs") ? " (but UPROBECTL_TRANSPORT=tracefs asks for tracefs)" : "");
	kv(&j, "transport", line);
	if (!session_budget(&budget)) {
		/* the budget of the buffers, and what our instances hold now */
		size_t used = (size_t)snprintf(line, sizeof(line), "budget %lu KiB per CPU (%s)",
					       budget.budget_kb, budget.budget_how);
		struct dirent *e;
		DIR *d;

		snprintf(path, sizeof(path), "%s/instances", upc_tracefs_root(t));
		for (d = opendir(path); d && (e = readdir(d));) {
			char rel[512], v[32];

			snprintf(rel, sizeof(rel), "instances/%s/buffer_size_kb", e->d_name);
			if (!strncmp(e->d_name, "uprobectl-", 10) && used < sizeof(line) &&
			    upc_tracefs_read(t, rel, v, sizeof(v)) > 0)
				used += (size_t)snprintf(line + used, sizeof(line) - used,
							 "; %s: %lu KiB per CPU now", e->d_name,
							 strtoul(v, NULL, 10));
		}
		if (d)
			closedir(d);
		kv(&j, "buffers", line);
	}
	kv(&j, "semaphores", r & UPC_REF_CTR ? "yes: the kernel sets a USDT probe's semaphore "
	   "while the probe exists" : "no (a kernel before 4.20): USDT probes with a semaphore "
	   "stay off unless the program sets it");
	upc_tracefs_path(t, "uprobe_events", path, sizeof(path));
	usable = !access(path, W_OK);
	kv(&j, "verdict", usable ? "ready: uprobes can be defined here" :
	   "uprobe_events is not writable: run as root");
out:
	if (cli_json) {
		json_end(&j);
		json_newline(&j);
	}
	free(config);
	names_free(&ev);
	upc_tracefs_close(t);
	return usable ? EXIT_OK : EXIT_FAIL;
}

const struct cmd cmd_status = { "status", status };
const struct cmd cmd_doctor = { "doctor", status, "status" };
