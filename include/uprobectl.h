/* SPDX-License-Identifier: MIT */
/*
 * libuprobectl: resolve ELF symbols to uprobe file offsets for any
 * architecture, and describe, create, enable and read tracefs uprobes.
 *
 * Conventions
 * - Every function that can fail returns 0 (or a positive count) on success
 *   and a negative errno on failure; it never prints. Explanations go to the
 *   print callback set with upc_set_print(), one line per message.
 * - A function documented as "explained" reports every failure it returns
 *   through the callback, once (the caller only maps it to a status); the
 *   others are silent and leave the wording to the caller.
 * - Objects are opaque and created by upc_X_open()/upc_X_new(); each has a
 *   matching upc_X_close()/upc_X_free() that accepts NULL.
 * - Strings a function hands back in a struct (symbol names, versions) point
 *   into the mapped file and stay valid until the upc_elf they came from is
 *   closed. Nothing handed back is to be freed by the caller.
 */
#ifndef UPROBECTL_H
#define UPROBECTL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UPC_VERSION "0.1.0"

/* ---- messages ---------------------------------------------------------- */

enum upc_print_level {
	UPC_ERROR,	/* why the call failed, and how to fix it */
	UPC_WARN,	/* the call succeeded, but the user should know this */
	UPC_INFO,
	UPC_DEBUG,
};

/* fmt has no trailing newline. */
typedef void (*upc_print_fn)(enum upc_print_level level, const char *fmt,
			     va_list ap);

/* Install fn (NULL: discard every message); returns the previous one. */
upc_print_fn upc_set_print(upc_print_fn fn);

/* ---- gzip ------------------------------------------------------------------ */

/* Decompress the gzip stream in (len bytes) into a malloc'd, NUL-terminated
 * buffer of at most max bytes (the kernel's /proc/config.gz, the CLI's help
 * texts). Returns 0, -EINVAL for a damaged stream, -EFBIG beyond max or
 * -ENOMEM; nothing is read or written outside the buffers. */
int upc_gunzip(const unsigned char *in, size_t len, char **out, size_t *outlen, size_t max);

/* ---- architectures ------------------------------------------------------ */

struct upc_arch;

/* The table for an ELF e_machine and class (1 = ELF32, 2 = ELF64), or NULL. */
const struct upc_arch *upc_arch_by_machine(unsigned machine, int elfclass);
/* By name ("aarch64", "x86_64", "arm", "riscv64", ...), or NULL. */
const struct upc_arch *upc_arch_by_name(const char *name);
/* Iterate: i = 0, 1, ... until NULL. */
const struct upc_arch *upc_arch_at(unsigned i);

const char *upc_arch_name(const struct upc_arch *arch);
unsigned upc_arch_machine(const struct upc_arch *arch);
/* Address alignment the kernel demands of a probe on this architecture. */
unsigned upc_arch_insn_align(const struct upc_arch *arch);
/* Kernel fetch args for the stack pointer, the return value and the return
 * address at function entry, e.g. "%sp", "%x0", "%x30". */
const char *upc_arch_sp(const struct upc_arch *arch);
const char *upc_arch_retval(const struct upc_arch *arch);
const char *upc_arch_ra(const struct upc_arch *arch);
/* The fetch arg holding integer argument n (1-based) at function entry:
 * a register ("%x0") or a stack slot ("+8(%sp)"). Returns its length, or
 * -ERANGE when buf is too small, -EINVAL when n is 0. */
int upc_arch_arg(const struct upc_arch *arch, unsigned n, char *buf, size_t len);
/* Whether the kernel knows register name (without '%') for this arch. */
bool upc_arch_has_reg(const struct upc_arch *arch, const char *name, size_t len);
/* Space-separated list of every register name the kernel accepts. */
const char *upc_arch_regs(const struct upc_arch *arch);

/* ---- ELF files ----------------------------------------------------------- */

struct upc_elf;

struct upc_elf_opts {
	size_t sz;		/* sizeof(struct upc_elf_opts) */
	/* Root of the target's filesystem when resolving a board's files on a
	 * build host: PATH is read as SYSROOT/PATH, debug files are looked up
	 * below it, and probe definitions still name PATH. */
	const char *sysroot;
	/* Extra directory searched for separate debug files before
	 * /usr/lib/debug (build-id and debuglink layouts). */
	const char *debug_dir;
	/* Do not look for a separate debug file. */
	bool no_debug_file;
	/* Explain nothing: for lookups that may fail (symbolizing frames). */
	bool quiet;
};

/* Map PATH (absolute, as the target sees it) read-only and check its ELF
 * structure. On success *out owns the mapping. Explained. */
int upc_elf_open(const char *path, const struct upc_elf_opts *opts,
		 struct upc_elf **out);
void upc_elf_close(struct upc_elf *elf);

const char *upc_elf_path(const struct upc_elf *elf);	/* as given */
/* The separate debug file in use, or NULL. */
const char *upc_elf_debug_path(const struct upc_elf *elf);
const struct upc_arch *upc_elf_arch(const struct upc_elf *elf); /* never NULL */
unsigned upc_elf_machine(const struct upc_elf *elf);
int upc_elf_class(const struct upc_elf *elf);		/* 32 or 64 */
bool upc_elf_big_endian(const struct upc_elf *elf);
unsigned upc_elf_type(const struct upc_elf *elf);	/* ET_EXEC, ET_DYN */
/* Which file was read (st_dev, st_ino), to check that a path still names it
 * when the definition is written; 0 for an image in memory. */
void upc_elf_file_id(const struct upc_elf *elf, uint64_t *dev, uint64_t *ino);

enum upc_sym_table {
	UPC_SYMTAB = 1,		/* .symtab of the file itself */
	UPC_DYNSYM = 2,		/* .dynsym */
	UPC_DEBUG_SYMTAB = 3,	/* .symtab of the separate debug file */
};

struct upc_sym {
	const char *name;	/* not NUL-terminated at name_len when versioned */
	size_t name_len;	/* the name without any @VERSION */
	const char *version;	/* NUL-terminated, or NULL when unversioned */
	bool default_version;	/* name@@VER (true) or name@VER (false) */
	uint64_t value;		/* st_value (Thumb bit included) */
	uint64_t addr;		/* the code address: value with the Thumb bit
				 * cleared and the ppc64 local entry applied */
	uint64_t size;
	uint64_t offset;	/* file offset of addr, UPC_NO_OFFSET if addr
				 * is in no executable segment */
	unsigned char type;	/* STT_FUNC, STT_GNU_IFUNC, STT_NOTYPE */
	unsigned char bind;	/* STB_LOCAL, STB_GLOBAL, STB_WEAK */
	unsigned char other;	/* st_other */
	const char *source;	/* STT_FILE in effect for a local, or NULL */
	enum upc_sym_table table;
};
#define UPC_NO_OFFSET UINT64_MAX

/* Called for each defined function symbol; a non-zero return stops the walk
 * and is returned. When the file (or its debug file) has a .symtab, that
 * table is walked, with versions taken from .dynsym; otherwise .dynsym.
 * Explained. */
