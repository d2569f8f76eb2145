/* SPDX-License-Identifier: MIT */
/* The uprobectl command: messages, the one error-to-status mapping, and the
 * options every command shares. Other shared pieces have headers of their
 * own: json.h, group.h (tracefs commands), probe_args.h (commands that
 * define a probe), recout.h (records out), session.h (streaming). */
#ifndef UPC_CLI_H
#define UPC_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "uprobectl.h"
#include "upc_printf.h"

/* Exit statuses, documented in --help and README. */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

/* A subcommand: its file defines one of these, main.c lists them, and its
 * --help is src/cli/help/NAME.txt (listed in help/uprobectl.txt). */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;	/* NULL: the help text named like the command */
};

/* Print the help text NAME (a command, or "uprobectl" for the main one). */
int cli_help(FILE *f, const char *name);

extern bool cli_json;		/* --json: errors too become JSON */
extern int cli_verbose;		/* -v: debug messages */
extern bool cli_quiet;		/* -q: no normal output */
extern bool cli_mute_warnings;	/* the library's warnings said once already */
extern bool cli_mute_all;	/* a try whose failure is not the user's news */
extern const char *cli_cmd;	/* the running subcommand, for messages */

/* The library's messages, as cli_err/cli_warn lines (installed by main). */
void cli_lib_print(enum upc_print_level level, const char *fmt, va_list ap);
/* One error line, "uprobectl: CMD: ...", or {"error": ...} with --json. */
void cli_err(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
/* A "debug:" line, with -v only. */
void cli_debug(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
/* A prefix for every message until reset with NULL ("FILE:LINE: "). */
void cli_set_context(const char *ctx);
/*
 * Return conventions: helpers return 0 (or a count) or a negative errno,
 * after explaining the failure; a command returns an exit status, or a
 * negative errno it explained, which main turns into one with cli_status().
 */
/* Usage error: the message and a pointer to --help; returns -EINVAL. */
int cli_usage(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
/* What getopt returned '?' for; returns -EINVAL. */
int cli_bad_option(char *const argv[]);
/* Explain err as "what: strerror" (for a silent library call); returns it. */
int cli_explain(int err, const char *what);
/* The one mapping of what a command returned to an exit status: itself
 * when >= 0; 2 for a bad request (invalid, ambiguous, out of range,
 * unsupported, a bad byte, a name too long); 1 for any other error. */
int cli_status(int ret);

/* Long option ids. */
enum { OPT_SYSROOT = 0x100, OPT_DEBUG_DIR, OPT_NO_DEBUG, OPT_JSON, OPT_ARGS,
       OPT_TRACEFS, OPT_ENABLE, OPT_FORCE, OPT_ALL, OPT_INSTANCE, OPT_STACK, OPT_FOLDED,
       OPT_DISABLE, OPT_CHECK, OPT_WAIT, OPT_ENGINE, OPT_BY, OPT_LOG2, OPT_LINEAR,
       OPT_UNIT, OPT_FILTER, OPT_COUNT, OPT_HIST, OPT_TEXTFILE, OPT_LIB, OPT_MIN_AGE,
       OPT_TOP, OPT_MAX_TRACKED, OPT_MMAP, OPT_DRY_RUN, OPT_MAX,
       OPT_USDT, OPT_TRANSPORT, OPT_BUFFER_MAX, OPT_NO_INLINES, OPT_APPLY_LINE, OPT_NO_DEMANGLE,
       OPT_SOURCE, OPT_GLOBALS };
/* -q and -v, accepted after the command too. */
bool cli_common_opt(int opt);

/* getopt_long, with options anywhere before "--" as GNU commands take
 * them ("count libc malloc -d 5"), except that a word "-DIGIT..." is an
 * operand: a fetch arg at a negative offset, -8(%sp). */
struct option;
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/* --sysroot/--debug-dir/--no-debug-file of every ELF-reading command. */
#define ELF_LONG_OPTS \
	{ "sysroot", 1, NULL, OPT_SYSROOT }, \
	{ "debug-dir", 1, NULL, OPT_DEBUG_DIR }, \
	{ "no-debug-file", 0, NULL, OPT_NO_DEBUG }
bool elf_opt(struct upc_elf_opts *o, int opt, const char *arg);
/* FILE as people name it: a path as it is, else a library or a program
 * name looked up (upc_find_file) into buf; *out is the path to use. 0, or
 * -ENOENT after explaining (-v says how it was found). */
int cli_find_file(const char *file, const char *sysroot, char *buf, size_t len,
		  const char **out);
/* Open FILE as the target sees it (explained). */
int cli_open_elf(const char *file, struct upc_elf_opts *o, struct upc_elf **elf);
/* Open FILE as people name it (cli_find_file, then cli_open_elf). */
int cli_open_named(const char *file, struct upc_elf_opts *o, struct upc_elf **elf);
/* A symbol's name as people read it: a C++ or Rust one demangled (as
 * c++filt prints it), cut to fit buf; any other as it is. Returns buf. */
const char *cli_sym_name(const char *name, size_t len, char *buf, size_t size);

/* Numbers and durations given on the command line: 0, or -EINVAL. */
int parse_nargs(const char *s, unsigned *n);		/* 0..UPC_MAX_ARGS */
int parse_seconds(const char *s, double *v);		/* > 0 */
int parse_count(const char *s, unsigned long *v);	/* > 0 */
int parse_pid(const char *s, long *pid);

/* SIGBUS from a mapped file that shrank (sigbus.c): caught from the start
 * of main; seen says whether what was read since may be wrong. */
void sigbus_catch(void);
bool sigbus_seen(void);

#endif
