// SPDX-License-Identifier: MIT
/*
 * Leaks (src/lib/leaks.c): calls paired per thread, inner allocator calls
 * counted as part of the outer one, realloc as a free and an allocation,
 * its old block another thread's before realloc returns,
 * posix_memalign's pointer from an inner call or counted untracked, frees
 * of unknown memory apart, outstanding allocations per call site, the
 * --max-tracked limit, a process's blocks dropped at its exec, each
 * process's figures its own and gone with it at its exit, --min-age on a
 * machine up for less than the age, and a long random run against a plain
 * model.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "uprobectl.h"

static uint64_t now;

static void call(struct upc_leaks *l, enum upc_alloc_fn fn, long tid, uint64_t site,
		 uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct upc_alloc_call c = { fn, 100, tid, ++now, { a0, a1, a2, 0, 0 }, site };

	assert_int_equal(upc_leaks_entry(l, &c), 0);
}

static void ret(struct upc_leaks *l, enum upc_alloc_fn fn, long tid, uint64_t v)
{
	now++;
	assert_int_equal(upc_leaks_return(l, fn, tid, 100, v), 0);
}

/* malloc(size) at site returning p, whole */
static void do_malloc(struct upc_leaks *l, long tid, uint64_t site, uint64_t size, uint64_t p)
{
	call(l, UPC_AF_MALLOC, tid, site, size, 0, 0);
	ret(l, UPC_AF_MALLOC, tid, p);
}

static struct upc_leaks_totals totals(struct upc_leaks *l)
{
	struct upc_leaks_totals t;

	upc_leaks_totals(l, 0, &t);
	return t;
}

/* want outstanding sites, the kth of them (most bytes first) at site */
static void site_is(struct upc_leaks *l, size_t want, size_t k, uint64_t site)
{
	struct upc_leak_site *s;
	size_t n;

	assert_int_equal(upc_leaks_sites(l, 0, now, 0, &s, &n), 0);
	assert_int_equal(n, want);
	assert_int_equal(s[k].site, site);
	free(s);
}

static void test_basic(void **state)
{
	struct upc_leak_site *s;
	struct upc_leaks *l;
	size_t n;
	uint64_t t0 = now;

	(void)state;
	assert_int_equal(upc_leaks_new(1000, &l), 0);
	do_malloc(l, 1, 0xa, 100, 0x1000);	/* called at t0 + 1 */
	do_malloc(l, 1, 0xa, 100, 0x2000);	/* at t0 + 3 */
	do_malloc(l, 1, 0xb, 500, 0x3000);
	do_malloc(l, 1, 0xc, 7, 0x4000);
	call(l, UPC_AF_FREE, 1, 0, 0x4000, 0, 0);
	call(l, UPC_AF_FREE, 1, 0, 0, 0, 0);		/* free(NULL): nothing */
	call(l, UPC_AF_FREE, 1, 0, 0x9999, 0, 0);	/* allocated before us */
	call(l, UPC_AF_MALLOC, 1, 0xd, 1 << 30, 0, 0);	/* fails: nothing */
	ret(l, UPC_AF_MALLOC, 1, 0);
	assert_int_equal(totals(l).calls, 8);
	assert_int_equal(totals(l).allocs, 4);
	assert_int_equal(totals(l).alloc_bytes, 707);
	assert_int_equal(totals(l).frees, 1);
	assert_int_equal(totals(l).freed_bytes, 7);
	assert_int_equal(totals(l).outstanding, 3);
	assert_int_equal(totals(l).outstanding_bytes, 700);
	assert_int_equal(totals(l).unknown_frees, 1);
	assert_int_equal(upc_leaks_sites(l, 0, now, 0, &s, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].site, 0xb);
	assert_int_equal(s[0].bytes, 500);
	assert_int_equal(s[0].count, 1);
	assert_int_equal(s[1].site, 0xa);
	assert_int_equal(s[1].bytes, 200);
	assert_int_equal(s[1].count, 2);
	assert_int_equal(s[1].oldest, t0 + 1);	/* the first call's */
	free(s);
	/* --min-age: only what was made by then */
	assert_int_equal(upc_leaks_sites(l, 0, now, now - (t0 + 2), &s, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].bytes, 100);
	free(s);
	/* older than the clock itself (a machine up for less than that):
	 * nothing, not everything */
	assert_int_equal(upc_leaks_sites(l, 0, now, now + 1000, &s, &n), 0);
	assert_int_equal(n, 0);
	free(s);
	/* made after now (a report's clock read before the record): age 0 */
	assert_int_equal(upc_leaks_sites(l, 0, t0, 0, &s, &n), 0);
	assert_int_equal(n, 2);
	free(s);
	assert_int_equal(upc_leaks_sites(l, 0, t0, 1, &s, &n), 0);
	assert_int_equal(n, 0);
	free(s);
	upc_leaks_free(l);
}

