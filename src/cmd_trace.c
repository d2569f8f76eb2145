// SPDX-License-Identifier: MIT
/*
 * uprobectl trace: a one-shot session. A probe in a group of its own,
 * enabled only in a tracefs instance of its own, streamed, and all of it
 * removed at the end. With -- COMMAND, the command is started, traced with
 * its children (set_event_pid + event-fork, set before it runs), and its
 * exit status is returned.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

const char trace_usage[] =
	"Usage: uprobectl trace [-r] [-e EVENT] [--args N] [--json] [-p PID] [-c COUNT]\n"
	"                       [-d SECONDS] [--stack] [--tracefs DIR] [--wait S] [--sysroot DIR]\n"
	"                       FILE SYMBOL [FETCHARG...] [-- COMMAND [ARGS...]]\n"
	"\n"
	"Probe SYMBOL in FILE (as 'uprobectl add' does), stream its records (as\n"
	"'uprobectl stream' does) and remove everything at the end. The probe has\n"
	"a group of its own and is enabled only in a tracefs instance of its own:\n"
	"the top-level buffer and other tracers are untouched.\n"
	"\n"
	"  -- COMMAND        start COMMAND, trace only it and its children, end when\n"
	"                    it exits, and exit with its status\n"
	"  -p PID            trace only this running process (and its children)\n"
	"  -c COUNT, -d SECONDS, --json, --stack   as for stream\n"
	"  -r, -e EVENT, --args N, FETCHARG        as for add\n"
	"Exit status: COMMAND's status with -- COMMAND; else 0 traced, 1 failure,\n"
	"2 usage or validation error.\n";

int cmd_trace(int argc, char **argv)
{
	static const struct option longopts[] = {
		ELF_LONG_OPTS,
		TRACEFS_LONG_OPT,
		{ "json", 0, NULL, OPT_JSON },
		{ "args", 1, NULL, OPT_ARGS },
		{ "stack", 0, NULL, OPT_STACK },
		{ NULL, 0, NULL, 0 },
	};
	/* in .bss, not .data: it is large */
	static struct recout w;
	char group[32], event[UPC_NAME_MAX + 1], def[4096];
	struct add_req q = { .nargs = 4, .event_out = event };
	struct session s = { .pid = -1, .fd = -1 };
	struct names only = { NULL, 0 };
	const char *tracefs = NULL;
	char **cmd = NULL;
	int opt, r, status, sync[2] = { -1, -1 }, child_status = 0, nargs;
	unsigned long count = 0;
	double seconds = 0, wait = CLI_WAIT_DEFAULT;
	bool existed, exited = false, added = false;
	pid_t child = 0;

	/* COMMAND starts after "--" */
	for (nargs = 1; nargs < argc && strcmp(argv[nargs], "--"); nargs++)
		;
	if (nargs < argc) {
		cmd = argv + nargs + 1;
		if (!*cmd)
			return cli_usage("expected a COMMAND after --");
	}
	while ((opt = getopt_long(nargs, argv, "+qvre:p:c:d:", longopts, NULL)) != -1) {
		if (elf_args_opt(&q.elf, opt, optarg) || cli_common_opt(opt))
			continue;
		r = stream_opt(opt, optarg, &s.pid, &count, &seconds);
		if (!r)
			r = add_opt(&q, opt, optarg);
		if (r == EXIT_USAGE)
			return r;
		if (r)
			continue;
		switch (opt) {
		case OPT_JSON: cli_json = true; break;
		case OPT_STACK: s.stack = true; break;
		case OPT_TRACEFS: tracefs = optarg; break;
		case OPT_WAIT:
			if (wait_opt(optarg, &wait) != 1)
				return EXIT_USAGE;
			break;
		default:
			return cli_usage("unknown option");
		}
	}
	if (nargs - optind < 2)
		return cli_usage("expected FILE SYMBOL [FETCHARG...] [-- COMMAND...]");
	if (cmd && s.pid > 0)
		return cli_usage("-p and -- COMMAND exclude each other");
	snprintf(group, sizeof(group), "upc_trace_%ld", (long)getpid());
	q.group = group;
	add_req_args(&q, nargs - optind, argv + optind);

	status = cli_lock_group(group, true, wait);
	if (status)
		goto out;
	status = cli_open_tracefs(tracefs, &s.t) ? cli_fail(-ENOENT, "tracefs") : EXIT_OK;
	if (status)
		goto out;
	/* from here a signal ends the session and removes the probe */
	session_signals();
	status = cli_add_probe(&q, s.t, def, sizeof(def), &existed);
	if (status)
		goto out;
	added = true;
	if (!cli_quiet)
		fprintf(stderr, "uprobectl: tracing %s\n", def);
	only.v = calloc(1, sizeof(*only.v));
	if (!only.v) {
		status = EXIT_FAIL;
		goto out;
	}
	snprintf(only.v[only.n++], sizeof(only.v[0]), "%s", event);
	s.group = group;
	snprintf(s.inst_buf, sizeof(s.inst_buf), "uprobectl-%ld", (long)getpid());
	s.instance = s.inst_buf;
	recout_live(&w, group, &only, s.stack);
	if (cmd) {
		/* the child waits until its pid is in the filter, then execs */
		if (pipe(sync)) {
			cli_err("pipe: %s", strerror(errno));
			status = EXIT_FAIL;
			goto out;
		}
		fflush(NULL);
		child = fork();
		if (child < 0) {
			cli_err("fork: %s", strerror(errno));
			status = EXIT_FAIL;
			goto out;
		}
		if (child == 0) {
			char go;

			close(sync[1]);
			signal(SIGPIPE, SIG_DFL);
			if (read(sync[0], &go, 1) != 1)
				_exit(126);	/* the tracer gave up */
			close(sync[0]);
			execvp(cmd[0], cmd);
			fprintf(stderr, "uprobectl: %s: %s\n", cmd[0], strerror(errno));
			_exit(127);
		}
		close(sync[0]);
		sync[0] = -1;
		s.pid = child;
		recout_comm(&w, child, strrchr(cmd[0], '/') ? strrchr(cmd[0], '/') + 1 : cmd[0],
			    "command");
	}
	status = session_start(&s);
	if (status == EXIT_OK) {
		if (child && write(sync[1], "g", 1) != 1)
			status = EXIT_FAIL;
		close(sync[1]);
		sync[1] = -1;
		session_run(&s, &w, count, seconds, child, &child_status, &exited);
		session_summary(&w);
	}
out:
	if (sync[1] >= 0)
		close(sync[1]);	/* a child still waiting gives up */
	if (sync[0] >= 0)
		close(sync[0]);
	session_end(&s);
	if (added && !existed) {
		struct upc_kernel_error k;
		int err = upc_probe_delete(s.t, group, event, &k);

		if (err)
			cli_kernel_error(group, err, &k, NULL, 0);
	}
	if (child > 0 && !exited) {
		/* stopped early: the command goes on, untraced, as ours */
		if (session_stop_signal())
			kill(child, session_stop_signal());
		while (waitpid(child, &child_status, 0) < 0 && errno == EINTR)
			;
		exited = true;
	}
	if (child > 0 && status == EXIT_OK)
		status = WIFEXITED(child_status) ? WEXITSTATUS(child_status)
						 : 128 + WTERMSIG(child_status);
	symbolize_free(w.sym_ctx);
	recout_free(&w);
	names_free(&only);
	upc_tracefs_close(s.t);
	return status;
}
