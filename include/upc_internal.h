/* SPDX-License-Identifier: MIT */
/* Private to libuprobectl: never installed, never included by the CLI for
 * anything but tests of internals. */
#ifndef UPC_INTERNAL_H
#define UPC_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "uprobectl.h"
#include "upc_printf.h"

#ifndef ENOTUNIQ
#define ENOTUNIQ 76
#endif

#define UPC_PRINTF(a, b) __attribute__((format(__printf__, a, b)))

void upc_log(enum upc_print_level level, const char *fmt, ...) UPC_PRINTF(2, 3);
#define pr_err(...) upc_log(UPC_ERROR, __VA_ARGS__)
#define pr_warn(...) upc_log(UPC_WARN, __VA_ARGS__)
#define pr_info(...) upc_log(UPC_INFO, __VA_ARGS__)
#define pr_debug(...) upc_log(UPC_DEBUG, __VA_ARGS__)
/* How many errors were reported so far (a mark), and the end of an
 * explained function: err, after naming it with what when nothing
 * reported it since mark. */
unsigned upc_log_errors(void);
int upc_explained(int err, unsigned mark, const char *what);
/* Say nothing until the matching upc_log_quiet(false). */
void upc_log_quiet(bool on);

/* ---- architecture tables (data in targets/<arch>/abi.h) ------------------ */

enum upc_arch_flags {
	UPC_ARCH_THUMB_BIT = 1 << 0,	/* st_value bit 0 marks Thumb code */
	UPC_ARCH_PPC64_ENTRY = 1 << 1,	/* st_other carries a local entry */
	UPC_ARCH_PPC64_OPD = 1 << 2,	/* ELFv1: symbols are descriptors */
	UPC_ARCH_RETVAL_REG = 1 << 3,	/* $retval may be negated: use the
					 * return register */
};

/* How sys/sdt.h's operands are written: gcc's assembler syntax. */
enum upc_usdt_syntax {
	UPC_USDT_PAREN = 0,		/* REG, IMM, DISP(REG): riscv, s390x, mips,
					 * loongarch (a sigil % or $ allowed) */
	UPC_USDT_X86,			/* %REG, $IMM, DISP(%REG) */
	UPC_USDT_BRACKET,		/* REG, #IMM, [REG, #DISP]: arm, arm64 */
	UPC_USDT_NUMREG,		/* as PAREN, but a bare number is a
					 * register: ppc */
};

struct upc_arch {
	const char *name;
	const char *alias;		/* another name users type, or NULL */
	unsigned machine;		/* ELF e_machine */
	int elfclass;			/* 1, 2, or 0 for both */
	unsigned ptr_size;		/* bytes in a stack slot */
	const char *arg_regs[8];	/* fetch args of integer arguments */
	unsigned nreg_args;
	int stack_arg0;			/* SP offset of the first argument that
					 * is not in a register, at entry */
	const char *retval;
	const char *sp;
	const char *ra;			/* return address at entry */
	const char *regs;		/* every name the kernel accepts */
	unsigned insn_align;
	unsigned flags;			/* enum upc_arch_flags */
	/* USDT argument specs: their syntax, and "NAME=KERNEL ..." for the
	 * register names they use that the kernel spells otherwise */
	unsigned char usdt;		/* enum upc_usdt_syntax */
	const char *usdt_alias;
	/* The kernels (uname -m prefixes) of this architecture, the other
	 * architectures whose kernels run its programs too, and why another
	 * kernel cannot probe them (NULL: a generic reason). */
	const char *uname, *runs_on, *refusal;
	/* Debian's multiarch directory of its libraries (/usr/lib/TUPLE),
	 * of the endianness Debian ships; NULL: none */
	const char *multiarch;
};

/* The architecture of a kernel's uname -m (the longest prefix), or NULL. */
const struct upc_arch *upc_arch_by_uname(const char *machine);
/* Is word (len bytes) one of the space-separated words of list? */
bool upc_word_in(const char *list, const char *word, size_t len);

/* One USDT argument spec ("-4@%eax", "8@[sp, 16]") of n bytes, as a fetch
 * argument of architecture a: EXPR:TYPE with the type from its size. A
 * variable (x86's SYM(%rip)) is looked up in e and read relative to u's
 * place (NULL e or u: refused).
 * -EINVAL with the reason in *why (not printed) when the kernel cannot
 * fetch it, -E2BIG when out is too small. */
int upc_usdt_arg(const struct upc_arch *a, struct upc_elf *e, const struct upc_usdt *u,
		 const char *spec, size_t n, char *out, size_t len, const char **why);
/* The one place of USDT probe "PROVIDER:NAME[@0xADDRESS]" in e; -ENOENT,
 * -ENOTUNIQ (at several places) or -ERANGE otherwise, explained. */
