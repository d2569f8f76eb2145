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
#include "group.h"
#include "probe_args.h"
#include "session.h"

static const char trace_usage[] =
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

/* COMMAND, forked and held at a pipe until its pid is in the session's
 * filter: it execs when released, and exits 126 when the tracer gives up. */
struct child {
	pid_t pid;
	int release;		/* the write end: one byte lets it exec */
};

static int child_start(struct child *c, char **cmd)
{
	int sync[2];

	if (pipe(sync))
		return cli_explain(-errno, "pipe");
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0) {
		close(sync[0]);
		close(sync[1]);
		return cli_explain(-errno, "fork");
	}
	if (c->pid == 0) {
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
	c->release = sync[1];
	return EXIT_OK;
}

/* Let it exec (go), or make it give up (not go). */
static int child_release(struct child *c, bool go)
{
	int status = EXIT_OK;

	if (c->release < 0)
		return status;
	if (go && write(c->release, "g", 1) != 1)
		status = cli_explain(-errno, "starting the command");
	close(c->release);
	c->release = -1;
	return status;
}

/* Its exit status as a shell gives it; a session stopped early by a signal
 * passes it on, and the command is waited for either way. */
static int child_status(struct child *c, bool exited, int wstatus)
{
	if (!exited) {
		if (session_stop_signal())
			kill(c->pid, session_stop_signal());
		while (waitpid(c->pid, &wstatus, 0) < 0 && errno == EINTR)
			;
	}
	return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

static int trace(int argc, char **argv)
{
	static const struct option longopts[] = {
		PROBE_LONG_OPTS,
		TRACEFS_LONG_OPT,
		{ "json", 0, NULL, OPT_JSON },
		{ "stack", 0, NULL, OPT_STACK },
		{ NULL, 0, NULL, 0 },
	};
	/* in .bss, not .data: it is large */
	static struct recout w;
	char group[32], instance[32], def[UPC_DEF_MAX];
	struct probe_req q = PROBE_REQ_INIT;
	struct tfs_args a = TFS_ARGS_INIT;
	struct session s = SESSION_INIT;
	struct session_limits lim = { 0, 0 };
	struct names only = { NULL, 0 };
	struct child child = { 0, -1 };
	struct upc_probe *p = NULL;
	char **cmd = NULL;
	int opt, r, status, wstatus = 0, nargs;
	bool existed, added = false, exited = false;

	/* COMMAND starts after "--" */
	for (nargs = 1; nargs < argc && strcmp(argv[nargs], "--"); nargs++)
		;
	if (nargs < argc) {
		cmd = argv + nargs + 1;
		if (!*cmd)
			return cli_usage("expected a COMMAND after --");
		argv[nargs] = NULL;	/* the FETCHARGs end there */
	}
	while ((opt = getopt_long(nargs, argv, "+qv" PROBE_SHORT_OPTS SESSION_SHORT_OPTS,
				  longopts, NULL)) != -1) {
		if (opt == OPT_STACK) {
			s.stack = true;
			continue;
		}
		r = session_opt(&s, &lim, opt, optarg);
		if (!r)
			r = probe_opt(&q, opt, optarg);
		if (!r)
			r = tfs_args_opt(&a, opt, optarg);
		if (r < 0)
			return r;
		if (!r)
			return cli_usage("unknown option");
	}
	if (nargs - optind < 2)
		return cli_usage("expected FILE SYMBOL [FETCHARG...] [-- COMMAND...]");
	if (cmd && s.pid > 0)
		return cli_usage("-p and -- COMMAND exclude each other");
	/* a group and an instance of its own */
	snprintf(group, sizeof(group), "upc_trace_%ld", (long)getpid());
	snprintf(instance, sizeof(instance), "uprobectl-%ld", (long)getpid());
	probe_req_words(&q, nargs - optind, argv + optind);
	a.group = q.opts.group = group;
	a.lock = CLI_LOCK_WRITE;
	status = cli_open_group(&a, 0, NULL, &s.t, NULL);
	if (status)
		goto out;
	/* from here a signal ends the session and removes the probe */
	session_signals();
	if (!(p = malloc(sizeof(*p)))) {
		status = cli_explain(-ENOMEM, "trace");
		goto out;
	}
	status = probe_define(s.t, &q, p, &existed);
	if (status)
		goto out;
	added = !existed;
	if (!cli_quiet && upc_probe_format(p, def, sizeof(def)) > 0)
		fprintf(stderr, "uprobectl: tracing %s\n", def);
	if ((status = cli_explain(names_add(&only, p->event), "trace")))
		goto out;
	s.group = group;
	s.only = &only;
	s.instance = instance;
	session_output(&w, group, &only, s.stack);
	if (cmd) {
		if ((status = child_start(&child, cmd)))
			goto out;
		s.pid = child.pid;
		recout_comm(&w, child.pid, strrchr(cmd[0], '/') ? strrchr(cmd[0], '/') + 1 : cmd[0],
			    "command");
	}
	status = session_start(&s);
	if (status == EXIT_OK)
		status = child_release(&child, true);
	if (status == EXIT_OK) {
		session_run(&s, &w, &lim, child.pid, &wstatus, &exited);
		session_summary(&w);
	}
out:
	child_release(&child, false);
	session_end(&s);
	if (added) {
		struct upc_kernel_error k;
		int err = upc_probe_destroy(s.t, group, p->event, true, &k);

		if (err)
			cli_destroy_error(group, p->event, err, &k);
	}
	if (child.pid > 0) {
		int cs = child_status(&child, exited, wstatus);

		if (status == EXIT_OK)
			status = cs;
	}
	session_output_free(&w);
	names_free(&only);
	free(p);
	upc_tracefs_close(s.t);
	return status;
}

const struct cmd cmd_trace = { "trace", trace,
	"probe, stream and clean up in one go (-- COMMAND)", trace_usage };
