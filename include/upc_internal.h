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
/* Text as an identifier, in place: each run of characters outside
 * [A-Za-z0-9_] one '_', none at the ends. Returns the length. */
size_t upc_ident_collapse(char *s);

/* ---- architecture tables (data in targets/<arch>/abi.h) ------------------ */

enum upc_arch_flags {
	UPC_ARCH_THUMB_BIT = 1 << 0,	/* st_value bit 0 marks Thumb code */
	UPC_ARCH_PPC64_ENTRY = 1 << 1,	/* st_other carries a local entry */
	UPC_ARCH_PPC64_OPD = 1 << 2,	/* ELFv1: symbols are descriptors */
	UPC_ARCH_RETVAL_REG = 1 << 3,	/* $retval may be negated: use the
					 * return register */
	UPC_ARCH_GO_RET = 1 << 4,	/* a Go function's view: a return is an
					 * entry probe at a return instruction,
					 * $retval(N) its result registers */
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
	const char *arg_regs[16];	/* fetch args of integer arguments */
	unsigned nreg_args;
	int stack_arg0;			/* SP offset of the first argument that
					 * is not in a register, at entry */
	const char *retval;
	const char *sp;
	const char *ra;			/* return address at entry */
	const char *regs;		/* every name the kernel accepts */
	/* the kernel's names of DWARF's register numbers 0, 1, ... ("-":
	 * none), for variables' locations */
	const char *dwarf_regs;
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
	/* Go's calling convention (its abi-internal.md): the integer
	 * argument and result registers of its register ABI, used from Go
	 * 1.go_regabi (0: never, the stack ABI only); the stack ABI's first
	 * argument at SP + go_stack_arg0 at entry; g, the goroutine, in
	 * go_g (NULL: not in a register) */
	const char *go_regs[16];
	unsigned char go_nregs, go_regabi, go_stack_arg0;
	const char *go_g;
};

/* ---- Go programs (golang.c) ------------------------------------------------ */

/* The calling convention of a Go function of a program of g's Go version,
 * as an architecture to translate fetch args with: a copy of a with Go's
 * argument registers (its register ABI when the version has it, else its
 * stack ABI, none in registers) into *view. */
void upc_go_view(const struct upc_arch *a, const struct upc_go *g, struct upc_arch *view);
/* Is the function symbol s of e a Go function (e a Go program, s not a
 * stack-ABI wrapper NAME.abi0)? g filled when it is. */
bool upc_go_function(struct upc_elf *e, const struct upc_sym *s, struct upc_go *g);
/* The file offsets of the return instructions of function s into off[]
 * (at most max): how many, 0 when none, -EINVAL when its code cannot be
 * decoded (explained: where and why). */
int upc_go_returns(struct upc_elf *e, const struct upc_sym *s, uint64_t *off, size_t max);

/* A stack-ABI Go function's first result at its return instruction pc:
 * "+OFF(%REG)" into buf, from its DWARF: the CFA there plus its arguments'
 * size (each aligned to its own size, at most a word; the results start
 * at a word). -ENOENT without the DWARF (explained). */
int upc_go_stack_result(struct upc_elf *e, uint64_t pc, char *buf, size_t len);

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
	/* the options it was opened with, for its DWARF (upc_elf_dwarf) */
	char *sysroot, *debug_dir;
	bool no_debug_file;
	struct upc_dwarf *dwarf;
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

/* ---- DWARF (dwarf.c: the reader; dwline.c: line programs; dwcfi.c:
 * call frames; dwvar.c: functions, variables and types) ---------------- */

enum {	/* the sections read, .debug_NAME (or .zdebug_NAME) */
	DS_INFO, DS_ABBREV, DS_STR, DS_LINE_STR, DS_STR_OFF, DS_ADDR, DS_LINE, DS_LOC,
	DS_LOCLISTS, DS_RANGES, DS_RNGLISTS, DS_TYPES, DS_FRAME, DS_ARANGES, DS_COUNT
};

enum {
	DW_UT_compile = 1, DW_UT_type = 2, DW_UT_partial = 3, DW_UT_skeleton = 4,
	DW_UT_split_compile = 5, DW_UT_split_type = 6,
};

