// SPDX-License-Identifier: MIT
/*
 * A streaming session, for stream and trace: where the records come from
 * (the top-level trace_pipe, or a tracefs instance of our own so the global
 * buffer and other tracers are untouched), what is switched on for it
 * (events, set_event_pid with event-fork, userstacktrace), and putting all
 * of it back however the session ends: count, duration, the traced command
 * exiting, SIGINT, SIGTERM, or the reader of our output going away.
 *
 * A session that follows processes (-p, or a command) reads perf events
 * instead where the kernel allows them: a probe enabled in tracefs traps
 * in every process that maps its file, and a pid filter drops what the
 * others record only after their trap; opened as perf events for the
 * processes followed, it is armed in their memory alone. Their records
 * come as the lines trace_pipe prints, so every reader reads them alike.
 */
#include <errno.h>
#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "session.h"
#include "symbolize.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

void session_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* no SA_RESTART: poll() and read() return EINTR and the loop ends */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed pipe shows as EPIPE on write */
}

int session_stop_signal(void)
{
	return stop_signal;
}

/* Every thread of pid, for set_event_pid: event-fork adds the threads and
 * children that come later. */
static int write_pids(struct session *s)
{
	char dir[64], list[4096];
	size_t used = 0;
	struct dirent *d;
	DIR *td;
	int err;

	snprintf(dir, sizeof(dir), "/proc/%ld/task", s->pid);
	td = opendir(dir);
	if (!td) {
		cli_err("process %ld: %s", s->pid, strerror(errno));
		return -ESRCH;
	}
	while ((d = readdir(td)) && used + 16 < sizeof(list))
		if (d->d_name[0] >= '0' && d->d_name[0] <= '9')
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s ", d->d_name);
	closedir(td);
	if ((err = upc_instance_write(s->inst, "set_event_pid", list)) ||
	    (err = upc_instance_set_option(s->inst, "event-fork", true)))
		return cli_explain(err, "setting the pid filter");
	return 0;
}

static int switch_events(struct session *s, bool on)
{
	int err = 0;

	if (!s->only)
		return upc_instance_enable(s->inst, s->group, NULL, on);
	for (int i = 0; i < s->only->n && (!err || !on); i++) {
		int e = upc_instance_enable(s->inst, s->group, s->only->v[i], on);

		if (!err)
			err = e;
	}
	return err;
}

int session_budget(struct session *s)
{
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	const char *env = getenv("UPROBECTL_BUFFER_MAX");
	uint64_t total = s->buffer_max_kb, avail;
	char *mi;
	size_t n;
	int err;

	ncpus = ncpus > 0 ? ncpus : 1;
	if (!total && env && *env) {
		if (upc_parse_size(env, &total))
			return cli_usage("UPROBECTL_BUFFER_MAX is a size (4M, 512K, 1G), not '%s'",
					 env);
		snprintf(s->budget_how, sizeof(s->budget_how), "UPROBECTL_BUFFER_MAX");
	} else if (total) {
		snprintf(s->budget_how, sizeof(s->budget_how), "--buffer-max");
	} else if ((err = upc_read_file("/proc/meminfo", 1 << 20, false, &mi, &n)) ||
		   ((err = upc_buffer_budget(mi, n, (unsigned)ncpus, &total, &avail)),
		    free(mi), err)) {
		total = 2048 * (uint64_t)ncpus;		/* no meminfo: 2 MiB a CPU */
		snprintf(s->budget_how, sizeof(s->budget_how), "no /proc/meminfo: 2 MiB a CPU");
	} else {
		snprintf(s->budget_how, sizeof(s->budget_how), "5%% of MemAvailable %llu KiB, "
			 "at most 16 MiB a CPU", (unsigned long long)avail);
	}
	s->budget_kb = (unsigned long)(total / (uint64_t)ncpus);
	if (s->budget_kb < 4)
		s->budget_kb = 4;	/* a page: no less can be had */
	return 0;
}

