// SPDX-License-Identifier: MIT
/*
 * Perf events on the group's uprobe events: probes armed only in the
 * processes followed.
 *
 * A uprobe event enabled in tracefs is armed in every process that maps
 * its file, and a pid filter only drops what the others record, after
 * their trap. The same event opened with perf_event_open(2) for a task
 * (PERF_TYPE_TRACEPOINT, its id) is armed only in that task's memory
 * (the kernel's uprobe_perf_filter): the rest of the machine runs at full
 * speed. Children and threads the task starts get the events too
 * (inherit), and an exec keeps them.
 *
 * The kernel refuses to mmap an inherited event that is not bound to a
 * CPU, so every event is opened once per task and CPU; on each CPU they
 * all write (PERF_EVENT_IOC_SET_OUTPUT) into one ring buffer, owned by a
 * do-nothing event of our own on that CPU. The tasks' comms, forks and
 * exits come from a do-nothing event of theirs per CPU, into a small ring
 * of their own: what a full ring of records loses is then records alone,
 * counted as tracefs counts them. Samples carry the raw record
 * of the event (PERF_SAMPLE_RAW, decoded through its format file), the
 * task, the time on the monotonic clock and the CPU, and the user call
 * chain when asked; the rings are merged in time order into the lines
 * trace_pipe would print, so every reader of records reads these as it
 * reads tracefs. The comms come from the COMM, FORK and EXIT records of
 * the tasks followed. Counting only (no records) reads the counters.
 *
 * Nothing here is in any header of the C library we can rely on (musl's
 * has no linux/perf_event.h): the ABI's few structures are declared here,
 * as the kernel's uapi header lays them out.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "upc_internal.h"
#include "upc_printf.h"

/* ---- the kernel's ABI (include/uapi/linux/perf_event.h) ------------------- */

struct perf_attr {
	uint32_t type, size;
	uint64_t config, sample_period, sample_type, read_format;
	uint64_t disabled : 1, inherit : 1, pinned : 1, exclusive : 1, exclude_user : 1,
		 exclude_kernel : 1, exclude_hv : 1, exclude_idle : 1, mmap : 1, comm : 1,
		 freq : 1, inherit_stat : 1, enable_on_exec : 1, task : 1, watermark : 1,
		 precise_ip : 2, mmap_data : 1, sample_id_all : 1, exclude_host : 1,
		 exclude_guest : 1, exclude_callchain_kernel : 1, exclude_callchain_user : 1,
		 mmap2 : 1, comm_exec : 1, use_clockid : 1, reserved_1 : 38;
	uint32_t wakeup_watermark, bp_type;
	uint64_t config1, config2, branch_sample_type, sample_regs_user;
	uint32_t sample_stack_user;
	int32_t clockid;
	uint64_t sample_regs_intr;
	uint32_t aux_watermark;
	uint16_t sample_max_stack, reserved_2;
};
#define PERF_ATTR_SIZE_VER5 112
_Static_assert(sizeof(struct perf_attr) == PERF_ATTR_SIZE_VER5, "perf_event_attr, as far as VER5");

#define PERF_TYPE_SOFTWARE 1
#define PERF_TYPE_TRACEPOINT 2
#define PERF_COUNT_SW_DUMMY 9

#define PERF_SAMPLE_TID (1u << 1)
#define PERF_SAMPLE_TIME (1u << 2)
#define PERF_SAMPLE_CALLCHAIN (1u << 5)
#define PERF_SAMPLE_CPU (1u << 7)
#define PERF_SAMPLE_RAW (1u << 10)

#define PERF_RECORD_LOST 2
#define PERF_RECORD_COMM 3
#define PERF_RECORD_EXIT 4
#define PERF_RECORD_FORK 7
#define PERF_RECORD_SAMPLE 9
#define PERF_RECORD_LOST_SAMPLES 13
#define PERF_RECORD_MISC_COMM_EXEC (1u << 13)
#define PERF_CONTEXT_MAX ((uint64_t)-4095)	/* call chain markers above */
#define PERF_CONTEXT_USER ((uint64_t)-512)

