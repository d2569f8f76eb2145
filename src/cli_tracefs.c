// SPDX-License-Identifier: MIT
/* What the tracefs subcommands share: finding tracefs, explaining a kernel
 * refusal, and the event names of a group. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_open_tracefs(const char *dir, struct upc_tracefs **t)
{
	cli_reset_reported();
	return upc_tracefs_open(dir, t);
}

bool tfs_args_opt(struct tfs_args *a, int opt, const char *arg)
{
	switch (opt) {
	case 'g':
		a->group = arg;
		return true;
	case OPT_TRACEFS:
		a->tracefs = arg;
		return true;
	case OPT_JSON:
		cli_json = true;
		return true;
	case OPT_WAIT:
		return wait_opt(arg, &a->wait) == 1;
	}
	return cli_common_opt(opt);
}

int wait_opt(const char *arg, double *wait)
{
	/* 0: do not wait at all */
	if (arg[strspn(arg, "0.")] == '\0' && strchr(arg, '0')) {
		*wait = 0;
		return 1;
	}
	if (parse_seconds(arg, wait)) {
		cli_usage("--wait takes seconds (0 or more), not '%s'", arg);
		return EXIT_USAGE;
	}
	return 1;
}

/* held until the process ends: the lock goes with it */
static struct upc_lock *held;

int cli_lock_group(const char *group, bool exclusive, double wait)
{
	long holder;
	int err;

	if (held)
		return EXIT_OK;
	cli_reset_reported();
	err = upc_group_lock(group, exclusive, wait, &held, &holder);
	if (err == -EWOULDBLOCK) {
		if (holder)
			cli_err("group %s is in use by another uprobectl (pid %ld); gave up "
				"after %lld ms (--wait S waits longer)", group, holder,
				(long long)(wait * 1000));
		else
			cli_err("group %s is in use by another uprobectl; gave up after %lld ms "
				"(--wait S waits longer)", group, (long long)(wait * 1000));
		return EXIT_FAIL;
	}
	if (err == -ENOSYS || err == -EOPNOTSUPP) {
		/* a small board kernel without CONFIG_FILE_LOCKING */
		if (cli_verbose)
			cli_warn("this kernel has no file locks: group %s is not locked", group);
		return EXIT_OK;
	}
	if (err == -EROFS || err == -ENOENT || err == -EACCES) {
		/* a board with nowhere to keep a lock file still works */
		cli_warn("no place for the lock of group %s (%s): going on without it",
			 group, strerror(-err));
		return EXIT_OK;
	}
	return err ? cli_fail(err, "group lock") : EXIT_OK;
}

int cli_open_group(const struct tfs_args *a, int nevents, char *const events[],
		   struct upc_tracefs **t, struct names *ev)
{
	int err;

	*t = NULL;
	if (!cli_valid_name("group", a->group, true))
		return EXIT_USAGE;
	for (int i = 0; i < nevents; i++)
		if (!cli_valid_name("event", events[i], false))
			return EXIT_USAGE;
	if (a->lock != CLI_LOCK_NONE &&
	    (err = cli_lock_group(a->group, a->lock == CLI_LOCK_WRITE, a->wait)))
		return err;
	err = cli_open_tracefs(a->tracefs, t);
	if (!err && ev)
		err = cli_group_events(*t, a->group, ev);
	return err ? cli_fail(err, "tracefs") : EXIT_OK;
}

bool cli_valid_name(const char *what, const char *name, bool dash_ok)
{
	cli_reset_reported();
	return !upc_check_name(what, name, dash_ok);
}

void cli_kernel_error(const char *what, int err, const struct upc_kernel_error *k,
		      char *const user_args[], int nuser)
{
	int field = 0;

	if (!k || !k->msg[0]) {
		cli_err("%s: the kernel refused it: %s", what, strerror(-err));
		return;
	}
	if (k->caret < 0) {
		cli_err("%s: the kernel refused it: %s", what, k->msg);
		return;
	}
	/* fields of a definition: "p:GRP/EVENT" "PATH:OFFSET" ARG... */
	for (int i = 0; i < k->caret && k->command[i]; i++)
		if (k->command[i] == ' ')
			field++;
	if (field == 0)
		cli_err("%s: the kernel refused the event name: %s", what, k->msg);
	else if (field == 1)
		cli_err("%s: the kernel refused the file or offset: %s", what, k->msg);
	else if (user_args && field - 2 < nuser)
		cli_err("%s: the kernel refused argument %d ('%s'): %s", what, field - 1,
			user_args[field - 2], k->msg);
	else
		cli_err("%s: the kernel refused fetch argument %d: %s", what, field - 1, k->msg);
}

struct collect_names {
	struct names *n;
	int cap;
};

static int add_name(const struct upc_probe_entry *p, void *ctx)
{
	struct collect_names *c = ctx;

	if (names_has(c->n, p->event))
		return 0;
	if (c->n->n == c->cap) {
		void *nv = realloc(c->n->v, (size_t)(c->cap = c->cap ? 2 * c->cap : 16) *
						    sizeof(*c->n->v));

		if (!nv)
			return -ENOMEM;
		c->n->v = nv;
	}
	snprintf(c->n->v[c->n->n++], sizeof(c->n->v[0]), "%s", p->event);
	return 0;
}

int cli_group_events(const struct upc_tracefs *t, const char *group, struct names *out)
{
	struct collect_names c = { .n = out };

	out->v = NULL;
	out->n = 0;
	cli_reset_reported();
	return upc_probe_foreach(t, group, add_name, &c);
}

bool cli_group_has(const struct names *ev, const char *group, const char *event)
{
	if (names_has(ev, event))
		return true;
	cli_err("no event %s/%s ('uprobectl list -g %s' shows the group)", group, event, group);
	return false;
}

bool names_has(const struct names *n, const char *name)
{
	for (int i = 0; i < n->n; i++)
		if (!strcmp(n->v[i], name))
			return true;
	return false;
}

void names_free(struct names *n)
{
	free(n->v);
	n->v = NULL;
	n->n = 0;
}

int cli_disable_everywhere(const struct upc_tracefs *t, const char *group, const char *event)
{
	char path[PATH_MAX], rel[PATH_MAX];
	struct dirent *d;
	int err = upc_event_set_enable(t, NULL, group, event, false);
	DIR *dir;

	if (err == -ENOENT)
		err = 0;
	if (upc_tracefs_path(t, "instances", path, sizeof(path)) || !(dir = opendir(path)))
		return err;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "instances/%s/events/%s", d->d_name, group);
		if (!upc_tracefs_exists(t, rel))
			continue;
		int e = upc_event_set_enable(t, d->d_name, group, event, false);

		if (!err && e != -ENOENT)
			err = e;
	}
	closedir(dir);
	return err;
}
