// SPDX-License-Identifier: MIT
/*
 * The resolver on real files compiled at test time for every target
 * (tests/fixtures/build.sh): PIE, non-PIE, a versioned shared library,
 * stripped programs with their debug file found by .gnu_debuglink and by
 * build-id, statics of the same name in two objects, an IFUNC, and on armhf
 * a Thumb build. Expected offsets come from libelf, not from us.
 *
 * UPC_FIXTURES names the directory holding one subdirectory per arch;
 * UPC_FIXTURE_ARCHES the arches that must be there.
 */
#include <elf.h>
#include <fnmatch.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "oracle.h"
#include "upc_internal.h"

static char last_err[1024], last_warn[1024];
static const char *fixtures;

static void capture(enum upc_print_level level, const char *fmt, va_list ap)
{
	if (level == UPC_ERROR)
		vsnprintf(last_err, sizeof(last_err), fmt, ap);
	else if (level == UPC_WARN)
		vsnprintf(last_warn, sizeof(last_warn), fmt, ap);
}

struct fx {
	const char *arch;
	char dir[1024];
};

static void fx_path(const struct fx *x, const char *file, char *buf)
{
	snprintf(buf, PATH_MAX, "%s/%s", x->dir, file);
}

static struct upc_elf *open_fx(const struct fx *x, const char *file,
			       const struct upc_elf_opts *o)
{
	char p[PATH_MAX];
	struct upc_elf *e;
	int err;

	fx_path(x, file, p);
	err = upc_elf_open(p, o, &e);
	if (err)
		fail_msg("%s: open %s: %d %s", x->arch, p, err, last_err);
	return e;
}

static int resolve(struct upc_elf *e, const char *spec, struct upc_location *loc)
{
	last_err[0] = last_warn[0] = '\0';
	return upc_resolve(e, spec, loc);
}

#define expect_offset(x, e, spec, want)                                                 \
	do {                                                                             \
		struct upc_location l_;                                                  \
		int r_ = resolve(e, spec, &l_);                                          \
		if (r_ || l_.offset != (want))                                           \
			fail_msg("%s: %s: %s: got %d 0x%llx, want 0x%llx (%s)", (x)->arch,  \
				 upc_elf_path(e), spec, r_, (unsigned long long)l_.offset, \
				 (unsigned long long)(want), last_err);                   \
	} while (0)

#define expect_error(x, e, spec, err)                                                   \
	do {                                                                             \
		struct upc_location l_;                                                  \
		int r_ = resolve(e, spec, &l_);                                          \
		if (r_ != (err))                                                         \
			fail_msg("%s: %s: %s: got %d, want %d", (x)->arch,               \
				 upc_elf_path(e), spec, r_, err);                        \
		if (!last_err[0])                                                        \
			fail_msg("%s: %s: no explanation", (x)->arch, spec);             \
	} while (0)

/* Programs: globals, aliases, statics, offsets into a function, raw
 * offsets, imported symbols, ambiguous statics. */
static void check_program(const struct fx *x, const char *file, const char *twin,
			  const struct upc_elf_opts *o)
{
	char tp[PATH_MAX], spec[64];
	uint64_t v[4], gval, goff, off;
	struct upc_location loc;
	struct upc_elf *e = open_fx(x, file, o);
	int n;

	fx_path(x, twin, tp);
	goff = oracle_sym_offset(tp, "fx_global", &gval);
	expect_offset(x, e, "fx_global", goff);
	expect_offset(x, e, "fx_alias", goff);
	expect_offset(x, e, "fx_local", oracle_sym_offset(tp, "fx_local", NULL));
	expect_offset(x, e, "main", oracle_sym_offset(tp, "main", NULL));
	expect_offset(x, e, "fx_global+4", goff + 4);
	expect_error(x, e, "fx_global+4096", -ERANGE);
	expect_error(x, e, "malloc", -ENOENT);
	assert_non_null(strstr(last_err, "imported"));
	assert_non_null(strstr(last_err, "libc.so.6"));
	expect_error(x, e, "no_such_function", -ENOENT);

	snprintf(spec, sizeof(spec), "0x%llx", (unsigned long long)goff);
	assert_int_equal(resolve(e, spec, &loc), 0);
	assert_int_equal(loc.offset, goff);
	assert_non_null(loc.sym.name);
	assert_true(!strncmp(loc.sym.name, "fx_global", loc.sym.name_len) ||
		    !strncmp(loc.sym.name, "fx_alias", loc.sym.name_len));

	n = oracle_values(tp, "fx_dup", v, 4);
	assert_int_equal(n, 2);
	expect_error(x, e, "fx_dup", -ENOTUNIQ);
	assert_non_null(strstr(last_err, "fx_dup_a.c"));
	assert_non_null(strstr(last_err, "fx_dup_b.c"));
	for (int i = 0; i < n; i++) {
		assert_int_equal(oracle_offset(tp, v[i], &off), 0);
		snprintf(spec, sizeof(spec), "fx_dup@0x%llx", (unsigned long long)v[i]);
		expect_offset(x, e, spec, off);
	}
	upc_elf_close(e);
}

