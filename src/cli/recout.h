/* SPDX-License-Identifier: MIT */
/* Records out (recout.c): trace lines parsed and written as text or JSON
 * lines through a buffer of our own, for parse, stream and trace. */
#ifndef UPC_RECOUT_H
#define UPC_RECOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "uprobectl.h"
#include "obuf.h"

/* The distinct event names of a group, in uprobe_events order. */
struct names {
	char (*v)[UPC_NAME_MAX + 1];
	int n;
};
bool names_has(const struct names *n, const char *name);
/* Append name (when not there yet). */
int names_add(struct names *n, const char *name);
void names_free(struct names *n);

#define RECOUT_MAX_CPUS 1024
#define RECOUT_MAX_FRAMES 16
/* Turns address addr of process pid into "symbol+0xOFF (file)" and the
 * length of the symbol's name (symbolize.h); false to keep the raw frame. */
typedef bool (*frame_fn)(void *ctx, long pid, uint64_t addr, char *out, size_t len,
			 size_t *fn_len);

/* An entry event probed at a function's first instruction, whose records
 * carry the return address in argument arg: at that instruction the
 * kernel's frame-pointer walk has not reached the caller yet, and the
 * return address is spliced in as the second frame. */
struct ra_event {
	char event[UPC_NAME_MAX + 1];
	char arg[UPC_MAX_ARGNAME + 1];
};

struct recout {
	struct obuf out;
	bool json;
	bool live;			/* flush after every record */
	bool stacks;			/* attach stack frames to records */
	bool own_frames;		/* stacks asked for (--stack): where the
					 * kernel records none, the record's own */
	bool folded;			/* count stacks, written by recout_folded() */
	unsigned long limit;		/* entry and return records at most, 0: all */
	struct ra_event *ra;		/* events with the return address (owned) */
	unsigned nra;
	const char *group;		/* printed in JSON when known */
	const struct names *events;	/* only these events, or NULL for all */
	frame_fn symbolize;
	void *sym_ctx;
	unsigned long records, lost_lines;
	uint64_t lost_cpu[RECOUT_MAX_CPUS];
	struct upc_record recs[2];	/* the line's, and the one held back */
	unsigned held;			/* index of the held one in recs */
	const char *pending_line;	/* its line: the caller's, or pending */
	char *pending;			/* a copy, once detached */
	size_t pending_len, pending_cap;
	long pending_pid;
	long pending_proc;		/* its process (tgid when recorded) */
	uint64_t pending_ra;		/* its return address, when has_ra */
	bool have_pending, in_stack, pending_has_ra;
	bool stacks_seen;		/* the kernel recorded a user stack */
	bool caller_missing;		/* its walk was seen to skip the caller */
	bool no_stacks;			/* a record came with no stack: the
					 * kernel records none */
	char frames[4096];
	size_t frames_len, frame_off[RECOUT_MAX_FRAMES], frame_len[RECOUT_MAX_FRAMES];
	size_t frame_fn[RECOUT_MAX_FRAMES];	/* length of its symbol name, or 0 */
	unsigned nframes;
	struct upc_agg *stacks_agg;	/* folded: the stacks counted */
	/* comms the kernel printed as "<...>" (not in its cache): from
	 * /proc, from the task events of the session, or given for a
	 * command we started; "from" says which, in JSON as comm_from */
	struct { long pid; char comm[16]; const char *from; } comms[64];
	unsigned ncomms;
	bool task_events;		/* task_newtask/task_rename records come:
					 * take comms from them, print nothing */
};
/* Name pid's comm for records where the kernel has "<...>"; from is a
 * static string that says where it was learnt. */
void recout_comm(struct recout *w, long pid, const char *comm, const char *from);
/* Handle one line of trace text (a newline at its end is allowed). A
 * record may be held, pointing into line, until the next line: call
 * recout_detach() before line's memory is reused or freed. */
void recout_line(struct recout *w, const char *line, size_t len);
void recout_detach(struct recout *w);
void recout_flush_pending(struct recout *w);
void recout_free(struct recout *w);
/* Folded: every stack counted, one "root;...;leaf COUNT" line each, the
 * format flame graph tools read. */
int recout_folded(struct recout *w);

#endif
