// SPDX-License-Identifier: MIT
/*
 * Leaks: the allocations a process made and has not freed, from the entry
 * and return records of its allocator's functions.
 *
 * Calls pair with their returns per thread, on a stack: an allocator
 * function called from inside another (glibc's realloc(NULL, n) calling
 * malloc, musl's calloc calling malloc and its posix_memalign calling
 * aligned_alloc, malloc's own mmap) is part of the outer call and counted
 * only as that. The outer call's return settles it: an allocation of the
 * size its arguments asked for at the pointer it returned (posix_memalign:
 * at the pointer an inner call returned, when one did), realloc a free and
 * an allocation. realloc's old block leaves the table at its entry, though:
 * realloc frees it inside, and another thread's malloc may return the same
 * pointer before realloc returns; it comes back if realloc fails. A free
 * with no allocation seen (made before tracing began, or its record lost)
 * is counted apart, never an error.
 *
 * Outstanding allocations live in an open-addressing table keyed by
 * (process, pointer), linear probing with backward-shift deletion (no
 * tombstones, however many frees), at most three quarters full. Each
 * process has its own totals: what one process did is never another's,
 * and a process that exits takes all of it with it.
 */
#include <stdlib.h>

#include "upc_internal.h"

#define MAX_DEPTH 8

struct slot {
	uint64_t ptr;		/* 0: empty */
	uint64_t size;
	uint64_t ts;
	uint64_t site;
	int32_t tgid;
};

struct thread {
	long tid, tgid;
	int depth;
	uint64_t inner_ptr;	/* what an inner call returned */
	struct upc_alloc_call open[MAX_DEPTH];
	struct slot held;	/* the old block of the outermost realloc */
	bool held_known;	/* held was in the table */
};

struct proc {
	long tgid;
	struct upc_leaks_totals tot;
};

struct upc_leaks {
	struct slot *s;
	size_t cap, n, max;
	struct thread *t;
	size_t tn, tcap;
	struct proc *p;
	size_t pn, pcap;
};

static const char *const fn_names[UPC_AF_COUNT] = {
	"malloc", "calloc", "realloc", "reallocarray", "free", "aligned_alloc", "memalign",
	"valloc", "pvalloc", "posix_memalign", "mmap", "munmap",
};

const char *upc_alloc_fn_name(enum upc_alloc_fn fn)
{
	return (unsigned)fn < UPC_AF_COUNT ? fn_names[fn] : NULL;
}

size_t upc_leaks_slot_bytes(void)
{
	return sizeof(struct slot);
}

int upc_leaks_new(size_t max, struct upc_leaks **out)
{
	struct upc_leaks *l = calloc(1, sizeof(*l));

	*out = l;
	if (!l)
		return -ENOMEM;
	l->max = max;
	return 0;
}

void upc_leaks_free(struct upc_leaks *l)
{
	if (!l)
		return;
	free(l->s);
	free(l->t);
	free(l->p);
	free(l);
}

static struct proc *proc_known(const struct upc_leaks *l, long tgid)
{
	for (size_t i = l->pn; i-- > 0;)
		if (l->p[i].tgid == tgid)
			return &l->p[i];
	return NULL;
}

/* Process tgid's totals, made when first seen (NULL without memory). */
static struct proc *proc(struct upc_leaks *l, long tgid)
{
	struct proc *p = proc_known(l, tgid);

	if (p)
		return p;
	if (l->pn == l->pcap) {
		size_t cap = l->pcap ? l->pcap * 2 : 8;

		if (!(p = realloc(l->p, cap * sizeof(*p))))
			return NULL;
		l->p = p;
		l->pcap = cap;
	}
	p = &l->p[l->pn++];
	*p = (struct proc){ .tgid = tgid };
	return p;
}

static size_t slot_of(const struct upc_leaks *l, long tgid, uint64_t ptr)
{
	uint64_t h = (ptr ^ (uint64_t)tgid * 0x9e3779b97f4a7c15ull) * 0xff51afd7ed558ccdull;

	return (size_t)(h >> 17) & (l->cap - 1);
}

static struct slot *find(const struct upc_leaks *l, long tgid, uint64_t ptr)
{
	if (!l->cap)
		return NULL;
	for (size_t i = slot_of(l, tgid, ptr);; i = (i + 1) & (l->cap - 1)) {
		struct slot *s = &l->s[i];

		if (!s->ptr)
			return NULL;
		if (s->ptr == ptr && s->tgid == (int32_t)tgid)
			return s;
	}
}

