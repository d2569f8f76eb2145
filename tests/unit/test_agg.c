// SPDX-License-Identifier: MIT
/*
 * Answers (src/lib/agg.c): keys sorted by hits, log2 and linear buckets as
 * bpftrace draws them, nearest-rank percentiles, entries paired with
 * returns per thread through recursion, and the kernel's hist files read.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "uprobectl.h"

static void test_keys(void **state)
{
	struct upc_agg_entry *e;
	struct upc_agg *a;
	size_t n;

	(void)state;
	assert_int_equal(upc_agg_new(&a), 0);
	assert_int_equal(upc_agg_key(a, "sh", 2, 1), 0);
	assert_int_equal(upc_agg_key(a, "registers", 9, 5), 0);
	assert_int_equal(upc_agg_key(a, "bash", 4, 1), 0);
	assert_int_equal(upc_agg_key(a, "sh", 2, 2), 0);
	/* many keys: the table grows and keeps them all */
	for (int i = 0; i < 1000; i++) {
		char k[16];
		int l = snprintf(k, sizeof(k), "k%d", i);

		assert_int_equal(upc_agg_key(a, k, (size_t)l, 1), 0);
	}
	assert_int_equal(upc_agg_keys(a, &e, &n), 0);
	assert_int_equal(n, 1003);
	assert_string_equal(e[0].key, "registers");
	assert_int_equal(e[0].count, 5);
	assert_string_equal(e[1].key, "sh");
	assert_int_equal(e[1].count, 3);
	assert_string_equal(e[2].key, "bash");	/* ties: by key */
	assert_string_equal(e[3].key, "k0");
	assert_int_equal(upc_agg_hits(a), 1009);
	free(e);
	upc_agg_free(a);
}

static void test_log2_buckets(void **state)
{
	static const uint64_t vals[] = { 0, 1, 1, 2, 3, 4, 7, 8, 100, 1024, 1500 };
	struct upc_bucket *b;
	struct upc_agg *a;
	size_t n;

	(void)state;
	assert_int_equal(upc_agg_new(&a), 0);
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		assert_int_equal(upc_agg_value(a, vals[i], false, 1), 0);
	assert_int_equal(upc_agg_buckets(a, UPC_LOG2, 0, &b, &n), 0);
	/* [0] [1] [2,4) [4,8) [8,16) ... [1024,2048): 12 buckets */
	assert_int_equal(n, 12);
	assert_true(b[0].lo == 0 && b[0].hi == 1 && b[0].count == 1);
	assert_true(b[1].lo == 1 && b[1].hi == 2 && b[1].count == 2);
	assert_true(b[2].lo == 2 && b[2].hi == 4 && b[2].count == 2);
	assert_true(b[3].lo == 4 && b[3].hi == 8 && b[3].count == 2);
	assert_true(b[4].lo == 8 && b[4].hi == 16 && b[4].count == 1);
	assert_true(b[5].lo == 16 && b[5].count == 0);	/* empty ones between */
	assert_true(b[7].lo == 64 && b[7].hi == 128 && b[7].count == 1);
	assert_true(b[11].lo == 1024 && b[11].hi == 2048 && b[11].count == 2);
	free(b);
	/* negative values: one bucket before the others */
	assert_int_equal(upc_agg_value(a, 5, true, 3), 0);
	assert_int_equal(upc_agg_value(a, 9, true, 1), 0);
	assert_int_equal(upc_agg_buckets(a, UPC_LOG2, 0, &b, &n), 0);
	assert_int_equal(n, 13);
	assert_true(b[0].negative && b[0].count == 4);
	assert_true(!b[1].negative && b[1].lo == 0);
	free(b);
	/* the top of the range */
	upc_agg_free(a);
	assert_int_equal(upc_agg_new(&a), 0);
	assert_int_equal(upc_agg_value(a, UINT64_MAX, false, 1), 0);
	assert_int_equal(upc_agg_buckets(a, UPC_LOG2, 0, &b, &n), 0);
	assert_int_equal(n, 1);
	assert_true(b[0].lo == 1ull << 63 && b[0].hi == UINT64_MAX);
	free(b);
	upc_agg_free(a);
}

static void test_linear_buckets_and_stats(void **state)
{
	struct upc_agg_stats st;
	struct upc_bucket *b;
	struct upc_agg *a;
	size_t n;

	(void)state;
	assert_int_equal(upc_agg_new(&a), 0);
	assert_int_equal(upc_agg_buckets(a, UPC_LINEAR, 10, &b, &n), 0);
	assert_int_equal(n, 0);
	free(b);
	assert_int_equal(upc_agg_stats(a, &st), 0);
	assert_int_equal(st.count, 0);
	/* 1..100, once each */
	for (uint64_t v = 1; v <= 100; v++)
		assert_int_equal(upc_agg_value(a, v, false, 1), 0);
	assert_int_equal(upc_agg_buckets(a, UPC_LINEAR, 10, &b, &n), 0);
	assert_int_equal(n, 11);
	assert_true(b[0].lo == 0 && b[0].hi == 10 && b[0].count == 9);
	assert_true(b[1].lo == 10 && b[1].count == 10);
	assert_true(b[10].lo == 100 && b[10].hi == 110 && b[10].count == 1);
	free(b);
	assert_int_equal(upc_agg_buckets(a, UPC_LINEAR, 0, &b, &n), -EINVAL);
	assert_int_equal(upc_agg_stats(a, &st), 0);
	assert_int_equal(st.count, 100);
	assert_int_equal(st.min, 1);
	assert_int_equal(st.max, 100);
	assert_int_equal(st.p50, 50);
	assert_int_equal(st.p90, 90);
	assert_int_equal(st.p99, 99);
	assert_int_equal(st.sum, 5050);
	/* weights count: one value with most of the hits is the median */
	assert_int_equal(upc_agg_value(a, 1000, false, 200), 0);
	assert_int_equal(upc_agg_stats(a, &st), 0);
	assert_int_equal(st.p50, 1000);
	assert_int_equal(st.max, 1000);
	assert_int_equal(st.sum, 5050 + 200 * 1000);
	upc_agg_free(a);
}

