// SPDX-License-Identifier: MIT
/*
 * Records out: one line each, as text or as a JSON object, written through
 * a buffer of our own straight to a file descriptor (stdio's formatting is
 * the slowest part of a parser that must do millions of lines a second).
 * Live streams flush after every record so `| jq` sees it at once.
 *
 * A "<user stack trace>" entry and its " => " frames belong to the record
 * just before it (same pid): while stacks are expected, a record is held
 * back until the next line shows whether frames follow.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "recout.h"

void ob_flush(struct obuf *o)
{
	size_t off = 0;

	while (off < o->n && !o->failed) {
		ssize_t w = write(o->fd, o->buf + off, o->n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			o->failed = true;	/* EPIPE: the reader is gone */
			break;
		}
		off += (size_t)w;
	}
	o->n = 0;
}

void ob_put_slow(struct obuf *o, const char *s, size_t n)
{
	if (o->n + n > sizeof(o->buf))
		ob_flush(o);
	while (n > sizeof(o->buf) && !o->failed) {	/* larger than the buffer */
		memcpy(o->buf, s, sizeof(o->buf));
		o->n = sizeof(o->buf);
		ob_flush(o);
		s += sizeof(o->buf);
		n -= sizeof(o->buf);
	}
	if (o->failed)
		return;
	memcpy(o->buf + o->n, s, n);
	o->n += n;
}

/* a string literal: its length is known at compile time */
#define OB_LIT(o, lit) ob_put((o), (lit), sizeof(lit) - 1)

static void ob_text(struct obuf *o, const struct upc_text *t)
{
	ob_put(o, t->p, t->n);
}

