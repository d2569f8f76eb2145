// SPDX-License-Identifier: MIT
/*
 * /init of the VM tests: a static program, no shell. It does what an init
 * script on a board would do, by exec'ing /bin/uprobectl with argv:
 *   uprobectl status           (which mounts tracefs itself: /init does not)
 *   uprobectl add /tmp/registers wrapper_strerror
 *   uprobectl enable
 *   /tmp/registers N
 *   uprobectl stream --json -c N
 *   uprobectl disable, clear, status
 * then checks every record against the program's own output (arguments,
 * stack pointer, buffer pointer, length, return address), and the same
 * for a USDT probe of /tmp/usdt and its semaphore, and prints one
 * PASS or FAIL line per check, a final "VM-RESULT: N passed, M failed", and
 * powers off. Kernel command line words:
 *   upc.thumb     also check that a Thumb function is refused (armhf)
 *   upc.apply     set up probes with 'uprobectl apply --enable FILE' instead
 *   upc.bench=N   also report the peak RSS of add, and of stream over N
 *                 records
 *   upc.answers   count, hist and latency of /tmp/workload with both
 *                 engines, which must agree (the kernel's: hist triggers and
 *                 synthetic events), and nothing left behind
 *   upc.leaks     leaks of /tmp/leaky, a static program (its allocator is in
 *                 it): exactly the bytes and counts per call site it says
 *                 it leaked, and nothing left behind
 *   upc.stacks    trace --stack of /tmp/chain (known call chains): through
 *                 perf events, the whole chain (perf's user call chains);
 *                 through tracefs where the kernel records no user stacks
 *                 (arm64 before 6.10), said once, and each record still
 *                 has its function and caller
 *   upc.transport=tracefs  follow processes (-p, -- COMMAND) through a
 *                 tracefs instance rather than perf events
 *   upc.dwarf     apply /etc/uprobectl-dwarf.conf, made on the build host
 *                 from /tmp/dwtest's debug file (resolve --apply-line): the
 *                 board has no DWARF; the records equal what dwtest printed
 *   upc.formats   print the format files of probes with every fetch type,
 *                 and of the scheduler's exec and exit events, between
 *                 "FORMAT-BEGIN NAME" and "FORMAT-END" lines (what
 *                 tests/unit/formats/capture.sh keeps for the unit tests)
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CALLS 5
#define OUT_MAX (1 << 20)

static int passed, failed;
static char cmdline[1024];
static bool perf = true;	/* the transport of -p and -- COMMAND */

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	ok ? passed++ : failed++;
}

struct run {
	int status;		/* exit status, or 128 + signal */
	long rss_kib;
	char out[OUT_MAX];
	char err[4096];
};

/* Called every 50 ms while a command runs, when set. */
static void (*while_running)(void);

