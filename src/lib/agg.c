// SPDX-License-Identifier: MIT
/*
 * Answers: counts per key and distributions of values, the one shape both
 * engines report in. The kernel's hist triggers and the record stream both
 * end here as exact (key or value) -> hits, so buckets, percentiles and
 * sorting are computed once, the same way for either.
 *
 * Keys and values live in open-addressing hash tables that double when
 * half full; key strings are copied into the table.
 */
#include <stdlib.h>

#include "upc_internal.h"

struct kslot {
	char *key;
	size_t len;
	uint64_t count;
};

struct vslot {
	uint64_t v;
	uint64_t count;		/* 0: empty */
	bool neg;		/* the value is -v */
};

struct upc_agg {
	struct kslot *k;
	size_t kcap, kn;
	struct vslot *v;
	size_t vcap, vn;
	uint64_t hits;
};

int upc_agg_new(struct upc_agg **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void upc_agg_free(struct upc_agg *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->kcap; i++)
		free(a->k[i].key);
	free(a->k);
	free(a->v);
	free(a);
}

uint64_t upc_agg_hits(const struct upc_agg *a)
{
	return a->hits;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static uint64_t hash_u64(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdull;
	v ^= v >> 33;
	return v;
}

static struct kslot *kfind(struct kslot *t, size_t cap, const char *key, size_t len)
{
	for (size_t i = hash_bytes(key, len) & (cap - 1);; i = (i + 1) & (cap - 1))
		if (!t[i].key || (t[i].len == len && !memcmp(t[i].key, key, len)))
			return &t[i];
}

static int kgrow(struct upc_agg *a)
{
	size_t cap = a->kcap ? 2 * a->kcap : 64;
	struct kslot *t = calloc(cap, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < a->kcap; i++)
		if (a->k[i].key)
			*kfind(t, cap, a->k[i].key, a->k[i].len) = a->k[i];
	free(a->k);
	a->k = t;
	a->kcap = cap;
	return 0;
}

int upc_agg_key(struct upc_agg *a, const char *key, size_t len, uint64_t n)
{
	struct kslot *s;

	if (2 * (a->kn + 1) > a->kcap && kgrow(a))
		return -ENOMEM;
	s = kfind(a->k, a->kcap, key, len);
	if (!s->key) {
		if (!(s->key = malloc(len + 1)))
			return -ENOMEM;
		memcpy(s->key, key, len);
		s->key[len] = '\0';
		s->len = len;
		a->kn++;
	}
	s->count += n;
	a->hits += n;
	return 0;
}

static struct vslot *vfind(struct vslot *t, size_t cap, uint64_t v, bool neg)
{
	for (size_t i = hash_u64(v ^ neg) & (cap - 1);; i = (i + 1) & (cap - 1))
		if (!t[i].count || (t[i].v == v && t[i].neg == neg))
			return &t[i];
}

static int vgrow(struct upc_agg *a)
{
	size_t cap = a->vcap ? 2 * a->vcap : 64;
	struct vslot *t = calloc(cap, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < a->vcap; i++)
		if (a->v[i].count)
			*vfind(t, cap, a->v[i].v, a->v[i].neg) = a->v[i];
	free(a->v);
	a->v = t;
	a->vcap = cap;
	return 0;
}

int upc_agg_value(struct upc_agg *a, uint64_t v, bool neg, uint64_t n)
{
	struct vslot *s;

	if (!n)
		return 0;
	if (2 * (a->vn + 1) > a->vcap && vgrow(a))
		return -ENOMEM;
	neg = neg && v;		/* -0 is 0 */
	s = vfind(a->v, a->vcap, v, neg);
	if (!s->count) {
		s->v = v;
		s->neg = neg;
		a->vn++;
	}
	s->count += n;
	a->hits += n;
	return 0;
}

static int by_count(const void *x, const void *y)
{
	const struct upc_agg_entry *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	c = memcmp(a->key, b->key, n);
	return c ? c : a->len < b->len ? -1 : a->len > b->len;
}

int upc_agg_keys(const struct upc_agg *a, struct upc_agg_entry **out, size_t *n)
{
	struct upc_agg_entry *e = malloc((a->kn ? a->kn : 1) * sizeof(*e));
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < a->kcap; i++)
		if (a->k[i].key)
			e[k++] = (struct upc_agg_entry){ a->k[i].key, a->k[i].len, a->k[i].count };
	upc_sort(e, k, sizeof(*e), by_count);
	*out = e;
	*n = k;
	return 0;
}

/* Values in ascending order (negatives first). */
static int by_value(const void *x, const void *y)
{
	const struct vslot *a = x, *b = y;

	if (a->neg != b->neg)
		return a->neg ? -1 : 1;
	if (a->v == b->v)
		return 0;
	return (a->v < b->v) != a->neg ? -1 : 1;
}

