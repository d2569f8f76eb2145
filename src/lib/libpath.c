// SPDX-License-Identifier: MIT
/*
 * Files the way people name them: a program through PATH, a library
 * (libc, libc.so.6, libssl) the way the dynamic linker finds it: glibc's
 * /etc/ld.so.cache (read here, both of its formats) then its default
 * directories, or musl's /etc/ld-musl-ARCH.path then its defaults. Only a
 * file of the running kernel's machine and class is taken (never the i386
 * libc on x86_64). With a sysroot, all of it inside the sysroot, and the
 * machine of the sysroot's own /bin/sh.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "upc_internal.h"

#define OLD_MAGIC "ld.so-1.7.0"
#define NEW_MAGIC "glibc-ld.so.cache1.1"

static uint32_t rd32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The NUL-terminated string at off of the len bytes at base, or NULL. */
static const char *str_at(const char *base, size_t len, uint32_t off)
{
	if (off >= len || !memchr(base + off, '\0', len - off))
		return NULL;
	return base + off;
}

int upc_ldcache_foreach(const char *buf, size_t len,
			int (*cb)(const char *soname, const char *path, void *ctx), void *ctx)
{
	const unsigned char *u = (const unsigned char *)buf;
	size_t pos = 0, n, esz;
	int r;

	if (len >= 16 && !memcmp(buf, OLD_MAGIC, 11)) {
		/* old entries: flags, key, value; strings after them, and a new
		 * format cache there too (glibc 2.32 and earlier) */
		n = rd32(u + 12);
		if (n > (len - 16) / 12)
			return -EINVAL;
		pos = 16 + n * 12;
		pos = (pos + 7) & ~(size_t)7;
		if (pos + 20 > len || memcmp(buf + pos, NEW_MAGIC, 20)) {
			for (size_t i = 0; i < n; i++) {
				const unsigned char *e = u + 16 + i * 12;
				const char *data = buf + 16 + n * 12;
				size_t dlen = len - 16 - n * 12;
				const char *k = str_at(data, dlen, rd32(e + 4));
				const char *v = str_at(data, dlen, rd32(e + 8));

				if (k && v && (r = cb(k, v, ctx)))
					return r;
			}
			return 0;
		}
	}
	/* the new format: header of 48 bytes, entries of 24, strings at
	 * offsets from the header */
	if (pos + 48 > len || memcmp(buf + pos, NEW_MAGIC, 20))
		return -EINVAL;
	buf += pos;
	u += pos;
	len -= pos;
	n = rd32(u + 20);
	esz = 24;
	if (n > (len - 48) / esz)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *e = u + 48 + i * esz;
		const char *k = str_at(buf, len, rd32(e + 4)), *v = str_at(buf, len, rd32(e + 8));

		if (k && v && (r = cb(k, v, ctx)))
			return r;
	}
	return 0;
}

struct want {
	const char *name;	/* libc, or libc.so.6 */
	const char *sysroot;	/* "" for none */
	unsigned machine;
	int elfclass;
	char *path;
	size_t len;
	const char *how;
};

bool upc_lib_names(const char *name, const char *soname)
{
	size_t n = strlen(name);

	if (strstr(name, ".so"))
		return !strcmp(soname, name);
	return !strncmp(soname, name, n) && !strncmp(soname + n, ".so", 3) &&
	       (soname[n + 3] == '\0' || soname[n + 3] == '.');
}

/* Is PATH (in the sysroot) an ELF file of the wanted machine? */
static bool fits(const struct want *w, const char *path)
{
	struct upc_elf_opts o = { .sz = sizeof(o), .quiet = true, .no_debug_file = true,
				  .sysroot = w->sysroot[0] ? w->sysroot : NULL };
	struct upc_elf *e;
	bool yes;

	if (upc_elf_open(path, &o, &e))
		return false;
	yes = !w->machine ||
	      (upc_elf_machine(e) == w->machine && upc_elf_class(e) == 32 * w->elfclass);
	upc_elf_close(e);
	return yes;
}

static int take(struct want *w, const char *path, const char *how)
{
	if (path[0] != '/' || strlen(path) >= w->len || !fits(w, path))
		return 0;
	memcpy(w->path, path, strlen(path) + 1);
	w->how = how;
	return 1;
}

static int from_cache(const char *soname, const char *path, void *ctx)
{
	struct want *w = ctx;

	return upc_lib_names(w->name, soname) ? take(w, path, "/etc/ld.so.cache") : 0;
}

