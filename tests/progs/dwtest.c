// SPDX-License-Identifier: MIT
/*
 * A program to probe by its source (tests/live/test_dwarf.sh): a function
 * taking a structure with nested fields, bitfields, arrays, a string and
 * an enum (handle), a local variable live at a line, a global and a
 * static variable, a function inlined at two places (scale), a static
 * function of a name dwtest2.c has too (helper), and one taking more
 * arguments than there are argument registers (many). Every value comes from
 * the command line, so the compiler cannot fold any away; each call
 * prints what it was given, in the form the kernel records it, on the
 * line after its name:
 *
 *   dwtest [ROUNDS [PATH]]
 *
 *   handle: len=7 path="/tmp/x" b=-3 in_id=11 flags=5 kind=17 delta=-9 ...
 *   local: local=3 dw_total=3 dw_calls=1
 *   scale: x=2 k=3
 *   helper: v=1
 *   helper2: v=2
 *   many: a=1 b=-1 c=2 d=3 e=4 f=5 g=-6 h=7
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum color { RED, GREEN = 5, BLUE };

struct inner {
	int id;
	unsigned flags : 3;
	unsigned kind : 5;
	int delta : 7;
};

struct req {
	long len;
	const char *path;
	int b;
	struct inner in;
	struct inner items[4];
	char name[16];
	enum color color;
	unsigned char small;
	short sh;
};

long dw_total;
static int dw_calls;

int helper2(int v);

__attribute__((noinline)) int handle(struct req *r, int n, const char *s)
{
	int local = n * 3 + r->b;

	dw_total += local;
	dw_calls++;
	printf("handle: len=%ld path=\"%s\" b=%d in_id=%d flags=%u kind=%u delta=%d "
	       "items_2_id=%d name=\"%s\" color=%d small=%u sh=%d n=%d s=\"%s\"\n", r->len,
	       r->path, r->b, r->in.id, r->in.flags, r->in.kind, r->in.delta, r->items[2].id,
	       r->name, (int)r->color, r->small, r->sh, n, s);
	printf("local: local=%d dw_total=%ld dw_calls=%d\n", local, dw_total, dw_calls); /* L:local */
	return local;
}

static inline __attribute__((always_inline)) int scale(int x, int k)
{
	printf("scale: x=%d k=%d\n", x, k); /* L:scale */
	return x * k;
}

static __attribute__((noinline)) int helper(int v)
{
	printf("helper: v=%d\n", v);
	return v + 100;
}

/* more arguments than registers: the last ones on the stack (x86_64) */
__attribute__((noinline)) long many(long a, long b, long c, long d, long e, long f, long g,
				    long h)
{
	printf("many: a=%ld b=%ld c=%ld d=%ld e=%ld f=%ld g=%ld h=%ld\n", a, b, c, d, e, f, g, h);
	return a + b + c + d + e + f + g + h;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1;
	const char *path = argc > 2 ? argv[2] : "/tmp/dwtest";
	long sum = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i <= rounds; i++) {
		struct req r = { 0 };

		r.len = 7L * i;
		r.path = path;
		r.b = -3 * i;
		r.in.id = 10 + i;
		r.in.flags = (unsigned)(4 + i) & 7;
		r.in.kind = (unsigned)(16 + i) & 31;
		r.in.delta = -8 - i;
		for (int k = 0; k < 4; k++)
			r.items[k].id = 100 * i + k;
		snprintf(r.name, sizeof(r.name), "req%d", i);
		r.color = i % 2 ? GREEN : BLUE;
		r.small = (unsigned char)(200 + i);
		r.sh = (short)(-300 * i);
		sum += handle(&r, i, argc > 3 ? argv[3] : "hello");
		sum += scale(i + 1, argc + 2);
		sum += scale(rounds - i + 5, argc + 3);
		sum += helper(i);
		sum += helper2(i + 1);
		sum += many(i, -i, 2 * i, 3 * i, 4 * i, 5 * i, -6 * i, 7 * i);
	}
	return sum == 42 ? 3 : 0;
}
