/* SPDX-License-Identifier: MIT */
/* The uprobectl command: shared state and helpers of the subcommands. */
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

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *usage;	/* full --help text of the command */
};

extern bool cli_json;		/* --json: errors too become JSON */
extern int cli_verbose;		/* -v: debug messages */
extern bool cli_quiet;		/* -q: no normal output */

/* One error line, "uprobectl: CMD: ...", or {"error": ...} with --json. */
void cli_err(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
/* A prefix for every message until reset with NULL ("FILE:LINE: "). */
void cli_set_context(const char *ctx);
/* Usage error: the message, a pointer to --help, exit status 2. */
int cli_usage(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
/* Map a library return to an exit status, printing strerror when the
 * library itself explained nothing. */
int cli_fail(int err, const char *what);
/* Did the library report an error since the last cli_reset_reported()? */
void cli_reset_reported(void);

/* Options every ELF-reading command takes. */
struct elf_args {
	struct upc_elf_opts opts;
};
/* Handle --sysroot/--debug-dir/--no-debug-file (long option ids below). */
enum { OPT_SYSROOT = 0x100, OPT_DEBUG_DIR, OPT_NO_DEBUG, OPT_JSON, OPT_ARGS,
       OPT_TRACEFS, OPT_ENABLE, OPT_FORCE, OPT_ALL, OPT_INSTANCE, OPT_STACK,
       OPT_DISABLE, OPT_CHECK, OPT_WAIT };
#define ELF_LONG_OPTS \
	{ "sysroot", 1, NULL, OPT_SYSROOT }, \
	{ "debug-dir", 1, NULL, OPT_DEBUG_DIR }, \
	{ "no-debug-file", 0, NULL, OPT_NO_DEBUG }
/* -q and -v, accepted after the command too. */
bool cli_common_opt(int opt);
bool elf_args_opt(struct elf_args *a, int opt, const char *arg);
/* Open FILE as the target sees it; the error is printed. */
int cli_open_elf(const char *file, struct elf_args *a, struct upc_elf **elf);

/* The distinct event names of a group, in uprobe_events order. */
struct names {
	char (*v)[64];
	int n;
};

/* ---- tracefs commands ---- */
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
bool tfs_args_opt(struct tfs_args *a, int opt, const char *arg);
/* Lock group for the rest of the run: shared to read it whole, exclusive to
 * change it (waiting up to wait seconds for another run). Returns EXIT_OK,
 * or the exit status after naming the holder. */
int cli_lock_group(const char *group, bool exclusive, double wait);
/* --wait S; 1 taken, EXIT_USAGE after explaining a bad value */
int wait_opt(const char *arg, double *wait);
/* Check the group name and the nevents event names the command was given,
 * take the group's lock (a->lock), find tracefs and, when ev is given, the
 * group's events. Returns EXIT_OK, or the exit status after printing why. */
int cli_open_group(const struct tfs_args *a, int nevents, char *const events[],
		   struct upc_tracefs **t, struct names *ev);
/* Is event one of the group's (ev)? Explains when not. */
bool cli_group_has(const struct names *ev, const char *group, const char *event);
/* Find (or mount) tracefs; the error is printed. */
int cli_open_tracefs(const char *dir, struct upc_tracefs **t);
/* Explain a refused write: the kernel's error_log entry, with the caret
 * mapped to the field of def it points at (user_args: the user's fetch
 * arguments, NULL when the defaults were used). */
void cli_kernel_error(const char *what, int err, const struct upc_kernel_error *k,
		      char *const user_args[], int nuser);

/* Disable the group's events (or one of them) at the top level and in every
 * tracefs instance: they are ours wherever another run enabled them, and
 * the kernel refuses to delete an event enabled anywhere. */
int cli_disable_everywhere(const struct upc_tracefs *t, const char *group, const char *event);
int cli_group_events(const struct upc_tracefs *t, const char *group, struct names *out);
bool names_has(const struct names *n, const char *name);
void names_free(struct names *n);
/* Check a group or event name given on the command line (exit 2 if bad). */
bool cli_valid_name(const char *what, const char *name, bool dash_ok);

/* ---- records out (recout.c) ---- */
struct obuf {
	int fd;
	bool failed;		/* the reader went away (EPIPE) */
	size_t n;
	char buf[1 << 16];
};
void ob_put_slow(struct obuf *o, const char *s, size_t n);
void ob_flush(struct obuf *o);
static inline void ob_put(struct obuf *o, const char *s, size_t n)
{
	if (n <= 16 && o->n + 16 <= sizeof(o->buf)) {
		for (size_t i = 0; i < n; i++)
			o->buf[o->n + i] = s[i];
		o->n += n;
		return;
	}
	ob_put_slow(o, s, n);
}

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

/* ---- streaming sessions (cli_stream.c), for stream and trace ---- */
struct session {
	struct upc_tracefs *t;
	const char *group;
	const struct names *only;	/* these events of the group, or NULL: all */
	const char *instance;		/* NULL: the top level */
	char inst_buf[64];
	bool created;			/* we made the instance: rmdir at the end */
	bool enabled;			/* we enabled events in it */
	bool stack;			/* userstacktrace */
	bool task_events;		/* task events enabled for comms */
	long pid;			/* follow this process, or -1 */
	int fd;				/* trace_pipe */
};
void session_signals(void);
int session_stop_signal(void);
/* Set up what the session needs; returns an exit status (explained). */
int session_start(struct session *s);
/* Stream records into w until count records, seconds, a signal, the
 * reader going away, or (child > 0) the child exiting and its records read. */
void session_run(struct session *s, struct recout *w, unsigned long count, double seconds,
		 pid_t child, int *child_status, bool *child_exited);
/* Put back everything session_start changed. Idempotent. */
void session_end(struct session *s);
void session_summary(const struct recout *w);
/* Turn "<00005630d4dd2232>" of a live pid into "symbol+0xOFF (file)". */
bool symbolize_frame(void *ctx, long pid, const char *frame, size_t n, char *out,
		     size_t len);
void *symbolize_new(void);
void symbolize_free(void *ctx);
int parse_seconds(const char *s, double *v);
int parse_count(const char *s, unsigned long *v);
int parse_pid(const char *s, long *pid);
/* -p PID, -c COUNT, -d SECONDS of stream and trace: 1 taken, 0 not one of
 * them, EXIT_USAGE after explaining a bad value. */
int stream_opt(int opt, const char *arg, long *pid, unsigned long *count, double *seconds);
/* A live record writer to stdout for GROUP's EVENTS, with stacks if asked. */
void recout_live(struct recout *w, const char *group, const struct names *events, bool stack);

/* ---- defining a probe (cmd_add.c), for add and trace ---- */
struct add_req {
	const char *file, *spec, *group;
	const char *event;		/* NULL: from the symbol */
	bool ret;
	unsigned nargs;			/* default arguments, without user ones */
	char *const *user;		/* the user's fetch arguments */
	int nuser;
	struct elf_args elf;
	char *event_out;		/* UPC_NAME_MAX + 1 bytes: the name used */
};
/* A definition resolved and checked, not yet written. */
struct probe_desc {
	char def[4096];
	char event[UPC_NAME_MAX + 1];
	char kind;			/* 'p' or 'r' */
	char path[4096];		/* the file read, without links */
	uint64_t dev, ino;		/* and which one it was (0: --sysroot) */
	uint64_t offset;
	char listed[8192];		/* the arguments as uprobe_events lists them */
};
/* Resolve and check everything short of writing. Returns an exit status;
 * every refusal is explained. */
int cli_describe_probe(const struct add_req *q, struct upc_tracefs *t, struct probe_desc *d);
/* Write it (one line, one write); a kernel refusal is explained. */
int cli_write_probe(struct upc_tracefs *t, const struct add_req *q, const struct probe_desc *d);
/* Is this line of uprobe_events that definition? */
bool probe_matches(const struct probe_desc *d, const struct upc_probe_entry *p);
/* Resolve, check and write one definition (nothing when an identical one
 * exists: *existed). Returns an exit status; every refusal is explained. */
int cli_add_probe(const struct add_req *q, struct upc_tracefs *t, char *def, size_t deflen,
		  bool *existed);
bool parse_nargs(const char *s, unsigned *n);
/* -r, -e EVENT, --args N of add and trace: 1 taken, 0 not one of them,
 * EXIT_USAGE after explaining a bad value. */
int add_opt(struct add_req *q, int opt, const char *arg);
/* FILE SYMBOL [FETCHARG...] (argc >= 2) into q. */
void add_req_args(struct add_req *q, int argc, char **argv);

/* SIGBUS from a mapped file that shrank (sigbus.c): caught from the start
 * of main; seen says whether what was read since may be wrong. */
void sigbus_catch(void);
bool sigbus_seen(void);

/* JSON output helpers. json_escape writes s as a JSON string through put. */
void json_escape(const char *s, size_t n, void (*put)(void *ctx, const char *p, size_t n),
		 void *ctx);
void json_str(FILE *f, const char *s, size_t len);
void json_kv_str(FILE *f, const char *key, const char *val, bool comma);
void json_kv_u64(FILE *f, const char *key, uint64_t v, bool comma);

const char *sym_type_name(const struct upc_sym *s, const struct upc_arch *arch);
const char *sym_bind_name(unsigned bind);

int cmd_syms(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_add(int argc, char **argv);
int cmd_del(int argc, char **argv);
int cmd_enable(int argc, char **argv);
int cmd_disable(int argc, char **argv);
int cmd_clear(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_stream(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_apply(int argc, char **argv);

extern const char syms_usage[], resolve_usage[], add_usage[], del_usage[],
	enable_usage[], disable_usage[], clear_usage[], list_usage[], status_usage[],
	parse_usage[], stream_usage[], trace_usage[], apply_usage[];

#endif