typedef int (*upc_sym_cb)(const struct upc_sym *sym, void *ctx);
int upc_elf_foreach_sym(struct upc_elf *elf, upc_sym_cb cb, void *ctx);

/* A file as people name it (no '/'): a library (libc, libc.so.6, libssl:
 * a name starting "lib" or holding ".so") the way the dynamic linker finds
 * it (glibc's /etc/ld.so.cache, musl's /etc/ld-musl-ARCH.path, then the
 * default directories), or a program through PATH; only a file of the
 * running kernel's machine and class (with sysroot: of SYSROOT/bin/sh),
 * looked up inside sysroot when given. path is as the target sees it; *how
 * says where it was found. -ENOENT when nothing fits. */
int upc_find_file(const char *name, const char *sysroot, char *path, size_t len,
		  const char **how);
/* A program through PATH alone, as execvp runs it (a name with no '/'),
 * of the running kernel's machine: 0, -EINVAL or -ENOENT. */
int upc_find_program(const char *name, char *path, size_t len);
/* The ELF file the kernel finally runs for COMMAND as execvp starts it
 * (through PATH when it holds no '/', any executable file), following
 * each script's "#!" interpreter as the kernel does, at most
 * UPC_MAX_INTERP deep, into path (absolute); *scripts is how many "#!"
 * lines were followed. On failure path names the file at fault: -ENOENT
 * (no such file: COMMAND or an interpreter), -ENOEXEC (neither an ELF
 * file nor a script with an interpreter), -ELOOP (nested too deep). */
#define UPC_MAX_INTERP 5
int upc_exec_image(const char *cmd, char *path, size_t len, unsigned *scripts);
/* Each (soname, path) of an ld.so.cache image (old, new or both formats);
 * a non-zero return of cb stops the walk and is returned. -EINVAL when it
 * is no cache. */
int upc_ldcache_foreach(const char *buf, size_t len,
			int (*cb)(const char *soname, const char *path, void *ctx), void *ctx);
/* The program interpreter (PT_INTERP: the dynamic loader) into buf;
 * -ENOENT for a static program, -EINVAL when damaged or longer than len. */
int upc_elf_interp(const struct upc_elf *elf, char *buf, size_t len);
/* Each DT_NEEDED library name. */
int upc_elf_foreach_needed(struct upc_elf *elf,
			   int (*cb)(const char *lib, void *ctx), void *ctx);

struct upc_location;
/* The function symbol whose code holds file offset OFF: loc filled as
 * upc_resolve does for a raw offset, loc->sym.name NULL when no symbol
 * holds it; -ERANGE when OFF is in no executable segment. Silent. */
int upc_elf_sym_at(struct upc_elf *elf, uint64_t off, struct upc_location *loc);
/* "FUNC", "IFUNC", or "THUMB" for ARM Thumb code. */
const char *upc_sym_type_name(const struct upc_elf *elf, const struct upc_sym *sym);

/* File offset of a virtual address in an executable PT_LOAD, or -ENOENT. */
int upc_elf_addr_to_offset(struct upc_elf *elf, uint64_t addr, uint64_t *off);
/* Virtual address of a file offset in an executable PT_LOAD, or -ENOENT. */
int upc_elf_offset_to_addr(struct upc_elf *elf, uint64_t off, uint64_t *addr);

/* ---- demangling ----------------------------------------------------------- */

/* The source form of a C++ (Itanium ABI) or Rust (legacy or v0) symbol name
 * of len bytes (no @VERSION), allocated into *out, as binutils' c++filt
 * prints it ("ns::f(int) const", "core::fmt::write::h0123...",
 * "std[1a2b]::io::stdio::_print"). With UPC_DEMANGLE_SHORT, the name as
 * people write it to pick a function: C++ without parameters, Rust without
 * hashes ("ns::f", "core::fmt::write"). -EINVAL when name is none of these
 * (C names: not mangled), -ENOMEM. */
#define UPC_DEMANGLE_SHORT 1u
int upc_demangle(const char *name, size_t len, unsigned flags, char **out);

/* ---- Go programs ----------------------------------------------------------- */

/* What a Go program says of itself (its .go.buildinfo, else its build id
 * note or .gopclntab): go false for any other file. */
struct upc_go {
	bool go;
	char version[32];		/* "go1.19.8", "" when it does not say */
	unsigned major, minor;		/* 1, 19; 0 when unknown */
	bool regabi;			/* its functions take their arguments in
					 * registers (Go's ABIInternal) */
};
int upc_elf_go(struct upc_elf *elf, struct upc_go *g);
struct upc_match;
/* A return probe on a Go function is never a uretprobe (the kernel's
 * return address hijack breaks goroutine stacks that grow: golang/go#22008)
 * but an entry probe at each of its return instructions: those of SPEC's
 * function as matches (upc_resolve_glob's), each SPEC+0xOFF, its event
 * the function's made unique. 0 when SPEC is not a Go function; -EINVAL
 * when it has no return instruction or its code cannot be decoded
 * (explained). */
int upc_go_return_matches(struct upc_elf *elf, const char *spec, struct upc_match **out);

/* ---- resolving ---------------------------------------------------------- */

enum upc_loc_flags {
	UPC_LOC_IFUNC = 1 << 0,		/* the symbol is an IFUNC resolver */
	UPC_LOC_LOCAL_ENTRY = 1 << 1,	/* ppc64 ELFv2 local entry applied */
	UPC_LOC_RAW = 1 << 2,		/* given as a raw file offset */
	UPC_LOC_USDT = 1 << 3,		/* a USDT probe (no symbol) */
};

struct upc_location {
	uint64_t offset;	/* file offset to probe */
	uint64_t addr;		/* its virtual address */
	struct upc_sym sym;	/* the symbol at or containing it (name NULL
				 * for a raw offset inside no symbol) */
	uint64_t sym_off;	/* addr - sym.addr */
	unsigned flags;		/* enum upc_loc_flags */
};

/*
 * Resolve SPEC to a probe location. SPEC is one of
 *   NAME            exact name; a bare name matches the default version
 *   NAME@VER        that version (default or not)
 *   NAME@@VER       that version, only as the default
 *   NAME@0xADDR     the definition of NAME at address ADDR (ambiguities)
 *   NAME+OFF        OFF bytes into NAME, checked against its size
 *   0xOFF           a raw file offset inside an executable segment
 * Errors: -ENOENT (no such symbol; imported symbols are explained with the
 * libraries that define them), -ENOTUNIQ (several definitions at different
 * addresses: each is described), -ERANGE (OFF outside the symbol or the
 * segment), -EINVAL (bad SPEC, misaligned), -ENOTSUP (ARM Thumb function).
 * Explained.
 */
int upc_resolve(struct upc_elf *elf, const char *spec,
		struct upc_location *loc);

/* ---- USDT probes --------------------------------------------------------- */

