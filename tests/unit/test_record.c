// SPDX-License-Identifier: MIT
/*
 * The record parser on every line variant the kernel prints: the article's
 * aarch64 lines, the reference's, and lines captured from the kernel this
 * project runs on (record-tgid, noirq-info, counter clock, user stacks).
 * Lines are parsed from exact-size heap copies without a NUL, so ASan
 * catches any read past a line's end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "upc_internal.h"

static struct upc_record rec;
static char *copy;

static enum upc_rec_kind parse(const char *line)
{
	size_t n = strlen(line);

	free(copy);
	copy = malloc(n ? n : 1);
	assert_non_null(copy);
	memcpy(copy, line, n);
	return upc_record_parse(copy, n, &rec);
}

static void expect_text(const struct upc_text *t, const char *want)
{
	if (t->n != strlen(want) || memcmp(t->p, want, t->n))
		fail_msg("got '%.*s', want '%s'", (int)t->n, t->p, want);
}

static void expect_arg(unsigned i, const char *name, const char *value, enum upc_val_type type)
{
	assert_true(i < rec.nargs);
	expect_text(&rec.args[i].name, name);
	expect_text(&rec.args[i].value, value);
	assert_int_equal(rec.args[i].type, type);
}

static void test_article_aarch64(void **state)
{
	(void)state;
	assert_int_equal(parse("       registers-7694    [000] .... 110526.657845: wrapper_entry: "
			       "(0x5562be0bf8) arg1=0x1 arg2=0x7ff3f60e70 arg3=0x559a6746b0 "
			       "arg4=0x1ff arg5=0x5562be0bc8"), UPC_REC_ENTRY);
	expect_text(&rec.comm, "registers");
	assert_int_equal(rec.pid, 7694);
	assert_int_equal(rec.tgid, -1);
	assert_int_equal(rec.cpu, 0);
	expect_text(&rec.flags, "....");
	expect_text(&rec.ts, "110526.657845");
	expect_text(&rec.event, "wrapper_entry");
	assert_int_equal(rec.ip, 0x5562be0bf8);
	assert_int_equal(rec.nargs, 5);
	expect_arg(0, "arg1", "0x1", UPC_VAL_HEX);
	expect_arg(3, "arg4", "0x1ff", UPC_VAL_HEX);
	expect_arg(4, "arg5", "0x5562be0bc8", UPC_VAL_HEX);
	/* the VM recipe's line, 5-character flags */
	assert_int_equal(parse("target-78 [000] ..... 1.094994: wrapper_entry: (0x4006d4) arg1=0x1 "
			       "arg2=0xa arg3=0xabc1 arg4=0xffffffffffffffff arg5=0x400798"),
			 UPC_REC_ENTRY);
	expect_text(&rec.comm, "target");
	assert_int_equal(rec.pid, 78);
	expect_text(&rec.flags, ".....");
	expect_arg(3, "arg4", "0xffffffffffffffff", UPC_VAL_HEX);
}

