// SPDX-License-Identifier: MIT
/*
 * uprobectl apply FILE: make the group's events exactly what FILE says, as an
 * init script does at every boot.
 *
 * Every line is parsed and resolved before anything changes. Then, per
 * event: identical definitions are left alone (enabled state included);
 * changed ones (say the traced binary was upgraded and its functions moved)
 * are replaced; missing ones are created; events the file no longer has are
 * deleted. If the kernel refuses a line midway, everything done so far is
 * undone: what was created is deleted, what was deleted is written back from
 * its uprobe_events line, and enabled states are restored.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

const char apply_usage[] =
	"Usage: uprobectl apply [-g GROUP] [--enable|--disable] [--check] [-q]\n"
	"                       [--tracefs DIR] [--wait S] [--sysroot DIR] [--debug-dir DIR] FILE\n"
	"\n"
	"Make the events of GROUP (default " UPC_DEFAULT_GROUP ") exactly what FILE says:\n"
	"create what is missing, replace what changed (a new offset after the\n"
	"binary was rebuilt, other arguments), delete what FILE no longer has, and\n"
	"leave identical events alone with their enabled state. All or nothing:\n"
	"every line is resolved before anything changes, and a refusal by the\n"
	"kernel puts everything back as it was.\n"
	"\n"
	"FILE has one probe per line, written like the arguments of 'uprobectl add':\n"
	"  [-r] [-e EVENT] [--args N] FILE SYMBOL [FETCHARG...]\n"
	"'#' starts a comment; blank lines are ignored; '...' and \"...\" quote;\n"
	"lines may end in CRLF. A file with no probe lines (empty, or only\n"
	"comments) deletes every event of the group. FILE must be a regular file;\n"
	"one that cannot be read whole, or holds a NUL byte, changes nothing.\n"
	"\n"
	"  --enable          enable every event of the group (and tracing_on)\n"
	"  --disable         disable every event of the group\n"
	"  --check           change nothing: print the difference, exit 0 when in\n"
	"                    sync and 1 when not\n"
	"Exit status: 0 applied (or in sync), 1 failure or not in sync (--check),\n"
	"2 usage error or a bad line (nothing changed).\n";

#define MAX_LINES 1024
#define MAX_TOKENS 140

struct want {
	struct add_req q;
	struct probe_desc d;
	int line;
	char *argv[MAX_TOKENS];
	char text[4096];		/* the tokens, NUL-separated */
	enum { KEEP, CREATE, REPLACE } action;
	bool was_enabled, created;
};

struct have {
	char event[64];
	char line[8400];		/* its uprobe_events line: a definition */
	bool wanted, deleted, enabled;
};

struct state {
	struct have *v;
	int n, cap;
	const char *group;
};

static int collect_have(const struct upc_probe_entry *p, void *ctx)
{
	struct state *s = ctx;
	struct have *h;

	if (s->n == s->cap) {
		void *nv = realloc(s->v, (size_t)(s->cap = s->cap ? s->cap * 2 : 16) * sizeof(*s->v));

		if (!nv)
			return -ENOMEM;
		s->v = nv;
	}
	h = &s->v[s->n++];
	memset(h, 0, sizeof(*h));
	snprintf(h->event, sizeof(h->event), "%s", p->event);
	snprintf(h->line, sizeof(h->line), "%c:%s/%s %s:0x%llx%s%s", p->kind, p->group, p->event,
		 p->path, (unsigned long long)p->offset, p->args[0] ? " " : "", p->args);
	return 0;
}

/* Split a line into tokens: blanks separate, quotes group, '#' ends it. */
static int tokenize(const char *line, struct want *w)
{
	char *o = w->text, *end = w->text + sizeof(w->text) - 1;
	int n = 0;

	for (const char *p = line; *p;) {
		char quote = 0;

		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#' || *p == '\n')
			break;
		if (n == MAX_TOKENS - 1)
			return -E2BIG;
		w->argv[n++] = o;
		for (; *p && *p != '\n' &&
		       (quote || (*p != ' ' && *p != '\t' && *p != '\r' && *p != '#')); p++) {
			if (!quote && (*p == '\'' || *p == '"')) {
				quote = *p;
				continue;
			}
			if (quote && *p == quote) {
				quote = 0;
				continue;
			}
			if (o == end)
				return -E2BIG;
			*o++ = *p;
		}
		if (quote)
			return -EINVAL;
		if (o == end)
			return -E2BIG;
		*o++ = '\0';
	}
	w->argv[n] = NULL;
	return n;
}

