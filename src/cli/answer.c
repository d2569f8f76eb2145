// SPDX-License-Identifier: MIT
/*
 * Answers without BPF, for count, hist and latency.
 *
 * The probes live in a group of their own (upc_ans_PID) unless -e names
 * events already defined. Two engines give one output:
 * - kernel: a count per probe is the kernel's own hit counter
 *   (uprobe_profile), the probes armed by an instance of ours that records
 *   nothing (tracing_on 0); keys and values are hist triggers on exact
 *   keys (the kernel counts, we bucket), and latency joins the entry to the
 *   return with a synthetic event of our own (onmatch), keyed by thread;
 * - user: the records of an instance of ours, parsed and counted here, the
 *   entries and returns paired per thread with a stack.
 * Everything written to tracefs is taken back at the end, in reverse order,
 * and nothing of anybody else's is touched: triggers are removed by their
 * exact text, the synthetic event by its own name.
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "answer.h"
#include "json.h"

#define HIST_SIZE 16384		/* entries of a kernel histogram */

void answer_init(struct answer *a, enum answer_kind kind)
{
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->how = UPC_LOG2;
	a->req = (struct probe_req)PROBE_REQ_INIT;
	a->tfs = (struct tfs_args)TFS_ARGS_INIT;
	a->s = (struct session)SESSION_INIT;
}

int answer_args(struct answer *a, int argc, char **argv, const char *shortopts,
		const struct option *longopts, int (*own_opt)(struct answer *, int, const char *))
{
	int opt, r, nargs, nfetch = 0;

	/* COMMAND starts after "--" */
	for (nargs = 1; nargs < argc && strcmp(argv[nargs], "--"); nargs++)
		;
	if (nargs < argc) {
		a->cmd = argv + nargs + 1;
		if (!*a->cmd)
			return cli_usage("expected a COMMAND after --");
	}
	while ((opt = cli_getopt(nargs, argv, shortopts, longopts)) != -1) {
		if (opt == 'e') {
			if (a->nevents == ANSWER_MAX_PROBES)
				return cli_usage("at most %d -e", ANSWER_MAX_PROBES);
			a->events[a->nevents++] = optarg;
			continue;
		}
		if (opt == OPT_ENGINE) {
			if (!strcmp(optarg, "kernel"))
				a->engine = ENGINE_KERNEL;
			else if (!strcmp(optarg, "user"))
				a->engine = ENGINE_USER;
			else if (!strcmp(optarg, "auto"))
				a->engine = ENGINE_AUTO;
			else
				return cli_usage("--engine is kernel, user or auto");
			continue;
		}
		r = own_opt(a, opt, optarg);
		if (!r)
			r = session_opt(&a->s, &a->lim, opt, optarg);
		if (!r)
			r = probe_opt(&a->req, opt, optarg);
		if (!r)
			r = tfs_args_opt(&a->tfs, opt, optarg);
		if (r < 0)
			return r;
		if (!r)
			return cli_bad_option(argv);
	}
	if (a->cmd && a->s.pid > 0)
		return cli_usage("-p and -- COMMAND exclude each other");
	if (a->nevents) {
		/* events already defined: what follows names their fields */
		for (int i = optind; i < nargs && a->nsymbols < ANSWER_MAX_PROBES; i++)
			a->symbols[a->nsymbols++] = argv[i];
		return 0;
	}
	if (nargs - optind < 2)
		return cli_usage("expected FILE SYMBOL... [NAME=FETCHARG...] (or -e EVENT)");
	a->req.file = argv[optind];
	/* the words after FILE: symbols, and named fetch args (NAME=EXPR) */
	for (int i = optind + 1; i < nargs; i++) {
		if (strchr(argv[i], '=')) {
			a->fetchargs[nfetch++] = argv[i];
		} else if (a->nsymbols == ANSWER_MAX_PROBES) {
			return cli_usage("at most %d symbols", ANSWER_MAX_PROBES);
		} else {
			a->symbols[a->nsymbols++] = argv[i];
		}
		if (nfetch == UPC_MAX_ARGS)
			return cli_usage("at most %d fetch arguments", UPC_MAX_ARGS);
	}
	if (!a->nsymbols)
		return cli_usage("expected a SYMBOL after FILE");
	a->fetchargs[nfetch] = NULL;
	return 0;
}