static void put(struct upc_leaks *l, const struct slot *v)
{
	size_t i = slot_of(l, v->tgid, v->ptr);

	while (l->s[i].ptr)
		i = (i + 1) & (l->cap - 1);
	l->s[i] = *v;
	l->n++;
}

static int grow(struct upc_leaks *l)
{
	struct slot *old = l->s;
	size_t ocap = l->cap;

	l->cap = ocap ? ocap * 2 : 1024;
	l->s = calloc(l->cap, sizeof(*l->s));
	if (!l->s) {
		l->s = old;
		l->cap = ocap;
		return -ENOMEM;
	}
	l->n = 0;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].ptr)
			put(l, &old[i]);
	free(old);
	return 0;
}

/* Empty slot s, moving back the entries after it that probed past it. */
static void erase(struct upc_leaks *l, struct slot *s)
{
	size_t i = (size_t)(s - l->s), j = i;

	for (;;) {
		size_t home;

		j = (j + 1) & (l->cap - 1);
		if (!l->s[j].ptr)
			break;
		home = slot_of(l, l->s[j].tgid, l->s[j].ptr);
		/* j's entry may fill the hole at i unless its home lies
		 * cyclically in (i, j] */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			l->s[i] = l->s[j];
			i = j;
		}
	}
	l->s[i].ptr = 0;
	l->n--;
}

/* Block s out of the table: freed, held by a realloc, or gone with its
 * process. */
static void take(struct upc_leaks *l, struct slot *s)
{
	struct proc *p = proc_known(l, s->tgid);	/* there: it allocated s */

	p->tot.outstanding--;
	p->tot.outstanding_bytes -= s->size;
	erase(l, s);
}

/* v in the table, in place of a block at its pointer whose free was not
 * seen (lost): that block was reused. */
static int insert(struct upc_leaks *l, struct proc *p, const struct slot *v, bool limited)
{
	struct slot *s;
	int err;

	if ((s = find(l, v->tgid, v->ptr))) {
		p->tot.outstanding_bytes -= s->size;
		*s = *v;
		p->tot.outstanding_bytes += v->size;
		return 0;
	}
	if (limited && l->n >= l->max)
		return -ENOSPC;
	if ((l->n + 1) * 4 > l->cap * 3 && (err = grow(l)))
		return err;
	put(l, v);
	p->tot.outstanding++;
	p->tot.outstanding_bytes += v->size;
	return 0;
}

static int alloc(struct upc_leaks *l, struct proc *p, const struct upc_alloc_call *c,
		 uint64_t ptr, uint64_t size)
{
	struct slot v = { ptr, size, c->ts, c->site, (int32_t)c->tgid };

	p->tot.allocs++;
	p->tot.alloc_bytes += size;
	return insert(l, p, &v, true);
}

/* A free by process p of block s, or (s NULL) of memory never seen
 * allocated. */
static void count_free(struct proc *p, const struct slot *s)
{
	if (!s) {
		p->tot.unknown_frees++;
		return;
	}
	p->tot.frees++;
	p->tot.freed_bytes += s->size;
}

static void release(struct upc_leaks *l, struct proc *p, uint64_t ptr)
{
	struct slot *s;

	if (!ptr)
		return;		/* free(NULL) */
	s = find(l, p->tgid, ptr);
	count_free(p, s);
	if (s)
		take(l, s);
}

/* Thread t's outermost realloc was given ptr: out of the table until it
 * returns. */
static void hold(struct upc_leaks *l, struct thread *t, uint64_t ptr)
{
	struct slot *s = find(l, t->tgid, ptr);

	t->held = s ? *s : (struct slot){ .ptr = ptr, .tgid = (int32_t)t->tgid };
	t->held_known = s != NULL;
	if (s)
		take(l, s);
}

/* The realloc returned: its old block freed, or (it failed, or its return
 * was lost) back as it was. */
static int unhold(struct upc_leaks *l, struct proc *p, struct thread *t, bool freed)
{
	struct slot v = t->held;

	t->held.ptr = 0;
	if (!v.ptr)
		return 0;
	if (!freed)
		return t->held_known ? insert(l, p, &v, false) : 0;
	count_free(p, t->held_known ? &v : NULL);
	return 0;
}

/* Thread tid of process tgid, made when first seen (NULL without
 * memory); a thread of another process with that tid is gone, and its
 * state with it. */
static struct thread *thread(struct upc_leaks *l, long tid, long tgid)
{
	struct thread *t;

