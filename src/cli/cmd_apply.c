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
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "group.h"
#include "probe_args.h"

#define MAX_LINES 1024
#define MAX_TOKENS 140
#define MAX_FILE (16u << 20)

/* A line of the file: the probe it asks for. */
struct want {
	struct probe_req q;
	struct upc_probe p;
	int line;
	char *argv[MAX_TOKENS];		/* argv[0] is getopt's: not a token */
	char text[4096];		/* the tokens, NUL-separated */
	enum { KEEP, CREATE, REPLACE, EXTRAS } action;
	bool was_enabled, created, retuned;
	int have;			/* its event in the group as it is, or -1 */
	/* what the kernel keeps for the event besides its definition */
	struct extras {
		char filter[512];
		char triggers[512];	/* one per line */
	} x;
};

/* A probe of the group as it is. */
struct have {
	struct upc_probe p;
	bool wanted, deleted, enabled;
	struct extras x;
};

struct state {
	struct have *v;
	int n, cap;
};

struct apply {
	const char *file, *group;
	struct upc_elf_opts elf;
	struct upc_tracefs *t;
	struct want *w;
	int nw;
	struct state first;		/* before the file was resolved */
	struct state s;			/* just before the plan is made */
	int created, replaced, deleted, kept, updated;
};

static int collect_have(const struct upc_probe *p, void *ctx)
{
	struct state *s = ctx;

	if (s->n == s->cap) {
		void *nv = realloc(s->v, (size_t)(s->cap = s->cap ? s->cap * 2 : 16) * sizeof(*s->v));

		if (!nv)
			return cli_explain(-ENOMEM, "the group's probes");
		s->v = nv;
	}
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
	s->v[s->n++].p = *p;
	return 0;
}

/* An event's filter and triggers as the kernel has them. */
static void read_extras(struct upc_tracefs *t, const char *group, const char *event,
			struct extras *x)
{
	if (upc_event_filter(t, group, event, x->filter, sizeof(x->filter)) < 0)
		x->filter[0] = '\0';
	if (upc_event_triggers(t, group, event, x->triggers, sizeof(x->triggers)) < 0)
		x->triggers[0] = '\0';
}

static bool same_extras(const struct extras *a, const struct extras *b)
{
	return !strcmp(a->filter, b->filter) && !strcmp(a->triggers, b->triggers);
}

/* Give the event these extras: old triggers out, the filter, new ones in. */
static int set_extras(struct upc_tracefs *t, const char *group, const char *event,
		      const struct extras *from, const struct extras *to)
{
	char trig[sizeof(to->triggers)];
	int err = 0;

	if (from && from->triggers[0])
		upc_event_clear_triggers(t, group, event);	/* the group is ours */
	if ((from && from->filter[0]) || to->filter[0])
		err = upc_event_set_filter(t, group, event, to->filter);
	snprintf(trig, sizeof(trig), "%s", to->triggers);
	for (char *l = trig, *nl; !err && (nl = strchr(l, '\n')); l = nl + 1) {
		*nl = '\0';
		err = upc_event_trigger(t, group, event, l, true);
	}
	if (err)
		cli_err("%s/%s: the kernel refused its %s: %s", group, event,
			to->filter[0] ? "filter or trigger" : "trigger", strerror(-err));
	return err;
}

/* The group's probes, their enabled states, filters and triggers. */
static int read_state(struct upc_tracefs *t, const char *group, struct state *st)
{
	int err;

	st->n = 0;
	err = upc_probe_foreach(t, group, collect_have, st);
	for (int i = 0; err >= 0 && i < st->n; i++) {
		st->v[i].enabled = upc_event_get_enable(t, NULL, group, st->v[i].p.event) > 0;
		read_extras(t, group, st->v[i].p.event, &st->v[i].x);
	}
	return err < 0 ? err : 0;
}

/* Read the group again into now: is it exactly s (every probe, every
 * enabled state)? */
static bool group_is(struct upc_tracefs *t, const char *group, const struct state *s,
		     struct state *now)
{
	bool same = !read_state(t, group, now) && now->n == s->n;

	for (int i = 0; same && i < s->n; i++)
		same = upc_probe_equal(&now->v[i].p, &s->v[i].p) &&
		       now->v[i].enabled == s->v[i].enabled && same_extras(&now->v[i].x, &s->v[i].x);
	return same;
}