/* The instance's buffer at kb KiB per CPU, or less where the kernel has
 * no memory for it: what it got, or -errno. */
static long instance_buffer(struct session *s, unsigned long kb)
{
	char v[24];
	int err;

	for (;;) {
		snprintf(v, sizeof(v), "%lu", kb);
		err = upc_instance_write(s->inst, "buffer_size_kb", v);
		if (err != -ENOMEM || kb <= 4)
			return err ? err : (long)kb;
		kb /= 2;
	}
}

int session_buffer(struct session *s, unsigned long kb)
{
	long got;

	if (kb > s->budget_kb)
		kb = s->budget_kb;
	if (kb == s->buffer_kb)
		return 0;
	got = s->perf ? upc_perf_resize(s->perf, kb) : instance_buffer(s, kb);
	if (got == -EAGAIN)
		return 0;	/* perf's last resize is not over: later */
	if (got < 0)
		return cli_explain((int)got, s->perf ? "perf rings" : "buffer_size_kb of our instance");
	if ((unsigned long)got < kb && !cli_quiet)
		cli_warn("the kernel has no memory for a buffer of %lu KiB per CPU (ENOMEM): "
			 "%ld KiB", kb, got);
	cli_debug("buffer: %lu KiB per CPU (of a budget of %lu: %s)", (unsigned long)got,
		  s->budget_kb, s->budget_how);
	s->buffer_kb = (unsigned long)got;
	return 0;
}

/* The events a perf session opens: GROUP/EVENT each, once. */
struct evlist {
	char **v;
	size_t n, cap;
};

static int ev_add(struct evlist *l, const char *group, const char *event)
{
	char name[2 * UPC_NAME_MAX + 2];

	snprintf(name, sizeof(name), "%s%s%s", group, group[0] ? "/" : "", event);
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], name))
			return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	return (l->v[l->n] = strdup(name)) ? (l->n++, 0) : -ENOMEM;
}

static int group_event(const struct upc_probe *p, void *ctx)
{
	return ev_add(ctx, p->group, p->event);
}