/* A SystemTap SDT probe: one NT_STAPSDT note of .note.stapsdt. */
struct upc_usdt {
	const char *provider, *name;	/* NUL-terminated, in the file */
	const char *args;		/* the argument specs, "-4@%eax 8@8(%rsp)" */
	uint64_t pc;			/* the probe's address, moved as the file's
					 * .stapsdt.base moved since linking */
	uint64_t offset;		/* pc's file offset, UPC_NO_OFFSET if in no
					 * executable segment */
	uint64_t sema;			/* the semaphore's address, 0 if none */
	uint64_t sema_offset;		/* its file offset: the kernel's
					 * ref_ctr_offset (UPC_NO_OFFSET: none) */
	uint64_t note_pc, note_base;	/* as the note has them */
};
/* Called for each note in file order; a non-zero return stops the walk and
 * is returned. A file without notes walks none (0). Explained. */
typedef int (*upc_usdt_cb)(const struct upc_usdt *u, void *ctx);
int upc_usdt_foreach(struct upc_elf *elf, upc_usdt_cb cb, void *ctx);
/* "PROVIDER:NAME", allocated (what patterns match), or NULL. */
char *upc_usdt_name(const struct upc_usdt *u);

/* ---- probe definitions -------------------------------------------------- */

#define UPC_DEFAULT_GROUP "uprobectl"
#define UPC_DEF_MAX 4096	/* a definition and its NUL (the kernel's
				 * limit is 4094 bytes) */
#define UPC_NAME_MAX 63		/* kernel's MAX_EVENT_NAME_LEN - 1 */

/* Make an event name from a symbol name: characters outside [A-Za-z0-9_]
 * become '_', a leading digit gets a '_' prefix, and a name too long keeps
 * its head and gets a hash of the whole. A C++ or Rust name is made from
 * its short demangled form, each run of other characters one '_'
 * (_ZN4shop4Cart3addEi: shop_Cart_add). Returns the length. */
int upc_event_name(const char *sym, size_t sym_len, char *buf, size_t len);

/* Is SPEC a pattern (does it hold '*', '?' or '[')? */
bool upc_spec_is_glob(const char *spec);
/* Does s (len bytes) match the shell pattern: *, ?, [set], [!set] with
 * ranges, and \ to quote (fnmatch(3) without flags)? */
bool upc_glob(const char *pattern, const char *s, size_t len);
/* Does a symbol's name (len bytes, no version) match PATTERN? A pattern
 * holding "::" or "(" is one of a C++ or Rust name as written in the
 * source, matched against the demangled name, spaces left out of both
 * ("shop::*", "shop::Cart::add(*)": with "(" the parameters are part of
 * it); any other against the name as it is in the file. */
bool upc_sym_glob(const char *pattern, const char *name, size_t len);
/* Is SPEC a C++ or Rust function as written in the source (it holds "::"
 * or "(")? upc_resolve finds it among the demangled names. */
bool upc_spec_is_source_name(const char *spec);

/* One function a pattern matched (upc_resolve_glob). */
struct upc_match {
	char *name;			/* without any version; demangled in full
					 * when matched by a source name pattern */
	char *symbol;			/* then the symbol's own name, else NULL */
	char *spec;			/* NAME@0xVALUE: this function alone */
	uint64_t value;			/* st_value */
	uint64_t addr, offset;		/* its code: as struct upc_sym's */
	char event[UPC_NAME_MAX + 1];	/* from name, unique among the matches */
};
/* What a pattern matched but cannot be probed, left out. */
struct upc_glob_left {
	unsigned ifunc;			/* IFUNC resolvers (run once, at load) */
	unsigned thumb;			/* ARM Thumb code */
	unsigned outside;		/* in no executable segment */
};
/* The functions of ELF whose name (without its version) matches the
 * shell PATTERN (upc_glob): one per code address (of several names at one
 * address, the shortest), sorted by name. *out is allocated (free it with
 * upc_matches_free); left counts what was left out. Returns how many
 * (0 when none), or -errno (explained). */
int upc_resolve_glob(struct upc_elf *elf, const char *pattern, struct upc_match **out,
		     struct upc_glob_left *left);
void upc_matches_free(struct upc_match *m, int n);

/* Default fetch args for ARCH: "arg1=... argN=... ra=..." for an entry
 * probe with nargs integer arguments, "ret=$retval" for a return probe
 * (the return register where the kernel may negate $retval).
 * Returns the length, or -ERANGE. */
int upc_default_fetchargs(const struct upc_arch *arch, unsigned nargs,
			  bool ret, char *buf, size_t len);

/* Numbers as the kernel takes them: 0x hex, 0 octal, else decimal, the
 * whole of s (or of its len bytes); -EINVAL or -ERANGE otherwise. */
int upc_parse_number(const char *s, uint64_t *v);
int upc_parse_u64(const char *s, size_t len, uint64_t *v);

/* Checks for what goes into a definition; each explains a refusal. */
/* Absolute, valid UTF-8, and no byte the kernel's parser splits or stops
 * at: white space (its isspace() includes 0xA0), '#', control characters. */
int upc_check_path(const char *path);
/* The length of the valid UTF-8 sequence at s (of n bytes), 0 if none. */
size_t upc_utf8_seq(const char *s, size_t n);
int upc_check_name(const char *what, const char *name, bool dash_ok);

/* ---- fetch arguments ----------------------------------------------------- */

/*
 * Translate and check the user's fetch arguments for ARCH, one per element
 * of argv, into the kernel's syntax, space-separated in out. Each is
 * [NAME=]EXPR[:TYPE] where EXPR is the kernel's (%REG, @ADDR, @+OFF,
 * $stack, $stackN, $comm, $retval, +|-OFF(EXPR), \IMM) or one of the
 * arch-neutral names uprobectl adds: $argN (integer argument N, a register
 * or a stack slot per the ABI), $ra (return address at entry), $sp. ret
 * says whether the probe is a return probe ($retval is allowed only there).
 * Refusals are explained (which argument, what is wrong) and return -EINVAL.
 * Returns the length of out.
 */
int upc_fetchargs_translate(const struct upc_arch *arch, bool ret, int argc,
			    char *const argv[], char *out, size_t len);

#define UPC_MAX_ARGS 128	/* kernel's MAX_TRACE_ARGS */
#define UPC_MAX_ARGSTR 63	/* kernel's MAX_ARGSTR_LEN */
#define UPC_MAX_ARGNAME 32	/* kernel's MAX_ARG_NAME_LEN */

/* ---- probes ------------------------------------------------------------------ */

/* One uprobe: what upc_probe_describe() builds from an ELF file, what
 * upc_probe_parse() reads back from a line of uprobe_events, what
 * upc_probe_format() writes and upc_probe_create() defines. */
struct upc_probe {
	char kind;			/* 'p' entry, 'r' return */
	char group[UPC_NAME_MAX + 1], event[UPC_NAME_MAX + 1];
	char path[4096];		/* absolute, without links */
	uint64_t offset;
	bool has_ref_ctr;		/* a USDT semaphore: PATH:0xOFF(0xREF) */
	uint64_t ref_ctr;
	char args[4096];		/* fetch args in the kernel's syntax */
	/* Described from a file only (zero when parsed): */
	const struct upc_arch *arch;
	uint64_t dev, ino;		/* the file read, checked again by
					 * upc_probe_create (0: a sysroot) */
	struct upc_location loc;	/* symbol strings: valid while the
					 * upc_elf is open */
};

