// SPDX-License-Identifier: MIT
/*
 * A probe from command-line words, for resolve, add, trace and apply: the
 * same options, the same checks and the same library calls, so resolve
 * prints exactly what add writes.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "group.h"
#include "probe_args.h"

int probe_opt(struct probe_req *q, int opt, const char *arg)
{
	switch (opt) {
	case 'r':
		q->opts.ret = true;
		return 1;
	case 'e':
		q->opts.event = arg;
		return 1;
	case 'p':
		if (parse_pid(arg, &q->pid))
			return cli_usage("-p takes a process id");
		return 1;
	case OPT_NO_INLINES:
		q->opts.no_inlines = true;
		return 1;
	case OPT_ARGS:
		if (parse_nargs(arg, &q->opts.nargs))
			return cli_usage("--args takes a number from 0 to %d", UPC_MAX_ARGS);
		return 1;
	}
	return elf_opt(&q->elf, opt, arg);
}

void probe_req_words(struct probe_req *q, int argc, char *const argv[])
{
	q->file = argv[0];
	q->spec = argv[1];
	q->fetchargs = argc > 2 ? argv + 2 : NULL;
}

/* FILE as process pid maps it (-p): where we can open that very file. */
static int find_mapped(long pid, const char *file, char *buf, size_t len, const char **out)
{
	struct upc_mapped *m = malloc(sizeof(*m));
	int err = m ? upc_proc_find(pid, file, m) : -ENOMEM;

	switch (err) {
	case 0:
		if (strlen(m->path) >= len) {
			err = cli_explain(-ENAMETOOLONG, m->path);
			break;
		}
		cli_debug("%s is %s, as process %ld maps it%s", file, m->mapped, pid,
			  strcmp(m->path, m->mapped) ? " (opened through its root)" : "");
		memcpy(buf, m->path, strlen(m->path) + 1);
		*out = buf;
		break;
	case -ESRCH:
		cli_err("-p %ld: no such process", pid);
		break;
	case -ENOENT:
		cli_err("%s: process %ld maps no such file (its files are in /proc/%ld/maps)",
			file, pid, pid);
		break;
	case -ENOTUNIQ:
		cli_err("%s: process %ld maps two files of that name, %s and %s: give the path",
			file, pid, m->mapped, m->other);
		break;
	case -ESTALE:
		cli_err("%s: process %ld maps %s as it was before it was %s: the process runs a "
			"file that is gone (restart it to probe the file there now)", file, pid,
			m->mapped, m->deleted ? "deleted" : "replaced");
		break;
	default:
		cli_explain(err, "/proc maps");
	}
	free(m);
	return err;
}

int probe_open(const struct probe_req *q, char *path, struct upc_elf **elf)
{
	struct upc_elf_opts eo = q->elf;
	const char *file;
	struct stat st;
	int err;

	if ((err = upc_check_name("group", q->opts.group, true)))
		return err;
	/* a library or program name: the file the dynamic linker or PATH gives */
	if (q->pid > 0 ? (err = find_mapped(q->pid, q->file, path, PATH_MAX, &file)) :
	    (err = cli_find_file(q->file, q->elf.sysroot, path, PATH_MAX, &file)))
		return err == -ESRCH || err == -ENOMEM ? err : -EINVAL;
	if (file != path)
		snprintf(path, PATH_MAX, "%s", file);

	/* the file, as the kernel will see it; what it cannot be is a
	 * validation error (-EINVAL: exit 2), as every check before writing */
	if (path[0] != '/') {
		char abs[PATH_MAX];
		bool known = realpath(path, abs);

		cli_err("%s: the path must be absolute (the kernel would resolve it against "
			"its writer's directory)%s%s", path, known ? "; use " : "",
			known ? abs : "");
		return -EINVAL;
	}
	if ((err = upc_check_path(path)))
		return err;
	if (!eo.sysroot) {
		if (stat(path, &st)) {
			cli_err("%s: %s", path, strerror(errno));
			return -EINVAL;
		}
		if (!S_ISREG(st.st_mode)) {
			cli_err("%s: not a regular file (the kernel probes programs and "
				"libraries)", path);
			return -EINVAL;
		}
	}
	return cli_open_elf(path, &eo, elf);
}

int probe_describe_in(const struct probe_req *q, const struct upc_tracefs *t,
		      struct upc_elf *elf, const char *spec, const char *event,
		      struct upc_probe *p)
{
	struct upc_probe_opts o = q->opts;
	int err;

	o.event = event;
	o.sysroot = q->elf.sysroot != NULL;
	if (o.event && (err = upc_check_name("event", o.event, false)))
		return err;
	err = upc_probe_describe(elf, spec, q->fetchargs, &o, p);
	if (!err && t)
		err = upc_kernel_can_probe(t, p->arch, upc_elf_path(elf)) ? -EINVAL : 0;
	return err;
}

