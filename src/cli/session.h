/* SPDX-License-Identifier: MIT */
/* A streaming session (session.c), for stream and trace: where the records
 * come from (the top level, or a tracefs instance), what is switched on for
 * it, and putting all of it back however it ends. */
#ifndef UPC_SESSION_H
#define UPC_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "uprobectl.h"
#include "recout.h"

/* Where a session's records come from when it follows processes. */
enum session_transport {
	TRANSPORT_AUTO,			/* perf events where the kernel allows them */
	TRANSPORT_TRACEFS,		/* a tracefs instance and its pid filter */
	TRANSPORT_PERF,			/* perf events, or fail */
};

struct session {
	struct upc_tracefs *t;
	const char *group;
	const struct names *only;	/* these events of the group, or NULL: all */
	const char *instance;		/* NULL: the top level, unless -p or
					 * --stack need one of our own */
	struct upc_instance *inst;
	bool enabled;			/* we enabled events in it */
	bool stack;			/* userstacktrace */
	bool folded;			/* stacks counted, not records written */
	bool task_events;		/* task events enabled for comms */
	bool arm_only;			/* an instance that records nothing: the
					 * probes are armed, the kernel counts hits,
					 * and there is no trace_pipe to read */
	bool record_tgid;		/* ask records to name their process
					 * (cleared when the kernel cannot) */
	const char *clock;		/* trace_clock, or NULL: the default
					 * (cleared when the kernel lacks it) */
	unsigned long buffer_kb;	/* buffer_size_kb, or 0: the default */
	uint64_t buffer_max_kb;		/* --buffer-max, all CPUs; 0: not given */
	unsigned long budget_kb;	/* per CPU: what no buffer goes past */
	char budget_how[160];		/* where the budget comes from */
	long pid;			/* follow this process, or -1 */
	bool held;			/* pid is a command held before its exec */
	const char *const *tracepoints;	/* "sched/sched_process_exec"...: recorded
					 * too where the kernel has them, NULL-ended */
	enum session_transport transport;
	struct upc_perf *perf;		/* the transport when not NULL */
	int fd;				/* trace_pipe */
};
#define SESSION_INIT { .pid = -1, .fd = -1 }

/* -p PID, -c COUNT, -d SECONDS of stream and trace (and -i SECONDS of the
 * commands that report every so often), and --transport. */
#define SESSION_SHORT_OPTS "p:c:d:"
#define SESSION_LONG_OPTS { "transport", 1, NULL, OPT_TRANSPORT }, \
	{ "buffer-max", 1, NULL, OPT_BUFFER_MAX }
struct session_limits {
	unsigned long count;		/* records, 0: no limit */
	double seconds;			/* 0: no limit */
	double interval;		/* tick every so many seconds, 0: never */
};
/* One of those options: 1 taken, 0 not one of them, -EINVAL after
 * explaining a bad value. */
int session_opt(struct session *s, struct session_limits *l, int opt, const char *arg);

/* Seconds on the monotonic clock: what -d and -i are measured against. */
double session_clock(void);

/* SIGINT, SIGTERM and SIGHUP end the session; the one that did, or 0. */
void session_signals(void);
int session_stop_signal(void);
/* Set up what the session needs: 0, or -errno after explaining. A session
 * that follows processes (pid) takes perf events where the kernel allows
 * them (the probes are then armed in those processes only), else a
 * tracefs instance, saying once what that costs the other processes. */
int session_start(struct session *s);
/* The transport asked for: --transport, else UPROBECTL_TRANSPORT (perf or
 * tracefs), else AUTO. 0, or -EINVAL after explaining. */
int session_transport(struct session *s);
/* Can this kernel give perf events to a session here? 0, or -errno with
 * the reason in why. */
int session_perf_usable(char *why, size_t len);
/* Resize the buffer of the session's own instance (or its perf rings), per
 * CPU, within the budget; where the kernel has no memory for it (ENOMEM),
 * a smaller one, said. 0, or -errno (explained). */
int session_buffer(struct session *s, unsigned long kb);
/* The budget of the session's buffers, per CPU, into s->budget_kb (and
 * how it was set into s->budget_how): --buffer-max, else
 * UPROBECTL_BUFFER_MAX, else 5% of MemAvailable, at most 16 MiB per CPU.
 * 0, or -errno (explained). */
int session_budget(struct session *s);
/* Where the lines of a session go. */
struct session_sink {
	void (*line)(void *ctx, const char *line, size_t n);	/* without its newline */
	void (*detach)(void *ctx);	/* the lines given are about to be reused, or NULL */
	void (*flush)(void *ctx);	/* nothing more to read for now */
	bool (*done)(void *ctx);	/* enough: the session ends */
	void (*tick)(void *ctx);	/* every limits->interval seconds */
	void *ctx;
};
struct session_child;
/* Hand the session's lines to k until the limits, a signal, k being done,
 * or (child not NULL) the child exiting and its lines read. A session with
 * no trace_pipe (fd < 0) only waits for its end. */
void session_run(struct session *s, const struct session_sink *k,
		 const struct session_limits *l, struct session_child *child);
/* session_run writing records to w, up to l->count of them, until the
 * reader goes away. */
void session_stream(struct session *s, struct recout *w, const struct session_limits *l,
		    struct session_child *child);
/* Put back everything session_start changed. Idempotent. */
void session_end(struct session *s);
void session_summary(const struct recout *w);

/* COMMAND, forked and held at a pipe until its pid is in the session's
 * filter: it execs when released, and exits 126 when the tracer gives up. */
struct session_child {
	pid_t pid;
	int release;		/* the write end: one byte lets it exec */
	bool exited;		/* waited for, with wait status status */
	int status;
	/* With at_exit, it and its children are traced (ptrace) only to be
	 * stopped at every exit, while their memory is still there: at_exit
	 * is called with the exiting thread's process, and it goes on; and
	 * with at_exec at every exec, once the new program is loaded and
	 * before it runs. */
	void (*at_exit)(void *ctx, long pid);
	void (*at_exec)(void *ctx, long pid);
	void *ctx;
	bool traced;
};
#define SESSION_CHILD_INIT { .release = -1 }
int session_child_start(struct session_child *c, char **cmd);
/* Let it exec (go), or make it give up (not go); once. */
int session_child_release(struct session_child *c, bool go);
/* Has it exited? Waits for that when block. */
bool session_child_wait(struct session_child *c, bool block);
/* Its exit status as a shell gives it; a session stopped early by a signal
 * passes the signal on, and the command is waited for either way. */
int session_child_status(struct session_child *c);

/* A live record writer to stdout for the session's EVENTS, with stacks
 * (s->stack) symbolized from the processes' maps, or counted (s->folded).
 * With stacks, the entry events probed at a function's start that record
 * the return address are found (the caller is spliced in from it), and
 * the others named once: 0, or -errno after explaining. */
int session_output(struct recout *w, const struct session *s, const struct names *events);
/* Stop the command and its children (ptrace) at their exits for at_exit,
 * and at their execs for at_exec when not NULL, before it is released:
 * true, or false after a warning ending in cost (what the user loses)
 * where ptrace is not allowed. */
bool session_child_watch(struct session_child *c, void (*at_exit)(void *, long),
			 void (*at_exec)(void *, long), void *ctx, const char *cost);
/* For a command started with stacks: stop it at its exits to read its
 * maps then (warns and goes without where ptrace is not allowed). */
void session_child_stacks(struct session_child *c, struct recout *w);
/* What session_output set up. */
void session_output_free(struct recout *w);

#endif