/* Run argv with stdout and stderr captured, at most `limit` seconds. */
static void run(struct run *r, int limit, char *const argv[])
{
	int o[2], e[2], st = 0;
	size_t no = 0, ne = 0;
	struct rusage ru;
	pid_t pid;

	memset(r, 0, sizeof(*r) - OUT_MAX - 4096);
	r->out[0] = r->err[0] = '\0';
	if (pipe(o) || pipe(e)) {
		r->status = 126;
		return;
	}
	pid = fork();
	if (pid == 0) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(o[0]);
		close(e[0]);
		alarm((unsigned)limit);
		execv(argv[0], argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	/* both pipes at once, so the child never blocks on a full one; what
	 * does not fit in the buffers is read and dropped */
	for (int open_fds = 2; open_fds;) {
		struct pollfd p[2] = { { .fd = o[0], .events = POLLIN }, { .fd = e[0], .events = POLLIN } };

		if (poll(p, 2, while_running ? 50 : -1) < 0 && errno != EINTR)
			break;
		if (while_running)
			while_running();
		for (int k = 0; k < 2; k++) {
			char sink[4096], *dst = sink;
			size_t room = sizeof(sink), *used = k ? &ne : &no;
			size_t cap = k ? sizeof(r->err) : OUT_MAX;
			ssize_t n;

			if (p[k].fd < 0 || !(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (*used < cap - 1) {
				dst = (k ? r->err : r->out) + *used;
				room = cap - 1 - *used;
			}
			n = read(p[k].fd, dst, room);
			if (n <= 0) {
				close(p[k].fd);
				*(k ? &e[0] : &o[0]) = -1;
				open_fds--;
			} else if (dst != sink) {
				*used += (size_t)n;
			}
		}
		if (o[0] < 0 && e[0] < 0)
			break;
	}
	r->out[no] = r->err[ne] = '\0';
	wait4(pid, &st, 0, &ru);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->rss_kib = ru.ru_maxrss;
}

static struct run R;

#define U(...) run(&R, 60, (char *const[]){ "/bin/uprobectl", __VA_ARGS__, NULL })

static void show(const char *what)
{
	printf("---- %s: exit %d\n%s%s", what, R.status, R.out, R.err);
	fflush(stdout);
}

/* The value of "KEY":"VALUE" in a JSON line, into buf. */
static int json_field(const char *line, const char *key, char *buf, size_t len)
{
	char pat[64];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(line, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	q = strchr(p, '"');
	if (!q || (size_t)(q - p) >= len)
		return -1;
	memcpy(buf, p, (size_t)(q - p));
	buf[q - p] = '\0';
	return 0;
}

/* The file's text, or NULL when it cannot be read (a check that a file
 * is empty must not pass because it is missing): the whole of it, as long
 * as it fits (tracefs' trace is handed out by read() in pieces). */
static char *read_file(const char *path)
{
	static char buf[OUT_MAX];
	size_t used = 0;
	int fd = open(path, O_RDONLY);
	ssize_t n = 0;

	if (fd < 0)
		return NULL;
	while (used < sizeof(buf) - 1 && (n = read(fd, buf + used, sizeof(buf) - 1 - used)) > 0)
		used += (size_t)n;
	close(fd);
	if (n < 0)
		return NULL;
	buf[used] = '\0';
	return buf;
}

/* Is the file there, readable, and empty? */
static bool file_empty(const char *path)
{
	const char *t = read_file(path);

	return t && !*t;
}

struct call {
	char ra[32], sp[32], buf[32];
	unsigned err, len;
};

/* "ra: 0x..., stack pointer: 0x..., errno[001]: (0x...) text, len: 511" */
static int program_calls(const char *out, struct call *c, int max)
{
	int n = 0;

	for (const char *l = out; l && *l && n < max; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (sscanf(l, "ra: %31[^,], stack pointer: %31[^,], errno[%u]: (%31[^)])", c[n].ra,
			   c[n].sp, &c[n].err, c[n].buf) != 4)
			continue;
		const char *len = strstr(l, ", len: ");
		const char *nl = strchr(l, '\n');

		if (!len || (nl && len > nl))
			continue;
		c[n].len = (unsigned)strtoul(len + 7, NULL, 10);
		n++;
	}
	return n;
}

/* The entry records of out (JSON lines) against the calls the program
 * made: every argument, the stack pointer and the return address. */
static void check_records(const char *out, const struct call *calls, int ncalls,
			  const char *how)
{
	static char records[OUT_MAX];
	char a[4][32], ra[32], want[32];
	int nrec = 0;

	snprintf(records, sizeof(records), "%s", out);
	for (char *l = records, *nl; l && *l; l = nl ? nl + 1 : NULL) {
		nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		if (!strstr(l, "\"kind\":\"entry\""))
			continue;
		if (nrec >= ncalls) {
			nrec++;
			continue;
		}
		const struct call *c = &calls[nrec];
		int ok = !json_field(l, "arg1", a[0], 32) && !json_field(l, "arg2", a[1], 32) &&
			 !json_field(l, "arg3", a[2], 32) && !json_field(l, "arg4", a[3], 32) &&
			 !json_field(l, "ra", ra, 32);

		snprintf(want, sizeof(want), "0x%x", c->err);
		check(ok && !strcmp(a[0], want), "%s call %d: error number %s == %s", how, nrec + 1,
		      a[0], want);
		check(ok && !strcmp(a[1], c->sp), "%s call %d: stack pointer %s == %s", how,
		      nrec + 1, a[1], c->sp);
		check(ok && !strcmp(a[2], c->buf), "%s call %d: buffer %s == %s", how, nrec + 1,
		      a[2], c->buf);
		snprintf(want, sizeof(want), "0x%x", c->len);
		check(ok && !strcmp(a[3], want), "%s call %d: length %s == %s", how, nrec + 1,
		      a[3], want);
		check(ok && !strcmp(ra, c->ra), "%s call %d: return address %s == %s", how,
		      nrec + 1, ra, c->ra);
		nrec++;
	}
	check(nrec == ncalls, "%s: %d records for %d calls", how, nrec, ncalls);
}

static int scenario(bool applied)
{
	struct call calls[CALLS];
	char count[16];
	int ncalls;

	if (applied) {
		/* set up at boot from /etc/uprobectl.conf, as on a board */
		U("list", "--json");
		check(R.status == 0 && strstr(R.out, "\"event\":\"wrapper_strerror\"") &&
		      strstr(R.out, "\"enabled\":true"), "apply defined and enabled the probe");
	} else {
		U("add", "/tmp/registers", "wrapper_strerror");
		show("uprobectl add /tmp/registers wrapper_strerror");
		check(R.status == 0, "add /tmp/registers wrapper_strerror");
		U("enable");
		check(R.status == 0, "enable");
	}
	snprintf(count, sizeof(count), "%d", CALLS);
	run(&R, 60, (char *const[]){ "/tmp/registers", count, NULL });
	show("/tmp/registers");
	ncalls = program_calls(R.out, calls, CALLS);
	check(R.status == 0 && ncalls == CALLS, "the program made %d calls", ncalls);
	U("stream", "--json", "-c", count, "-d", "20");
	show("uprobectl stream --json");
	check(R.status == 0, "stream --json -c %d", CALLS);
	check_records(R.out, calls, ncalls, "stream");
	U("disable");
	check(R.status == 0, "disable");
	U("clear");
	check(R.status == 0, "clear");
	check(file_empty("/sys/kernel/tracing/uprobe_events"), "uprobe_events is empty again");
	if (applied)
		return 0;
	/* the command followed through perf events: their records, decoded
	 * through this kernel's formats (its word size and byte order) */
	U("trace", "-v", "--json", "/tmp/registers", "wrapper_strerror", "--", "/tmp/registers",
	  count);
	show("uprobectl trace --json /tmp/registers wrapper_strerror -- /tmp/registers");
	check(R.status == 0 && strstr(R.err, perf ? "debug: armed: perf events" :
				      "debug: armed: tracefs instance"),
	      "trace -- COMMAND: through %s", perf ? "perf events" : "a tracefs instance");
	ncalls = program_calls(R.out, calls, CALLS);
	check(ncalls == CALLS, "trace -- COMMAND: the program made %d calls", ncalls);
	check_records(R.out, calls, ncalls, perf ? "trace (perf)" : "trace (tracefs)");
	check(file_empty("/sys/kernel/tracing/uprobe_events"), "trace: no probe left");
	return 0;
}

/* The JSON array after "KEY":[ in a report, into buf ("" when absent). */
static void json_array(const char *out, const char *key, char *buf, size_t len)
{
	char pat[64];
	const char *p, *q;
	int depth = 0;

	buf[0] = '\0';
	snprintf(pat, sizeof(pat), "\"%s\":[", key);
	if (!(p = strstr(out, pat)))
		return;
	p += strlen(pat) - 1;
	for (q = p; *q; q++) {
		depth += *q == '[' ? 1 : *q == ']' ? -1 : 0;
		if (!depth)
			break;
	}
	if (*q && (size_t)(q - p + 1) < len)
		snprintf(buf, len, "%.*s", (int)(q - p + 1), p);
}

/* Has the answer of uprobectl pid armed its probes? What it writes last:
 * latency's synthetic hist, else a hist trigger, else (the hit counter)
 * the events enabled in its instance. */
static bool armed(pid_t pid, const char *kind, const char *event)
{
	char path[256];
	const char *t;

	if (!strcmp(kind, "latency"))
		snprintf(path, sizeof(path), "/sys/kernel/tracing/events/synthetic/upc_lat_%d/trigger",
			 (int)pid);
	else if (!strcmp(kind, "count-probe"))
		snprintf(path, sizeof(path),
			 "/sys/kernel/tracing/instances/uprobectl-%d/events/upc_ans_%d/enable",
			 (int)pid, (int)pid);
	else
		snprintf(path, sizeof(path), "/sys/kernel/tracing/events/upc_ans_%d/%s/trigger",
			 (int)pid, event);
	t = read_file(path);
	return t && (!strcmp(kind, "count-probe") ? t[0] == '1' : strstr(t, "hist:") != NULL);
}

/* What the workload printed the last time kernel_answer ran it. */
static char workload_out[4096];

/* The kernel engine counts every process for -d seconds: start it, wait
 * until its probes are armed, run the workload, and wait for its report. */
static void kernel_answer(const char *kind, const char *event, char *const argv[])
{
	int fd = open("/tmp/answer.out", O_WRONLY | O_CREAT | O_TRUNC, 0644), st = 0;
	pid_t pid = fork();
	const char *t;

	if (pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		alarm(60);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd);
	for (int i = 0; i < 200 && !armed(pid, kind, event); i++)
		usleep(50000);
	check(armed(pid, kind, event), "%s: the kernel engine armed its probes", kind);
	run(&R, 60, (char *const[]){ "/tmp/workload", "1000", NULL });
	strncpy(workload_out, R.out, sizeof(workload_out) - 1);
	waitpid(pid, &st, 0);
	t = read_file("/tmp/answer.out");
	snprintf(R.out, OUT_MAX, "%s", t ? t : "");
	R.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	show(kind);
}

/* The count of the bucket starting at lo in a JSON array of buckets, or 0. */
static int bucket_count(const char *b, unsigned long lo)
{
	char pat[48];
	const char *p, *c;

	snprintf(pat, sizeof(pat), "{\"lo\":%lu,", lo);
	if (!(p = strstr(b, pat)) || !(c = strstr(p, "\"count\":")))
		return 0;
	return atoi(c + 8);
}

/* Is every call of upc_sleep in a log2 bucket between how long it took by
 * the workload's own clock inside the function and around the call ("upc_
 * sleep took IN OUT us" in out)? A sleep ends late when the host is loaded,
 * and the first hit of a probe costs the kernel more. For every bound X,
 * the calls reported below X are at least those that took less than X
 * around the call, and at most those that took less inside it. */
static bool buckets_as_slept(const char *out, const char *buckets)
{
	unsigned long in[16], around[16];
	int calls = 0, total = 0;

	for (const char *l = strstr(out, "upc_sleep took "); l && calls < 16;
	     l = strstr(l + 1, "upc_sleep took ")) {
		if (sscanf(l, "upc_sleep took %lu %lu us", &in[calls], &around[calls]) != 2)
			return false;
		calls++;
	}
	for (int b = 0; b < 32; b++)
		total += bucket_count(buckets, 1ul << b);
	if (calls != 9 || total != 9)
		return false;
	for (unsigned long x = 1; x && x <= 1ul << 31; x <<= 1) {
		int must = 0, may = 0, rep = 0;

		for (int i = 0; i < calls; i++) {
			must += around[i] < x;
			may += in[i] < x;
		}
		for (unsigned long lo = 1; lo < x; lo <<= 1)
			rep += bucket_count(buckets, lo);
		if (rep < must || rep > may)
			return false;
	}
	return true;
}

static bool no_instances(void)
{
	DIR *d = opendir("/sys/kernel/tracing/instances");
	struct dirent *e;
	int n = 0;

	if (!d)
		return false;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n == 0;
}

/* Both engines on the same workload: equal counts and buckets. */
static void answers(void)
{
	static char k[8192], u[8192];
	char *bucket;

	U("status");
	check(R.status == 0 && strstr(R.out, "kernel: hit counts, keys and histograms, latency;"),
	      "status: this kernel has both engines");
	/* per probe: the kernel's hit counter */
	kernel_answer("count-probe", "upc_size", (char *const[]){ "/bin/uprobectl", "count",
		      "--json", "--engine", "kernel", "-d", "4", "/tmp/workload", "upc_size",
		      "upc_sleep", NULL });
	json_array(R.out, "counts", k, sizeof(k));
	check(R.status == 0 && strstr(R.out, "\"engine\":\"kernel\"") &&
	      !strcmp(k, "[{\"key\":\"upc_size\",\"count\":1010},{\"key\":\"upc_sleep\",\"count\":9}]"),
	      "count per probe, kernel engine: %s", k);
	U("count", "--json", "--engine", "user", "/tmp/workload", "upc_size", "upc_sleep", "--",
	  "/tmp/workload", "1000");
	json_array(R.out, "counts", u, sizeof(u));
	check(R.status == 0 && !strcmp(k, u), "count per probe, user engine the same: %s", u);

	/* per argument value: hist triggers */
	kernel_answer("count", "upc_size", (char *const[]){ "/bin/uprobectl", "count", "--json",
		      "--engine", "kernel", "-d", "4", "--by", "v", "/tmp/workload", "upc_size",
		      "v=$arg1:u32", NULL });
	json_array(R.out, "counts", k, sizeof(k));
	check(R.status == 0 && strstr(R.out, "\"dropped\":0") && strlen(k) > 100,
	      "count --by v, kernel engine: %.60s...", k);
	U("count", "--json", "--engine", "user", "--by", "v", "/tmp/workload", "upc_size",
	  "v=$arg1:u32", "--", "/tmp/workload", "1000");
	json_array(R.out, "counts", u, sizeof(u));
	check(R.status == 0 && !strcmp(k, u), "count --by v, user engine the same");

	/* a log2 histogram */
	kernel_answer("hist", "upc_size", (char *const[]){ "/bin/uprobectl", "hist", "--json",
		      "--engine", "kernel", "-d", "4", "/tmp/workload", "upc_size", "v=$arg1",
		      NULL });
	json_array(R.out, "buckets", k, sizeof(k));
	check(R.status == 0 && strstr(k, "{\"lo\":256,\"hi\":512,\"count\":144}"),
	      "hist, kernel engine: %s", k);
	U("hist", "--json", "--engine", "user", "/tmp/workload", "upc_size", "v=$arg1", "--",
	  "/tmp/workload", "1000");
	json_array(R.out, "buckets", u, sizeof(u));
	check(R.status == 0 && !strcmp(k, u), "hist, user engine the same: %s", u);

	/* latency: 1 ms x3, 10 and 12 ms x5, 100 ms x1, in both engines */
	kernel_answer("latency", "upc_sleep", (char *const[]){ "/bin/uprobectl", "latency",
		      "--json", "--engine", "kernel", "-d", "4", "/tmp/workload", "upc_sleep",
		      NULL });
	json_array(R.out, "buckets", k, sizeof(k));
	check(buckets_as_slept(workload_out, k),
	      "latency, kernel engine: every call in a bucket between how long it slept by "
	      "the program's clock, inside the function and around the call");
	if (!buckets_as_slept(workload_out, k))
		printf("---- the workload said\n%s", workload_out);
	U("latency", "--json", "--engine", "user", "/tmp/workload", "upc_sleep", "--",
	  "/tmp/workload", "1000");
	show("latency --engine user");
	json_array(R.out, "buckets", u, sizeof(u));
	check(buckets_as_slept(R.out, u),
	      "latency, user engine: every call in a bucket between how long it slept inside "
	      "the function and around the call");
	check(file_empty("/sys/kernel/tracing/uprobe_events"), "answers: no probe left");
	check(no_instances(), "answers: no instance left");

	/* kept from boot by apply, read by metrics */
	{
		int fd = open("/tmp/keep.conf", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		static const char conf[] = "--count --hist v /tmp/workload upc_size v=$arg1:u32\n";

		check(fd >= 0 && write(fd, conf, sizeof(conf) - 1) == sizeof(conf) - 1 && !close(fd),
		      "keep.conf written");
	}
	U("apply", "-g", "kept", "/tmp/keep.conf");
	show("uprobectl apply -g kept /tmp/keep.conf");
	check(R.status == 0 && strstr(R.out, "1 created"), "apply --count --hist");
	U("apply", "-g", "kept", "/tmp/keep.conf");
	check(R.status == 0 && strstr(R.out, "1 unchanged, 0 with new"),
	      "apply again: the kept counts are found the same");
	run(&R, 60, (char *const[]){ "/tmp/workload", "1000", NULL });
	U("metrics", "-g", "kept");
	show("uprobectl metrics -g kept");
	check(R.status == 0 && strstr(R.out, "uprobectl_probe_hits_total{group=\"kept\",event=\"upc_size\","
				       "file=\"/tmp/workload\"} 1010\n"), "metrics: hits");
	check(strstr(R.out, "uprobectl_probe_calls_total{group=\"kept\",event=\"upc_size\","
			    "comm=\"workload\"} 1010\n") != NULL, "metrics: calls per process name");
	check(strstr(R.out, "arg=\"v\",le=\"0\"} 4\n") && strstr(R.out, "arg=\"v\",le=\"511\"} 1010\n") &&
	      strstr(R.out, "arg=\"v\",le=\"+Inf\"} 1010\n") &&
	      strstr(R.out, "uprobectl_probe_value_sum{group=\"kept\",event=\"upc_size\",arg=\"v\"} 147910\n"),
	      "metrics: the kept histogram, cumulative, and its sum");
	U("clear", "-g", "kept");
	check(R.status == 0 && file_empty("/sys/kernel/tracing/uprobe_events"),
	      "clear takes the probe with its triggers");
	bucket = read_file("/sys/kernel/tracing/synthetic_events");
	check(bucket && !strstr(bucket, "upc_lat"), "answers: no synthetic event left");
}

/* Bytes and allocations of the sites of leaks' JSON report whose names
 * start with fn+ (a function's call sites, summed). */
static void leaked(const char *out, const char *fn, unsigned long *bytes, unsigned long *n)
{
	char pat[80];

	*bytes = *n = 0;
	snprintf(pat, sizeof(pat), "{\"site\":\"%s+", fn);
	for (const char *p = strstr(out, pat); p; p = strstr(p + 1, pat)) {
		const char *b = strstr(p, "\"bytes\":"), *a = strstr(p, "\"allocs\":");

		if (b && a) {
			*bytes += strtoul(b + 8, NULL, 10);
			*n += strtoul(a + 9, NULL, 10);
		}
	}
}

/* The largest buffer_size_kb of the tracefs instances seen so far. */
static unsigned long biggest_buffer;

static void watch_buffers(void)
{
	DIR *d = opendir("/sys/kernel/tracing/instances");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[512];
		const char *t;

		snprintf(path, sizeof(path), "/sys/kernel/tracing/instances/%s/buffer_size_kb",
			 e->d_name);
		if (e->d_name[0] != '.' && (t = read_file(path)) && strtoul(t, NULL, 10) >
		    biggest_buffer)
			biggest_buffer = strtoul(t, NULL, 10);
	}
	if (d)
		closedir(d);
}

/* leaks --mmap -- /tmp/leaky: what it says it leaked, site by site (musl's
 * posix_memalign included: its pointer comes from aligned_alloc; and its
 * anonymous mapping). */
static void leaks(void)
{
	char fn[64];
	unsigned long want_b, want_n, b, n;
	const char *exp;
	int lines = 0;

	U("leaks", "--json", "--mmap", "--", "/tmp/leaky", "/tmp/leaky.exp");
	show("leaks --mmap -- /tmp/leaky");
	check(R.status == 0 && strstr(R.out, "\"reliable\":true") &&
	      strstr(R.out, "\"allocator\":\"/tmp/leaky\"") && strstr(R.out, "\"untracked\":0,"),
	      "leaks: the allocator in the program, reliable, nothing untracked");
	exp = read_file("/tmp/leaky.exp");
	for (const char *l = exp; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (sscanf(l, "%63s %lu %lu", fn, &want_b, &want_n) != 3)
			continue;
		lines++;
		leaked(R.out, fn, &b, &n);
		check(b == want_b && n == want_n, "leaks: %s %lu B in %lu (it says %lu in %lu)", fn,
		      b, n, want_b, want_n);
	}
	check(lines == 6, "leaks: leaky wrote its 6 sites");
	/* under a churn of some 70,000 allocator calls more, the buffers stay within
	 * the budget (read back from tracefs, or the rings perf was given),
	 * and still every site is exact */
	biggest_buffer = 0;
	while_running = watch_buffers;
	run(&R, 300, (char *const[]){ "/bin/uprobectl", "leaks", "-v", "--json", "--", "/tmp/leaky",
				      "/tmp/leaky.exp", "churn=40000", NULL });
	while_running = NULL;
	show("leaks -v -- /tmp/leaky ... churn=40000");
	{
		const char *bud = strstr(R.err, "of a budget of ");
		unsigned long budget = bud ? strtoul(bud + 15, NULL, 10) : 0, kb;
		const char *j = strstr(R.out, "\"buffer_kb\":");

		kb = j ? strtoul(j + 12, NULL, 10) : 0;
		if (!perf)
			kb = biggest_buffer;
		for (const char *p = R.err; perf && (p = strstr(p, "debug: buffer: ")); p++)
			if (strtoul(p + 15, NULL, 10) > kb)
				kb = strtoul(p + 15, NULL, 10);
		check(R.status == 0 && budget > 0 && kb > 0 && kb <= budget,
		      "leaks under a churn: buffers of at most %lu KiB per CPU, within the budget "
		      "of %lu (%s)", kb, budget, perf ? "perf rings" : "tracefs instances");
		check(strstr(R.out, "\"reliable\":true") != NULL, "leaks under a churn: nothing lost");
		exp = read_file("/tmp/leaky.exp");
		lines = 0;
		for (const char *l = exp; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
			if (sscanf(l, "%63s %lu %lu", fn, &want_b, &want_n) != 3 ||
			    !strcmp(fn, "leak_mmap"))
				continue;
			lines++;
			leaked(R.out, fn, &b, &n);
			check(b == want_b && n == want_n, "leaks under a churn: %s %lu B in %lu "
			      "(it says %lu in %lu)", fn, b, n, want_b, want_n);
		}
		check(lines == 5, "leaks under a churn: leaky wrote its sites");
	}
	/* --stack: perf's user call chains (the caller, then thread_main for
	 * leak_malloc); where the kernel records no user stacks (tracefs on
	 * arm64 before 6.10) that is said, and the callers are still exact */
	U("leaks", "--json", "--stack", "--", "/tmp/leaky", "/tmp/leaky.exp");
	show("leaks --stack -- /tmp/leaky");
	leaked(R.out, "leak_malloc", &b, &n);
	if (perf)
		check(R.status == 0 && strstr(R.out, "\"depth\":\"stack\"") && b == 1200 && n == 12 &&
		      strstr(R.out, "{\"site\":\"leak_malloc+") &&
		      strstr(strstr(R.out, "{\"site\":\"leak_malloc+"), " <- thread_main+"),
		      "leaks --stack: perf's call stacks, leak_malloc called from thread_main, "
		      "%lu B in %lu", b, n);
	else
		check(R.status == 0 && strstr(R.out, "\"depth\":\"caller\"") && b == 1200 &&
		      n == 12, "leaks --stack: this kernel records no user stacks, and the report "
		      "says so; leak_malloc still %lu B in %lu", b, n);
	check(file_empty("/sys/kernel/tracing/uprobe_events"), "leaks: no probe left");
	check(no_instances(), "leaks: no instance left");
}

/* How many times text holds s (records with this "stack":[...]). */
static int with_stack(const char *text, const char *s)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, s)); p += strlen(s))
		n++;
	return n;
}