struct upc_probe_opts {
	size_t sz;			/* sizeof(struct upc_probe_opts) */
	const char *group;		/* NULL: UPC_DEFAULT_GROUP */
	const char *event;		/* NULL: from the symbol ("probe" for a
					 * raw offset in no symbol) */
	bool ret;			/* a return probe */
	unsigned nargs;			/* without fetchargs: record this many
					 * integer arguments (and ra) */
	/* The file was opened below a sysroot: name it as the target sees
	 * it, and do not check which file it is when writing. */
	bool sysroot;
	/* A source function's out-of-line copy only (upc_src_places). */
	bool no_inlines;
};

/*
 * Resolve SPEC in ELF (see upc_resolve) and build its probe: the path the
 * kernel will open (absolute and without links, checked to be the file
 * that was read), the event name, and the fetch arguments (fetchargs, a
 * NULL-terminated list of the user's, translated for the file's
 * architecture; NULL or empty: the defaults of upc_default_fetchargs).
 * Every refusal is explained. Nothing is written anywhere.
 */
int upc_probe_describe(struct upc_elf *elf, const char *spec, char *const fetchargs[],
		       const struct upc_probe_opts *opts, struct upc_probe *p);
/* "p:GROUP/EVENT PATH:0xOFFSET FETCHARGS" into buf, after checking every
 * field the kernel parses (explained). Returns the length. */
int upc_probe_format(const struct upc_probe *p, char *buf, size_t len);
/* One line of uprobe_events (len bytes, no newline). */
int upc_probe_parse(const char *line, size_t len, struct upc_probe *p);
/* The same definition: group, event, kind, file, offset, reference
 * counter, and the fetch arguments as the kernel lists them (an unnamed
 * argument K is listed as argK=). */
bool upc_probe_equal(const struct upc_probe *a, const struct upc_probe *b);

/* The name of p's first fetch argument whose expression is EXPR (with any
 * type), into name: its length, or 0 when none fetches it. */
size_t upc_probe_arg_fetching(const struct upc_probe *p, const char *expr, char *name,
			      size_t len);

/* Check an event filter for p's event as the kernel would parse it:
 * FIELD OP VALUE predicates (fields: p's arguments and the common ones)
 * joined by && ||, with ! and parentheses. Explained. */
int upc_filter_check(const struct upc_probe *p, const char *expr);
/* Is NAME a field of p's event (one of its arguments, or a common one)? */
bool upc_probe_has_field(const struct upc_probe *p, const char *name);

/* ---- group locks ---------------------------------------------------------- */

/* One uprobectl run at a time changes a group: an exclusive lock for a
 * run that changes it, a shared one for one that reads it whole. Waits up
 * to wait seconds; then -EWOULDBLOCK with the holder's pid in *holder (0
 * when unknown). The lock dies with its process: a killed run never blocks
 * the next. UPROBECTL_LOCK_DIR overrides where the lock files are. */
struct upc_lock;
int upc_group_lock(const char *group, bool exclusive, double wait, struct upc_lock **lock,
		   long *holder);
void upc_group_unlock(struct upc_lock *lock);

/* ---- tracefs -------------------------------------------------------------- */

struct upc_tracefs;

/* Find tracefs: DIR when given, else $UPROBECTL_TRACEFS, else tracefs (or
 * debugfs/tracing) in /proc/mounts, else mount tracefs at
 * /sys/kernel/tracing. Explained. */
int upc_tracefs_open(const char *dir, struct upc_tracefs **out);
void upc_tracefs_close(struct upc_tracefs *t);
const char *upc_tracefs_root(const struct upc_tracefs *t);
const char *upc_tracefs_how(const struct upc_tracefs *t);	/* how it was found */
const char *upc_tracefs_machine(const struct upc_tracefs *t);	/* kernel's uname -m */
int upc_tracefs_path(const struct upc_tracefs *t, const char *rel, char *buf, size_t len);
bool upc_tracefs_exists(const struct upc_tracefs *t, const char *rel);
/* Read a whole file into buf (NUL-terminated); returns its length. */
int upc_tracefs_read(const struct upc_tracefs *t, const char *rel, char *buf, size_t len);
/* Read a whole file into a malloc'd buffer the caller frees (as
 * upc_read_file does). */
int upc_tracefs_read_alloc(const struct upc_tracefs *t, const char *rel, char **buf,
			   size_t *len);
int upc_tracefs_write(const struct upc_tracefs *t, const char *rel, const char *s);

/* What the kernel said when it refused a write (from error_log). */
struct upc_kernel_error {
	char msg[256];		/* "Invalid register name"; empty if none */
	char command[4096];	/* the definition as the kernel saw it */
	int caret;		/* index into command of the fault, or -1 */
};

/* Append one line to REL (O_WRONLY|O_APPEND, one write, never O_TRUNC); on
 * failure fill kerr from the entry the kernel added to error_log. */
int upc_tracefs_append(const struct upc_tracefs *t, const char *rel, const char *line,
		       struct upc_kernel_error *kerr);

typedef int (*upc_probe_cb)(const struct upc_probe *p, void *ctx);
/* Each probe of GROUP (NULL: of every group) in uprobe_events; a non-zero
 * return of cb stops the walk and is returned (as it is: the callback
 * explains its own failures). Explained. */
int upc_probe_foreach(const struct upc_tracefs *t, const char *group, upc_probe_cb cb,
		      void *ctx);
/* Define p in one write, after checking its file is still the one that
 * was read (-ESTALE when not). Silent: a refusal by the kernel is in kerr
 * (when given), for the caller to explain; whatever a refused write left
 * of the event is deleted. */
int upc_probe_create(const struct upc_tracefs *t, const struct upc_probe *p,
		     struct upc_kernel_error *kerr);
/* Delete EVENT of GROUP (NULL: every event of the group). force first
 * disables it at the top level and in every instance and removes its
 * triggers (the kernel refuses to delete an event in use). Silent; -ENOENT
 * when there is no such event. */
int upc_probe_destroy(const struct upc_tracefs *t, const char *group, const char *event,
		      bool force, struct upc_kernel_error *kerr);
/* Hits of an event's probes from uprobe_profile. */
int upc_probe_hits(const struct upc_tracefs *t, const char *path, const char *event,
		   uint64_t *hits);

/* events/GROUP[/EVENT]/enable, at the top level or in an instance: get
 * returns 0, 1, or 2 when a group's events differ. */
int upc_event_get_enable(const struct upc_tracefs *t, const char *instance,
			 const char *group, const char *event);
int upc_event_set_enable(const struct upc_tracefs *t, const char *instance,
			 const char *group, const char *event, bool on);
/* events/GROUP/EVENT/trigger: add (or with !, remove) one trigger; list
 * the triggers there, one per line, without " [active]". */
int upc_event_trigger(const struct upc_tracefs *t, const char *group, const char *event,
		      const char *trigger, bool on);
