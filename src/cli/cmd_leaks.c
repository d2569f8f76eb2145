// SPDX-License-Identifier: MIT
/*
 * uprobectl leaks: the memory a running process (-p) or a command (--)
 * allocates and does not free, per call site, with no BPF, no LD_PRELOAD
 * and no restart. Entry and return probes on its allocator's functions, in
 * a group and an instance of our own; the records are paired and counted
 * by the library (upc_leaks); call sites are symbolized when first seen,
 * while the process lives, so a report at its exit still names them.
 */
#include <getopt.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "group.h"
#include "json.h"
#include "probe_args.h"
#include "session.h"
#include "symbolize.h"

/* Each function: its arguments (named a1..aN), whether it returns. */
static const unsigned char fn_nargs[UPC_AF_COUNT] = { 1, 2, 2, 3, 1, 2, 2, 1, 1, 3, 5, 2 };
#define RETURNS(fn) ((fn) != UPC_AF_FREE && (fn) != UPC_AF_MUNMAP)

#define BUFFER_KB_MIN 2048
#define BUFFER_KB_MAX 65536
#define RECORD_BYTES 96		/* an entry record in the ring buffer, roughly */
#define MAX_SITE_NAMES 65536

/* Records of different CPUs can reach trace_pipe out of order by a few
 * microseconds, and a block freed by one thread and allocated again by
 * another must be seen in that order: records wait this long (by their
 * time stamps) to be settled in time order. */
#define SETTLE_NS 10000000ull

#define MAX_FRAMES 8		/* of a call stack (--stack) */

enum pending_kind { P_CALL, P_RETURN, P_EXEC, P_EXIT, P_LOST };

struct pending {
	struct upc_alloc_call c;	/* tid, tgid, ts of every kind; fn, args,
					 * site of a call or a return */
	uint64_t ret;
	uint8_t kind;			/* enum pending_kind */
	int8_t group_dead;		/* P_EXIT: the process's last thread (1),
					 * or not (0), or -1: the kernel does not say */
	uint32_t img;			/* the program image the record is of */
	long gen;			/* its execs before it (symbolize_image) */
	unsigned nframes;		/* the kernel's user stack (--stack) */
	uint64_t frames[MAX_FRAMES];
};

/*
 * A process seen in the records, and the program image it runs: each image
 * has a number of its own (never reused, so the call sites named for one
 * program are never another's, nor a later process's with the same pid).
 * img is the image of the latest record read; settled_img that of the
 * latest record settled, which the allocations in the table belong to.
 */
struct proc {
	long tgid;
	long gen;			/* execs seen since it was first seen */
	uint32_t img, settled_img;
	char *exe;			/* the program, as its exec named it */
	bool leader_gone;		/* its first thread's exit was settled */
};

/* A call site named once, when first seen: (image, site) -> its name. */
struct site_name {
	uint32_t img;
	uint64_t site;
	char *name;
};

struct leaks {
	struct tfs_args tfs;
	struct session s;
	struct session_limits lim;
	char **cmd;
	const char *lib;
	double min_age, interval;
	unsigned long top, max_tracked;
	bool mmap;
	char group[32], instance[32], alloc[PATH_MAX];
	bool probed[UPC_AF_COUNT];
	bool own_group;
	struct upc_leaks *l;
	void *sym;
	struct site_name *names;
	size_t nnames, capnames;
	struct proc *procs;
	size_t nprocs, capprocs;
	uint32_t imgs;			/* images numbered so far */
	unsigned long reports;
	struct pending *pend;		/* by time, from pend[head] */
	size_t head, npend, cappend;
	uint64_t lost, records, tick_records, last_ts;
	bool lost_unknown;
	long stack_at;			/* the pending entry frames go to, or -1 */
	bool stacks_seen;		/* the kernel recorded a user stack */
	double started, last_tick, last_report;
	int err;			/* what stopped the tracking */
};

/* ---- processes and their images ------------------------------------------ */

static struct proc *proc_find(const struct leaks *k, long tgid)
{
	for (size_t i = 0; i < k->nprocs; i++)
		if (k->procs[i].tgid == tgid)
			return &k->procs[i];
	return NULL;
}

