// SPDX-License-Identifier: MIT
/*
 * The board binaries' allocator (src/cli/malloc.c), built here under other
 * names (t_malloc, ...) beside the host's own: alignment, contents kept
 * through realloc across every size class and into and out of mappings,
 * blocks reused once freed, calloc's zeroes and its overflow check, and a
 * long random mix of calls checked against the pattern each block holds.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

void *t_malloc(size_t n);
void t_free(void *p);
void *t_calloc(size_t k, size_t n);
void *t_realloc(void *p, size_t n);

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static int holds(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 7))
			return 0;
	return 1;
}

static void test_sizes(void **state)
{
	(void)state;
	for (size_t n = 0; n < 300000; n = n * 3 / 2 + 1) {
		unsigned char *p = t_malloc(n);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		fill(p, n, (unsigned)n);
		assert_true(holds(p, n, (unsigned)n));
		t_free(p);
	}
	t_free(NULL);
}

static void test_reuse(void **state)
{
	void *a, *b, *c;

	(void)state;
	a = t_malloc(100);
	b = t_malloc(100);
	assert_ptr_not_equal(a, b);
	t_free(a);
	c = t_malloc(90);		/* the same class: a's block again */
	assert_ptr_equal(c, a);
	c = t_realloc(c, 110);		/* still fits: stays */
	assert_ptr_equal(c, a);
	t_free(b);
	t_free(c);
}

static void test_realloc_grows(void **state)
{
	unsigned char *p = NULL;
	size_t have = 0;

	(void)state;
	/* through every class, into a mapping, then a bigger mapping */
	for (size_t n = 1; n <= 1 << 20; n *= 2) {
		p = t_realloc(p, n);
		assert_non_null(p);
		assert_true(holds(p, have, 1));
		fill(p, n, 1);
		have = n;
	}
	/* shrinking keeps the block and its bytes */
	p = t_realloc(p, 10);
	assert_true(holds(p, 10, 1));
	t_free(p);
}

static void test_zeroed(void **state)
{
	unsigned char *p;

	(void)state;
	p = t_malloc(4000);
	memset(p, 0xaa, 4000);
	t_free(p);
	p = t_calloc(1000, 4);		/* the dirty block again: zeroed */
	assert_non_null(p);
	for (int i = 0; i < 4000; i++)
		assert_int_equal(p[i], 0);
	t_free(p);
	errno = 0;
	assert_null(t_calloc(SIZE_MAX / 2, 3));
	assert_int_equal(errno, ENOMEM);
	errno = 0;
	assert_null(t_malloc(SIZE_MAX - 8));
	assert_int_equal(errno, ENOMEM);
}

static void test_random_mix(void **state)
{
	enum { SLOTS = 512 };
	static unsigned char *p[SLOTS];
	static size_t len[SLOTS];
	static unsigned seed[SLOTS];
	unsigned x = 12345;

	(void)state;
	for (int round = 0; round < 100000; round++) {
		int i;
		size_t n;

		x = x * 1103515245 + 12345;
		i = (int)((x >> 8) % SLOTS);
		n = (x >> 4) % 64 == 0 ? (x >> 3) % 150000 : (x >> 3) % 600;
		assert_true(p[i] == NULL || holds(p[i], len[i], seed[i]));
		switch ((x >> 20) % 3) {
		case 0:
			t_free(p[i]);
			p[i] = NULL;
			len[i] = 0;
			break;
		case 1:
			t_free(p[i]);
			p[i] = t_malloc(n);
			break;
		default:
			p[i] = t_realloc(p[i], n);
			if (len[i] > n)
				len[i] = n;
			assert_true(holds(p[i], len[i], seed[i]));
			break;
		}
		if (p[i]) {
			len[i] = n;
			seed[i] = (unsigned)round;
			fill(p[i], n, seed[i]);
		}
	}
	for (int i = 0; i < SLOTS; i++)
		t_free(p[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_realloc_grows),
		cmocka_unit_test(test_zeroed),
		cmocka_unit_test(test_random_mix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
