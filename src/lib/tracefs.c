// SPDX-License-Identifier: MIT
/*
 * tracefs: finding it, and every read and write uprobectl makes there.
 *
 * Rules kept here, so no command can break them:
 * - uprobe_events is opened O_WRONLY|O_APPEND, never O_TRUNC (which deletes
 *   every uprobe on the system), and each definition goes in one write():
 *   the kernel parses every write on its own.
 * - Nothing is written that was not validated: definitions are built by
 *   upc_probe_format(), which refuses white space, '#' and control
 *   characters in names, paths and arguments.
 * - Every read is bounded: files are read into a buffer that grows up to a
 *   limit, and lines are parsed with explicit lengths.
 * - When the kernel refuses a write, the entry it added to error_log (the
 *   log holds the last 8) is taken as the explanation, and the caret
 *   column is handed back so the caller can name the argument at fault.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "upc_internal.h"

#define READ_LIMIT (64u << 20)

struct upc_tracefs {
	char root[PATH_MAX];
	char how[64];
	char machine[65];
};

static bool is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static bool exists(const char *p)
{
	return !access(p, F_OK);
}

/* /proc/mounts escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

static int from_mounts(struct upc_tracefs *t)
{
	char dbg[PATH_MAX] = "", *text, *line, *next;
	size_t len;
	int found = -ENOENT;

	if (upc_read_file("/proc/mounts", 16u << 20, false, &text, &len))
		return -ENOENT;
	for (line = text; found && line < text + len; line = next) {
		const char *p = line, *end, *dev, *m, *ty;
		size_t dl, ml, tl;
		char mnt[PATH_MAX / 2], type[64];

		end = memchr(line, '\n', len - (size_t)(line - text));
		end = end ? end : text + len;
		next = (char *)end + 1;
		if (!upc_token(&p, end, &dev, &dl) || !upc_token(&p, end, &m, &ml) ||
		    !upc_token(&p, end, &ty, &tl) || ml >= sizeof(mnt) || tl >= sizeof(type))
			continue;
		snprintf(mnt, sizeof(mnt), "%.*s", (int)ml, m);
		snprintf(type, sizeof(type), "%.*s", (int)tl, ty);
		unescape(mnt);
		if (!strcmp(type, "tracefs") && is_dir(mnt)) {
			snprintf(t->root, sizeof(t->root), "%s", mnt);
			snprintf(t->how, sizeof(t->how), "tracefs in /proc/mounts");
			found = 0;
		} else if (!strcmp(type, "debugfs") && !dbg[0]) {
			snprintf(dbg, sizeof(dbg), "%s/tracing", mnt);
		}
	}
	free(text);
	if (found && dbg[0] && is_dir(dbg)) {
		snprintf(t->root, sizeof(t->root), "%s", dbg);
		snprintf(t->how, sizeof(t->how), "debugfs in /proc/mounts");
		found = 0;
	}
	return found;
}

static int mount_tracefs(struct upc_tracefs *t)
{
	static const char dir[] = "/sys/kernel/tracing";

	/* newer kernels mount it on first access */
	if (exists("/sys/kernel/tracing/trace")) {
		snprintf(t->root, sizeof(t->root), "%s", dir);
		snprintf(t->how, sizeof(t->how), "automounted at %s", dir);
		return 0;
	}
	if (!mount("nodev", dir, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
		snprintf(t->root, sizeof(t->root), "%s", dir);
		snprintf(t->how, sizeof(t->how), "mounted by uprobectl at %s", dir);
		return 0;
	}
	switch (errno) {
	case EPERM:
	case EACCES:
		pr_err("tracefs is not mounted, and mounting it at %s needs root", dir);
		return -EPERM;
	case ENODEV:
		pr_err("this kernel has no tracefs: it was built without CONFIG_TRACING "
		       "(and CONFIG_UPROBE_EVENTS)");
		return -ENODEV;
	default:
		pr_err("tracefs is not mounted and mounting it at %s failed: %s", dir,
		       strerror(errno));
		return -errno;
	}
}