static struct vslot *sorted_values(const struct upc_agg *a)
{
	struct vslot *s = malloc((a->vn ? a->vn : 1) * sizeof(*s));
	size_t k = 0;

	if (!s)
		return NULL;
	for (size_t i = 0; i < a->vcap; i++)
		if (a->v[i].count)
			s[k++] = a->v[i];
	upc_sort(s, k, sizeof(*s), by_value);
	return s;
}

/* The bucket of a value that is not negative: log2 as bpftrace's hist()
 * ([0], [1], [2, 4), [4, 8) ...) or linear by step. */
static void bucket_of(uint64_t v, enum upc_bucketing how, uint64_t step, uint64_t *lo,
		      uint64_t *hi)
{
	unsigned k = 0;

	if (how == UPC_LINEAR) {
		*lo = v - v % step;
		*hi = *lo > UINT64_MAX - step ? UINT64_MAX : *lo + step;
		return;
	}
	if (v < 2) {
		*lo = v;
		*hi = v + 1;
		return;
	}
	while (k < 63 && v >> (k + 1))
		k++;
	*lo = 1ull << k;
	*hi = k == 63 ? UINT64_MAX : 1ull << (k + 1);
}

int upc_agg_buckets(const struct upc_agg *a, enum upc_bucketing how, uint64_t step,
		    struct upc_bucket **out, size_t *n)
{
	struct vslot *s;
	struct upc_bucket *b;
	size_t nb = 0, cap = 16;

	*out = NULL;
	*n = 0;
	if (how == UPC_LINEAR && !step)
		return -EINVAL;
	if (!(s = sorted_values(a)) || !(b = malloc(cap * sizeof(*b)))) {
		free(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < a->vn; i++) {
		uint64_t lo = 0, hi = 0;

		if (!s[i].neg)
			bucket_of(s[i].v, how, step, &lo, &hi);
		/* the empty buckets between two that are not, as bpftrace */
		while (nb && !s[i].neg && !b[nb - 1].negative && b[nb - 1].hi < lo &&
		       b[nb - 1].hi != UINT64_MAX) {
			uint64_t l = b[nb - 1].hi, h;

			bucket_of(l, how, step, &l, &h);
			if (nb == cap) {
				void *nbuf = realloc(b, (cap *= 2) * sizeof(*b));

				if (!nbuf)
					goto nomem;
				b = nbuf;
			}
			b[nb++] = (struct upc_bucket){ l, h, false, 0 };
		}
		if (nb && b[nb - 1].negative == s[i].neg &&
		    (s[i].neg || (b[nb - 1].lo == lo && b[nb - 1].hi == hi))) {
			b[nb - 1].count += s[i].count;
			continue;
		}
		if (nb == cap) {
			void *nbuf = realloc(b, (cap *= 2) * sizeof(*b));

			if (!nbuf)
				goto nomem;
			b = nbuf;
		}
		b[nb++] = (struct upc_bucket){ lo, hi, s[i].neg, s[i].count };
	}
	free(s);
	*out = b;
	*n = nb;
	return 0;
nomem:
	free(s);
	free(b);
	return -ENOMEM;
}

int upc_agg_stats(const struct upc_agg *a, struct upc_agg_stats *st)
{
	static const unsigned pct[3] = { 50, 90, 99 };
	uint64_t *out[3] = { &st->p50, &st->p90, &st->p99 }, seen = 0, total = 0;
	struct vslot *s;
	unsigned k = 0;

	memset(st, 0, sizeof(*st));
	if (!a->vn)
		return 0;
	if (!(s = sorted_values(a)))
		return -ENOMEM;
	for (size_t i = 0; i < a->vn; i++)
		total += s[i].count;
	st->count = total;
	for (size_t i = 0; i < a->vn; i++)
		if (!s[i].neg)
			st->sum = s[i].v > (UINT64_MAX - st->sum) / s[i].count ? UINT64_MAX
									: st->sum + s[i].v * s[i].count;
	st->min = s[0].neg ? 0 : s[0].v;
	st->max = s[a->vn - 1].neg ? 0 : s[a->vn - 1].v;
	/* nearest rank: the smallest value with at least p% of the hits at
	 * or below it */
	for (size_t i = 0; i < a->vn && k < 3; i++) {
		seen += s[i].count;
		while (k < 3 && seen * 100 >= total * pct[k])
			*out[k++] = s[i].neg ? 0 : s[i].v;
	}
	free(s);
	return 0;
}

/* ---- pairing entries with returns ------------------------------------------ */

/* Per thread, the entry times of the calls not returned yet: a stack, so
 * recursion and nested calls pair right. */
struct thread_calls {
	long tid;
	uint64_t *ts;
	size_t n, cap;
};

struct upc_pairing {
	struct thread_calls *t;
	size_t n, cap;
	uint64_t unmatched;	/* returns with no entry seen */
};

int upc_pairing_new(struct upc_pairing **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void upc_pairing_free(struct upc_pairing *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->t[i].ts);
	free(p->t);
	free(p);
}

static struct thread_calls *thread(struct upc_pairing *p, long tid, bool add)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->t[i].tid == tid)
			return &p->t[i];
	if (!add)
		return NULL;
	if (p->n == p->cap) {
		void *nt = realloc(p->t, (p->cap = p->cap ? 2 * p->cap : 16) * sizeof(*p->t));

		if (!nt)
			return NULL;
		p->t = nt;
	}
	p->t[p->n] = (struct thread_calls){ tid, NULL, 0, 0 };
	return &p->t[p->n++];
}

