// SPDX-License-Identifier: MIT
/* uprobectl stream: the group's records from trace_pipe, live. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char stream_usage[] =
	"Usage: uprobectl stream [--json] [-g GROUP] [-e EVENT]... [-p PID] [-c COUNT]\n"
	"                        [-d SECONDS] [--instance NAME] [--stack] [--tracefs DIR]\n"
	"\n"
	"Read trace_pipe and print the records of GROUP's events (default\n"
	UPC_DEFAULT_GROUP "), one per line, flushed as they come: readable text, or\n"
	"with --json one JSON object per line. Lost events are always shown, and\n"
	"counted in the summary printed on stderr at the end.\n"
	"\n"
	"  -e EVENT          only this event (repeatable)\n"
	"  -p PID            only this process, its threads and its children; the\n"
	"                    stream ends once they have all exited\n"
	"  -c COUNT          stop after COUNT records\n"
	"  -d SECONDS        stop after SECONDS\n"
	"  --instance NAME   read a tracefs instance of its own, with only these\n"
	"                    events enabled there, so the top-level buffer and other\n"
	"                    tracers are untouched (created if absent, removed at exit)\n"
	"  --stack           attach the user stack to each record, symbolized while\n"
	"                    the process lives\n"
	"Without --instance, -p or --stack, the top-level trace_pipe is read and the\n"
	"events must be enabled ('uprobectl enable'); -p and --stack use an\n"
	"instance of their own. SIGINT, SIGTERM, a closed pipe, -c and -d all end\n"
	"the stream with everything set up for it removed.\n"
	"Exit status: 0 streamed, 1 failure, 2 usage error.\n";

/* SECONDS[.FRACTION], > 0 */
int parse_seconds(const char *s, double *v)
{
	double r = 0, scale = 1;
	bool dot = false, any = false;

	for (; *s; s++) {
		if (*s == '.' && !dot) {
			dot = true;
		} else if (*s >= '0' && *s <= '9') {
			any = true;
			if (dot)
				r += (*s - '0') * (scale /= 10);
			else
				r = r * 10 + (*s - '0');
		} else {
			return -EINVAL;
		}
	}
	*v = r;
	return any && r > 0 && r < 1e9 ? 0 : -EINVAL;
}

int parse_count(const char *s, unsigned long *v)
{
	uint64_t n;

	if (*s < '1' || *s > '9' || upc_parse_number(s, &n) || n > ULONG_MAX)
		return -EINVAL;
	*v = (unsigned long)n;
	return 0;
}

int parse_pid(const char *s, long *pid)
{
	unsigned long v;

	if (parse_count(s, &v) || v > 0x7fffffff)
		return -EINVAL;
	*pid = (long)v;
	return 0;
}

int stream_opt(int opt, const char *arg, long *pid, unsigned long *count, double *seconds)
{
	switch (opt) {
	case 'p':
		if (parse_pid(arg, pid))
			return cli_usage("-p takes a process id");
		return 1;
	case 'c':
		if (parse_count(arg, count))
			return cli_usage("-c takes a positive number");
		return 1;
	case 'd':
		if (parse_seconds(arg, seconds))
			return cli_usage("-d takes a positive number of seconds");
		return 1;
	}
	return 0;
}

void recout_live(struct recout *w, const char *group, const struct names *events, bool stack)
{
	w->out.fd = 1;
	w->live = true;
	w->json = cli_json;
	w->group = group;
	w->events = events;
	if (stack) {
		w->stacks = true;
		w->symbolize = symbolize_frame;
		w->sym_ctx = symbolize_new();
	}
}

int cmd_stream(int argc, char **argv)
{
	static const struct option longopts[] = {
		TRACEFS_LONG_OPT,
		{ "json", 0, NULL, OPT_JSON },
		{ "instance", 1, NULL, OPT_INSTANCE },
		{ "stack", 0, NULL, OPT_STACK },
		{ NULL, 0, NULL, 0 },
	};
	/* in .bss, not .data: it is large */
	static struct recout w;
	struct tfs_args a = TFS_ARGS_INIT;
	struct session s = { .pid = -1, .fd = -1 };
	struct names all = { NULL, 0 }, only = { NULL, 0 };
	char *events[64];
	int nevents = 0, opt, status;
	unsigned long count = 0;
	double seconds = 0;
	bool exited;

	while ((opt = getopt_long(argc, argv, "qvg:e:p:c:d:", longopts, NULL)) != -1) {
		int r = stream_opt(opt, optarg, &s.pid, &count, &seconds);

		if (r == EXIT_USAGE)
			return r;
		if (r)
			continue;
		switch (opt) {
		case 'e':
			if (nevents == 64)
				return cli_usage("at most 64 -e");
			events[nevents++] = optarg;
			break;
		case OPT_INSTANCE: s.instance = optarg; break;
		case OPT_STACK: s.stack = true; break;
		default:
			if (!tfs_args_opt(&a, opt, optarg))
				return cli_usage("unknown option");
		}
	}
	if (optind != argc)
		return cli_usage("stream takes no arguments");
	status = cli_open_group(&a, nevents, events, &s.t, &all);
	if (status)
		goto out;
	if (!all.n) {
		cli_err("group %s has no events: add one first ('uprobectl add')", a.group);
		status = EXIT_FAIL;
		goto out;
	}
	if (nevents) {
		only.v = calloc((size_t)nevents, sizeof(*only.v));
		if (!only.v)
			goto out;
		for (int i = 0; i < nevents; i++) {
			if (!cli_group_has(&all, a.group, events[i])) {
				status = EXIT_FAIL;
				goto out;
			}
			snprintf(only.v[only.n++], sizeof(only.v[0]), "%s", events[i]);
		}
		s.only = &only;
	}
	s.group = a.group;
	recout_live(&w, a.group, nevents ? &only : &all, s.stack);
	session_signals();
	status = session_start(&s);
	if (status == EXIT_OK) {
		if (!s.instance) {
			bool any = false;

			for (int i = 0; i < w.events->n; i++)
				any |= upc_event_get_enable(s.t, NULL, a.group, w.events->v[i]) > 0;
			if (!any)
				cli_warn("no event of %s is enabled: 'uprobectl enable' first, or use "
					 "--instance", a.group);
		}
		session_run(&s, &w, count, seconds, 0, NULL, &exited);
		session_summary(&w);
	}
	session_end(&s);
out:
	symbolize_free(w.sym_ctx);
	recout_free(&w);
	names_free(&all);
	names_free(&only);
	upc_tracefs_close(s.t);
	return status;
}
