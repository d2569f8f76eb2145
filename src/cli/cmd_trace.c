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
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "group.h"
#include "probe_args.h"
#include "session.h"

/*
 * The user's fetch args and the return address, in *out, when they lack
 * it: at a function's first instruction the kernel's stack walk has not
 * reached the caller yet, and --stack splices it in from there.
 */
static int with_ra(char *const *args, char ***out)
{
	static char ra[] = "ra=$ra", upc_ra[] = "upc_ra=$ra";
	bool named_ra = false;
	size_t n;
	char **v;

	for (n = 0; args[n]; n++) {
		if (strstr(args[n], "$ra"))
			return 0;
		named_ra |= !strncmp(args[n], "ra=", 3);
	}
	if (!(v = malloc((n + 2) * sizeof(*v))))
		return -ENOMEM;
	memcpy(v, args, n * sizeof(*v));
	v[n] = named_ra ? upc_ra : ra;
	v[n + 1] = NULL;
	*out = v;
	return 0;
}

/*
 * The return of a Go function: an entry probe at each of its return
 * instructions (never a uretprobe), each defined here, its event in only
 * and in *made (to be removed at the end). 0 when q is no such return,
 * 1 when defined, or -errno (explained; what was defined is in *made).
 */
static int go_returns(struct session *s, const struct probe_req *q, struct upc_probe *p,
		      struct names *only, struct names *made)
{
	struct upc_elf *elf = NULL;
	struct upc_match *m = NULL;
	char path[PATH_MAX], def[UPC_DEF_MAX];
	int n = 0, err = 0;
	bool existed;

	if (!q->opts.ret || probe_open(q, path, &elf))
		goto out;	/* not one: the usual probe (refused there) */
	if ((n = upc_go_return_matches(elf, q->spec, &m)) <= 0) {
		err = n;
		goto out;
	}
	for (int i = 0; i < n; i++) {
		err = probe_describe_in(q, s->t, elf, m[i].spec, m[i].event, p);
		if (!err)
			err = probe_existing(s->t, p, &existed);
		if (!err && !existed && !(err = probe_create(s->t, q, p)))
			err = cli_explain(names_add(made, p->event), "trace");
		if (!err)
			err = cli_explain(names_add(only, p->event), "trace");
		if (err)
			goto out;
		if (!cli_quiet && upc_probe_format(p, def, sizeof(def)) > 0)
			fprintf(stderr, "uprobectl: tracing %s (a return of the Go function)\n", def);
	}
	err = 1;
out:
	upc_matches_free(m, n > 0 ? n : 0);
	upc_elf_close(elf);
	return elf ? err : 0;
}

static int trace(int argc, char **argv)
{
	static const struct option longopts[] = {
		PROBE_LONG_OPTS,
		TRACEFS_LONG_OPT,
		{ "json", 0, NULL, OPT_JSON },
		{ "stack", 0, NULL, OPT_STACK },
		{ "folded", 0, NULL, OPT_FOLDED },
		SESSION_LONG_OPTS,
		{ NULL, 0, NULL, 0 },
	};
	/* in .bss, not .data: it is large */
	static struct recout w;
	char group[32], instance[32], def[UPC_DEF_MAX];
	struct probe_req q = PROBE_REQ_INIT;
	struct tfs_args a = TFS_ARGS_INIT;
	struct session s = SESSION_INIT;
	struct session_limits lim = { 0, 0 };
	struct names only = { NULL, 0 }, made = { NULL, 0 };
	struct session_child child = SESSION_CHILD_INIT;
	struct upc_probe *p = NULL;
	char **cmd = NULL;
	int opt, r, status, nargs;
	bool existed;
	char **fetch = NULL;

	/* COMMAND starts after "--" */
	for (nargs = 1; nargs < argc && strcmp(argv[nargs], "--"); nargs++)
		;
	if (nargs < argc) {
		cmd = argv + nargs + 1;
		if (!*cmd)
			return cli_usage("expected a COMMAND after --");
		argv[nargs] = NULL;	/* the FETCHARGs end there */
	}
	while ((opt = cli_getopt(nargs, argv, "+qv" PROBE_SHORT_OPTS SESSION_SHORT_OPTS,
				 longopts)) != -1) {
		if (opt == OPT_STACK || opt == OPT_FOLDED) {
			s.stack = true;
			s.folded |= opt == OPT_FOLDED;
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
			return cli_bad_option(argv);
	}
	if (nargs - optind < 2)
		return cli_usage("expected FILE SYMBOL [FETCHARG...] [-- COMMAND...]");
	if (cmd && s.pid > 0)
		return cli_usage("-p and -- COMMAND exclude each other");
	if (s.folded && cli_json)
		return cli_usage("--folded writes stacks in the folded format, not JSON");
	/* a group and an instance of its own */
	snprintf(group, sizeof(group), "upc_trace_%ld", (long)getpid());
	snprintf(instance, sizeof(instance), "uprobectl-%ld", (long)getpid());
	probe_req_words(&q, nargs - optind, argv + optind);
	q.pid = s.pid;	/* -p: FILE as that process maps it */
	if (s.stack && !q.opts.ret && q.fetchargs &&
	    (status = cli_explain(with_ra(q.fetchargs, &fetch), "trace")))
		goto out;
	q.fetchargs = fetch ? fetch : q.fetchargs;
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
	if ((r = go_returns(&s, &q, p, &only, &made)) < 0) {
		status = r;
		goto out;
	}
	if (!r) {
		status = probe_define(s.t, &q, p, &existed);
		if (status)
			goto out;
		if (!existed && (status = cli_explain(names_add(&made, p->event), "trace")))
			goto out;
		if (!cli_quiet && upc_probe_format(p, def, sizeof(def)) > 0)
			fprintf(stderr, "uprobectl: tracing %s\n", def);
		if ((status = cli_explain(names_add(&only, p->event), "trace")))
			goto out;
	}
	s.group = group;
	s.only = &only;
	s.instance = instance;
	if ((status = session_output(&w, &s, &only)))
		goto out;
	if (cmd) {
		if ((status = session_child_start(&child, cmd)))
			goto out;
		if (s.stack)
			session_child_stacks(&child, &w);
		s.pid = child.pid;
		s.held = true;
		recout_comm(&w, child.pid, strrchr(cmd[0], '/') ? strrchr(cmd[0], '/') + 1 : cmd[0],
			    "command");
	}
	status = session_start(&s);
	if (status == EXIT_OK)
		status = session_child_release(&child, true);
	if (status == EXIT_OK) {
		session_stream(&s, &w, &lim, &child);
		session_summary(&w);
	}
out:
	session_child_release(&child, false);
	session_end(&s);
	for (int i = 0; i < made.n; i++) {
		struct upc_kernel_error k;
		int err = upc_probe_destroy(s.t, group, made.v[i], true, &k);

		if (err)
			cli_destroy_error(group, made.v[i], err, &k);
	}
	if (child.pid > 0) {
		int cs = session_child_status(&child);

		if (status == EXIT_OK)
			status = cs;
	}
	session_output_free(&w);
	names_free(&only);
	names_free(&made);
	free(p);
	free(fetch);
	upc_tracefs_close(s.t);
	return status;
}

const struct cmd cmd_trace = { "trace", trace };