/* [-r] [-e EVENT] [--args N] FILE SYMBOL [FETCHARG...] */
static int parse_want(struct want *w, int argc)
{
	int i = 0;

	w->q.nargs = 4;
	for (; i < argc && w->argv[i][0] == '-'; i++) {
		if (!strcmp(w->argv[i], "-r")) {
			w->q.ret = true;
		} else if (!strcmp(w->argv[i], "-e") && i + 1 < argc) {
			w->q.event = w->argv[++i];
		} else if (!strcmp(w->argv[i], "--args") && i + 1 < argc) {
			if (!parse_nargs(w->argv[++i], &w->q.nargs)) {
				cli_err("--args takes a number from 0 to %d", UPC_MAX_ARGS);
				return EXIT_USAGE;
			}
		} else {
			cli_err("'%s': a probe line takes -r, -e EVENT and --args N, then FILE "
				"SYMBOL [FETCHARG...]", w->argv[i]);
			return EXIT_USAGE;
		}
	}
	if (argc - i < 2) {
		cli_err("expected FILE SYMBOL [FETCHARG...]");
		return EXIT_USAGE;
	}
	add_req_args(&w->q, argc - i, w->argv + i);
	return EXIT_OK;
}

static struct have *find_have(struct state *s, const char *event, int *count)
{
	struct have *first = NULL;

	*count = 0;
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].event, event)) {
			(*count)++;
			if (!first)
				first = &s->v[i];
		}
	return first;
}

/* Is entry i the first probe of its event? (an event may have several) */
static bool first_of(const struct state *s, int i)
{
	for (int j = 0; j < i; j++)
		if (!strcmp(s->v[j].event, s->v[i].event))
			return false;
	return true;
}

static void set_enable(struct upc_tracefs *t, const char *group, const char *event, bool on)
{
	upc_event_set_enable(t, NULL, group, event, on);
}

/* The group's probes and their enabled states. */
static int read_state(struct upc_tracefs *t, const char *group, struct state *st)
{
	int err = upc_probe_foreach(t, group, collect_have, st);

	for (int i = 0; err >= 0 && i < st->n; i++)
		st->v[i].enabled = upc_event_get_enable(t, NULL, group, st->v[i].event) > 0;
	return err < 0 ? err : 0;
}

/* Read the group again into now: is it exactly s (every line, every
 * enabled state)? */
static bool group_is(struct upc_tracefs *t, const char *group, const struct state *s,
		     struct state *now)
{
	bool same = !read_state(t, group, now) && now->n == s->n;

	for (int i = 0; same && i < s->n; i++)
		same = !strcmp(now->v[i].line, s->v[i].line) && now->v[i].enabled == s->v[i].enabled;
	return same;
}

/* Put back what was changed before the refusal, then read the group again:
 * true when it is exactly as it was (every line, every enabled state),
 * else say what it holds now. */
static bool rollback(struct upc_tracefs *t, const char *group, struct want *w, int nw,
		     struct state *s)
{
	struct state now = { NULL, 0, 0, group };
	bool same;

	for (int i = 0; i < nw; i++)
		if (w[i].created) {
			set_enable(t, group, w[i].d.event, false);
			upc_probe_delete(t, group, w[i].d.event, NULL);
		}
	for (int i = 0; i < s->n; i++) {
		if (!s->v[i].deleted)
			continue;
		if (upc_tracefs_append(t, "uprobe_events", s->v[i].line, NULL))
			cli_err("putting back '%s' failed", s->v[i].line);
		else if (s->v[i].enabled)
			set_enable(t, group, s->v[i].event, true);
	}
	same = group_is(t, group, s, &now);
	if (!same) {
		cli_err("putting the group back failed; group %s now holds %d probe%s:", group,
			now.n, now.n == 1 ? "" : "s");
		for (int i = 0; i < now.n; i++)
			cli_err("  %s%s", now.v[i].line,
				upc_event_get_enable(t, NULL, group, now.v[i].event) > 0
					? " (enabled)" : "");
	}
	free(now.v);
	return same;
}

/* The whole probe file, or an error: never less than all of it, since a
 * short read would delete what the rest of the file defines. Only regular
 * files (a FIFO without a writer would block a boot forever); a NUL byte
 * is refused, naming its line (*nul_line). */