enum {	/* tags */
	DW_TAG_array_type = 0x01, DW_TAG_class_type = 0x02, DW_TAG_enumeration_type = 0x04,
	DW_TAG_formal_parameter = 0x05, DW_TAG_lexical_block = 0x0b, DW_TAG_member = 0x0d,
	DW_TAG_pointer_type = 0x0f, DW_TAG_reference_type = 0x10, DW_TAG_compile_unit = 0x11,
	DW_TAG_structure_type = 0x13, DW_TAG_subroutine_type = 0x15, DW_TAG_typedef = 0x16,
	DW_TAG_union_type = 0x17, DW_TAG_inlined_subroutine = 0x1d,
	DW_TAG_subrange_type = 0x21, DW_TAG_base_type = 0x24, DW_TAG_const_type = 0x26,
	DW_TAG_enumerator = 0x28, DW_TAG_subprogram = 0x2e, DW_TAG_variable = 0x34,
	DW_TAG_volatile_type = 0x35, DW_TAG_restrict_type = 0x37, DW_TAG_namespace = 0x39,
	DW_TAG_imported_unit = 0x3d, DW_TAG_partial_unit = 0x3c, DW_TAG_rvalue_reference_type = 0x42,
	DW_TAG_atomic_type = 0x47, DW_TAG_type_unit = 0x41,
};

enum {	/* attributes */
	DW_AT_sibling = 0x01, DW_AT_location = 0x02, DW_AT_name = 0x03,
	DW_AT_byte_size = 0x0b, DW_AT_bit_offset = 0x0c, DW_AT_bit_size = 0x0d,
	DW_AT_stmt_list = 0x10, DW_AT_low_pc = 0x11, DW_AT_high_pc = 0x12,
	DW_AT_language = 0x13, DW_AT_comp_dir = 0x1b, DW_AT_const_value = 0x1c,
	DW_AT_inline = 0x20, DW_AT_upper_bound = 0x2f, DW_AT_abstract_origin = 0x31,
	DW_AT_count = 0x37, DW_AT_data_member_location = 0x38, DW_AT_decl_file = 0x3a,
	DW_AT_decl_line = 0x3b, DW_AT_declaration = 0x3c, DW_AT_encoding = 0x3e,
	DW_AT_external = 0x3f, DW_AT_frame_base = 0x40, DW_AT_specification = 0x47,
	DW_AT_type = 0x49, DW_AT_variable_parameter = 0x4b, DW_AT_entry_pc = 0x52,
	DW_AT_ranges = 0x55,
	DW_AT_call_file = 0x58, DW_AT_call_line = 0x59, DW_AT_data_bit_offset = 0x6b,
	DW_AT_linkage_name = 0x6e, DW_AT_str_offsets_base = 0x72, DW_AT_addr_base = 0x73,
	DW_AT_rnglists_base = 0x74, DW_AT_dwo_name = 0x76, DW_AT_loclists_base = 0x8c,
	DW_AT_MIPS_linkage_name = 0x2007, DW_AT_GNU_dwo_name = 0x2130,
	DW_AT_GNU_addr_base = 0x2133,
};

enum {	/* forms */
	DW_FORM_addr = 0x01, DW_FORM_block2 = 0x03, DW_FORM_block4 = 0x04,
	DW_FORM_data2 = 0x05, DW_FORM_data4 = 0x06, DW_FORM_data8 = 0x07,
	DW_FORM_string = 0x08, DW_FORM_block = 0x09, DW_FORM_block1 = 0x0a,
	DW_FORM_data1 = 0x0b, DW_FORM_flag = 0x0c, DW_FORM_sdata = 0x0d, DW_FORM_strp = 0x0e,
	DW_FORM_udata = 0x0f, DW_FORM_ref_addr = 0x10, DW_FORM_ref1 = 0x11,
	DW_FORM_ref2 = 0x12, DW_FORM_ref4 = 0x13, DW_FORM_ref8 = 0x14,
	DW_FORM_ref_udata = 0x15, DW_FORM_indirect = 0x16, DW_FORM_sec_offset = 0x17,
	DW_FORM_exprloc = 0x18, DW_FORM_flag_present = 0x19, DW_FORM_strx = 0x1a,
	DW_FORM_addrx = 0x1b, DW_FORM_ref_sup4 = 0x1c, DW_FORM_strp_sup = 0x1d,
	DW_FORM_data16 = 0x1e, DW_FORM_line_strp = 0x1f, DW_FORM_ref_sig8 = 0x20,
	DW_FORM_implicit_const = 0x21, DW_FORM_loclistx = 0x22, DW_FORM_rnglistx = 0x23,
	DW_FORM_ref_sup8 = 0x24, DW_FORM_strx1 = 0x25, DW_FORM_strx2 = 0x26,
	DW_FORM_strx3 = 0x27, DW_FORM_strx4 = 0x28, DW_FORM_addrx1 = 0x29,
	DW_FORM_addrx2 = 0x2a, DW_FORM_addrx3 = 0x2b, DW_FORM_addrx4 = 0x2c,
	DW_FORM_GNU_addr_index = 0x1f01, DW_FORM_GNU_str_index = 0x1f02,
	DW_FORM_GNU_ref_alt = 0x1f20, DW_FORM_GNU_strp_alt = 0x1f21,
};

