// SPDX-License-Identifier: MIT
/*
 * uprobectl metrics: the group's numbers in the Prometheus text format, for
 * node_exporter's textfile collector (or any scraper of the format): hits
 * per probe from uprobe_profile, and what apply --count and --hist keep in
 * the kernel, calls per process and histograms of values. Written whole:
 * to a temporary file renamed over FILE, so a scrape never reads half.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "group.h"

struct out {
	char *buf;
	size_t n, cap;
	bool failed;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(__printf__, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->buf + o->n, o->cap - o->n, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->failed = true;
			return;
		}
		if ((size_t)n < o->cap - o->n)
			break;
		char *nb = realloc(o->buf, o->cap = 2 * o->cap + (size_t)n);

		if (!nb) {
			o->failed = true;
			return;
		}
		o->buf = nb;
	}
	o->n += (size_t)n;
}

/* A label value: \, " and newline escaped, as the format has it. */
static void label(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(o, "%s%c", s[i] == '\\' || s[i] == '"' ? "\\" : s[i] == '\n' ? "\\" : "",
		    s[i] == '\n' ? 'n' : s[i]);
}

struct ctx {
	struct upc_tracefs *t;
	struct out hits, calls, values;
};

/* What apply --count and --hist keep on an event, read once: its triggers
 * and, when it has any, its hist file (one histogram per trigger). */
struct kept_text {
	char trig[1024];
	char *hist;
	size_t len;
};

static int read_kept(struct ctx *c, const struct upc_probe *p, struct kept_text *k)
{
	char rel[2 * UPC_NAME_MAX + 32];

	k->hist = NULL;
	if (upc_event_triggers(c->t, p->group, p->event, k->trig, sizeof(k->trig)) <= 0) {
		k->trig[0] = '\0';
		return 0;
	}
	snprintf(rel, sizeof(rel), "events/%s/%s/hist", p->group, p->event);
	return upc_tracefs_read_alloc(c->t, rel, &k->hist, &k->len);
}

/* The next line of triggers after l. */
static const char *next_line(const char *l)
{
	return l + strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0);
}

/* The histogram of the kept trigger on key into a fresh agg (none: NULL). */
static int kept(const struct kept_text *k, const char *key, bool numeric, struct upc_agg **agg)
{
	char want[UPC_MAX_ARGNAME + 48];
	const char *l = k->trig;
	uint64_t dropped;
	int err, n;

	*agg = NULL;
	n = snprintf(want, sizeof(want), "hist:keys=%s:", key);
	while (*l && strncmp(l, want, (size_t)n))
		l = next_line(l);
	if (!k->hist || !*l)
		return 0;
	if ((err = upc_agg_new(agg)))
		return err;
	return upc_hist_read(k->hist, k->len, key, *agg, numeric, &dropped);
}

/* The NAME of a kept "hist:keys=NAME:" other than the per-process one. */
static bool kept_value(const struct kept_text *k, char *name, size_t len)
{
	for (const char *l = k->trig; *l; l = next_line(l)) {
		size_t n = strcspn(l + 10, ":\n");

		if (!strncmp(l, "hist:keys=", 10) && strncmp(l + 10, "common_pid", 10) && n < len) {
			snprintf(name, len, "%.*s", (int)n, l + 10);
			return true;
		}
	}
	return false;
}

static int probe_metrics(struct ctx *c, const struct upc_probe *p, const struct kept_text *k);

/* The metrics of one probe; what fails is said here (the walk does not). */
static int one_probe(const struct upc_probe *p, void *ctx)
{
	char what[2 * UPC_NAME_MAX + 16];
	struct kept_text k;
	int err = read_kept(ctx, p, &k);

	if (!err)
		err = probe_metrics(ctx, p, &k);
	free(k.hist);
	snprintf(what, sizeof(what), "metrics of %s/%s", p->group, p->event);
	return cli_explain(err, what);
}