bool probe_has_places(const struct probe_req *q)
{
	struct upc_elf *elf = NULL;
	struct upc_location loc;
	struct upc_match *m = NULL;
	char path[PATH_MAX];
	int n = 0;
	bool go = false;

	if (upc_spec_is_glob(q->spec) || !strncmp(q->spec, "usdt:", 5) ||
	    upc_probe_is_source(q->spec, q->fetchargs))
		return true;
	/* a name no symbol has: a function the DWARF may have inlined; the
	 * return of a Go function: each of its return instructions */
	cli_mute_all = true;	/* the describing that follows says what is wrong */
	if (!probe_open(q, path, &elf) && q->opts.ret &&
	    (n = upc_go_return_matches(elf, q->spec, &m)) > 0)
		go = true;
	else if (elf && upc_resolve(elf, q->spec, &loc) == -ENOENT)
		n = upc_src_matches(elf, q->spec, probe_src_flags(q), &m);
	cli_mute_all = false;
	upc_matches_free(m, n);
	upc_elf_close(elf);
	return go || n > 1;
}

unsigned probe_src_flags(const struct probe_req *q)
{
	return UPC_SRC_FUNC | (q->opts.ret ? UPC_SRC_RETURN : 0) |
	       (q->opts.no_inlines ? UPC_SRC_NO_INLINES : 0);
}

int probe_matches(const struct probe_req *q, struct upc_elf *elf, struct upc_match **m,
		  struct upc_glob_left *left)
{
	int n;

	memset(left, 0, sizeof(*left));
	if (upc_spec_is_glob(q->spec) || !strncmp(q->spec, "usdt:", 5))
		return upc_resolve_glob(elf, q->spec, m, left);
	if (q->opts.ret && (n = upc_go_return_matches(elf, q->spec, m)))
		return n;
	return upc_src_matches(elf, q->spec, probe_src_flags(q), m);
}

int probe_describe(const struct probe_req *q, const struct upc_tracefs *t,
		   struct upc_probe *p, struct upc_elf **keep)
{
	struct upc_elf *elf = NULL;
	char path[PATH_MAX];
	int err;

	err = probe_open(q, path, &elf);
	if (!err)
		err = probe_describe_in(q, t, elf, q->spec, q->opts.event, p);
	if (keep && !err) {
		*keep = elf;
		return 0;
	}
	/* the location's symbol strings go with the file */
	memset(&p->loc.sym, 0, sizeof(p->loc.sym));
	upc_elf_close(elf);
	return err;
}

int probe_create(const struct upc_tracefs *t, const struct probe_req *q,
		 const struct upc_probe *p)
{
	struct upc_kernel_error *kerr = malloc(sizeof(*kerr));
	char what[2 * UPC_NAME_MAX + 2];
	int err;

	snprintf(what, sizeof(what), "%s/%s", p->group, p->event);
	if (!kerr)
		return cli_explain(-ENOMEM, what);
	err = sigbus_seen() ? -ESTALE : upc_probe_create(t, p, kerr);
	if (err == -ESTALE)
		cli_err("%s: %s changed since it was read: not defined; try again", what,
			p->path);
	else if (err == -EIO && !kerr->msg[0])
		cli_err("%s: the write to uprobe_events failed or was cut short", what);
	else if (err)
		cli_kernel_error(what, err, kerr, q->fetchargs);
	free(kerr);
	/* the kernel's refusal is a failure of the write (exit 1), not of the
	 * request, which was checked whole before */
	return err ? -EIO : 0;
}

struct existing {
	const struct upc_probe *p;
	bool found, same;
	struct upc_probe other;
};

static int find_existing(const struct upc_probe *p, void *ctx)
{
	struct existing *x = ctx;

	if (strcmp(p->event, x->p->event))
		return 0;
	x->found = true;
	if (upc_probe_equal(x->p, p)) {
		x->same = true;
		return 1;
	}
	x->other = *p;
	return 0;
}

int probe_existing(const struct upc_tracefs *t, const struct upc_probe *p, bool *same)
{
	struct existing *x = calloc(1, sizeof(*x));
	char *other = malloc(UPC_DEF_MAX);
	int err;

	*same = false;
	if (!x || !other) {
		err = cli_explain(-ENOMEM, "probe");
		goto out;
	}
	x->p = p;
	err = upc_probe_foreach(t, p->group, find_existing, x);
	if (err < 0)
		goto out;
	err = 0;
	if (x->found && !x->same) {
		if (upc_probe_format(&x->other, other, UPC_DEF_MAX) < 0)
			snprintf(other, UPC_DEF_MAX, "%s/%s", x->other.group, x->other.event);
		cli_err("event %s/%s already exists as '%s'; delete it first ('uprobectl del "
			"-g %s %s') or name this one with -e", p->group, p->event, other,
			p->group, p->event);
		err = -EEXIST;
		goto out;
	}
	*same = x->same;
out:
	free(x);
	free(other);
	return err;
}

int probe_define(const struct upc_tracefs *t, const struct probe_req *q, struct upc_probe *p,
		 bool *existed)
{
	int err;

	*existed = false;
	err = probe_describe(q, t, p, NULL);
	if (!err)
		err = probe_existing(t, p, existed);
	if (!err && !*existed)
		err = probe_create(t, q, p);
	return err;
}