static void check_library(const struct fx *x)
{
	char p[PATH_MAX];
	struct upc_elf *e = open_fx(x, "libfx.so", NULL);

	fx_path(x, "libfx.so", p);
	expect_offset(x, e, "fx_ver", oracle_sym_offset(p, "fx_ver_2", NULL));
	expect_offset(x, e, "fx_ver@@VER_2", oracle_sym_offset(p, "fx_ver_2", NULL));
	expect_offset(x, e, "fx_ver@VER_2", oracle_sym_offset(p, "fx_ver_2", NULL));
	expect_offset(x, e, "fx_ver@VER_1", oracle_sym_offset(p, "fx_ver_1", NULL));
	expect_error(x, e, "fx_ver@@VER_1", -ENOENT);
	expect_offset(x, e, "fx_lib_func", oracle_sym_offset(p, "fx_lib_func", NULL));
	expect_offset(x, e, "fx_lib_func@@VER_1", oracle_sym_offset(p, "fx_lib_func", NULL));
	upc_elf_close(e);

	/* what a partial .symtab lacks still comes from .dynsym */
	e = open_fx(x, "libfx-partial.so", NULL);
	expect_offset(x, e, "fx_lib_func", oracle_sym_offset(p, "fx_lib_func", NULL));
	expect_offset(x, e, "fx_ver@VER_1", oracle_sym_offset(p, "fx_ver_1", NULL));
	expect_offset(x, e, "fx_ver", oracle_sym_offset(p, "fx_ver_2", NULL));
	expect_offset(x, e, "fx_ver_1", oracle_sym_offset(p, "fx_ver_1", NULL));
	upc_elf_close(e);
}

/* Copy a fixture file into dir, with mode. */
static void copy_fx(const struct fx *x, const char *file, const char *dir, mode_t mode)
{
	char from[PATH_MAX], to[PATH_MAX], buf[65536];
	FILE *in, *out;
	size_t n;

	fx_path(x, file, from);
	snprintf(to, sizeof(to), "%s/%s", dir, file);
	in = fopen(from, "rb");
	out = fopen(to, "wb");
	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)))
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(chmod(to, mode), 0);
}

