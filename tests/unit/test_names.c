// SPDX-License-Identifier: MIT
/*
 * Files as people name them (src/lib/libpath.c): ld.so.cache in its new,
 * old and combined formats (and damaged ones refused), and upc_find_file
 * in roots made here from the fixtures: the cache's entry of the right
 * machine (not the first one), musl's path file, the default directories,
 * and programs through the standard directories; and the program the
 * kernel finally runs for a command: "#!" lines followed as it reads them.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "uprobectl.h"

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* A new-format cache of n (soname, path) pairs at buf + at; its size. */
static size_t new_cache(unsigned char *buf, size_t at, const char *const *pairs, int n)
{
	unsigned char *h = buf + at;
	size_t str = 48 + (size_t)n * 24;

	memset(h, 0, str);
	memcpy(h, "glibc-ld.so.cache1.1", 20);
	put32(h + 20, (uint32_t)n);
	for (int i = 0; i < n; i++) {
		unsigned char *e = h + 48 + i * 24;

		put32(e, 0x0303);
		for (int k = 0; k < 2; k++) {
			size_t l = strlen(pairs[2 * i + k]) + 1;

			put32(e + 4 + 4 * k, (uint32_t)str);
			memcpy(h + str, pairs[2 * i + k], l);
			str += l;
		}
	}
	return at + str;
}

struct seen {
	char text[512];
};

static int collect(const char *soname, const char *path, void *ctx)
{
	struct seen *s = ctx;
	size_t n = strlen(s->text);

	snprintf(s->text + n, sizeof(s->text) - n, "%s=%s;", soname, path);
	return 0;
}

static void test_cache_formats(void **state)
{
	static const char *const pairs[] = { "libc.so.6", "/lib/x/libc.so.6", "libm.so.6",
					     "/lib/x/libm.so.6" };
	unsigned char buf[1024];
	struct seen s = { "" };
	size_t len;

	(void)state;
	len = new_cache(buf, 0, pairs, 2);
	assert_int_equal(upc_ldcache_foreach((char *)buf, len, collect, &s), 0);
	assert_string_equal(s.text, "libc.so.6=/lib/x/libc.so.6;libm.so.6=/lib/x/libm.so.6;");
	/* a string past the end is skipped, a count past the end refused */
	put32(buf + 48 + 24 + 8, 5000);
	s.text[0] = '\0';
	assert_int_equal(upc_ldcache_foreach((char *)buf, len, collect, &s), 0);
	assert_string_equal(s.text, "libc.so.6=/lib/x/libc.so.6;");
	put32(buf + 20, 1000000);
	assert_int_equal(upc_ldcache_foreach((char *)buf, len, collect, &s), -EINVAL);
	assert_int_equal(upc_ldcache_foreach((char *)buf, 30, collect, &s), -EINVAL);
	assert_int_equal(upc_ldcache_foreach("not a cache at all, no", 22, collect, &s), -EINVAL);

	/* the old format alone: entries of 12 bytes, strings after them */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "ld.so-1.7.0", 11);
	put32(buf + 12, 1);
	put32(buf + 16, 1);
	put32(buf + 20, 0);
	put32(buf + 24, 8);
	memcpy(buf + 28, "libz.so\0/lib/libz.so", 21);
	s.text[0] = '\0';
	assert_int_equal(upc_ldcache_foreach((char *)buf, 49, collect, &s), 0);
	assert_string_equal(s.text, "libz.so=/lib/libz.so;");

	/* both: the old entries, then a new cache, which is the one read */
	put32(buf + 12, 1);
	len = new_cache(buf, 32, pairs, 1);
	s.text[0] = '\0';
	assert_int_equal(upc_ldcache_foreach((char *)buf, len, collect, &s), 0);
	assert_string_equal(s.text, "libc.so.6=/lib/x/libc.so.6;");
}

static char root[64];

static void copy(const char *from, const char *to, mode_t mode)
{
	char path[700], cmd[2200];

	snprintf(path, sizeof(path), "%s%s", root, to);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\" && cp '%s' '%s' && chmod %o '%s'",
		 path, from, path, (unsigned)mode, path);
	assert_int_equal(system(cmd), 0);
}

static void write_file(const char *to, const void *data, size_t n)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/etc", root);
	mkdir(path, 0755);	/* every file written here is in /etc */
	snprintf(path, sizeof(path), "%s%s", root, to);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
}