/* trace --stack of /tmp/chain: through perf events, the program's own
 * call chain (main, alpha, beta, gamma_, leaf; outer at work's return);
 * through tracefs where the kernel records no user stacks, the two frames
 * the records themselves give, at entry (the function, and its caller from
 * the return address) and at return (where it returned to). */
static void stacks(void)
{
	const char *msg = "this kernel records no user stacks";
	const char *chain = "\"stack\":[\"leaf+0x0 (/tmp/chain)\",\"gamma_+0x";
	const char *whole = "beta+0x*alpha+0x*main+0x";
	int n = 0;

	U("trace", "--json", "--stack", "/tmp/chain", "leaf", "--", "/tmp/chain", "3");
	show("trace --stack /tmp/chain leaf -- /tmp/chain 3");
	check(R.status == 0 && with_stack(R.out, chain) == 3,
	      "trace --stack: 3 records, each [leaf+0x0, gamma_+OFF%s]", perf ? ", ..." : "");
	if (perf) {
		/* each record: gamma_, then beta, alpha and main, in order */
		for (const char *p = strstr(R.out, chain); p; p = strstr(p + 1, chain)) {
			const char *b = strstr(p, "\"beta+0x"), *a = b ? strstr(b, "\"alpha+0x") : NULL;
			const char *m = a ? strstr(a, "\"main+0x") : NULL, *e = strchr(p, ']');

			n += m && e && m < e;
		}
		check(n == 3, "trace --stack: perf's call chain, %s, in all 3 (%d)", whole, n);
		check(!with_stack(R.err, msg), "trace --stack: perf's stacks, nothing said missing");
	} else {
		check(with_stack(R.err, msg) == 1, "trace --stack: that this kernel records no "
		      "user stacks is said, once");
	}
	U("trace", "--json", "--stack", "-r", "/tmp/chain", "work", "--", "/tmp/chain", "2");
	show("trace --stack -r /tmp/chain work -- /tmp/chain 2");
	check(R.status == 0 && with_stack(R.out, perf ? "\"stack\":[\"outer+0x14 (/tmp/chain)\","
					  "\"main+0x" : "\"stack\":[\"outer+0x") == 2,
	      "trace --stack -r: 2 records, each [outer+OFF%s]", perf ? ", main+OFF, ..." : "");
	U("trace", "--folded", "/tmp/chain", "leaf", "--", "/tmp/chain", "4");
	show("trace --folded /tmp/chain leaf -- /tmp/chain 4");
	check(R.status == 0 && !strcmp(R.out, perf ? "libc_start_main_stage2;main;alpha;beta;"
				       "gamma_;leaf 4\n" : "gamma_;leaf 4\n"),
	      "trace --folded: %sgamma_;leaf 4", perf ? "...;main;alpha;beta;" : "");
	check(file_empty("/sys/kernel/tracing/uprobe_events"), "stacks: no probe left");
	check(no_instances(), "stacks: no instance left");
}