/* ---- setting up ------------------------------------------------------------- */

/* The fetch arguments the probes need, the user's first. */
static int probe_args(struct answer *a, char **args, int cap)
{
	int n = 0;

	while (a->fetchargs[n] && n < cap - 2) {
		args[n] = a->fetchargs[n];
		n++;
	}
	if (a->kind == ANSWER_COUNT && a->by && !strcmp(a->by, "comm"))
		args[n++] = (char *)"comm=$comm";
	args[n] = NULL;
	return n;
}

static int define(struct answer *a, const char *symbol, const char *event, bool ret,
		  char **args)
{
	struct probe_req q = a->req;
	struct upc_probe *p = malloc(sizeof(*p));
	bool existed;
	int err;

	if (!p)
		return cli_explain(-ENOMEM, "probe");
	q.spec = symbol;
	q.fetchargs = args[0] ? args : NULL;
	q.opts.group = a->group;
	q.opts.event = event;
	q.opts.ret = ret;
	if (!args[0])
		q.opts.nargs = 0;
	err = probe_define(a->s.t, &q, p, &existed);
	if (!err && !ret)
		err = cli_explain(names_add(&a->probes, p->event), "probe");
	free(p);
	return err;
}

/* Is the latency asked of a Go function (its return: no uretprobe)? */
static bool go_latency(struct answer *a)
{
	struct probe_req q = a->req;
	struct upc_elf *elf = NULL;
	struct upc_match *m = NULL;
	char path[PATH_MAX];
	int n = 0;

	q.spec = a->symbols[0];
	q.opts.ret = true;
	cli_mute_all = true;	/* the probes defined next say what is wrong */
	if (a->kind == ANSWER_LATENCY && !probe_open(&q, path, &elf))
		n = upc_go_return_matches(elf, q.spec, &m);
	cli_mute_all = false;
	upc_matches_free(m, n > 0 ? n : 0);
	upc_elf_close(elf);
	return n > 0;
}

/* The returns of a Go function: an entry probe at each return
 * instruction, ret_event, ret_event_2, ..., each fetching the goroutine */
static int define_go_returns(struct answer *a, const char *ret_event)
{
	struct probe_req q = a->req;
	struct upc_elf *elf = NULL;
	struct upc_match *m = NULL;
	char path[PATH_MAX], event[UPC_NAME_MAX + 1], g[] = "upc_g=$g", *args[2] = { g, NULL };
	int n, err;

	q.spec = a->symbols[0];
	q.opts.ret = true;
	if ((err = probe_open(&q, path, &elf)))
		return err;
	n = upc_go_return_matches(elf, q.spec, &m);
	upc_elf_close(elf);
	if (n <= 0)
		return n ? n : cli_explain(-EINVAL, "latency");
	for (int i = 0; i < n && !err; i++) {
		if (i)
			snprintf(event, sizeof(event), "%.*s_%d", UPC_NAME_MAX - 5, ret_event, i + 1);
		else
			snprintf(event, sizeof(event), "%s", ret_event);
		err = define(a, m[i].spec, event, true, args);
	}
	upc_matches_free(m, n);
	return err;
}

static int define_probes(struct answer *a)
{
	char *args[UPC_MAX_ARGS + 2], *none[1] = { NULL }, ret_event[UPC_NAME_MAX + 1];
	int err = 0;

	probe_args(a, args, UPC_MAX_ARGS + 2);
	a->own_group = true;
	if ((a->go = go_latency(a))) {
		/* each call's goroutine, for the pairing */
		static char g[] = "upc_g=$g";
		int n = 0;

		while (args[n])
			n++;
		args[n] = g;
		args[n + 1] = NULL;
	}
	for (int i = 0; !err && i < a->nsymbols; i++)
		err = define(a, a->symbols[i], NULL, a->req.opts.ret, args);
	if (err || a->kind != ANSWER_LATENCY)
		return err;
	/* the return, named after the entry */
	snprintf(ret_event, sizeof(ret_event), "%.*s_ret", UPC_NAME_MAX - 4, a->probes.v[0]);
	if (a->go)
		return define_go_returns(a, ret_event);
	return define(a, a->symbols[0], ret_event, true, none);
}