int upc_event_triggers(const struct upc_tracefs *t, const char *group, const char *event,
		       char *buf, size_t len);
/* Remove every trigger of an event (of a group of ours). */
void upc_event_clear_triggers(const struct upc_tracefs *t, const char *group, const char *event);
/* events/GROUP/EVENT/filter: read (empty when none), or set (NULL or "":
 * clear). Check a filter with upc_filter_check() first. */
int upc_event_filter(const struct upc_tracefs *t, const char *group, const char *event,
		     char *buf, size_t len);
int upc_event_set_filter(const struct upc_tracefs *t, const char *group, const char *event,
			 const char *expr);

/* tracing_on: on = 0 or 1 sets it, -1 reads it. */
int upc_tracing_on(const struct upc_tracefs *t, const char *instance, int on);

/* ---- tracefs instances ------------------------------------------------------ */

/* A tracefs instance (instances/NAME): a buffer, pid filter and options of
 * its own, so a session changes nothing other tools rely on. NULL NAME is
 * the top level. */
struct upc_instance;

/* Use instance NAME, making it when it does not exist; exclusive: it must
 * not exist yet (-EEXIST). Silent. */
int upc_instance_open(const struct upc_tracefs *t, const char *name, bool exclusive,
		      struct upc_instance **out);
/* Remove the instance if upc_instance_open made it (its buffer, filter and
 * options go with it); close its trace_pipe first. Accepts NULL. */
int upc_instance_close(struct upc_instance *inst);
const char *upc_instance_name(const struct upc_instance *inst);	/* NULL: top */
bool upc_instance_created(const struct upc_instance *inst);
/* A file of the instance, relative to tracefs: "instances/NAME/FILE". */
int upc_instance_path(const struct upc_instance *inst, const char *file, char *buf,
		      size_t len);
int upc_instance_read(const struct upc_instance *inst, const char *file, char *buf,
		      size_t len);
int upc_instance_write(const struct upc_instance *inst, const char *file, const char *s);
/* events/GROUP[/EVENT]/enable in the instance. */
int upc_instance_enable(const struct upc_instance *inst, const char *group,
			const char *event, bool on);
/* options/OPTION. */
int upc_instance_set_option(const struct upc_instance *inst, const char *option, bool on);
/* Its trace_pipe, opened non-blocking: a file descriptor the caller closes. */
int upc_instance_pipe(const struct upc_instance *inst);

/* ---- DWARF: the program's source ------------------------------------------------- */

/* The DWARF of an ELF file (its own, or its separate debug file's, with the
 * dwz file that one may share), read by uprobectl's own reader. Explained:
 * -ENOENT when there is none. */
struct upc_dwarf;
int upc_dwarf_open(struct upc_elf *e, const struct upc_elf_opts *opts, struct upc_dwarf **out);
void upc_dwarf_close(struct upc_dwarf *d);
/* The DWARF of elf, opened at the first call and kept with it (closed by
 * upc_elf_close): the debug file and dwz file found with the options elf
 * was opened with. Explained. */
int upc_elf_dwarf(struct upc_elf *elf, struct upc_dwarf **d);

/*
 * A probe point in the program's source, one of
 *   FUNC            a function: out of line past its prologue (when its
 *                   parameters are stored there first, as at -O0) and
 *                   every place it was inlined
 *   FUNC@FILE       the function of that name defined in FILE (a static one)
 *   FUNC:N          line N of FUNC, counted from the line it starts on
 *   FILE:LINE       a line of a source file, FILE being its last path
 *                   components ("dwtest.c", "progs/dwtest.c")
 * each optionally followed by @0xADDRESS to name one of its places. FILE
 * holds a '/' or ends like a source file (.c, .h, .cc, .cpp, .rs, .go,
 * ...): "malloc@GLIBC_2.2.5" stays a symbol version.
 */
bool upc_spec_is_source(const char *spec);
/* A fetch argument naming the source ([NAME=]VAR..., $params, $vars)
 * rather than the kernel's (%REG, +OFF(...), @ADDR, $argN, ...). */
bool upc_src_fetcharg(const char *arg);

struct upc_src_place {
	uint64_t addr, offset;		/* the code address, its file offset */
	char func[128];			/* the function the code is of */
	char caller[128];		/* an inlined copy: the function it is in */
	char file[256];			/* the source file and line there */
	unsigned line;
	bool inlined;			/* a copy inlined into caller */
	bool prologue;			/* moved past the function's prologue */
	bool at_line;			/* asked for as a line (FILE:LINE, FUNC:N) */
};

enum upc_src_flags {
	UPC_SRC_NO_INLINES = 1 << 0,	/* FUNC: its out-of-line copy only */
	UPC_SRC_RETURN = 1 << 1,	/* a return probe: the out-of-line
					 * function's entry, no line */
	UPC_SRC_FUNC = 1 << 2,		/* a plain FUNC is a source function
					 * (for source fetch arguments) rather
					 * than a symbol's first instruction */
};
/* The places of SPEC in elf: a source point (above), or a symbol as
 * upc_resolve takes it (one place, described from the DWARF). *out is
 * allocated (free it); returns how many, 1 or more, or -errno (explained:
 * no such function or line, no code at the line, ...). */
int upc_src_places(struct upc_elf *elf, const char *spec, unsigned flags,
		   struct upc_src_place **out);

/* The places of SPEC as matches (upc_resolve_glob's): each named by its
 * function (FUNC_L<line> for a line), made unique, with a spec naming it
 * alone (SPEC@0xADDRESS). Returns how many, or -errno (explained). */
int upc_src_matches(struct upc_elf *elf, const char *spec, unsigned flags,
		    struct upc_match **out);
/* Does a probe of SPEC with these fetch arguments need the DWARF: a
 * source point, or a source fetch argument? */
bool upc_probe_is_source(const char *spec, char *const fetchargs[]);

/* The kernel's fetch argument for source fetch argument ARG
 * ([NAME=]EXPR[:TYPE], $params, $vars) at place pl, appended to out
 * (space-separated): EXPR is VAR, VAR->FIELD, VAR.FIELD, VAR[N], *VAR,
 * chained; NAME defaults to EXPR's words joined by '_'. What the kernel
 * cannot fetch there is refused, explained. */
int upc_dwarf_fetcharg(struct upc_dwarf *d, const struct upc_src_place *pl, const char *arg,
		       char *out, size_t len);

/* A variable visible at a place (upc_src_vars). */
struct upc_src_var {
	const char *name;
	char type[128];			/* C-like: "struct req *", "int[4]" */
	enum { UPC_VAR_PARAM, UPC_VAR_LOCAL, UPC_VAR_GLOBAL } kind;
	char fetch[128];		/* the kernel's expression of its value,
					 * "" when it has none here */
	const char *why;		/* why not (fetch ""), else NULL */
	char where[256];		/* where it can be had: "0x1139-0x1150
					 * 0x1170-0x1188" ("" unknown) */
};
/* Each parameter and local variable visible at pl (innermost scope
 * last), with globals the unit's variables too. cb's non-zero return stops
 * the walk and is returned. Explained. */