int upc_usdt_find(struct upc_elf *e, const char *spec, struct upc_usdt *u);
/* u's fetch arguments for a: the user's argv translated ($argN: u's Nth
 * argument), or without any, argK=EXPR:TYPE for each of u's. Returns the
 * length; explained. */
int upc_usdt_fetchargs(const struct upc_arch *a, struct upc_elf *e, const struct upc_usdt *u,
		       int argc, char *const argv[], char *out, size_t len);
/* upc_fetchargs_translate for an entry probe of a USDT probe whose
 * arguments are usdt[0..nusdt) (EXPR:TYPE): $argN is the Nth of them. */
int upc_fetchargs_translate_usdt(const struct upc_arch *arch, char *const usdt[], int nusdt,
				 int argc, char *const argv[], char *out, size_t len);

/* ---- the ELF reader ------------------------------------------------------ */

/* One mapped file and what every walk needs of it, decoded once. Every read
 * of the mapping goes through upc_span() and the rd*() helpers below. */
struct upc_img {
	const unsigned char *map;
	size_t size;
	bool is64;
	bool swap;			/* file byte order != host */
	bool borrowed;			/* map belongs to the caller */
	/* the mapped file: which one it is, and who may have written it */
	uint64_t dev, ino;
	uint32_t uid, mode;
};

/* Fields of the three ELF records we use, widened to 64 bits. */
struct upc_shdr {
	uint32_t name, type;
	uint64_t flags, addr, offset, size;
	uint32_t link, info;
	uint64_t entsize;
};

struct upc_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

struct upc_rawsym {
	uint32_t name;
	unsigned char info, other;
	uint16_t shndx;
	uint64_t value, size;
};

/* A symbol table and its string table, both checked against the file. */
struct upc_symtab {
	uint64_t off, count, entsize;
	uint64_t stroff, strsize;
	unsigned index;			/* section index, 0 when absent */
};

struct upc_verent;

struct upc_elf {
	struct upc_img img;
	struct upc_img dbg;		/* separate debug file, map NULL if none */
	const struct upc_arch *arch;
	uint16_t type, machine;
	uint32_t eflags;
	uint64_t phoff, shoff;
	uint16_t phnum, phentsize, shnum, shentsize;
	struct upc_symtab symtab, dynsym, dbgsymtab;
	/* symbol versioning (.gnu.version, .gnu.version_d/_r) */
	uint64_t versym_off;		/* 0: none; count == dynsym.count */
	uint64_t verdef_off, verdef_size, verdef_num;
	uint64_t verneed_off, verneed_size, verneed_num;
	uint64_t verstr_off, verstr_size;	/* strings of both (dynstr) */
	struct upc_verent *verdefs, *verneeds;	/* indexes of both, by version */
	size_t nverdefs, nverneeds;
	/* .gnu.hash for name lookups in .dynsym */
	uint64_t gnuhash_off, gnuhash_size;
	/* .dynamic */
	uint64_t dyn_off, dyn_size, dynstr_off, dynstr_size;
	char *path;			/* as given */
	char *dbg_path;
	/* Parsing a candidate debug file: its program headers describe data
	 * it no longer holds, and a mismatch is not an error to report. */
	bool debugfile;
};

/* The bytes [off, off+len) of img, or NULL when any of them is outside. */
static inline const unsigned char *upc_span(const struct upc_img *img,
					    uint64_t off, uint64_t len)
{
	if (off > img->size || len > img->size - off)
		return NULL;
	return img->map + off;
}

uint16_t upc_rd16(const struct upc_img *img, const unsigned char *p);
uint32_t upc_rd32(const struct upc_img *img, const unsigned char *p);
uint64_t upc_rd64(const struct upc_img *img, const unsigned char *p);
/* A word of the file's class: 32 or 64 bits. */
uint64_t upc_rdw(const struct upc_img *img, const unsigned char *p);

/* NUL-terminated string at off inside the table [base, base+size), or NULL
 * when off is outside it or the string runs past its end. */
const char *upc_str(const struct upc_img *img, uint64_t base, uint64_t size,
		    uint64_t off);

/* Decode header i; -EINVAL when it lies outside the file. */
int upc_get_shdr(const struct upc_elf *e, const struct upc_img *img,
		 uint64_t shoff, unsigned i, struct upc_shdr *sh);
int upc_get_phdr(const struct upc_elf *e, unsigned i, struct upc_phdr *ph);
int upc_get_sym(const struct upc_img *img, const struct upc_symtab *t,
		uint64_t i, struct upc_rawsym *s);

/* The file offset of addr in a PT_LOAD's file bytes (with exec_only, an
 * executable one's): 0, or -ENOENT. */
int upc_elf_map_addr(const struct upc_elf *e, uint64_t addr, bool exec_only, uint64_t *off);
/* The section of e's own file named name: 0, or -ENOENT. */
int upc_elf_find_section(const struct upc_elf *e, const char *name, struct upc_shdr *sh);

