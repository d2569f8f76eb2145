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
/* Turns a raw frame of pid into "symbol+0xOFF (file)"; false to keep it. */
typedef bool (*frame_fn)(void *ctx, long pid, const char *frame, size_t n, char *out,
			 size_t len);

struct recout {
	struct obuf out;
	bool json;
	bool live;			/* flush after every record */
	bool stacks;			/* attach stack frames to records */
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
	bool have_pending, in_stack;
	char frames[4096];
	size_t frames_len, frame_off[RECOUT_MAX_FRAMES], frame_len[RECOUT_MAX_FRAMES];
	unsigned nframes;
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

#endif