enum {	/* range list entries (DWARF 5) */
	DW_RLE_end_of_list, DW_RLE_base_addressx, DW_RLE_startx_endx, DW_RLE_startx_length,
	DW_RLE_offset_pair, DW_RLE_base_address, DW_RLE_start_end, DW_RLE_start_length,
};

enum {	/* location list entries (DWARF 5) */
	DW_LLE_end_of_list, DW_LLE_base_addressx, DW_LLE_startx_endx, DW_LLE_startx_length,
	DW_LLE_offset_pair, DW_LLE_default_location, DW_LLE_base_address,
	DW_LLE_start_end, DW_LLE_start_length, DW_LLE_GNU_view_pair = 9,
};

struct dw_sec {
	const unsigned char *p;
	uint64_t size;
};

/* A bounded reader: a read past end sets err and yields 0. */
struct dw_cur {
	const unsigned char *p, *end;
	bool swap;
	bool err;
};
uint64_t dw_u(struct dw_cur *c, unsigned n);	/* n bytes, in the file's order */
uint64_t dw_uleb(struct dw_cur *c);
int64_t dw_sleb(struct dw_cur *c);
const char *dw_cstr(struct dw_cur *c);	/* NUL-terminated inside the cursor */
void dw_skip(struct dw_cur *c, uint64_t n);

struct dw_unit {
	uint64_t off, end;		/* the unit in its section */
	uint64_t die;			/* its first DIE */
	uint64_t abbrev;
	uint64_t sig, type_off;		/* a type unit's */
	uint16_t version;
	uint8_t type, addrsize, sec;
	unsigned offsize;		/* 4, or 8 in 64-bit DWARF */
	bool bases_read;
	uint32_t abbr;			/* its table in the object's, + 1; 0 unknown */
	uint64_t str_offsets_base, addr_base, loclists_base, rnglists_base, low_pc;
};

struct dw_abbrev {
	uint64_t tag;
	bool children;
	const unsigned char *specs, *specs_end;	/* (name, form) pairs */
};

struct dw_abbrevs {		/* one table, its codes parsed on first use */
	uint64_t off;
	const unsigned char *start, *end;
	bool swap, parsed;
	struct dw_abbrev *codes;	/* by code, when they are dense (else NULL) */
	uint64_t ncodes;
};

/* One DWARF file: the program's (or its debug file's), or its dwz file. */
struct dw_obj {
	struct dw_sec s[DS_COUNT];
	unsigned char *owned[DS_COUNT];	/* inflated sections */
	struct dw_sec eh_frame;		/* the program's */
	uint64_t eh_frame_addr;
	struct upc_img img;		/* the dwz file, mapped */
	bool own_img, swap, is64;
	struct dw_unit *units;
	size_t nunits, capunits;
	struct dw_abbrevs *abbrevs;
	size_t nabbrevs, capabbrevs;
};

struct dw_die {
	const struct dw_obj *obj;
	const struct dw_unit *unit;
	uint64_t off, next;		/* in its unit's section; next: past it */
	uint64_t tag;
	bool null;			/* the end of a list of siblings */
	struct dw_abbrev ab;
	const unsigned char *attrs;
};

struct dw_val {
	uint16_t form;
	uint64_t u;
	int64_t s;
	const unsigned char *block;	/* blocks and expressions */
	uint64_t blen;
	const char *str;		/* strings, resolved */
};

struct dw_line {	/* a row of a line table */
	uint64_t addr;
	uint32_t file, line;
	bool stmt, end;
};

/* A unit's line table: its rows in the program's order (sequences one
 * after another), its files and directories. */
struct dw_lines {
	unsigned version;
	struct dw_line *rows;
	size_t nrows, caprows;
	const char **files;
	uint32_t *file_dir;
	size_t nfiles;
	const char **dirs;
	size_t ndirs;
	const char *comp_dir;
};
/* The line table of unit cu (its root DIE): 0, -ENOENT (none), -EINVAL. */
int dw_lines_read(struct upc_dwarf *d, const struct dw_die *cu, struct dw_lines *l);
void dw_lines_free(struct dw_lines *l);
/* File number file of l as a path (its directory joined), into buf. */
const char *dw_lines_file(const struct dw_lines *l, uint32_t file, char *buf, size_t len);

/* The top-level function names of the units, hashed (dwplace.c): which
 * units can hold a function of a name, read once. */