int upc_src_vars(struct upc_dwarf *d, const struct upc_src_place *pl, bool globals,
		 int (*cb)(const struct upc_src_var *v, void *ctx), void *ctx);

/* The lines of a function (FUNC, FUNC@FILE) or of a range of a source
 * file (FILE:FROM-TO, FILE:LINE): the range, the source file's path as
 * the DWARF names it (its directory joined), and each line in it that
 * has code, with its first address. */
struct upc_src_line {
	unsigned line;
	uint64_t addr;			/* its lowest address */
	unsigned places;		/* how many places it has */
};
struct upc_src_lines {
	char path[4096];
	unsigned from, to;
	struct upc_src_line *lines;	/* allocated: upc_src_lines_free */
	size_t n;
};
int upc_src_lines(struct upc_dwarf *d, const char *spec, struct upc_src_lines *out);
void upc_src_lines_free(struct upc_src_lines *l);

/* ---- trace event formats ------------------------------------------------------ */

/* The fields of an event (its events/GROUP/EVENT/format), to print its raw
 * records (perf's PERF_SAMPLE_RAW) as trace_pipe prints them. */
enum upc_field_kind {
	UPC_FIELD_INT, UPC_FIELD_HEX, UPC_FIELD_CHAR, UPC_FIELD_BOOL,
	UPC_FIELD_STRING,		/* __data_loc char[] */
	UPC_FIELD_CHARS,		/* char[N] */
	UPC_FIELD_PROBE_IP, UPC_FIELD_PROBE_FUNC, UPC_FIELD_PROBE_RET_IP,
};
#define UPC_FIELD_NAME_MAX 63
#define UPC_TP_MAX_FIELDS (UPC_MAX_ARGS + 8)
struct upc_field {
	char name[UPC_FIELD_NAME_MAX + 1];
	uint16_t offset, size;		/* size: of one element */
	uint16_t count;			/* elements of an array, 0: none */
	bool is_signed;
	bool quoted;			/* a string printed between quotes */
	uint8_t kind;			/* enum upc_field_kind */
};
struct upc_tp_format {
	char name[UPC_NAME_MAX + 1];
	unsigned id;
	bool uprobe, ret;		/* a uprobe event; a return probe's */
	bool big_endian;		/* the kernel's byte order (parse: ours) */
	unsigned nfields;		/* common_* fields left out */
	struct upc_field fields[UPC_TP_MAX_FIELDS];
};
/* Parse a format file (len bytes): 0, or -EINVAL, -E2BIG. */
int upc_tp_format_parse(const char *text, size_t len, struct upc_tp_format *f);
/* What trace_pipe prints after "EVENT: " for a raw record (rawlen bytes,
 * its common fields first), into buf: its length, -EINVAL when the
 * record is too short for its fields, -ENOSPC when buf is. */
int upc_tp_format_print(const struct upc_tp_format *f, const void *raw, size_t rawlen,
			char *buf, size_t len);

/* ---- one budget for the kernel's buffers ------------------------------------------ */

/* The default budget for every buffer uprobectl asks the kernel for, in
 * KiB for all ncpus CPUs, from /proc/meminfo's text (len bytes): 5% of
 * MemAvailable (MemFree when the kernel has no MemAvailable), at most 16
 * MiB per CPU; *avail_kb is the memory it is taken from. -ENOENT, -EINVAL
 * when the text has neither. */
int upc_buffer_budget(const char *meminfo, size_t len, unsigned ncpus, uint64_t *kb,
		      uint64_t *avail_kb);
/* A size as people write it, "4M", "512K", "64KiB", "1G", or bytes, into
 * KiB (at least 1): 0, -EINVAL or -ERANGE. */
int upc_parse_size(const char *s, uint64_t *kb);

/* ---- perf events: probes armed only in the processes followed ------------------ */

/* The events of a group opened with perf_event_open(2) for some tasks: a
 * uprobe is then armed in their memory only (and in their children's,
 * which they inherit, across execs), never in the other processes that
 * map its file. Records come as the lines trace_pipe prints, in time
 * order; or (counting) the kernel only counts. */
struct upc_perf;
struct upc_perf_opts {
	size_t sz;
	const long *pids;		/* the tasks followed */
	size_t npids;
	bool threads;			/* each of pids is a process: every thread */
	bool enable_on_exec;		/* a task held before its exec: from there */
	bool counting;			/* counters only, no records */
	bool stacks;			/* user call chains (frame pointers) */
	size_t buffer_kb;		/* per CPU, at most (0: 512); less where
					 * the kernel has no memory for it */
};
/* events: "GROUP/EVENT" each (uprobe events, and tracepoints as
 * "sched/sched_process_exec"). Disabled until upc_perf_enable (or the
 * exec). -errno: -ENOENT (no such event), -EACCES/-EPERM (not allowed
 * here), -ENOSYS (a kernel without perf events), -EMFILE (more
 * descriptors than the limit allows: tasks x CPUs x events). */
int upc_perf_open(const struct upc_tracefs *t, const char *const *events, size_t nevents,
		  const struct upc_perf_opts *o, struct upc_perf **out);
void upc_perf_close(struct upc_perf *p);
int upc_perf_enable(struct upc_perf *p, bool on);
/* Its ring buffers, to poll (one per CPU): how many, at most max. */
struct pollfd;
int upc_perf_pollfds(const struct upc_perf *p, struct pollfd *fds, int max);
/* The records read so far, as whole lines of trace_pipe text (the
 * record-tgid layout), at most len bytes: how many, or -errno. */
ssize_t upc_perf_read(struct upc_perf *p, char *buf, size_t len);
/* Were the records timed on the monotonic clock (as trace_clock mono)? */
bool upc_perf_monotonic(const struct upc_perf *p);
/* The size of each CPU's ring in KiB: at most buffer_kb (a power of two of
 * pages), less where the kernel had no memory for it (ENOMEM). */
size_t upc_perf_ring_kb(const struct upc_perf *p);
/* New rings of at most kb KiB each, taking over from the old ones with no
 * record lost or reordered: their size, or -errno (the old ones stay):
 * -EAGAIN while the records of the last resize's old rings are not all
 * read yet. */
long upc_perf_resize(struct upc_perf *p, size_t kb);
/* Have every ring say what it lost: a ring that filled up says so (a
 * LOST record) only before its next record, which may never come once the
 * processes followed are gone: read after this, at the end. 0, or -errno
 * (this process may not run on every CPU). */
int upc_perf_flush(struct upc_perf *p);
/* Records lost so far (the rings were full). */
uint64_t upc_perf_lost(const struct upc_perf *p);
/* The count of event number i (counting), its tasks' children included. */
int upc_perf_count(const struct upc_perf *p, size_t i, uint64_t *count);
/* Does a task followed live (one of those opened, or a child the records
 * showed)? */
bool upc_perf_following(const struct upc_perf *p);
/* Can this process open perf events at all? 0, or -errno. */
int upc_perf_check(void);

/* ---- answers: counts and distributions --------------------------------------- */