static void test_reference_variants(void **state)
{
	(void)state;
	assert_int_equal(parse("      prog_nopie-11693   [000] DBZff   377.878750: exit: (0x401200 <- "
			       "0x401166) ret=-54 rx=0xffffffffffffffca"), UPC_REC_RETURN);
	assert_int_equal(rec.ret_to, 0x401200);
	assert_int_equal(rec.ip, 0x401166);
	expect_arg(0, "ret", "-54", UPC_VAL_SIGNED);
	expect_arg(1, "rx", "0xffffffffffffffca", UPC_VAL_HEX);

	assert_int_equal(parse("      prog_nopie-11693   [000] DBZff   377.878739: entry: (0x401166) "
			       "s=\"hello world\" n=-5 arr={1,-2,3,2147483647} flags=0xa5 ch='h' "
			       "bf=10 us=(fault)"), UPC_REC_ENTRY);
	assert_int_equal(rec.nargs, 7);
	expect_arg(0, "s", "\"hello world\"", UPC_VAL_STRING);
	expect_arg(1, "n", "-5", UPC_VAL_SIGNED);
	expect_arg(2, "arr", "{1,-2,3,2147483647}", UPC_VAL_ARRAY);
	expect_arg(4, "ch", "'h'", UPC_VAL_CHAR);
	expect_arg(5, "bf", "10", UPC_VAL_UNSIGNED);
	expect_arg(6, "us", "(fault)", UPC_VAL_FAULT);

	assert_int_equal(parse("      prog_nopie-11952   (  11952) [000] DBZff   393.494386: exit: "
			       "(0x401200 <- 0x401166) ret=-54"), UPC_REC_RETURN);
	assert_int_equal(rec.pid, 11952);
	assert_int_equal(rec.tgid, 11952);

	assert_int_equal(parse("CPU:0 [LOST 4590 EVENTS]"), UPC_REC_LOST);
	assert_int_equal(rec.cpu, 0);
	assert_true(rec.lost_known);
	assert_int_equal(rec.lost, 4590);
	assert_int_equal(parse("CPU:13 [LOST EVENTS]"), UPC_REC_LOST);
	assert_int_equal(rec.cpu, 13);
	assert_false(rec.lost_known);
	assert_int_equal(parse("CPU:1 [LOST 12 EVENTS] trailing"), UPC_REC_OTHER);

	assert_int_equal(parse("      prog_nopie-12048   [000] DBZff   404.182973: <user stack trace>"),
			 UPC_REC_STACK);
	assert_int_equal(rec.pid, 12048);
	assert_int_equal(parse(" => /path/prog_nopie[+0x166]"), UPC_REC_FRAME);
	expect_text(&rec.frame, "/path/prog_nopie[+0x166]");
	assert_int_equal(parse(" =>  <00007f947fd2e24a>"), UPC_REC_FRAME);
	expect_text(&rec.frame, "<00007f947fd2e24a>");
}

/* Captured from Linux 6.18 here, with the options named. */
static void test_captured(void **state)
{
	(void)state;
	/* record-tgid */
	assert_int_equal(parse("       registers-21382   (  21382) [000] DBZff  2159.543165: "
			       "wrapper_strerror: (0x5600e012d232) arg1=0x1 arg2=0x7ffd1ed43940 "
			       "arg3=0x5601104bd2b0 arg4=0x1ff ra=0x5600e012d46f\n"), UPC_REC_ENTRY);
	assert_int_equal(rec.tgid, 21382);
	assert_int_equal(rec.nargs, 5);
	expect_arg(4, "ra", "0x5600e012d46f", UPC_VAL_HEX);
	/* record-tgid, with a tgid the kernel did not keep */
	assert_int_equal(parse("           <...>-13890   (-------) [000] DBZff 31488.778620: leaf: "
			       "(0x55c0a76b0179) arg1=0x0 ra=0x55c0a76b01ae"), UPC_REC_ENTRY);
	assert_int_equal(rec.pid, 13890);
	assert_int_equal(rec.tgid, -1);
	expect_text(&rec.event, "leaf");
	assert_int_equal(parse("           <...>-13890   (-------) [000] ..... 31488.776245: "
			       "<user stack trace>"), UPC_REC_STACK);
	assert_int_equal(parse("  chain-1   (--x----) [000] ..... 1.0: e: (0x10)"), UPC_REC_OTHER);
	/* noirq-info: no flags column */
	assert_int_equal(parse("       registers-21386   [000]   2159.675242: wret: (0x55b9da5d046f <- "
			       "0x55b9da5d0232) ret=1"), UPC_REC_RETURN);
	assert_int_equal(rec.flags.n, 0);
	expect_text(&rec.ts, "2159.675242");
	expect_arg(0, "ret", "1", UPC_VAL_UNSIGNED);
	/* counter clock: a bare number */
	assert_int_equal(parse("       registers-21390   [000] DBZff            6: wrapper_strerror: "
			       "(0x560b92551232) arg1=0x1"), UPC_REC_ENTRY);
	expect_text(&rec.ts, "6");
	/* strings, chars, arrays, bitfields and big decimals */
	assert_int_equal(parse("       registers-21351   [001] DBZff  2155.495894: rep: (0x55bab93d51e9) "
			       "msg=\"Operation not permitted\" n=1 ch='O' arr={79,112,101,114} "
			       "bad=8028075772644520015 bf=15"), UPC_REC_ENTRY);
	assert_int_equal(rec.cpu, 1);
	expect_arg(0, "msg", "\"Operation not permitted\"", UPC_VAL_STRING);
	expect_arg(2, "ch", "'O'", UPC_VAL_CHAR);
	expect_arg(3, "arr", "{79,112,101,114}", UPC_VAL_ARRAY);
	expect_arg(4, "bad", "8028075772644520015", UPC_VAL_UNSIGNED);
	/* the comm cache missed: "<...>" */
	assert_int_equal(parse("           <...>-23162   [001] DBZff  2400.590920: wrapper_strerror: "
			       "(0x558a9e564232) arg1=0x1"), UPC_REC_ENTRY);
	expect_text(&rec.comm, "<...>");
	assert_int_equal(rec.pid, 23162);
}