/* Does the kernel have what the kernel engine needs? */
static const char *kernel_lacks(struct answer *a)
{
	unsigned f = upc_tracefs_features(a->s.t);

	if (a->kind == ANSWER_COUNT && !a->by)
		return NULL;	/* uprobe_profile: every kernel */
	if (a->go)
		return "a Go function's returns are several probes, paired by goroutine";
	if (!(f & UPC_HIST_TRIGGERS))
		return "this kernel has no hist triggers (CONFIG_HIST_TRIGGERS)";
	if (a->kind == ANSWER_LATENCY && !(f & UPC_SYNTH_EVENTS))
		return "this kernel has no synthetic events (CONFIG_SYNTH_EVENTS)";
	return NULL;
}

/* Can the kernel count calls per probe of the processes followed alone
 * (perf counters of theirs)? */
static bool perf_counts(struct answer *a)
{
	char why[256];

	return a->kind == ANSWER_COUNT && !a->by && a->s.transport != TRANSPORT_TRACEFS &&
	       !session_perf_usable(why, sizeof(why));
}

static int choose_engine(struct answer *a)
{
	bool follows = a->s.pid > 0 || a->cmd;
	const char *lacks = kernel_lacks(a);
	int err = session_transport(&a->s);

	if (err)
		return err;
	/* the processes followed, counted by perf counters of theirs: no
	 * records at all */
	if (follows && a->engine != ENGINE_USER && !a->lim.count && perf_counts(a)) {
		a->engine = ENGINE_KERNEL;
		a->s.transport = TRANSPORT_PERF;
		return 0;
	}
	if (a->engine == ENGINE_KERNEL) {
		if (follows)
			return cli_usage("--engine kernel counts every process: -p and -- COMMAND "
					 "need the user engine, or (count per probe) perf events");
		if (lacks)
			return cli_usage("--engine kernel: %s; the user engine counts from records "
					 "(--engine user)", lacks);
		if (a->lim.count)
			return cli_usage("--engine kernel: -c needs the user engine");
		return 0;
	}
	if (a->engine == ENGINE_AUTO)
		a->engine = lacks || follows || a->lim.count ? ENGINE_USER : ENGINE_KERNEL;
	return 0;
}

/* ---- the kernel engine ------------------------------------------------------ */

static int trigger(struct answer *a, const char *group, const char *event, const char *text,
		   bool on)
{
	int err = upc_event_trigger(a->s.t, group, event, text, on);

	if (err && on)
		cli_err("%s/%s: the kernel refused the trigger '%s': %s", group, event, text,
			strerror(-err));
	return err;
}

/* The hist key of each probe, for count --by and hist. */
static const char *hist_key(const struct answer *a)
{
	if (a->kind == ANSWER_HIST)
		return a->field;
	return !strcmp(a->by, "pid") ? "common_pid" : a->by;
}

