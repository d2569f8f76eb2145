// SPDX-License-Identifier: MIT
/* The running kernel's configuration: /proc/config.gz (CONFIG_IKCONFIG_PROC),
 * else /boot/config-RELEASE, so status can name a missing option instead of
 * reporting a missing file. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "upc_internal.h"

#define CONFIG_MAX (8u << 20)

static int slurp(const char *path, unsigned char **buf, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	unsigned char *b = malloc(cap), *nb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0 || !b) {
		int err = fd < 0 ? -errno : -ENOMEM;

		if (fd >= 0)
			close(fd);
		free(b);
		return err;
	}
	while ((r = read(fd, b + n, cap - n - 1)) > 0) {
		n += (size_t)r;
		if (n + 1 == cap) {
			if (cap >= CONFIG_MAX || !(nb = realloc(b, cap *= 2))) {
				close(fd);
				free(b);
				return -EFBIG;
			}
			b = nb;
		}
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return r < 0 ? -EIO : 0;
}

int upc_kconfig_load(char **text, size_t *len, char *source, size_t srclen)
{
	unsigned char *raw;
	size_t n;
	struct utsname u;
	char path[PATH_MAX / 4];
	int err;

	*text = NULL;
	if (!slurp("/proc/config.gz", &raw, &n)) {
		err = upc_gunzip(raw, n, text, len, CONFIG_MAX);
		free(raw);
		snprintf(source, srclen, "/proc/config.gz");
		return err;
	}
	if (uname(&u))
		return -errno;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	err = slurp(path, &raw, len);
	if (err)
		return err;
	*text = (char *)raw;
	snprintf(source, srclen, "%s", path);
	return 0;
}

const char *upc_kconfig_get(const char *text, const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *nl;

		if (strncmp(p, name, n) || p[n] != '=')
			continue;
		nl = strchr(p + n + 1, '\n');
		snprintf(buf, len, "%.*s", nl ? (int)(nl - p - n - 1) : (int)strlen(p + n + 1),
			 p + n + 1);
		return buf;
	}
	return NULL;
}