static void test_realloc_and_nesting(void **state)
{
	struct upc_leaks *l;

	(void)state;
	assert_int_equal(upc_leaks_new(1000, &l), 0);
	/* realloc(NULL, 10) calling malloc inside: one allocation */
	call(l, UPC_AF_REALLOC, 1, 0xa, 0, 10, 0);
	call(l, UPC_AF_MALLOC, 1, 0x77, 10, 0, 0);
	ret(l, UPC_AF_MALLOC, 1, 0x1000);
	ret(l, UPC_AF_REALLOC, 1, 0x1000);
	/* grown where it is, then moved: the old block freed */
	call(l, UPC_AF_REALLOC, 1, 0xb, 0x1000, 20, 0);
	ret(l, UPC_AF_REALLOC, 1, 0x1000);
	call(l, UPC_AF_REALLOC, 1, 0xc, 0x1000, 4000, 0);
	call(l, UPC_AF_FREE, 1, 0, 0x1000, 0, 0);	/* inside realloc: not ours */
	ret(l, UPC_AF_REALLOC, 1, 0x5000);
	/* a failed realloc changes nothing */
	call(l, UPC_AF_REALLOC, 1, 0xd, 0x5000, (uint64_t)1 << 40, 0);
	ret(l, UPC_AF_REALLOC, 1, 0);
	assert_int_equal(totals(l).outstanding, 1);
	assert_int_equal(totals(l).outstanding_bytes, 4000);
	assert_int_equal(totals(l).unknown_frees, 0);
	site_is(l, 1, 0, 0xc);
	/* realloc(p, 0) returning NULL (glibc) freed it */
	call(l, UPC_AF_REALLOC, 1, 0xe, 0x5000, 0, 0);
	ret(l, UPC_AF_REALLOC, 1, 0);
	assert_int_equal(totals(l).outstanding, 0);
	/* calloc(n, size) and reallocarray(p, n, size): the products */
	call(l, UPC_AF_CALLOC, 1, 0xf, 3, 16, 0);
	call(l, UPC_AF_MALLOC, 1, 0x77, 48, 0, 0);	/* musl's calloc */
	ret(l, UPC_AF_MALLOC, 1, 0x6000);
	ret(l, UPC_AF_CALLOC, 1, 0x6000);
	call(l, UPC_AF_REALLOCARRAY, 1, 0xf, 0x6000, 4, 16);
	ret(l, UPC_AF_REALLOCARRAY, 1, 0x7000);
	assert_int_equal(totals(l).outstanding_bytes, 64);
	assert_int_equal(totals(l).allocs, 5);
	upc_leaks_free(l);
}

/* realloc frees its old block inside: another thread's malloc may return
 * that pointer before realloc returns, and the block is the other thread's
 * (leaks in a VM under load once lost it that way); a failed realloc gives
 * its block back as it was. */