	for (size_t i = 0; i < l->tn; i++)
		if (l->t[i].tid == tid) {
			if (l->t[i].tgid != tgid)
				l->t[i] = (struct thread){ .tid = tid, .tgid = tgid };
			return &l->t[i];
		}
	if (l->tn == l->tcap) {
		size_t cap = l->tcap ? l->tcap * 2 : 16;

		t = realloc(l->t, cap * sizeof(*t));
		if (!t)
			return NULL;
		l->t = t;
		l->tcap = cap;
	}
	t = &l->t[l->tn++];
	*t = (struct thread){ .tid = tid, .tgid = tgid };
	return t;
}

int upc_leaks_entry(struct upc_leaks *l, const struct upc_alloc_call *c)
{
	struct proc *p = proc(l, c->tgid);
	struct thread *t = p ? thread(l, c->tid, c->tgid) : NULL;
	int err;

	if (!t)
		return -ENOMEM;
	p->tot.calls++;
	if (c->fn == UPC_AF_FREE || c->fn == UPC_AF_MUNMAP) {
		/* no return probe: settled now, unless an outer call owns it */
		if (!t->depth)
			release(l, p, c->args[0]);
		return 0;
	}
	if (t->depth == MAX_DEPTH) {
		/* returns were lost: start this thread over */
		p->tot.unpaired += (uint64_t)t->depth;
		t->depth = 0;
		if ((err = unhold(l, p, t, false)))
			return err;
	}
	if (!t->depth) {
		t->inner_ptr = 0;
		if ((c->fn == UPC_AF_REALLOC || c->fn == UPC_AF_REALLOCARRAY) && c->args[0])
			hold(l, t, c->args[0]);
	}
	t->open[t->depth++] = *c;
	return 0;
}