static void ob_num(struct obuf *o, long long v)
{
	char b[24];
	int n = 23;
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	do {
		b[n--] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		b[n--] = '-';
	ob_put(o, b + n + 1, (size_t)(23 - n));
}

static void ob_hex(struct obuf *o, uint64_t v)
{
	char b[20];
	int n = 18;

	b[19] = '\0';
	do {
		b[n--] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	b[n--] = 'x';
	b[n] = '0';
	ob_put(o, b + n, (size_t)(19 - n));
}

static const char *const type_names[] = {
	[UPC_VAL_OTHER] = "other", [UPC_VAL_HEX] = "hex", [UPC_VAL_SIGNED] = "signed",
	[UPC_VAL_UNSIGNED] = "unsigned", [UPC_VAL_CHAR] = "char", [UPC_VAL_STRING] = "string",
	[UPC_VAL_FAULT] = "fault", [UPC_VAL_ARRAY] = "array",
};

/* A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?, fraction only if frac. */
static bool is_json_number(const char *p, size_t n, bool frac)
{
	size_t i = n && p[0] == '-', d = i;

	while (i < n && p[i] >= '0' && p[i] <= '9')
		i++;
	if (i == d || (i - d > 1 && p[d] == '0'))
		return false;
	if (i < n && frac && p[i] == '.') {
		size_t f = ++i;

		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i == f)
			return false;
	}
	return i == n;
}

static bool is_number(const char *p, size_t n)
{
	return is_json_number(p, n, false);
}

/* An array element: a number, a hex string, or a string. */
static void json_elem(struct json *j, const char *p, size_t n)
{
	if (is_number(p, n))
		json_raw(j, p, n);
	else if (n >= 2 && p[0] == '"' && p[n - 1] == '"')
		json_str(j, p + 1, n - 2);
	else
		json_str(j, p, n);
}

static void json_value(struct json *j, const struct upc_rec_arg *a)
{
	const char *p = a->value.p;
	size_t n = a->value.n;

	switch (a->type) {
	case UPC_VAL_SIGNED:
	case UPC_VAL_UNSIGNED:
		if (is_number(p, n)) {
			json_raw(j, p, n);
			return;
		}
		break;
	case UPC_VAL_STRING:
		/* a string cut short has no closing quote */
		json_str(j, p + 1, n >= 2 && p[n - 1] == '"' ? n - 2 : n - 1);
		return;
	case UPC_VAL_CHAR:
		json_str(j, p + 1, 1);
		return;
	case UPC_VAL_FAULT:
		json_null(j);
		return;
	case UPC_VAL_ARRAY: {
		size_t s = 1;
		bool quoted = false;

		json_arr(j);
		for (size_t i = 1; i + 1 < n; i++) {
			if (p[i] == '"')
				quoted = !quoted;
			if (p[i] != ',' || quoted)
				continue;
			json_elem(j, p + s, i - s);
			s = i + 1;
		}
		if (n > 2)
			json_elem(j, p + s, n - 1 - s);
		json_end(j);
		return;
	}
	default:
		break;
	}
	json_str(j, p, n);
}

static void json_text(struct json *j, const char *key, const struct upc_text *t)
{
	json_key(j, key);
	json_str(j, t->p, t->n);
}

static void json_hex(struct json *j, const char *key, uint64_t v)
{
	char b[20];
	int n = 19;

	do
		b[n--] = "0123456789abcdef"[v & 15];
	while (v >>= 4);
	b[n--] = 'x';
	b[n] = '0';
	json_key(j, key);
	json_safe(j, b + n, (size_t)(20 - n));
}

static void write_json(struct recout *w, const struct upc_record *r, const char *comm_from)
{
	struct json j = JSON_INIT_OBUF(&w->out);

	json_obj(&j);
	if (r->kind == UPC_REC_LOST) {
		json_key(&j, "kind");
		json_safe(&j, "lost", 4);
		json_key(&j, "cpu");
		json_i64(&j, r->cpu);
		json_key(&j, "lost");
		if (r->lost_known)
			json_u64(&j, r->lost);
		else
			json_null(&j);
	} else if (r->kind == UPC_REC_OTHER || r->kind == UPC_REC_FRAME) {
		json_key(&j, "kind");
		json_safe(&j, "other", 5);
		json_text(&j, "raw", &r->raw);
	} else {
		json_key(&j, "ts");
		if (is_json_number(r->ts.p, r->ts.n, true))
			json_raw(&j, r->ts.p, r->ts.n);
		else
			json_str(&j, r->ts.p, r->ts.n);
		json_text(&j, "comm", &r->comm);
		if (comm_from)	/* the kernel printed "<...>": filled in by us */
		{
			json_key(&j, "comm_from");
			json_safe(&j, comm_from, strlen(comm_from));
		}
		json_key(&j, "pid");
		json_i64(&j, r->pid);
		if (r->tgid >= 0) {
			json_key(&j, "tgid");
			json_i64(&j, r->tgid);
		}
		json_key(&j, "cpu");
		json_i64(&j, r->cpu);
		if (w->group)
			json_kv_str(&j, "group", w->group);
		if (r->kind == UPC_REC_STACK) {
			json_key(&j, "kind");
			json_safe(&j, "stack", 5);
		} else {
			json_text(&j, "event", &r->event);
			if (r->kind == UPC_REC_ENTRY) {
				json_key(&j, "kind");
				json_safe(&j, "entry", 5);
				json_hex(&j, "ip", r->ip);
			} else {
				json_key(&j, "kind");
				json_safe(&j, "return", 6);
				json_hex(&j, "func", r->ip);
				json_hex(&j, "ret_to", r->ret_to);
			}
			json_key(&j, "args");
			json_obj(&j);
			for (unsigned i = 0; i < r->nargs; i++) {
				json_keyn(&j, r->args[i].name.p, r->args[i].name.n);
				json_value(&j, &r->args[i]);
			}
			json_end(&j);
			json_key(&j, "types");
			json_obj(&j);
			for (unsigned i = 0; i < r->nargs; i++) {
				json_keyn(&j, r->args[i].name.p, r->args[i].name.n);
				json_safe(&j, type_names[r->args[i].type],
					  strlen(type_names[r->args[i].type]));
			}
			json_end(&j);
			if (r->rest.n)
				json_text(&j, "unparsed", &r->rest);
		}
		if (w->nframes || r->kind == UPC_REC_STACK) {
			json_key(&j, "stack");
			json_arr(&j);
			for (unsigned i = 0; i < w->nframes; i++)
				json_str(&j, w->frames + w->frame_off[i], w->frame_len[i]);
			json_end(&j);
		}
	}
	json_end(&j);
	json_newline(&j);
}

static void write_text(struct recout *w, const struct upc_record *r)
{
	struct obuf *o = &w->out;

	switch (r->kind) {
	case UPC_REC_LOST:
		OB_LIT(o, "*** CPU ");
		ob_num(o, r->cpu);
		if (r->lost_known) {
			OB_LIT(o, ": lost ");
			ob_num(o, (long long)r->lost);
			OB_LIT(o, " events ***\n");
		} else {
			OB_LIT(o, ": lost events ***\n");
		}
		return;
	case UPC_REC_OTHER:
	case UPC_REC_FRAME:
		ob_text(o, &r->raw);
		ob_put(o, "\n", 1);
		return;
	default:
		break;
	}
	ob_text(o, &r->ts);
	ob_put(o, " ", 1);
	ob_text(o, &r->comm);
	ob_put(o, "[", 1);
	ob_num(o, r->pid);
	ob_put(o, "] ", 2);
	if (r->kind == UPC_REC_STACK) {
		OB_LIT(o, "<user stack>");
	} else {
		ob_text(o, &r->event);
		if (r->kind == UPC_REC_RETURN) {
			OB_LIT(o, " returned to ");
			ob_hex(o, r->ret_to);
		}
		for (unsigned i = 0; i < r->nargs; i++) {
			ob_put(o, " ", 1);
			ob_text(o, &r->args[i].name);
			ob_put(o, "=", 1);
			ob_text(o, &r->args[i].value);
		}
		if (r->rest.n) {
			ob_put(o, " ", 1);
			ob_text(o, &r->rest);
		}
	}
	ob_put(o, "\n", 1);
	for (unsigned i = 0; i < w->nframes; i++) {
		OB_LIT(o, "    => ");
		ob_put(o, w->frames + w->frame_off[i], w->frame_len[i]);
		ob_put(o, "\n", 1);
	}
}

static bool wanted(struct recout *w, const struct upc_record *r)
{
	if (r->kind != UPC_REC_ENTRY && r->kind != UPC_REC_RETURN)
		return true;
	if (!w->events)
		return true;
	for (int i = 0; i < w->events->n; i++)
		if (strlen(w->events->v[i]) == r->event.n &&
		    !memcmp(w->events->v[i], r->event.p, r->event.n))
			return true;
	return false;
}

void recout_comm(struct recout *w, long pid, const char *comm, const char *from)
{
	unsigned n = sizeof(w->comms) / sizeof(w->comms[0]), i;

	for (i = 0; i < w->ncomms && w->comms[i].pid != pid; i++)
		;
	if (i == w->ncomms)
		i = w->ncomms < n ? w->ncomms++ : (unsigned)(pid % n);
	w->comms[i].pid = pid;
	w->comms[i].from = from;
	snprintf(w->comms[i].comm, sizeof(w->comms[i].comm), "%.15s", comm);
}

/*
 * The kernel looks a record's comm up in its comm cache when it prints the
 * record, not when the event happens: "<...>" when the cache missed the
 * pid, and a stale name when the cache last saw the pid before an exec (a
 * child still called "sh"). What the session learnt from the followed
 * processes' own task events, in order, is right at the time of the event:
 * it wins. Otherwise "<...>" is filled from what we know or /proc. Returns
 * where the comm came from when it is not the kernel's, else NULL.
 */
static const char *fill_comm(struct recout *w, struct upc_record *r)
{
	bool unknown = r->comm.n == 5 && !memcmp(r->comm.p, "<...>", 5);
	char p[64], *c;
	size_t clen;
	unsigned i;

	if (r->pid < 0)
		return NULL;
	for (i = 0; i < w->ncomms && w->comms[i].pid != r->pid; i++)
		;
	if (i < w->ncomms && (unknown || !strcmp(w->comms[i].from, "task"))) {
		size_t n = strlen(w->comms[i].comm);

		if (!unknown && r->comm.n == n && !memcmp(r->comm.p, w->comms[i].comm, n))
			return NULL;	/* the kernel has it right */
		r->comm.p = w->comms[i].comm;
		r->comm.n = n;
		return w->comms[i].from;
	}
	if (!unknown)
		return NULL;
	snprintf(p, sizeof(p), "/proc/%ld/comm", r->pid);
	if (upc_read_file(p, 4096, false, &c, &clen))
		return NULL;
	c[strcspn(c, "\n")] = '\0';
	recout_comm(w, r->pid, c, "proc");
	free(c);
	return fill_comm(w, r);
}

/* The value of " KEY=" in [p, e), up to the next blank. */
static bool task_field(const char *p, const char *e, const char *key, const char **v,
		       size_t *n)
{
	size_t kl = strlen(key);

	for (const char *q = p; q + kl <= e; q++) {
		if ((q != p && q[-1] != ' ') || memcmp(q, key, kl))
			continue;
		*v = q + kl;
		for (*n = 0; *v + *n < e && (*v)[*n] != ' '; ++*n)
			;
		return true;
	}
	return false;
}

/* task_newtask (in the parent: the child's pid and the comm it inherits)
 * and task_rename (exec: the task's new comm) of the followed processes. */
static bool task_record(struct recout *w, const struct upc_record *r)
{
	const char *p, *e = r->raw.p + r->raw.n, *v, *pv;
	bool rename;
	size_t n, pn;
	char comm[16];
	long pid;

	if (!w->task_events || r->kind != UPC_REC_OTHER || !r->event.n)
		return false;
	rename = r->event.n == 11 && !memcmp(r->event.p, "task_rename", 11);
	if (!rename && !(r->event.n == 12 && !memcmp(r->event.p, "task_newtask", 12)))
		return false;
	p = r->event.p + r->event.n;
	pid = rename ? r->pid : -1;
	if (task_field(p, e, "pid=", &pv, &pn)) {
		pid = 0;
		for (size_t i = 0; i < pn && pv[i] >= '0' && pv[i] <= '9' && pid < 100000000L; i++)
			pid = pid * 10 + (pv[i] - '0');
	}
	if (pid > 0 && task_field(p, e, rename ? "newcomm=" : "comm=", &v, &n)) {
		snprintf(comm, sizeof(comm), "%.*s", (int)(n < 15 ? n : 15), v);
		recout_comm(w, pid, comm, "task");
	}
	return true;
}

/* One frame's name in a folded stack: its function, else "[file]", else
 * "[unknown]". */
static size_t fold_name(const struct recout *w, unsigned i, char *out, size_t len)
{
	const char *f = w->frames + w->frame_off[i], *p = f + w->frame_len[i], *base;

	if (w->frame_fn[i])
		return (size_t)snprintf(out, len, "%.*s", (int)w->frame_fn[i], f);
	if (p == f || *f != '/')
		return (size_t)snprintf(out, len, "[unknown]");
	/* "FILE+0xOFF": the file's name */
	while (p > f && *p != '+')
		p--;
	for (base = p; base > f && base[-1] != '/'; base--)
		;
	return (size_t)snprintf(out, len, "[%.*s]", (int)(p - base), base);
}

/* Count the record's stack, root first, for recout_folded(). */
static void fold(struct recout *w)
{
	char key[4096];
	size_t n = 0;

	for (unsigned i = w->nframes; i-- > 0 && n < sizeof(key);) {
		if (n)
			key[n++] = ';';
		n += fold_name(w, i, key + n, sizeof(key) - n);
	}
	if (n > sizeof(key) - 1)
		n = sizeof(key) - 1;
	if (n && upc_agg_key(w->stacks_agg, key, n, 1))
		w->out.failed = true;	/* out of memory: the session ends */
}

static void emit(struct recout *w, struct upc_record *r)
{
	const char *from = NULL;

	if (task_record(w, r))
		return;
	if (r->kind == UPC_REC_LOST) {
		w->lost_lines++;
		if (r->cpu >= 0 && r->cpu < RECOUT_MAX_CPUS)
			w->lost_cpu[r->cpu] += r->lost_known ? r->lost : 0;
	} else if (!wanted(w, r)) {
		return;
	} else if (r->kind == UPC_REC_ENTRY || r->kind == UPC_REC_RETURN) {
		if (w->limit && w->records >= w->limit)
			return;	/* -c: enough, and the rest of the read is dropped */
		w->records++;
		if (w->folded)
			fold(w);
	}
	if (w->folded)
		return;	/* only stacks are counted */
	if (w->live)
		from = fill_comm(w, r);
	if (w->json)
		write_json(w, r, from);
	else
		write_text(w, r);
	if (w->live)
		ob_flush(&w->out);
}

static void push_frame(struct recout *w, uint64_t addr, const char *p, size_t n)
{
	char sym[1024];
	size_t fn = 0;

	if (w->nframes >= RECOUT_MAX_FRAMES)
		return;
	if (addr && w->symbolize &&
	    w->symbolize(w->sym_ctx, w->pending_proc, addr, sym, sizeof(sym), &fn)) {
		p = sym;
		n = strlen(sym);
	} else if (!p) {	/* no text of the kernel's: the address */
		n = (size_t)snprintf(sym, sizeof(sym), "<%016llx>", (unsigned long long)addr);
		p = sym;
	}
	if (w->frames_len + n > sizeof(w->frames))
		return;
	memcpy(w->frames + w->frames_len, p, n);
	w->frame_off[w->nframes] = w->frames_len;
	w->frame_fn[w->nframes] = fn;
	w->frame_len[w->nframes++] = n;
	w->frames_len += n;
}

/*
 * Where the kernel recorded no user stack (arm64 before 6.10 has none),
 * the frames the record itself gives: at an entry the function and, from
 * the return address, its caller; at a return where it returned to.
 */
static void record_frames(struct recout *w, const struct upc_record *r)
{
	if (r->kind != UPC_REC_ENTRY && r->kind != UPC_REC_RETURN)
		return;
	w->no_stacks = true;
	if (r->kind == UPC_REC_RETURN) {
		push_frame(w, r->ret_to, NULL, 0);
		return;
	}
	push_frame(w, r->ip, NULL, 0);
	if (w->pending_has_ra)
		push_frame(w, w->pending_ra, NULL, 0);
}

void recout_flush_pending(struct recout *w)
{
	if (w->have_pending) {
		if (!w->nframes && !w->stacks_seen && w->own_frames)
			record_frames(w, &w->recs[w->held]);
		emit(w, &w->recs[w->held]);
		w->have_pending = false;
		w->nframes = 0;
		w->frames_len = 0;
		w->in_stack = false;
	}
}

/* A frame of the kernel's walk ("<00005630d4dd2232>"); after the first,
 * the return address when the walk skipped the caller (ra_event). */
static void add_frame(struct recout *w, const char *p, size_t n)
{
	uint64_t addr = 0;

	if (n < 3 || p[0] != '<' || p[n - 1] != '>' || upc_parse_xdigits(p + 1, n - 2, &addr))
		addr = 0;	/* not an address: kept as it is */
	if (w->nframes == 1 && w->pending_has_ra) {
		/* a kernel whose walk has the caller gives it here; one that
		 * skips it gives the caller's caller, which may be the same
		 * address in a recursion: once a walk is seen to skip it,
		 * every entry gets it */
		if (addr != w->pending_ra)
			w->caller_missing = true;
		if (w->caller_missing)
			push_frame(w, w->pending_ra, NULL, 0);
	}
	push_frame(w, addr, p, n);
}

/* The return address of an entry record of a ra_event. */
static bool record_ra(const struct recout *w, const struct upc_record *r, uint64_t *ra)
{
	const struct upc_rec_arg *a;
	bool neg;

	if (r->kind != UPC_REC_ENTRY)
		return false;
	for (unsigned i = 0; i < w->nra; i++)
		if (strlen(w->ra[i].event) == r->event.n &&
		    !memcmp(w->ra[i].event, r->event.p, r->event.n))
			return (a = upc_record_arg(r, w->ra[i].arg)) &&
			       !upc_rec_arg_u64(a, ra, &neg) && !neg;
	return false;
}

static void rebase(struct upc_text *t, const char *from, const char *to)
{
	if (t->p)
		t->p = to + (t->p - from);
}

void recout_detach(struct recout *w)
{
	struct upc_record *h = &w->recs[w->held];
	const char *line = w->pending_line;
	size_t len = w->pending_len;

	if (!w->have_pending || line == w->pending)
		return;
	if (len > w->pending_cap) {
		char *nb = realloc(w->pending, len);

		if (!nb) {
			w->have_pending = false;	/* dropped rather than dangling */
			return;
		}
		w->pending = nb;
		w->pending_cap = len;
	}
	memcpy(w->pending, line, len);
	rebase(&h->raw, line, w->pending);
	rebase(&h->comm, line, w->pending);
	rebase(&h->flags, line, w->pending);
	rebase(&h->ts, line, w->pending);
	rebase(&h->event, line, w->pending);
	rebase(&h->frame, line, w->pending);
	rebase(&h->rest, line, w->pending);
	for (unsigned i = 0; i < h->nargs; i++) {
		rebase(&h->args[i].name, line, w->pending);
		rebase(&h->args[i].value, line, w->pending);
	}
	w->pending_line = w->pending;
}

void recout_line(struct recout *w, const char *line, size_t len)
{
	struct upc_record *r = &w->recs[w->held ^ 1];
	enum upc_rec_kind k;

	if (!len || line[0] == '#')
		return;	/* the header of a saved trace file */
	k = upc_record_parse(line, len, r);
	if (!w->stacks) {
		emit(w, r);
		return;
	}
	if (k == UPC_REC_FRAME && w->in_stack) {
		add_frame(w, r->frame.p, r->frame.n);
		return;
	}
	if (k == UPC_REC_STACK && w->have_pending && r->pid == w->pending_pid && !w->in_stack) {
		w->in_stack = true;
		w->stacks_seen = true;
		return;
	}
	recout_flush_pending(w);
	if (k == UPC_REC_FRAME) {
		emit(w, r);
		return;
	}
	/* hold it until the next line tells whether frames follow; it points
	 * into the caller's line until recout_detach() */
	w->held ^= 1;
	w->pending_line = line;
	w->pending_len = len;
	w->pending_pid = r->pid;
	w->pending_proc = r->tgid > 0 ? r->tgid : r->pid;
	w->pending_has_ra = record_ra(w, r, &w->pending_ra);
	w->have_pending = true;
	w->in_stack = k == UPC_REC_STACK;
}

void recout_free(struct recout *w)
{
	free(w->pending);
	w->pending = NULL;
	upc_agg_free(w->stacks_agg);
	w->stacks_agg = NULL;
}

int recout_folded(struct recout *w)
{
	struct upc_agg_entry *e;
	size_t n;
	int err = upc_agg_keys(w->stacks_agg, &e, &n);

	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		ob_put(&w->out, e[i].key, e[i].len);
		ob_put(&w->out, " ", 1);
		ob_num(&w->out, (long long)e[i].count);
		ob_put(&w->out, "\n", 1);
	}
	free(e);
	ob_flush(&w->out);
	return w->out.failed ? -EPIPE : 0;
}

bool names_has(const struct names *n, const char *name)
{
	for (int i = 0; i < n->n; i++)
		if (!strcmp(n->v[i], name))
			return true;
	return false;
}

int names_add(struct names *n, const char *name)
{
	void *nv;

	if (names_has(n, name))
		return 0;
	/* grown by powers of two */
	if (!(n->n & (n->n - 1))) {
		nv = realloc(n->v, (size_t)(n->n ? 2 * n->n : 1) * sizeof(*n->v));
		if (!nv)
			return -ENOMEM;
		n->v = nv;
	}
	snprintf(n->v[n->n++], sizeof(n->v[0]), "%s", name);
	return 0;
}

void names_free(struct names *n)
{
	free(n->v);
	n->v = NULL;
	n->n = 0;
}