static void ev_free(struct evlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* Why perf events cannot be had here, from what perf_event_open said. */
static void perf_reason(int err, char *why, size_t len)
{
	char *v = NULL;
	size_t n;

	if (err == -ENOSYS)
		snprintf(why, len, "this kernel has no perf events (CONFIG_PERF_EVENTS)");
	else if ((err == -EACCES || err == -EPERM) &&
		 !upc_read_file("/proc/sys/kernel/perf_event_paranoid", 64, false, &v, &n) &&
		 atoi(v) > 2)
		snprintf(why, len, "perf_event_paranoid is %d here", atoi(v));
	else if (err == -EACCES || err == -EPERM)
		snprintf(why, len, "perf_event_open is refused here (%s: a seccomp or "
			 "security policy, or perf_event_paranoid without CAP_PERFMON)",
			 strerror(-err));
	else if (err == -EMFILE)
		snprintf(why, len, "following these processes takes more file descriptors "
			 "than the limit allows (threads x CPUs x events)");
	else
		snprintf(why, len, "the kernel refused a uprobe perf event (%s)", strerror(-err));
	free(v);
}

int session_perf_usable(char *why, size_t len)
{
	int err = upc_perf_check();

	if (err)
		perf_reason(err, why, len);
	return err;
}

/* The session's probes (and tracepoints) as perf events for its process:
 * 0, or -errno (not explained: the caller falls back to tracefs). */
static int perf_start(struct session *s)
{
	struct evlist l = { NULL, 0, 0 };
	struct upc_perf_opts o = { .sz = sizeof(o), .pids = &s->pid, .npids = 1,
				   .threads = !s->held, .enable_on_exec = s->held,
				   .counting = s->arm_only, .stacks = s->stack,
				   .buffer_kb = s->buffer_kb ? s->buffer_kb :
						s->budget_kb < 512 ? s->budget_kb : 512 };
	int err = 0;

	if (s->only)
		for (int i = 0; !err && i < s->only->n; i++)
			err = ev_add(&l, s->group, s->only->v[i]);
	else
		err = upc_probe_foreach(s->t, s->group, group_event, &l);
	for (size_t i = 0; !err && s->tracepoints && s->tracepoints[i]; i++) {
		char rel[128];

		snprintf(rel, sizeof(rel), "events/%s/format", s->tracepoints[i]);
		if (upc_tracefs_exists(s->t, rel))
			err = ev_add(&l, "", s->tracepoints[i]);
	}
	if (!err)
		err = upc_perf_open(s->t, (const char *const *)l.v, l.n, &o, &s->perf);
	ev_free(&l);
	if (!err && !s->held && (err = upc_perf_enable(s->perf, true))) {
		upc_perf_close(s->perf);
		s->perf = NULL;
	}
	if (err)
		return err;
	if (s->clock && !upc_perf_monotonic(s->perf))
		s->clock = NULL;
	if (!s->arm_only) {
		if (upc_perf_ring_kb(s->perf) < o.buffer_kb && !cli_quiet)
			cli_warn("the kernel has no memory for a buffer of %zu KiB per CPU "
				 "(ENOMEM): %zu KiB", o.buffer_kb, upc_perf_ring_kb(s->perf));
		s->buffer_kb = upc_perf_ring_kb(s->perf);
		cli_debug("buffer: %lu KiB per CPU (of a budget of %lu: %s)", s->buffer_kb,
			  s->budget_kb, s->budget_how);
	}
	return 0;
}

/* The transport for a session that follows processes: --transport, else
 * UPROBECTL_TRANSPORT (perf or tracefs), else perf where it can. */
int session_transport(struct session *s)
{
	const char *env = getenv("UPROBECTL_TRANSPORT");

	if (s->transport != TRANSPORT_AUTO || !env || !*env)
		return 0;
	if (!strcmp(env, "perf"))
		s->transport = TRANSPORT_PERF;
	else if (!strcmp(env, "tracefs"))
		s->transport = TRANSPORT_TRACEFS;
	else
		return cli_usage("UPROBECTL_TRANSPORT is perf or tracefs, not '%s'", env);
	return 0;
}

int session_start(struct session *s)
{
	bool own = s->pid >= 0 || s->stack;
	char name[UPC_NAME_MAX + 1], why[256];
	int err;

	if ((err = session_transport(s)) || (err = session_budget(s)))
		return err;
	if (s->buffer_kb > s->budget_kb)
		s->buffer_kb = s->budget_kb;
	if (s->pid >= 0 && s->transport != TRANSPORT_TRACEFS) {
		if (!(err = perf_start(s))) {
			cli_debug("armed: perf events for process %ld%s", s->pid,
				  s->held ? " (from its exec)" : " and its threads");
			return 0;
		}
		perf_reason(err, why, sizeof(why));
		if (s->transport == TRANSPORT_PERF) {
			cli_err("--transport perf: %s", why);
			return err;
		}
		if (!cli_quiet)
			cli_warn("perf events cannot be used here (%s): the probes are armed "
				 "in every process that maps their files, which trap on each "
				 "call too (some microseconds each) while this runs", why);
	}
	if (own && !s->instance) {
		/* a filter or an option is per instance: use one of our own
		 * rather than change the top level other tools rely on */
		snprintf(name, sizeof(name), "uprobectl-%ld", (long)getpid());
		s->instance = name;
	}
	if (s->instance && (err = upc_check_name("instance", s->instance, true)))
		return err;
	err = upc_instance_open(s->t, s->instance, own, &s->inst);
	if (err == -EEXIST) {
		cli_err("instance %s exists: -p and --stack need an instance of their own "
			"(leave out --instance)", s->instance);
		return err;
	}
	if (err) {
		cli_err("creating tracefs instance %s: %s", s->instance, strerror(-err));
		return err;
	}
	s->instance = upc_instance_name(s->inst);
	if (s->instance) {
		if (s->pid >= 0 && (err = write_pids(s)))
			return err;
		/* the followed processes' forks and execs name their comms
		 * where the kernel's comm cache will print "<...>" (a kernel
		 * without these events just goes without) */
		if (s->pid >= 0 && upc_instance_created(s->inst))
			s->task_events =
				!upc_instance_write(s->inst, "events/task/task_newtask/enable", "1") &&
				!upc_instance_write(s->inst, "events/task/task_rename/enable", "1");
		/* a kernel without one of them goes without */
		for (size_t i = 0; s->tracepoints && s->tracepoints[i]; i++) {
			char rel[128];

			snprintf(rel, sizeof(rel), "events/%s/enable", s->tracepoints[i]);
			upc_instance_write(s->inst, rel, "1");
		}
		if (s->stack && (err = upc_instance_set_option(s->inst, "userstacktrace", true))) {
			cli_err("options/userstacktrace: %s (this architecture may have "
				"no user stack traces)", strerror(-err));
			return err;
		}
		/* stacks: frames are symbolized from their process's maps */
		if (s->record_tgid || s->stack)
			s->record_tgid = !upc_instance_set_option(s->inst, "record-tgid", true);
		if (s->clock && upc_instance_write(s->inst, "trace_clock", s->clock))
			s->clock = NULL;
		/* a buffer of our own, within the budget: the size asked for,
		 * or the kernel's default where that is more */
		if (upc_instance_created(s->inst) || s->buffer_kb) {
			unsigned long want = s->buffer_kb, now = 0;
			char v[32];

			if (!want && upc_instance_read(s->inst, "buffer_size_kb", v, sizeof(v)) > 0)
				now = strtoul(v, NULL, 10);
			want = want ? want : now > s->budget_kb ? s->budget_kb : 0;
			s->buffer_kb = now;
			if (want && (err = session_buffer(s, want)))
				return err;
		}
		/* arm only: the kernel counts hits, the buffer keeps nothing */
		if (s->arm_only && (err = upc_instance_write(s->inst, "tracing_on", "0")))
			return cli_explain(err, "tracing_on of our instance");
		err = switch_events(s, true);
		if (err) {
			cli_err("enabling %s events in instance %s: %s", s->group, s->instance,
				strerror(-err));
			return err;
		}
		s->enabled = true;
	}
	if (!s->arm_only && (s->fd = upc_instance_pipe(s->inst)) < 0) {
		err = s->fd;
		cli_err("%s trace_pipe: %s", s->instance ? s->instance : "top-level",
			strerror(-err));
		return err;
	}
	cli_debug("armed: tracefs %s%s", s->instance ? "instance " : "top level",
		  s->instance ? s->instance : "");
	return 0;
}

void session_end(struct session *s)
{
	char name[UPC_NAME_MAX + 1];
	int err;

	upc_perf_close(s->perf);
	s->perf = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->enabled)
		switch_events(s, false);
	s->enabled = false;
	if (!s->inst)
		return;
	/* removing an instance of ours takes its buffer, filter and options */
	snprintf(name, sizeof(name), "%s", s->instance ? s->instance : "");
	if ((err = upc_instance_close(s->inst)))
		cli_err("removing tracefs instance %s: %s", name, strerror(-err));
	s->inst = NULL;
	s->instance = NULL;
}