static int probe_metrics(struct ctx *c, const struct upc_probe *p, const struct kept_text *k)
{
	struct upc_agg_entry *e;
	struct upc_bucket *b;
	struct upc_agg_stats st;
	struct upc_agg *agg;
	char name[UPC_MAX_ARGNAME + 1];
	uint64_t hits, cum = 0;
	size_t n;
	int err;

	if (!upc_probe_hits(c->t, p->path, p->event, &hits)) {
		put(&c->hits, "uprobectl_probe_hits_total{group=\"");
		label(&c->hits, p->group, strlen(p->group));
		put(&c->hits, "\",event=\"");
		label(&c->hits, p->event, strlen(p->event));
		put(&c->hits, "\",file=\"");
		label(&c->hits, p->path, strlen(p->path));
		put(&c->hits, "\"} %llu\n", (unsigned long long)hits);
	}
	/* --count: "{ common_pid: sshd [ 1234] }" per process, summed by name */
	if ((err = kept(k, "common_pid.execname", false, &agg)) || !agg) {
		upc_agg_free(agg);
		if (err)
			return err;
	} else {
		struct upc_agg *by_comm;

		if ((err = upc_agg_new(&by_comm)) || (err = upc_agg_keys(agg, &e, &n))) {
			upc_agg_free(agg);
			upc_agg_free(by_comm);
			return err;
		}
		for (size_t i = 0; !err && i < n; i++) {
			const char *br = memchr(e[i].key, '[', e[i].len);
			size_t l = br ? (size_t)(br - e[i].key) : e[i].len;

			while (l && e[i].key[l - 1] == ' ')
				l--;
			err = upc_agg_key(by_comm, e[i].key, l, e[i].count);
		}
		free(e);
		upc_agg_free(agg);
		if (!err && !(err = upc_agg_keys(by_comm, &e, &n))) {
			for (size_t i = 0; i < n; i++) {
				put(&c->calls, "uprobectl_probe_calls_total{group=\"%s\",event=\"%s\","
				    "comm=\"", p->group, p->event);
				label(&c->calls, e[i].key, e[i].len);
				put(&c->calls, "\"} %llu\n", (unsigned long long)e[i].count);
			}
			free(e);
		}
		upc_agg_free(by_comm);
		if (err)
			return err;
	}
	/* --hist NAME: cumulative buckets, le the highest value of each */
	if (!kept_value(k, name, sizeof(name)))
		return 0;
	if ((err = kept(k, name, true, &agg)) || !agg ||
	    (err = upc_agg_buckets(agg, UPC_LOG2, 0, &b, &n)) ||
	    (err = upc_agg_stats(agg, &st))) {
		upc_agg_free(agg);
		return err;
	}
	for (size_t i = 0; i < n; i++) {
		cum += b[i].count;
		put(&c->values, "uprobectl_probe_value_bucket{group=\"%s\",event=\"%s\",arg=\"%s\","
		    "le=\"", p->group, p->event, name);
		if (b[i].negative)
			put(&c->values, "-1");
		else
			put(&c->values, "%llu", (unsigned long long)(b[i].hi - 1));
		put(&c->values, "\"} %llu\n", (unsigned long long)cum);
	}
	put(&c->values, "uprobectl_probe_value_bucket{group=\"%s\",event=\"%s\",arg=\"%s\","
	    "le=\"+Inf\"} %llu\n", p->group, p->event, name, (unsigned long long)cum);
	put(&c->values, "uprobectl_probe_value_sum{group=\"%s\",event=\"%s\",arg=\"%s\"} %llu\n",
	    p->group, p->event, name, (unsigned long long)st.sum);
	put(&c->values, "uprobectl_probe_value_count{group=\"%s\",event=\"%s\",arg=\"%s\"} %llu\n",
	    p->group, p->event, name, (unsigned long long)cum);
	free(b);
	upc_agg_free(agg);
	return 0;
}

/* FILE.tmp written whole and synced, then renamed over FILE. */
static int write_atomically(const char *file, const char *buf, size_t n)
{
	char tmp[4096];
	size_t off = 0;
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", file) >= (int)sizeof(tmp))
		return cli_explain(-ENAMETOOLONG, file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return cli_explain(-errno, tmp);
	while (off < n && !err) {
		ssize_t w = write(fd, buf + off, n - off);

		if (w < 0 && errno != EINTR)
			err = -errno;
		else if (w > 0)
			off += (size_t)w;
	}
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, file))
		err = -errno;
	if (err) {
		unlink(tmp);
		return cli_explain(err, file);
	}
	return 0;
}

static int metrics(int argc, char **argv)
{
	static const struct option longopts[] = {
		TRACEFS_LONG_OPT,
		{ "textfile", 1, NULL, OPT_TEXTFILE },
		{ NULL, 0, NULL, 0 },
	};
	struct tfs_args a = TFS_ARGS_INIT;
	struct ctx c = { NULL, { NULL, 0, 0, false }, { NULL, 0, 0, false }, { NULL, 0, 0, false } };
	struct out all = { NULL, 0, 0, false };
	const char *textfile = NULL;
	int opt, r, err;
	while ((opt = cli_getopt(argc, argv, "qvg:", longopts)) != -1) {
		if (opt == OPT_TEXTFILE)
			textfile = optarg;
		else if ((r = tfs_args_opt(&a, opt, optarg)) != 1)
			return r ? r : cli_bad_option(argv);
	}
	if (optind != argc)
		return cli_usage("metrics takes no arguments");
	a.lock = CLI_LOCK_READ;
	if ((err = cli_open_group(&a, 0, NULL, &c.t, NULL)))
		return err;
	put(&all, "# HELP uprobectl_probe_hits_total Calls of the probed function (the kernel's "
	    "hit counter).\n# TYPE uprobectl_probe_hits_total counter\n");
	err = upc_probe_foreach(c.t, a.group, one_probe, &c);
	if (!err) {
		put(&all, "%.*s", (int)c.hits.n, c.hits.buf ? c.hits.buf : "");
		if (c.calls.n)
			put(&all, "# HELP uprobectl_probe_calls_total Calls per process name, kept "
			    "by apply --count.\n# TYPE uprobectl_probe_calls_total counter\n%.*s",
			    (int)c.calls.n, c.calls.buf);
		if (c.values.n)
			put(&all, "# HELP uprobectl_probe_value Values of a fetch argument, kept by "
			    "apply --hist.\n# TYPE uprobectl_probe_value histogram\n%.*s",
			    (int)c.values.n, c.values.buf);
		if (all.failed || c.hits.failed || c.calls.failed || c.values.failed)
			err = cli_explain(-ENOMEM, "metrics");
	}
	if (!err && textfile)
		err = write_atomically(textfile, all.buf, all.n);
	else if (!err)
		fwrite(all.buf, 1, all.n, stdout);
	free(all.buf);
	free(c.hits.buf);
	free(c.calls.buf);
	free(c.values.buf);
	upc_tracefs_close(c.t);
	return err;
}

const struct cmd cmd_metrics = { "metrics", metrics };
