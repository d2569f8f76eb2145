// SPDX-License-Identifier: MIT
/*
 * One memory budget for what uprobectl asks the kernel for: the buffers of
 * its tracefs instances and the ring buffers of its perf events, which the
 * kernel takes from the very machine being debugged, all at once. By
 * default 5% of MemAvailable (MemFree on kernels before 3.14, which lack
 * it), and at most 16 MiB per CPU: a board with 256 MB and 4 CPUs gives
 * some 2.5 MiB per CPU, a server 16 MiB.
 */
#include <stdlib.h>

#include "upc_internal.h"

#define MAX_KB_PER_CPU 16384

/* The value of "KEY:   N kB" in /proc/meminfo's text, in KiB. */
static int meminfo_kb(const char *text, size_t len, const char *key, uint64_t *kb)
{
	size_t kl = strlen(key);

	for (const char *p = text, *end = text + len, *nl; p < end; p = nl + 1) {
		const char *q;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if ((size_t)(nl - p) <= kl || memcmp(p, key, kl) || p[kl] != ':')
			continue;
		for (q = p + kl + 1; q < nl && *q == ' '; q++)
			;
		p = q;
		while (q < nl && *q >= '0' && *q <= '9')
			q++;
		return q > p && !upc_parse_u64(p, (size_t)(q - p), kb) ? 0 : -EINVAL;
	}
	return -ENOENT;
}

int upc_buffer_budget(const char *meminfo, size_t len, unsigned ncpus, uint64_t *kb,
		      uint64_t *avail_kb)
{
	uint64_t avail;
	int err = meminfo_kb(meminfo, len, "MemAvailable", &avail);

	if (err == -ENOENT)
		err = meminfo_kb(meminfo, len, "MemFree", &avail);
	if (err)
		return err;
	ncpus = ncpus ? ncpus : 1;
	*avail_kb = avail;
	*kb = avail / 20;
	if (*kb > (uint64_t)MAX_KB_PER_CPU * ncpus)
		*kb = (uint64_t)MAX_KB_PER_CPU * ncpus;
	return 0;
}

int upc_parse_size(const char *s, uint64_t *kb)
{
	const char *u = s;
	uint64_t v, scale;

	while (*u >= '0' && *u <= '9')
		u++;
	if (u == s || upc_parse_u64(s, (size_t)(u - s), &v))
		return -EINVAL;
	/* a number alone is bytes; K, M, G (or KiB, MiB, GiB, KB, MB, GB):
	 * powers of 1024 */
	if (!*u)
		scale = 1;
	else if (*u == 'K' || *u == 'k')
		scale = 1024;
	else if (*u == 'M' || *u == 'm')
		scale = 1024 * 1024;
	else if (*u == 'G' || *u == 'g')
		scale = 1024 * 1024 * 1024;
	else
		return -EINVAL;
	if (*u && u[1] && strcmp(u + 1, "iB") && strcmp(u + 1, "B"))
		return -EINVAL;
	if (v > UINT64_MAX / scale)
		return -ERANGE;
	*kb = v * scale / 1024;
	return *kb ? 0 : -EINVAL;
}
