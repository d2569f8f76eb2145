// SPDX-License-Identifier: MIT
/*
 * Per-architecture knowledge is data: one table per architecture in
 * targets/<arch>/abi.h, chosen at run time from the ELF's e_machine and
 * class, so a host of any architecture resolves and validates probes for
 * files of every other, and every table is unit-tested on any host.
 */
#include <stdio.h>

#include "upc_internal.h"

static const struct upc_arch arches[] = {
#include "x86_64/abi.h"
#include "i386/abi.h"
#include "aarch64/abi.h"
#include "arm/abi.h"
#include "riscv64/abi.h"
#include "ppc64/abi.h"
#include "s390x/abi.h"
#include "mips/abi.h"
#include "loongarch64/abi.h"
};

const struct upc_arch *upc_arch_at(unsigned i)
{
	return i < sizeof(arches) / sizeof(arches[0]) ? &arches[i] : NULL;
}

const struct upc_arch *upc_arch_by_machine(unsigned machine, int elfclass)
{
	const struct upc_arch *a;

	for (unsigned i = 0; (a = upc_arch_at(i)); i++)
		if (a->machine == machine &&
		    (!a->elfclass || a->elfclass == elfclass))
			return a;
	return NULL;
}

const struct upc_arch *upc_arch_by_name(const char *name)
{
	const struct upc_arch *a;

	for (unsigned i = 0; (a = upc_arch_at(i)); i++)
		if (!strcmp(a->name, name) || (a->alias && !strcmp(a->alias, name)))
			return a;
	return NULL;
}

const char *upc_arch_name(const struct upc_arch *a) { return a->name; }
unsigned upc_arch_machine(const struct upc_arch *a) { return a->machine; }
unsigned upc_arch_insn_align(const struct upc_arch *a) { return a->insn_align; }
const char *upc_arch_sp(const struct upc_arch *a) { return a->sp; }
const char *upc_arch_retval(const struct upc_arch *a) { return a->retval; }
const char *upc_arch_ra(const struct upc_arch *a) { return a->ra; }
const char *upc_arch_regs(const struct upc_arch *a) { return a->regs; }

int upc_arch_arg(const struct upc_arch *a, unsigned n, char *buf, size_t len)
{
	int r;

	if (!n)
		return -EINVAL;
	if (n <= a->nreg_args)
		r = snprintf(buf, len, "%s", a->arg_regs[n - 1]);
	else
		r = snprintf(buf, len, "+%lu(%s)",
			     (unsigned long)a->stack_arg0 +
				     (unsigned long)(n - 1 - a->nreg_args) * a->ptr_size,
			     a->sp);
	if (r < 0 || (size_t)r >= len)
		return -ERANGE;
	return r;
}

bool upc_arch_has_reg(const struct upc_arch *a, const char *name, size_t len)
{
	return len && upc_word_in(a->regs, name, len);
}

bool upc_word_in(const char *list, const char *word, size_t len)
{
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, " ");

		if (n == len && !memcmp(p, word, len))
			return true;
		p += n;
		p += *p == ' ';
	}
	return false;
}

const struct upc_arch *upc_arch_by_uname(const char *machine)
{
	const struct upc_arch *a, *best = NULL;
	size_t best_len = 0;

	for (unsigned i = 0; (a = upc_arch_at(i)); i++) {
		for (const char *p = a->uname; p && *p;) {
			size_t n = strcspn(p, " ");

			if (n > best_len && !strncmp(machine, p, n)) {
				best = a;
				best_len = n;
			}
			p += n;
			p += *p == ' ';
		}
	}
	return best;
}
