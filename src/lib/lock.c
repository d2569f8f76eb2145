// SPDX-License-Identifier: MIT
/*
 * Group locks: one uprobectl run at a time changes a group. Each group has
 * a lock file in a directory every uprobectl on the machine agrees on
 * (/run/uprobectl, else /var/run/uprobectl, else /tmp/uprobectl-lock on a
 * board without /run; UPROBECTL_LOCK_DIR for tests), created 0700 by its
 * user and refused when anyone else could write in it. The lock is flock(2)
 * on the file: it dies with its holder, so a killed run never blocks the
 * next one. A run that waited in vain names the holder, found in
 * /proc/locks by the lock file's inode.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "upc_internal.h"

struct upc_lock {
	int fd;
};

/* The lock directory: made if missing, refused if others could write in
 * it (they could swap the lock files). */
static int lock_dir(char *buf, size_t len)
{
	const char *env = getenv("UPROBECTL_LOCK_DIR");
	const char *dirs[] = { "/run", "/var/run", "/tmp" };
	struct stat st;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
	} else {
		size_t k = 0;

		while (k < 2 && (stat(dirs[k], &st) || !S_ISDIR(st.st_mode)))
			k++;
		snprintf(buf, len, "%s/%s", dirs[k], k == 2 ? "uprobectl-lock" : "uprobectl");
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	if (lstat(buf, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 0022)) {
		pr_err("%s: the lock directory must be a directory of this user that no "
		       "one else can write in", buf);
		return -EPERM;
	}
	return 0;
}

/* The pid holding a flock on the file behind fd, from /proc/locks:
 * "1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF"; 0 when unknown. */
static long lock_holder(int fd)
{
	const char *line, *end, *nl, *p, *tok[6];
	size_t len, n[6];
	struct stat st;
	uint64_t pid, ino;
	long holder = 0;
	char *buf;

	if (fstat(fd, &st) || upc_read_file("/proc/locks", 16u << 20, false, &buf, &len))
		return 0;
	end = buf + len;
	for (line = buf; !holder && line < end; line = nl + 1) {
		int k = 0;

		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;
		/* "ID:" FLOCK ADVISORY WRITE PID MAJ:MIN:INO ... */
		for (p = line; k < 6 && upc_token(&p, nl, &tok[k], &n[k]); k++)
			;
		if (k == 6 && n[1] == 5 && !memcmp(tok[1], "FLOCK", 5) &&
		    !upc_parse_u64(tok[4], n[4], &pid) && pid <= 0x7fffffff &&
		    (p = memrchr(tok[5], ':', n[5])) &&
		    !upc_parse_u64(p + 1, (size_t)(tok[5] + n[5] - p - 1), &ino) &&
		    ino == (uint64_t)st.st_ino)
			holder = (long)pid;
	}
	free(buf);
	return holder;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int upc_group_lock(const char *group, bool exclusive, double wait, struct upc_lock **out,
		   long *holder)
{
	char dir[PATH_MAX - 80], path[PATH_MAX];
	double end = now() + (wait > 0 ? wait : 0);
	struct upc_lock *l;
	int err, fd;

	*out = NULL;
	*holder = 0;
	if ((err = upc_check_name("group", group, true)) || (err = lock_dir(dir, sizeof(dir))))
		return err;
	snprintf(path, sizeof(path), "%s/%s.lock", dir, group);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	while (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			err = -errno;
			close(fd);
			return err;
		}
		if (now() >= end) {
			*holder = lock_holder(fd);
			close(fd);
			return -EWOULDBLOCK;
		}
		usleep(20000);
	}
	l = malloc(sizeof(*l));
	if (!l) {
		close(fd);
		return -ENOMEM;
	}
	l->fd = fd;
	*out = l;
	return 0;
}

void upc_group_unlock(struct upc_lock *l)
{
	if (!l)
		return;
	close(l->fd);	/* the lock goes with the descriptor */
	free(l);
}