static int tracefs_open(const char *dir, struct upc_tracefs **out)
{
	struct upc_tracefs *t = calloc(1, sizeof(*t));
	const char *env = getenv("UPROBECTL_TRACEFS");
	const char *m = getenv("UPROBECTL_MACHINE");
	struct utsname u;
	int err = 0;

	*out = NULL;
	if (!t)
		return -ENOMEM;
	if (dir || (env && *env)) {
		snprintf(t->root, sizeof(t->root), "%s", dir ? dir : env);
		snprintf(t->how, sizeof(t->how), "%s", dir ? "--tracefs" : "UPROBECTL_TRACEFS");
		if (!is_dir(t->root)) {
			pr_err("%s: not a directory (given by %s)", t->root, t->how);
			err = -ENOTDIR;
		}
	} else if (from_mounts(t)) {
		err = mount_tracefs(t);
	}
	if (err) {
		free(t);
		return err;
	}
	/* the architecture of the running kernel decides what it can probe;
	 * UPROBECTL_MACHINE stands in for it in tests */
	if (m && *m)
		snprintf(t->machine, sizeof(t->machine), "%s", m);
	else if (!uname(&u))
		snprintf(t->machine, sizeof(t->machine), "%s", u.machine);
	*out = t;
	return 0;
}

int upc_tracefs_open(const char *dir, struct upc_tracefs **out)
{
	unsigned mark = upc_log_errors();

	return upc_explained(tracefs_open(dir, out), mark, "tracefs");
}

void upc_tracefs_close(struct upc_tracefs *t)
{
	free(t);
}

const char *upc_tracefs_root(const struct upc_tracefs *t) { return t->root; }
const char *upc_tracefs_how(const struct upc_tracefs *t) { return t->how; }
const char *upc_tracefs_machine(const struct upc_tracefs *t) { return t->machine; }

