// SPDX-License-Identifier: MIT
/*
 * Where a process's malloc is: the first file that defines it, in the
 * order the dynamic loader binds symbols, the program first (a static
 * program, or one that brings its own allocator), then its libraries. For
 * a running process they are the files it maps; for a program not started
 * yet, its DT_NEEDED libraries as the dynamic linker finds them
 * (upc_find_file), then the loader itself (musl's is its C library).
 */
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "upc_internal.h"

static bool has_malloc(const char *file)
{
	struct upc_elf_opts o = { .sz = sizeof(o), .quiet = true };
	struct upc_location loc;
	struct upc_elf *e;
	bool yes;

	if (file[0] != '/')
		return false;
	upc_log_quiet(true);
	yes = !upc_elf_open(file, &o, &e);
	if (yes) {
		yes = !upc_resolve(e, "malloc", &loc);
		upc_elf_close(e);
	}
	upc_log_quiet(false);
	return yes;
}

static int found(const char *file, char *path, size_t len)
{
	if (strlen(file) >= len)
		return -ENAMETOOLONG;
	memcpy(path, file, strlen(file) + 1);
	return 0;
}

/* The files with code that pid maps, the program first, each through the
 * path this process can open it by (upc_proc_file: a process in another
 * mount namespace maps files that are only under /proc/PID/root here). */
static int of_process(long pid, char *path, size_t len)
{
	char link[64], exe[PATH_MAX], file[PATH_MAX], mapped[PATH_MAX], dev[32], *maps;
	size_t n;
	ssize_t r;
	int err;

	snprintf(link, sizeof(link), "/proc/%ld/exe", pid);
	r = readlink(link, exe, sizeof(exe) - 1);
	exe[r > 0 ? r : 0] = '\0';
	snprintf(link, sizeof(link), "/proc/%ld/maps", pid);
	if ((err = upc_read_file(link, 64u << 20, false, &maps, &n)))
		return err == -ENOENT ? -ESRCH : err;
	err = -ENOENT;
	for (int pass = 0; pass < 2 && err == -ENOENT; pass++) {
		for (const char *l = maps, *nl; err == -ENOENT && *l; l = nl + !!*nl) {
			const char *p = l, *tok[6];
			size_t tl[6];
			uint64_t ino;
			int k = 0;

			nl = strchr(l, '\n');
			nl = nl ? nl : l + strlen(l);
			while (k < 6 && upc_token(&p, nl, &tok[k], &tl[k]))
				k++;
			/* "start-end perms offset dev inode /path": executable
			 * ones; the program's on the first pass */
			if (k < 6 || tl[1] < 3 || tok[1][2] != 'x' || tok[5][0] != '/' ||
			    tl[5] >= sizeof(mapped) || tl[3] >= sizeof(dev) ||
			    upc_parse_u64(tok[4], tl[4], &ino))
				continue;
			snprintf(mapped, sizeof(mapped), "%.*s", (int)tl[5], tok[5]);
			snprintf(dev, sizeof(dev), "%.*s", (int)tl[3], tok[3]);
			if ((pass == 0) != !strcmp(mapped, exe) ||
			    upc_proc_file(pid, mapped, dev, ino, file, sizeof(file)))
				continue;
			if (has_malloc(file))
				err = found(file, path, len);
		}
	}
	free(maps);
	return err;
}

struct needed {
	char *path;
	size_t len;
	int err;
};

/* A DT_NEEDED library, found as the dynamic linker finds it. */
static int try_needed(const char *lib, void *ctx)
{
	struct needed *c = ctx;
	char file[PATH_MAX];

	if (upc_find_file(lib, NULL, file, sizeof(file), NULL) || !has_malloc(file))
		return 0;
	c->err = found(file, c->path, c->len);
	return 1;
}

/* A program not started yet: itself, its libraries, its loader. */
static int of_program(const char *exe, char *path, size_t len)
{
	struct upc_elf_opts o = { .sz = sizeof(o), .quiet = true, .no_debug_file = true };
	struct needed c = { .path = path, .len = len, .err = -ENOENT };
	char interp[PATH_MAX];
	struct upc_elf *e;
	int err;

	if (has_malloc(exe))
		return found(exe, path, len);
	if ((err = upc_elf_open(exe, &o, &e)))
		return err;
	if (upc_elf_interp(e, interp, sizeof(interp)))
		interp[0] = '\0';
	upc_elf_foreach_needed(e, try_needed, &c);
	upc_elf_close(e);
	if (c.err == -ENOENT && interp[0] && has_malloc(interp))
		c.err = found(interp, path, len);
	return c.err;
}

int upc_allocator_find(long pid, const char *exe, char *path, size_t len)
{
	return pid > 0 ? of_process(pid, path, len) : of_program(exe, path, len);
}