static int kernel_start(struct answer *a)
{
	char text[512], synth_def[96], ret[UPC_NAME_MAX + 8];
	pid_t me = getpid();
	int err;

	a->triggers = calloc((size_t)a->probes.n + 2, sizeof(*a->triggers));
	if (!a->triggers)
		return cli_explain(-ENOMEM, "triggers");
	if (a->kind == ANSWER_COUNT && !a->by) {
		/* armed by an instance that records nothing, or for the
		 * processes followed by perf counters; the kernel counts */
		snprintf(a->instance, sizeof(a->instance), "uprobectl-%ld", (long)me);
		a->s.instance = a->instance;
		a->s.group = a->group;
		a->s.only = &a->probes;	/* the counters in the order of the probes */
		a->s.arm_only = true;
		if ((err = session_start(&a->s)))
			return err;
		a->base = calloc((size_t)a->probes.n, sizeof(*a->base));
		return a->base ? 0 : cli_explain(-ENOMEM, "count");
	}
	if (a->kind != ANSWER_LATENCY) {
		snprintf(text, sizeof(text), "hist:keys=%s:vals=hitcount:size=%d", hist_key(a),
			 HIST_SIZE);
		for (int i = 0; i < a->probes.n; i++) {
			if ((err = trigger(a, a->group, a->probes.v[i], text, true)))
				return err;
			if (!(a->triggers[i] = strdup(text)))
				return cli_explain(-ENOMEM, "triggers");
		}
		return 0;
	}
	/* latency: the entry saves its time per thread, the return makes a
	 * synthetic event of the difference, whose values the kernel counts */
	snprintf(a->synth, sizeof(a->synth), "upc_lat_%ld", (long)me);
	snprintf(synth_def, sizeof(synth_def), "%s u64 lat", a->synth);
	if ((err = upc_tracefs_append(a->s.t, "synthetic_events", synth_def, NULL)))
		return cli_explain(err, "synthetic_events");
	snprintf(text, sizeof(text), "hist:keys=common_pid:upc_ts_%ld=common_timestamp.usecs",
		 (long)me);
	if ((err = trigger(a, a->group, a->probes.v[0], text, true)) ||
	    !(a->triggers[0] = strdup(text)))
		return err ? err : cli_explain(-ENOMEM, "triggers");
	snprintf(ret, sizeof(ret), "%s_ret", a->probes.v[0]);
	snprintf(text, sizeof(text),
		 "hist:keys=common_pid:upc_lat_%ld=common_timestamp.usecs-$upc_ts_%ld:"
		 "onmatch(%s.%s).%s($upc_lat_%ld)", (long)me, (long)me, a->group,
		 a->probes.v[0], a->synth, (long)me);
	if ((err = trigger(a, a->group, ret, text, true)) || !(a->triggers[1] = strdup(text)))
		return err ? err : cli_explain(-ENOMEM, "triggers");
	snprintf(text, sizeof(text), "hist:keys=lat:vals=hitcount:size=%d", HIST_SIZE);
	if ((err = trigger(a, "synthetic", a->synth, text, true)) ||
	    !(a->triggers[2] = strdup(text)))
		return err ? err : cli_explain(-ENOMEM, "triggers");
	return 0;
}

/* Hits of each probe from uprobe_profile, or the perf counters of the
 * processes followed. */
static int read_hits(struct answer *a, uint64_t *hits)
{
	for (int i = 0; i < a->probes.n; i++) {
		int err = a->s.perf ? upc_perf_count(a->s.perf, (size_t)i, &hits[i]) :
				      upc_probe_hits(a->s.t, a->paths[i], a->probes.v[i], &hits[i]);

		if (err)
			return err;
	}
	return 0;
}

static int read_hist(struct answer *a, const char *rel, const char *keys, struct upc_agg *agg)
{
	bool numeric = a->kind != ANSWER_COUNT || !strcmp(a->by, "pid");
	uint64_t dropped = 0;
	char *text;
	size_t len;
	int err = upc_tracefs_read_alloc(a->s.t, rel, &text, &len);

	if (!err)
		err = upc_hist_read(text, len, keys, agg, numeric, &dropped);
	free(text);
	a->dropped += dropped;
	return err;
}

/* The kernel's numbers now, into a fresh a->agg. */
static int kernel_read(struct answer *a)
{
	char rel[2 * UPC_NAME_MAX + 32];
	uint64_t *hits = NULL;
	struct upc_agg *agg;
	int err = upc_agg_new(&agg);

	if (err)
		return cli_explain(err, "count");
	a->dropped = 0;
	if (a->kind == ANSWER_COUNT && !a->by) {
		err = (hits = calloc((size_t)a->probes.n, sizeof(*hits))) ? read_hits(a, hits)
									   : -ENOMEM;
		for (int i = 0; !err && i < a->probes.n; i++)
			err = upc_agg_key(agg, a->probes.v[i], strlen(a->probes.v[i]),
					  hits[i] - a->base[i]);
		free(hits);
	} else if (a->kind == ANSWER_LATENCY) {
		snprintf(rel, sizeof(rel), "events/synthetic/%s/hist", a->synth);
		err = read_hist(a, rel, "lat", agg);
	} else {
		for (int i = 0; !err && i < a->probes.n; i++) {
			snprintf(rel, sizeof(rel), "events/%s/%s/hist", a->group, a->probes.v[i]);
			err = read_hist(a, rel, hist_key(a), agg);
		}
	}
	if (err) {
		upc_agg_free(agg);
		return cli_explain(err, "reading the kernel's counts");
	}
	upc_agg_free(a->agg);
	a->agg = agg;
	return 0;
}