/* The first file of dir that name asks for. */
static int in_dir(struct want *w, const char *dir, const char *how)
{
	char d[PATH_MAX], file[PATH_MAX];
	struct dirent *de;
	DIR *dp;
	int found = 0;

	snprintf(d, sizeof(d), "%s%s", w->sysroot, dir);
	if (!(dp = opendir(d)))
		return 0;
	while (!found && (de = readdir(dp))) {
		if (!upc_lib_names(w->name, de->d_name))
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, de->d_name);
		found = take(w, file, how);
	}
	closedir(dp);
	return found;
}

/*
 * musl's path file, /etc/ld-musl-NAME.path: NAME is its loader's,
 * /lib/ld-musl-NAME.so.1 (armhf, powerpc64le, mips64el-sf...: the
 * architecture with its endianness and float ABI), of the wanted machine.
 */
static bool musl_path_file(const struct want *w, char *file, size_t len)
{
	char d[PATH_MAX], loader[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *dp;

	snprintf(d, sizeof(d), "%s/lib", w->sysroot);
	if (!(dp = opendir(d)))
		return false;
	while (!found && (de = readdir(dp))) {
		size_t n = strlen(de->d_name);

		if (n <= 13 || strncmp(de->d_name, "ld-musl-", 8) ||
		    strcmp(de->d_name + n - 5, ".so.1"))
			continue;
		snprintf(loader, sizeof(loader), "/lib/%s", de->d_name);
		found = fits(w, loader) &&
			(size_t)snprintf(file, len, "%s/etc/ld-musl-%.*s.path", w->sysroot,
					 (int)(n - 13), de->d_name + 8) < len;
	}
	closedir(dp);
	return found;
}

static int library(struct want *w)
{
	static const char *const dirs[] = { "/lib64", "/usr/lib64", "/lib", "/usr/lib",
					    "/usr/local/lib" };
	const struct upc_arch *a = upc_arch_by_machine(w->machine, w->elfclass);
	const char *t = a ? a->multiarch : NULL;
	char file[PATH_MAX], *text;
	size_t n;
	int r = 0;

	snprintf(file, sizeof(file), "%s/etc/ld.so.cache", w->sysroot);
	if (!upc_read_file(file, 64u << 20, true, &text, &n)) {
		r = upc_ldcache_foreach(text, n, from_cache, w) > 0;
		free(text);
		if (r)
			return 0;
	}
	/* musl: its path file, then its defaults */
	if (musl_path_file(w, file, sizeof(file)) &&
	    !upc_read_file(file, 1 << 16, true, &text, &n)) {
		char *save = NULL;

		for (char *d = strtok_r(text, ":\n", &save); d && !r;
		     d = strtok_r(NULL, ":\n", &save))
			r = d[0] == '/' && in_dir(w, d, "musl's path file");
		free(text);
		if (r)
			return 0;
	}
	for (int k = 0; t && k < 2; k++) {
		snprintf(file, sizeof(file), "%s/%s", k ? "/usr/lib" : "/lib", t);
		if (in_dir(w, file, "the default directories"))
			return 0;
	}
	for (size_t k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++)
		if (in_dir(w, dirs[k], "the default directories"))
			return 0;
	return -ENOENT;
}

/* PATH's executable regular file named w->name: an ELF file of the wanted
 * machine (take), or with any, the first, whatever it holds, as execvp
 * takes it. */
static int in_path(struct want *w, bool any)
{
	const char *env = w->sysroot[0] ? NULL : getenv("PATH"), *p;
	char file[PATH_MAX], full[PATH_MAX];
	struct stat st;

	for (p = env ? env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"; *p;
	     p += *p == ':') {
		size_t n = strcspn(p, ":");

		snprintf(file, sizeof(file), "%.*s/%s", (int)n, p, w->name);
		p += n;
		snprintf(full, sizeof(full), "%s%s", w->sysroot, file);
		if (file[0] != '/' || stat(full, &st) || !S_ISREG(st.st_mode) || access(full, X_OK))
			continue;
		if (any)
			return strlen(file) < w->len ? (memcpy(w->path, file, strlen(file) + 1), 0)
						     : -ENAMETOOLONG;
		if (take(w, file, "PATH"))
			return 0;
	}
	return -ENOENT;
}

static int program(struct want *w)
{
	return in_path(w, false);
}

/* A lookup of name inside sysroot ("" for none), for the machine and class
 * of the running kernel or of the sysroot's /bin/sh. */
static int want_init(struct want *w, const char *name, const char *sysroot, char *path,
		     size_t len)
{
	const struct upc_arch *a;
	struct utsname u;

	*w = (struct want){ .name = name, .sysroot = sysroot ? sysroot : "", .path = path,
			    .len = len };
	if (!name[0] || strchr(name, '/'))
		return -EINVAL;
	if (w->sysroot[0]) {
		/* the target's machine: its shell's */
		struct upc_elf_opts o = { .sz = sizeof(o), .quiet = true, .no_debug_file = true,
					  .sysroot = w->sysroot };
		struct upc_elf *e;

		if (!upc_elf_open("/bin/sh", &o, &e)) {
			w->machine = upc_elf_machine(e);
			w->elfclass = upc_elf_class(e) / 32;
			upc_elf_close(e);
		}
	} else if (!uname(&u) && (a = upc_arch_by_uname(u.machine))) {
		w->machine = a->machine;
		w->elfclass = a->elfclass;
	}
	return 0;
}

int upc_find_file(const char *name, const char *sysroot, char *path, size_t len,
		  const char **how)
{
	struct want w;
	int err = want_init(&w, name, sysroot, path, len);

	if (!err)
		err = !strncmp(name, "lib", 3) || strstr(name, ".so") ? library(&w) : program(&w);
	if (!err && how)
		*how = w.how;
	return err;
}

int upc_find_program(const char *name, char *path, size_t len)
{
	struct want w;
	int err = want_init(&w, name, NULL, path, len);

	return err ? err : program(&w);
}

/*
 * A "#!" line as the kernel reads it (fs/binfmt_script.c): within the first
 * UPC_BINPRM_BUF bytes, "#!", blanks, the interpreter up to a blank or the
 * end of the line, then an optional argument (one, blanks and all, which
 * changes nothing of what runs). A line cut by the buffer still names its
 * interpreter when a blank ends the name inside it.
 */
#define UPC_BINPRM_BUF 256

/* The interpreter of the script in buf (n bytes) into out: 1, 0 when buf is
 * no script, -ENOEXEC when its "#!" line names no interpreter. */
static int shebang(const char *buf, size_t n, char *out, size_t len)
{
	const char *p = buf + 2, *end, *name;

	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return 0;
	end = memchr(buf, '\n', n);
	if (!end)
		end = buf + n;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	name = p;
	while (p < end && *p != ' ' && *p != '\t' && *p)
		p++;
	/* no name, or one the buffer cut (no newline and nothing after it) */
	if (p == name || (p == buf + n && !memchr(buf, '\n', n) && n == UPC_BINPRM_BUF))
		return -ENOEXEC;
	if ((size_t)(p - name) >= len)
		return -ENAMETOOLONG;
	memcpy(out, name, (size_t)(p - name));
	out[p - name] = '\0';
	return 1;
}

int upc_exec_image(const char *cmd, char *path, size_t len, unsigned *scripts)
{
	char buf[UPC_BINPRM_BUF], next[PATH_MAX];
	int err = 0;

	*scripts = 0;
	if (!cmd[0] || strlen(cmd) >= len)
		return -EINVAL;
	if (!strchr(cmd, '/')) {
		struct want w;

		if ((err = want_init(&w, cmd, NULL, path, len)) || (err = in_path(&w, true)))
			return err;
	} else {
		memcpy(path, cmd, strlen(cmd) + 1);
	}
	for (;;) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));

		err = fd < 0 || n < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
		if (err)
			return err;
		if (n >= 4 && !memcmp(buf, "\177ELF", 4))
			break;
		if ((err = shebang(buf, (size_t)n, next, sizeof(next))) <= 0)
			return err ? err : -ENOEXEC;
		/* the kernel's limit: an interpreter's interpreter's ... */
		if (++*scripts > UPC_MAX_INTERP)
			return -ELOOP;
		if (strlen(next) >= len)
			return -ENAMETOOLONG;
		memcpy(path, next, strlen(next) + 1);
	}
	/* as the loader and /proc see it: absolute */
	if (!realpath(path, next) || strlen(next) >= len)
		return -ENAMETOOLONG;
	memcpy(path, next, strlen(next) + 1);
	return 0;
}