#define PERF_FLAG_FD_CLOEXEC (1ul << 3)
#define PERF_EVENT_IOC_ENABLE _IO('$', 0)
#define PERF_EVENT_IOC_DISABLE _IO('$', 1)
#define PERF_EVENT_IOC_SET_OUTPUT _IO('$', 5)

/* struct perf_event_mmap_page: the ring's head and tail, 1 KiB in */
#define MMAP_DATA_HEAD 1024
#define MMAP_DATA_TAIL 1032

struct rec_header {
	uint32_t type;
	uint16_t misc, size;
};

/* ---- a session's events ------------------------------------------------- */

#define MAX_FRAMES 8		/* of a user stack, as ftrace's userstacktrace */
#define NCOMMS 256

struct ring {
	int cpu;
	bool side;			/* of comms, forks and exits */
	int fd;				/* its owner: a do-nothing event of ours */
	unsigned char *base;		/* the header page, then data_size bytes */
	size_t data_size;
	unsigned char *copy;		/* what was taken from it, not yet given */
	size_t copy_len, copy_at, copy_cap;
};

struct comm {
	int32_t tid;
	char comm[16];
};

struct upc_perf {
	struct upc_tp_format *fmt;	/* per event */
	size_t nevents;
	int *fds;			/* per task, CPU and event */
	size_t nfds, capfds;
	struct ring *rings;		/* per CPU */
	struct ring *side;		/* per CPU: comms, forks and exits */
	struct ring *old;		/* per CPU, the rings before a resize,
					 * read until they are empty */
	int nrings;			/* of each */
	size_t ring_kb;			/* each of rings */
	size_t per;			/* descriptors per task and CPU: the
					 * events, then the task's side event */
	int *cpus, ncpus;
	long page;
	bool counting, stacks;
	struct perf_attr attr;		/* of every probe event, config aside */
	struct comm comms[NCOMMS];
	uint64_t lost;
	long *tasks;			/* followed and not seen to exit */
	size_t ntasks, captasks;
};

static int perf_open(struct perf_attr *a, long pid, int cpu, int group, unsigned long flags)
{
	long fd = syscall(SYS_perf_event_open, a, pid, cpu, group, flags);

	return fd < 0 ? -errno : (int)fd;
}

/* The online CPUs ("0-3,6"). */
static int online_cpus(int **out)
{
	char *s, *p;
	size_t n;
	int *v = NULL, nv = 0, err;

	if ((err = upc_read_file("/sys/devices/system/cpu/online", 4096, false, &s, &n)))
		return err;
	for (p = s; *p >= '0' && *p <= '9';) {
		long a = strtol(p, &p, 10), b = a;
		int *nvv;

		if (*p == '-')
			b = strtol(p + 1, &p, 10);
		if (b < a || b - a > 65536 || !(nvv = realloc(v, (size_t)(nv + b - a + 1) *
							       sizeof(*v)))) {
			free(v);
			free(s);
			return -EINVAL;
		}
		v = nvv;
		while (a <= b)
			v[nv++] = (int)a++;
		if (*p == ',')
			p++;
	}
	free(s);
	if (!nv) {
		free(v);
		return -EINVAL;
	}
	*out = v;
	return nv;
}

/* Room for n more descriptors: the soft limit raised to the hard one when
 * it takes that; -EMFILE when even that is too few. */
static int fd_room(struct upc_perf *p, size_t n)
{
	struct rlimit rl;
	int *nf;

	if (p->nfds + n > p->capfds) {
		size_t cap = p->capfds ? p->capfds : 64;

		while (cap < p->nfds + n)
			cap *= 2;
		if (!(nf = realloc(p->fds, cap * sizeof(*nf))))
			return -ENOMEM;
		p->fds = nf;
		p->capfds = cap;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	if (p->nfds + n + (size_t)p->nrings + 64 <= rl.rlim_cur)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && p->nfds + n + (size_t)p->nrings + 64 > rl.rlim_max)
		return -EMFILE;
	rl.rlim_cur = rl.rlim_max;
	return setrlimit(RLIMIT_NOFILE, &rl) ? -EMFILE : 0;
}