static void test_pairing(void **state)
{
	struct upc_pairing *p;
	uint64_t t;

	(void)state;
	assert_int_equal(upc_pairing_new(&p), 0);
	/* a return of a call that began before tracing */
	assert_int_equal(upc_pairing_return(p, 7, 50, &t), -ENOENT);
	/* recursion on thread 7, another call on thread 8 between */
	assert_int_equal(upc_pairing_entry(p, 7, 100), 0);
	assert_int_equal(upc_pairing_entry(p, 8, 110), 0);
	assert_int_equal(upc_pairing_entry(p, 7, 120), 0);
	assert_int_equal(upc_pairing_return(p, 7, 125, &t), 0);
	assert_int_equal(t, 5);
	assert_int_equal(upc_pairing_return(p, 8, 150, &t), 0);
	assert_int_equal(t, 40);
	assert_int_equal(upc_pairing_return(p, 7, 200, &t), 0);
	assert_int_equal(t, 100);
	assert_int_equal(upc_pairing_return(p, 7, 210, &t), -ENOENT);
	assert_int_equal(upc_pairing_unmatched(p), 2);
	upc_pairing_free(p);
}

static void test_hist_file(void **state)
{
	static const char num[] =
		"# event histogram\n"
		"#\n"
		"# trigger info: hist:keys=size:vals=hitcount:sort=hitcount:size=2048 [active]\n"
		"#\n"
		"\n"
		"{ size:          0 } hitcount:          1\n"
		"{ size:         32 } hitcount:          5\n"
		"{ size:       4096 } hitcount:          2\n"
		"\n"
		"Totals:\n"
		"    Hits: 8\n"
		"    Entries: 3\n"
		"    Dropped: 4\n";
	static const char str[] =
		"{ comm: registers                                     } hitcount:         10\n"
		"{ comm: sh                                            } hitcount:          1\n"
		"    Dropped: 0\n";
	static const char two[] =
		"# event histogram\n#\n"
		"# trigger info: hist:keys=common_pid.execname:vals=hitcount:sort=hitcount:size=2048 [active]\n"
		"#\n\n"
		"{ common_pid: workload        [       200] } hitcount:       1000\n"
		"\nTotals:\n    Hits: 1000\n    Entries: 1\n    Dropped: 0\n"
		"\n# event histogram\n#\n"
		"# trigger info: hist:keys=size:vals=hitcount:sort=hitcount:size=16384 [active]\n"
		"#\n\n"
		"{ size:          7 } hitcount:          2\n"
		"{ size:         12 } hitcount:          1\n"
		"\nTotals:\n    Hits: 3\n    Entries: 2\n    Dropped: 1\n";
	struct upc_agg_entry *e;
	struct upc_agg_stats st;
	struct upc_agg *a;
	uint64_t dropped;
	size_t n;

	(void)state;
	assert_int_equal(upc_agg_new(&a), 0);
	assert_int_equal(upc_hist_read(num, strlen(num), NULL, a, true, &dropped), 0);
	assert_int_equal(dropped, 4);
	assert_int_equal(upc_agg_hits(a), 8);
	assert_int_equal(upc_agg_stats(a, &st), 0);
	assert_int_equal(st.min, 0);
	assert_int_equal(st.max, 4096);
	assert_int_equal(st.p50, 32);
	upc_agg_free(a);
	assert_int_equal(upc_agg_new(&a), 0);
	assert_int_equal(upc_hist_read(str, strlen(str), NULL, a, false, &dropped), 0);
	assert_int_equal(dropped, 0);
	assert_int_equal(upc_agg_keys(a, &e, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(e[0].key, "registers");
	assert_int_equal(e[0].count, 10);
	assert_string_equal(e[1].key, "sh");
	free(e);
	/* a line cut short is refused, not guessed */
	assert_int_equal(upc_hist_read("{ a: 1 } hitcount: x\n", 21, NULL, a, false, &dropped),
			 -EINVAL);
	upc_agg_free(a);
	/* two triggers on one event: each histogram read on its own */
	assert_int_equal(upc_agg_new(&a), 0);
	assert_int_equal(upc_hist_read(two, strlen(two), "size", a, true, &dropped), 0);
	assert_int_equal(upc_agg_hits(a), 3);
	assert_int_equal(dropped, 1);
	upc_agg_free(a);
	assert_int_equal(upc_agg_new(&a), 0);
	assert_int_equal(upc_hist_read(two, strlen(two), "common_pid.execname", a, false,
				       &dropped), 0);
	assert_int_equal(upc_agg_keys(a, &e, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].key, "workload        [       200]");
	assert_int_equal(dropped, 0);
	free(e);
	upc_agg_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_log2_buckets),
		cmocka_unit_test(test_linear_buckets_and_stats),
		cmocka_unit_test(test_pairing),
		cmocka_unit_test(test_hist_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
