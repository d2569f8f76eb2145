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

struct pending {
	struct upc_alloc_call c;	/* fn, tid, ts: of a return too */
	uint64_t ret;
	bool is_ret;
	unsigned nframes;		/* the kernel's user stack (--stack) */
	uint64_t frames[MAX_FRAMES];
};

/* A call site named once, when first seen: (tgid, site) -> its name. */
struct site_name {
	long tgid;
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
	struct pending *pend;		/* by time, from pend[head] */
	size_t head, npend, cappend;
	uint64_t lost, records, tick_records, last_ts;
	bool lost_unknown;
	long stack_at;			/* the pending entry frames go to, or -1 */
	bool stacks_seen;		/* the kernel recorded a user stack */
	double started, last_tick, last_report;
	int err;			/* what stopped the tracking */
};

/* ---- call sites, named while their process lives ------------------------- */

/* The slot of (tgid, site) in the names table: its own, or the empty one
 * where it goes (open addressing, at most half full). */
static struct site_name *site_slot(const struct leaks *k, long tgid, uint64_t site)
{
	uint64_t h = (site ^ (uint64_t)tgid << 40) * 0x9e3779b97f4a7c15ull;
	size_t i = (size_t)(h >> 24) & (k->capnames - 1);

	while (k->names[i].name && (k->names[i].site != site || k->names[i].tgid != tgid))
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
			*site_slot(k, old[i].tgid, old[i].site) = old[i];
	free(old);
	return true;
}

/* The name of (tgid, key), or NULL when it has none yet. */
static const char *site_known(const struct leaks *k, long tgid, uint64_t key)
{
	return k->capnames ? site_slot(k, tgid, key)->name : NULL;
}

/* Is there room for one more name? */
static bool site_room(struct leaks *k)
{
	return k->nnames < MAX_SITE_NAMES &&
	       (2 * (k->nnames + 1) <= k->capnames || names_grow(k));
}

/* Name (tgid, key) (after site_room); the name, or NULL without memory. */
static const char *site_add(struct leaks *k, long tgid, uint64_t key, const char *name)
{
	struct site_name *n = site_slot(k, tgid, key);

	if (!(n->name = strdup(name)))
		return NULL;
	n->tgid = tgid;
	n->site = key;
	k->nnames++;
	return n->name;
}

/* addr of process tgid as "symbol+0xOFF (file)", or why it cannot be. */
static void frame_name(struct leaks *k, long tgid, uint64_t addr, char *out, size_t len)
{
	size_t fn;

	if (!symbolize_frame(k->sym, tgid, addr, out, len, &fn))
		snprintf(out, len, "0x%llx", (unsigned long long)addr);
}

static const char *site_name(struct leaks *k, long tgid, uint64_t site)
{
	char out[PATH_MAX + 128];
	const char *known = site_known(k, tgid, site);

	if (known || !site_room(k))
		return known;
	frame_name(k, tgid, site, out, sizeof(out));
	return site_add(k, tgid, site, out);
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
	if (site_known(k, p->c.tgid, h))
		return h;
	if (!site_room(k))
		return p->c.site;
	for (unsigned i = 0; i < nf && used < sizeof(out) - 1; i++) {
		frame_name(k, p->c.tgid, f[i], name, sizeof(name));
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s", i ? " <- " : "",
					 name);
	}
	return site_add(k, p->c.tgid, h, out) ? h : p->c.site;
}