static void test_realloc_race(void **state)
{
	struct upc_leaks *l;

	(void)state;
	assert_int_equal(upc_leaks_new(1000, &l), 0);
	do_malloc(l, 1, 0xa, 10, 0x1000);
	call(l, UPC_AF_REALLOC, 1, 0xb, 0x1000, 4000, 0);
	call(l, UPC_AF_FREE, 1, 0, 0x1000, 0, 0);	/* inside realloc */
	do_malloc(l, 2, 0xc, 16, 0x1000);		/* thread 2 gets it */
	ret(l, UPC_AF_REALLOC, 1, 0x5000);
	assert_int_equal(totals(l).outstanding, 2);
	assert_int_equal(totals(l).outstanding_bytes, 4016);
	assert_int_equal(totals(l).frees, 1);
	assert_int_equal(totals(l).freed_bytes, 10);
	site_is(l, 2, 0, 0xb);
	site_is(l, 2, 1, 0xc);
	/* failed: thread 2's block is still its own, size and site */
	call(l, UPC_AF_REALLOC, 2, 0xd, 0x1000, (uint64_t)1 << 40, 0);
	assert_int_equal(totals(l).outstanding, 1);	/* while realloc runs */
	ret(l, UPC_AF_REALLOC, 2, 0);
	assert_int_equal(totals(l).outstanding, 2);
	assert_int_equal(totals(l).outstanding_bytes, 4016);
	site_is(l, 2, 1, 0xc);
	/* of memory from before tracing: an unknown free when it succeeds,
	 * nothing when it fails */
	call(l, UPC_AF_REALLOC, 1, 0xe, 0x9000, 64, 0);
	ret(l, UPC_AF_REALLOC, 1, 0);
	assert_int_equal(totals(l).unknown_frees, 0);
	call(l, UPC_AF_REALLOC, 1, 0xe, 0x9000, 64, 0);
	ret(l, UPC_AF_REALLOC, 1, 0x9100);
	assert_int_equal(totals(l).unknown_frees, 1);
	assert_int_equal(totals(l).outstanding, 3);
	/* its return lost (the thread starts over): the block back */
	call(l, UPC_AF_REALLOC, 1, 0xf, 0x9100, 128, 0);
	for (int i = 1; i < 8; i++)
		call(l, UPC_AF_MALLOC, 1, 0x77, 1, 0, 0);
	do_malloc(l, 1, 0x10, 8, 0xa000);
	assert_int_equal(totals(l).outstanding, 4);
	assert_int_equal(totals(l).outstanding_bytes, 4016 + 64 + 8);
	upc_leaks_free(l);
}