/* The format file of events/REL, between markers. */
static void print_format(const char *name, const char *rel)
{
	char path[256];
	const char *t;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/format", rel);
	t = read_file(path);
	printf("FORMAT-BEGIN %s\n%sFORMAT-END\n", name, t ? t : "");
	check(t != NULL, "format of %s", rel);
}

static void formats(void)
{
	U("add", "-e", "types", "/tmp/registers", "wrapper_strerror", "a=$arg1", "b=$arg1:u8",
	  "c=$arg1:s16", "d=$arg4:x32", "e=$arg2:u64", "f=$arg2:s64", "g=$arg2:x8",
	  "s=+0($arg3):string", "us=+0($arg3):ustring", "ch=+0($arg3):char",
	  "arr=+0($arg2):x16[3]", "bf=$arg1:b4@1/32", "sa=+0($arg2):s8[2]", "ua=+0($arg2):u32[2]",
	  "cm=$comm", "st=$stack1");
	show("uprobectl add ... every fetch type");
	if (R.status)	/* kernels before 6.5 have no char type */
		U("add", "-e", "types", "/tmp/registers", "wrapper_strerror", "a=$arg1",
		  "b=$arg1:u8", "c=$arg1:s16", "d=$arg4:x32", "e=$arg2:u64", "f=$arg2:s64",
		  "g=$arg2:x8", "s=+0($arg3):string", "us=+0($arg3):ustring",
		  "arr=+0($arg2):x16[3]", "bf=$arg1:b4@1/32", "sa=+0($arg2):s8[2]",
		  "ua=+0($arg2):u32[2]", "cm=$comm", "st=$stack1");
	U("add", "-r", "-e", "ret", "/tmp/registers", "wrapper_strerror", "ret=$retval:s32");
	show("uprobectl add -r ...");
	print_format("entry", "uprobectl/types");
	print_format("return", "uprobectl/ret");
	print_format("exec", "sched/sched_process_exec");
	print_format("exit", "sched/sched_process_exit");
	U("clear");
}