int upc_tracefs_path(const struct upc_tracefs *t, const char *rel, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", t->root, rel);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool upc_tracefs_exists(const struct upc_tracefs *t, const char *rel)
{
	char p[PATH_MAX];

	return !upc_tracefs_path(t, rel, p, sizeof(p)) && exists(p);
}

int upc_tracefs_read_alloc(const struct upc_tracefs *t, const char *rel, char **buf,
			   size_t *len)
{
	char p[PATH_MAX];
	int err = upc_tracefs_path(t, rel, p, sizeof(p));

	*buf = NULL;
	*len = 0;
	return err ? err : upc_read_file(p, READ_LIMIT, false, buf, len);
}

int upc_tracefs_read(const struct upc_tracefs *t, const char *rel, char *buf, size_t len)
{
	char p[PATH_MAX];
	size_t n = 0;
	int fd, err;

	if ((err = upc_tracefs_path(t, rel, p, sizeof(p))))
		return err;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, len - n - 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? -errno : 0;
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return err ? err : (int)n;
}

/* One write of exactly s; tracefs control files never get O_TRUNC. */
static int write_once(const struct upc_tracefs *t, const char *rel, const char *s,
		      int extra_flags)
{
	char p[PATH_MAX];
	size_t n = strlen(s);
	ssize_t r;
	int fd, err;

	if ((err = upc_tracefs_path(t, rel, p, sizeof(p))))
		return err;
	fd = open(p, O_WRONLY | O_CLOEXEC | extra_flags);
	if (fd < 0)
		return -errno;
	do
		r = write(fd, s, n);
	while (r < 0 && errno == EINTR);
	err = r < 0 ? -errno : (size_t)r != n ? -EIO : 0;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int upc_tracefs_write(const struct upc_tracefs *t, const char *rel, const char *s)
{
	return write_once(t, rel, s, 0);
}

/* ---- error_log ----------------------------------------------------------- */

/* Where w first occurs in s, or NULL: a plain search, as error_log holds a
 * few KB (and musl's two-way strstr is 1 KB of a static binary). */
static const char *find(const char *s, const char *w)
{
	for (size_t n = strlen(w); *s; s++)
		if (!strncmp(s, w, n))
			return s;
	return NULL;
}

/* Fill k from the last entry of log:
 *   [  377.123456] trace_uprobe: error: Invalid register name
 *     Command: p:grp/e1 /path/prog:0x10 %rax
 *                                       ^                              */
void upc_kernel_error_parse(const char *log, struct upc_kernel_error *k)
{
	const char *e = NULL, *p = log, *msg, *cmd, *nl, *line, *caret_line, *caret;
	size_t prefix;

	memset(k, 0, sizeof(*k));
	k->caret = -1;
	while ((p = find(p, "error: "))) {
		e = p;
		p += 7;
	}
	if (!e)
		return;
	msg = e + 7;
	nl = strchr(msg, '\n');
	snprintf(k->msg, sizeof(k->msg), "%.*s", nl ? (int)(nl - msg) : (int)strlen(msg), msg);
	cmd = nl ? find(nl, "Command: ") : NULL;
	if (!cmd)
		return;
	for (line = cmd; line > log && line[-1] != '\n'; line--)
		;
	prefix = (size_t)(cmd - line) + 9;	/* where the command starts */
	cmd += 9;
	nl = strchr(cmd, '\n');
	snprintf(k->command, sizeof(k->command), "%.*s",
		 nl ? (int)(nl - cmd) : (int)strlen(cmd), cmd);
	if (!nl)
		return;
	caret_line = nl + 1;
	nl = strchr(caret_line, '\n');
	caret = memchr(caret_line, '^', nl ? (size_t)(nl - caret_line) : strlen(caret_line));
	if (caret && (size_t)(caret - caret_line) >= prefix)
		k->caret = (int)((size_t)(caret - caret_line) - prefix);
}

int upc_tracefs_append(const struct upc_tracefs *t, const char *rel, const char *line,
		       struct upc_kernel_error *kerr)
{
	char *before = NULL, *after = NULL;
	size_t bl = 0, al = 0;
	bool have_log = !upc_tracefs_read_alloc(t, "error_log", &before, &bl);
	int err;

	if (kerr) {
		memset(kerr, 0, sizeof(*kerr));
		kerr->caret = -1;
	}
	char *nl = malloc(strlen(line) + 2);

	if (!nl) {
		free(before);
		return -ENOMEM;
	}
	/* the line and its newline in one write: the kernel parses each
	 * write on its own */
	strcpy(nl, line);
	strcat(nl, "\n");
	err = write_once(t, rel, nl, O_APPEND);
	free(nl);
	if (err && kerr && have_log && !upc_tracefs_read_alloc(t, "error_log", &after, &al) &&
	    (al != bl || memcmp(before, after, al)))
		upc_kernel_error_parse(after, kerr);
	free(before);
	free(after);
	return err;
}

/* ---- uprobe_events ------------------------------------------------------- */

static int probe_foreach(const struct upc_tracefs *t, const char *group, upc_probe_cb cb,
			 void *ctx)
{
	struct upc_probe *p = malloc(sizeof(*p));
	char *buf;
	size_t len;
	int err;

	if (!p)
		return -ENOMEM;
	err = upc_tracefs_read_alloc(t, "uprobe_events", &buf, &len);
	if (err) {
		free(p);
		return err;
	}
	for (char *line = buf, *nl; line < buf + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(buf + len - line));
		if (!nl)
			nl = buf + len;
		if (upc_probe_parse(line, (size_t)(nl - line), p))
			continue;
		if (group && strcmp(p->group, group))
			continue;
		if ((err = cb(p, ctx)))
			break;
	}
	free(buf);
	free(p);
	return err;
}

struct outer_cb {
	upc_probe_cb cb;
	void *ctx;
	bool stopped;
};

static int outer(const struct upc_probe *p, void *ctx)
{
	struct outer_cb *o = ctx;
	int r = o->cb(p, o->ctx);

	o->stopped = r != 0;
	return r;
}

int upc_probe_foreach(const struct upc_tracefs *t, const char *group, upc_probe_cb cb,
		      void *ctx)
{
	struct outer_cb o = { cb, ctx, false };
	unsigned mark = upc_log_errors();
	int err = probe_foreach(t, group, outer, &o);

	if (o.stopped)
		return err;	/* the callback's own: it explains it */
	if (err == -ENOENT && upc_log_errors() == mark)
		pr_err("%s/uprobe_events does not exist: this kernel was built without "
		       "CONFIG_UPROBE_EVENTS", t->root);
	return upc_explained(err, mark, "uprobe_events");
}

static int delete_event(const struct upc_tracefs *t, const char *group, const char *event,
			struct upc_kernel_error *kerr)
{
	char line[160];

	snprintf(line, sizeof(line), "-:%s/%s", group, event);
	return upc_tracefs_append(t, "uprobe_events", line, kerr);
}

static int is_event(const struct upc_probe *p, void *event)
{
	return !strcmp(p->event, (const char *)event);
}

int upc_probe_create(const struct upc_tracefs *t, const struct upc_probe *p,
		     struct upc_kernel_error *kerr)
{
	char *def = malloc(UPC_DEF_MAX);
	struct stat st;
	int err;

	if (kerr) {
		memset(kerr, 0, sizeof(*kerr));
		kerr->caret = -1;
	}
	if (!def)
		return -ENOMEM;
	/* the file named is still the one that was read */
	if (p->ino && (stat(p->path, &st) || (uint64_t)st.st_dev != p->dev ||
		       (uint64_t)st.st_ino != p->ino)) {
		err = -ESTALE;
		goto out;
	}
	err = upc_probe_format(p, def, UPC_DEF_MAX);
	if (err < 0)
		goto out;
	err = upc_tracefs_append(t, "uprobe_events", def, kerr);
	/* an event that was not there before: what a write cut short
	 * defined of it goes */
	if (err && probe_foreach(t, p->group, is_event, (void *)p->event) > 0 &&
	    delete_event(t, p->group, p->event, NULL))
		pr_warn("%s/%s: a part of it may be defined: check 'uprobectl list -g %s'",
			p->group, p->event, p->group);
out:
	free(def);
	return err < 0 ? err : 0;
}

/* Disable group's event (NULL: all) at the top level and in every
 * instance where the group is. */
static int disable_everywhere(const struct upc_tracefs *t, const char *group,
			      const char *event)
{
	char path[PATH_MAX], rel[PATH_MAX], events[UPC_NAME_MAX + 8];
	int err = upc_event_set_enable(t, NULL, group, event, false);
	struct dirent *d;
	DIR *dir;

	if (err == -ENOENT)
		err = 0;
	snprintf(events, sizeof(events), "events/%s", group);
	if (upc_tracefs_path(t, "instances", path, sizeof(path)) || !(dir = opendir(path)))
		return err;
	while ((d = readdir(dir))) {
		int e;

		if (d->d_name[0] == '.')
			continue;
		if (upc_instance_rel(d->d_name, events, rel, sizeof(rel)) ||
		    !upc_tracefs_exists(t, rel))
			continue;
		e = upc_event_set_enable(t, d->d_name, group, event, false);
		if (!err && e != -ENOENT)
			err = e;
	}
	closedir(dir);
	return err;
}

void upc_event_clear_triggers(const struct upc_tracefs *t, const char *group, const char *event)
{
	char *buf = malloc(8192);

	if (buf && upc_event_triggers(t, group, event, buf, 8192) > 0)
		for (char *l = buf, *nl; (nl = strchr(l, '\n')); l = nl + 1) {
			*nl = '\0';
			upc_event_trigger(t, group, event, l, false);
		}
	free(buf);
}

struct event_names {
	char (*v)[UPC_NAME_MAX + 1];
	size_t n, cap;
};

static int collect_event(const struct upc_probe *p, void *ctx)
{
	struct event_names *e = ctx;

	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->v[i], p->event))
			return 0;
	if (e->n == e->cap) {
		void *nv = realloc(e->v, (e->cap = e->cap ? 2 * e->cap : 16) * sizeof(*e->v));

		if (!nv)
			return -ENOMEM;
		e->v = nv;
	}
	snprintf(e->v[e->n++], sizeof(e->v[0]), "%s", p->event);
	return 0;
}