/* Take back every trigger and the synthetic event, newest first. */
static void kernel_end(struct answer *a)
{
	char synth_def[96], ret[UPC_NAME_MAX + 8];

	if (!a->triggers)
		return;
	if (a->kind == ANSWER_LATENCY) {
		snprintf(ret, sizeof(ret), "%s_ret", a->probes.v[0]);
		if (a->triggers[2])
			trigger(a, "synthetic", a->synth, a->triggers[2], false);
		if (a->triggers[1])
			trigger(a, a->group, ret, a->triggers[1], false);
		if (a->triggers[0])
			trigger(a, a->group, a->probes.v[0], a->triggers[0], false);
		snprintf(synth_def, sizeof(synth_def), "!%s u64 lat", a->synth);
		if (a->synth[0] && upc_tracefs_append(a->s.t, "synthetic_events", synth_def, NULL))
			cli_warn("synthetic event %s could not be removed", a->synth);
	} else {
		for (int i = 0; i < a->probes.n; i++)
			if (a->triggers[i])
				trigger(a, a->group, a->probes.v[i], a->triggers[i], false);
	}
	for (int i = 0; i < a->probes.n + 2; i++)
		free(a->triggers[i]);
	free(a->triggers);
	a->triggers = NULL;
}

/* ---- the user engine -------------------------------------------------------- */

static bool is_ours(const struct answer *a, const struct upc_record *r)
{
	for (int i = 0; i < a->probes.n; i++) {
		size_t n = strlen(a->probes.v[i]);

		if (r->event.n == n && !memcmp(r->event.p, a->probes.v[i], n))
			return true;
	}
	return false;
}

static void user_line(void *ctx, const char *line, size_t n)
{
	struct answer *a = ctx;
	static struct upc_record r;
	const struct upc_rec_arg *v;
	uint64_t x, ts;
	bool neg;
	int err = 0;

	switch (upc_record_parse(line, n, &r)) {
	case UPC_REC_LOST:
		a->lost += r.lost_known ? r.lost : 0;
		a->lost_unknown |= !r.lost_known;
		return;
	case UPC_REC_ENTRY:
	case UPC_REC_RETURN:
		break;
	default:
		return;
	}
	if (a->kind == ANSWER_LATENCY) {
		long key = r.pid;
		bool entry = r.kind == UPC_REC_ENTRY;

		if (upc_record_ts_ns(&r, &ts))
			return;
		if (a->go) {
			/* a Go call: its goroutine's, the return at any of the
			 * return instructions' events */
			if (!(v = upc_record_arg(&r, "upc_g")) || upc_rec_arg_u64(v, &x, &neg))
				return;
			key = (long)x;
			entry = is_ours(a, &r);
		}
		if (entry)
			err = upc_pairing_entry(a->pairing, key, ts);
		else if (!upc_pairing_return(a->pairing, key, ts, &x))
			err = upc_agg_value(a->agg, x / a->unit, false, 1);
	} else if (!is_ours(a, &r)) {
		return;
	} else if (a->kind == ANSWER_HIST) {
		if ((v = upc_record_arg(&r, a->field)) && !upc_rec_arg_u64(v, &x, &neg))
			err = upc_agg_value(a->agg, x, neg, 1);
	} else if (!a->by) {
		err = upc_agg_key(a->agg, r.event.p, r.event.n, 1);
	} else if (!strcmp(a->by, "pid")) {
		err = upc_agg_value(a->agg, (uint64_t)r.pid, false, 1);
	} else if ((v = upc_record_arg(&r, a->by))) {
		const char *p = v->value.p;
		size_t vn = v->value.n;

		if (v->type == UPC_VAL_STRING && vn >= 2) {	/* without its quotes */
			p++;
			vn -= 1 + (p[vn - 2] == '"');
		}
		err = upc_agg_key(a->agg, p, vn, 1);
	}
	if (err)
		a->lost_unknown = true;	/* out of memory: the counts are low */
}

static void user_flush(void *ctx)
{
	(void)ctx;
}

static bool user_done(void *ctx)
{
	const struct answer *a = ctx;

	return a->lim.count && upc_agg_hits(a->agg) >= a->lim.count;
}