/* Is entry i the first probe of its event? (an event may have several) */
static bool first_of(const struct state *s, int i)
{
	for (int j = 0; j < i; j++)
		if (!strcmp(s->v[j].p.event, s->v[i].p.event))
			return false;
	return true;
}

/* p's definition in buf (UPC_DEF_MAX bytes) */
static const char *def_of(const struct upc_probe *p, char *buf)
{
	if (upc_probe_format(p, buf, UPC_DEF_MAX) < 0)
		snprintf(buf, UPC_DEF_MAX, "%s/%s", p->group, p->event);
	return buf;
}

/* ---- read: the whole file, or nothing ---- */

/* Never less than all of the file, since a short read would delete what
 * the rest of it defines. Only regular files (a FIFO without a writer
 * would block a boot forever); a NUL byte is refused, naming its line. */
static int read_probe_file(const char *file, char **conf)
{
	const char *z;
	size_t len;
	int err = upc_read_file(file, MAX_FILE, true, conf, &len), line = 1;

	if (err) {
		cli_err("%s: %s (nothing was changed)", file,
			err == -ESPIPE ? "not a regular file" : strerror(-err));
		return err;
	}
	if ((z = memchr(*conf, '\0', len))) {
		for (const char *c = *conf; c < z; c++)
			line += *c == '\n';
		cli_err("%s:%d: a NUL byte: not a probe file (nothing was changed)", file, line);
		return -EILSEQ;
	}
	return 0;
}

/* ---- plan: every line parsed and resolved; nothing changes yet ---- */

