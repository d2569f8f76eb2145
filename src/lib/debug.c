// SPDX-License-Identifier: MIT
/*
 * Separate debug files. A stripped program keeps only .dynsym, which lacks
 * static functions and, in executables, most functions at all. Distributions
 * and build systems keep the full .symtab in a separate file, found the way
 * gdb finds it:
 *   1. by build-id: DEBUGDIR/.build-id/xx/rest-of-hex.debug, accepted only if
 *      its own build-id note matches;
 *   2. by .gnu_debuglink (a file name and the CRC-32 of that file): next to
 *      the program, in .debug/ beside it, and in DEBUGDIR/<program's dir>/,
 *      accepted only if the CRC matches.
 * DEBUGDIR is the user's --debug-dir, then /usr/lib/debug; everything but the
 * user's --debug-dir is looked up below the sysroot. The debug file's program
 * headers are never used: offsets always come from the real file.
 */
#include <elf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "upc_internal.h"

uint32_t upc_crc32(uint32_t crc, const unsigned char *p, size_t len)
{
	static uint32_t table[256];

	if (!table[1]) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

struct want_id {
	const unsigned char *id;
	uint32_t len;
};

static int is_build_id(const struct upc_note *n, void *ctx)
{
	struct want_id *w = ctx;

	if (n->type != NT_GNU_BUILD_ID || n->namesz != 4 || memcmp(n->name, "GNU", 4) ||
	    !n->descsz || n->descsz > 64)
		return 0;
	w->id = n->desc;
	w->len = n->descsz;
	return 1;
}

/* Scan notes in [off, off+size) for NT_GNU_BUILD_ID. */
static int scan_notes(const struct upc_img *img, uint64_t off, uint64_t size,
		      uint64_t align, const unsigned char **id, uint32_t *len)
{
	struct want_id w = { NULL, 0 };
	int r = upc_note_foreach(img, off, size, align, is_build_id, &w);

	if (r < 0)
		return r;
	if (!r)
		return -ENOENT;
	*id = w.id;
	*len = w.len;
	return 0;
}

/* The build-id of an image: from PT_NOTE segments when e is its owner,
 * else (a debug file) from SHT_NOTE sections. */
static int build_id(const struct upc_elf *e, const struct upc_img *img,
		    bool use_phdrs, const unsigned char **id, uint32_t *len)
{
	struct upc_elf tmp = *e;
	const unsigned char *h = img->map;
	struct upc_shdr sh;
	struct upc_phdr ph;
	uint64_t shoff;
	unsigned shnum;

	if (use_phdrs) {
		for (unsigned i = 0; i < e->phnum; i++)
			if (!upc_get_phdr(e, i, &ph) && ph.type == PT_NOTE &&
			    !scan_notes(img, ph.offset, ph.filesz, 4, id, len))
				return 0;
	}
	shoff = img->is64 ? upc_rd64(img, h + offsetof(Elf64_Ehdr, e_shoff))
			  : upc_rd32(img, h + offsetof(Elf32_Ehdr, e_shoff));
	shnum = upc_rd16(img, h + (img->is64 ? offsetof(Elf64_Ehdr, e_shnum)
					     : offsetof(Elf32_Ehdr, e_shnum)));
	tmp.shentsize = upc_rd16(img, h + (img->is64 ? offsetof(Elf64_Ehdr, e_shentsize)
						     : offsetof(Elf32_Ehdr, e_shentsize)));
	for (unsigned i = 1; i < shnum; i++) {
		if (upc_get_shdr(&tmp, img, shoff, i, &sh))
			break;
		if (sh.type == SHT_NOTE &&
		    !scan_notes(img, sh.offset, sh.size, 4, id, len))
			return 0;
	}
	return -ENOENT;
}

int upc_elf_build_id(const struct upc_elf *e, const unsigned char **id, uint32_t *len)
{
	return build_id(e, &e->img, true, id, len);
}

bool upc_elf_has_section(const struct upc_elf *e, const char *name)
{
	struct upc_shdr sh;

	return !upc_elf_find_section(e, name, &sh);
}

/* The .gnu_debuglink section: a file name, padding to 4, a CRC-32. */
static int debuglink(const struct upc_elf *e, const char **name, uint32_t *crc)
{
	const struct upc_img *img = &e->img;
	const unsigned char *c;
	struct upc_shdr sh;
	size_t n;

	if (upc_elf_find_section(e, ".gnu_debuglink", &sh))
		return -ENOENT;
	*name = upc_str(img, sh.offset, sh.size, 0);
	if (!*name || !**name)
		return -EINVAL;
	n = (strlen(*name) + 4) & ~(size_t)3;
	c = n + 4 <= sh.size ? upc_span(img, sh.offset + n, 4) : NULL;
	if (!c || strchr(*name, '/'))
		return -EINVAL;
	*crc = upc_rd32(img, c);
	return 0;
}

/* Try one candidate: map it and check what identifies it. A file that
 * someone other than root or the program's owner could have written is
 * refused: its symbols decide where probes go. With id, the candidate's
 * build-id must match (found by build-id: it must have one; by debuglink:
 * a CRC match alone is not enough when both files have one). */
static int try_debug(struct upc_elf *e, const char *path, const unsigned char *id,
		     uint32_t idlen, bool check_crc, uint32_t crc)
{
	struct upc_elf d = { .path = (char *)path, .debugfile = true };
	const unsigned char *did;
	uint32_t didlen;
	int r;

	if (upc_img_map(path, &d.img))
		return -ENOENT;
	pr_debug("%s: trying debug file %s", e->path, path);
	if ((d.img.uid && d.img.uid != e->img.uid) || (d.img.mode & 0002)) {
		pr_warn("%s: ignoring debug file %s: %s", e->path, path,
			d.img.mode & 0002 ? "anyone may write it"
					  : "owned by neither root nor the program's owner");
		goto reject;
	}
	if (upc_elf_parse(&d) || d.machine != e->machine || !d.symtab.index)
		goto reject;
	if (id) {
		r = build_id(&d, &d.img, false, &did, &didlen);
		if ((r && !check_crc) ||
		    (!r && (didlen != idlen || memcmp(did, id, idlen)))) {
			if (!r)
				pr_warn("%s: ignoring debug file %s: its build-id differs from "
					"the program's", e->path, path);
			goto reject;
		}
	}
	if (check_crc && upc_crc32(0, d.img.map, d.img.size) != crc)
		goto reject;
	e->dbg = d.img;
	e->dbgsymtab = d.symtab;
	e->dbg_path = strdup(path);
	if (!e->dbg_path) {
		upc_img_unmap(&e->dbg);
		return -ENOMEM;
	}
	pr_debug("%s: using debug file %s", e->path, path);
	return 0;
reject:
	pr_debug("%s: %s does not match, ignored", e->path, path);
	upc_img_unmap(&d.img);
	return -ENOENT;
}

int upc_debug_open(struct upc_elf *e, const struct upc_elf_opts *o)
{
	const char *root = o->sysroot && *o->sysroot ? o->sysroot : "";
	const char *dirs[2] = { o->debug_dir, "/usr/lib/debug" };
	char path[PATH_MAX], dir[PATH_MAX], hex[129];
	const unsigned char *id;
	const char *link, *slash;
	uint32_t idlen, crc;
	bool have_id;
	int err;

	have_id = !build_id(e, &e->img, true, &id, &idlen);
	if (have_id) {
		for (uint32_t i = 0; i < idlen; i++)
			snprintf(hex + 2 * i, 3, "%02x", id[i]);
		for (int d = 0; d < 2; d++) {
			if (!dirs[d] || idlen < 2)
				continue;
			snprintf(path, sizeof(path), "%s%s/.build-id/%.2s/%s.debug",
				 d ? root : "", dirs[d], hex, hex + 2);
			err = try_debug(e, path, id, idlen, false, 0);
			if (err != -ENOENT)
				return err;
		}
	}
	if (debuglink(e, &link, &crc))
		return 0;
	slash = strrchr(e->path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - e->path) : 1,
		 slash ? e->path : ".");
	const char *fmts[4][3] = {
		{ root, dir, "" }, { root, dir, "/.debug" },
		{ "", o->debug_dir, dir }, { root, "/usr/lib/debug", dir },
	};
	for (int k = 0; k < 4; k++) {
		if (!fmts[k][1])
			continue;
		snprintf(path, sizeof(path), "%s%s%s/%s", fmts[k][0], fmts[k][1],
			 fmts[k][2], link);
		err = try_debug(e, path, have_id ? id : NULL, idlen, true, crc);
		if (err != -ENOENT)
			return err;
	}
	return 0;
}