/* A debug file that others could have planted is not used. */
static void check_untrusted_debug(const struct fx *x)
{
	char dir[] = "/tmp/upc-dbg-XXXXXX", p[PATH_MAX];
	struct upc_elf *e;

	assert_non_null(mkdtemp(dir));
	copy_fx(x, "pie-stripped", dir, 0755);
	copy_fx(x, "pie.debug", dir, 0644);
	snprintf(p, sizeof(p), "%s/pie-stripped", dir);
	assert_int_equal(upc_elf_open(p, NULL, &e), 0);
	assert_non_null(upc_elf_debug_path(e));		/* trusted as it is */
	upc_elf_close(e);
	snprintf(p, sizeof(p), "%s/pie.debug", dir);
	assert_int_equal(chmod(p, 0666), 0);
	snprintf(p, sizeof(p), "%s/pie-stripped", dir);
	assert_int_equal(upc_elf_open(p, NULL, &e), 0);
	assert_null(upc_elf_debug_path(e));
	assert_non_null(strstr(last_warn, "anyone may write it"));
	upc_elf_close(e);
	if (geteuid() == 0) {	/* root can hand the file to another user */
		snprintf(p, sizeof(p), "%s/pie.debug", dir);
		assert_int_equal(chmod(p, 0644), 0);
		assert_int_equal(chown(p, 65534, 65534), 0);
		snprintf(p, sizeof(p), "%s/pie-stripped", dir);
		assert_int_equal(upc_elf_open(p, NULL, &e), 0);
		assert_null(upc_elf_debug_path(e));
		assert_non_null(strstr(last_warn, "owned by neither root"));
		upc_elf_close(e);
	}
	snprintf(p, sizeof(p), "%s/pie-stripped", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/pie.debug", dir);
	unlink(p);
	assert_int_equal(rmdir(dir), 0);
}

/* The probe add would write, from the file: path, event, arguments. */
static void check_describe(const struct fx *x)
{
	static struct upc_probe p;
	struct upc_probe_opts o = { .sz = sizeof(o), .group = "g", .nargs = 2 };
	char *user[] = { (char *)"n=$arg2:s32", (char *)"$ra", NULL };
	char path[PATH_MAX], real[PATH_MAX], want[256];
	struct upc_elf_opts eo = { .sz = sizeof(eo) };
	struct upc_location loc;
	const struct upc_arch *a;
	struct upc_elf *e;
	char reg[32];

	/* definitions name files absolutely */
	fx_path(x, "pie", path);
	assert_non_null(realpath(path, real));
	assert_int_equal(upc_elf_open(real, &eo, &e), 0);
	a = upc_elf_arch(e);
	assert_int_equal(upc_probe_describe(e, "fx_global", NULL, &o, &p), 0);
	assert_int_equal(p.kind, 'p');
	assert_string_equal(p.group, "g");
	assert_string_equal(p.event, "fx_global");
	assert_string_equal(p.path, real);
	assert_true(p.ino != 0);
	assert_ptr_equal(p.arch, a);
	assert_int_equal(resolve(e, "fx_global", &loc), 0);
	assert_int_equal(p.offset, loc.offset);
	upc_arch_arg(a, 2, reg, sizeof(reg));
	snprintf(want, sizeof(want), " arg2=%s ra=%s", reg, upc_arch_ra(a));
	assert_non_null(strstr(p.args, want));
	/* the user's arguments, translated; a return probe; a raw offset in
	 * no symbol gets the name "probe" */
	assert_int_equal(upc_probe_describe(e, "fx_global", user, &o, &p), 0);
	upc_arch_arg(a, 2, reg, sizeof(reg));
	snprintf(want, sizeof(want), "n=%s:s32 %s", reg, upc_arch_ra(a));
	assert_string_equal(p.args, want);
	o.ret = true;
	o.event = "done";
	assert_int_equal(upc_probe_describe(e, "fx_global", NULL, &o, &p), 0);
	assert_int_equal(p.kind, 'r');
	assert_string_equal(p.event, "done");
	assert_non_null(strstr(p.args, "ret="));
	/* refusals are explained */
	last_err[0] = '\0';
	o.group = "bad group";
	assert_int_equal(upc_probe_describe(e, "fx_global", NULL, &o, &p), -EINVAL);
	assert_non_null(strstr(last_err, "group"));
	o.group = NULL;
	last_err[0] = '\0';
	assert_int_equal(upc_probe_describe(e, "no_such_function", NULL, &o, &p), -ENOENT);
	assert_true(last_err[0]);
	upc_elf_close(e);
	/* a relative path is refused: the kernel would read it elsewhere */
	e = open_fx(x, "pie", NULL);
	if (path[0] != '/') {
		last_err[0] = '\0';
		assert_int_equal(upc_probe_describe(e, "fx_global", NULL, &o, &p), -EINVAL);
		assert_non_null(strstr(last_err, "absolute"));
	}
	upc_elf_close(e);
	/* below a sysroot: named as the target sees it, not checked again */
	eo.sysroot = x->dir;
	assert_int_equal(upc_elf_open("/pie", &eo, &e), 0);
	o.sysroot = true;
	o.ret = false;
	o.event = NULL;
	assert_int_equal(upc_probe_describe(e, "fx_global", NULL, &o, &p), 0);
	assert_string_equal(p.path, "/pie");
	assert_string_equal(p.group, UPC_DEFAULT_GROUP);
	assert_true(p.ino == 0);
	upc_elf_close(e);
}

static int find_global(const struct upc_sym *sym, void *ctx)
{
	if (sym->name_len != 9 || memcmp(sym->name, "fx_global", 9))
		return 0;
	*(struct upc_sym *)ctx = *sym;
	return 1;
}

/* The symbol at a file offset: what list and the stack symbolizer show. */
static void check_sym_at(const struct fx *x)
{
	struct upc_location loc, at;
	struct upc_elf *e = open_fx(x, "pie", NULL);

	assert_int_equal(resolve(e, "fx_global", &loc), 0);
	assert_int_equal(upc_elf_sym_at(e, loc.offset, &at), 0);
	assert_non_null(at.sym.name);
	assert_true(at.sym.name_len == 9 && !memcmp(at.sym.name, "fx_global", 9));
	assert_int_equal(at.sym_off, 0);
	assert_true(loc.sym.size > 4);
	assert_int_equal(upc_elf_sym_at(e, loc.offset + 4, &at), 0);
	assert_true(at.sym.name_len == 9 && !memcmp(at.sym.name, "fx_global", 9));
	assert_int_equal(at.sym_off, 4);
	assert_int_equal(at.addr, loc.addr + 4);
	assert_string_equal(upc_sym_type_name(e, &loc.sym), "FUNC");
	/* past the end of the file: in no executable segment */
	last_err[0] = '\0';
	assert_int_equal(upc_elf_sym_at(e, 1ull << 40, &at), -ERANGE);
	assert_false(last_err[0]);	/* silent */
	upc_elf_close(e);
	if (!strcmp(x->arch, "armhf")) {
		struct upc_sym thumb = { .name = NULL };

		e = open_fx(x, "thumb", NULL);
		assert_int_equal(upc_resolve(e, "fx_global", &loc), -ENOTSUP);
		upc_elf_foreach_sym(e, find_global, &thumb);
		assert_non_null(thumb.name);
		assert_string_equal(upc_sym_type_name(e, &thumb), "THUMB");
		assert_int_equal(upc_elf_sym_at(e, thumb.offset, &at), 0);
		assert_true(at.sym.name_len == 9 && !memcmp(at.sym.name, "fx_global", 9));
		upc_elf_close(e);
	}
}

/* A pattern: every function libelf has under a matching name, one per
 * address, each spec resolving to it alone, event names unique. */
static void check_glob(const struct fx *x)
{
	struct upc_glob_left left;
	struct upc_match *m;
	struct upc_elf *e = open_fx(x, "pie", NULL);
	char path[PATH_MAX];
	int n, dups = 0, alias = 0;

	fx_path(x, "pie", path);
	n = upc_resolve_glob(e, "fx_*", &m, &left);
	assert_true(n >= 6);
	for (int i = 0; i < n; i++) {
		struct upc_location loc;
		uint64_t vals[4], off;
		int nv = oracle_values(path, m[i].name, vals, 4), seen = 0;

		assert_int_equal(fnmatch("fx_*", m[i].name, 0), 0);	/* libc's, as the oracle */
		for (int k = 0; k < nv; k++)
			seen += vals[k] == m[i].value;
		assert_int_equal(seen, 1);
		assert_int_equal(oracle_offset(path, m[i].addr, &off), 0);
		assert_int_equal(m[i].offset, off);
		assert_int_equal(resolve(e, m[i].spec, &loc), 0);
		assert_int_equal(loc.offset, m[i].offset);
		for (int j = 0; j < i; j++) {
			assert_true(m[j].addr != m[i].addr);
			assert_true(strcmp(m[j].event, m[i].event) != 0);
			assert_true(strcmp(m[j].name, m[i].name) <= 0);
		}
		if (!strcmp(m[i].name, "fx_dup"))
			assert_string_equal(m[i].event, dups++ ? "fx_dup_2" : "fx_dup");
		alias += !strcmp(m[i].name, "fx_alias");
		assert_string_not_equal(m[i].name, "fx_global");	/* fx_alias's address */
		assert_string_not_equal(m[i].name, "fx_ifunc");
	}
	assert_int_equal(dups, 2);
	assert_int_equal(alias, 1);
	assert_int_equal(left.ifunc, strcmp(x->arch, "host") && strcmp(x->arch, "aarch64") ? 0 : 1);
	upc_matches_free(m, n);
	assert_int_equal(upc_resolve_glob(e, "no_such_*", &m, &left), 0);
	upc_matches_free(m, 0);
	upc_elf_close(e);
	if (!strcmp(x->arch, "armhf")) {
		/* Thumb code is left out, and said */
		e = open_fx(x, "thumb", NULL);
		assert_int_equal(upc_resolve_glob(e, "fx_*", &m, &left), 0);
		assert_true(left.thumb >= 6);
		upc_matches_free(m, 0);
		upc_elf_close(e);
	}
}

static void check_arch(const char *arch)
{
	struct fx x = { .arch = arch };
	struct upc_elf_opts o = { .sz = sizeof(o) };
	struct upc_location loc;
	struct upc_elf *e;
	char dbg[PATH_MAX];

	snprintf(x.dir, sizeof(x.dir), "%s/%s", fixtures, arch);
	check_program(&x, "pie", "pie", NULL);
	check_program(&x, "nopie", "nopie", NULL);
	/* stripped: the debug file by .gnu_debuglink, next to the program */
	check_program(&x, "pie-stripped", "pie", NULL);
	e = open_fx(&x, "pie-stripped", NULL);
	assert_non_null(upc_elf_debug_path(e));
	upc_elf_close(e);
	/* a debuglink whose CRC matches a debug file of another build */
	e = open_fx(&x, "pie-wronglink", NULL);
	assert_null(upc_elf_debug_path(e));
	assert_non_null(strstr(last_warn, "build-id differs"));
	upc_elf_close(e);
	check_untrusted_debug(&x);
	/* stripped: by build-id under --debug-dir */
	snprintf(dbg, sizeof(dbg), "%s/debug", x.dir);
	o.debug_dir = dbg;
	check_program(&x, "nopie-stripped", "nopie", &o);
	/* without it, a static cannot be found, and the error says why */
	e = open_fx(&x, "nopie-stripped", NULL);
	assert_null(upc_elf_debug_path(e));
	expect_error(&x, e, "fx_local", -ENOENT);
	assert_non_null(strstr(last_err, "stripped"));
	upc_elf_close(e);
	/* a board's root: the file and its debug files below --sysroot */
	o.debug_dir = NULL;
	o.sysroot = x.dir;
	assert_int_equal(upc_elf_open("/pie-stripped", &o, &e), 0);
	assert_string_equal(upc_elf_path(e), "/pie-stripped");
	assert_non_null(upc_elf_debug_path(e));
	assert_int_equal(resolve(e, "fx_local", &loc), 0);
	fx_path(&x, "pie", dbg);
	assert_int_equal(loc.offset, oracle_sym_offset(dbg, "fx_local", NULL));
	upc_elf_close(e);
	check_library(&x);
	check_describe(&x);
	check_sym_at(&x);
	check_glob(&x);

	e = open_fx(&x, "pie", NULL);
	if (!strcmp(arch, "host") || !strcmp(arch, "aarch64")) {
		assert_int_equal(resolve(e, "fx_ifunc", &loc), 0);
		assert_true(loc.flags & UPC_LOC_IFUNC);
		assert_non_null(strstr(last_warn, "IFUNC"));
		assert_non_null(strstr(last_warn, "__fx_ifunc_generic"));
		assert_non_null(strstr(last_warn, "__fx_ifunc_fast"));
		assert_null(strstr(last_warn, "fx_ifunc_resolver"));
	}
	upc_elf_close(e);

	if (!strcmp(arch, "armhf")) {
		e = open_fx(&x, "thumb", NULL);
		expect_error(&x, e, "fx_global", -ENOTSUP);
		assert_non_null(strstr(last_err, "Thumb"));
		upc_elf_close(e);
	}
}

static void test_fixtures(void **state)
{
	const char *arches = getenv("UPC_FIXTURE_ARCHES");
	char list[256], *save, *a;

	(void)state;
	fixtures = getenv("UPC_FIXTURES");
	if (!fixtures || !arches)
		fail_msg("UPC_FIXTURES and UPC_FIXTURE_ARCHES must be set (make check does)");
	snprintf(list, sizeof(list), "%s", arches);
	for (a = strtok_r(list, " ", &save); a; a = strtok_r(NULL, " ", &save)) {
		print_message("fixtures for %s\n", a);
		check_arch(a);
	}
}

/* The host's own libc: malloc by every spelling users type. */
static void test_host_libc(void **state)
{
	const char *libc = getenv("UPC_HOST_LIBC");
	struct upc_location loc;
	struct upc_elf *e;
	struct fx x = { .arch = "host libc" };
	uint64_t off;

	(void)state;
	if (!libc)
		fail_msg("UPC_HOST_LIBC must be set (make check does)");
	assert_int_equal(upc_elf_open(libc, NULL, &e), 0);
	off = oracle_sym_offset(libc, "malloc", NULL);
	expect_offset(&x, e, "malloc", off);
	assert_int_equal(resolve(e, "malloc", &loc), 0);
	assert_non_null(loc.sym.version);
	assert_true(loc.sym.default_version);
	upc_elf_close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_host_libc),
	};

	upc_set_print(capture);
	return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}
