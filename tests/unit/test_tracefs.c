// SPDX-License-Identifier: MIT
/*
 * The tracefs layer on a temporary directory tree standing in for tracefs,
 * and the pure pieces around it: fetch argument translation for every
 * architecture, uprobe_events line parsing, error_log parsing, the
 * kernel/file architecture check, and the gzip reader behind status.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "upc_internal.h"

static char last_err[1024];
static char root[64];

static void capture(enum upc_print_level level, const char *fmt, va_list ap)
{
	if (level == UPC_ERROR)
		vsnprintf(last_err, sizeof(last_err), fmt, ap);
}

static void put_file(const char *rel, const char *content)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static char *get_file(const char *rel)
{
	static char buf[8192];
	char p[256];
	FILE *f;
	size_t n;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	char p[256];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/upc-tracefs-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/events", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/events/uprobectl", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/events/uprobectl/ev", root);
	mkdir(p, 0755);
	put_file("events/uprobectl/ev/enable", "0\n");
	put_file("events/uprobectl/enable", "0\n");
	put_file("tracing_on", "0\n");
	put_file("uprobe_events", "p:other/keep /bin/true:0x0000000000001000 arg1=%di\n");
	put_file("uprobe_profile",
		 "  /bin/true keep                                         7\n"
		 "  /tmp/p ev                                              3\n"
		 "  /tmp/p ev                                              2\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void test_open(void **state)
{
	struct upc_tracefs *t;

	(void)state;
	assert_int_equal(upc_tracefs_open(root, &t), 0);
	assert_string_equal(upc_tracefs_root(t), root);
	assert_string_equal(upc_tracefs_how(t), "--tracefs");
	upc_tracefs_close(t);
	setenv("UPROBECTL_TRACEFS", root, 1);
	assert_int_equal(upc_tracefs_open(NULL, &t), 0);
	assert_string_equal(upc_tracefs_how(t), "UPROBECTL_TRACEFS");
	upc_tracefs_close(t);
	unsetenv("UPROBECTL_TRACEFS");
	assert_int_equal(upc_tracefs_open("/nonexistent/tracefs", &t), -ENOTDIR);
	assert_non_null(strstr(last_err, "not a directory"));
}

struct seen {
	int n;
	struct upc_probe last;
};

static int count_probe(const struct upc_probe *p, void *ctx)
{
	struct seen *s = ctx;

	s->n++;
	s->last = *p;
	return 0;
}

/* Appends add exactly one line and never disturb what is there. */
static void test_append_and_list(void **state)
{
	struct upc_tracefs *t;
	struct upc_kernel_error k;
	struct seen s = { 0 };
	uint64_t hits;

	(void)state;
	assert_int_equal(upc_tracefs_open(root, &t), 0);
	assert_int_equal(upc_tracefs_append(t, "uprobe_events",
					    "p:uprobectl/ev /tmp/p:0x10 arg1=%di", &k), 0);
	assert_string_equal(get_file("uprobe_events"),
			    "p:other/keep /bin/true:0x0000000000001000 arg1=%di\n"
			    "p:uprobectl/ev /tmp/p:0x10 arg1=%di\n");
	assert_int_equal(upc_probe_foreach(t, "uprobectl", count_probe, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.last.event, "ev");
	assert_string_equal(s.last.path, "/tmp/p");
	assert_int_equal(s.last.offset, 0x10);
	s.n = 0;
	assert_int_equal(upc_probe_foreach(t, NULL, count_probe, &s), 0);
	assert_int_equal(s.n, 2);

	assert_int_equal(upc_event_get_enable(t, NULL, "uprobectl", "ev"), 0);
	assert_int_equal(upc_event_set_enable(t, NULL, "uprobectl", "ev", true), 0);
	assert_int_equal(upc_event_get_enable(t, NULL, "uprobectl", "ev"), 1);
	assert_int_equal(upc_tracing_on(t, NULL, 1), 0);
	assert_int_equal(upc_tracing_on(t, NULL, -1), 1);
	assert_int_equal(upc_event_get_enable(t, NULL, "uprobectl", "nosuch"), -ENOENT);

	assert_int_equal(upc_probe_hits(t, "/tmp/p", "ev", &hits), 0);
	assert_int_equal(hits, 5);	/* a multi-probe event: summed */
	assert_int_equal(upc_probe_hits(t, "/tmp/q", "ev", &hits), -ENOENT);

	assert_int_equal(upc_probe_destroy(t, "uprobectl", "ev", false, &k), 0);
	assert_non_null(strstr(get_file("uprobe_events"), "arg1=%di\n-:uprobectl/ev\n"));
	upc_tracefs_close(t);
}

static void test_no_uprobe_events(void **state)
{
	struct upc_tracefs *t;
	struct seen s = { 0 };
	char p[256];

	(void)state;
	snprintf(p, sizeof(p), "%s/uprobe_events", root);
	unlink(p);
	assert_int_equal(upc_tracefs_open(root, &t), 0);
	assert_int_equal(upc_probe_foreach(t, NULL, count_probe, &s), -ENOENT);
	assert_non_null(strstr(last_err, "CONFIG_UPROBE_EVENTS"));
	upc_tracefs_close(t);
}

/* One probe: formatted, parsed back, and compared as the kernel lists it. */
static void test_probe_object(void **state)
{
	static struct upc_probe a, b;
	char def[UPC_DEF_MAX];
	const char *l;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.kind = 'p';
	strcpy(a.group, "grp");
	strcpy(a.event, "ev");
	strcpy(a.path, "/usr/lib/libx.so");
	a.offset = 0x1234;
	strcpy(a.args, "%di len=%si:u32 +0(%dx):string");
	assert_true(upc_probe_format(&a, def, sizeof(def)) > 0);
	assert_string_equal(def, "p:grp/ev /usr/lib/libx.so:0x1234 %di len=%si:u32 +0(%dx):string");
	assert_int_equal(upc_probe_parse(def, strlen(def), &b), 0);
	assert_true(upc_probe_equal(&a, &b));
	/* the kernel lists unnamed argument K as argK= */
	l = "p:grp/ev /usr/lib/libx.so:0x1234 arg1=%di len=%si:u32 arg3=+0(%dx):string";
	assert_int_equal(upc_probe_parse(l, strlen(l), &b), 0);
	assert_true(upc_probe_equal(&a, &b));
	/* ... but argK names position K only */
	l = "p:grp/ev /usr/lib/libx.so:0x1234 arg2=%di len=%si:u32 arg3=+0(%dx):string";
	assert_int_equal(upc_probe_parse(l, strlen(l), &b), 0);
	assert_false(upc_probe_equal(&a, &b));
	l = "p:grp/ev /usr/lib/libx.so:0x1234 arg1=%di len=%si:u64 arg3=+0(%dx):string";
	assert_int_equal(upc_probe_parse(l, strlen(l), &b), 0);
	assert_false(upc_probe_equal(&a, &b));
	l = "p:grp/ev /usr/lib/libx.so:0x1234 arg1=%di len=%si:u32";
	assert_int_equal(upc_probe_parse(l, strlen(l), &b), 0);
	assert_false(upc_probe_equal(&a, &b));
	l = "r:grp/ev /usr/lib/libx.so:0x1234 arg1=%di len=%si:u32 arg3=+0(%dx):string";
	assert_int_equal(upc_probe_parse(l, strlen(l), &b), 0);
	assert_false(upc_probe_equal(&a, &b));
	l = "p:grp/ev /usr/lib/libx.so:0x1238 arg1=%di len=%si:u32 arg3=+0(%dx):string";
	assert_int_equal(upc_probe_parse(l, strlen(l), &b), 0);
	assert_false(upc_probe_equal(&a, &b));
	/* the argument that fetches an expression, by the name it is listed
	 * under, with a type or without */
	{
		char n[UPC_MAX_ARGNAME + 1];

		assert_int_equal(upc_probe_arg_fetching(&a, "%si", n, sizeof(n)), 3);
		assert_string_equal(n, "len");
		assert_int_equal(upc_probe_arg_fetching(&a, "+0(%dx)", n, sizeof(n)), 4);
		assert_string_equal(n, "arg3");
		assert_int_equal(upc_probe_arg_fetching(&a, "%di", n, sizeof(n)), 4);
		assert_string_equal(n, "arg1");
		assert_int_equal(upc_probe_arg_fetching(&a, "+0(%d", n, sizeof(n)), 0);
		assert_int_equal(upc_probe_arg_fetching(&a, "%dx", n, sizeof(n)), 0);
		l = "p:grp/ev /x:0x10 arg1=%di ra=+0(%sp)";
		assert_int_equal(upc_probe_parse(l, strlen(l), &b), 0);
		assert_int_equal(upc_probe_arg_fetching(&b, "+0(%sp)", n, sizeof(n)), 2);
		assert_string_equal(n, "ra");
	}
	/* a reference counter (USDT semaphore) is part of the definition */
	a.has_ref_ctr = true;
	a.ref_ctr = 0x40;
	a.args[0] = '\0';
	assert_true(upc_probe_format(&a, def, sizeof(def)) > 0);
	assert_string_equal(def, "p:grp/ev /usr/lib/libx.so:0x1234(0x40)");
	assert_int_equal(upc_probe_parse(def, strlen(def), &b), 0);
	assert_true(upc_probe_equal(&a, &b));
	b.ref_ctr = 0x48;
	assert_false(upc_probe_equal(&a, &b));
}

/* Filters are checked against the event's fields before the kernel sees
 * them. */
static void test_filters(void **state)
{
	static struct upc_probe p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.kind = 'p';
	strcpy(p.group, "g");
	strcpy(p.event, "malloc");
	strcpy(p.args, "size=%di:u64 %si name=+0(%dx):string");
	assert_int_equal(upc_filter_check(&p, "size > 4096"), 0);
	assert_int_equal(upc_filter_check(&p, "size >= 0x1000 && (common_pid == 7 || !arg2 & 4)"), 0);
	assert_int_equal(upc_filter_check(&p, "name ~ \"lib*\" || comm == \"sshd\""), 0);
	assert_int_equal(upc_filter_check(&p, "size == -1"), 0);
	last_err[0] = '\0';
	assert_int_equal(upc_filter_check(&p, "bytes > 1"), -EINVAL);
	assert_non_null(strstr(last_err, "no field 'bytes'"));
	assert_non_null(strstr(last_err, "size, arg2, name"));
	assert_int_equal(upc_filter_check(&p, "size => 1"), -EINVAL);
	assert_non_null(strstr(last_err, "not an operator"));
	assert_int_equal(upc_filter_check(&p, "size ~ 1"), -EINVAL);
	assert_int_equal(upc_filter_check(&p, "name > \"a\""), -EINVAL);
	assert_int_equal(upc_filter_check(&p, "name == lib"), -EINVAL);
	assert_int_equal(upc_filter_check(&p, "size > x"), -EINVAL);
	assert_int_equal(upc_filter_check(&p, "(size > 1"), -EINVAL);
	assert_non_null(strstr(last_err, "not closed"));
	assert_int_equal(upc_filter_check(&p, "size > 1)"), -EINVAL);
	assert_int_equal(upc_filter_check(&p, "size > 1 and size < 9"), -EINVAL);
	assert_int_equal(upc_filter_check(&p, "size > 1\n"), -EINVAL);
	assert_int_equal(upc_filter_check(&p, "size > 1 # c"), -EINVAL);
	assert_int_equal(upc_filter_check(&p, ""), -EINVAL);
}

/* create writes one definition; destroy deletes only what was named, and
 * with force disables it wherever it is enabled first. */
static void test_probe_create_destroy(void **state)
{
	static struct upc_probe p;
	struct upc_kernel_error k;
	struct upc_tracefs *t;
	char dir[256];
	struct stat st;

	(void)state;
	assert_int_equal(upc_tracefs_open(root, &t), 0);
	memset(&p, 0, sizeof(p));
	p.kind = 'r';
	strcpy(p.group, "uprobectl");
	strcpy(p.event, "made");
	strcpy(p.path, "/bin/true");
	p.offset = 0x20;
	strcpy(p.args, "ret=$retval");
	assert_int_equal(upc_probe_create(t, &p, &k), 0);
	assert_string_equal(get_file("uprobe_events"),
			    "p:other/keep /bin/true:0x0000000000001000 arg1=%di\n"
			    "r:uprobectl/made /bin/true:0x20 ret=$retval\n");
	/* the file is no longer the one that was read: nothing is written */
	assert_int_equal(stat("/bin/true", &st), 0);
	p.dev = (uint64_t)st.st_dev;
	p.ino = (uint64_t)st.st_ino + 1;
	assert_int_equal(upc_probe_create(t, &p, &k), -ESTALE);
	p.ino = (uint64_t)st.st_ino;
	strcpy(p.event, "again");
	assert_int_equal(upc_probe_create(t, &p, &k), 0);
	/* nothing written for what is not there */
	assert_int_equal(upc_probe_destroy(t, "uprobectl", "nosuch", true, &k), -ENOENT);
	assert_int_equal(upc_probe_destroy(t, "nosuch", NULL, true, &k), -ENOENT);
	/* enabled in another run's instance: force disables it there */
	snprintf(dir, sizeof(dir), "%s/instances", root);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/instances/other-run", root);
	mkdir(dir, 0755);
	strcat(dir, "/events");
	mkdir(dir, 0755);
	strcat(dir, "/uprobectl");
	mkdir(dir, 0755);
	strcat(dir, "/made");
	mkdir(dir, 0755);
	put_file("instances/other-run/events/uprobectl/made/enable", "1\n");
	assert_int_equal(upc_probe_destroy(t, "uprobectl", "made", true, &k), 0);
	assert_string_equal(get_file("instances/other-run/events/uprobectl/made/enable"), "0\n");
	assert_non_null(strstr(get_file("uprobe_events"), "ret=$retval\n-:uprobectl/made\n"));
	/* the whole group: each of its events, no other group's */
	assert_int_equal(upc_probe_destroy(t, "uprobectl", NULL, false, &k), 0);
	assert_non_null(strstr(get_file("uprobe_events"),
			       "-:uprobectl/made\n-:uprobectl/made\n-:uprobectl/again\n"));
	assert_null(strstr(get_file("uprobe_events"), "-:other"));
	upc_tracefs_close(t);
}

/* Instances: made when missing, removed only when we made them. */
static void test_instances(void **state)
{
	struct upc_instance *i, *j;
	struct upc_tracefs *t;
	char rel[128], p[256], buf[16];
	struct stat st;
	int fd;

	(void)state;
	assert_int_equal(upc_tracefs_open(root, &t), 0);
	snprintf(p, sizeof(p), "%s/instances", root);
	mkdir(p, 0755);
	assert_int_equal(upc_instance_open(t, "../escape", false, &i), -EINVAL);
	assert_int_equal(upc_instance_open(t, "mine", true, &i), 0);
	assert_true(upc_instance_created(i));
	assert_string_equal(upc_instance_name(i), "mine");
	snprintf(p, sizeof(p), "%s/instances/mine", root);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* another user of it: never its owner */
	assert_int_equal(upc_instance_open(t, "mine", true, &j), -EEXIST);
	assert_int_equal(upc_instance_open(t, "mine", false, &j), 0);
	assert_false(upc_instance_created(j));
	assert_int_equal(upc_instance_close(j), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(upc_instance_path(i, "trace_pipe", rel, sizeof(rel)), 0);
	assert_string_equal(rel, "instances/mine/trace_pipe");
	put_file("instances/mine/tracing_on", "0\n");
	assert_int_equal(upc_instance_write(i, "tracing_on", "1"), 0);
	assert_int_equal(upc_instance_read(i, "tracing_on", buf, sizeof(buf)), 2);
	assert_string_equal(buf, "1\n");
	assert_int_equal(upc_instance_set_option(i, "nosuch", true), -ENOENT);
	snprintf(p, sizeof(p), "%s/instances/mine/tracing_on", root);
	unlink(p);
	assert_int_equal(upc_instance_close(i), 0);
	snprintf(p, sizeof(p), "%s/instances/mine", root);
	assert_int_equal(stat(p, &st), -1);
	/* the top level */
	assert_int_equal(upc_instance_open(t, NULL, false, &i), 0);
	assert_null(upc_instance_name(i));
	assert_int_equal(upc_instance_path(i, "trace_pipe", rel, sizeof(rel)), 0);
	assert_string_equal(rel, "trace_pipe");
	put_file("trace_pipe", "");
	fd = upc_instance_pipe(i);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(upc_instance_close(i), 0);
	upc_tracefs_close(t);
}

static void test_parse_lines(void **state)
{
	struct upc_probe p;
	const char *l;

	(void)state;
	l = "r:g-1/ev_2 /a:b/prog:0x00000000000011d9(0x20) ret=$retval:s32 x=+0(%di):string";
	assert_int_equal(upc_probe_parse(l, strlen(l), &p), 0);
	assert_int_equal(p.kind, 'r');
	assert_string_equal(p.group, "g-1");
	assert_string_equal(p.event, "ev_2");
	assert_string_equal(p.path, "/a:b/prog");	/* split at the last ':' */
	assert_int_equal(p.offset, 0x11d9);
	assert_true(p.has_ref_ctr);
	assert_int_equal(p.ref_ctr, 0x20);
	assert_string_equal(p.args, "ret=$retval:s32 x=+0(%di):string");
	l = "p:g/e /prog:0x10";
	assert_int_equal(upc_probe_parse(l, strlen(l), &p), 0);
	assert_string_equal(p.args, "");
	assert_int_equal(upc_probe_parse("x:g/e /p:0x1", 12, &p), -EINVAL);
	assert_int_equal(upc_probe_parse("p:ge /p:0x1", 11, &p), -EINVAL);
	assert_int_equal(upc_probe_parse("p:g/e /p:zz", 11, &p), -EINVAL);
	assert_int_equal(upc_probe_parse("p:g/e", 5, &p), -EINVAL);
	/* the length bounds the parse, not a NUL */
	assert_int_equal(upc_probe_parse("p:g/e /p:0x1 a=%di", 8, &p), -EINVAL);
}

static void test_error_log(void **state)
{
	struct upc_kernel_error k;

	(void)state;
	upc_kernel_error_parse(
		"[  377.000001] trace_uprobe: error: Event too big (too many fields?)\n"
		"  Command: p:g/old /p:0x10 x\n"
		"                           ^\n"
		"[  377.123456] trace_uprobe: error: Invalid register name\n"
		"  Command: p:grp/e1 /path/prog:0x10 a=%di b=%rax\n"
		"                                          ^\n", &k);
	assert_string_equal(k.msg, "Invalid register name");
	assert_string_equal(k.command, "p:grp/e1 /path/prog:0x10 a=%di b=%rax");
	assert_int_equal(k.caret, 31);
	assert_int_equal(k.command[k.caret], 'b');
	upc_kernel_error_parse("nothing here\n", &k);
	assert_string_equal(k.msg, "");
	assert_int_equal(k.caret, -1);
	upc_kernel_error_parse("[ 1.0] trace_uprobe: error: Bad\n  Command: p:x\n", &k);
	assert_string_equal(k.msg, "Bad");
	assert_int_equal(k.caret, -1);
}

static void expect_tr(const char *arch, bool ret, int n, const char *const *args,
		      const char *want)
{
	char out[2048];
	int r = upc_fetchargs_translate(upc_arch_by_name(arch), ret, n, (char *const *)args,
					out, sizeof(out));

	if (r < 0)
		fail_msg("%s: %s: %d %s", arch, args[0], r, last_err);
	assert_string_equal(out, want);
}

static int tr_err(const char *arch, bool ret, int n, const char *const *args)
{
	char out[2048];

	last_err[0] = '\0';
	return upc_fetchargs_translate(upc_arch_by_name(arch), ret, n, (char *const *)args,
				       out, sizeof(out));
}

static void test_fetchargs(void **state)
{
	const char *a1[] = { "$arg1", "len=$arg4:u32", "ra=$ra", "sp=$sp", "s=+0($arg3):string" };
	const char *a2[] = { "x=$arg9", "y=+8($arg9):u64" };
	const char *a3[] = { "ret=$retval:s32", "c=$comm" };
	const char *a4[] = { "a=%x0", "b=@0x1000:u8[4]", "c=@+0x40", "d=$stack2", "e=\\-42",
			     "f=+0(%sp):b4@2/8", "g=-8(%x29):x16" };
	(void)state;

	expect_tr("aarch64", false, 5, a1,
		  "%x0 len=%x3:u32 ra=%x30 sp=%sp s=+0(%x2):string");
	expect_tr("x86_64", false, 5, a1,
		  "%di len=%cx:u32 ra=+0(%sp) sp=%sp s=+0(%dx):string");
	expect_tr("arm", false, 5, a1,
		  "%r0 len=%r3:u32 ra=%lr sp=%sp s=+0(%r2):string");
	expect_tr("riscv64", false, 5, a1,
		  "%a0 len=%a3:u32 ra=%ra sp=%sp s=+0(%a2):string");
	expect_tr("i386", false, 5, a1,
		  "+4(%sp) len=+16(%sp):u32 ra=+0(%sp) sp=%sp s=+0(+12(%sp)):string");
	/* past the registers: the stack slots at entry */
	expect_tr("aarch64", false, 2, a2, "x=+0(%sp) y=+8(+0(%sp)):u64");
	expect_tr("x86_64", false, 2, a2, "x=+24(%sp) y=+8(+24(%sp)):u64");
	expect_tr("x86_64", true, 2, a3, "ret=$retval:s32 c=$comm:string");
	expect_tr("aarch64", false, 7, a4,
		  "a=%x0 b=@0x1000:u8[4] c=@+0x40 d=$stack2 e=\\-42 f=+0(%sp):b4@2/8 g=-8(%x29):x16");

	const char *bad_reg[] = { "%di" };
	assert_int_equal(tr_err("aarch64", false, 1, bad_reg), -EINVAL);
	assert_non_null(strstr(last_err, "argument 1 ('%di')"));
	assert_non_null(strstr(last_err, "aarch64"));
	const char *retval_entry[] = { "a=%x0", "r=$retval" };
	assert_int_equal(tr_err("aarch64", false, 2, retval_entry), -EINVAL);
	assert_non_null(strstr(last_err, "argument 2"));
	assert_non_null(strstr(last_err, "-r"));
	const char *bad[][1] = {
		{ "v=%x0:u33" }, { "v=+0(%x0):u8[0]" }, { "v=+0(%x0):u8[65]" },
		{ "v=%x0:u8[2]" }, { "v=%x0:string" }, { "v=$arg1:string" },
		{ "v=$comm:u32" }, { "v=@sym" }, { "v=$foo" }, { "v=$arg0" }, { "v=$arg129" },
		{ "1v=%x0" }, { "common_pid=%x0" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=%x0" },	/* 33 characters */
		{ "v=%x0 w=%x1" }, { "v=%x0#" }, { "v=%x0\n-:g/e" }, { "" }, { "v=" },
		{ "v=+0(%x0" }, { "v=+(%x0)" }, { "v=%x0:symbol" }, { "v=+0(%x0):b9@0/8" },
		{ "v=+1234567890(+1234567890(+1234567890(+1234567890(+1234567890(%x0)))))" },
		{ "v=\\1zzz" }, { "v=\\-" }, { "v=\\0x" }, { "v=\\12 " }, { "v=%x0\xa0" },
		{ "v\xc3\xa9=%x0" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (tr_err("aarch64", false, 1, bad[i]) != -EINVAL)
			fail_msg("accepted '%s'", bad[i][0]);
		assert_true(last_err[0] != '\0');
	}
	const char *dup[] = { "a=%x0", "a=%x1" };
	assert_int_equal(tr_err("aarch64", false, 2, dup), -EINVAL);
	const char *dup_default[] = { "%x0", "arg1=%x1" };
	assert_int_equal(tr_err("aarch64", false, 2, dup_default), -EINVAL);

	char *many[129];
	char names[129][24];
	for (int i = 0; i < 129; i++) {
		snprintf(names[i], sizeof(names[i]), "a%d=%%x0", i);
		many[i] = names[i];
	}
	assert_int_equal(tr_err("aarch64", false, 129, (const char *const *)many), -EINVAL);
	assert_non_null(strstr(last_err, "128"));
	assert_true(tr_err("aarch64", false, 128, (const char *const *)many) > 0);
}

/* Group locks: exclusive against exclusive and shared, shared with shared,
 * the holder named, and a SIGKILLed holder's lock gone with it. */
static void test_group_lock(void **state)
{
	char dir[] = "/tmp/upc-lock-XXXXXX";
	struct upc_lock *a, *b;
	int go[2], st;
	long holder;
	pid_t child;
	char c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("UPROBECTL_LOCK_DIR", dir, 1);
	assert_int_equal(upc_group_lock("g1", true, 0, &a, &holder), 0);
	assert_int_equal(upc_group_lock("g1", true, 0, &b, &holder), -EWOULDBLOCK);
	assert_int_equal(holder, getpid());
	assert_int_equal(upc_group_lock("g1", false, 0.1, &b, &holder), -EWOULDBLOCK);
	assert_int_equal(upc_group_lock("g2", true, 0, &b, &holder), 0);	/* per group */
	upc_group_unlock(b);
	upc_group_unlock(a);
	assert_int_equal(upc_group_lock("g1", false, 0, &a, &holder), 0);
	assert_int_equal(upc_group_lock("g1", false, 0, &b, &holder), 0);	/* shared */
	upc_group_unlock(a);
	upc_group_unlock(b);
	assert_int_equal(upc_group_lock("bad/name", true, 0, &a, &holder), -EINVAL);

	/* another process holds it, and is killed: the lock dies with it */
	assert_int_equal(pipe(go), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct upc_lock *l;

		if (upc_group_lock("g1", true, 0, &l, &holder))
			_exit(1);
		if (write(go[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(go[0], &c, 1), 1);
	assert_int_equal(upc_group_lock("g1", true, 0.2, &a, &holder), -EWOULDBLOCK);
	assert_int_equal(holder, child);
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, &st, 0), child);
	assert_int_equal(upc_group_lock("g1", true, 0, &a, &holder), 0);
	upc_group_unlock(a);
	close(go[0]);
	close(go[1]);

	/* a lock directory others could write in is refused */
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(upc_group_lock("g1", true, 0, &a, &holder), -EPERM);
	assert_non_null(strstr(last_err, "no one else can write"));
	unsetenv("UPROBECTL_LOCK_DIR");
	snprintf(last_err, sizeof(last_err), "%s/g1.lock", dir);
	unlink(last_err);
	snprintf(last_err, sizeof(last_err), "%s/g2.lock", dir);
	unlink(last_err);
	assert_int_equal(rmdir(dir), 0);
}

static void test_kernel_arch(void **state)
{
	struct upc_tracefs *t;

	(void)state;
	setenv("UPROBECTL_MACHINE", "aarch64", 1);
	assert_int_equal(upc_tracefs_open(root, &t), 0);
	assert_int_equal(upc_kernel_can_probe(t, upc_arch_by_name("aarch64"), "/p"), 0);
	assert_int_equal(upc_kernel_can_probe(t, upc_arch_by_name("arm"), "/p"), -ENOEXEC);
	assert_non_null(strstr(last_err, "cannot probe AArch32"));
	assert_int_equal(upc_kernel_can_probe(t, upc_arch_by_name("x86_64"), "/p"), -ENOEXEC);
	upc_tracefs_close(t);
	setenv("UPROBECTL_MACHINE", "x86_64", 1);
	assert_int_equal(upc_tracefs_open(root, &t), 0);
	assert_int_equal(upc_kernel_can_probe(t, upc_arch_by_name("i386"), "/p"), 0);
	assert_int_equal(upc_kernel_can_probe(t, upc_arch_by_name("riscv64"), "/p"), -ENOEXEC);
	upc_tracefs_close(t);
	setenv("UPROBECTL_MACHINE", "armv7l", 1);
	assert_int_equal(upc_tracefs_open(root, &t), 0);
	assert_int_equal(upc_kernel_can_probe(t, upc_arch_by_name("arm"), "/p"), 0);
	upc_tracefs_close(t);
	/* runs_on: o32 MIPS programs run on a mips64 kernel; the longest
	 * uname prefix names the kernel: ppc64le is not ppc */
	setenv("UPROBECTL_MACHINE", "mips64", 1);
	assert_int_equal(upc_tracefs_open(root, &t), 0);
	assert_int_equal(upc_kernel_can_probe(t, upc_arch_by_name("mips"), "/p"), 0);
	assert_int_equal(upc_kernel_can_probe(t, upc_arch_by_name("mips64"), "/p"), 0);
	upc_tracefs_close(t);
	setenv("UPROBECTL_MACHINE", "ppc64le", 1);
	assert_int_equal(upc_tracefs_open(root, &t), 0);
	assert_int_equal(upc_kernel_can_probe(t, upc_arch_by_name("ppc64"), "/p"), 0);
	assert_int_equal(upc_kernel_can_probe(t, upc_arch_by_name("ppc"), "/p"), -ENOEXEC);
	upc_tracefs_close(t);
	/* a kernel no table knows decides for itself */
	setenv("UPROBECTL_MACHINE", "vax", 1);
	assert_int_equal(upc_tracefs_open(root, &t), 0);
	assert_int_equal(upc_kernel_can_probe(t, upc_arch_by_name("riscv64"), "/p"), 0);
	upc_tracefs_close(t);
	unsetenv("UPROBECTL_MACHINE");
}

/* gzip -1 and -9 of text, and of random bytes (stored blocks), against
 * the original. */
static void test_gunzip(void **state)
{
	static unsigned char orig[300000], gz[400000];
	char cmd[256], src[64] = "/tmp/upc-gz-XXXXXX";
	int fd;

	(void)state;
	fd = mkstemp(src);
	assert_true(fd >= 0);
	for (int round = 0; round < 3; round++) {
		size_t n = 0, glen;
		char *out;
		size_t outlen;
		FILE *f;

		srand(42 + (unsigned)round);
		for (size_t i = 0; i < sizeof(orig); i++)
			orig[i] = round == 2 ? (unsigned char)rand()
					     : (unsigned char)("CONFIG_UPROBE_EVENTS=y\n# x is not set\n"[i % 38] + (i % 97 == 0));
		assert_int_equal(pwrite(fd, orig, sizeof(orig), 0), (ssize_t)sizeof(orig));
		snprintf(cmd, sizeof(cmd), "gzip -c -%d < %s", round ? 9 : 1, src);
		f = popen(cmd, "r");
		assert_non_null(f);
		glen = fread(gz, 1, sizeof(gz), f);
		pclose(f);
		assert_true(glen > 18);
		assert_int_equal(upc_gunzip(gz, glen, &out, &outlen, sizeof(orig) + 1), 0);
		assert_int_equal(outlen, sizeof(orig));
		assert_memory_equal(out, orig, sizeof(orig));
		free(out);
		/* too small a limit, truncated and corrupt streams: errors */
		assert_int_equal(upc_gunzip(gz, glen, &out, &outlen, 1000), -EFBIG);
		for (n = 0; n < glen; n += glen / 7 ? glen / 7 : 1) {
			out = NULL;
			if (upc_gunzip(gz, n, &out, &outlen, sizeof(orig) + 1) == 0)
				fail_msg("a stream cut to %zu of %zu bytes was accepted", n, glen);
			assert_null(out);
		}
		gz[glen / 2] ^= 0x55;
		out = NULL;
		if (upc_gunzip(gz, glen, &out, &outlen, sizeof(orig) + 1) == 0)
			fail_msg("a stream with a corrupt byte was accepted");
		assert_null(out);
	}
	close(fd);
	unlink(src);
}

static void test_kconfig(void **state)
{
	const char *cfg = "# comment\nCONFIG_UPROBES=y\nCONFIG_FOO=\"a b\"\n"
			  "# CONFIG_UPROBE_EVENTS is not set\nCONFIG_UPROBES_X=m\n";
	char v[32];

	(void)state;
	assert_string_equal(upc_kconfig_get(cfg, "CONFIG_UPROBES", v, sizeof(v)), "y");
	assert_string_equal(upc_kconfig_get(cfg, "CONFIG_FOO", v, sizeof(v)), "\"a b\"");
	assert_null(upc_kconfig_get(cfg, "CONFIG_UPROBE_EVENTS", v, sizeof(v)));
	assert_string_equal(upc_kconfig_get(cfg, "CONFIG_UPROBES_X", v, sizeof(v)), "m");
	assert_null(upc_kconfig_get("", "CONFIG_UPROBES", v, sizeof(v)));
}

/* The budget of the kernel's buffers from /proc/meminfo: 5% of
 * MemAvailable, at most 16 MiB per CPU; MemFree on kernels without
 * MemAvailable; sizes as people write them. */
static void test_budget(void **state)
{
	static const char board[] = "MemTotal:         245760 kB\nMemFree:           60000 kB\n"
				    "MemAvailable:     163840 kB\nBuffers:            1024 kB\n";
	static const char server[] = "MemTotal:       65536000 kB\n"
				     "MemAvailable:   52428800 kB\n";
	static const char old[] = "MemTotal:         131072 kB\nMemFree:           40000 kB\n";
	uint64_t kb, avail;

	(void)state;
	/* a 256 MB board with 4 CPUs: 8192 KiB in all, 2048 a CPU */
	assert_int_equal(upc_buffer_budget(board, strlen(board), 4, &kb, &avail), 0);
	assert_int_equal(kb, 8192);
	assert_int_equal(avail, 163840);
	/* a server: 16 MiB a CPU, not 5% (2.5 GiB) */
	assert_int_equal(upc_buffer_budget(server, strlen(server), 8, &kb, &avail), 0);
	assert_int_equal(kb, 8 * 16384);
	/* before 3.14: MemFree */
	assert_int_equal(upc_buffer_budget(old, strlen(old), 1, &kb, &avail), 0);
	assert_int_equal(kb, 2000);
	assert_int_equal(upc_buffer_budget("Cached: 5 kB\n", 13, 1, &kb, &avail), -ENOENT);
	assert_int_equal(upc_buffer_budget("MemAvailable: x kB\n", 19, 1, &kb, &avail), -EINVAL);
	assert_int_equal(upc_parse_size("4M", &kb), 0);
	assert_int_equal(kb, 4096);
	assert_int_equal(upc_parse_size("512KiB", &kb), 0);
	assert_int_equal(kb, 512);
	assert_int_equal(upc_parse_size("1G", &kb), 0);
	assert_int_equal(kb, 1024 * 1024);
	assert_int_equal(upc_parse_size("65536", &kb), 0);
	assert_int_equal(kb, 64);
	assert_int_equal(upc_parse_size("2MB", &kb), 0);
	assert_int_equal(kb, 2048);
	assert_int_equal(upc_parse_size("100", &kb), -EINVAL);	/* less than 1 KiB */
	assert_int_equal(upc_parse_size("4X", &kb), -EINVAL);
	assert_int_equal(upc_parse_size("M", &kb), -EINVAL);
	assert_int_equal(upc_parse_size("4Mx", &kb), -EINVAL);
	assert_int_equal(upc_parse_size("99999999999999G", &kb), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_and_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_uprobe_events, setup, teardown),
		cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_probe_object),
		cmocka_unit_test(test_filters),
		cmocka_unit_test_setup_teardown(test_probe_create_destroy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_instances, setup, teardown),
		cmocka_unit_test(test_error_log),
		cmocka_unit_test(test_fetchargs),
		cmocka_unit_test_setup_teardown(test_kernel_arch, setup, teardown),
		cmocka_unit_test(test_gunzip),
		cmocka_unit_test(test_group_lock),
		cmocka_unit_test(test_kconfig),
		cmocka_unit_test(test_budget),
	};

	upc_set_print(capture);
	return cmocka_run_group_tests_name("tracefs", tests, NULL, NULL);
}