static void test_aligned(void **state)
{
	struct upc_leaks *l;

	(void)state;
	assert_int_equal(upc_leaks_new(1000, &l), 0);
	/* musl: posix_memalign calls aligned_alloc, whose return says where */
	call(l, UPC_AF_POSIX_MEMALIGN, 1, 0xa, 0x7ff0, 64, 256);
	call(l, UPC_AF_ALIGNED_ALLOC, 1, 0x77, 64, 256, 0);
	ret(l, UPC_AF_ALIGNED_ALLOC, 1, 0x1040);
	ret(l, UPC_AF_POSIX_MEMALIGN, 1, 0);
	assert_int_equal(totals(l).outstanding_bytes, 256);
	/* glibc: nothing probed inside, so the pointer is unknown */
	call(l, UPC_AF_POSIX_MEMALIGN, 1, 0xa, 0x7ff0, 64, 100);
	ret(l, UPC_AF_POSIX_MEMALIGN, 1, 0);
	assert_int_equal(totals(l).untracked, 1);
	assert_int_equal(totals(l).untracked_bytes, 100);
	/* failed (ENOMEM): nothing */
	call(l, UPC_AF_POSIX_MEMALIGN, 1, 0xa, 0x7ff0, 64, 100);
	ret(l, UPC_AF_POSIX_MEMALIGN, 1, ENOMEM);
	assert_int_equal(totals(l).untracked, 1);
	/* memalign(align, size) and aligned_alloc: the second argument */
	call(l, UPC_AF_MEMALIGN, 1, 0xb, 4096, 10, 0);
	ret(l, UPC_AF_MEMALIGN, 1, 0x2000);
	call(l, UPC_AF_VALLOC, 1, 0xb, 30, 0, 0);
	ret(l, UPC_AF_VALLOC, 1, 0x3000);
	assert_int_equal(totals(l).outstanding_bytes, 296);
	/* anonymous mmap (fd -1), not a file's; munmap frees */
	{
		struct upc_alloc_call c = { UPC_AF_MMAP, 100, 1, ++now,
					    { 0, 8192, 3, 0x22, 0xffffffff }, 0xc };

		assert_int_equal(upc_leaks_entry(l, &c), 0);
		ret(l, UPC_AF_MMAP, 1, 0x7f0000);
		c.args[4] = 3;
		assert_int_equal(upc_leaks_entry(l, &c), 0);
		ret(l, UPC_AF_MMAP, 1, 0x7f8000);
		c.args[4] = 0xffffffff;
		assert_int_equal(upc_leaks_entry(l, &c), 0);
		ret(l, UPC_AF_MMAP, 1, UINT64_MAX);	/* MAP_FAILED */
	}
	assert_int_equal(totals(l).outstanding_bytes, 296 + 8192);
	call(l, UPC_AF_MUNMAP, 1, 0, 0x7f0000, 8192, 0);
	assert_int_equal(totals(l).outstanding_bytes, 296);
	upc_leaks_free(l);
}

static void test_threads_and_losses(void **state)
{
	struct upc_leaks *l;

	(void)state;
	assert_int_equal(upc_leaks_new(1000, &l), 0);
	/* two threads interleaved: each return pairs with its own entry */
	call(l, UPC_AF_MALLOC, 1, 0xa, 10, 0, 0);
	call(l, UPC_AF_MALLOC, 2, 0xb, 20, 0, 0);
	ret(l, UPC_AF_MALLOC, 2, 0x2000);
	ret(l, UPC_AF_MALLOC, 1, 0x1000);
	assert_int_equal(totals(l).outstanding_bytes, 30);
	/* a return with no entry (it came before us, or was lost) */
	ret(l, UPC_AF_CALLOC, 3, 0x3000);
	assert_int_equal(totals(l).unpaired, 1);
	assert_int_equal(totals(l).outstanding, 2);
	/* a lost return: the next call's return still pairs right */
	call(l, UPC_AF_MALLOC, 1, 0xa, 10, 0, 0);
	call(l, UPC_AF_CALLOC, 1, 0xa, 1, 10, 0);
	ret(l, UPC_AF_MALLOC, 1, 0x4000);
	assert_int_equal(totals(l).unpaired, 2);
	assert_int_equal(totals(l).outstanding, 3);
	/* another process; then the first execs: its blocks go, not freed */
	{
		struct upc_alloc_call c = { UPC_AF_MALLOC, 200, 200, ++now, { 5 }, 0xe };

		assert_int_equal(upc_leaks_entry(l, &c), 0);
		now++;		/* the same address, elsewhere */
		assert_int_equal(upc_leaks_return(l, UPC_AF_MALLOC, 200, 200, 0x1000), 0);
	}
	upc_leaks_forget(l, 100);
	assert_int_equal(totals(l).outstanding, 1);
	assert_int_equal(totals(l).outstanding_bytes, 5);
	assert_int_equal(totals(l).frees, 0);
	upc_leaks_free(l);
}

/* process p's totals */
static struct upc_leaks_totals of(struct upc_leaks *l, long p)
{
	struct upc_leaks_totals t;

	upc_leaks_totals(l, p, &t);
	return t;
}

/* Two processes (a shell and its child): each one's figures are its own,
 * a child that exits takes its blocks and totals with it and adds nothing
 * to the parent's, and a thread that exits mid-call leaves nothing open. */