int upc_probe_destroy(const struct upc_tracefs *t, const char *group, const char *event,
		      bool force, struct upc_kernel_error *kerr)
{
	struct event_names e = { NULL, 0, 0 };
	int err;

	if (kerr) {
		memset(kerr, 0, sizeof(*kerr));
		kerr->caret = -1;
	}
	if (event)
		err = probe_foreach(t, group, is_event, (void *)event);
	else
		err = probe_foreach(t, group, collect_event, &e);
	if (err < 0 || (event ? !err : !e.n)) {
		free(e.v);
		return err < 0 ? err : -ENOENT;
	}
	if (force && (err = disable_everywhere(t, group, event)))
		goto out;
	/* an event with triggers is in use: ours go first, when forced */
	for (size_t i = 0; force && i < (event ? 1 : e.n); i++)
		upc_event_clear_triggers(t, group, event ? event : e.v[i]);
	if (event) {
		err = delete_event(t, group, event, kerr);
		goto out;
	}
	for (size_t i = 0; i < e.n && !err; i++)
		err = delete_event(t, group, e.v[i], kerr);
out:
	free(e.v);
	return err;
}

/* ---- events ---------------------------------------------------------------- */

static int event_file(char *buf, size_t len, const char *instance, const char *group,
		      const char *event, const char *file)
{
	char rel[2 * UPC_NAME_MAX + 32];
	int n = snprintf(rel, sizeof(rel), "events/%s%s%s/%s", group, event ? "/" : "",
			 event ? event : "", file);

	if (n < 0 || (size_t)n >= sizeof(rel))
		return -ENAMETOOLONG;
	return upc_instance_rel(instance, rel, buf, len);
}