/* A task followed (started, or seen forked), or one gone (exited). */
static void task_seen(struct upc_perf *p, long tid, bool alive)
{
	for (size_t i = 0; i < p->ntasks; i++)
		if (p->tasks[i] == tid) {
			if (!alive)
				p->tasks[i] = p->tasks[--p->ntasks];
			return;
		}
	if (!alive)
		return;
	if (p->ntasks == p->captasks) {
		size_t cap = p->captasks ? 2 * p->captasks : 16;
		long *t = realloc(p->tasks, cap * sizeof(*t));

		if (!t)
			return;		/* /proc tells about it then */
		p->tasks = t;
		p->captasks = cap;
	}
	p->tasks[p->ntasks++] = tid;
}

static void free_rings(struct upc_perf *p, struct ring *rings, int n)
{
	for (int i = 0; i < n; i++) {
		if (rings[i].base)
			munmap(rings[i].base, (size_t)p->page + rings[i].data_size);
		if (rings[i].fd >= 0)
			close(rings[i].fd);
		free(rings[i].copy);
	}
	free(rings);
}

/* Each CPU's ring of at most kb KiB (a power of two of pages, at least
 * one), owned by a do-nothing event of this process on that CPU (which,
 * for flush, writes its comm there when asked: upc_perf_flush). */
static int make_rings(struct upc_perf *p, size_t kb, bool flush, struct ring **out)
{
	struct ring *rings = calloc((size_t)p->ncpus, sizeof(*rings));
	size_t pages = 1;
	int err = 0;

	if (!rings)
		return -ENOMEM;
	while ((pages * 2) * (size_t)p->page <= kb * 1024 && pages < (1u << 20))
		pages *= 2;
	for (int i = 0; i < p->ncpus; i++) {
		rings[i].fd = -1;
		rings[i].side = !flush;
	}
	for (int i = 0; !err && i < p->ncpus; i++) {
		struct perf_attr a = p->attr;
		struct ring *r = &rings[i];

		a.type = PERF_TYPE_SOFTWARE;
		a.config = PERF_COUNT_SW_DUMMY;
		a.inherit = a.enable_on_exec = a.comm_exec = a.task = 0;
		a.comm = flush;
		a.disabled = 0;
		r->cpu = p->cpus[i];
		r->fd = perf_open(&a, 0, r->cpu, -1, PERF_FLAG_FD_CLOEXEC);
		if (r->fd < 0) {
			err = r->fd;
			break;
		}
		r->data_size = pages * (size_t)p->page;
		r->base = mmap(NULL, (size_t)p->page + r->data_size, PROT_READ | PROT_WRITE,
			       MAP_SHARED, r->fd, 0);
		if (r->base == MAP_FAILED) {
			r->base = NULL;
			err = -errno;
		}
	}
	if (err) {
		free_rings(p, rings, p->ncpus);
		return err;
	}
	*out = rings;
	return 0;
}

/* The rings of at most kb KiB each, or smaller ones where the kernel has
 * no memory for those (it said ENOMEM): their size, or -errno. */
static long open_rings(struct upc_perf *p, size_t kb, struct ring **out)
{
	int err;

	while ((err = make_rings(p, kb, true, out)) == -ENOMEM && kb * 1024 > (size_t)p->page)
		kb /= 2;
	return err ? err : (long)((*out)[0].data_size / 1024);
}

/* The events of task (a thread) on every CPU, and (with records) its
 * side event there: its comms, forks and exits. */
static int open_task(struct upc_perf *p, long task)
{
	int err = fd_room(p, p->per * (size_t)p->ncpus);

	for (int c = 0; !err && c < p->ncpus; c++) {
		for (size_t e = 0; !err && e < p->per; e++) {
			struct perf_attr a = p->attr;
			bool side = e == p->nevents;
			int fd;

			a.config = side ? PERF_COUNT_SW_DUMMY : p->fmt[e].id;
			if (side) {
				a.type = PERF_TYPE_SOFTWARE;
				a.sample_type &= ~(uint64_t)(PERF_SAMPLE_RAW | PERF_SAMPLE_CALLCHAIN);
				a.comm = a.comm_exec = a.task = 1;
			}
			fd = perf_open(&a, task, p->cpus[c], -1, PERF_FLAG_FD_CLOEXEC);
			if (fd < 0) {
				err = fd;
				break;
			}
			p->fds[p->nfds++] = fd;
			if (!p->counting && ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT,
						  (side ? p->side : p->rings)[c].fd))
				err = -errno;
		}
	}
	return err;
}