/* Has every followed process exited? The pid filter lists them: the kernel
 * adds forked children (event-fork) and drops the ones that exit; each is
 * checked too, for kernels that leave them listed. */
static bool followed_gone(const struct session *s)
{
	char list[4096];
	long pid = 0;

	if (upc_proc_alive(s->pid))
		return false;
	if (s->perf)
		return !upc_perf_following(s->perf);
	if (upc_instance_read(s->inst, "set_event_pid", list, sizeof(list)) < 0)
		return true;
	for (const char *p = list;; p++) {
		if (*p >= '0' && *p <= '9' && pid < 100000000L) {
			pid = pid * 10 + (*p - '0');
			continue;
		}
		if (pid > 0 && upc_proc_alive(pid))
			return false;
		pid = 0;
		if (!*p)
			return true;
	}
}

/* Are the group's events still defined? */
static bool group_exists(const struct session *s)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "events/%s", s->group);
	return upc_tracefs_exists(s->t, rel);
}

double session_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Hand every complete line of buf to the sink; keep the partial tail. */
static size_t feed(const struct session_sink *k, char *buf, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (buf[i] != '\n')
			continue;
		if (!k->done(k->ctx))
			k->line(k->ctx, buf + start, i - start);
		start = i + 1;
	}
	if (k->detach)
		k->detach(k->ctx);
	memmove(buf, buf + start, n - start);
	return n - start;
}

