/* SPDX-License-Identifier: MIT */
/* An independent answer, from libelf, to "where in the file is this symbol"
 * (tests only; uprobectl never links libelf). */
#ifndef ORACLE_H
#define ORACLE_H

#include <stdint.h>

/* Values of the defined function symbols named exactly NAME in .symtab and
 * .dynsym, distinct; returns how many (at most max), -1 on error. */
int oracle_values(const char *path, const char *name, uint64_t *vals, int max);
/* File offset of vaddr in an executable PT_LOAD; -1 if none. */
int oracle_offset(const char *path, uint64_t vaddr, uint64_t *off);
/* Both: the one definition of NAME (fails the test unless exactly one). */
uint64_t oracle_sym_offset(const char *path, const char *name, uint64_t *value);

#endif
