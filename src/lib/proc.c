// SPDX-License-Identifier: MIT
/* Running processes as /proc shows them: which file a code address of a
 * process comes from, where in that file, and under which path this
 * process can open it (a process in a chroot or in another mount namespace
 * maps files that are elsewhere, or nowhere, in ours). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "upc_internal.h"

/* Does path name the file of device maj:min and inode ino? */
static bool is_file(const char *path, uint64_t maj, uint64_t min, uint64_t ino)
{
	struct stat st;

	return !stat(path, &st) && major(st.st_dev) == maj && minor(st.st_dev) == min &&
	       (uint64_t)st.st_ino == ino;
}

int upc_proc_file(long pid, const char *mapped, const char *dev, uint64_t ino, char *out,
		  size_t len)
{
	char link[64], root[PATH_MAX], path[PATH_MAX + 64];
	const char *colon = strchr(dev, ':');
	uint64_t maj, min;
	ssize_t n;

	/* "maj:min" in hex, as maps prints them */
	if (!colon || upc_parse_xdigits(dev, (size_t)(colon - dev), &maj) ||
	    upc_parse_xdigits(colon + 1, strlen(colon + 1), &min))
		return -EINVAL;
	/* as it is: a process of our mount namespace (a chroot included,
	 * since the kernel names its files from our root) */
	snprintf(path, sizeof(path), "%s", mapped);
	if (!is_file(path, maj, min, ino) && pid > 0) {
		/* through its root: the maps name the file from its namespace's
		 * root, which may lie below the process's own */
		snprintf(link, sizeof(link), "/proc/%ld/root", pid);
		n = readlink(link, root, sizeof(root) - 1);
		root[n > 0 ? n : 0] = '\0';
		n = (ssize_t)strlen(root);
		if (n > 1 && !strncmp(mapped, root, (size_t)n) && mapped[n] == '/')
			snprintf(path, sizeof(path), "%s%s", link, mapped + n);
		else
			snprintf(path, sizeof(path), "%s%s", link, mapped);
		if (!is_file(path, maj, min, ino))
			return -ENOENT;
	} else if (!is_file(path, maj, min, ino)) {
		return -ENOENT;
	}
	if (strlen(path) >= len)
		return -ENAMETOOLONG;
	memcpy(out, path, strlen(path) + 1);
	return 0;
}

int upc_maps_find(const char *maps, long pid, uint64_t addr, char *path, size_t len,
		  uint64_t *off)
{
	/* "start-end perms offset dev inode path" */
	for (const char *l = maps, *nl; *l; l = nl + 1) {
		const char *p = l, *range, *perms, *offs, *dev, *ino, *file, *dash;
		size_t rl, pl, ol, dl, il, fl;
		uint64_t start, end, pgoff;

		nl = strchr(l, '\n');
		if (!nl)
			nl = l + strlen(l);
		if (!upc_token(&p, nl, &range, &rl) || !upc_token(&p, nl, &perms, &pl) ||
		    !upc_token(&p, nl, &offs, &ol) || !upc_token(&p, nl, &dev, &dl) ||
		    !upc_token(&p, nl, &ino, &il) || !(dash = memchr(range, '-', rl)) ||
		    upc_parse_xdigits(range, (size_t)(dash - range), &start) ||
		    upc_parse_xdigits(dash + 1, (size_t)(range + rl - dash - 1), &end) ||
		    upc_parse_xdigits(offs, ol, &pgoff) || addr < start || addr >= end) {
			if (!*nl)
				break;
			continue;
		}
		if (!upc_token(&p, nl, &file, &fl) || file[0] != '/' || fl >= len)
			return -ENOENT;
		snprintf(path, len, "%.*s", (int)fl, file);
		*off = addr - start + pgoff;
		if (pid > 0) {
			char d[32], mapped[PATH_MAX];
			uint64_t inode;

			snprintf(d, sizeof(d), "%.*s", (int)dl, dev);
			snprintf(mapped, sizeof(mapped), "%s", path);
			if (upc_parse_u64(ino, il, &inode) ||
			    upc_proc_file(pid, mapped, d, inode, path, len))
				return -ENOENT;
		}
		return 0;
	}
	return -ENOENT;
}

/* Does the file mapped as PATH answer to NAME: the same path, or, for a
 * name without a slash, its file name or the library it is? */