/* Hits per key (a string: a comm, a pid, an argument's text) and per exact
 * value, from the kernel's hist triggers or from records: buckets, sorting
 * and percentiles are computed here, the same way for both. */
struct upc_agg;

int upc_agg_new(struct upc_agg **out);
void upc_agg_free(struct upc_agg *a);
/* n hits of key (len bytes, copied). */
int upc_agg_key(struct upc_agg *a, const char *key, size_t len, uint64_t n);
/* n hits of the value v, or of -v when neg. */
int upc_agg_value(struct upc_agg *a, uint64_t v, bool neg, uint64_t n);
uint64_t upc_agg_hits(const struct upc_agg *a);	/* of keys and values */

struct upc_agg_entry {
	const char *key;	/* NUL-terminated, owned by the upc_agg */
	size_t len;
	uint64_t count;
};
/* The keys, most hits first (then by key), in a malloc'd array. */
int upc_agg_keys(const struct upc_agg *a, struct upc_agg_entry **out, size_t *n);

enum upc_bucketing {
	UPC_LOG2,	/* [0], [1], [2, 4), [4, 8) ... as bpftrace's hist() */
	UPC_LINEAR,	/* [0, step), [step, 2*step) ... */
};
struct upc_bucket {
	uint64_t lo, hi;	/* [lo, hi) */
	bool negative;		/* every value below 0 (lo and hi 0) */
	uint64_t count;
};
/* The buckets from the lowest value's to the highest's, the empty ones
 * between included, in a malloc'd array. */
int upc_agg_buckets(const struct upc_agg *a, enum upc_bucketing how, uint64_t step,
		    struct upc_bucket **out, size_t *n);

/* Of the values (negative ones count as 0): nearest-rank percentiles, and
 * the sum (UINT64_MAX when it overflows). */
struct upc_agg_stats {
	uint64_t count, min, max, p50, p90, p99, sum;
};
int upc_agg_stats(const struct upc_agg *a, struct upc_agg_stats *st);

/* A kernel hist file's entries ("{ KEY: VALUE } hitcount: N") into a: as
 * numbers (upc_agg_value) or as text (upc_agg_key), of the histogram whose
 * trigger has these keys (NULL: every one); *dropped is its "Dropped:"
 * count, the hits its table had no room for. */
int upc_hist_read(const char *text, size_t len, const char *keys, struct upc_agg *a,
		  bool numeric, uint64_t *dropped);

/* Entries and returns paired per thread with a stack of entry times, so
 * recursion and nested calls pair right. */
struct upc_pairing;
int upc_pairing_new(struct upc_pairing **out);
void upc_pairing_free(struct upc_pairing *p);
int upc_pairing_entry(struct upc_pairing *p, long tid, uint64_t ts);
/* The time since the thread's latest unreturned entry; -ENOENT when there is
 * none (a call that began before tracing did). */
int upc_pairing_return(struct upc_pairing *p, long tid, uint64_t ts, uint64_t *elapsed);
uint64_t upc_pairing_unmatched(const struct upc_pairing *p);

/* ---- leaks: allocations not yet freed ------------------------------------------ */

/* The file whose malloc a process uses (pid > 0: the files it maps), or a
 * program not started yet (pid <= 0: EXE, then its DT_NEEDED libraries as
 * upc_find_file finds them, then the loader): the first
 * that defines malloc, the program first, as the loader binds. -ENOENT when
 * none does (a stripped static program), -ESRCH for no such process. */
int upc_allocator_find(long pid, const char *exe, char *path, size_t len);

/* The allocator's functions, as probed. */
enum upc_alloc_fn {
	UPC_AF_MALLOC, UPC_AF_CALLOC, UPC_AF_REALLOC, UPC_AF_REALLOCARRAY, UPC_AF_FREE,
	UPC_AF_ALIGNED_ALLOC, UPC_AF_MEMALIGN, UPC_AF_VALLOC, UPC_AF_PVALLOC,
	UPC_AF_POSIX_MEMALIGN, UPC_AF_MMAP, UPC_AF_MUNMAP, UPC_AF_COUNT
};
/* "malloc" ... "munmap", or NULL. */
const char *upc_alloc_fn_name(enum upc_alloc_fn fn);

/* One call as its entry probe saw it: the arguments in the order of the C
 * prototype (free: the pointer; mmap: addr, len, prot, flags, fd; munmap:
 * addr, len), and the caller's return address. */
struct upc_alloc_call {
	enum upc_alloc_fn fn;
	long tgid, tid;
	uint64_t ts;			/* nanoseconds */
	uint64_t args[5];
	uint64_t site;
};

/* Calls paired with their returns per thread (a call from inside another
 * allocator function is part of the outer one), and the allocations left:
 * at most max of them (then upc_leaks_return fails with -ENOSPC), each
 * costing upc_leaks_slot_bytes() in a table at most 3/4 full. */
struct upc_leaks;
int upc_leaks_new(size_t max, struct upc_leaks **out);
void upc_leaks_free(struct upc_leaks *l);
size_t upc_leaks_slot_bytes(void);
/* An entry; free and munmap (which have no return probe) settle here. */
int upc_leaks_entry(struct upc_leaks *l, const struct upc_alloc_call *c);
/* A return of thread tid (of process tgid)'s latest unreturned call of
 * fn, with its value. */
int upc_leaks_return(struct upc_leaks *l, enum upc_alloc_fn fn, long tid, long tgid,
		     uint64_t ret);

/* Process tgid exec'd: its allocations went with its old image, and are
 * dropped, not counted as freed; its totals stay. */
void upc_leaks_forget(struct upc_leaks *l, long tgid);
/* Records were lost here: every thread's unreturned calls are dropped
 * (their returns may be among the lost, and a call left open would make
 * every later one look like a call from inside it), counted unpaired. */
int upc_leaks_lost(struct upc_leaks *l);
/* Thread tid exited: its unreturned calls are dropped. */
void upc_leaks_thread_exit(struct upc_leaks *l, long tid);
/* Process tgid exited: its allocations, threads and totals are dropped. */
void upc_leaks_exit(struct upc_leaks *l, long tgid);
/* The processes seen and not exited: how many, the first cap of them in
 * tgids. */
size_t upc_leaks_procs(const struct upc_leaks *l, long *tgids, size_t cap);

struct upc_leaks_totals {
	uint64_t calls;				/* entries */
	uint64_t allocs, alloc_bytes;		/* allocations made */
	uint64_t frees, freed_bytes;		/* of those, freed */
	uint64_t outstanding, outstanding_bytes;
	uint64_t unknown_frees;		/* of memory allocated before tracing */
	uint64_t untracked, untracked_bytes;	/* allocations whose pointer no
						 * probe sees (glibc's
						 * posix_memalign) */
	uint64_t unpaired;		/* entries or returns missing their
					 * other half (lost, or begun earlier) */
};
/* Process tgid's totals (tgid <= 0: every process's, summed). */
void upc_leaks_totals(const struct upc_leaks *l, long tgid, struct upc_leaks_totals *t);