static uint64_t mul(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

int upc_leaks_return(struct upc_leaks *l, enum upc_alloc_fn fn, long tid, long tgid,
		     uint64_t ret)
{
	struct proc *p = proc(l, tgid);
	struct thread *t = p ? thread(l, tid, tgid) : NULL;
	struct upc_alloc_call c;
	int d;

	if (!t)
		return -ENOMEM;
	for (d = t->depth - 1; d >= 0 && t->open[d].fn != fn; d--)
		;
	if (d < 0) {
		p->tot.unpaired++;	/* its entry was lost, or came before us */
		return 0;
	}
	p->tot.unpaired += (uint64_t)(t->depth - 1 - d);	/* returns lost */
	c = t->open[d];
	t->depth = d;
	if (d) {
		/* an inner call: the outer one accounts for it */
		if (fn != UPC_AF_MMAP && ret)
			t->inner_ptr = ret;
		return 0;
	}
	switch (fn) {
	case UPC_AF_MALLOC:
	case UPC_AF_VALLOC:
	case UPC_AF_PVALLOC:
		return ret ? alloc(l, p, &c, ret, c.args[0]) : 0;
	case UPC_AF_CALLOC:
		return ret ? alloc(l, p, &c, ret, mul(c.args[0], c.args[1])) : 0;
	case UPC_AF_ALIGNED_ALLOC:
	case UPC_AF_MEMALIGN:
		return ret ? alloc(l, p, &c, ret, c.args[1]) : 0;
	case UPC_AF_REALLOC:
	case UPC_AF_REALLOCARRAY: {
		uint64_t size = fn == UPC_AF_REALLOC ? c.args[1] : mul(c.args[1], c.args[2]);
		/* a new block frees the old; NULL for size 0 freed it too
		 * (glibc); NULL otherwise failed and changed nothing */
		int err = unhold(l, p, t, ret || !size);

		return err ? err : ret ? alloc(l, p, &c, ret, size) : 0;
	}
	case UPC_AF_POSIX_MEMALIGN:
		if (ret)
			return 0;	/* an error number: nothing allocated */
		if (t->inner_ptr)
			return alloc(l, p, &c, t->inner_ptr, c.args[2]);
		p->tot.untracked++;
		p->tot.untracked_bytes += c.args[2];
		return 0;
	case UPC_AF_MMAP:
		/* anonymous (fd -1) and not MAP_FAILED */
		if ((uint32_t)c.args[4] != UINT32_MAX || ret == UINT64_MAX || !ret)
			return 0;
		return alloc(l, p, &c, ret, c.args[1]);
	default:
		return -EINVAL;
	}
}

void upc_leaks_forget(struct upc_leaks *l, long tgid)
{
	for (size_t i = 0; i < l->cap;) {
		struct slot *s = &l->s[i];

		if (!s->ptr || s->tgid != (int32_t)tgid) {
			i++;
			continue;
		}
		take(l, s);	/* slot i may now hold a later entry: look again */
	}
	for (size_t i = 0; i < l->tn; i++)
		if (l->t[i].tgid == tgid) {
			l->t[i].depth = 0;
			l->t[i].held.ptr = 0;
		}
}

int upc_leaks_lost(struct upc_leaks *l)
{
	int err = 0;

	for (size_t i = 0; i < l->tn; i++) {
		struct thread *t = &l->t[i];
		struct proc *p = proc_known(l, t->tgid);
		int e;

		if (!p || !t->depth)
			continue;
		p->tot.unpaired += (uint64_t)t->depth;
		t->depth = 0;
		if ((e = unhold(l, p, t, false)) && !err)
			err = e;
	}
	return err;
}

void upc_leaks_thread_exit(struct upc_leaks *l, long tid)
{
	for (size_t i = 0; i < l->tn; i++)
		if (l->t[i].tid == tid) {
			l->t[i] = l->t[--l->tn];
			return;
		}
}

void upc_leaks_exit(struct upc_leaks *l, long tgid)
{
	upc_leaks_forget(l, tgid);
	for (size_t i = l->tn; i-- > 0;)
		if (l->t[i].tgid == tgid)
			l->t[i] = l->t[--l->tn];
	for (size_t i = 0; i < l->pn; i++)
		if (l->p[i].tgid == tgid) {
			l->p[i] = l->p[--l->pn];
			break;
		}
}

size_t upc_leaks_procs(const struct upc_leaks *l, long *tgids, size_t cap)
{
	for (size_t i = 0; i < l->pn && i < cap; i++)
		tgids[i] = l->p[i].tgid;
	return l->pn;
}

static void add_totals(struct upc_leaks_totals *a, const struct upc_leaks_totals *b)
{
	a->calls += b->calls;
	a->allocs += b->allocs;
	a->alloc_bytes += b->alloc_bytes;
	a->frees += b->frees;
	a->freed_bytes += b->freed_bytes;
	a->outstanding += b->outstanding;
	a->outstanding_bytes += b->outstanding_bytes;
	a->unknown_frees += b->unknown_frees;
	a->untracked += b->untracked;
	a->untracked_bytes += b->untracked_bytes;
	a->unpaired += b->unpaired;
}

void upc_leaks_totals(const struct upc_leaks *l, long tgid, struct upc_leaks_totals *t)
{
	const struct proc *p = tgid > 0 ? proc_known(l, tgid) : NULL;

	*t = (struct upc_leaks_totals){ 0 };
	for (size_t i = 0; tgid <= 0 && i < l->pn; i++)
		add_totals(t, &l->p[i].tot);
	if (p)
		*t = p->tot;
}

static int by_site(const void *x, const void *y)
{
	const struct upc_leak_site *a = x, *b = y;

	if (a->tgid != b->tgid)
		return a->tgid < b->tgid ? -1 : 1;
	return (a->site > b->site) - (a->site < b->site);
}

static int by_bytes(const void *x, const void *y)
{
	const struct upc_leak_site *a = x, *b = y;

	if (a->bytes != b->bytes)
		return a->bytes < b->bytes ? 1 : -1;
	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	return by_site(x, y);
}

int upc_leaks_sites(const struct upc_leaks *l, long tgid, uint64_t now, uint64_t min_age,
		    struct upc_leak_site **out, size_t *n)
{
	struct upc_leak_site *s = malloc((l->n ? l->n : 1) * sizeof(*s));
	size_t k = 0, m = 0;

	*out = NULL;
	*n = 0;
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < l->cap; i++) {
		const struct slot *v = &l->s[i];

		/* its age, never negative: a time after now is age 0 */
		if (v->ptr && (tgid <= 0 || v->tgid == (int32_t)tgid) &&
		    (now > v->ts ? now - v->ts : 0) >= min_age)
			s[k++] = (struct upc_leak_site){ v->tgid, v->site, v->size, 1, v->ts };
	}
	upc_sort(s, k, sizeof(*s), by_site);
	for (size_t i = 0; i < k; i++) {
		if (m && !by_site(&s[m - 1], &s[i])) {
			s[m - 1].bytes += s[i].bytes;
			s[m - 1].count++;
			if (s[i].oldest < s[m - 1].oldest)
				s[m - 1].oldest = s[i].oldest;
		} else {
			s[m++] = s[i];
		}
	}
	upc_sort(s, m, sizeof(*s), by_bytes);
	*out = s;
	*n = m;
	return 0;
}
