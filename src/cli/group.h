/* SPDX-License-Identifier: MIT */
/* What the tracefs commands share (group.c): their options, the group's
 * lock, finding tracefs and the group's events, and explaining a kernel
 * refusal. */
#ifndef UPC_GROUP_H
#define UPC_GROUP_H

#include <stdbool.h>

#include "uprobectl.h"
#include "recout.h"

#define TRACEFS_LONG_OPT { "tracefs", 1, NULL, OPT_TRACEFS }, { "wait", 1, NULL, OPT_WAIT }
/* Options the tracefs commands share: -q -v -g GROUP --tracefs DIR --json
 * --wait S. */
struct tfs_args {
	const char *group;
	const char *tracefs;
	double wait;			/* --wait: seconds for the group's lock */
	enum { CLI_LOCK_NONE, CLI_LOCK_READ, CLI_LOCK_WRITE } lock;	/* cli_open_group takes */
};
#define CLI_WAIT_DEFAULT 5.0
#define TFS_ARGS_INIT { UPC_DEFAULT_GROUP, NULL, CLI_WAIT_DEFAULT, CLI_LOCK_NONE }
/* One of those options: 1 taken, 0 not one of them, -EINVAL after
 * explaining a bad value. */
int tfs_args_opt(struct tfs_args *a, int opt, const char *arg);

/* Lock group for the rest of the run: shared to read it whole, exclusive to
 * change it (waiting up to wait seconds for another run). 0, or -errno
 * after naming the holder. */
int cli_lock_group(const char *group, bool exclusive, double wait);
/* Check the group name and the nevents event names the command was given,
 * take the group's lock (a->lock), find tracefs and, when ev is given, the
 * group's events. 0, or -errno after explaining. */
int cli_open_group(const struct tfs_args *a, int nevents, char *const events[],
		   struct upc_tracefs **t, struct names *ev);
/* Is event one of the group's (ev)? Explains when not. */
bool cli_group_has(const struct names *ev, const char *group, const char *event);
/* Explain a refused write: the kernel's error_log entry, with the caret
 * mapped to the field of the definition it points at (user_args: the
 * user's fetch arguments, NULL when the defaults were used). */
void cli_kernel_error(const char *what, int err, const struct upc_kernel_error *k,
		      char *const user_args[]);
/* Explain a failed upc_probe_destroy of group/event (NULL: all); returns
 * -EIO (the write failed, whatever the kernel's errno: exit 1). */
int cli_destroy_error(const char *group, const char *event, int err,
		      const struct upc_kernel_error *k);

#endif