int upc_event_get_enable(const struct upc_tracefs *t, const char *instance,
			 const char *group, const char *event)
{
	char rel[512], v[8];
	int r = event_file(rel, sizeof(rel), instance, group, event, "enable");

	if (r || (r = upc_tracefs_read(t, rel, v, sizeof(v))) < 0)
		return r;
	/* "0", "1", or "X" when the events of a group differ; a '*' marks
	 * soft-disabled */
	return v[0] == '1' ? 1 : v[0] == 'X' ? 2 : 0;
}

int upc_event_set_enable(const struct upc_tracefs *t, const char *instance,
			 const char *group, const char *event, bool on)
{
	char rel[512];
	int r = event_file(rel, sizeof(rel), instance, group, event, "enable");

	return r ? r : upc_tracefs_write(t, rel, on ? "1" : "0");
}

int upc_event_trigger(const struct upc_tracefs *t, const char *group, const char *event,
		      const char *trigger, bool on)
{
	char rel[512], line[1024];
	int n, r = event_file(rel, sizeof(rel), NULL, group, event, "trigger");

	if (r)
		return r;
	n = snprintf(line, sizeof(line), "%s%s", on ? "" : "!", trigger);
	if (n < 0 || (size_t)n >= sizeof(line) || strpbrk(trigger, "\n#"))
		return -EINVAL;
	return upc_tracefs_append(t, rel, line, NULL);
}

int upc_event_triggers(const struct upc_tracefs *t, const char *group, const char *event,
		       char *buf, size_t len)
{
	char rel[512], *text;
	size_t n, used = 0;
	int r = event_file(rel, sizeof(rel), NULL, group, event, "trigger");

	if (r || (r = upc_tracefs_read_alloc(t, rel, &text, &n)))
		return r;
	buf[0] = '\0';
	/* "# Available triggers:" when there are none; "TRIGGER [active]" */
	for (char *l = text, *nl; *l; l = nl ? nl + 1 : l + strlen(l)) {
		char *sp;

		nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		if (*l == '#' || !*l)
			continue;
		if ((sp = strrchr(l, '[')) && sp > l && sp[-1] == ' ')
			sp[-1] = '\0';
		used += (size_t)snprintf(buf + used, len > used ? len - used : 0, "%s\n", l);
	}
	free(text);
	return used < len ? (int)used : -E2BIG;
}

int upc_event_filter(const struct upc_tracefs *t, const char *group, const char *event,
		     char *buf, size_t len)
{
	char rel[512];
	int r = event_file(rel, sizeof(rel), NULL, group, event, "filter");

	if (r || (r = upc_tracefs_read(t, rel, buf, len)) < 0)
		return r;
	buf[strcspn(buf, "\n")] = '\0';
	if (!strcmp(buf, "none"))
		buf[0] = '\0';
	return (int)strlen(buf);
}

int upc_event_set_filter(const struct upc_tracefs *t, const char *group, const char *event,
			 const char *expr)
{
	char rel[512];
	int r = event_file(rel, sizeof(rel), NULL, group, event, "filter");

	if (r)
		return r;
	if (strpbrk(expr ? expr : "", "\n#"))
		return -EINVAL;
	return upc_tracefs_write(t, rel, expr && *expr ? expr : "0");
}

