// SPDX-License-Identifier: MIT
/* What the tracefs subcommands share: their options, the group's lock,
 * finding tracefs and the group's events, and explaining a kernel refusal. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "group.h"

/* --wait S: 0 (do not wait at all) or seconds */
static int wait_opt(const char *arg, double *wait)
{
	if (arg[strspn(arg, "0.")] == '\0' && strchr(arg, '0')) {
		*wait = 0;
		return 1;
	}
	if (parse_seconds(arg, wait))
		return cli_usage("--wait takes seconds (0 or more), not '%s'", arg);
	return 1;
}

int tfs_args_opt(struct tfs_args *a, int opt, const char *arg)
{
	switch (opt) {
	case 'g':
		a->group = arg;
		return 1;
	case OPT_TRACEFS:
		a->tracefs = arg;
		return 1;
	case OPT_JSON:
		cli_json = true;
		return 1;
	case OPT_WAIT:
		return wait_opt(arg, &a->wait);
	}
	return cli_common_opt(opt);
}

/* held until the process ends: the lock goes with it */
static struct upc_lock *held;

int cli_lock_group(const char *group, bool exclusive, double wait)
{
	long holder;
	int err;

	if (held)
		return 0;
	err = upc_group_lock(group, exclusive, wait, &held, &holder);
	if (err == -EWOULDBLOCK) {
		if (holder)
			cli_err("group %s is in use by another uprobectl (pid %ld); gave up "
				"after %lld ms (--wait S waits longer)", group, holder,
				(long long)(wait * 1000));
		else
			cli_err("group %s is in use by another uprobectl; gave up after %lld ms "
				"(--wait S waits longer)", group, (long long)(wait * 1000));
		return err;
	}
	if (err == -ENOSYS || err == -EOPNOTSUPP) {
		/* a small board kernel without CONFIG_FILE_LOCKING */
		if (cli_verbose)
			cli_warn("this kernel has no file locks: group %s is not locked", group);
		return 0;
	}
	if (err == -EROFS || err == -ENOENT || err == -EACCES) {
		/* a board with nowhere to keep a lock file still works */
		cli_warn("no place for the lock of group %s (%s): going on without it",
			 group, strerror(-err));
		return 0;
	}
	return cli_explain(err, "group lock");
}

static int add_name(const struct upc_probe *p, void *ctx)
{
	return cli_explain(names_add(ctx, p->event), "events");
}

int cli_open_group(const struct tfs_args *a, int nevents, char *const events[],
		   struct upc_tracefs **t, struct names *ev)
{
	int err;

	*t = NULL;
	if ((err = upc_check_name("group", a->group, true)))
		return err;
	for (int i = 0; i < nevents; i++)
		if ((err = upc_check_name("event", events[i], false)))
			return err;
	if (a->lock != CLI_LOCK_NONE &&
	    (err = cli_lock_group(a->group, a->lock == CLI_LOCK_WRITE, a->wait)))
		return err;
	if ((err = upc_tracefs_open(a->tracefs, t)))
		return err;
	if (ev && (err = upc_probe_foreach(*t, a->group, add_name, ev)) < 0)
		return err;
	return 0;
}

bool cli_group_has(const struct names *ev, const char *group, const char *event)
{
	if (names_has(ev, event))
		return true;
	cli_err("no event %s/%s ('uprobectl list -g %s' shows the group)", group, event, group);
	return false;
}

void cli_kernel_error(const char *what, int err, const struct upc_kernel_error *k,
		      char *const user_args[])
{
	int field = 0, nuser = 0;

	while (user_args && user_args[nuser])
		nuser++;
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
	else if (field - 2 < nuser)
		cli_err("%s: the kernel refused argument %d ('%s'): %s", what, field - 1,
			user_args[field - 2], k->msg);
	else
		cli_err("%s: the kernel refused fetch argument %d: %s", what, field - 1, k->msg);
}

int cli_destroy_error(const char *group, const char *event, int err,
		      const struct upc_kernel_error *k)
{
	char what[160];

	snprintf(what, sizeof(what), "%s/%s", group, event ? event : "*");
	if (err == -EBUSY)
		cli_err("%s is busy: it is enabled in a tracing instance or used by another "
			"tool (perf?); disable it there first", what);
	else
		cli_kernel_error(what, err, k, NULL);
	return -EIO;	/* a failure of the write, not of the request: exit 1 */
}
