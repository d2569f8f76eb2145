// SPDX-License-Identifier: MIT
/*
 * User stack frames, symbolized while the process lives: the kernel prints
 * raw addresses ("<00005630d4dd2232>"); /proc/PID/maps gives the file and
 * the file offset (addr - start + mapping offset), and the file's own ELF
 * symbols the function. When the process is gone, frames stay raw.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uprobectl.h"
#include "upc_printf.h"
#include "symbolize.h"

struct symctx {
	long pid;
	char *maps;
	char path[4096];
	struct upc_elf *elf;
};

static bool load_maps(struct symctx *c, long pid)
{
	char p[64], *b;
	size_t n;

	snprintf(p, sizeof(p), "/proc/%ld/maps", pid);
	if (upc_read_file(p, 64u << 20, false, &b, &n))
		return false;
	free(c->maps);
	c->maps = b;
	c->pid = pid;
	return true;
}

bool symbolize_frame(void *ctx, long pid, const char *frame, size_t n, char *out, size_t len)
{
	struct symctx *c = ctx;
	char path[4096];
	struct upc_location loc;
	uint64_t addr, off;

	if (n < 3 || frame[0] != '<' || frame[n - 1] != '>' || pid < 0)
		return false;
	if (upc_parse_xdigits(frame + 1, n - 2, &addr))
		return false;
	if ((c->pid != pid && !load_maps(c, pid)) || !c->maps)
		return false;
	if (upc_maps_find(c->maps, pid, addr, path, sizeof(path), &off)) {
		/* a mapping made since: read the maps again, once */
		if (!load_maps(c, pid) || upc_maps_find(c->maps, pid, addr, path, sizeof(path), &off))
			return false;
	}
	if (strcmp(c->path, path)) {
		struct upc_elf_opts o = { .sz = sizeof(o), .quiet = true };

		upc_elf_close(c->elf);
		c->elf = NULL;
		snprintf(c->path, sizeof(c->path), "%s", path);
		upc_elf_open(path, &o, &c->elf);
	}
	if (c->elf && !upc_elf_sym_at(c->elf, off, &loc) && loc.sym.name)
		snprintf(out, len, "%.*s+0x%llx (%s)", (int)loc.sym.name_len, loc.sym.name,
			 (unsigned long long)loc.sym_off, path);
	else
		snprintf(out, len, "%s+0x%llx", path, (unsigned long long)off);
	return true;
}

void *symbolize_new(void)
{
	struct symctx *c = calloc(1, sizeof(*c));

	if (c)
		c->pid = -1;
	return c;
}

void symbolize_free(void *ctx)
{
	struct symctx *c = ctx;

	if (!c)
		return;
	upc_elf_close(c->elf);
	free(c->maps);
	free(c);
}
