// SPDX-License-Identifier: MIT
/*
 * Trace event formats (src/lib/tpformat.c) on the format files of real
 * kernels (tests/unit/formats: this machine's, and the VM kernels' of
 * arm64, 32-bit armhf and i386, big-endian s390x, mips64el, captured by
 * capture.sh): a uprobe with every fetch type, its return probe, and the
 * scheduler's exec and exit events. A record is laid out by each kernel's
 * own offsets, sizes and byte order with known values, and must print as
 * trace_pipe prints it, written out here by hand; damaged formats and
 * records are refused, never read past.
 */
#include <dirent.h>
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

static const char *dir(void)
{
	const char *d = getenv("UPC_FORMATS");

	return d ? d : "tests/unit/formats";
}

static char *slurp(const char *name, size_t *len)
{
	char path[512], *buf;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir(), name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	buf = malloc(65536);
	assert_non_null(buf);
	*len = fread(buf, 1, 65535, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* The byte order of the kernel whose format is being read: s390x's is
 * big-endian. Records are laid out in it here, and the decoder is told. */
static bool kernel_be;

static void parse(const char *name, struct upc_tp_format *f)
{
	size_t len;
	char *text = slurp(name, &len);

	assert_int_equal(upc_tp_format_parse(text, len, f), 0);
	free(text);
	kernel_be = strstr(name, "s390x") != NULL;
	f->big_endian = kernel_be;
}

static const struct upc_field *field(const struct upc_tp_format *f, const char *name)
{
	for (unsigned i = 0; i < f->nfields; i++)
		if (!strcmp(f->fields[i].name, name))
			return &f->fields[i];
	return NULL;
}

/* A record being laid out: field name's element k, in the kernel's order. */
static void put_field(unsigned char *rec, const struct upc_tp_format *f, const char *name,
		      unsigned k, uint64_t v)
{
	const struct upc_field *fl = field(f, name);
	unsigned off;

	if (!fl)
		fail_msg("%s: no field %s", f->name, name);
	off = fl->offset + k * fl->size;
	for (unsigned i = 0; i < fl->size; i++)
		rec[off + (kernel_be ? fl->size - 1u - i : i)] = (unsigned char)(v >> (8 * i));
}

/* a string field: its __data_loc (len << 16 | offset) and its bytes at
 * *tail, or (s NULL) a fetch that faulted (length 0) */
static void put_string(unsigned char *rec, const struct upc_tp_format *f, const char *name,
		       const char *s, unsigned *tail)
{
	unsigned n = s ? (unsigned)strlen(s) + 1 : 0;

	put_field(rec, f, name, 0, (uint64_t)n << 16 | *tail);
	if (s)
		memcpy(rec + *tail, s, n);
	*tail += n;
}

/* The record's end: past its last fixed field. */
static unsigned fixed_end(const struct upc_tp_format *f)
{
	unsigned end = 8;

	for (unsigned i = 0; i < f->nfields; i++) {
		const struct upc_field *fl = &f->fields[i];
		unsigned e = fl->offset + fl->size * (fl->count ? fl->count : 1u);

		end = e > end ? e : end;
	}
	return end;
}

static void prints(const struct upc_tp_format *f, const unsigned char *rec, size_t len,
		   const char *want)
{
	char out[1024];

	assert_int_equal(upc_tp_format_print(f, rec, len, out, sizeof(out)), (int)strlen(want));
	assert_string_equal(out, want);
}

/* The kernels whose formats were captured: "6.1-aarch64", ... */
static int kernels(char names[][64], int max)
{
	DIR *d = opendir(dir());
	struct dirent *e;
	int n = 0;

	if (!d)
		fail_msg("%s: %s", dir(), strerror(errno));
	while ((e = readdir(d)) && n < max) {
		size_t l = strlen(e->d_name);

		if (l > 13 && !strcmp(e->d_name + l - 13, "-entry.format"))
			snprintf(names[n++], 64, "%.*s", (int)(l - 13), e->d_name);
	}
	closedir(d);
	assert_true(n >= 6);
	return n;
}

/* The uprobe with every fetch type: the fields' kinds and each kernel's
 * word, and a record of known values printed as trace_pipe prints it. */
static void test_entry(void **state)
{
	char names[16][64], file[128], want[1024];
	int n = kernels(names, 16);

	(void)state;
	for (int k = 0; k < n; k++) {
		static struct upc_tp_format f;
		unsigned char rec[512] = { 0 };
		const struct upc_field *ip, *arr, *sa, *ua;
		bool word4 = strstr(names[k], "armhf") || strstr(names[k], "i386");
		bool ch;
		unsigned tail;

		snprintf(file, sizeof(file), "%s-entry.format", names[k]);
		parse(file, &f);
		assert_string_equal(f.name, "types");
		assert_true(f.uprobe && !f.ret && f.id > 0);
		ip = field(&f, "__probe_ip");
		assert_non_null(ip);
		assert_int_equal(ip->size, word4 ? 4 : 8);
		assert_int_equal(field(&f, "a")->kind, UPC_FIELD_HEX);
		assert_int_equal(field(&f, "a")->size, word4 ? 4 : 8);	/* x32 / x64 */
		assert_int_equal(field(&f, "b")->kind, UPC_FIELD_INT);
		assert_true(field(&f, "c")->is_signed && !field(&f, "b")->is_signed);
		assert_int_equal(field(&f, "g")->kind, UPC_FIELD_HEX);
		assert_int_equal(field(&f, "s")->kind, UPC_FIELD_STRING);
		assert_true(field(&f, "s")->quoted && field(&f, "cm")->quoted);
		arr = field(&f, "arr");
		sa = field(&f, "sa");
		ua = field(&f, "ua");
		assert_true(arr->count == 3 && arr->size == 2 && arr->kind == UPC_FIELD_HEX);
		assert_true(sa->count == 2 && sa->size == 1 && sa->is_signed);
		assert_true(ua->count == 2 && ua->size == 4 && ua->kind == UPC_FIELD_INT);
		ch = field(&f, "ch") != NULL;	/* the char type: Linux 6.5 on */
		if (ch)
			assert_int_equal(field(&f, "ch")->kind, UPC_FIELD_CHAR);
		put_field(rec, &f, "__probe_ip", 0, 0x401200);
		put_field(rec, &f, "a", 0, 0x1234);
		put_field(rec, &f, "b", 0, 200);
		put_field(rec, &f, "c", 0, (uint64_t)-5);
		put_field(rec, &f, "d", 0, 0x1ff);
		put_field(rec, &f, "e", 0, 1234567890123ull);
		put_field(rec, &f, "f", 0, (uint64_t)-42);
		put_field(rec, &f, "g", 0, 0x7f);
		if (ch)
			put_field(rec, &f, "ch", 0, 'h');
		put_field(rec, &f, "arr", 0, 1);
		put_field(rec, &f, "arr", 1, 2);
		put_field(rec, &f, "arr", 2, 0xffff);
		put_field(rec, &f, "bf", 0, 10);
		put_field(rec, &f, "sa", 0, (uint64_t)-1);
		put_field(rec, &f, "sa", 1, 2);
		put_field(rec, &f, "ua", 0, 7);
		put_field(rec, &f, "ua", 1, 4000000000u);
		put_field(rec, &f, "st", 0, 0xdead);
		tail = fixed_end(&f);
		put_string(rec, &f, "s", "hello", &tail);
		put_string(rec, &f, "us", NULL, &tail);
		put_string(rec, &f, "cm", "registers", &tail);
		snprintf(want, sizeof(want), "(0x401200) a=0x1234 b=200 c=-5 d=0x1ff "
			 "e=1234567890123 f=-42 g=0x7f s=\"hello\" us=(fault) %sarr={0x1,0x2,0xffff} "
			 "bf=10 sa={-1,2} ua={7,4000000000} cm=\"registers\" st=0xdead",
			 ch ? "ch='h' " : "");
		prints(&f, rec, tail, want);
		/* cut short: the strings', then the fixed fields' end missing */
		assert_int_equal(upc_tp_format_print(&f, rec, tail - 1, want, sizeof(want)), -EINVAL);
		assert_int_equal(upc_tp_format_print(&f, rec, fixed_end(&f) - 1, want, sizeof(want)),
				 -EINVAL);
		/* a buffer too small for the text */
		assert_int_equal(upc_tp_format_print(&f, rec, tail, want, 20), -ENOSPC);
		/* a string whose __data_loc points past the record */
		put_field(rec, &f, "s", 0, 6u << 16 | 500);
		assert_int_equal(upc_tp_format_print(&f, rec, tail, want, sizeof(want)), -EINVAL);
	}
}

/* The return probe, and the scheduler's events: the tracepoints' strings
 * print bare, group_dead (6.16 on) as true or false. */
static void test_return_and_tracepoints(void **state)
{
	char names[16][64], file[128], want[256];
	int n = kernels(names, 16);

	(void)state;
	for (int k = 0; k < n; k++) {
		static struct upc_tp_format f;
		unsigned char rec[512] = { 0 };
		unsigned tail;
		bool gd;

		snprintf(file, sizeof(file), "%s-return.format", names[k]);
		parse(file, &f);
		assert_true(f.uprobe && f.ret);
		put_field(rec, &f, "__probe_func", 0, 0x401200);
		put_field(rec, &f, "__probe_ret_ip", 0, 0x401166);
		put_field(rec, &f, "ret", 0, (uint64_t)-54);
		prints(&f, rec, fixed_end(&f), "(0x401166 <- 0x401200) ret=-54");

		snprintf(file, sizeof(file), "%s-exec.format", names[k]);
		parse(file, &f);
		assert_false(f.uprobe);
		memset(rec, 0, sizeof(rec));
		put_field(rec, &f, "pid", 0, 4242);
		put_field(rec, &f, "old_pid", 0, 4243);
		tail = fixed_end(&f);
		put_string(rec, &f, "filename", "/usr/bin/python3", &tail);
		prints(&f, rec, tail, "filename=/usr/bin/python3 pid=4242 old_pid=4243");

		snprintf(file, sizeof(file), "%s-exit.format", names[k]);
		parse(file, &f);
		memset(rec, 0, sizeof(rec));
		memcpy(rec + field(&f, "comm")->offset, "leaky", 6);
		put_field(rec, &f, "pid", 0, 4242);
		put_field(rec, &f, "prio", 0, 120);
		gd = field(&f, "group_dead") != NULL;
		if (gd)
			put_field(rec, &f, "group_dead", 0, 1);
		snprintf(want, sizeof(want), "comm=leaky pid=4242 prio=120%s",
			 gd ? " group_dead=true" : "");
		prints(&f, rec, fixed_end(&f), want);
	}
}

/* Formats that are no formats, or damaged. */
static void test_damaged(void **state)
{
	static const char *const bad[] = {
		"",
		"name: x\nformat:\n",				/* no ID */
		"name: x\nID: 0\n",				/* ID 0 */
		"name: x\nID: 5\nformat:\n\tfield:u32 a;\toffset:8;\tsize:3;\tsigned:0;\n",
		"name: x\nID: 5\nformat:\n\tfield:u32 a;\toffset:8;\tsigned:0;\n",
		"name: x\nID: 5\nformat:\n\tfield:u32 a[x];\toffset:8;\tsize:8;\tsigned:0;\n",
		"name: x\nID: 5\nformat:\n\tfield:u64 a[];\toffset:8;\tsize:12;\tsigned:0;\n",
		"name: x\nID: 5\nformat:\n\tfield:a;\toffset:8;\tsize:4;\tsigned:0;\n",
		"name: x\nID: 5\nformat:\n\tfield:u32 a;\toffset:99999;\tsize:4;\tsigned:0;\n",
	};
	static struct upc_tp_format f;
	char big[65536];
	size_t at;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(upc_tp_format_parse(bad[i], strlen(bad[i]), &f), -EINVAL);
	/* more fields than a probe can have */
	at = (size_t)snprintf(big, sizeof(big), "name: x\nID: 5\nformat:\n");
	for (int i = 0; i < UPC_TP_MAX_FIELDS + 1; i++)
		at += (size_t)snprintf(big + at, sizeof(big) - at,
				       "\tfield:u8 f%d;\toffset:%d;\tsize:1;\tsigned:0;\n", i, 8 + i);
	assert_int_equal(upc_tp_format_parse(big, at, &f), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry),
		cmocka_unit_test(test_return_and_tracepoints),
		cmocka_unit_test(test_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
