// SPDX-License-Identifier: MIT
#include <fcntl.h>
#include <gelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "oracle.h"

static Elf *open_elf(const char *path, int *fd)
{
	elf_version(EV_CURRENT);
	*fd = open(path, O_RDONLY);
	if (*fd < 0)
		return NULL;
	return elf_begin(*fd, ELF_C_READ, NULL);
}

int oracle_values(const char *path, const char *name, uint64_t *vals, int max)
{
	Elf_Scn *scn = NULL;
	int fd, n = 0;
	Elf *e = open_elf(path, &fd);

	if (!e)
		return -1;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *sn;
			int k;

			if (!gelf_getsym(d, (int)i, &s) || s.st_shndx == SHN_UNDEF ||
			    (GELF_ST_TYPE(s.st_info) != STT_FUNC &&
			     GELF_ST_TYPE(s.st_info) != STT_GNU_IFUNC))
				continue;
			sn = elf_strptr(e, sh.sh_link, s.st_name);
			if (!sn || strcmp(sn, name))
				continue;
			for (k = 0; k < n && vals[k] != s.st_value; k++)
				;
			if (k == n && n < max)
				vals[n++] = s.st_value;
		}
	}
	elf_end(e);
	close(fd);
	return n;
}

int oracle_offset(const char *path, uint64_t vaddr, uint64_t *off)
{
	size_t phnum;
	int fd, ret = -1;
	Elf *e = open_elf(path, &fd);

	if (!e)
		return -1;
	if (!elf_getphdrnum(e, &phnum)) {
		for (size_t i = 0; i < phnum; i++) {
			GElf_Phdr ph;

			if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD ||
			    !(ph.p_flags & PF_X))
				continue;
			if (vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_filesz) {
				*off = vaddr - ph.p_vaddr + ph.p_offset;
				ret = 0;
				break;
			}
		}
	}
	elf_end(e);
	close(fd);
	return ret;
}

static int machine(const char *path)
{
	GElf_Ehdr eh;
	int fd, m = -1;
	Elf *e = open_elf(path, &fd);

	if (e && gelf_getehdr(e, &eh))
		m = eh.e_machine;
	if (e)
		elf_end(e);
	close(fd);
	return m;
}

uint64_t oracle_sym_offset(const char *path, const char *name, uint64_t *value)
{
	uint64_t v[4], off = 0;
	int n = oracle_values(path, name, v, 4);

	if (n != 1)
		fail_msg("oracle: %s: %d definitions of %s", path, n, name);
	/* bit 0 of an ARM function's value marks Thumb code, not an address */
	if (oracle_offset(path, machine(path) == EM_ARM ? v[0] & ~(uint64_t)1 : v[0], &off))
		fail_msg("oracle: %s: %s at 0x%llx is in no executable segment", path,
			 name, (unsigned long long)v[0]);
	if (value)
		*value = v[0];
	return off;
}
