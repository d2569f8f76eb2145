// SPDX-License-Identifier: MIT
/*
 * Differential test: for every ELF path read from stdin, every defined
 * function symbol's file offset from libuprobectl must equal the offset
 * computed from binutils' `readelf -sW -lW` (st_value - p_vaddr + p_offset
 * of the executable PT_LOAD holding it, plus the ppc64 ELFv2 local entry
 * readelf shows as "[<localentry>: N]"), and libuprobectl must list every
 * such symbol. Files that are not ELF, or are relocatable objects, are
 * skipped; every other file libuprobectl refuses is a failure.
 *
 *   find ... | diff_readelf [--require FILE]...
 *
 * --require: fail unless FILE was among those compared. Prints how many
 * files and symbols were compared.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "upc_internal.h"

struct ours {
	char *name;		/* base name, without @VERSION */
	uint64_t value, offset;
};

static struct ours *syms;
static size_t nsyms, capsyms;
static char errbuf[1024];

static void capture(enum upc_print_level level, const char *fmt, va_list ap)
{
	if (level == UPC_ERROR)
		vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
}

static int collect(const struct upc_sym *s, void *ctx)
{
	(void)ctx;
	if (nsyms == capsyms) {
		capsyms = capsyms ? 2 * capsyms : 4096;
		syms = realloc(syms, capsyms * sizeof(*syms));
		if (!syms)
			abort();
	}
	syms[nsyms].name = strndup(s->name, s->name_len);
	syms[nsyms].value = s->value;
	syms[nsyms].offset = s->offset;
	nsyms++;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	const struct ours *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->value > y->value) - (x->value < y->value);
}

static bool is_candidate(const char *path)
{
	unsigned char h[18];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n < (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG))
		return false;
	/* e_type, at 16 in the file's byte order: programs and libraries */
	unsigned type = h[EI_DATA] == ELFDATA2LSB ? h[16] | h[17] << 8 : h[17] | h[16] << 8;

	return type == ET_EXEC || type == ET_DYN;
}

struct seg {
	uint64_t off, vaddr, filesz;
};

