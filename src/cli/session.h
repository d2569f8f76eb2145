/* SPDX-License-Identifier: MIT */
/* A streaming session (session.c), for stream and trace: where the records
 * come from (the top level, or a tracefs instance), what is switched on for
 * it, and putting all of it back however it ends. */
#ifndef UPC_SESSION_H
#define UPC_SESSION_H

#include <stdbool.h>
#include <sys/types.h>

#include "uprobectl.h"
#include "recout.h"

struct session {
	struct upc_tracefs *t;
	const char *group;
	const struct names *only;	/* these events of the group, or NULL: all */
	const char *instance;		/* NULL: the top level, unless -p or
					 * --stack need one of our own */
	struct upc_instance *inst;
	bool enabled;			/* we enabled events in it */
	bool stack;			/* userstacktrace */
	bool task_events;		/* task events enabled for comms */
	long pid;			/* follow this process, or -1 */
	int fd;				/* trace_pipe */
};
#define SESSION_INIT { .pid = -1, .fd = -1 }

/* -p PID, -c COUNT, -d SECONDS of stream and trace. */
#define SESSION_SHORT_OPTS "p:c:d:"
struct session_limits {
	unsigned long count;		/* records, 0: no limit */
	double seconds;			/* 0: no limit */
};
/* One of those options: 1 taken, 0 not one of them, -EINVAL after
 * explaining a bad value. */
int session_opt(struct session *s, struct session_limits *l, int opt, const char *arg);

/* SIGINT, SIGTERM and SIGHUP end the session; the one that did, or 0. */
void session_signals(void);
int session_stop_signal(void);
/* Set up what the session needs: 0, or -errno after explaining. */
int session_start(struct session *s);
/* Stream records into w until the limits, a signal, the reader going away,
 * or (child > 0) the child exiting and its records read. */
void session_run(struct session *s, struct recout *w, const struct session_limits *l,
		 pid_t child, int *child_status, bool *child_exited);
/* Put back everything session_start changed. Idempotent. */
void session_end(struct session *s);
void session_summary(const struct recout *w);

/* A live record writer to stdout for GROUP's EVENTS, with stacks
 * symbolized while the processes live if asked. */
void session_output(struct recout *w, const char *group, const struct names *events,
		    bool stack);
/* What session_output set up. */
void session_output_free(struct recout *w);

#endif