static void fresh_root(void)
{
	char cmd[128];

	if (root[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		assert_int_equal(system(cmd), 0);
	}
	snprintf(root, sizeof(root), "/tmp/upc-names-XXXXXX");
	assert_non_null(mkdtemp(root));
}

static void test_find(void **state)
{
	static const char *const pairs[] = { "libfx.so", "/usr/lib/x86/libfx.so", "libfx.so",
					     "/usr/lib/a64/libfx.so" };
	const char *fx = getenv("UPC_FIXTURES"), *how;
	char a64[256], host[256], path[600];
	unsigned char buf[1024];
	size_t len;

	(void)state;
	if (!fx)
		fail_msg("UPC_FIXTURES must be set (make check does)");
	snprintf(a64, sizeof(a64), "%s/aarch64", fx);
	snprintf(host, sizeof(host), "%s/host", fx);
	/* glibc: the cache lists a host build first, the target's second */
	fresh_root();
	snprintf(path, sizeof(path), "%s/pie", a64);
	copy(path, "/bin/sh", 0755);		/* the target's machine */
	copy(path, "/usr/bin/prog", 0755);
	snprintf(path, sizeof(path), "%s/libfx.so", host);
	copy(path, "/usr/lib/x86/libfx.so", 0644);
	snprintf(path, sizeof(path), "%s/libfx.so", a64);
	copy(path, "/usr/lib/a64/libfx.so", 0644);
	len = new_cache(buf, 0, pairs, 2);
	write_file("/etc/ld.so.cache", buf, len);
	assert_int_equal(upc_find_file("libfx", root, path, sizeof(path), &how), 0);
	assert_string_equal(path, "/usr/lib/a64/libfx.so");
	assert_string_equal(how, "/etc/ld.so.cache");
	assert_int_equal(upc_find_file("libfx.so", root, path, sizeof(path), &how), 0);
	assert_string_equal(path, "/usr/lib/a64/libfx.so");
	assert_int_equal(upc_find_file("libnone", root, path, sizeof(path), &how), -ENOENT);
	assert_int_equal(upc_find_file("prog", root, path, sizeof(path), &how), 0);
	assert_string_equal(path, "/usr/bin/prog");
	assert_string_equal(how, "PATH");
	assert_int_equal(upc_find_file("lib/x", root, path, sizeof(path), &how), -EINVAL);

	/* musl: no cache, its path file */
	fresh_root();
	snprintf(path, sizeof(path), "%s/pie", a64);
	copy(path, "/bin/sh", 0755);
	snprintf(path, sizeof(path), "%s/libfx.so", host);
	copy(path, "/lib/libc.so", 0644);	/* another machine: passed over */
	snprintf(path, sizeof(path), "%s/libfx.so", a64);
	copy(path, "/opt/musl/lib/libc.so", 0644);
	copy(path, "/lib/ld-musl-aarch64.so.1", 0755);
	write_file("/etc/ld-musl-aarch64.path", "/nonexistent\n/opt/musl/lib\n", 27);
	/* another machine's musl, whose path file is passed over */
	snprintf(path, sizeof(path), "%s/libfx.so", host);
	copy(path, "/lib/ld-musl-x86_64.so.1", 0755);
	copy(path, "/opt/x86/libc.so", 0644);
	write_file("/etc/ld-musl-x86_64.path", "/opt/x86\n", 9);
	assert_int_equal(upc_find_file("libc.so", root, path, sizeof(path), &how), 0);
	assert_string_equal(path, "/opt/musl/lib/libc.so");
	assert_string_equal(how, "musl's path file");
	/* the path file is named as musl's loader is: armhf, not arm */
	fresh_root();
	snprintf(path, sizeof(path), "%s/armhf/pie", fx);
	copy(path, "/bin/sh", 0755);
	copy(path, "/lib/ld-musl-armhf.so.1", 0755);
	snprintf(path, sizeof(path), "%s/armhf/libfx.so", fx);
	copy(path, "/opt/musl/lib/libc.so", 0644);
	write_file("/etc/ld-musl-armhf.path", "/opt/musl/lib", 13);
	assert_int_equal(upc_find_file("libc", root, path, sizeof(path), &how), 0);
	assert_string_equal(path, "/opt/musl/lib/libc.so");
	assert_string_equal(how, "musl's path file");

	/* neither: the default directories, Debian's multiarch one first */
	fresh_root();
	snprintf(path, sizeof(path), "%s/pie", a64);
	copy(path, "/bin/sh", 0755);
	snprintf(path, sizeof(path), "%s/libfx.so", a64);
	copy(path, "/usr/lib/aarch64-linux-gnu/libz.so.1", 0644);
	copy(path, "/usr/lib/libz.so.1", 0644);
	assert_int_equal(upc_find_file("libz", root, path, sizeof(path), &how), 0);
	assert_string_equal(path, "/usr/lib/aarch64-linux-gnu/libz.so.1");
	assert_string_equal(how, "the default directories");
	fresh_root();
	rmdir(root);
}

/* file (in /etc of root) holding text, executable */
static void script(const char *file, const char *text)
{
	char path[512];

	write_file(file, text, strlen(text));
	snprintf(path, sizeof(path), "%s%s", root, file);
	assert_int_equal(chmod(path, 0755), 0);
}

static void exec_is(const char *cmd, int err, const char *want, unsigned want_scripts)
{
	char c[512], path[600], w[600];
	unsigned n = 99;

	snprintf(c, sizeof(c), "%s%s", root, cmd);
	assert_int_equal(upc_exec_image(c, path, sizeof(path), &n), err);
	if (want) {
		snprintf(w, sizeof(w), "%s%s", want[0] == '/' ? "" : root, want[0] == '/' ?
			 want : want + 1);
		assert_string_equal(path, w);
	}
	if (!err)
		assert_int_equal(n, want_scripts);
}

static void test_exec_image(void **state)
{
	const char *fx = getenv("UPC_FIXTURES");
	char elf[600], text[1024];

	(void)state;
	if (!fx)
		fail_msg("UPC_FIXTURES must be set (make check does)");
	fresh_root();
	snprintf(elf, sizeof(elf), "%s/host/pie", fx);
	copy(elf, "/etc/prog", 0755);
	snprintf(elf, sizeof(elf), "%s/etc/prog", root);
	/* an ELF file is what runs */
	exec_is("/etc/prog", 0, elf, 0);
	/* the interpreter, with blanks before it and an argument after */
	snprintf(text, sizeof(text), "#!%s/etc/prog\n", root);
	script("/etc/s1", text);
	exec_is("/etc/s1", 0, elf, 1);
	snprintf(text, sizeof(text), "#! \t%s/etc/s1 -e -x \nexit 1\n", root);
	script("/etc/s2", text);
	exec_is("/etc/s2", 0, elf, 2);
	/* a line the buffer cuts still names its interpreter when a blank ends
	 * the name inside it; a name the buffer cuts does not */
	memset(text, 'x', sizeof(text));
	snprintf(text, sizeof(text), "#!%s/etc/s2 ", root);
	text[strlen(text)] = 'x';
	text[300] = '\0';
	script("/etc/long", text);
	exec_is("/etc/long", 0, elf, 3);
	memset(text, 'x', 300);
	memcpy(text, "#!/", 3);
	script("/etc/cut", text);
	exec_is("/etc/cut", -ENOEXEC, NULL, 0);
	/* no interpreter, a missing one, neither ELF nor script */
	script("/etc/empty", "#!  \nexit 0\n");
	exec_is("/etc/empty", -ENOEXEC, NULL, 0);
	snprintf(text, sizeof(text), "#!%s/etc/missing\n", root);
	script("/etc/s3", text);
	exec_is("/etc/s3", -ENOENT, "./etc/missing", 0);
	script("/etc/plain", "echo no line\n");
	exec_is("/etc/plain", -ENOEXEC, "./etc/plain", 0);
	/* the kernel's depth: five interpreters in a row, not six */
	snprintf(text, sizeof(text), "#!%s/etc/s2\n", root);
	script("/etc/s3", text);
	snprintf(text, sizeof(text), "#!%s/etc/s3\n", root);
	script("/etc/s4", text);
	snprintf(text, sizeof(text), "#!%s/etc/s4\n", root);
	script("/etc/s5", text);
	exec_is("/etc/s5", 0, elf, UPC_MAX_INTERP);
	snprintf(text, sizeof(text), "#!%s/etc/s5\n", root);
	script("/etc/s6", text);
	exec_is("/etc/s6", -ELOOP, NULL, 0);
	/* a name through PATH: any executable file, as execvp takes it */
	assert_int_equal(upc_exec_image("sh", text, sizeof(text), &(unsigned){ 0 }), 0);
	assert_int_equal(upc_exec_image("no-such-program-here", text, sizeof(text),
					&(unsigned){ 0 }), -ENOENT);
	fresh_root();
	rmdir(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_formats),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_exec_image),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