/* Task t, not followed yet: its events, and it is followed (in done). */
static int follow(struct upc_perf *p, long **done, size_t *n, size_t *cap, long t)
{
	int err;

	for (size_t i = 0; i < *n; i++)
		if ((*done)[i] == t)
			return 0;
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		long *d = realloc(*done, c * sizeof(*d));

		if (!d)
			return -ENOMEM;
		*done = d;
		*cap = c;
	}
	(*done)[(*n)++] = t;
	task_seen(p, t, true);
	err = open_task(p, t);
	return err == -ESRCH ? 0 : err ? err : 1;	/* exited meanwhile: none */
}

/* Each task of pids, or (threads) every thread of each process, again
 * until no new thread shows: one started meanwhile by a thread whose
 * events were not open yet is not inherited. */
static int open_processes(struct upc_perf *p, const long *pids, size_t npids, bool threads)
{
	long *done = NULL;
	size_t ndone = 0, cap = 0;
	bool more = true;
	int err = 0;

	for (int round = 0; err >= 0 && more && round < 8; round++) {
		more = false;
		for (size_t i = 0; err >= 0 && i < npids; i++) {
			char dir[64];
			struct dirent *d;
			DIR *td;

			snprintf(dir, sizeof(dir), "/proc/%ld/task", pids[i]);
			if (!threads || !(td = opendir(dir))) {
				err = follow(p, &done, &ndone, &cap, pids[i]);
				continue;
			}
			while (err >= 0 && (d = readdir(td))) {
				long t = strtol(d->d_name, NULL, 10);

				if (t > 0 && (err = follow(p, &done, &ndone, &cap, t)) > 0)
					more = true;
			}
			closedir(td);
		}
	}
	free(done);
	return err < 0 ? err : 0;
}

int upc_perf_open(const struct upc_tracefs *t, const char *const *events, size_t nevents,
		  const struct upc_perf_opts *o, struct upc_perf **out)
{
	struct upc_perf *p = calloc(1, sizeof(*p));
	int err = 0;

	*out = NULL;
	if (!p)
		return -ENOMEM;
	p->page = sysconf(_SC_PAGESIZE);
	p->counting = o->counting;
	p->stacks = o->stacks;
	if (!(p->fmt = calloc(nevents ? nevents : 1, sizeof(*p->fmt))))
		err = -ENOMEM;
	/* each event's id and format: GROUP/EVENT */
	for (size_t i = 0; !err && i < nevents; i++) {
		char rel[2 * UPC_NAME_MAX + 16], *text;
		size_t len;

		snprintf(rel, sizeof(rel), "events/%s/format", events[i]);
		if (!(err = upc_tracefs_read_alloc(t, rel, &text, &len))) {
			err = upc_tp_format_parse(text, len, &p->fmt[i]);
			free(text);
		}
		p->nevents = i + 1;
	}
	if (!err && (err = online_cpus(&p->cpus)) > 0) {
		p->ncpus = err;
		err = 0;
	}
	p->attr.size = PERF_ATTR_SIZE_VER5;
	p->attr.type = PERF_TYPE_TRACEPOINT;
	p->attr.disabled = 1;
	p->attr.inherit = 1;
	p->attr.enable_on_exec = o->enable_on_exec;
	if (!p->counting) {
		p->attr.sample_period = 1;
		p->attr.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
				      PERF_SAMPLE_RAW | (o->stacks ? PERF_SAMPLE_CALLCHAIN : 0);
		p->attr.sample_id_all = 1;
		p->attr.exclude_callchain_kernel = 1;
		p->attr.sample_max_stack = MAX_FRAMES;
		/* woken when a quarter is full; the reader polls anyway */
		p->attr.watermark = 1;
		p->attr.wakeup_watermark = (uint32_t)((o->buffer_kb ? o->buffer_kb : 512) * 256);
		p->attr.use_clockid = 1;
		p->attr.clockid = CLOCK_MONOTONIC;
	}
	if (!err && !p->counting) {
		long kb = open_rings(p, o->buffer_kb ? o->buffer_kb : 512, &p->rings);

		if (kb == -EINVAL && p->attr.use_clockid) {
			/* a kernel without clockid (before 4.1): perf's clock */
			p->attr.use_clockid = 0;
			p->attr.clockid = 0;
			kb = open_rings(p, o->buffer_kb ? o->buffer_kb : 512, &p->rings);
		}
		err = kb < 0 ? (int)kb : 0;
		p->ring_kb = kb < 0 ? 0 : (size_t)kb;
		/* the side rings: a page each */
		if (!err && !(err = make_rings(p, (size_t)p->page / 1024, false, &p->side)))
			p->nrings = p->ncpus;
		else if (kb >= 0)
			free_rings(p, p->rings, p->ncpus);
	}
	p->per = p->nevents + !p->counting;
	if (!err)
		err = open_processes(p, o->pids, o->npids, o->threads);
	if (err) {
		upc_perf_close(p);
		return err;
	}
	*out = p;
	return 0;
}