/* The number after "KEY": in a JSON line (a typed argument), into buf. */
static int json_num(const char *line, const char *key, char *buf, size_t len)
{
	char pat[64];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	if (!(p = strstr(line, pat)))
		return -1;
	p += strlen(pat);
	n = strspn(p, "-0123456789");
	if (!n || n >= len)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

/* Read fd into buf (at *used) until it holds want, at most 20 s. */
static bool wait_text(int fd, char *buf, size_t len, size_t *used, const char *want)
{
	while (!strstr(buf, want)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 20000) <= 0 || *used >= len - 1 ||
		    (n = read(fd, buf + *used, len - 1 - *used)) <= 0)
			return false;
		*used += (size_t)n;
		buf[*used] = '\0';
	}
	return true;
}

/* A USDT probe of /tmp/usdt (tests/progs/usdt.c, <sys/sdt.h>): upc:tick's
 * six arguments as gcc placed them for this architecture, recorded equal
 * to what the program printed, and its semaphore set only while the probe
 * is enabled. */
static void usdt(void)
{
	static char out[4096];
	char want[6][32], got[32], key[8];
	size_t used = 0;
	int fd[2], st;
	pid_t pid;

	out[0] = '\0';
	U("add", "/tmp/usdt", "usdt:upc:tick");
	show("uprobectl add /tmp/usdt usdt:upc:tick");
	check(R.status == 0 && strstr(R.out, "(0x"), "add usdt:upc:tick, with its semaphore");
	U("enable");
	if (pipe(fd))
		return;
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		execl("/tmp/usdt", "/tmp/usdt", "2", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	check(wait_text(fd[0], out, sizeof(out), &used, "\ntick 1: ") &&
	      wait_text(fd[0], out, sizeof(out), &used, "small") &&
	      strstr(out, "tick 1: semaphore 1,"), "enabled: the kernel set the semaphore");
	U("disable");
	kill(pid, SIGUSR1);
	check(wait_text(fd[0], out, sizeof(out), &used, "\ntick 2: ") &&
	      strstr(out, "tick 2: semaphore 0,"), "disabled: the semaphore is 0 again");
	waitpid(pid, &st, 0);
	close(fd[0]);
	printf("---- /tmp/usdt\n%s", out);
	check(sscanf(strstr(out, "tick 1: ") ? strstr(out, "tick 1: ") : "",
		     "tick 1: semaphore %*u, i %31[-0-9], stack %31[-0-9], big %31[-0-9], "
		     "neg %31[-0-9], small %31[0-9]", want[0], want[1], want[2], want[3],
		     want[4]) == 5, "the program printed its arguments");
	snprintf(want[5], sizeof(want[5]), "42");
	U("stream", "--json", "-c", "1", "-d", "20");
	show("uprobectl stream --json");
	for (int k = 0; k < 6; k++) {
		snprintf(key, sizeof(key), "arg%d", k + 1);
		check(!json_num(R.out, key, got, sizeof(got)) && !strcmp(got, want[k]),
		      "usdt argument %d: recorded %s == %s", k + 1, got, want[k]);
	}
	U("clear");
	check(file_empty("/sys/kernel/tracing/uprobe_events"), "uprobe_events is empty again");
}

static void thumb(void)
{
	U("add", "/tmp/registers-thumb", "wrapper_strerror");
	show("uprobectl add /tmp/registers-thumb wrapper_strerror");
	check(R.status == 2 && strstr(R.err, "Thumb"), "a Thumb function is refused, explained");
	check(file_empty("/sys/kernel/tracing/uprobe_events"), "and nothing was written");
}

static void bench(const char *n)
{
	long add_rss;

	bool ok;

	U("add", "/tmp/registers", "wrapper_strerror");
	ok = R.status == 0;
	add_rss = R.rss_kib;
	U("enable");
	run(&R, 300, (char *const[]){ "/tmp/registers", (char *)n, NULL });
	U("stream", "--json", "-c", (char *)n, "-d", "120");
	check(R.status == 0, "stream over %s records", n);
	/* figures only from runs that did what they say */
	if (ok && R.status == 0)
		printf("FOOTPRINT: add_rss_kib=%ld stream_rss_kib=%ld records=%s\n", add_rss,
		       R.rss_kib, n);
	U("clear");
}

/* Event's last record in trace: each of its NAME=VALUE fields is in a
 * line dwtest printed starting with what (one call's values). */
static void dwarf_event(const char *trace, const char *out, const char *event, const char *what)
{
	char rec[1024] = "", key[96];
	const char *fields = NULL;
	int n = 0;

	snprintf(key, sizeof(key), " %s: (", event);
	for (const char *p = trace; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		const char *k = strstr(p, key);

		if (k && k < p + strcspn(p, "\n"))
			snprintf(rec, sizeof(rec), "%.*s", (int)strcspn(k, "\n"), k);
	}
	if ((fields = strstr(rec, ") ")))
		fields += 2;
	for (const char *p = out; fields && p && *p;
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		char line[1100];
		int bad = 0;

		if (strncmp(p, what, strlen(what)))
			continue;
		snprintf(line, sizeof(line), " %.*s ", (int)strcspn(p, "\n"), p);
		n = 0;
		for (const char *f = fields; *f; f += strspn(f, " ")) {
			char tok[256];
			size_t m = strcspn(f, " ");

			snprintf(tok, sizeof(tok), " %.*s ", (int)m, f);
			n++;
			bad += !strstr(line, tok);
			f += m;
		}
		if (n && !bad) {
			check(1, "dwarf: %s recorded %s, as dwtest printed", event, fields);
			return;
		}
	}
	check(0, "dwarf: %s recorded '%s', in no line dwtest printed starting '%s'", event,
	      fields ? fields : rec, what);
}

static void dwarf(void)
{
	static struct run out;
	const char *trace;

	U("apply", "--enable", "/etc/uprobectl-dwarf.conf");
	show("uprobectl apply --enable /etc/uprobectl-dwarf.conf");
	check(R.status == 0, "dwarf: apply the probe file made on the host from dwtest's debug file");
	run(&out, 60, (char *const[]){ "/tmp/dwtest", "2", "/tmp/pth", "world", NULL });
	check(out.status == 0, "dwarf: dwtest ran (exit %d)", out.status);
	U("disable");
	trace = read_file("/sys/kernel/tracing/trace");
	if (!trace) {
		check(0, "dwarf: no /sys/kernel/tracing/trace");
		return;
	}
	dwarf_event(trace, out.out, "handle", "handle: ");
	dwarf_event(trace, out.out, "local", "local: ");
	dwarf_event(trace, out.out, "scale", "scale: ");
	dwarf_event(trace, out.out, "helper", "helper2: ");
	dwarf_event(trace, out.out, "many", "many: ");
	U("clear");
	check(R.status == 0, "dwarf: clear");
}

/* The values of field in each record of the events named event (or, with
 * prefix, starting with it) in trace, space-separated, in order */
static void record_values(const char *trace, const char *event, bool prefix, const char *field,
			  char *out, size_t len)
{
	char key[96];
	size_t used = 0, klen = strlen(field) + 2;

	out[0] = '\0';
	snprintf(key, sizeof(key), " %s=", field);
	for (const char *p = trace; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		size_t ll = strcspn(p, "\n"), el = strlen(event);
		const char *v;
		char ev[96];

		/* "... NAME: (ADDR) FIELDS" */
		for (const char *q = p; q < p + ll; q++) {
			if (*q != ' ' || strncmp(q + 1, event, el))
				continue;
			snprintf(ev, sizeof(ev), "%.*s", (int)strcspn(q + 1, ":"), q + 1);
			if ((prefix ? strncmp(ev, event, el) : strcmp(ev, event)) ||
			    !strstr(q, ": ("))
				continue;
			if ((v = strstr(q, key)) && v < p + ll && used < len)
				used += (size_t)snprintf(out + used, len - used, "%s%.*s", used ? " " : "",
							 (int)strcspn(v + klen, " \n"), v + klen);
			break;
		}
	}
}

/* The words after prefix in each line of out that starts with it (up to
 * stop, when given), space-separated, in order */
static void printed_values(const char *out, const char *prefix, const char *stop, char *buf,
			   size_t len)
{
	size_t used = 0, pl = strlen(prefix);

	buf[0] = '\0';
	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		size_t ll = strcspn(p, "\n");
		const char *end = p + ll, *st;

		if (strncmp(p, prefix, pl))
			continue;
		if (stop && (st = strstr(p + pl, stop)) && st < end)
			end = st;
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%.*s", used ? " " : "",
						 (int)(end - p - pl), p + pl);
	}
}