static int read_conf(const char *path, char **buf, int *nul_line)
{
	size_t cap = 65536, n = 0;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), err = 0;
	struct stat st;
	ssize_t r;
	char *z;

	*buf = NULL;
	*nul_line = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	*buf = malloc(cap);
	if (!*buf) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		r = read(fd, *buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			goto out;
		}
		if (!r)
			break;
		n += (size_t)r;
		if (n + 1 == cap) {
			err = -EFBIG;
			goto out;
		}
	}
	(*buf)[n] = '\0';
	if ((z = memchr(*buf, '\0', n))) {
		*nul_line = 1;
		for (const char *c = *buf; c < z; c++)
			*nul_line += *c == '\n';
		err = -EILSEQ;
	}
out:
	close(fd);
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	return err;
}

int cmd_apply(int argc, char **argv)
{
	static const struct option longopts[] = {
		ELF_LONG_OPTS,
		TRACEFS_LONG_OPT,
		{ "enable", 0, NULL, OPT_ENABLE },
		{ "disable", 0, NULL, OPT_DISABLE },
		{ "check", 0, NULL, OPT_CHECK },
		{ NULL, 0, NULL, 0 },
	};
	struct tfs_args a = TFS_ARGS_INIT;
	struct elf_args ea = { .opts = { .sz = 0 } };
	struct state s = { NULL, 0, 0, NULL }, first = { NULL, 0, 0, NULL },
		     now = { NULL, 0, 0, NULL };
	struct upc_tracefs *t = NULL;
	struct want *w = NULL;
	int nw = 0, opt, status, lineno = 0, created = 0, replaced = 0, deleted = 0, kept = 0;
	bool enable = false, disable = false, check = false;
	char *conf = NULL, ctx[600];
	int err, nul_line;
	sigset_t block, old_mask;
	bool blocked = false;
	const char *file;

	while ((opt = getopt_long(argc, argv, "qvg:", longopts, NULL)) != -1) {
		if (elf_args_opt(&ea, opt, optarg))
			continue;
		if (opt == OPT_ENABLE)
			enable = true;
		else if (opt == OPT_DISABLE)
			disable = true;
		else if (opt == OPT_CHECK)
			check = true;
		else if (opt == OPT_JSON || !tfs_args_opt(&a, opt, optarg))
			return cli_usage("unknown option");
	}
	if (argc - optind != 1)
		return cli_usage("expected one FILE");
	if (enable && disable)
		return cli_usage("--enable and --disable exclude each other");
	file = argv[optind];
	s.group = a.group;
	/* the whole read-plan-write under the group's lock; --check reads */
	a.lock = check ? CLI_LOCK_READ : CLI_LOCK_WRITE;
	status = cli_open_group(&a, 0, NULL, &t, NULL);
	if (status)
		goto out;
	/* the group as it is before anything is resolved */
	if ((err = read_state(t, a.group, &first))) {
		status = cli_fail(err, "uprobe_events");
		goto out;
	}
	err = read_conf(file, &conf, &nul_line);
	if (err == -EILSEQ) {
		cli_err("%s:%d: a NUL byte: not a probe file (nothing was changed)", file,
			nul_line);
		status = EXIT_USAGE;
		goto out;
	}
	if (err) {
		cli_err("%s: %s (nothing was changed)", file,
			err == -EINVAL ? "not a regular file" : strerror(-err));
		status = EXIT_FAIL;
		goto out;
	}
	status = EXIT_FAIL;
	w = calloc(MAX_LINES, sizeof(*w));
	if (!w)
		goto out;

	/* 1. every line parsed and resolved: nothing changes before this ends */
	status = EXIT_USAGE;
	for (char *l = conf, *nl; l && *l; l = nl ? nl + 1 : NULL) {
		struct want *x = &w[nw];
		int n;

		nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		snprintf(ctx, sizeof(ctx), "%s:%d: ", file, lineno);
		cli_set_context(ctx);
		n = tokenize(l, x);
		if (n == 0)
			continue;
		if (n < 0) {
			cli_err(n == -EINVAL ? "a quote is not closed" : "the line is too long");
			goto out;
		}
		if (nw == MAX_LINES - 1) {
			cli_err("more than %d probes", MAX_LINES - 1);
			goto out;
		}
		x->line = lineno;
		x->q.group = a.group;
		x->q.elf = ea;
		if (parse_want(x, n) || cli_describe_probe(&x->q, t, &x->d))
			goto out;
		for (int k = 0; k < nw; k++)
			if (!strcmp(w[k].d.event, x->d.event)) {
				cli_err("event %s is already defined on line %d (name one with -e)",
					x->d.event, w[k].line);
				goto out;
			}
		nw++;
	}
	cli_set_context(NULL);

	/* 2. what is there now, and what has to change. No other uprobectl
	 * changes the group while we hold its lock, but another tool (perf
	 * probe, a shell's echo) may: if it did while the file was resolved,
	 * it is at work on this group right now, and the plan would mix. */
	status = EXIT_FAIL;
	if (!group_is(t, a.group, &first, &s)) {
		cli_err("group %s changed while %s was being resolved (another tool wrote "
			"uprobe_events): nothing was changed; run again", a.group, file);
		goto out;
	}
	for (int i = 0; i < nw; i++) {
		struct upc_probe_entry *pe = malloc(sizeof(*pe));
		int count;
		struct have *h = find_have(&s, w[i].d.event, &count);

		if (!pe)
			goto out;
		w[i].action = CREATE;
		if (h) {
			upc_probe_parse_line(h->line, strlen(h->line), pe);
			w[i].action = count == 1 && probe_matches(&w[i].d, pe) ? KEEP : REPLACE;
			w[i].was_enabled = h->enabled;
			for (int k = 0; k < s.n; k++)
				if (!strcmp(s.v[k].event, w[i].d.event))
					s.v[k].wanted = w[i].action == KEEP;
		}
		free(pe);
	}
	if (check) {
		bool same = true;

		for (int i = 0; i < s.n; i++)
			if (!s.v[i].wanted) {
				printf("- %s\n", s.v[i].line);
				same = false;
			}
		for (int i = 0; i < nw; i++)
			if (w[i].action != KEEP) {
				printf("+ %s\n", w[i].d.def);
				same = false;
			}
		if (same && !cli_quiet)
			printf("%s: in sync with group %s (%d events)\n", file, a.group, nw);
		status = same ? EXIT_OK : EXIT_FAIL;
		goto out;
	}

	/* and once more, just before the plan is written */
	if (!group_is(t, a.group, &s, &now)) {
		cli_err("group %s changed while the changes were planned (another tool wrote "
			"uprobe_events): nothing was changed; run again", a.group);
		goto out;
	}

	/* 3. delete what goes or changes, create what comes or changed; a
	 * signal now would leave the group half-changed: it waits until the
	 * group is whole again (the new file's, or the old one put back) */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, &old_mask);
	blocked = true;
	for (int i = 0; i < s.n; i++) {
		struct upc_kernel_error k;

		if (s.v[i].wanted || !first_of(&s, i))
			continue;	/* one delete takes every probe of an event */
		if (s.v[i].enabled)
			set_enable(t, a.group, s.v[i].event, false);
		err = upc_probe_delete(t, a.group, s.v[i].event, &k);
		if (err) {
			cli_kernel_error(s.v[i].event, err, &k, NULL, 0);
			if (s.v[i].enabled)
				set_enable(t, a.group, s.v[i].event, true);
			if (rollback(t, a.group, w, nw, &s))
				cli_err("%s: nothing was changed", file);
			goto out;
		}
		for (int j = i; j < s.n; j++)
			if (!strcmp(s.v[j].event, s.v[i].event))
				s.v[j].deleted = true;
	}
	for (int i = 0; i < nw; i++) {
		if (w[i].action == KEEP) {
			kept++;
			continue;
		}
		snprintf(ctx, sizeof(ctx), "%s:%d: ", file, w[i].line);
		cli_set_context(ctx);
		if (cli_write_probe(t, &w[i].q, &w[i].d)) {
			cli_set_context(NULL);
			if (rollback(t, a.group, w, nw, &s))
				cli_err("%s: nothing was changed", file);
			goto out;
		}
		cli_set_context(NULL);
		w[i].created = true;
		w[i].action == CREATE ? created++ : replaced++;
	}
	for (int i = 0; i < s.n; i++) {
		bool desired = false;

		for (int k = 0; k < nw; k++)
			desired |= !strcmp(w[k].d.event, s.v[i].event);
		deleted += first_of(&s, i) && !desired;
	}

	/* 4. enabled states: as asked, else as they were */
	for (int i = 0; i < nw; i++) {
		bool on = enable || (!disable && w[i].action != CREATE && w[i].was_enabled);

		if (enable || disable || (w[i].action == REPLACE && on))
			set_enable(t, a.group, w[i].d.event, on);
	}
	if (enable && upc_tracing_on(t, NULL, 1))
		cli_warn("could not turn tracing_on on");
	if (!cli_quiet)
		printf("%s: %d created, %d replaced, %d deleted, %d unchanged\n", file, created,
		       replaced, deleted, kept);
	status = EXIT_OK;
out:
	if (blocked)
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
	cli_set_context(NULL);
	free(conf);
	free(w);
	free(s.v);
	free(first.v);
	free(now.v);
	upc_tracefs_close(t);
	return status;
}