static int user_start(struct answer *a)
{
	int err = upc_agg_new(&a->agg);

	if (!err && a->kind == ANSWER_LATENCY)
		err = upc_pairing_new(&a->pairing);
	if (err)
		return cli_explain(err, "count");
	snprintf(a->instance, sizeof(a->instance), "uprobectl-%ld", (long)getpid());
	a->s.instance = a->instance;
	a->s.group = a->group;
	if (a->nevents)
		a->s.only = &a->probes;	/* not the rest of somebody's group */
	return session_start(&a->s);
}

/* ---- reports ---------------------------------------------------------------- */

static const char *engine_name(const struct answer *a)
{
	return a->engine == ENGINE_KERNEL ? "kernel" : "user";
}

/* "1.234 s" without floating point in our printf */
static void elapsed(const struct answer *a, char *buf, size_t len)
{
	uint64_t ms = (uint64_t)((session_clock() - a->started) * 1000);

	snprintf(buf, len, "%llu.%03llu s", (unsigned long long)(ms / 1000),
		 (unsigned long long)(ms % 1000));
}

/* The losses, for the first line of a report. */
static void losses(const struct answer *a, char *buf, size_t len)
{
	if (a->engine == ENGINE_KERNEL && a->dropped)
		snprintf(buf, len, "; %llu DROPPED (the kernel's table was full): counts are low",
			 (unsigned long long)a->dropped);
	else if (a->engine == ENGINE_KERNEL)
		snprintf(buf, len, ", none dropped");
	else if (a->lost || a->lost_unknown)
		snprintf(buf, len, "; %s%llu EVENTS LOST: counts are low (enlarge buffer_size_kb)",
			 a->lost_unknown ? "at least " : "", (unsigned long long)a->lost);
	else
		snprintf(buf, len, ", none lost");
}

/* A bucket bound the way bpftrace writes it: 1K, 4M ... */
static void bound(uint64_t v, char *buf, size_t len)
{
	static const char sfx[] = "KMGTPE";
	int k = -1;

	while (v && v % 1024 == 0 && k < 5) {
		v /= 1024;
		k++;
	}
	snprintf(buf, len, k < 0 ? "%llu" : "%llu%c", (unsigned long long)v, k < 0 ? 0 : sfx[k]);
}

static void print_buckets(const struct upc_bucket *b, size_t n)
{
	uint64_t max = 0;

	for (size_t i = 0; i < n; i++)
		max = b[i].count > max ? b[i].count : max;
	for (size_t i = 0; i < n; i++) {
		char lo[24], hi[24], label[64], bar[53];
		size_t w = max ? (size_t)(b[i].count * 52 / max) : 0;

		if (b[i].negative) {
			snprintf(label, sizeof(label), "(..., 0)");
		} else if (b[i].hi == b[i].lo + 1) {
			bound(b[i].lo, lo, sizeof(lo));
			snprintf(label, sizeof(label), "[%s]", lo);
		} else {
			bound(b[i].lo, lo, sizeof(lo));
			bound(b[i].hi, hi, sizeof(hi));
			snprintf(label, sizeof(label), "[%s, %s)", lo, hi);
		}
		memset(bar, '@', w);
		memset(bar + w, ' ', 52 - w);
		bar[52] = '\0';
		printf("%-16s %8llu |%s|\n", label, (unsigned long long)b[i].count, bar);
	}
}

static void json_losses(const struct answer *a, struct json *j)
{
	uint64_t ms = (uint64_t)((session_clock() - a->started) * 1000);

	json_kv_str(j, "engine", engine_name(a));
	json_kv_u64(j, "ms", ms);
	json_key(j, "lost");
	if (a->engine == ENGINE_KERNEL || !a->lost_unknown)
		json_u64(j, a->engine == ENGINE_KERNEL ? 0 : a->lost);
	else
		json_null(j);
	json_kv_u64(j, "dropped", a->dropped);
}