/* Settle the records made at or before upto, in time order. */
static void settle(struct leaks *k, uint64_t upto)
{
	int err = 0;

	for (; k->head < k->npend && k->pend[k->head].c.ts <= upto && !k->err; k->head++) {
		struct pending *p = &k->pend[k->head];

		if (k->s.stack && !p->is_ret && RETURNS(p->c.fn))
			p->c.site = stack_site(k, p);
		if (p->c.fn == UPC_AF_COUNT)	/* an exec */
			upc_leaks_forget(k->l, p->c.tgid);
		else if (p->is_ret)
			err = upc_leaks_return(k->l, p->c.fn, p->c.tid, p->ret);
		else
			err = upc_leaks_entry(k->l, &p->c);
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

static void on_line(void *ctx, const char *line, size_t n)
{
	struct leaks *k = ctx;
	static struct upc_record r;
	struct pending p = { 0 };
	int fn;

	switch (upc_record_parse(line, n, &r)) {
	case UPC_REC_LOST:
		k->lost += r.lost_known ? r.lost : 0;
		k->lost_unknown |= !r.lost_known;
		return;
	case UPC_REC_ENTRY:
	case UPC_REC_RETURN:
		break;
	case UPC_REC_STACK:
		/* the user stack of the latest entry of that thread */
		k->stack_at = -1;
		for (size_t i = k->npend; k->s.stack && i-- > k->head;)
			if (k->pend[i].c.tid == r.pid) {
				if (!k->pend[i].is_ret && !k->pend[i].nframes)
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
		/* an exec: what the old image allocated went with it */
		if (r.event.n == 18 && !memcmp(r.event.p, "sched_process_exec", 18) &&
		    !upc_record_ts_ns(&r, &p.c.ts)) {
			p.c.fn = UPC_AF_COUNT;
			p.c.tgid = r.tgid >= 0 ? r.tgid : r.pid;
			if (queue(k, &p))
				k->err = -ENOMEM;
		}
		return;
	default:
		return;
	}
	if (k->err || (fn = event_of(k, &r, &p.is_ret)) < 0)
		return;
	k->records++;
	k->stack_at = -1;
	p.c.ts = upc_record_ts_ns(&r, &p.c.ts) ? k->last_ts : p.c.ts;
	if (p.c.ts > k->last_ts)
		k->last_ts = p.c.ts;
	p.c.fn = fn;
	p.c.tid = r.pid;
	if (p.is_ret) {
		p.ret = arg(&r, "ret");
	} else {
		char name[4] = "a1";

		p.c.tgid = r.tgid >= 0 ? r.tgid : k->s.pid;
		for (int i = 0; i < fn_nargs[fn]; i++) {
			name[1] = (char)('1' + i);
			p.c.args[i] = arg(&r, name);
		}
		if (RETURNS(fn)) {
			p.c.site = arg(&r, "site");
			if (!k->s.stack)
				site_name(k, p.c.tgid, p.c.site);
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

/* The sites, merged by name (one function's call sites in several
 * processes, or a name given to several addresses), most bytes first. */
static int merge(struct leaks *k, const struct upc_leak_site *s, size_t n, struct merged **out,
		 size_t *nm)
{
	struct merged *m = calloc(n ? n : 1, sizeof(*m));
	size_t j = 0;

	if (!m)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *name = site_name(k, s[i].tgid, s[i].site);
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

static int report(struct leaks *k)
{
	struct json j = JSON_INIT(stdout);
	struct upc_leaks_totals t;
	struct upc_leak_site *s;
	struct merged *m = NULL;
	uint64_t now = now_ns(k), before = UINT64_MAX, ms, rate;
	char el[32], age[32];
	size_t n, nm = 0, top;
	int err;

	ms = (uint64_t)((session_clock() - k->started) * 1000);
	if (k->min_age > 0)
		before = now - (uint64_t)(k->min_age * 1e9);
	upc_leaks_totals(k->l, &t);
	if ((err = upc_leaks_sites(k->l, before, &s, &n)) || (err = merge(k, s, n, &m, &nm))) {
		free(s);
		return cli_explain(err, "report");
	}
	free(s);
	top = k->top && k->top < nm ? k->top : nm;
	rate = ms ? t.calls * 1000 / ms : 0;
	secs(ms, el, sizeof(el));
	if (cli_json) {
		json_obj(&j);
		json_kv_str(&j, "kind", "leaks");
		json_kv_u64(&j, "pid", (uint64_t)k->s.pid);
		json_kv_str(&j, "allocator", k->alloc);
		json_kv_u64(&j, "ms", ms);
		json_kv_bool(&j, "reliable", !k->lost && !k->lost_unknown);
		json_kv_u64(&j, "lost", k->lost);
		json_kv_bool(&j, "lost_unknown", k->lost_unknown);
		json_kv_u64(&j, "buffer_kb", k->s.buffer_kb);
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
	} else {
		if (k->lost || k->lost_unknown)
			printf("leaks of pid %ld: NOT RELIABLE: %s%llu EVENTS LOST in %s s "
			       "(buffer now %lu KiB per CPU)\n", k->s.pid,
			       k->lost_unknown ? "at least " : "", (unsigned long long)k->lost,
			       el, k->s.buffer_kb);
		else
			printf("leaks of pid %ld: %s s, none lost (buffer %lu KiB per CPU)\n",
			       k->s.pid, el, k->s.buffer_kb);
		printf("allocator %s; %llu calls (%llu/s): allocated %llu B in %llu, freed "
		       "%llu B in %llu, outstanding %llu B in %llu\n", k->alloc,
		       (unsigned long long)t.calls, (unsigned long long)rate,
		       (unsigned long long)t.alloc_bytes, (unsigned long long)t.allocs,
		       (unsigned long long)t.freed_bytes, (unsigned long long)t.frees,
		       (unsigned long long)t.outstanding_bytes,
		       (unsigned long long)t.outstanding);
		if (t.untracked)
			printf("not tracked: %llu posix_memalign calls (%llu B) whose pointer no "
			       "probe sees\n", (unsigned long long)t.untracked,
			       (unsigned long long)t.untracked_bytes);
		if (t.unknown_frees)
			printf("%llu frees of memory not seen allocated (before tracing began, "
			       "or freed again by the allocator itself, as glibc's thread exit "
			       "does with its cache)\n",
			       (unsigned long long)t.unknown_frees);
		printf("%s%s\n", k->stacks_seen ? "call stack: the caller, then the kernel's "
		       "user stack (frame pointers)" : k->s.stack ? "call site: the caller only "
		       "(this kernel recorded no user stacks)" : "call site: the caller of the "
		       "allocator (--stack for deeper frames)",
		       k->min_age > 0 ? "; younger allocations left out (--min-age)" : "");
		printf("%12s %8s %10s  %s\n", "BYTES", "ALLOCS", "OLDEST", "CALL SITE");
		for (size_t i = 0; i < top; i++) {
			secs(now > m[i].oldest ? (now - m[i].oldest) / 1000000 : 0, age,
			     sizeof(age));
			printf("%12llu %8llu %8s s  %s\n", (unsigned long long)m[i].bytes,
			       (unsigned long long)m[i].count, age, m[i].name);
		}
		if (top < nm)
			printf("(%zu more call sites; --top N)\n", nm - top);
	}
	fflush(stdout);
	free(m);
	return 0;
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
		report(k);
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

static int find_allocator(struct leaks *k)
{
	char exe[PATH_MAX];
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
		return 0;
	}
	/* the program -- COMMAND runs, as execvp finds it */
	if (k->cmd && (strchr(k->cmd[0], '/') ? !realpath(k->cmd[0], exe) :
		       upc_find_program(k->cmd[0], exe, sizeof(exe)) != 0)) {
		cli_err("%s: no such program%s (a script? name the allocator with --lib FILE)",
			k->cmd[0], strchr(k->cmd[0], '/') ? "" : " of this machine in PATH");
		return -EINVAL;
	}
	err = upc_allocator_find(k->cmd ? -1 : k->s.pid, exe, k->alloc, sizeof(k->alloc));
	if (err == -ESRCH) {
		cli_err("process %ld: no such process", k->s.pid);
		return -EINVAL;
	}
	if (err) {
		cli_err("found no file that defines malloc for %s%s (a static program "
			"without symbols?): name it with --lib FILE", k->cmd ? "" : "pid ",
			k->cmd ? k->cmd[0] : exe);
		return -EINVAL;
	}
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
	while ((opt = getopt_long(nargs, argv, "+qvi:p:d:c:", longopts, NULL)) != -1) {
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
	if (!err) {
		k.s.pid = child.pid ? child.pid : k.s.pid;
		snprintf(k.instance, sizeof(k.instance), "uprobectl-%ld", (long)getpid());
		k.s.instance = k.instance;
		k.s.group = k.group;
		k.s.record_tgid = true;
		k.s.clock = "mono";
		k.s.buffer_kb = BUFFER_KB_MIN;
		err = session_start(&k.s);
		/* execs, to drop what the old image allocated (a kernel without
		 * the event goes without) */
		if (!err)
			upc_instance_write(k.s.inst, "events/sched/sched_process_exec/enable", "1");
	}
	if (!err)
		err = session_child_release(&child, true);
	if (!err) {
		kk.ctx = &k;
		k.started = k.last_tick = k.last_report = session_clock();
		session_run(&k.s, &kk, &k.lim, &child);
		settle(&k, UINT64_MAX);
		err = report(&k);
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
	free(k.pend);
	if (child.pid > 0) {
		status = session_child_status(&child);
		return err ? err : status;
	}
	return err;
}

const struct cmd cmd_leaks = { "leaks", leaks };