/* Split a line into tokens: blanks separate, quotes group, '#' ends it. */
static int tokenize(const char *line, struct want *w)
{
	char *o = w->text, *end = w->text + sizeof(w->text) - 1;
	int n = 1;

	w->argv[0] = (char *)"apply";
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

/* [-r] [-e EVENT] [--args N] [--filter EXPR] [--count] [--hist NAME] FILE
 * SYMBOL [FETCHARG...]: add's arguments, and what the kernel keeps for the
 * event (checked once the probe is known, in plan_line) */
static int parse_want(struct want *w, int argc, const char **filter, bool *count,
		      const char **hist)
{
	static const struct option longopts[] = {
		{ "args", 1, NULL, OPT_ARGS },
		{ "filter", 1, NULL, OPT_FILTER },
		{ "count", 0, NULL, OPT_COUNT },
		{ "hist", 1, NULL, OPT_HIST },
		{ NULL, 0, NULL, 0 },
	};
	int opt, r;

	optind = 0;	/* getopt starts afresh on every line */
	opterr = 0;
	while ((opt = cli_getopt(argc, w->argv, "+:" PROBE_SHORT_OPTS, longopts)) != -1) {
		r = 1;
		if (opt == OPT_FILTER)
			*filter = optarg;
		else if (opt == OPT_COUNT)
			*count = true;
		else if (opt == OPT_HIST)
			*hist = optarg;
		else
			r = opt == '?' || opt == ':' ? 0 : probe_opt(&w->q, opt, optarg);
		if (r < 0)
			return r;
		if (!r) {
			cli_err("'%s': a probe line takes -r, -e EVENT, --args N, --filter EXPR, "
				"--count and --hist NAME, then FILE SYMBOL [FETCHARG...]",
				w->argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (argc - optind < 2) {
		cli_err("expected FILE SYMBOL [FETCHARG...]");
		return -EINVAL;
	}
	probe_req_words(&w->q, argc - optind, w->argv + optind);
	return 0;
}

/* The filter and the kept counts a line asks for, checked against its
 * probe: the kernel sees nothing it would refuse. */
static int want_extras(struct apply *ap, struct want *w, const char *filter, bool count,
		       const char *hist)
{
	int err;

	if (filter) {
		if ((err = upc_filter_check(&w->p, filter)))
			return err;
		snprintf(w->x.filter, sizeof(w->x.filter), "%s", filter);
	}
	if (!count && !hist)
		return 0;
	if (!(upc_tracefs_features(ap->t) & UPC_HIST_TRIGGERS)) {
		cli_err("--count and --hist keep their counts in the kernel, and this kernel has "
			"no hist triggers (CONFIG_HIST_TRIGGERS); 'uprobectl count' counts in "
			"user space");
		return -EINVAL;
	}
	if (hist && !upc_probe_has_field(&w->p, hist)) {
		cli_err("--hist %s: the probe fetches no argument named %s (add '%s=EXPR')", hist,
			hist, hist);
		return -EINVAL;
	}
	/* written as the kernel lists them, so a second apply finds them the same */
	snprintf(w->x.triggers, sizeof(w->x.triggers), "%s%s%s%s",
		 count ? "hist:keys=common_pid.execname:vals=hitcount:sort=hitcount:size=2048\n" : "",
		 hist ? "hist:keys=" : "", hist ? hist : "",
		 hist ? ":vals=hitcount:sort=hitcount:size=16384\n" : "");
	return 0;
}

static int plan_line(struct apply *ap, char *l, int lineno)
{
	struct want *x = &ap->w[ap->nw];
	int n = tokenize(l, x), err;
	const char *filter = NULL, *hist = NULL;
	bool count = false;

	if (n == 1)
		return 0;
	if (n < 0) {
		cli_err(n == -EINVAL ? "a quote is not closed" : "the line is too long");
		return -EINVAL;
	}
	if (ap->nw == MAX_LINES - 1) {
		cli_err("more than %d probes", MAX_LINES - 1);
		return -EINVAL;
	}
	x->line = lineno;
	x->q = (struct probe_req)PROBE_REQ_INIT;
	x->q.elf = ap->elf;
	x->q.opts.group = ap->group;
	if ((err = parse_want(x, n, &filter, &count, &hist)) ||
	    (err = probe_describe(&x->q, ap->t, &x->p, NULL)) ||
	    (err = want_extras(ap, x, filter, count, hist)))
		return err;
	for (int k = 0; k < ap->nw; k++)
		if (!strcmp(ap->w[k].p.event, x->p.event)) {
			cli_err("event %s is already defined on line %d (name one with -e)",
				x->p.event, ap->w[k].line);
			return -EINVAL;
		}
	ap->nw++;
	return 0;
}

static int plan(struct apply *ap, char *conf)
{
	char ctx[600];
	int lineno = 0, err = 0;

	for (char *l = conf, *nl; !err && l && *l; l = nl ? nl + 1 : NULL) {
		nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		snprintf(ctx, sizeof(ctx), "%s:%d: ", ap->file, ++lineno);
		cli_set_context(ctx);
		err = plan_line(ap, l, lineno);
	}
	cli_set_context(NULL);
	return err;
}

/* ---- diff: what is there, against what the file wants ---- */

static void diff(struct apply *ap)
{
	struct state *s = &ap->s;

	for (int i = 0; i < ap->nw; i++) {
		struct want *w = &ap->w[i];
		int count = 0, first = -1;

		for (int k = 0; k < s->n; k++)
			if (!strcmp(s->v[k].p.event, w->p.event) && count++ == 0)
				first = k;
		w->action = CREATE;
		w->have = first;
		if (first < 0)
			continue;
		w->action = count == 1 && upc_probe_equal(&w->p, &s->v[first].p) ? KEEP : REPLACE;
		if (w->action == KEEP && !same_extras(&w->x, &s->v[first].x))
			w->action = EXTRAS;	/* the same probe, another filter or trigger */
		w->was_enabled = s->v[first].enabled;
		for (int k = 0; k < s->n; k++)
			if (!strcmp(s->v[k].p.event, w->p.event))
				s->v[k].wanted = w->action == KEEP || w->action == EXTRAS;
	}
	for (int i = 0; i < ap->nw; i++)
		ap->kept += ap->w[i].action == KEEP;
}

/* --check: the difference; true when in sync */
static bool print_diff(const struct apply *ap)
{
	char def[UPC_DEF_MAX];
	bool same = true;

	for (int i = 0; i < ap->s.n; i++)
		if (!ap->s.v[i].wanted) {
			printf("- %s\n", def_of(&ap->s.v[i].p, def));
			same = false;
		}
	for (int i = 0; i < ap->nw; i++) {
		const struct extras *x = &ap->w[i].x;

		if (ap->w[i].action == KEEP)
			continue;
		printf("%c %s", ap->w[i].action == EXTRAS ? '~' : '+', def_of(&ap->w[i].p, def));
		if (x->filter[0])
			printf("  [filter: %s]", x->filter);
		for (const char *t = x->triggers; *t; t += strcspn(t, "\n") + 1)
			printf("  [%.*s]", (int)strcspn(t, "\n"), t);
		putchar('\n');
		same = false;
	}
	return same;
}

/* ---- commit, or roll back ---- */

/* Put back what was changed before the refusal, then read the group again:
 * true when it is exactly as it was (every probe, every enabled state),
 * else say what it holds now. */
static bool rollback(struct apply *ap)
{
	struct state now = { NULL, 0, 0 };
	struct state *s = &ap->s;
	char def[UPC_DEF_MAX];
	bool same;

	for (int i = 0; i < ap->nw; i++) {
		if (ap->w[i].created)
			upc_probe_destroy(ap->t, ap->group, ap->w[i].p.event, true, NULL);
		if (ap->w[i].retuned)
			set_extras(ap->t, ap->group, ap->w[i].p.event, &ap->w[i].x,
				   &s->v[ap->w[i].have].x);
	}
	for (int i = 0; i < s->n; i++) {
		if (!s->v[i].deleted)
			continue;
		if (upc_probe_create(ap->t, &s->v[i].p, NULL)) {
			cli_err("putting back '%s' failed", def_of(&s->v[i].p, def));
			continue;
		}
		if (first_of(s, i))
			set_extras(ap->t, ap->group, s->v[i].p.event, NULL, &s->v[i].x);
		if (s->v[i].enabled)
			upc_event_set_enable(ap->t, NULL, ap->group, s->v[i].p.event, true);
	}
	same = group_is(ap->t, ap->group, s, &now);
	if (!same) {
		cli_err("putting the group back failed; group %s now holds %d probe%s:",
			ap->group, now.n, now.n == 1 ? "" : "s");
		for (int i = 0; i < now.n; i++)
			cli_err("  %s%s", def_of(&now.v[i].p, def),
				now.v[i].enabled ? " (enabled)" : "");
	}
	free(now.v);
	return same;
}

static int fail_rolled_back(struct apply *ap, int err)
{
	if (rollback(ap))
		cli_err("%s: nothing was changed", ap->file);
	return err;
}

/* Delete what goes or changes, create what comes or changed. */
static int commit(struct apply *ap)
{
	struct state *s = &ap->s;
	char ctx[600];
	int err;

	for (int i = 0; i < s->n; i++) {
		struct upc_kernel_error k;

		if (s->v[i].wanted || !first_of(s, i))
			continue;	/* one delete takes every probe of an event */
		/* at the top level, where apply enables; enabled in an
		 * instance (a stream), the kernel refuses and all is undone */
		if (s->v[i].enabled)
			upc_event_set_enable(ap->t, NULL, ap->group, s->v[i].p.event, false);
		set_extras(ap->t, ap->group, s->v[i].p.event, &s->v[i].x, &(struct extras){ "", "" });
		err = upc_probe_destroy(ap->t, ap->group, s->v[i].p.event, false, &k);
		if (err) {
			err = cli_destroy_error(ap->group, s->v[i].p.event, err, &k);
			if (s->v[i].enabled)
				upc_event_set_enable(ap->t, NULL, ap->group, s->v[i].p.event, true);
			return fail_rolled_back(ap, err);
		}
		for (int j = i; j < s->n; j++)
			if (!strcmp(s->v[j].p.event, s->v[i].p.event))
				s->v[j].deleted = true;
		ap->deleted++;
	}
	for (int i = 0; i < ap->nw; i++) {
		struct want *w = &ap->w[i];

		if (w->action == KEEP)
			continue;
		snprintf(ctx, sizeof(ctx), "%s:%d: ", ap->file, w->line);
		cli_set_context(ctx);
		if (w->action == EXTRAS) {
			err = set_extras(ap->t, ap->group, w->p.event, &s->v[w->have].x, &w->x);
			w->retuned = true;
			ap->updated++;
		} else {
			err = probe_create(ap->t, &w->q, &w->p);
			w->created = !err;
			if (!err && (w->x.filter[0] || w->x.triggers[0]))
				err = set_extras(ap->t, ap->group, w->p.event, NULL, &w->x);
			if (!err)
				w->action == CREATE ? ap->created++ : ap->replaced++;
		}
		cli_set_context(NULL);
		if (err)
			return fail_rolled_back(ap, err);
	}
	/* a replaced event was deleted above and is counted there */
	ap->deleted -= ap->replaced;
	return 0;
}

/* Enabled states: as asked, else as they were. */
static void set_enabled(struct apply *ap, bool enable, bool disable)
{
	for (int i = 0; i < ap->nw; i++) {
		struct want *w = &ap->w[i];
		bool on = enable || (!disable && w->action != CREATE && w->was_enabled);

		if (enable || disable || (w->action == REPLACE && on))
			upc_event_set_enable(ap->t, NULL, ap->group, w->p.event, on);
	}
	if (enable && upc_tracing_on(ap->t, NULL, 1))
		cli_warn("could not turn tracing_on on");
}

static int apply(int argc, char **argv)
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
	struct apply ap = { .elf = { .sz = sizeof(struct upc_elf_opts) } };
	struct state now = { NULL, 0, 0 };
	bool enable = false, disable = false, check = false;
	sigset_t block, old_mask;
	int opt, r, err, status;
	char *conf = NULL;
	while ((opt = cli_getopt(argc, argv, "qvg:", longopts)) != -1) {
		if (elf_opt(&ap.elf, opt, optarg))
			continue;
		if (opt == OPT_ENABLE)
			enable = true;
		else if (opt == OPT_DISABLE)
			disable = true;
		else if (opt == OPT_CHECK)
			check = true;
		else if ((r = tfs_args_opt(&a, opt, optarg)) != 1)
			return r ? r : cli_bad_option(argv);
	}
	if (argc - optind != 1)
		return cli_usage("expected one FILE");
	if (enable && disable)
		return cli_usage("--enable and --disable exclude each other");
	ap.file = argv[optind];
	ap.group = a.group;
	/* the whole read-plan-write under the group's lock; --check reads */
	a.lock = check ? CLI_LOCK_READ : CLI_LOCK_WRITE;
	status = cli_open_group(&a, 0, NULL, &ap.t, NULL);
	if (status)
		goto out;
	/* the group as it is before anything is resolved */
	if ((err = read_state(ap.t, ap.group, &ap.first))) {
		status = err;
		goto out;
	}
	if ((status = read_probe_file(ap.file, &conf)))
		goto out;
	if (!(ap.w = calloc(MAX_LINES, sizeof(*ap.w)))) {
		status = cli_explain(-ENOMEM, "apply");
		goto out;
	}
	if ((status = plan(&ap, conf)))
		goto out;
	/* No other uprobectl changes the group while we hold its lock, but
	 * another tool (perf probe, a shell's echo) may: if it did while the
	 * file was resolved, it is at work on this group right now, and the
	 * plan would mix. */
	status = EXIT_FAIL;
	if (!group_is(ap.t, ap.group, &ap.first, &ap.s)) {
		cli_err("group %s changed while %s was being resolved (another tool wrote "
			"uprobe_events): nothing was changed; run again", ap.group, ap.file);
		goto out;
	}
	diff(&ap);
	if (check) {
		bool same = print_diff(&ap);

		if (same && !cli_quiet)
			printf("%s: in sync with group %s (%d events)\n", ap.file, ap.group, ap.nw);
		status = same ? EXIT_OK : EXIT_FAIL;
		goto out;
	}
	/* and once more, just before the plan is written */
	if (!group_is(ap.t, ap.group, &ap.s, &now)) {
		cli_err("group %s changed while the changes were planned (another tool wrote "
			"uprobe_events): nothing was changed; run again", ap.group);
		goto out;
	}
	/* a signal now would leave the group half-changed: it waits until the
	 * group is whole again (the new file's, or the old one put back) */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, &old_mask);
	status = commit(&ap);
	if (status == EXIT_OK)
		set_enabled(&ap, enable, disable);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (status == EXIT_OK && !cli_quiet)
		printf("%s: %d created, %d replaced, %d deleted, %d unchanged, %d with new filters "
		       "or counts\n", ap.file, ap.created, ap.replaced, ap.deleted, ap.kept,
		       ap.updated);
out:
	free(conf);
	free(ap.w);
	free(ap.s.v);
	free(ap.first.v);
	free(now.v);
	upc_tracefs_close(ap.t);
	return status;
}

const struct cmd cmd_apply = { "apply", apply };