static int report(struct answer *a)
{
	struct upc_agg_entry *e = NULL;
	struct upc_bucket *b = NULL;
	struct upc_agg_stats st;
	struct json j = JSON_INIT(stdout);
	char t[32], loss[128];
	size_t n = 0;
	int err;

	if (a->engine == ENGINE_KERNEL && (err = kernel_read(a)))
		return err;
	elapsed(a, t, sizeof(t));
	losses(a, loss, sizeof(loss));
	if (a->kind == ANSWER_COUNT && (!a->by || strcmp(a->by, "pid")))
		err = upc_agg_keys(a->agg, &e, &n);
	else if (a->kind == ANSWER_COUNT)
		err = upc_agg_buckets(a->agg, UPC_LINEAR, 1, &b, &n);
	else
		err = upc_agg_buckets(a->agg, a->how, a->step, &b, &n);
	if (!err && a->kind == ANSWER_LATENCY)
		err = upc_agg_stats(a->agg, &st);
	if (err)
		return cli_explain(err, "report");
	if (cli_json) {
		json_obj(&j);
		json_kv_str(&j, "kind", a->kind == ANSWER_COUNT ? "count" :
			    a->kind == ANSWER_HIST ? "hist" : "latency");
		json_losses(a, &j);
		json_kv_u64(&j, "hits", upc_agg_hits(a->agg));
		if (a->kind == ANSWER_COUNT) {
			json_kv_str(&j, "by", a->by ? a->by : "probe");
			json_key(&j, "counts");
			json_arr(&j);
			for (size_t i = 0; i < n; i++) {
				if (!e && !b[i].count)
					continue;
				json_obj(&j);
				json_key(&j, "key");
				if (e)
					json_str(&j, e[i].key, e[i].len);
				else
					json_u64(&j, b[i].lo);
				json_kv_u64(&j, "count", e ? e[i].count : b[i].count);
				json_end(&j);
			}
			json_end(&j);
		} else {
			if (a->kind == ANSWER_LATENCY) {
				json_kv_str(&j, "unit", a->unit_name);
				json_kv_u64(&j, "count", st.count);
				json_kv_u64(&j, "min", st.min);
				json_kv_u64(&j, "p50", st.p50);
				json_kv_u64(&j, "p90", st.p90);
				json_kv_u64(&j, "p99", st.p99);
				json_kv_u64(&j, "max", st.max);
			}
			json_key(&j, "buckets");
			json_arr(&j);
			for (size_t i = 0; i < n; i++) {
				json_obj(&j);
				if (b[i].negative) {
					json_kv_bool(&j, "negative", true);
				} else {
					json_kv_u64(&j, "lo", b[i].lo);
					json_kv_u64(&j, "hi", b[i].hi);
				}
				json_kv_u64(&j, "count", b[i].count);
				json_end(&j);
			}
			json_end(&j);
		}
		json_end(&j);
		json_newline(&j);
	} else if (a->kind == ANSWER_COUNT) {
		printf("%llu calls in %s (%s engine%s)\n", (unsigned long long)upc_agg_hits(a->agg),
		       t, engine_name(a), loss);
		printf("%-32s %12s\n", a->by ? a->by : "PROBE", "COUNT");
		for (size_t i = 0; i < n; i++) {
			if (e)
				printf("%-32.*s %12llu\n", (int)e[i].len, e[i].key,
				       (unsigned long long)e[i].count);
			else if (b[i].count)
				printf("%-32llu %12llu\n", (unsigned long long)b[i].lo,
				       (unsigned long long)b[i].count);
		}
	} else if (a->kind == ANSWER_HIST) {
		printf("%s: %llu values in %s (%s engine%s)\n", a->field,
		       (unsigned long long)upc_agg_hits(a->agg), t, engine_name(a), loss);
		print_buckets(b, n);
	} else {
		printf("%s: %llu calls in %s (%s engine%s); %s: min %llu, p50 %llu, p90 %llu, "
		       "p99 %llu, max %llu\n", a->probes.v[0], (unsigned long long)st.count, t,
		       engine_name(a), loss, a->unit_name, (unsigned long long)st.min,
		       (unsigned long long)st.p50, (unsigned long long)st.p90,
		       (unsigned long long)st.p99, (unsigned long long)st.max);
		print_buckets(b, n);
	}
	fflush(stdout);
	free(e);
	free(b);
	return 0;
}

static void user_tick(void *ctx)
{
	report(ctx);
}

/* ---- a whole run ------------------------------------------------------------ */