static void test_processes(void **state)
{
	struct upc_alloc_call c = { UPC_AF_MALLOC, 300, 300, 0, { 300 }, 0xc };
	struct upc_leak_site *s;
	struct upc_leaks *l;
	long procs[4];
	size_t n;

	(void)state;
	assert_int_equal(upc_leaks_new(1000, &l), 0);
	do_malloc(l, 100, 0xa, 50, 0x1000);		/* the shell, 100 */
	for (uint64_t i = 0; i < 7; i++) {		/* its child, 300 */
		c.ts = ++now;
		assert_int_equal(upc_leaks_entry(l, &c), 0);
		assert_int_equal(upc_leaks_return(l, UPC_AF_MALLOC, 300, 300, 0x1000 + i * 0x200), 0);
	}
	c.fn = UPC_AF_FREE;				/* the child frees the shell's */
	c.args[0] = 0x1000;				/* address: its own block */
	assert_int_equal(upc_leaks_entry(l, &c), 0);
	assert_int_equal(of(l, 100).outstanding_bytes, 50);
	assert_int_equal(of(l, 100).frees, 0);
	assert_int_equal(of(l, 300).outstanding_bytes, 1800);
	assert_int_equal(of(l, 300).outstanding, 6);
	assert_int_equal(of(l, 300).calls, 8);
	assert_int_equal(of(l, 999).calls, 0);
	assert_int_equal(totals(l).outstanding_bytes, 1850);
	assert_int_equal(upc_leaks_procs(l, procs, 4), 2);
	assert_int_equal(upc_leaks_sites(l, 300, now, 0, &s, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].tgid, 300);
	assert_int_equal(s[0].bytes, 1800);
	free(s);
	assert_int_equal(upc_leaks_sites(l, 100, now, 0, &s, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].site, 0xa);
	free(s);
	/* the child exits: nothing of it is left, the shell's are as they were */
	upc_leaks_exit(l, 300);
	assert_int_equal(upc_leaks_procs(l, procs, 4), 1);
	assert_int_equal(procs[0], 100);
	assert_int_equal(of(l, 300).calls, 0);
	assert_int_equal(totals(l).outstanding_bytes, 50);
	assert_int_equal(totals(l).calls, 1);
	assert_int_equal(upc_leaks_sites(l, 0, now, 0, &s, &n), 0);
	assert_int_equal(n, 1);
	free(s);
	/* a thread that exits inside malloc: its return never comes, and a
	 * new thread with its tid pairs its own calls */
	call(l, UPC_AF_MALLOC, 101, 0xb, 10, 0, 0);
	upc_leaks_thread_exit(l, 101);
	call(l, UPC_AF_CALLOC, 101, 0xb, 1, 10, 0);
	ret(l, UPC_AF_CALLOC, 101, 0x3000);
	assert_int_equal(of(l, 100).outstanding, 2);
	assert_int_equal(of(l, 100).unpaired, 0);
	/* a new process reusing the child's pid starts from nothing */
	c.fn = UPC_AF_MALLOC;
	c.ts = ++now;
	assert_int_equal(upc_leaks_entry(l, &c), 0);
	assert_int_equal(of(l, 300).calls, 1);
	assert_int_equal(of(l, 300).outstanding, 0);
	upc_leaks_free(l);
}

/* Records lost (the buffer was full): a call whose return went with them
 * would make every later call of its thread look like a call from inside
 * it, counted as nothing; after the loss is said, they count again. */