int upc_pairing_entry(struct upc_pairing *p, long tid, uint64_t ts)
{
	struct thread_calls *t = thread(p, tid, true);

	if (!t)
		return -ENOMEM;
	if (t->n == t->cap) {
		void *nts = realloc(t->ts, (t->cap = t->cap ? 2 * t->cap : 8) * sizeof(*t->ts));

		if (!nts)
			return -ENOMEM;
		t->ts = nts;
	}
	t->ts[t->n++] = ts;
	return 0;
}

int upc_pairing_return(struct upc_pairing *p, long tid, uint64_t ts, uint64_t *elapsed)
{
	struct thread_calls *t = thread(p, tid, false);

	if (!t || !t->n) {
		p->unmatched++;
		return -ENOENT;
	}
	t->n--;
	*elapsed = ts >= t->ts[t->n] ? ts - t->ts[t->n] : 0;
	return 0;
}

uint64_t upc_pairing_unmatched(const struct upc_pairing *p)
{
	return p->unmatched;
}

/* ---- the kernel's histograms ------------------------------------------------ */

/*
 * A hist file, one histogram per trigger (each after its "# trigger info:
 * hist:keys=KEYS:..." line), one entry per line:
 *   { size:       4096 } hitcount:          2
 *   { comm: registers                } hitcount:          5
 * and at the end "Dropped: N" (entries the table had no room for).
 */
int upc_hist_read(const char *text, size_t len, const char *keys, struct upc_agg *a,
		  bool numeric, uint64_t *dropped)
{
	static const char info[] = "# trigger info: hist:keys=";
	const char *end = text + len;
	bool mine = !keys;
	int err = 0;

	*dropped = 0;
	for (const char *l = text, *nl; !err && l < end; l = nl + 1) {
		const char *p, *k, *ke, *h, *tok;
		size_t n;
		uint64_t v, hits;

		nl = memchr(l, '\n', (size_t)(end - l));
		if (!nl)
			nl = end;
		/* a file holds one histogram per hist trigger of the event */
		if (keys && (size_t)(nl - l) > sizeof(info) - 1 && !memcmp(l, info, sizeof(info) - 1)) {
			n = strlen(keys);
			l += sizeof(info) - 1;
			mine = (size_t)(nl - l) > n && !memcmp(l, keys, n) && l[n] == ':';
			continue;
		}
		if (!mine)
			continue;
		p = l;
		if (upc_token(&p, nl, &tok, &n) && n == 8 && !memcmp(tok, "Dropped:", 8) &&
		    upc_token(&p, nl, &tok, &n) && !upc_parse_u64(tok, n, &v)) {
			*dropped = v;
			continue;
		}
		if ((size_t)(nl - l) < 2 || l[0] != '{' || !(k = memchr(l, ':', (size_t)(nl - l))) ||
		    !(ke = memchr(k, '}', (size_t)(nl - k))))
			continue;
		/* "} hitcount:" follows the key (libc's memmem is 1.3 KB on a board) */
		for (h = ke; h + 9 <= nl && memcmp(h, "hitcount:", 9); h++)
			;
		if (h + 9 > nl)
			continue;
		p = h + 9;
		if (!upc_token(&p, nl, &tok, &n) || upc_parse_u64(tok, n, &hits))
			return -EINVAL;
		/* the key's text, without the padding */
		for (k++; k < ke && *k == ' '; k++)
			;
		while (ke > k && ke[-1] == ' ')
			ke--;
		if (!numeric) {
			err = upc_agg_key(a, k, (size_t)(ke - k), hits);
			continue;
		}
		if (ke > k && *k == '-' && !upc_parse_u64(k + 1, (size_t)(ke - k - 1), &v))
			err = upc_agg_value(a, v, true, hits);
		else if (!upc_parse_u64(k, (size_t)(ke - k), &v))
			err = upc_agg_value(a, v, false, hits);
		else
			return -EINVAL;
	}
	return err;
}