/* What the session has to read now: bytes into buf, 0 for nothing, or
 * -errno (explained). */
static ssize_t session_read(struct session *s, char *buf, size_t len)
{
	ssize_t r;

	if (s->perf) {
		r = upc_perf_read(s->perf, buf, len);
		if (r < 0)
			cli_err("reading perf events: %s", strerror((int)-r));
		return r;
	}
	r = read(s->fd, buf, len);
	if (r >= 0 || errno == EAGAIN || errno == EINTR)
		return r > 0 ? r : 0;
	cli_err("reading trace_pipe: %s", strerror(errno));
	return -errno;
}

void session_run(struct session *s, const struct session_sink *k,
		 const struct session_limits *l, struct session_child *child)
{
	static char buf[1 << 17];
	size_t have = 0;
	double end = l->seconds > 0 ? session_clock() + l->seconds : 0;
	double tick = l->interval > 0 ? session_clock() + l->interval : 0;
	bool child_done = !child || child->pid <= 0, draining = false;
	bool follow_pid = child_done && s->pid > 0;	/* -p */
	bool reads = s->perf ? !s->arm_only : s->fd >= 0;
	bool gone = false;		/* draining: the processes followed exited */
	double next_check = 0;	/* when to look for the processes and the group */
	struct pollfd *pfd = NULL;
	int npfd = 1;

	if (s->perf && reads && (pfd = calloc(RECOUT_MAX_CPUS, sizeof(*pfd))))
		npfd = upc_perf_pollfds(s->perf, pfd, RECOUT_MAX_CPUS);
	while (!stop_signal && !k->done(k->ctx)) {
		struct pollfd one = { .fd = s->fd, .events = POLLIN };
		int timeout = 100;
		ssize_t r;

		if (end) {
			double left = end - session_clock();

			if (left <= 0)
				break;
			if (left * 1000 < timeout)
				timeout = (int)(left * 1000) + 1;
		}
		if (tick && session_clock() >= tick) {
			tick += l->interval;
			k->tick(k->ctx);
		}
		if (!child_done && session_child_wait(child, false)) {
			child_done = true;
			draining = true;	/* what it did is in the buffer: read it all */
		}
		if (!draining && session_clock() >= next_check) {
			next_check = session_clock() + 0.1;
			if (follow_pid && followed_gone(s)) {
				draining = gone = true;	/* -p: the processes exited */
			} else if (!group_exists(s)) {
				draining = true;	/* cleared by another run */
				if (!cli_quiet)
					fprintf(stderr, "uprobectl: group %s was deleted (by "
						"another command): the stream ends\n", s->group);
			}
		}
		if (!reads) {
			/* nothing to read (the kernel counts): wait for the end */
			if (draining)
				break;
			poll(NULL, 0, timeout);
			continue;
		}
		if (!draining && poll(pfd ? pfd : &one, (nfds_t)npfd, timeout) < 0 &&
		    errno != EINTR)
			break;
		r = session_read(s, buf + have, sizeof(buf) - have - 1);
		if (r > 0) {
			have = feed(k, buf, have + (size_t)r);
			if (have == sizeof(buf) - 1)
				have = 0;	/* no line is that long: drop the junk */
			continue;
		}
		if (r < 0)
			break;
		/* nothing to read now: the end of a drain, unless what was read
		 * meanwhile showed a child of the processes followed (perf) */
		if (draining && (!gone || !s->perf || followed_gone(s)))
			break;
		draining = gone = false;
		k->flush(k->ctx);
	}
	/* what the rings lost at the end, said */
	if (reads && s->perf && !k->done(k->ctx) && !upc_perf_flush(s->perf)) {
		ssize_t r;

		while ((r = session_read(s, buf, sizeof(buf) - 1)) > 0)
			feed(k, buf, (size_t)r);
	}
	if (gone && !cli_quiet)
		fprintf(stderr, "uprobectl: process %ld and the children it had have exited\n",
			s->pid);
	free(pfd);
	k->flush(k->ctx);
}