int upc_perf_flush(struct upc_perf *p)
{
	cpu_set_t was, one;
	char name[17] = "";
	int err = 0;

	/* a ring that filled up says what it lost only when a record is
	 * written next: on each CPU, a COMM record of this process into its
	 * ring (renamed as it was, on that CPU) */
	if (sched_getaffinity(0, sizeof(was), &was) || prctl(PR_GET_NAME, name))
		return -errno;
	for (int i = 0; i < p->nrings && !err; i++) {
		CPU_ZERO(&one);
		CPU_SET(p->rings[i].cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one) || prctl(PR_SET_NAME, name))
			err = -errno;
	}
	sched_setaffinity(0, sizeof(was), &was);
	return err;
}

bool upc_perf_monotonic(const struct upc_perf *p)
{
	return p->attr.use_clockid;
}

int upc_perf_enable(struct upc_perf *p, bool on)
{
	for (size_t i = 0; i < p->nfds; i++)
		if (ioctl(p->fds[i], on ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE, 0))
			return -errno;
	return 0;
}

void upc_perf_close(struct upc_perf *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nfds; i++)
		close(p->fds[i]);
	free_rings(p, p->rings, p->nrings);
	free_rings(p, p->side, p->nrings);
	if (p->old)
		free_rings(p, p->old, p->nrings);
	free(p->fds);
	free(p->fmt);
	free(p->cpus);
	free(p->tasks);
	free(p);
}

