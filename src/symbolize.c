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

#include "cli.h"
#include "upc_internal.h"

struct symctx {
	long pid;
	char *maps;
	char path[4096];
	struct upc_elf *elf;
};

static void silent(enum upc_print_level l, const char *f, va_list ap)
{
	(void)l;
	(void)f;
	(void)ap;
}

static bool load_maps(struct symctx *c, long pid)
{
	char p[64], *b = NULL;
	size_t cap = 0, n = 0;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%ld/maps", pid);
	f = fopen(p, "re");
	if (!f)
		return false;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(b, cap = cap ? cap * 2 : 16384);

			if (!nb)
				break;
			b = nb;
		}
		size_t r = fread(b + n, 1, cap - n - 1, f);

		if (!r)
			break;
		n += r;
	}
	fclose(f);
	if (!b)
		return false;
	b[n] = '\0';
	free(c->maps);
	c->maps = b;
	c->pid = pid;
	return true;
}

/* The mapping holding addr: its file and the file offset of addr. */
static bool find_mapping(const char *maps, uint64_t addr, char *path, size_t len,
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
			return false;
		snprintf(path, len, "%.*s", (int)fl, file);
		*off = addr - start + pgoff;
		return true;
	}
	return false;
}

bool symbolize_frame(void *ctx, long pid, const char *frame, size_t n, char *out, size_t len)
{
	struct symctx *c = ctx;
	char path[4096], spec[32];
	struct upc_location loc;
	upc_print_fn prev;
	uint64_t addr, off;

	if (n < 3 || frame[0] != '<' || frame[n - 1] != '>' || pid < 0)
		return false;
	if (upc_parse_xdigits(frame + 1, n - 2, &addr))
		return false;
	if ((c->pid != pid && !load_maps(c, pid)) || !c->maps)
		return false;
	if (!find_mapping(c->maps, addr, path, sizeof(path), &off)) {
		/* a mapping made since: read the maps again, once */
		if (!load_maps(c, pid) || !find_mapping(c->maps, addr, path, sizeof(path), &off))
			return false;
	}
	prev = upc_set_print(silent);
	if (strcmp(c->path, path)) {
		struct upc_elf_opts o = { .sz = sizeof(o) };

		upc_elf_close(c->elf);
		c->elf = NULL;
		snprintf(c->path, sizeof(c->path), "%s", path);
		upc_elf_open(path, &o, &c->elf);
	}
	snprintf(spec, sizeof(spec), "0x%llx", (unsigned long long)off);
	if (c->elf && !upc_resolve(c->elf, spec, &loc) && loc.sym.name)
		snprintf(out, len, "%.*s+0x%llx (%s)", (int)loc.sym.name_len, loc.sym.name,
			 (unsigned long long)loc.sym_off, path);
	else
		snprintf(out, len, "%s+0x%llx", path, (unsigned long long)off);
	upc_set_print(prev);
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
