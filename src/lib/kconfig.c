// SPDX-License-Identifier: MIT
/* The running kernel's configuration: /proc/config.gz (CONFIG_IKCONFIG_PROC),
 * else /boot/config-RELEASE, so status can name a missing option instead of
 * reporting a missing file. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include "upc_internal.h"

#define CONFIG_MAX (8u << 20)

int upc_kconfig_load(char **text, size_t *len, char *source, size_t srclen)
{
	char *raw;
	size_t n;
	struct utsname u;
	char path[PATH_MAX / 4];
	int err;

	*text = NULL;
	if (!upc_read_file("/proc/config.gz", CONFIG_MAX, false, &raw, &n)) {
		err = upc_gunzip((const unsigned char *)raw, n, text, len, CONFIG_MAX);
		free(raw);
		snprintf(source, srclen, "/proc/config.gz");
		return err;
	}
	if (uname(&u))
		return -errno;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	err = upc_read_file(path, CONFIG_MAX, false, text, len);
	if (err)
		return err;
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
