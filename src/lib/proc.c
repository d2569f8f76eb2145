// SPDX-License-Identifier: MIT
/* Running processes as /proc shows them: which file a code address of a
 * process comes from, and where in that file. */
#include <stdio.h>

#include "upc_internal.h"

int upc_maps_find(const char *maps, uint64_t addr, char *path, size_t len, uint64_t *off)
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
		return 0;
	}
	return -ENOENT;
}
