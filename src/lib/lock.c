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
	unsigned long maj, min, ino;
	char line[256], kind[16];
	struct stat st;
	long pid = 0, p;
	FILE *f;

	if (fstat(fd, &st) || !(f = fopen("/proc/locks", "re")))
		return 0;
	while (!pid && fgets(line, sizeof(line), f)) {
		const char *c = strchr(line, ':');

		if (c && sscanf(c + 1, " %15s %*s %*s %ld %lx:%lx:%lu", kind, &p, &maj, &min,
				&ino) == 5 &&
		    !strcmp(kind, "FLOCK") && ino == (unsigned long)st.st_ino)
			pid = p;
	}
	fclose(f);
	return pid;
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
