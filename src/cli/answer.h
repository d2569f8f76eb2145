/* SPDX-License-Identifier: MIT */
/* Answers without BPF (answer.c), for count, hist and latency: probes of a
 * group of their own, counted by one of two engines with one output: in
 * the kernel (its hit counter, hist triggers, synthetic events) where it
 * can, in user space from the record stream where it cannot. */
#ifndef UPC_ANSWER_H
#define UPC_ANSWER_H

#include <stdbool.h>

#include "uprobectl.h"
#include "group.h"
#include "probe_args.h"
#include "recout.h"
#include "session.h"

enum answer_kind { ANSWER_COUNT, ANSWER_HIST, ANSWER_LATENCY };
enum answer_engine { ENGINE_AUTO, ENGINE_KERNEL, ENGINE_USER };

#define ANSWER_MAX_PROBES 32

struct answer {
	enum answer_kind kind;
	enum answer_engine engine;	/* asked for; then the one in use */
	/* what is asked */
	const char *by;			/* count: "comm", "pid" or an argument */
	const char *field;		/* hist: the fetched value's name */
	enum upc_bucketing how;		/* hist */
	uint64_t step;
	uint64_t unit;			/* latency: nanoseconds per unit */
	const char *unit_name;
	/* where: FILE SYMBOL... with fetch args, or events already defined */
	struct probe_req req;
	const char *symbols[ANSWER_MAX_PROBES];
	int nsymbols;
	char *fetchargs[UPC_MAX_ARGS + 1];
	char *events[ANSWER_MAX_PROBES];	/* -e EVENT */
	int nevents;
	struct tfs_args tfs;
	struct session s;
	struct session_limits lim;
	char **cmd;			/* -- COMMAND */
	/* the run */
	char group[32], instance[32];
	struct names probes;		/* our events (latency: the entry's) */
	char *paths[ANSWER_MAX_PROBES];	/* and the files they probe */
	bool own_group;			/* we defined the probes: delete them */
	struct upc_agg *agg;
	struct upc_pairing *pairing;
	uint64_t *base;			/* count per probe: hits before we began */
	uint64_t lost, dropped, unmatched;
	bool lost_unknown;
	char synth[48];			/* latency, kernel: our synthetic event */
	/* latency of a Go function: its returns are entry probes at each
	 * return instruction, the calls paired by goroutine (upc_g=$g) */
	bool go;
	char **triggers;		/* what we wrote to each probe's trigger */
	double started;
};

/* An answer of that kind with every option at its default. */
void answer_init(struct answer *a, enum answer_kind kind);
/* Parse an answer command's arguments; 0 or -errno (explained). */
int answer_args(struct answer *a, int argc, char **argv, const char *shortopts,
		const struct option *longopts, int (*own_opt)(struct answer *, int, const char *));
/* Options every answer command takes. */
#define ANSWER_SHORT_OPTS "+qvg:e:i:" PROBE_SHORT_OPTS SESSION_SHORT_OPTS
#define ANSWER_LONG_OPTS \
	PROBE_LONG_OPTS, TRACEFS_LONG_OPT, SESSION_LONG_OPTS, { "json", 0, NULL, OPT_JSON }, \
	{ "engine", 1, NULL, OPT_ENGINE }
/* Set up, count until the end (printing a report every -i), report, and
 * remove everything. Returns what the command returns. */
int answer_run(struct answer *a);

#endif