/* Compare one file; returns the number of mismatches, -1 when skipped. */
static long compare(const char *path, unsigned long *nsym_cmp, bool *skipped)
{
	char cmd[8192], line[8192];
	struct seg segs[32];
	int nseg = 0;
	long bad = 0;
	bool thumb, in_syms = false;
	unsigned long before = *nsym_cmp;
	struct upc_elf *e;
	FILE *p;
	int err, st;

	*skipped = false;
	nsyms = 0;
	errbuf[0] = '\0';
	err = upc_elf_open(path, &(struct upc_elf_opts){ .sz = sizeof(struct upc_elf_opts),
							  .no_debug_file = true }, &e);
	if (err) {
		printf("FAIL %s: refused: %s\n", path, errbuf);
		return 1;
	}
	thumb = upc_elf_machine(e) == EM_ARM;
	err = upc_elf_foreach_sym(e, collect, NULL);
	upc_elf_close(e);
	if (err) {
		printf("FAIL %s: symbol walk: %d %s\n", path, err, errbuf);
		return 1;
	}
	if (nsyms)
		qsort(syms, nsyms, sizeof(*syms), cmp);

	snprintf(cmd, sizeof(cmd), "readelf -sW -lW '%s' 2>/dev/null", path);
	if (strchr(path, '\'')) {
		*skipped = true;
		return -1;
	}
	p = popen(cmd, "r");
	if (!p) {
		printf("FAIL %s: cannot run readelf: %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), p)) {
		char type[32], bind[32], vis[32], ndx[32], name[4096], flags[16];
		unsigned long long o, v, pa, fs, ms, value;
		char *at, *rest;
		int n;

		if (sscanf(line, " LOAD 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx %n", &o, &v, &pa,
			   &fs, &ms, &n) == 5) {
			snprintf(flags, sizeof(flags), "%.3s", line + n);
			if (strchr(flags, 'E') && nseg < 32)
				segs[nseg++] = (struct seg){ o, v, fs };
			continue;
		}
		if (strstr(line, "Symbol table"))
			in_syms = true;
		if (!in_syms || sscanf(line, " %*u: %llx %*s %31s %31s %31s", &value, type,
				       bind, vis) != 4)
			continue;
		if (strcmp(type, "FUNC") && strcmp(type, "IFUNC"))
			continue;
		/* after Vis: optional "[...]" annotations, then Ndx and Name */
		unsigned long long local = 0;

		rest = strstr(line, vis) + strlen(vis);
		while (*rest == ' ')
			rest++;
		while (*rest == '[') {
			sscanf(rest, "[<localentry>: %llu]", &local);
			rest = strchr(rest, ']');
			if (!rest)
				break;
			rest++;
			while (*rest == ' ')
				rest++;
		}
		if (!rest || sscanf(rest, "%31s %4095s", ndx, name) != 2)
			continue;
		if (!strcmp(ndx, "UND") || !strcmp(ndx, "ABS"))
			continue;
		at = strchr(name, '@');
		if (at)
			*at = '\0';
		if (!*name)
			continue;

		uint64_t addr = (thumb ? value & ~1ull : value) + local, want = UPC_NO_OFFSET;

		for (int i = 0; i < nseg; i++)
			if (addr >= segs[i].vaddr && addr - segs[i].vaddr < segs[i].filesz) {
				want = addr - segs[i].vaddr + segs[i].off;
				break;
			}
		struct ours key = { .name = name, .value = value }, *hit;

		hit = nsyms ? bsearch(&key, syms, nsyms, sizeof(*syms), cmp) : NULL;
		(*nsym_cmp)++;
		if (!hit) {
			if (bad++ < 5)
				printf("FAIL %s: %s at 0x%llx: not listed by uprobectl\n", path, name,
				       value);
		} else if (hit->offset != want) {
			if (bad++ < 5)
				printf("FAIL %s: %s at 0x%llx: offset 0x%llx, readelf says 0x%llx\n",
				       path, name, value, (unsigned long long)hit->offset,
				       (unsigned long long)want);
		}
	}
	st = pclose(p);
	if (st != 0) {
		printf("FAIL %s: readelf %s %d\n", path,
		       WIFEXITED(st) ? "exited with" : "was killed by signal",
		       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		bad++;
	} else if (*nsym_cmp == before && nsyms) {
		printf("FAIL %s: readelf listed no function symbols, uprobectl %zu\n", path,
		       nsyms);
		bad++;
	}
	for (size_t i = 0; i < nsyms; i++)
		free(syms[i].name);
	return bad;
}

int main(int argc, char **argv)
{
	char path[4096];
	unsigned long files = 0, nsym_cmp = 0, failed = 0, skipped = 0;
	int nreq = 0;
	const char *req[16];
	bool seen[16] = { false };

	upc_set_print(capture);
	for (int i = 1; i + 1 < argc && nreq < 16; i += 2)
		if (!strcmp(argv[i], "--require"))
			req[nreq++] = argv[i + 1];
	while (fgets(path, sizeof(path), stdin)) {
		bool skip;
		long bad;

		path[strcspn(path, "\n")] = '\0';
		if (!is_candidate(path))
			continue;
		bad = compare(path, &nsym_cmp, &skip);
		if (skip) {
			skipped++;
			continue;
		}
		files++;
		if (bad)
			failed++;
		for (int k = 0; k < nreq; k++)
			if (!strcmp(req[k], path))
				seen[k] = true;
	}
	for (int k = 0; k < nreq; k++) {
		if (!seen[k]) {
			printf("FAIL %s: required but not compared (missing?)\n", req[k]);
			failed++;
		}
	}
	printf("diff_readelf: %lu ELF files, %lu function symbols compared with readelf; "
	       "%lu files differ, %lu skipped\n", files, nsym_cmp, failed, skipped);
	free(syms);
	if (!files || !nsym_cmp)
		printf("FAIL: nothing was compared\n");
	return failed || !files || !nsym_cmp ? 1 : 0;
}