static void test_lost(void **state)
{
	struct upc_leaks *l;

	(void)state;
	assert_int_equal(upc_leaks_new(1000, &l), 0);
	call(l, UPC_AF_MALLOC, 1, 0xa, 10, 0, 0);	/* its return lost */
	do_malloc(l, 1, 0xa, 20, 0x2000);		/* looks inner: not counted */
	assert_int_equal(totals(l).allocs, 0);
	assert_int_equal(upc_leaks_lost(l), 0);
	assert_int_equal(totals(l).unpaired, 1);
	do_malloc(l, 1, 0xa, 30, 0x3000);
	call(l, UPC_AF_FREE, 1, 0, 0x3000, 0, 0);
	assert_int_equal(totals(l).allocs, 1);
	assert_int_equal(totals(l).frees, 1);
	/* a realloc open at the loss: its old block back as it was */
	do_malloc(l, 1, 0xb, 40, 0x4000);
	call(l, UPC_AF_REALLOC, 1, 0xc, 0x4000, 80, 0);
	assert_int_equal(totals(l).outstanding, 0);
	assert_int_equal(upc_leaks_lost(l), 0);
	assert_int_equal(totals(l).outstanding, 1);
	assert_int_equal(totals(l).outstanding_bytes, 40);
	upc_leaks_free(l);
}

static void test_limit(void **state)
{
	struct upc_alloc_call c = { UPC_AF_MALLOC, 1, 1, 1, { 8 }, 0xa };
	struct upc_leaks *l;

	(void)state;
	assert_int_equal(upc_leaks_new(3, &l), 0);
	for (uint64_t p = 1; p <= 3; p++) {
		assert_int_equal(upc_leaks_entry(l, &c), 0);
		assert_int_equal(upc_leaks_return(l, UPC_AF_MALLOC, 1, 1, p * 16), 0);
	}
	assert_int_equal(upc_leaks_entry(l, &c), 0);
	assert_int_equal(upc_leaks_return(l, UPC_AF_MALLOC, 1, 1, 64), -ENOSPC);
	assert_true(upc_leaks_slot_bytes() >= 32);
	upc_leaks_free(l);
}

/* Many allocations and frees in two processes against a plain list: the
 * table's deletions must never lose or invent an entry. */
static void test_random(void **state)
{
	enum { N = 4000 };
	static uint64_t size[2][N];
	struct upc_leak_site *s;
	struct upc_leaks *l;
	uint64_t want = 0, got = 0, x = 7;
	size_t n;

	(void)state;
	assert_int_equal(upc_leaks_new(1 << 20, &l), 0);
	for (int round = 0; round < 200000; round++) {
		int proc, i;
		struct upc_alloc_call c = { .fn = UPC_AF_MALLOC };

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		proc = (int)(x >> 63);
		i = (int)((x >> 20) % N);
		c.tgid = 10 + proc;
		c.tid = c.tgid;
		c.ts = ++now;
		c.site = (x >> 40) % 5;
		if (size[proc][i]) {
			c.fn = UPC_AF_FREE;
			c.args[0] = 0x10000 + (uint64_t)i * 64;
			assert_int_equal(upc_leaks_entry(l, &c), 0);
			want -= size[proc][i];
			size[proc][i] = 0;
		} else {
			c.args[0] = 1 + (x >> 8) % 1000;
			assert_int_equal(upc_leaks_entry(l, &c), 0);
			assert_int_equal(upc_leaks_return(l, UPC_AF_MALLOC, c.tid, c.tgid,
							  0x10000 + (uint64_t)i * 64), 0);
			size[proc][i] = c.args[0];
			want += c.args[0];
		}
	}
	assert_int_equal(totals(l).outstanding_bytes, want);
	assert_int_equal(totals(l).unknown_frees, 0);
	assert_int_equal(upc_leaks_sites(l, 0, now, 0, &s, &n), 0);
	assert_true(n <= 10);
	for (size_t k = 0; k < n; k++) {
		got += s[k].bytes;
		assert_true(k == 0 || s[k - 1].bytes >= s[k].bytes);
	}
	assert_int_equal(got, want);
	free(s);
	upc_leaks_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_realloc_and_nesting),
		cmocka_unit_test(test_realloc_race),
		cmocka_unit_test(test_aligned),
		cmocka_unit_test(test_threads_and_losses),
		cmocka_unit_test(test_processes),
		cmocka_unit_test(test_lost),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