/* C++ names and Go functions on the board: the overload named as in the
 * source, Go's registers, and a Go return probe at each return
 * instruction, the program exiting 0 while its goroutine stacks grow */
static void langs(void)
{
	static struct run out;
	static char got[8192], want[8192];
	const char *trace;

	U("add", "-e", "cxx_add", "/tmp/shop", "shop::Cart::add(int)", "price=$arg2:s32");
	check(R.status == 0, "langs: add 'shop::Cart::add(int)' (%s)", R.err);
	U("add", "-e", "go_add", "/tmp/gotest", "main.add", "a=$arg1:s64", "b=$arg2:s64",
	  "c=$arg3:s64");
	check(R.status == 0, "langs: add main.add in Go's registers (%s)", R.err);
	U("add", "-e", "go_add_ret", "-r", "/tmp/gotest", "main.add", "r=$retval:s64");
	check(R.status == 0, "langs: add -r main.add (%s)", R.err);
	U("add", "-r", "/tmp/gotest", "main.deep", "r=$retval:s64");
	check(R.status == 0 && strstr(R.out, "p:uprobectl/main_deep_2 "),
	      "langs: add -r main.deep: an entry probe at each return instruction (%s)", R.err);
	U("enable");
	run(&out, 60, (char *const[]){ "/tmp/shop", "3", NULL });
	check(out.status == 0, "langs: shop ran (exit %d)", out.status);
	printed_values(out.out, "add(int) ", NULL, want, sizeof(want));
	trace = read_file("/sys/kernel/tracing/trace");
	record_values(trace ? trace : "", "cxx_add", false, "price", got, sizeof(got));
	check(got[0] && !strcmp(got, want), "langs: shop::Cart::add(int) recorded '%s', shop "
	      "printed '%s'", got, want);
	run(&out, 60, (char *const[]){ "/tmp/gotest", "3", NULL });
	check(out.status == 0, "langs: gotest ran and exited 0 under return probes (exit %d)",
	      out.status);
	U("disable");
	trace = read_file("/sys/kernel/tracing/trace");
	printed_values(out.out, "add ", " =", want, sizeof(want));
	{
		static char a[2048], b[2048], c[2048];
		char *w = got;

		record_values(trace ? trace : "", "go_add", false, "a", a, sizeof(a));
		record_values(trace ? trace : "", "go_add", false, "b", b, sizeof(b));
		record_values(trace ? trace : "", "go_add", false, "c", c, sizeof(c));
		/* "a b c a b c ..." from the three lists */
		got[0] = '\0';
		for (char *x = a, *y = b, *z = c; *x && *y && *z;) {
			size_t lx = strcspn(x, " "), ly = strcspn(y, " "), lz = strcspn(z, " ");

			w += sprintf(w, "%s%.*s %.*s %.*s", w == got ? "" : " ", (int)lx, x, (int)ly,
				     y, (int)lz, z);
			x += lx + (x[lx] == ' ');
			y += ly + (y[ly] == ' ');
			z += lz + (z[lz] == ' ');
		}
	}
	check(got[0] && !strcmp(got, want), "langs: main.add recorded '%s' in Go's registers, "
	      "gotest printed '%s'", got, want);
	printed_values(out.out, "add ", NULL, want, sizeof(want));
	record_values(trace ? trace : "", "go_add_ret", false, "r", got, sizeof(got));
	{
		/* each printed "A B C = R": R */
		static char rs[2048];
		size_t u = 0;

		for (const char *p = out.out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
			if (!strncmp(p, "add ", 4) && strstr(p, " = ") &&
			    strstr(p, " = ") < p + strcspn(p, "\n"))
				u += (size_t)snprintf(rs + u, sizeof(rs) - u, "%s%.*s", u ? " " : "",
						      (int)strcspn(strstr(p, " = ") + 3, "\n"),
						      strstr(p, " = ") + 3);
		check(got[0] && !strcmp(got, rs), "langs: main.add returned '%s', gotest printed "
		      "'%s'", got, rs);
	}
	record_values(trace ? trace : "", "main_deep", true, "r", got, sizeof(got));
	check(strstr(got, "301") != NULL, "langs: main.deep's returns recorded, the goroutine's "
	      "deep(300) = 301 among them");
	U("clear");
	check(R.status == 0, "langs: clear");
}

int main(void)
{
	const char *b;

	mkdir("/dev", 0755);
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	b = read_file("/proc/cmdline");
	snprintf(cmdline, sizeof(cmdline), "%s", b ? b : "");
	printf("VM-START: %s", cmdline);
	if (strstr(cmdline, "upc.transport=tracefs")) {
		setenv("UPROBECTL_TRANSPORT", "tracefs", 1);
		perf = false;
	}

	U("status");
	show("uprobectl status");
	check(R.status == 0, "status: tracefs found or mounted, uprobe events ready");
	if (strstr(cmdline, "upc.apply")) {
		U("apply", "--enable", "/etc/uprobectl.conf");
		show("uprobectl apply --enable /etc/uprobectl.conf");
		check(R.status == 0, "apply --enable /etc/uprobectl.conf");
		U("apply", "--check", "/etc/uprobectl.conf");
		check(R.status == 0, "apply --check: in sync");
	}
	scenario(strstr(cmdline, "upc.apply") != NULL);
	if (!strstr(cmdline, "upc.apply"))
		usdt();
	if (strstr(cmdline, "upc.thumb"))
		thumb();
	if (strstr(cmdline, "upc.answers"))
		answers();
	if (strstr(cmdline, "upc.leaks"))
		leaks();
	if (strstr(cmdline, "upc.stacks"))
		stacks();
	if (strstr(cmdline, "upc.formats"))
		formats();
	if (strstr(cmdline, "upc.dwarf"))
		dwarf();
	if (strstr(cmdline, "upc.langs"))
		langs();
	if ((b = strstr(cmdline, "upc.bench="))) {
		char n[16];

		snprintf(n, sizeof(n), "%.*s", (int)strcspn(b + 10, " \n"), b + 10);
		bench(n);
	}
	U("status");
	check(R.status == 0, "status at the end");
	printf("VM-RESULT: %d passed, %d failed\n", passed, failed);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
