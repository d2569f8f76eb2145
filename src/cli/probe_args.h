/* SPDX-License-Identifier: MIT */
/* A probe as the command line names it, for every command that builds one
 * (resolve, add, trace, apply): FILE SYMBOL [FETCHARG...] with -r, -e
 * EVENT, --args N and the ELF options, turned into a upc_probe by the
 * library and written by it (probe_args.c). */
#ifndef UPC_PROBE_ARGS_H
#define UPC_PROBE_ARGS_H

#include <stdbool.h>

#include "uprobectl.h"

struct probe_req {
	const char *file, *spec;
	char *const *fetchargs;		/* the user's, NULL-terminated */
	struct upc_probe_opts opts;	/* group, event, ret, nargs */
	struct upc_elf_opts elf;
	long pid;			/* -p: FILE as this process maps it */
};
#define PROBE_REQ_INIT { \
	.opts = { .sz = sizeof(struct upc_probe_opts), .group = UPC_DEFAULT_GROUP, .nargs = 4 }, \
	.elf = { .sz = sizeof(struct upc_elf_opts) } }
#define PROBE_LONG_OPTS ELF_LONG_OPTS, { "args", 1, NULL, OPT_ARGS }, \
	{ "no-inlines", 0, NULL, OPT_NO_INLINES }
#define PROBE_SHORT_OPTS "re:"
/* -p PID of add and resolve (trace takes it from its session). */
#define PROBE_PID_OPT "p:"

/* -r, -e EVENT, --args N, -p PID, --no-inlines, --sysroot, --debug-dir,
 * --no-debug-file: 1
 * taken, 0 not one of them, -EINVAL after explaining a bad value. */
int probe_opt(struct probe_req *q, int opt, const char *arg);
/* FILE SYMBOL [FETCHARG...] (argc >= 2; argv[argc] is NULL). */
void probe_req_words(struct probe_req *q, int argc, char *const argv[]);

/* q's FILE found (a library or program name, or as process q->pid maps
 * it), checked as the kernel will see it, and opened: 0 with *elf open and
 * its absolute path in path (PATH_MAX bytes), or -errno after explaining
 * (a refusal of the request is -EINVAL). */
int probe_open(const struct probe_req *q, char *path, struct upc_elf **elf);
/* The probe of spec in elf (from probe_open), named event (NULL: from the
 * symbol), with q's options and fetch arguments; with t, also checked that
 * the running kernel can probe the file. 0, or -errno after explaining. */
int probe_describe_in(const struct probe_req *q, const struct upc_tracefs *t,
		      struct upc_elf *elf, const char *spec, const char *event,
		      struct upc_probe *p);
/* Does q name several places (a pattern, a USDT probe, a source point or
 * source fetch arguments, a function only inlined), to be had with
 * probe_matches? */
bool probe_has_places(const struct probe_req *q);
/* The upc_src_places flags of q's options. */
unsigned probe_src_flags(const struct probe_req *q);
/* The places of q->spec in elf, each with a spec naming it alone: the
 * functions of a pattern, the places of a USDT probe or of a source
 * point. How many (0: none), or -errno (explained). */
int probe_matches(const struct probe_req *q, struct upc_elf *elf, struct upc_match **m,
		  struct upc_glob_left *left);
/* Resolve and check everything short of writing; with t, also that the
 * running kernel can probe the file. 0, or -errno after explaining (a
 * refusal of the request is -EINVAL). With elf, the file stays open there for p->loc's symbol
 * (the caller closes it); without, p->loc.sym is cleared. */
int probe_describe(const struct probe_req *q, const struct upc_tracefs *t,
		   struct upc_probe *p, struct upc_elf **elf);
/* Write p (described from q): 0, or -errno after explaining. */
int probe_create(const struct upc_tracefs *t, const struct probe_req *q,
		 const struct upc_probe *p);
/* Is p's event in its group already: 0 when not or identically (*same),
 * -EEXIST after explaining when it is there with another definition. */
int probe_existing(const struct upc_tracefs *t, const struct upc_probe *p, bool *same);
/* Describe, then create unless an identical event exists (*existed); the
 * same event name with another definition is refused (-EEXIST). 0, or
 * -errno after explaining. */
int probe_define(const struct upc_tracefs *t, const struct probe_req *q, struct upc_probe *p,
		 bool *existed);

#endif