struct dw_func_index {
	struct dw_func_slot {
		const char *name;	/* NULL: empty */
		uint32_t unit;
	} *slots;
	size_t cap;
	uint32_t *always, nalways;	/* units with imported units or namespaces */
	bool built;
};

struct upc_dwarf {
	struct upc_elf *elf;
	const struct upc_arch *arch;
	const char *what;		/* the file the DWARF is read from */
	struct dw_obj main, alt;
	struct dw_func_index funcs;
};

bool dw_at(const struct dw_obj *o, int s, uint64_t off, uint64_t len, struct dw_cur *c);
int dw_index_units(struct upc_dwarf *d, struct dw_obj *o);
const struct dw_unit *dw_unit_of(const struct dw_obj *o, int sec, uint64_t off);
const struct dw_unit *dw_unit_at_pc(struct upc_dwarf *d, uint64_t pc);
/* The DIE at off of unit u: 0, or -EINVAL when damaged. */
int dw_die(struct upc_dwarf *d, struct dw_obj *o, const struct dw_unit *u, uint64_t off,
	   struct dw_die *die);
int dw_skip_form(const struct dw_die *die, uint64_t form, struct dw_cur *c);
int dw_form(struct upc_dwarf *d, const struct dw_die *die, uint64_t form, int64_t ic,
	    struct dw_cur *c, struct dw_val *v);
/* Attribute at of a DIE: 0, -ENOENT when it has none, -EINVAL. */
int dw_attr(struct upc_dwarf *d, const struct dw_die *die, uint64_t at, struct dw_val *v);
uint64_t dw_addrx(struct upc_dwarf *d, struct dw_obj *o, const struct dw_unit *u, uint64_t i);
/* The DIE a reference attribute value v of die points to. */
int dw_ref(struct upc_dwarf *d, const struct dw_die *die, const struct dw_val *v,
	   struct dw_die *to);
int dw_attr_origin(struct upc_dwarf *d, const struct dw_die *die, uint64_t at, struct dw_val *v,
		   struct dw_die *holder);
/* First child, next sibling: 0, or -ENOENT at the end. */
int dw_child(struct upc_dwarf *d, const struct dw_die *parent, struct dw_die *child);
int dw_sibling(struct upc_dwarf *d, const struct dw_die *die, struct dw_die *next);
/* Each entry of a location list (DW_AT_location of another form than a
 * block) at v: cb(lo, hi, expr, elen) with [lo, hi) its addresses (a
 * default entry: 0, UINT64_MAX). A non-zero return of cb stops the walk
 * and is returned; -EINVAL when the list is damaged. */
typedef int (*dw_list_cb)(uint64_t lo, uint64_t hi, const unsigned char *e, uint64_t elen,
			  void *ctx);
int dw_loclist_walk(struct upc_dwarf *d, const struct dw_die *var, const struct dw_val *v,
		    dw_list_cb cb, void *ctx);
int dw_ranges(struct upc_dwarf *d, const struct dw_die *die,
	      int (*cb)(uint64_t lo, uint64_t hi, void *ctx), void *ctx);
bool dw_has_pc(struct upc_dwarf *d, const struct dw_die *die, uint64_t pc);
int dw_entry_pc(struct upc_dwarf *d, const struct dw_die *die, uint64_t *pc);
const char *dw_name(struct upc_dwarf *d, const struct dw_die *die);

/* Where pc is: the out-of-line function holding it (frame), the scopes
 * in it containing pc (the function first, then blocks and inlined
 * calls), its unit's root. */
#define DW_MAX_SCOPES 16
struct dw_where {
	uint64_t pc;
	struct dw_die frame, cu;
	struct dw_die scopes[DW_MAX_SCOPES];
	unsigned nscopes;
};
int dw_where_at(struct upc_dwarf *d, uint64_t pc, struct dw_where *w);
/* The innermost function of w: an inlined one, or the frame's. */
const struct dw_die *dw_where_func(const struct dw_where *w);

/* Is s a plain function name (C, C++ or Rust), perhaps with a place's
 * @0xADDRESS: no '+', other '@', space, and no digit first (a symbol
 * spec's)? */
bool upc_src_func_name(const char *s);

/* The canonical frame address at pc as a register (DWARF number) plus
 * offset, from .eh_frame or .debug_frame: 0, -ENOENT (no rule covers pc),
 * -EOPNOTSUPP (an expression), -EINVAL. */
int dw_cfa(struct upc_dwarf *d, uint64_t pc, int *reg, int64_t *off);

/* Raw deflate (RFC 1951) into a malloc'd buffer of at most max bytes. */
int upc_inflate(const unsigned char *in, size_t len, char **out, size_t *outlen, size_t max);

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
