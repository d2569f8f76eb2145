// SPDX-License-Identifier: MIT
/*
 * LD_PRELOAD=libenomem.so: the kernel out of memory for big buffers, as a
 * board that has little left says ENOMEM: a write of more than
 * UPC_ENOMEM_KB to a file named buffer_size_kb (a tracefs buffer), and an
 * mmap of more than that many KiB of a perf event's descriptor (its ring
 * buffer), fail with ENOMEM; everything else goes through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

static unsigned long limit(void)
{
	const char *v = getenv("UPC_ENOMEM_KB");

	return v ? strtoul(v, NULL, 10) : 0;
}

/* Where fd leads ("/sys/kernel/tracing/instances/x/buffer_size_kb",
 * "anon_inode:[perf_event]"). */
static void target(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
}

ssize_t write(int fd, const void *data, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);
	char path[4096], v[32];
	size_t l;

	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	target(fd, path, sizeof(path));
	l = strlen(path);
	if (limit() && l >= 15 && !strcmp(path + l - 15, "/buffer_size_kb") && n < sizeof(v)) {
		memcpy(v, data, n);
		v[n] = '\0';
		if (strtoul(v, NULL, 10) > limit()) {
			errno = ENOMEM;
			return -1;
		}
	}
	return real(fd, data, n);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	static void *(*real)(void *, size_t, int, int, int, off_t);
	char path[256];

	if (!real)
		real = (void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap");
	if (fd >= 0 && limit() && len / 1024 > limit()) {
		target(fd, path, sizeof(path));
		if (strstr(path, "perf_event")) {
			errno = ENOMEM;
			return MAP_FAILED;
		}
	}
	return real(addr, len, prot, flags, fd, off);
}