/* The sink of records written out, up to count of them. */
struct recout_sink {
	struct recout *w;
	unsigned long count;
	bool told;		/* that the kernel records no user stacks */
};

static void rs_line(void *ctx, const char *line, size_t n)
{
	struct recout_sink *r = ctx;

	recout_line(r->w, line, n);
}

static void rs_detach(void *ctx)
{
	recout_detach(((struct recout_sink *)ctx)->w);
}

static void rs_flush(void *ctx)
{
	struct recout_sink *r = ctx;
	struct recout *w = r->w;

	recout_flush_pending(w);
	ob_flush(&w->out);
	if (w->no_stacks && !r->told && !cli_quiet) {
		r->told = true;
		cli_warn("this kernel records no user stacks (arm64 has them from 6.10): "
			 "--stack gives the function and its caller only");
	}
}

static bool rs_done(void *ctx)
{
	struct recout_sink *r = ctx;

	return r->w->out.failed || (r->count && r->w->records >= r->count);
}

void session_stream(struct session *s, struct recout *w, const struct session_limits *l,
		    struct session_child *child)
{
	struct recout_sink r = { w, l->count, false };
	const struct session_sink k = { rs_line, rs_detach, rs_flush, rs_done, NULL, &r };

	w->task_events = s->task_events;
	w->limit = l->count;
	session_run(s, &k, l, child);
	if (w->folded && recout_folded(w) == -ENOMEM)
		cli_explain(-ENOMEM, "folded stacks");
}

void session_summary(const struct recout *w)
{
	char lost[512] = "";
	size_t used = 0;
	uint64_t total = 0;

	for (int c = 0; c < RECOUT_MAX_CPUS; c++) {
		if (!w->lost_cpu[c])
			continue;
		total += w->lost_cpu[c];
		if (used < sizeof(lost))
			used += (size_t)snprintf(lost + used, sizeof(lost) - used, "%scpu%d %llu",
						 used ? ", " : "", c,
						 (unsigned long long)w->lost_cpu[c]);
	}
	if (cli_quiet && !total && !w->lost_lines)
		return;
	if (total)
		fprintf(stderr, "uprobectl: %lu records; %llu events lost (%s): enlarge "
			"buffer_size_kb or read faster\n", w->records,
			(unsigned long long)total, lost);
	else if (w->lost_lines)
		fprintf(stderr, "uprobectl: %lu records; the kernel lost events %lu times "
			"(count unknown)\n", w->records, w->lost_lines);
	else
		fprintf(stderr, "uprobectl: %lu records, no events lost\n", w->records);
}

