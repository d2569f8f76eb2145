// SPDX-License-Identifier: MIT
/*
 * User stack frames, symbolized: the kernel prints raw addresses
 * ("<00005630d4dd2232>"); the process's /proc/PID/maps gives the file and
 * the file offset (addr - start + mapping offset), and the file's own ELF
 * symbols the function.
 *
 * Records are read after the fact, often once their process has exited,
 * so the maps of every process seen are kept: read when a session attaches
 * to it (symbolize_snapshot), when its first frame comes, at its exit when
 * the session can stop it there, and again for an address they do not
 * cover while it lives. A frame that still cannot be placed says why.
 *
 * Maps are valid only for the image they were read for: a process that
 * execs is another program at other addresses. Maps are kept per image
 * (pid, and the number of execs it made since it was first seen), and the
 * live maps are read for an image only while the process runs it: when
 * the session stops the process at its execs (symbolize_exec), it knows
 * which image runs; otherwise the one asked for is taken to run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uprobectl.h"
#include "upc_printf.h"
#include "cli.h"
#include "symbolize.h"

#define NPROCS 64	/* processes whose maps are kept, least recently used out */

struct procmaps {
	long pid;		/* 0: a free slot; maps NULL: not read */
	long gen;		/* the image: execs since the process was seen */
	char *maps;
	unsigned long used;
};

/* The image a process runs now, as its stops at exec said. */
struct running {
	long pid, gen;
	unsigned long used;
};

struct symctx {
	struct procmaps procs[NPROCS];
	struct running running[NPROCS];
	bool execs_seen;	/* symbolize_exec tells which image runs */
	unsigned long clock;
	char path[4096];	/* of elf */
	struct upc_elf *elf;
};

/* Read pid's maps into its slot m: false (m unchanged) when it is gone. */
static bool load_maps(struct procmaps *m, long pid)
{
	char p[64], *b;
	size_t n;

	snprintf(p, sizeof(p), "/proc/%ld/maps", pid);
	if (upc_read_file(p, 64u << 20, false, &b, &n))
		return false;
	if (!n) {		/* a zombie: no address space any more */
		free(b);
		return false;
	}
	free(m->maps);
	m->maps = b;
	return true;
}

/* The slot of image gen of pid, with its kept maps; else the least
 * recently used one, made that image's with no maps (a process gone
 * before they were read keeps that one slot, and evicts no other
 * process's maps frame after frame). */
static struct procmaps *slot(struct symctx *c, long pid, long gen)
{
	struct procmaps *old = &c->procs[0];

	for (unsigned i = 0; i < NPROCS; i++) {
		if (c->procs[i].pid == pid && c->procs[i].gen == gen) {
			c->procs[i].used = ++c->clock;
			return &c->procs[i];
		}
		if (c->procs[i].used < old->used)
			old = &c->procs[i];
	}
	free(old->maps);
	old->maps = NULL;
	old->pid = pid;
	old->gen = gen;
	old->used = ++c->clock;
	return old;
}

/* pid's entry of the images running, made (image 0) when not there */
static struct running *running(struct symctx *c, long pid)
{
	struct running *old = &c->running[0];

	for (unsigned i = 0; i < NPROCS; i++) {
		if (c->running[i].pid == pid) {
			c->running[i].used = ++c->clock;
			return &c->running[i];
		}
		if (c->running[i].used < old->used)
			old = &c->running[i];
	}
	*old = (struct running){ pid, 0, ++c->clock };
	return old;
}

void symbolize_snapshot(void *ctx, long pid)
{
	struct symctx *c = ctx;

	if (c && pid > 0)
		load_maps(slot(c, pid, running(c, pid)->gen), pid);
}

void symbolize_exec(void *ctx, long pid)
{
	struct symctx *c = ctx;

	if (c && pid > 0) {
		c->execs_seen = true;
		running(c, pid)->gen++;
	}
}

/* "symbol+0xOFF (file)", or "file+0xOFF" without a symbol there. */
static size_t place(struct symctx *c, const char *path, uint64_t off, char *out, size_t len)
{
	struct upc_location loc;

	if (strcmp(c->path, path)) {
		struct upc_elf_opts o = { .sz = sizeof(o), .quiet = true };

		upc_elf_close(c->elf);
		c->elf = NULL;
		snprintf(c->path, sizeof(c->path), "%s", path);
		upc_elf_open(path, &o, &c->elf);
	}
	if (c->elf && !upc_elf_sym_at(c->elf, off, &loc) && loc.sym.name) {
		char name[1024];

		cli_sym_name(loc.sym.name, loc.sym.name_len, name, sizeof(name));
		snprintf(out, len, "%s+0x%llx (%s)", name, (unsigned long long)loc.sym_off, path);
		return strlen(name) < len ? strlen(name) : len - 1;
	}
	snprintf(out, len, "%s+0x%llx", path, (unsigned long long)off);
	return 0;
}

bool symbolize_image(void *ctx, long pid, long gen, uint64_t addr, char *out, size_t len,
		     size_t *fn_len)
{
	struct symctx *c = ctx;
	struct procmaps *m;
	char mapped[4096], path[4096];
	uint64_t off;
	bool fresh = false, runs;

	*fn_len = 0;
	if (!c || pid <= 0)
		return false;
	runs = !c->execs_seen || running(c, pid)->gen == gen;
	m = slot(c, pid, gen);
	if (!m->maps) {
		if (!runs || !load_maps(m, pid)) {
			snprintf(out, len, "0x%llx (process %ld %s before its memory map was "
				 "read)", (unsigned long long)addr, pid,
				 runs ? "exited" : "ran another program");
			return true;
		}
		fresh = true;
	}
	/* the file as the process mapped it; a mapping made since the maps
	 * were read: read them again, once, if it still lives and runs them */
	if (upc_maps_find(m->maps, 0, addr, mapped, sizeof(mapped), &off) &&
	    (fresh || !runs || !load_maps(m, pid) ||
	     upc_maps_find(m->maps, 0, addr, mapped, sizeof(mapped), &off))) {
		snprintf(out, len, "0x%llx (in no file mapped by process %ld)",
			 (unsigned long long)addr, pid);
		return true;
	}
	/* where we can open that very file: through the process's root while
	 * it lives (another mount namespace); as named once it is gone */
	if (upc_maps_find(m->maps, pid, addr, path, sizeof(path), &off))
		memcpy(path, mapped, strlen(mapped) + 1);
	*fn_len = place(c, path, off, out, len);
	return true;
}

bool symbolize_frame(void *ctx, long pid, uint64_t addr, char *out, size_t len,
		     size_t *fn_len)
{
	return symbolize_image(ctx, pid, 0, addr, out, len, fn_len);
}

void *symbolize_new(void)
{
	return calloc(1, sizeof(struct symctx));
}

void symbolize_free(void *ctx)
{
	struct symctx *c = ctx;

	if (!c)
		return;
	upc_elf_close(c->elf);
	for (unsigned i = 0; i < NPROCS; i++)
		free(c->procs[i].maps);
	free(c);
}