static void test_awkward(void **state)
{
	(void)state;
	/* comms with spaces, dashes and digits; found from the right */
	assert_int_equal(parse("  my prog-v2-x-123 [003] d..1. 5.000001: e: (0x10) a=0x1"),
			 UPC_REC_ENTRY);
	expect_text(&rec.comm, "my prog-v2-x");
	assert_int_equal(rec.pid, 123);
	assert_int_equal(rec.cpu, 3);
	assert_int_equal(parse("kworker/u4:1-99 [1023] ..... 5.5: e: (0x10)"), UPC_REC_ENTRY);
	expect_text(&rec.comm, "kworker/u4:1");
	assert_int_equal(rec.cpu, 1023);
	assert_int_equal(rec.nargs, 0);
	/* strings holding spaces, '=', quotes, and what looks like an argument */
	assert_int_equal(parse("p-1 [000] ..... 1.0: e: (0x10) s=\"a=b \"c\" d\" t=\"x y=\" n=3"),
			 UPC_REC_ENTRY);
	assert_int_equal(rec.nargs, 3);
	expect_arg(0, "s", "\"a=b \"c\" d\"", UPC_VAL_STRING);
	expect_arg(1, "t", "\"x y=\"", UPC_VAL_STRING);
	expect_arg(2, "n", "3", UPC_VAL_UNSIGNED);
	assert_int_equal(parse("p-1 [000] ..... 1.0: e: (0x10) s=\"\" c=' ' q='''"), UPC_REC_ENTRY);
	expect_arg(0, "s", "\"\"", UPC_VAL_STRING);
	expect_arg(1, "c", "' '", UPC_VAL_CHAR);
	expect_arg(2, "q", "'''", UPC_VAL_CHAR);
	/* an unterminated string keeps what there is */
	assert_int_equal(parse("p-1 [000] ..... 1.0: e: (0x10) s=\"abc"), UPC_REC_ENTRY);
	expect_arg(0, "s", "\"abc", UPC_VAL_STRING);
	assert_int_equal(parse("p-1 [000] ..... 1.0: e: (0x10) a={\"x\",\"y z\"}"), UPC_REC_ENTRY);
	expect_arg(0, "a", "{\"x\",\"y z\"}", UPC_VAL_ARRAY);
}

static void test_other(void **state)
{
	static const char *const others[] = {
		"", "# tracer: nop", "garbage", "p-1 [000] ..... 1.0: sched_switch: prev=a",
		"p-1 [000] ..... x1.0: e: (0x10)", "p-1 [000] ..... 1.0: e: (zz)",
		"p-1 [000] ..... 1.0: e: (0x10", "-1 [000] ..... 1.0: e: (0x10)",
		"p-x [000] ..... 1.0: e: (0x10)", "p-1 [0a0] ..... 1.0: e: (0x10)",
		"CPU:x [LOST 1 EVENTS]", "p-1 (  1 [000] ..... 1.0: e: (0x10)",
		"p-1 [000] ..... 1.0:", "p-1 [000] ..... 1.0: e:",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		if (parse(others[i]) != UPC_REC_OTHER)
			fail_msg("'%s' was not kept as other", others[i]);
		expect_text(&rec.raw, others[i]);
	}
	/* a tracepoint's line: context known, still other */
	parse("p-1 [000] ..... 1.0: sched_switch: prev=a");
	assert_int_equal(rec.pid, 1);
	assert_int_equal(rec.nargs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_article_aarch64),
		cmocka_unit_test(test_reference_variants),
		cmocka_unit_test(test_captured),
		cmocka_unit_test(test_awkward),
		cmocka_unit_test(test_other),
	};
	int r = cmocka_run_group_tests_name("record", tests, NULL, NULL);

	free(copy);
	return r;
}