/* The program process tgid runs now, as /proc shows it: into buf, or "". */
static void proc_exe(long tgid, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%ld/exe", tgid);
	n = readlink(link, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/* Process tgid, made when first seen, with the comm of its record r when
 * /proc no longer shows its program; NULL without memory. */
static struct proc *proc_of(struct leaks *k, long tgid, const struct upc_record *r)
{
	struct proc *p = proc_find(k, tgid);
	char exe[PATH_MAX];

	if (p)
		return p;
	if (k->nprocs == k->capprocs) {
		size_t cap = k->capprocs ? 2 * k->capprocs : 16;

		if (!(p = realloc(k->procs, cap * sizeof(*p))))
			return NULL;
		k->procs = p;
		k->capprocs = cap;
	}
	proc_exe(tgid, exe, sizeof(exe));
	if (!exe[0] && r)
		snprintf(exe, sizeof(exe), "%.*s", (int)r->comm.n, r->comm.p);
	p = &k->procs[k->nprocs];
	*p = (struct proc){ tgid, 0, ++k->imgs, k->imgs, strdup(exe), false };
	if (!p->exe)
		return NULL;
	k->nprocs++;
	return p;
}

static void proc_drop(struct leaks *k, long tgid)
{
	struct proc *p = proc_find(k, tgid);

	if (p) {
		free(p->exe);
		*p = k->procs[--k->nprocs];
	}
}

/* ---- call sites, named while their process lives ------------------------- */

/* The slot of (img, site) in the names table: its own, or the empty one
 * where it goes (open addressing, at most half full). */
static struct site_name *site_slot(const struct leaks *k, uint32_t img, uint64_t site)
{
	uint64_t h = (site ^ (uint64_t)img << 40) * 0x9e3779b97f4a7c15ull;
	size_t i = (size_t)(h >> 24) & (k->capnames - 1);

	while (k->names[i].name && (k->names[i].site != site || k->names[i].img != img))
		i = (i + 1) & (k->capnames - 1);
	return &k->names[i];
}

static bool names_grow(struct leaks *k)
{
	struct site_name *old = k->names;
	size_t ocap = k->capnames;

	k->capnames = ocap ? 2 * ocap : 256;
	if (!(k->names = calloc(k->capnames, sizeof(*k->names)))) {
		k->names = old;
		k->capnames = ocap;
		return false;
	}
	for (size_t i = 0; i < ocap; i++)
		if (old[i].name)
			*site_slot(k, old[i].img, old[i].site) = old[i];
	free(old);
	return true;
}

/* The name of (img, key), or NULL when it has none yet. */
static const char *site_known(const struct leaks *k, uint32_t img, uint64_t key)
{
	return k->capnames ? site_slot(k, img, key)->name : NULL;
}

/* Is there room for one more name? */
static bool site_room(struct leaks *k)
{
	return k->nnames < MAX_SITE_NAMES &&
	       (2 * (k->nnames + 1) <= k->capnames || names_grow(k));
}

/* Name (img, key) (after site_room); the name, or NULL without memory. */
static const char *site_add(struct leaks *k, uint32_t img, uint64_t key, const char *name)
{
	struct site_name *n = site_slot(k, img, key);

	if (!(n->name = strdup(name)))
		return NULL;
	n->img = img;
	n->site = key;
	k->nnames++;
	return n->name;
}

/* addr of image gen of process tgid as "symbol+0xOFF (file)", or why it
 * cannot be. */
static void frame_name(struct leaks *k, long tgid, long gen, uint64_t addr, char *out,
		       size_t len)
{
	size_t fn;

	if (!symbolize_image(k->sym, tgid, gen, addr, out, len, &fn))
		snprintf(out, len, "0x%llx", (unsigned long long)addr);
}

/* Name the caller site of an entry p, once. */
static void name_site(struct leaks *k, const struct pending *p)
{
	char out[PATH_MAX + 128];

	if (site_known(k, p->img, p->c.site) || !site_room(k))
		return;
	frame_name(k, p->c.tgid, p->gen, p->c.site, out, sizeof(out));
	site_add(k, p->img, p->c.site, out);
}

/* ---- the records ------------------------------------------------------------- */

/* Which of our events r is: the function, and whether its return. */
static int event_of(const struct leaks *k, const struct upc_record *r, bool *ret)
{
	for (int f = 0; f < UPC_AF_COUNT; f++) {
		const char *name = upc_alloc_fn_name(f);
		size_t n = strlen(name);

		if (!k->probed[f] || r->event.n < n || memcmp(r->event.p, name, n))
			continue;
		if (r->event.n == n) {
			*ret = false;
			return f;
		}
		if (r->event.n == n + 4 && !memcmp(r->event.p + n, "_ret", 4)) {
			*ret = true;
			return f;
		}
	}
	return -1;
}

static uint64_t arg(const struct upc_record *r, const char *name)
{
	const struct upc_rec_arg *v = upc_record_arg(r, name);
	uint64_t x = 0;
	bool neg;

	if (v && !upc_rec_arg_u64(v, &x, &neg) && neg)
		x = -x;
	return x;
}

/* The call stack of an entry, caller first: the return address (which the
 * kernel's frame-pointer walk misses at a function's first instruction),
 * then the kernel's frames past the allocator function itself; named once,
 * when first seen, under a key made of its addresses. */
static uint64_t stack_site(struct leaks *k, const struct pending *p)
{
	uint64_t f[MAX_FRAMES + 1], h = 1469598103934665603ull;
	char out[2048], name[PATH_MAX + 128];
	unsigned nf = 0;
	size_t used = 0;

	f[nf++] = p->c.site;
	for (unsigned i = 1; i < p->nframes && nf <= MAX_FRAMES; i++)
		if (i > 1 || p->frames[i] != p->c.site)
			f[nf++] = p->frames[i];
	for (unsigned i = 0; i < nf; i++)
		h = (h ^ f[i]) * 1099511628211ull;
	if (site_known(k, p->img, h))
		return h;
	if (!site_room(k))
		return p->c.site;
	for (unsigned i = 0; i < nf && used < sizeof(out) - 1; i++) {
		frame_name(k, p->c.tgid, p->gen, f[i], name, sizeof(name));
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s", i ? " <- " : "",
					 name);
	}
	return site_add(k, p->img, h, out) ? h : p->c.site;
}

static int report(struct leaks *k, long tgid, bool exited);

/* Process tgid is gone: its report, and then nothing of it is kept (its
 * memory went with it: never another process's figures). */
static void proc_exited(struct leaks *k, long tgid)
{
	struct upc_leaks_totals t;

	upc_leaks_totals(k->l, tgid, &t);
	if (t.calls)
		report(k, tgid, true);
	upc_leaks_exit(k->l, tgid);
	proc_drop(k, tgid);
}

/* Settle the records made at or before upto, in time order. */
static void settle(struct leaks *k, uint64_t upto)
{
	int err = 0;

	for (; k->head < k->npend && k->pend[k->head].c.ts <= upto && !k->err; k->head++) {
		struct pending *p = &k->pend[k->head];
		struct proc *pr;

		switch (p->kind) {
		case P_CALL:
			if (k->s.stack && RETURNS(p->c.fn))
				p->c.site = stack_site(k, p);
			err = upc_leaks_entry(k->l, &p->c);
			break;
		case P_RETURN:
			err = upc_leaks_return(k->l, p->c.fn, p->c.tid, p->c.tgid, p->ret);
			break;
		case P_EXEC:
			/* what the old image allocated went with it */
			upc_leaks_forget(k->l, p->c.tgid);
			if ((pr = proc_find(k, p->c.tgid)))
				pr->settled_img = p->img;
			break;
		case P_LOST:
			err = upc_leaks_lost(k->l);
			break;
		case P_EXIT:
			upc_leaks_thread_exit(k->l, p->c.tid);
			pr = proc_find(k, p->c.tgid);
			if (pr && p->c.tid == p->c.tgid)
				pr->leader_gone = true;
			/* the last thread of its process; kernels before 6.16 do
			 * not say: then once its first thread is gone and none is
			 * left (records are settled late: a thread's exit long
			 * before its process's must not end it) */
			if (p->group_dead > 0 || (p->group_dead < 0 && pr && pr->leader_gone &&
						  !upc_proc_group_alive(p->c.tgid)))
				proc_exited(k, p->c.tgid);
			break;
		}
		if (err == -ENOSPC || err == -ENOMEM)
			k->err = err;
	}
	if (k->head == k->npend)
		k->head = k->npend = 0;
}

static int queue(struct leaks *k, const struct pending *p)
{
	size_t at;

	if (k->head && k->npend == k->cappend) {
		memmove(k->pend, k->pend + k->head, (k->npend - k->head) * sizeof(*p));
		k->npend -= k->head;
		k->head = 0;
	}
	if (k->npend == k->cappend) {
		size_t cap = k->cappend ? 2 * k->cappend : 1024;
		struct pending *n = realloc(k->pend, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		k->pend = n;
		k->cappend = cap;
	}
	/* nearly always the latest: insertion from the end */
	for (at = k->npend; at > k->head && k->pend[at - 1].c.ts > p->c.ts; at--)
		k->pend[at] = k->pend[at - 1];
	k->pend[at] = *p;
	k->npend++;
	return 0;
}

static void on_flush(void *ctx)
{
	(void)ctx;
}

/* The text of a tracepoint's record after "EVENT: ". */
static struct upc_text tp_text(const struct upc_record *r)
{
	const char *p = r->event.p + r->event.n + 2, *end = r->raw.p + r->raw.n;

	return (struct upc_text){ p, p < end ? (size_t)(end - p) : 0 };
}

/* A process's exec or a thread's exit, queued to be settled in time
 * order; an exec starts the process's next image at once, for the names
 * of what it calls from there. */
static void task_event(struct leaks *k, const struct upc_record *r, bool exec)
{
	struct upc_text t = tp_text(r);
	struct pending p = { .kind = exec ? P_EXEC : P_EXIT, .group_dead = -1 };
	struct proc *pr;
	const char *v;

	if (upc_record_ts_ns(r, &p.c.ts))
		return;
	p.c.tid = r->pid;
	p.c.tgid = r->tgid >= 0 ? r->tgid : r->pid;
	if (!exec) {
		/* "comm=C pid=N prio=P group_dead=true" (6.16 on) */
		v = t.n > 16 ? memmem(t.p, t.n, " group_dead=", 12) : NULL;
		if (v)
			p.group_dead = v + 12 < t.p + t.n && v[12] == 't';
	} else if ((pr = proc_of(k, p.c.tgid, r))) {
		/* "filename=PATH pid=N old_pid=M": PATH may hold blanks */
		const char *end = t.p + t.n, *e = NULL;

		for (v = t.p; (v = memmem(v, (size_t)(end - v), " pid=", 5)); v++)
			e = v;
		if (t.n > 9 && !memcmp(t.p, "filename=", 9) && e && (v = strndup(t.p + 9,
		    (size_t)(e - t.p - 9)))) {
			free(pr->exe);
			pr->exe = (char *)v;
		}
		pr->gen++;
		pr->img = ++k->imgs;
		p.img = pr->img;
	}
	if (queue(k, &p))
		k->err = -ENOMEM;
}

static void on_line(void *ctx, const char *line, size_t n)
{
	struct leaks *k = ctx;
	static struct upc_record r;
	struct pending p = { 0 };
	struct proc *pr;
	bool is_ret;
	int fn;

	switch (upc_record_parse(line, n, &r)) {
	case UPC_REC_LOST:
		k->lost += r.lost_known ? r.lost : 0;
		k->lost_unknown |= !r.lost_known;
		/* the calls open then may have lost their returns: dropped, in
		 * time order (a loss is said after the last record before it) */
		p.kind = P_LOST;
		p.c.ts = k->last_ts;
		if (queue(k, &p))
			k->err = -ENOMEM;
		return;
	case UPC_REC_ENTRY:
	case UPC_REC_RETURN:
		break;
	case UPC_REC_STACK:
		/* the user stack of the latest entry of that thread */
		k->stack_at = -1;
		for (size_t i = k->npend; k->s.stack && i-- > k->head;)
			if (k->pend[i].c.tid == r.pid) {
				if (k->pend[i].kind == P_CALL && !k->pend[i].nframes)
					k->stack_at = (long)i;
				break;
			}
		return;
	case UPC_REC_FRAME: {
		struct pending *e = k->stack_at >= 0 ? &k->pend[k->stack_at] : NULL;
		const char *f = r.frame.p;
		size_t fl = r.frame.n;
		uint64_t a;

		if (fl > 2 && f[0] == '<' && f[fl - 1] == '>')
			f++, fl -= 2;
		else if (fl > 2 && f[0] == '0' && f[1] == 'x')
			f += 2, fl -= 2;
		if (e && e->nframes < MAX_FRAMES && !upc_parse_xdigits(f, fl, &a) && a) {
			e->frames[e->nframes++] = a;
			k->stacks_seen |= e->nframes > 1;
		}
		return;
	}
	case UPC_REC_OTHER:
		if (k->err)
			return;
		if (r.event.n == 18 && !memcmp(r.event.p, "sched_process_exec", 18))
			task_event(k, &r, true);
		else if (r.event.n == 18 && !memcmp(r.event.p, "sched_process_exit", 18))
			task_event(k, &r, false);
		return;
	default:
		return;
	}
	if (k->err || (fn = event_of(k, &r, &is_ret)) < 0)
		return;
	k->records++;
	k->stack_at = -1;
	p.c.ts = upc_record_ts_ns(&r, &p.c.ts) ? k->last_ts : p.c.ts;
	if (p.c.ts > k->last_ts)
		k->last_ts = p.c.ts;
	p.c.fn = fn;
	p.c.tid = r.pid;
	p.c.tgid = r.tgid >= 0 ? r.tgid : k->s.pid;
	if (!(pr = proc_of(k, p.c.tgid, &r))) {
		k->err = -ENOMEM;
		return;
	}
	p.img = pr->img;
	p.gen = pr->gen;
	if (is_ret) {
		p.kind = P_RETURN;
		p.ret = arg(&r, "ret");
	} else {
		char name[4] = "a1";

		p.kind = P_CALL;
		for (int i = 0; i < fn_nargs[fn]; i++) {
			name[1] = (char)('1' + i);
			p.c.args[i] = arg(&r, name);
		}
		if (RETURNS(fn)) {
			p.c.site = arg(&r, "site");
			if (!k->s.stack)
				name_site(k, &p);
		}
	}
	if (queue(k, &p))
		k->err = -ENOMEM;
	else if (k->last_ts > SETTLE_NS)
		settle(k, k->last_ts - SETTLE_NS);
}

static bool on_done(void *ctx)
{
	return ((struct leaks *)ctx)->err != 0;
}

/* ---- reports ------------------------------------------------------------------- */

static uint64_t now_ns(const struct leaks *k)
{
	struct timespec ts;

	/* our instance's trace_clock is mono when the kernel has it */
	if (k->s.clock && !clock_gettime(CLOCK_MONOTONIC, &ts))
		return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	return k->last_ts;
}

/* Milliseconds as "S.mmm" (our printf has no floating point). */
static void secs(uint64_t ms, char *buf, size_t len)
{
	snprintf(buf, len, "%llu.%03llu", (unsigned long long)(ms / 1000),
		 (unsigned long long)(ms % 1000));
}

struct merged {
	const char *name;
	uint64_t bytes, count, oldest;
	char raw[24];
};

static bool before_in_report(const struct merged *a, const struct merged *b)
{
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes;
	if (a->count != b->count)
		return a->count > b->count;
	return strcmp(a->name, b->name) < 0;
}

/* The sites of image img, merged by name (a name given to several
 * addresses), most bytes first. */
static int merge(struct leaks *k, uint32_t img, const struct upc_leak_site *s, size_t n,
		 struct merged **out, size_t *nm)
{
	struct merged *m = calloc(n ? n : 1, sizeof(*m));
	size_t j = 0;

	if (!m)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *name = site_known(k, img, s[i].site);
		size_t at = 0;

		if (!name) {
			snprintf(m[j].raw, sizeof(m[j].raw), "0x%llx",
				 (unsigned long long)s[i].site);
			name = m[j].raw;
		}
		while (at < j && strcmp(m[at].name, name))
			at++;
		if (at == j) {
			m[j].name = name;
			m[j].oldest = s[i].oldest;
			j++;
		}
		m[at].bytes += s[i].bytes;
		m[at].count += s[i].count;
		if (s[i].oldest < m[at].oldest)
			m[at].oldest = s[i].oldest;
	}
	/* nearly in order already (the library sorts by bytes): insertion */
	for (size_t i = 1; i < j; i++) {
		struct merged v = m[i];
		size_t at = i;

		for (; at > 0 && before_in_report(&v, &m[at - 1]); at--)
			m[at] = m[at - 1];
		m[at] = v;
	}
	*out = m;
	*nm = j;
	return 0;
}

/* The report of process tgid: while it runs, or (exited) at its end. */
static int report(struct leaks *k, long tgid, bool exited)
{
	struct json j = JSON_INIT(stdout);
	const struct proc *pr = proc_find(k, tgid);
	struct upc_leaks_totals t;
	struct upc_leak_site *s;
	struct merged *m = NULL;
	uint64_t now = now_ns(k), ms, rate;
	char el[32], age[32], exe[PATH_MAX];
	size_t n, nm = 0, top;
	int err;

	ms = (uint64_t)((session_clock() - k->started) * 1000);
	if (pr)
		snprintf(exe, sizeof(exe), "%s", pr->exe);
	else
		proc_exe(tgid, exe, sizeof(exe));
	upc_leaks_totals(k->l, tgid, &t);
	if ((err = upc_leaks_sites(k->l, tgid, now, (uint64_t)(k->min_age * 1e9), &s, &n)) ||
	    (err = merge(k, pr ? pr->settled_img : 0, s, n, &m, &nm))) {
		free(s);
		return cli_explain(err, "report");
	}
	free(s);
	k->reports++;
	top = k->top && k->top < nm ? k->top : nm;
	rate = ms ? t.calls * 1000 / ms : 0;
	secs(ms, el, sizeof(el));
	if (cli_json) {
		json_obj(&j);
		json_kv_str(&j, "kind", "leaks");
		json_kv_u64(&j, "pid", (uint64_t)tgid);
		json_kv_str(&j, "exe", exe);
		json_kv_bool(&j, "exited", exited);
		json_kv_str(&j, "allocator", k->alloc);
		json_kv_u64(&j, "ms", ms);
		json_kv_bool(&j, "reliable", !k->lost && !k->lost_unknown);
		json_kv_u64(&j, "lost", k->lost);
		json_kv_bool(&j, "lost_unknown", k->lost_unknown);
		json_kv_u64(&j, "buffer_kb", k->s.buffer_kb);
		json_kv_u64(&j, "buffer_budget_kb", k->s.budget_kb);
		json_kv_u64(&j, "calls", t.calls);
		json_kv_u64(&j, "calls_per_s", rate);
		json_kv_u64(&j, "allocs", t.allocs);
		json_kv_u64(&j, "alloc_bytes", t.alloc_bytes);
		json_kv_u64(&j, "frees", t.frees);
		json_kv_u64(&j, "freed_bytes", t.freed_bytes);
		json_kv_u64(&j, "outstanding", t.outstanding);
		json_kv_u64(&j, "outstanding_bytes", t.outstanding_bytes);
		json_kv_u64(&j, "unknown_frees", t.unknown_frees);
		json_kv_u64(&j, "untracked", t.untracked);
		json_kv_u64(&j, "untracked_bytes", t.untracked_bytes);
		json_kv_u64(&j, "unpaired", t.unpaired);
		json_kv_str(&j, "depth", k->stacks_seen ? "stack" : "caller");
		json_key(&j, "sites");
		json_arr(&j);
		for (size_t i = 0; i < top; i++) {
			json_obj(&j);
			json_kv_str(&j, "site", m[i].name);
			json_kv_u64(&j, "bytes", m[i].bytes);
			json_kv_u64(&j, "allocs", m[i].count);
			json_kv_u64(&j, "oldest_ms", now > m[i].oldest ?
				    (now - m[i].oldest) / 1000000 : 0);
			json_end(&j);
		}
		json_end(&j);
		json_end(&j);
		json_newline(&j);
		goto out;
	}
	if (k->lost || k->lost_unknown)
		printf("leaks of pid %ld (%s)%s: NOT RELIABLE: %s%llu EVENTS LOST in %s s "
		       "(buffer now %lu KiB per CPU%s)\n", tgid, exe, exited ? ", exited" : "",
		       k->lost_unknown ? "at least " : "", (unsigned long long)k->lost, el,
		       k->s.buffer_kb, k->s.buffer_kb >= k->s.budget_kb ?
		       ", its budget: --buffer-max raises it" : "");
	else
		printf("leaks of pid %ld (%s)%s: %s s, none lost (buffer %lu KiB per CPU, "
		       "budget %lu)\n", tgid, exe, exited ? ", exited" : "", el, k->s.buffer_kb,
		       k->s.budget_kb);
	printf("allocator %s; %llu calls (%llu/s): allocated %llu B in %llu, freed "
	       "%llu B in %llu, outstanding %llu B in %llu\n", k->alloc,
	       (unsigned long long)t.calls, (unsigned long long)rate,
	       (unsigned long long)t.alloc_bytes, (unsigned long long)t.allocs,
	       (unsigned long long)t.freed_bytes, (unsigned long long)t.frees,
	       (unsigned long long)t.outstanding_bytes, (unsigned long long)t.outstanding);
	if (t.untracked)
		printf("not tracked: %llu posix_memalign calls (%llu B) whose pointer no "
		       "probe sees\n", (unsigned long long)t.untracked,
		       (unsigned long long)t.untracked_bytes);
	if (t.unknown_frees)
		printf("%llu frees of memory not seen allocated (before tracing began, "
		       "or freed again by the allocator itself, as glibc's thread exit "
		       "does with its cache)\n", (unsigned long long)t.unknown_frees);
	if (exited && !t.outstanding)
		goto out;	/* it freed everything: nothing more to say */
	printf("%s%s\n", k->stacks_seen ? "call stack: the caller, then the kernel's "
	       "user stack (frame pointers)" : k->s.stack ? "call site: the caller only "
	       "(this kernel recorded no user stacks)" : "call site: the caller of the "
	       "allocator (--stack for deeper frames)",
	       k->min_age > 0 ? "; younger allocations left out (--min-age)" : "");
	printf("%12s %8s %10s  %s\n", "BYTES", "ALLOCS", "OLDEST", "CALL SITE");
	for (size_t i = 0; i < top; i++) {
		secs(now > m[i].oldest ? (now - m[i].oldest) / 1000000 : 0, age, sizeof(age));
		printf("%12llu %8llu %8s s  %s\n", (unsigned long long)m[i].bytes,
		       (unsigned long long)m[i].count, age, m[i].name);
	}
	if (top < nm)
		printf("(%zu more call sites; --top N)\n", nm - top);
out:
	fflush(stdout);
	free(m);
	return 0;
}

/* A report of each process still followed, the one of -p or COMMAND last
 * (every -i even before it made a call; at the end when no report was
 * made yet); final: at the end, saying which are gone. */
static int report_all(struct leaks *k, bool final)
{
	size_t n = upc_leaks_procs(k->l, NULL, 0);
	long *tgids = malloc((n ? n : 1) * sizeof(*tgids));
	bool main_seen = false;
	int err = 0;

	if (!tgids)
		return cli_explain(-ENOMEM, "report");
	upc_leaks_procs(k->l, tgids, n);
	for (size_t i = 0; i < n && !err; i++) {
		if (tgids[i] == k->s.pid)
			main_seen = true;
		else
			err = report(k, tgids[i], final && !upc_proc_alive(tgids[i]));
	}
	if (!err && (main_seen || !final || !k->reports))
		err = report(k, k->s.pid, final && !upc_proc_alive(k->s.pid));
	free(tgids);
	return err;
}

/* Every second: a buffer for two seconds of records at the rate seen (it
 * only grows), and a report every -i. */
static void on_tick(void *ctx)
{
	struct leaks *k = ctx;
	double now = session_clock(), dt = now - k->last_tick;
	unsigned long kb = k->s.buffer_kb;

	if (dt > 0) {
		uint64_t want = (uint64_t)((double)(k->records - k->tick_records) / dt * 2 *
					   RECORD_BYTES / 1024);

		while (kb < want && kb < BUFFER_KB_MAX)
			kb *= 2;
		if (kb != k->s.buffer_kb)
			session_buffer(&k->s, kb);
	}
	k->last_tick = now;
	k->tick_records = k->records;
	if (k->interval > 0 && now - k->last_report >= k->interval) {
		report_all(k, false);
		k->last_report = now;
	}
}

/* ---- setting up ------------------------------------------------------------- */

/* Which functions the allocator defines, each probed once (glibc's
 * aligned_alloc and memalign are one function). */
static int defined(const struct upc_sym *sym, void *ctx)
{
	uint64_t *off = ctx;

	if (sym->version && !sym->default_version)
		return 0;
	for (int f = 0; f < UPC_AF_COUNT; f++) {
		const char *name = upc_alloc_fn_name(f);

		if (sym->name_len == strlen(name) && !memcmp(sym->name, name, sym->name_len) &&
		    sym->offset != UPC_NO_OFFSET)
			off[f] = sym->offset;
	}
	return 0;
}

static int define(struct leaks *k, int fn, bool ret)
{
	struct probe_req q = PROBE_REQ_INIT;
	char args[7][24], *argv[8], event[UPC_NAME_MAX + 1];
	struct upc_probe *p = malloc(sizeof(*p));
	int n = 0, err;
	bool existed;

	if (!p)
		return cli_explain(-ENOMEM, "probe");
	if (ret) {
		snprintf(args[n], sizeof(args[n]), "ret=$retval");
		argv[n] = args[n];
		n++;
	} else {
		for (; n < fn_nargs[fn]; n++) {
			snprintf(args[n], sizeof(args[n]), "a%d=$arg%d", n + 1, n + 1);
			argv[n] = args[n];
		}
		if (RETURNS(fn)) {
			snprintf(args[n], sizeof(args[n]), "site=$ra");
			argv[n] = args[n];
			n++;
		}
	}
	argv[n] = NULL;
	snprintf(event, sizeof(event), "%s%s", upc_alloc_fn_name(fn), ret ? "_ret" : "");
	q.file = k->alloc;
	q.spec = upc_alloc_fn_name(fn);
	q.fetchargs = argv;
	q.opts.group = k->group;
	q.opts.event = event;
	q.opts.ret = ret;
	err = probe_define(k->s.t, &q, p, &existed);
	free(p);
	return err;
}

static int define_probes(struct leaks *k)
{
	struct upc_elf_opts o = { .sz = sizeof(o) };
	uint64_t off[UPC_AF_COUNT];
	struct upc_elf *e;
	int err;

	for (int f = 0; f < UPC_AF_COUNT; f++)
		off[f] = UPC_NO_OFFSET;
	if ((err = cli_open_elf(k->alloc, &o, &e)))
		return err;
	err = upc_elf_foreach_sym(e, defined, off);
	upc_elf_close(e);
	if (err)
		return err;
	if (off[UPC_AF_MALLOC] == UPC_NO_OFFSET || off[UPC_AF_FREE] == UPC_NO_OFFSET) {
		cli_err("%s defines no malloc and free among its symbols: name the file "
			"that does with --lib FILE", k->alloc);
		return -EINVAL;
	}
	k->own_group = true;
	for (int f = 0; !err && f < UPC_AF_COUNT; f++) {
		bool dup = false;

		for (int g = 0; g < f; g++)
			dup |= k->probed[g] && off[g] == off[f];
		if (off[f] == UPC_NO_OFFSET || dup ||
		    (!k->mmap && (f == UPC_AF_MMAP || f == UPC_AF_MUNMAP)))
			continue;
		err = define(k, f, false);
		if (!err && RETURNS(f))
			err = define(k, f, true);
		k->probed[f] = !err;
	}
	return err;
}

/* Is the ELF file at path a static program (no loader)? */
static bool is_static(const char *path)
{
	struct upc_elf_opts o = { .sz = sizeof(o), .quiet = true, .no_debug_file = true };
	char interp[PATH_MAX];
	struct upc_elf *e;
	bool yes;

	if (upc_elf_open(path, &o, &e))
		return false;
	yes = upc_elf_interp(e, interp, sizeof(interp)) != 0;
	upc_elf_close(e);
	return yes;
}

/* The program COMMAND finally runs (a script's interpreter), into exe. */
static int command_image(const char *cmd, char *exe, size_t len, unsigned *scripts)
{
	int err = upc_exec_image(cmd, exe, len, scripts);

	if (err == -ENOENT && !*scripts)
		cli_err("%s: no such program%s", cmd, strchr(cmd, '/') ? "" : " in PATH");
	else if (err == -ENOENT)
		cli_err("%s: the interpreter %s of a #! line does not exist", cmd, exe);
	else if (err == -ENOEXEC)
		cli_err("%s: %s is neither an ELF program nor a script starting "
			"#!INTERPRETER", cmd, *scripts ? exe : "it");
	else if (err == -ELOOP)
		cli_err("%s: more than %d #! interpreters in a row (the kernel refuses "
			"to run it)", cmd, UPC_MAX_INTERP);
	else if (err)
		cli_err("%s: %s", cmd, strerror(-err));
	return err ? -EINVAL : 0;
}

/* A Go program's allocator is its runtime's, of a garbage-collected heap
 * (and its functions Go's, whose returns are never uretprobes) */
static int not_go(const char *file)
{
	struct upc_elf_opts o = { .sz = sizeof(o), .quiet = true };
	struct upc_elf *elf;
	struct upc_go g = { .go = false };

	if (upc_elf_open(file, &o, &elf))
		return 0;	/* said when its probes are defined */
	upc_elf_go(elf, &g);
	upc_elf_close(elf);
	if (!g.go)
		return 0;
	cli_err("%s is a Go program (%s): its memory is the Go runtime's garbage-collected heap, "
		"not malloc's; leaks follows C allocators (a cgo program's C library: --lib libc)",
		file, g.version[0] ? g.version : "of a version it does not say");
	return -EINVAL;
}

static int find_allocator(struct leaks *k)
{
	char exe[PATH_MAX];
	unsigned scripts = 0;
	int err;

	if (k->lib) {
		const char *file;

		/* a path, or a name: libc, libjemalloc.so.2 */
		if (cli_find_file(k->lib, NULL, exe, sizeof(exe), &file))
			return -EINVAL;
		if (file[0] != '/') {
			cli_err("--lib %s: the path must be absolute", k->lib);
			return -EINVAL;
		}
		snprintf(k->alloc, sizeof(k->alloc), "%s", file);
		return not_go(k->alloc);
	}
	/* the program -- COMMAND runs, as execvp finds it and the kernel runs
	 * it: a script's interpreter */
	if (k->cmd && (err = command_image(k->cmd[0], exe, sizeof(exe), &scripts)))
		return err;
	if (scripts)
		cli_debug("%s runs %s (%u #! line%s)", k->cmd[0], exe, scripts,
			  scripts > 1 ? "s" : "");
	err = upc_allocator_find(k->cmd ? -1 : k->s.pid, exe, k->alloc, sizeof(k->alloc));
	if (err == -ESRCH) {
		cli_err("process %ld: no such process", k->s.pid);
		return -EINVAL;
	}
	if (err && !k->cmd)
		proc_exe(k->s.pid, exe, sizeof(exe));
	if (err && !not_go(exe)) {
		cli_err("found no file that defines malloc for %s%s%s%s%s: name it with --lib "
			"FILE", exe, scripts ? " (the interpreter of " : "",
			scripts ? k->cmd[0] : "", scripts ? ")" : "",
			is_static(exe) ? " (a static program without symbols?)" : "");
		return -EINVAL;
	}
	if (err || (err = not_go(k->alloc)))
		return -EINVAL;
	cli_debug("the allocator is %s", k->alloc);
	return 0;
}

/* ---- options and a whole run ---------------------------------------------------- */

static int leaks_opt(struct leaks *k, int opt, const char *arg)
{
	int r;

	switch (opt) {
	case OPT_LIB:
		k->lib = arg;
		return 0;
	case OPT_MIN_AGE:
		return parse_seconds(arg, &k->min_age) ?
		       cli_usage("--min-age takes a positive number of seconds") : 0;
	case OPT_TOP:
		return parse_count(arg, &k->top) ? cli_usage("--top takes a positive number") : 0;
	case OPT_MAX_TRACKED:
		return parse_count(arg, &k->max_tracked) ?
		       cli_usage("--max-tracked takes a positive number") : 0;
	case OPT_MMAP:
		k->mmap = true;
		return 0;
	case OPT_STACK:
		k->s.stack = true;
		return 0;
	case OPT_JSON:
		cli_json = true;
		return 0;
	case 'c':
		return cli_usage("-c: leaks runs until -d, SIGINT or the end of COMMAND");
	}
	if (cli_common_opt(opt))
		return 0;
	r = session_opt(&k->s, &k->lim, opt, arg);
	if (!r)
		r = tfs_args_opt(&k->tfs, opt, arg);
	return r < 0 ? r : r ? 0 : 1;
}

static int leaks(int argc, char **argv)
{
	static const struct option longopts[] = {
		TRACEFS_LONG_OPT,
		{ "json", 0, NULL, OPT_JSON },
		{ "lib", 1, NULL, OPT_LIB },
		{ "min-age", 1, NULL, OPT_MIN_AGE },
		{ "top", 1, NULL, OPT_TOP },
		{ "max-tracked", 1, NULL, OPT_MAX_TRACKED },
		{ "mmap", 0, NULL, OPT_MMAP },
		{ "stack", 0, NULL, OPT_STACK },
		SESSION_LONG_OPTS,
		{ NULL, 0, NULL, 0 },
	};
	const struct session_sink sink = { on_line, NULL, on_flush, on_done, on_tick, NULL };
	struct session_child child = SESSION_CHILD_INIT;
	struct upc_kernel_error ke;
	struct session_sink kk = sink;
	struct leaks k = { .tfs = TFS_ARGS_INIT, .s = SESSION_INIT, .top = 10,
			   .max_tracked = 100000, .stack_at = -1 };
	int opt, nargs, err, status = 0;

	for (nargs = 1; nargs < argc && strcmp(argv[nargs], "--"); nargs++)
		;
	if (nargs < argc && !*(k.cmd = argv + nargs + 1))
		return cli_usage("expected a COMMAND after --");
	while ((opt = cli_getopt(nargs, argv, "+qvi:p:d:c:", longopts)) != -1) {
		if (opt == '?' || (err = leaks_opt(&k, opt, optarg)) > 0)
			return cli_bad_option(argv);
		if (err < 0)
			return err;
	}
	if (optind < nargs)
		return cli_usage("unexpected '%s': leaks takes -p PID or -- COMMAND", argv[optind]);
	if (!k.cmd == (k.s.pid < 0))
		return cli_usage("expected -p PID or -- COMMAND (one of them)");
	k.interval = k.lim.interval;
	/* on_tick: the buffer every second, and -i */
	k.lim.interval = k.interval > 0 && k.interval < 1 ? k.interval : 1;
	if ((err = find_allocator(&k)))
		return err;
	snprintf(k.group, sizeof(k.group), "upc_leak_%ld", (long)getpid());
	k.tfs.group = k.group;
	k.tfs.lock = CLI_LOCK_WRITE;
	if ((err = upc_leaks_new(k.max_tracked, &k.l)) || !(k.sym = symbolize_new()))
		return cli_explain(err ? err : -ENOMEM, "leaks");
	symbolize_snapshot(k.sym, k.s.pid);	/* -p: its maps, kept after it exits */
	err = cli_open_group(&k.tfs, 0, NULL, &k.s.t, NULL);
	session_signals();	/* from here a signal ends it, and everything goes */
	if (!err)
		err = define_probes(&k);
	if (!err && k.cmd)
		err = session_child_start(&child, k.cmd);
	/* its processes stopped at their execs and exits: each image's maps
	 * read while it is there, for the call sites of one that exits or
	 * execs before its records are read */
	if (!err && k.cmd)
		session_child_watch(&child, symbolize_snapshot, symbolize_exec, k.sym,
				    "call sites of a process gone before its records are "
				    "read are given as addresses");
	if (!err) {
		static const char *const task_events[] = { "sched/sched_process_exec",
							   "sched/sched_process_exit", NULL };

		k.s.held = child.pid > 0;
		k.s.pid = child.pid ? child.pid : k.s.pid;
		snprintf(k.instance, sizeof(k.instance), "uprobectl-%ld", (long)getpid());
		k.s.instance = k.instance;
		k.s.group = k.group;
		k.s.record_tgid = true;
		k.s.clock = "mono";
		k.s.buffer_kb = BUFFER_KB_MIN;
		/* execs, to drop what the old image allocated, and exits, to
		 * report each process as it goes (a kernel without the events
		 * goes without: a report at the end) */
		k.s.tracepoints = task_events;
		err = session_start(&k.s);
	}
	if (!err)
		err = session_child_release(&child, true);
	if (!err) {
		kk.ctx = &k;
		k.started = k.last_tick = k.last_report = session_clock();
		session_run(&k.s, &kk, &k.lim, &child);
		settle(&k, UINT64_MAX);
		err = report_all(&k, true);
		if (k.err == -ENOSPC)
			cli_err("more than %lu outstanding allocations (--max-tracked): stopped "
				"before using more memory (%zu bytes each); the report covers "
				"until then", k.max_tracked, 2 * upc_leaks_slot_bytes());
		else if (k.err)
			cli_explain(k.err, "tracking allocations");
		err = err ? err : k.err ? -EIO : 0;
	}
	session_child_release(&child, false);
	session_end(&k.s);
	if (k.own_group && (status = upc_probe_destroy(k.s.t, k.group, NULL, true, &ke)))
		cli_destroy_error(k.group, NULL, status, &ke);
	upc_tracefs_close(k.s.t);
	upc_leaks_free(k.l);
	symbolize_free(k.sym);
	for (size_t i = 0; i < k.capnames; i++)
		free(k.names[i].name);
	free(k.names);
	for (size_t i = 0; i < k.nprocs; i++)
		free(k.procs[i].exe);
	free(k.procs);
	free(k.pend);
	if (child.pid > 0) {
		status = session_child_status(&child);
		return err ? err : status;
	}
	return err;
}

const struct cmd cmd_leaks = { "leaks", leaks };