int upc_tracing_on(const struct upc_tracefs *t, const char *instance, int on)
{
	char rel[UPC_NAME_MAX + 32], v[8];
	int r = upc_instance_rel(instance, "tracing_on", rel, sizeof(rel));

	if (r)
		return r;
	if (on >= 0)
		return upc_tracefs_write(t, rel, on ? "1" : "0");
	r = upc_tracefs_read(t, rel, v, sizeof(v));
	return r < 0 ? r : v[0] == '1';
}

int upc_probe_hits(const struct upc_tracefs *t, const char *path, const char *event,
		   uint64_t *hits)
{
	char *buf;
	size_t len;
	int err = upc_tracefs_read_alloc(t, "uprobe_profile", &buf, &len);

	*hits = 0;
	if (err)
		return err;
	err = -ENOENT;
	/* "  PATH EVENT HITS" per probe; a multi-probe event has several */
	for (const char *line = buf, *nl; line < buf + len; line = nl + 1) {
		const char *p = line, *f, *ev, *h;
		size_t fl, el, hl;
		uint64_t n;

		nl = memchr(line, '\n', (size_t)(buf + len - line));
		if (!nl)
			nl = buf + len;
		if (upc_token(&p, nl, &f, &fl) && upc_token(&p, nl, &ev, &el) &&
		    upc_token(&p, nl, &h, &hl) && fl == strlen(path) && !memcmp(f, path, fl) &&
		    el == strlen(event) && !memcmp(ev, event, el) && !upc_parse_u64(h, hl, &n)) {
			*hits += n;
			err = 0;
		}
	}
	free(buf);
	return err;
}

/* ---- what the running kernel can probe ------------------------------------ */

int upc_kernel_can_probe(const struct upc_tracefs *t, const struct upc_arch *arch,
			 const char *file)
{
	const struct upc_arch *k = *t->machine ? upc_arch_by_uname(t->machine) : NULL;

	/* a kernel we do not know: let it decide */
	if (!k || k == arch || upc_word_in(arch->runs_on, k->name, strlen(k->name)))
		return 0;
	pr_err("%s is a %s program, but this kernel runs %s: %s", file, arch->name,
	       t->machine, arch->refusal ? arch->refusal : "it cannot run (or be probed) here");
	return -ENOEXEC;
}

/* ---- what this kernel's tracefs offers ---------------------------------------- */

/* Does the first event found have a file of that name (every event has
 * "hist" when the kernel has hist triggers)? */
static bool events_have(const struct upc_tracefs *t, const char *file)
{
	char path[PATH_MAX], sub[PATH_MAX];
	struct dirent *g, *e;
	bool found = false, any = false;
	DIR *gd, *ed;

	if (upc_tracefs_path(t, "events", path, sizeof(path)) || !(gd = opendir(path)))
		return false;
	while (!any && (g = readdir(gd))) {
		if (g->d_name[0] == '.' || g->d_type != DT_DIR)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, g->d_name);
		if (!(ed = opendir(sub)))
			continue;
		while (!any && (e = readdir(ed))) {
			char f[PATH_MAX + 128];

			if (e->d_name[0] == '.' || e->d_type != DT_DIR)
				continue;
			any = true;
			snprintf(f, sizeof(f), "%s/%s/%s", sub, e->d_name, file);
			found = !access(f, F_OK);
		}
		closedir(ed);
	}
	closedir(gd);
	return found;
}

unsigned upc_tracefs_features(const struct upc_tracefs *t)
{
	unsigned f = 0;
	char *readme;
	size_t n;

	if (events_have(t, "hist"))
		f |= UPC_HIST_TRIGGERS;
	if (upc_tracefs_exists(t, "synthetic_events"))
		f |= UPC_SYNTH_EVENTS;
	/* the README's syntax of uprobe_events names the reference counter
	 * from 4.20 on: "<path>:<offset>[%return][(ref_ctr_offset)]" */
	if (!upc_tracefs_read_alloc(t, "README", &readme, &n)) {
		if (find(readme, "(ref_ctr_offset)"))
			f |= UPC_REF_CTR;
		free(readme);
	}
	return f;
}