/* One ELF note; name and desc are inside the file. */
struct upc_note {
	uint32_t namesz, descsz, type;
	const unsigned char *name, *desc;
};
/* Call cb for each note in [off, off+size) of img (align 4 or 8) until it
 * returns non-zero, which is returned; 0 at the end, -EINVAL for notes that
 * run outside the range. */
int upc_note_foreach(const struct upc_img *img, uint64_t off, uint64_t size, uint64_t align,
		     int (*cb)(const struct upc_note *n, void *ctx), void *ctx);

/* Parse and check an ELF header and its tables in img; fills the fields of
 * e that describe the file itself (not its debug file). For tests and the
 * fuzzer too: never reads outside img. */
int upc_elf_parse(struct upc_elf *e);
/* Find a symbol table of type (SHT_SYMTAB, SHT_DYNSYM) in img. */
int upc_find_symtab(const struct upc_elf *e, const struct upc_img *img,
		    uint32_t type, struct upc_symtab *t);

/* Version of .dynsym entry i: version name (or NULL) and whether it is the
 * default one. */
void upc_dynsym_version(const struct upc_elf *e, uint64_t i,
			const char **ver, bool *is_default);
/* Index in .dynsym of a defined symbol named name (len bytes) at value,
 * or -ENOENT. */
int64_t upc_dynsym_lookup(const struct upc_elf *e, const char *name,
			  size_t len, uint64_t value);

/* The library (vn_file) an imported .dynsym entry i is bound to by its
 * version requirement, or NULL. */
const char *upc_dynsym_needed_file(const struct upc_elf *e, uint64_t i);
/* ppc64 ELFv1: the code address in the .opd descriptor at value. */
int upc_opd_entry(struct upc_elf *e, uint64_t value, uint64_t *entry);

/* Parse a caller-owned buffer (tests, fuzzing): no debug file lookup. */
int upc_elf_open_mem(const void *buf, size_t len, const char *name,
		     struct upc_elf **out);

/* The value of the one defined symbol named exactly name (len bytes) of
 * any kind but thread-local (-ENOTSUP): a global variable. -ENOENT, or
 * -ENOTUNIQ for two of that name. Silent. */
int upc_elf_symbol_value(struct upc_elf *e, const char *name, size_t len, uint64_t *value);
/* upc_elf_foreach_sym() limited to symbols named name (len bytes, without
 * a version): far cheaper on large files. */
int upc_foreach_sym_named(struct upc_elf *e, const char *name, size_t len,
			  upc_sym_cb cb, void *ctx);
/* The range [*first, *end) of .dynsym indices that can hold name, from
 * .gnu.hash; -ENOENT when there is no usable hash table. */
int upc_dynsym_chain(const struct upc_elf *e, const char *name, size_t len,
		     uint64_t *first, uint64_t *end);

/* The build-id note of e's own file: 0, -ENOENT, or -EINVAL (corrupt). */
int upc_elf_build_id(const struct upc_elf *e, const unsigned char **id, uint32_t *len);
/* Does e's own file have a section of that name? */
bool upc_elf_has_section(const struct upc_elf *e, const char *name);
/* Find and map the separate debug file of e, when there is one. */
int upc_debug_open(struct upc_elf *e, const struct upc_elf_opts *opts);
void upc_img_unmap(struct upc_img *img);
int upc_img_map(const char *path, struct upc_img *img);

uint32_t upc_crc32(uint32_t crc, const unsigned char *p, size_t len);

/* FILE of an instance (NULL: the top level), relative to tracefs: the one
 * place instance paths are built. */
int upc_instance_rel(const char *instance, const char *file, char *buf, size_t len);

/* Fill k from the last entry of an error_log text. */
void upc_kernel_error_parse(const char *log, struct upc_kernel_error *k);

/* ---- small helpers ------------------------------------------------------- */

/* The one identifier rule of the kernel's names (events, groups, fetch
 * argument names, record fields): [A-Za-z_][A-Za-z0-9_]*. */
static inline bool upc_ident_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}
bool upc_is_ident(const char *s, size_t n);
/* The name the kernel lists fetch argument K (1-based) under: NAME of
 * NAME=EXPR, else argK. a is n bytes; returns the name's length. */
size_t upc_fetcharg_name(const char *a, size_t n, int k, char *buf, size_t len);

int upc_parse_hex(const char *s, size_t len, uint64_t *v);

/* Sort n elements of size bytes, as qsort does (not stable): a heapsort,
 * a fifth of the size of musl's qsort in a static binary. */
void upc_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* The next blank-separated token of [*p, end): its start and length;
 * false at the end. Advances *p past it. */
bool upc_token(const char **p, const char *end, const char **tok, size_t *len);
/* Is SONAME (a file name) the library name asks for: exactly it, or
 * name.so and its versions ("libc" names "libc.so.6")? */
bool upc_lib_names(const char *name, const char *soname);

#endif /* UPC_INTERNAL_H */