int upc_perf_check(void)
{
	struct perf_attr a = { .size = PERF_ATTR_SIZE_VER5, .type = PERF_TYPE_SOFTWARE,
			       .config = PERF_COUNT_SW_DUMMY, .disabled = 1 };
	int fd = perf_open(&a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

bool upc_perf_following(const struct upc_perf *p)
{
	for (size_t i = 0; i < p->ntasks; i++)
		if (upc_proc_alive(p->tasks[i]))
			return true;
	return false;
}

int upc_perf_pollfds(const struct upc_perf *p, struct pollfd *fds, int max)
{
	int n = 0;

	for (int i = 0; i < p->nrings && n < max; i++)
		fds[n++] = (struct pollfd){ .fd = p->rings[i].fd, .events = POLLIN };
	return n;
}

int upc_perf_count(const struct upc_perf *p, size_t event, uint64_t *count)
{
	*count = 0;
	if (event >= p->nevents)
		return -EINVAL;
	/* the descriptors are task by task, CPU by CPU, event by event; a
	 * counter holds its inherited children's counts too */
	for (size_t i = event; i < p->nfds; i += p->per) {
		uint64_t v;

		if (read(p->fds[i], &v, sizeof(v)) != (ssize_t)sizeof(v))
			return -EIO;
		*count += v;
	}
	return 0;
}

/* ---- records to trace_pipe lines ------------------------------------------ */

static struct comm *comm_slot(struct upc_perf *p, int32_t tid)
{
	return &p->comms[(uint32_t)tid * 2654435761u % NCOMMS];
}

static void comm_set(struct upc_perf *p, int32_t tid, const char *c, size_t n)
{
	struct comm *s = comm_slot(p, tid);

	s->tid = tid;
	n = n < 15 ? n : 15;
	memcpy(s->comm, c, n);
	s->comm[n] = '\0';
}

/* The comm of tid (of process pid): as its records said, else /proc's,
 * else its process's, else "<...>" (as the kernel prints an unknown one). */
static const char *comm_of(struct upc_perf *p, int32_t pid, int32_t tid)
{
	struct comm *s = comm_slot(p, tid);
	char path[64], *c;
	size_t n;

	if (s->tid == tid && s->comm[0])
		return s->comm;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid, (int)tid);
	if (!upc_read_file(path, 64, false, &c, &n)) {
		comm_set(p, tid, c, strcspn(c, "\n"));
		free(c);
		return comm_slot(p, tid)->comm;
	}
	s = comm_slot(p, pid);
	return s->tid == pid && s->comm[0] ? s->comm : "<...>";
}

/* What ring r holds now, appended to its copy (the ring is free again). */
static int take(struct upc_perf *p, struct ring *r)
{
	uint64_t head = __atomic_load_n((uint64_t *)(r->base + MMAP_DATA_HEAD), __ATOMIC_ACQUIRE);
	uint64_t tail = *(uint64_t *)(r->base + MMAP_DATA_TAIL);
	const unsigned char *data = r->base + p->page;
	size_t n = (size_t)(head - tail), off = (size_t)(tail % r->data_size), first;

	if (!n || n > r->data_size)
		return n ? -EIO : 0;
	if (r->copy_at == r->copy_len)
		r->copy_at = r->copy_len = 0;
	if (r->copy_len + n > r->copy_cap) {
		size_t cap = r->copy_cap ? r->copy_cap : 65536;
		unsigned char *c;

		while (cap < r->copy_len + n)
			cap *= 2;
		if (!(c = realloc(r->copy, cap)))
			return -ENOMEM;
		r->copy = c;
		r->copy_cap = cap;
	}
	first = n < r->data_size - off ? n : r->data_size - off;
	memcpy(r->copy + r->copy_len, data + off, first);
	memcpy(r->copy + r->copy_len + first, data, n - first);
	r->copy_len += n;
	__atomic_store_n((uint64_t *)(r->base + MMAP_DATA_TAIL), head, __ATOMIC_RELEASE);
	return 0;
}

size_t upc_perf_ring_kb(const struct upc_perf *p)
{
	return p->ring_kb;
}

long upc_perf_resize(struct upc_perf *p, size_t kb)
{
	struct ring *rings;
	long got;
	int err = 0;

	if (p->counting || !p->nrings)
		return -EINVAL;
	if (p->old)
		return -EAGAIN;		/* the last one's old rings still hold records */
	if ((got = open_rings(p, kb, &rings)) < 0)
		return got;
	/* every event into the new ring of its CPU (the descriptors are task
	 * by task, CPU by CPU, event by event, the side event last) */
	for (size_t i = 0; !err && i < p->nfds; i++) {
		int c = (int)(i / p->per % (size_t)p->ncpus);

		if (i % p->per < p->nevents &&
		    ioctl(p->fds[i], PERF_EVENT_IOC_SET_OUTPUT, rings[c].fd))
			err = -errno;
	}
	if (err) {
		/* back to the old rings */
		for (size_t i = 0; i < p->nfds; i++)
			if (i % p->per < p->nevents)
				ioctl(p->fds[i], PERF_EVENT_IOC_SET_OUTPUT,
				      p->rings[i / p->per % (size_t)p->ncpus].fd);
		free_rings(p, rings, p->ncpus);
		return err;
	}
	/* the old rings are read beside the new ones, merged in time order
	 * (events moved one by one wrote to both meanwhile), until empty */
	p->old = p->rings;
	p->rings = rings;
	p->ring_kb = (size_t)got;
	return got;
}

static uint32_t u32_at(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t u64_at(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The next whole record of r's copy (its header checked), or NULL. */
static const unsigned char *next_record(const struct ring *r, struct rec_header *h)
{
	const unsigned char *rec = r->copy + r->copy_at;

	if (r->copy_len - r->copy_at < sizeof(*h))
		return NULL;
	memcpy(h, rec, sizeof(*h));
	if (h->size < sizeof(*h) || h->size > r->copy_len - r->copy_at)
		return NULL;
	return rec;
}

/* When a record happened: a sample's time, or the time of the sample_id
 * every other record of ours ends with (pid, tid, time, cpu). */
static uint64_t rec_time(const unsigned char *rec, const struct rec_header *h)
{
	if (h->type == PERF_RECORD_SAMPLE)
		return h->size >= 24 ? u64_at(rec + 16) : 0;
	return h->size >= sizeof(*h) + 24 ? u64_at(rec + h->size - 16) : 0;
}

/* "COMM-TID (   PID) [CPU] ..... SECS.MICROS: " as trace_pipe's context */
static int context(struct upc_perf *p, char *buf, size_t len, int32_t pid, int32_t tid,
		   uint32_t cpu, uint64_t ns)
{
	return snprintf(buf, len, "%16s-%-7d (%7d) [%03u] ..... %5llu.%06llu: ",
			comm_of(p, pid, tid), (int)tid, (int)pid, cpu,
			(unsigned long long)(ns / 1000000000u),
			(unsigned long long)(ns % 1000000000u / 1000));
}

/* A sample as trace_pipe's lines (its record, then its user stack): their
 * length in buf, 0 when it is none of ours, -ENOSPC when buf is short. */
static int sample_lines(struct upc_perf *p, const unsigned char *rec, size_t size, char *buf,
			size_t len)
{
	const unsigned char *q = rec + sizeof(struct rec_header), *end = rec + size;
	const struct upc_tp_format *f = NULL;
	uint64_t ns, nframes = 0;
	const unsigned char *frames = NULL, *raw;
	int32_t pid, tid;
	uint32_t cpu, rawlen;
	uint16_t type;
	size_t at;
	int n;

	if (end - q < 24)
		return 0;
	pid = (int32_t)u32_at(q);
	tid = (int32_t)u32_at(q + 4);
	ns = u64_at(q + 8);
	cpu = u32_at(q + 16);
	q += 24;
	if (p->stacks) {
		if (end - q < 8 || (nframes = u64_at(q)) > (uint64_t)(end - q - 8) / 8)
			return 0;
		frames = q + 8;
		q += 8 + nframes * 8;
	}
	if (end - q < 4 || (rawlen = u32_at(q)) > (size_t)(end - q - 4) || rawlen < 2)
		return 0;
	raw = q + 4;
	memcpy(&type, raw, sizeof(type));
	for (size_t i = 0; i < p->nevents && !f; i++)
		if (p->fmt[i].id == type)
			f = &p->fmt[i];
	if (!f)
		return 0;
	at = (size_t)context(p, buf, len, pid, tid, cpu, ns);
	n = snprintf(buf + at, len > at ? len - at : 0, "%s: ", f->name);
	at += (size_t)n;
	if (at >= len || (n = upc_tp_format_print(f, raw, rawlen, buf + at, len - at)) < 0)
		return n == -EINVAL ? 0 : -ENOSPC;
	at += (size_t)n;
	if (at + 1 >= len)
		return -ENOSPC;
	buf[at++] = '\n';
	/* the user frames (after the PERF_CONTEXT_USER marker) */
	for (uint64_t i = 0, shown = 0; frames && i < nframes; i++) {
		uint64_t ip = u64_at(frames + i * 8);

		/* markers, and the 0 that ends some walks (arm64's) */
		if (ip >= PERF_CONTEXT_MAX || !ip || shown == MAX_FRAMES)
			continue;
		if (!shown++) {
			at += (size_t)context(p, buf + at, len > at ? len - at : 0, pid, tid, cpu,
					      ns);
			at += (size_t)snprintf(buf + at, len > at ? len - at : 0,
					       "<user stack trace>\n");
		}
		at += (size_t)snprintf(buf + at, len > at ? len - at : 0, " => <%016llx>\n",
				       (unsigned long long)ip);
	}
	return at < len ? (int)at : -ENOSPC;
}

/* One record as lines into buf (their length: 0 for a record that prints
 * nothing), or -ENOSPC. */
static int record_lines(struct upc_perf *p, const struct ring *r, const unsigned char *rec,
			const struct rec_header *h, char *buf, size_t len)
{
	const unsigned char *q = rec + sizeof(*h);
	size_t body = h->size - sizeof(*h);
	uint64_t lost;
	int n;

	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		return sample_lines(p, rec, h->size, buf, len);
	case PERF_RECORD_LOST:
	case PERF_RECORD_LOST_SAMPLES:
		/* a side ring's losses are comms, forks and exits, no events */
		if (body < (h->type == PERF_RECORD_LOST ? 16u : 8u) || r->side)
			return 0;
		lost = u64_at(q + (h->type == PERF_RECORD_LOST ? 8 : 0));
		p->lost += lost;
		n = snprintf(buf, len, "CPU:%d [LOST %llu EVENTS]\n", r->cpu,
			     (unsigned long long)lost);
		return (size_t)n < len ? n : -ENOSPC;
	case PERF_RECORD_COMM:
		/* pid, tid, comm (NUL-padded), sample_id */
		if (body > 8 + 24)
			comm_set(p, (int32_t)u32_at(q + 4), (const char *)q + 8,
				 strnlen((const char *)q + 8, body - 8 - 24));
		return 0;
	case PERF_RECORD_FORK:
		/* pid, ppid, tid, ptid: the new task has its parent's comm */
		if (body >= 16) {
			int32_t tid = (int32_t)u32_at(q + 8), ptid = (int32_t)u32_at(q + 12);
			const char *c = comm_of(p, (int32_t)u32_at(q + 4), ptid);

			comm_set(p, tid, c, strlen(c));
			task_seen(p, tid, true);
		}
		return 0;
	case PERF_RECORD_EXIT:
		if (body >= 16)
			task_seen(p, (long)u32_at(q + 8), false);
		return 0;
	default:
		return 0;
	}
}

ssize_t upc_perf_read(struct upc_perf *p, char *buf, size_t len)
{
	size_t used = 0;
	int err;

	bool old_empty = true;

	for (int i = 0; i < p->nrings; i++)
		if ((err = take(p, &p->rings[i])) || (err = take(p, &p->side[i])) ||
		    (p->old && (err = take(p, &p->old[i]))))
			return err;
	/* merged in time order: the oldest next record of all the rings */
	for (;;) {
		struct ring *best = NULL;
		const unsigned char *rec = NULL;
		struct rec_header h, bh = { 0 };
		uint64_t bt = UINT64_MAX;
		int n;

		for (int i = 0; i < 3 * p->nrings; i++) {
			struct ring *r = i < p->nrings ? &p->rings[i] :
					 i < 2 * p->nrings ? &p->side[i - p->nrings] :
					 p->old ? &p->old[i - 2 * p->nrings] : NULL;

			if (!r)
				break;
			const unsigned char *x = next_record(r, &h);
			uint64_t t;

			if (x && (!best || (t = rec_time(x, &h)) < bt)) {
				best = r;
				bt = rec_time(x, &h);
				rec = x;
				bh = h;
			}
		}
		if (!best)
			break;
		n = record_lines(p, best, rec, &bh, buf + used, len - used);
		if (n == -ENOSPC && used)
			break;		/* the rest next time */
		if (n > 0)
			used += (size_t)n;
		best->copy_at += bh.size;
	}
	/* the old rings, once read to their end, go */
	for (int i = 0; p->old && i < p->nrings; i++)
		old_empty &= p->old[i].copy_at == p->old[i].copy_len;
	if (p->old && old_empty) {
		free_rings(p, p->old, p->nrings);
		p->old = NULL;
	}
	return (ssize_t)used;
}

uint64_t upc_perf_lost(const struct upc_perf *p)
{
	return p->lost;
}