int session_opt(struct session *s, struct session_limits *l, int opt, const char *arg)
{
	switch (opt) {
	case 'i':
		if (parse_seconds(arg, &l->interval))
			return cli_usage("-i takes a positive number of seconds");
		return 1;
	case 'p':
		if (parse_pid(arg, &s->pid))
			return cli_usage("-p takes a process id");
		return 1;
	case 'c':
		if (parse_count(arg, &l->count))
			return cli_usage("-c takes a positive number");
		return 1;
	case 'd':
		if (parse_seconds(arg, &l->seconds))
			return cli_usage("-d takes a positive number of seconds");
		return 1;
	case OPT_BUFFER_MAX:
		if (upc_parse_size(arg, &s->buffer_max_kb))
			return cli_usage("--buffer-max is a size: 4M, 512K, 1G (all CPUs' buffers "
					 "together)");
		return 1;
	case OPT_TRANSPORT:
		if (!strcmp(arg, "perf"))
			s->transport = TRANSPORT_PERF;
		else if (!strcmp(arg, "tracefs"))
			s->transport = TRANSPORT_TRACEFS;
		else
			return cli_usage("--transport is perf or tracefs");
		return 1;
	}
	return 0;
}

/* The probes of a stack session, for the return address (ra_event). */
struct ra_scan {
	struct recout *w;
	struct ra_event *v;
	unsigned n;
};

static int ra_probe(const struct upc_probe *p, void *ctx)
{
	struct upc_elf_opts o = { .sz = sizeof(o), .quiet = true };
	struct ra_scan *c = ctx;
	struct upc_location loc;
	struct upc_elf *elf;
	struct ra_event *e = &c->v[c->n];
	bool at_start;

	if (p->kind != 'p' || !names_has(c->w->events, p->event) || c->n == (unsigned)c->w->events->n)
		return 0;
	if (upc_elf_open(p->path, &o, &elf))
		return 0;	/* the kernel's walk, as it is */
	at_start = !upc_elf_sym_at(elf, p->offset, &loc) && loc.sym.name && !loc.sym_off;
	if (at_start && upc_probe_arg_fetching(p, upc_arch_ra(upc_elf_arch(elf)), e->arg,
					       sizeof(e->arg))) {
		snprintf(e->event, sizeof(e->event), "%s", p->event);
		c->n++;
	} else if (at_start && !cli_quiet) {
		cli_warn("%s records no return address: at a function's entry the kernel's "
			 "stack walk may miss the caller (define it with the fetch arg $ra)",
			 p->event);
	}
	upc_elf_close(elf);
	return 0;
}

int session_output(struct recout *w, const struct session *s, const struct names *events)
{
	struct ra_scan c = { w, NULL, 0 };
	int err;

	w->out.fd = 1;
	w->live = true;
	w->json = cli_json;
	w->group = s->group;
	w->events = events;
	if (!s->stack && !s->folded)
		return 0;
	w->stacks = true;
	w->own_frames = true;
	w->folded = s->folded;
	w->symbolize = symbolize_frame;
	if (!(w->sym_ctx = symbolize_new()) || !(c.v = calloc((size_t)events->n, sizeof(*c.v))) ||
	    (w->folded && upc_agg_new(&w->stacks_agg))) {
		free(c.v);
		return cli_explain(-ENOMEM, "stacks");
	}
	err = upc_probe_foreach(s->t, s->group, ra_probe, &c);
	w->ra = c.v;
	w->nra = c.n;
	/* the process followed: its maps now, kept after it exits */
	symbolize_snapshot(w->sym_ctx, s->pid);
	return err ? cli_explain(err, "reading uprobe_events") : 0;
}

void session_output_free(struct recout *w)
{
	symbolize_free(w->sym_ctx);
	w->sym_ctx = NULL;
	free(w->ra);
	w->ra = NULL;
	recout_free(w);
}

/* ---- the command a session follows (session.h) ---- */