/* Outstanding allocations of process tgid (tgid <= 0: of every process)
 * at least min_age old at time now (none when now is earlier than that:
 * a machine up for less than min_age), per process and call site, most
 * bytes first, in a malloc'd array. */
struct upc_leak_site {
	long tgid;
	uint64_t site;
	uint64_t bytes, count;
	uint64_t oldest;		/* when the oldest was made */
};
int upc_leaks_sites(const struct upc_leaks *l, long tgid, uint64_t now, uint64_t min_age,
		    struct upc_leak_site **out, size_t *n);

/* ---- files and processes ----------------------------------------------------- */

/* In the text of a /proc/PID/maps, the file mapped at addr (into path) and
 * addr's offset in that file; -ENOENT when no file is mapped there. With
 * pid > 0, path is where this process can open that very file (see
 * upc_proc_file), and -ENOENT when it cannot. */
int upc_maps_find(const char *maps, long pid, uint64_t addr, char *path, size_t len,
		  uint64_t *off);
/* Where this process can open the file process pid maps as MAPPED (a path
 * as its /proc/PID/maps shows it, with DEV "maj:min" in hex and inode INO):
 * MAPPED itself when it names that file here (our mount namespace, a
 * chroot in it), else through /proc/PID/root (another mount namespace).
 * -ENOENT when neither does: deleted, or replaced since it was mapped. */
int upc_proc_file(long pid, const char *mapped, const char *dev, uint64_t ino, char *out,
		  size_t len);
/* The file process pid maps that NAME names: a path (as the process
 * sees it, or ours leading to the same), or a file name or library name
 * ("bash", "libc", "libc.so.6"). 0 with m->path where we can open that very
 * file (upc_proc_file); -ESRCH: no such process; -ENOENT: it maps no such
 * file; -ENOTUNIQ: two files answer to it (m->mapped, m->other); -ESTALE:
 * the file was deleted (m->deleted) or replaced since it was mapped. */
struct upc_mapped {
	char path[4096];	/* where we open it */
	char mapped[4096];	/* as the process's maps name it */
	char other[4096];	/* -ENOTUNIQ: another file that answers */
	char dev[16];		/* "maj:min" in hex */
	bool deleted;
};
int upc_proc_find(long pid, const char *name, struct upc_mapped *m);
/* Is pid a live process or thread (not gone, not a zombie waiting to be
 * reaped)? Has process tgid a live thread? */
bool upc_proc_alive(long pid);
bool upc_proc_group_alive(long tgid);
/* Hex digits without 0x (len bytes), as the kernel prints addresses. */
int upc_parse_xdigits(const char *s, size_t len, uint64_t *v);

/* Read a whole file into a malloc'd NUL-terminated buffer the caller frees:
 * all of it or an error (-EFBIG when it has max bytes or more). regular: anything but
 * a regular file is refused (-EISDIR; -ESPIPE for a FIFO, a device or a
 * socket) and a FIFO never blocks. */
int upc_read_file(const char *path, size_t max, bool regular, char **buf, size_t *len);

/* The running kernel's configuration text (/proc/config.gz, else
 * /boot/config-RELEASE; the caller frees *text), and one option's value
 * ("y", "m", ...) or NULL when it is not set. */
int upc_kconfig_load(char **text, size_t *len, char *source, size_t srclen);
const char *upc_kconfig_get(const char *text, const char *name, char *buf, size_t len);

/* What the kernel engine of answers needs: hist triggers on events, and
 * synthetic events (CONFIG_HIST_TRIGGERS, CONFIG_SYNTH_EVENTS); and
 * whether uprobes take a reference counter the kernel sets while a probe
 * exists (the semaphore of a USDT probe: 4.20+). */
enum upc_tracefs_feature {
	UPC_HIST_TRIGGERS = 1 << 0,
	UPC_SYNTH_EVENTS = 1 << 1,
	UPC_REF_CTR = 1 << 2,
};
unsigned upc_tracefs_features(const struct upc_tracefs *t);

/* Can the running kernel probe a file of ARCH? Refusals are explained. */
int upc_kernel_can_probe(const struct upc_tracefs *t, const struct upc_arch *arch,
			 const char *file);

/* ---- trace records ------------------------------------------------------- */

struct upc_text {
	const char *p;		/* not NUL-terminated */
	size_t n;
};

enum upc_rec_kind {
	UPC_REC_OTHER,		/* kept as raw text, context filled if found */
	UPC_REC_ENTRY,		/* EVENT: (0xIP) ... */
	UPC_REC_RETURN,		/* EVENT: (0xRETURN_TO <- 0xFUNC) ... */
	UPC_REC_LOST,		/* CPU:N [LOST M EVENTS] */
	UPC_REC_STACK,		/* <user stack trace>; its frames follow */
	UPC_REC_FRAME,		/* " => FRAME" */
};

enum upc_val_type {
	UPC_VAL_OTHER,
	UPC_VAL_HEX,		/* 0x1ff */
	UPC_VAL_SIGNED,		/* -54 */
	UPC_VAL_UNSIGNED,	/* 511 */
	UPC_VAL_CHAR,		/* 'c' */
	UPC_VAL_STRING,		/* "text", quotes included */
	UPC_VAL_FAULT,		/* (fault) */
	UPC_VAL_ARRAY,		/* {1,2,3} */
};

struct upc_rec_arg {
	struct upc_text name, value;
	enum upc_val_type type;
};

#define UPC_REC_MAX_ARGS 128

/* One line of trace or trace_pipe. Texts point into the parsed line. */
struct upc_record {
	enum upc_rec_kind kind;
	struct upc_text raw;		/* the line, without its newline */
	struct upc_text comm, flags, ts, event, frame;
	/* entry and return: what follows the arguments that could be parsed
	 * (more than UPC_REC_MAX_ARGS, or text that is no NAME=VALUE); empty
	 * for every line the kernel prints */
	struct upc_text rest;
	long pid, tgid, cpu;		/* -1 when not printed */
	uint64_t ip;			/* entry: the probed address; return:
					 * the function */
	uint64_t ret_to;		/* return: where it returned to */
	uint64_t lost;			/* LOST: how many, when lost_known */
	bool lost_known;
	unsigned nargs;
	struct upc_rec_arg args[UPC_REC_MAX_ARGS];
};

/* Parse one line (len bytes, a trailing newline allowed). Never fails:
 * what is not understood is kind UPC_REC_OTHER with its raw text. */
enum upc_rec_kind upc_record_parse(const char *line, size_t len, struct upc_record *r);
/* Its time stamp ("SECONDS.MICROS") in nanoseconds: 0, or -EINVAL. */
int upc_record_ts_ns(const struct upc_record *r, uint64_t *ns);
/* Its argument NAME, or NULL. */
const struct upc_rec_arg *upc_record_arg(const struct upc_record *r, const char *name);
/* An argument as a number (hex, decimal; *neg for a negative one): 0, or
 * -EINVAL for a string, a char or an array. */
int upc_rec_arg_u64(const struct upc_rec_arg *v, uint64_t *x, bool *neg);

#ifdef __cplusplus
}
#endif

#endif /* UPROBECTL_H */