static bool answers_to(const char *name, const char *path, size_t n)
{
	const char *base = path + n;
	char b[NAME_MAX + 1];

	if (strchr(name, '/'))
		return strlen(name) == n && !memcmp(name, path, n);
	while (base > path && base[-1] != '/')
		base--;
	if ((size_t)(path + n - base) > NAME_MAX)
		return false;
	snprintf(b, sizeof(b), "%.*s", (int)(path + n - base), base);
	return !strcmp(b, name) || upc_lib_names(name, b);
}

int upc_proc_find(long pid, const char *name, struct upc_mapped *m)
{
	char p[64], *maps, resolved[PATH_MAX], root[PATH_MAX];
	const char *want = name;
	ssize_t n;
	size_t len;
	int err;

	snprintf(p, sizeof(p), "/proc/%ld/maps", pid);
	if ((err = upc_read_file(p, 64u << 20, false, &maps, &len)))
		return err == -ENOENT ? -ESRCH : err;
	/* a path as the process sees it in its chroot: maps name its files
	 * from our root */
	snprintf(p, sizeof(p), "/proc/%ld/root", pid);
	n = readlink(p, root, sizeof(root) - 1);
	root[n > 1 ? n : 0] = '\0';
	if (*name == '/' && n > 1 && snprintf(resolved, sizeof(resolved), "%s%s", root, name) <
				     (int)sizeof(resolved))
		want = resolved;
	/* a path of ours that leads elsewhere (a link, /lib on merged /usr) */
	else if (strchr(name, '/') && realpath(name, resolved))
		want = resolved;
	m->mapped[0] = m->other[0] = '\0';
	err = -ENOENT;
	for (const char *l = maps, *nl; *l; l = nl + !!*nl) {
		const char *q = l, *tok[5], *file;
		size_t tl[5], fl;
		uint64_t ino;
		bool deleted;
		unsigned i;

		nl = l + strcspn(l, "\n");
		for (i = 0; i < 5 && upc_token(&q, nl, &tok[i], &tl[i]); i++)
			;
		while (q < nl && *q == ' ')
			q++;
		file = q;
		fl = (size_t)(nl - q);
		if (i < 5 || !fl || *file != '/')
			continue;
		deleted = fl > 10 && !memcmp(file + fl - 10, " (deleted)", 10);
		if (deleted)
			fl -= 10;
		if (!answers_to(name, file, fl) && (want == name || !answers_to(want, file, fl)))
			continue;
		if (fl >= sizeof(m->mapped))
			continue;
		if (m->mapped[0] && (strlen(m->mapped) != fl || memcmp(m->mapped, file, fl))) {
			snprintf(m->other, sizeof(m->other), "%.*s", (int)fl, file);
			err = -ENOTUNIQ;
			break;
		}
		if (m->mapped[0])
			continue;
		snprintf(m->mapped, sizeof(m->mapped), "%.*s", (int)fl, file);
		snprintf(m->dev, sizeof(m->dev), "%.*s", (int)(tl[3] < 15 ? tl[3] : 15), tok[3]);
		if (deleted || upc_parse_u64(tok[4], tl[4], &ino) ||
		    upc_proc_file(pid, m->mapped, m->dev, ino, m->path, sizeof(m->path))) {
			err = -ESTALE;
			m->deleted = deleted;
			continue;	/* the other names of it are checked too */
		}
		err = 0;
	}
	free(maps);
	return err;
}

bool upc_proc_alive(long pid)
{
	char path[64], *stat;
	const char *rp;
	bool alive;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (upc_read_file(path, 1 << 16, false, &stat, &n))
		return false;
	rp = strrchr(stat, ')');	/* "PID (COMM) STATE ...", COMM may hold ')' */
	alive = rp && rp[1] == ' ' && rp[2] != 'Z' && rp[2] != 'X';
	free(stat);
	return alive;
}

bool upc_proc_group_alive(long tgid)
{
	char path[64];
	struct dirent *d;
	bool alive = false;
	DIR *td;

	snprintf(path, sizeof(path), "/proc/%ld/task", tgid);
	if (!(td = opendir(path)))
		return false;
	while (!alive && (d = readdir(td)))
		alive = d->d_name[0] >= '1' && d->d_name[0] <= '9' &&
			upc_proc_alive(strtol(d->d_name, NULL, 10));
	closedir(td);
	return alive;
}