int session_child_start(struct session_child *c, char **cmd)
{
	int sync[2];

	if (pipe(sync))
		return cli_explain(-errno, "pipe");
	fflush(NULL);
	c->pid = _Fork();
	if (c->pid < 0) {
		close(sync[0]);
		close(sync[1]);
		return cli_explain(-errno, "fork");
	}
	if (c->pid == 0) {
		char go;

		close(sync[1]);
		signal(SIGPIPE, SIG_DFL);
		if (read(sync[0], &go, 1) != 1)
			_exit(126);	/* the tracer gave up */
		close(sync[0]);
		execvp(cmd[0], cmd);
		fprintf(stderr, "uprobectl: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	close(sync[0]);
	c->release = sync[1];
	return EXIT_OK;
}

int session_child_release(struct session_child *c, bool go)
{
	int status = EXIT_OK;

	if (c->release < 0)
		return status;
	if (go && write(c->release, "g", 1) != 1)
		status = cli_explain(-errno, "starting the command");
	close(c->release);
	c->release = -1;
	return status;
}

static void on_child(int sig)
{
	(void)sig;	/* only to wake poll(): a stopped exit waits for us */
}

bool session_child_watch(struct session_child *c, void (*at_exit)(void *, long),
			 void (*at_exec)(void *, long), void *ctx, const char *cost)
{
	struct sigaction sa = { .sa_handler = on_child, .sa_flags = SA_RESTART };
	long opts = PTRACE_O_TRACEEXIT | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		    PTRACE_O_TRACECLONE | (at_exec ? PTRACE_O_TRACEEXEC : 0);

	if (ptrace(PTRACE_SEIZE, c->pid, NULL, (void *)opts)) {
		if (!cli_quiet)
			cli_warn("cannot stop the command at its exits (ptrace: %s): %s",
				 strerror(errno), cost);
		return false;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	c->traced = true;
	c->at_exit = at_exit;
	c->at_exec = at_exec;
	c->ctx = ctx;
	return true;
}

void session_child_stacks(struct session_child *c, struct recout *w)
{
	session_child_watch(c, symbolize_snapshot, NULL, w->sym_ctx, "frames of a process "
			    "gone before its records are read cannot be placed");
}

/* The Tgid of a thread, from /proc/TID/status; tid itself when unknown. */
static long tgid_of(long tid)
{
	char p[64], *b, *t;
	size_t n;
	long tgid = tid;

	snprintf(p, sizeof(p), "/proc/%ld/status", tid);
	if (upc_read_file(p, 1 << 16, false, &b, &n))
		return tid;
	if ((t = strstr(b, "\nTgid:")))
		tgid = strtol(t + 6, NULL, 10);
	free(b);
	return tgid > 0 ? tgid : tid;
}

/* A stop of a traced process of ours: seen to, and it goes on. */
static void traced_stop(struct session_child *c, pid_t pid, int st)
{
	int event = st >> 16, sig = WSTOPSIG(st);

	if (event == PTRACE_EVENT_EXIT) {
		c->at_exit(c->ctx, tgid_of(pid));
		sig = 0;
	} else if (event == PTRACE_EVENT_EXEC) {
		c->at_exec(c->ctx, pid);	/* pid: the process's, whichever thread */
		sig = 0;
	} else if (event == PTRACE_EVENT_STOP) {
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			ptrace(PTRACE_LISTEN, pid, NULL, NULL);	/* a group stop stays */
			return;
		}
		sig = 0;	/* a new child's first stop */
	} else if (event) {
		sig = 0;	/* fork, vfork, clone: the child is traced too */
	}
	ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);	/* its signal, passed on */
}

bool session_child_wait(struct session_child *c, bool block)
{
	int st;
	pid_t r;

	while (!c->exited) {
		r = c->traced ? waitpid(-1, &st, __WALL | (block ? 0 : WNOHANG))
			      : waitpid(c->pid, &st, block ? 0 : WNOHANG);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (WIFSTOPPED(st)) {
			traced_stop(c, r, st);
		} else if (r == c->pid) {
			c->exited = true;
			c->status = st;
		}
	}
	return c->exited;
}

int session_child_status(struct session_child *c)
{
	if (!c->exited && session_stop_signal())
		kill(c->pid, session_stop_signal());
	if (!session_child_wait(c, true))
		return EXIT_FAIL;
	return WIFEXITED(c->status) ? WEXITSTATUS(c->status) : 128 + WTERMSIG(c->status);
}