static void cleanup(struct answer *a)
{
	struct upc_kernel_error k;
	int err;

	kernel_end(a);
	session_end(&a->s);
	if (a->own_group && a->probes.n &&
	    (err = upc_probe_destroy(a->s.t, a->group, NULL, true, &k)))
		cli_destroy_error(a->group, NULL, err, &k);
	upc_agg_free(a->agg);
	upc_pairing_free(a->pairing);
	free(a->base);
	for (int i = 0; i < ANSWER_MAX_PROBES; i++)
		free(a->paths[i]);
	names_free(&a->probes);
	upc_tracefs_close(a->s.t);
}

/* -e EVENT: the group's events, already defined. */
static int find_events(struct answer *a)
{
	struct names ev = { NULL, 0 };
	int err;

	snprintf(a->group, sizeof(a->group), "%s", a->tfs.group);
	a->tfs.lock = CLI_LOCK_WRITE;
	err = cli_open_group(&a->tfs, a->nevents, a->events, &a->s.t, &ev);
	for (int i = 0; !err && i < a->nevents; i++) {
		if (!cli_group_has(&ev, a->group, a->events[i]))
			err = -ENOENT;
		else
			err = cli_explain(names_add(&a->probes, a->events[i]), "events");
	}
	names_free(&ev);
	return err;
}

/* Each probe's file, for its hit counter; and the field asked for (hist,
 * count --by NAME) must be one of its events'. */
static int path_of(const struct upc_probe *p, void *ctx)
{
	struct answer *a = ctx;
	const char *field = a->kind == ANSWER_HIST ? a->field : a->by;

	for (int i = 0; i < a->probes.n; i++) {
		if (strcmp(p->event, a->probes.v[i]))
			continue;
		if (field && strcmp(field, "comm") && strcmp(field, "pid") &&
		    !upc_probe_has_field(p, field)) {
			cli_err("%s/%s has no field '%s' ('uprobectl list -g %s' shows its "
				"arguments)", p->group, p->event, field, p->group);
			return -EINVAL;
		}
		if (!a->paths[i] && !(a->paths[i] = strdup(p->path)))
			return cli_explain(-ENOMEM, "probes");
	}
	return 0;
}

int answer_run(struct answer *a)
{
	const struct session_sink k = { user_line, NULL, user_flush, user_done, user_tick, a };
	struct session_child child = SESSION_CHILD_INIT;
	int err, status = 0;

	a->s.group = a->group;
	if (a->nevents) {
		err = find_events(a);
	} else {
		snprintf(a->group, sizeof(a->group), "upc_ans_%ld", (long)getpid());
		a->tfs.group = a->group;
		a->tfs.lock = CLI_LOCK_WRITE;
		err = cli_open_group(&a->tfs, 0, NULL, &a->s.t, NULL);
		/* from here a signal ends the count, and everything goes */
		session_signals();
		if (!err)
			err = define_probes(a);
	}
	if (!err)
		err = upc_probe_foreach(a->s.t, a->group, path_of, a);
	if (!err)
		err = choose_engine(a);
	if (!err && a->cmd)
		err = session_child_start(&child, a->cmd);
	if (!err) {
		a->s.held = child.pid > 0;
		a->s.pid = child.pid ? child.pid : a->s.pid;
		err = a->engine == ENGINE_KERNEL ? kernel_start(a) : user_start(a);
	}
	if (!err && a->engine == ENGINE_KERNEL && a->base)
		err = read_hits(a, a->base);
	if (!err && a->engine == ENGINE_KERNEL)
		err = kernel_read(a);
	if (!err)
		err = session_child_release(&child, true);
	if (!err) {
		a->started = session_clock();
		if (!cli_quiet && a->engine == ENGINE_KERNEL && a->kind == ANSWER_LATENCY)
			cli_warn("kernel engine: a nested or recursive call of %s pairs with the "
				 "innermost entry; --engine user pairs every call right",
				 a->symbols[0] ? a->symbols[0] : a->probes.v[0]);
		session_run(&a->s, &k, &a->lim, &child);
		err = report(a);
	}
	session_child_release(&child, false);
	cleanup(a);
	if (child.pid > 0) {
		status = session_child_status(&child);
		return err ? err : status;
	}
	return err;
}
