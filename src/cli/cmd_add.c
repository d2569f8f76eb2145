// SPDX-License-Identifier: MIT
/*
 * uprobectl add: resolve, build, check and write probe definitions: one
 * for a SYMBOL, one per matching function for a pattern ('wrapper_*'),
 * one per place of a USDT probe or of a source point (a function and
 * each copy of it inlined, a line with several addresses).
 * Everything that can be checked is checked, for every probe, before the
 * kernel sees any definition; an identical definition already there is
 * success with nothing written (init scripts run add at every boot); the
 * same event name with another definition is refused, since the kernel
 * would quietly attach a second probe to the event. A pattern's probes
 * are defined all or none: what this call created is removed again when
 * one of them fails.
 */
#include <getopt.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "group.h"
#include "probe_args.h"

#define GLOB_MAX 100	/* probes a pattern defines without --max */

struct add_opts {
	bool enable, dry_run;
	unsigned long max;
};

/* Enable GROUP/EVENT and tracing: 0, or -EIO after explaining. */
static int enable_event(const struct upc_tracefs *t, const char *group, const char *event)
{
	int err = upc_event_set_enable(t, NULL, group, event, true);

	if (!err)
		err = upc_tracing_on(t, NULL, 1);
	if (err)
		cli_err("%s/%s: enabling failed: %s", group, event, strerror(-err));
	return err ? -EIO : 0;
}

static int add_one(const struct upc_tracefs *t, const struct probe_req *q,
		   const struct add_opts *ao, struct upc_probe *p, char *def)
{
	bool existed;
	int err;

	if (ao->dry_run) {
		err = probe_describe(q, t, p, NULL);
		if (!err)
			err = probe_existing(t, p, &existed);
	} else {
		err = probe_define(t, q, p, &existed);
	}
	if (!err && ao->enable && !ao->dry_run) {
		err = enable_event(t, p->group, p->event);
		/* nothing half-done: remove what this call created */
		if (err && !existed)
			upc_probe_destroy(t, p->group, p->event, true, NULL);
	}
	if (err)
		return err;
	if (!cli_quiet && upc_probe_format(p, def, UPC_DEF_MAX) > 0)
		printf("%s%s\n", def, existed ? "  (already defined)" : "");
	return 0;
}

/* What a pattern matched but cannot probe, said once. */
static void say_left(const char *pattern, const struct upc_glob_left *l)
{
	if (l->ifunc)
		cli_warn("'%s': left out %u IFUNC resolver%s (they run once, when the "
			 "program loads; probe the implementation by its name)", pattern,
			 l->ifunc, l->ifunc == 1 ? "" : "s");
	if (l->thumb)
		cli_warn("'%s': left out %u Thumb function%s (the kernel probes ARM-mode code "
			 "only)", pattern, l->thumb, l->thumb == 1 ? "" : "s");
	if (l->outside)
		cli_warn("'%s': left out %u symbol%s outside every executable segment",
			 pattern, l->outside, l->outside == 1 ? "" : "s");
}

/* Every match of q->spec in the file (functions of a pattern, the places
 * of a USDT probe or of a source point): all checked, then all written,
 * or none. */
static int add_glob(const struct upc_tracefs *t, const struct probe_req *q,
		    const struct add_opts *ao, struct upc_probe *p, char *def)
{
	struct upc_glob_left left;
	struct upc_match *m = NULL;
	struct upc_elf *elf = NULL;
	char path[PATH_MAX], **done = NULL;
	bool *existed = NULL, usdt = !strncmp(q->spec, "usdt:", 5);
	int n = 0, i, err;

	err = probe_open(q, path, &elf);
	if (!err && (n = probe_matches(q, elf, &m, &left)) < 0)
		err = n;
	if (err)
		goto out;
	if (q->opts.event && n > 1) {
		cli_err("-e names one event; '%s' defines %d, each named after its function, "
			"USDT probe or line", q->spec, n);
		err = -EINVAL;
		goto out;
	}
	if (q->opts.event && n == 1)
		snprintf(m[0].event, sizeof(m[0].event), "%s", q->opts.event);
	if (!n) {
		if (usdt)
			cli_err("%s: no USDT probe matches '%s' ('uprobectl syms --usdt %s' lists "
				"them)", path, q->spec + 5, path);
		else
			cli_err("%s: no function matches '%s' ('uprobectl syms %s' lists them)",
				path, q->spec, path);
		err = -EINVAL;
		goto out;
	}
	if ((unsigned long)n > ao->max && !ao->dry_run) {
		cli_err("%s: '%s' matches %d functions, more than --max %lu: narrow the pattern "
			"or raise --max (--dry-run lists them)", path, q->spec, n, ao->max);
		err = -EINVAL;
		goto out;
	}
	existed = calloc((size_t)n, sizeof(*existed));
	done = calloc((size_t)n, sizeof(*done));
	if (!existed || !done) {
		err = cli_explain(-ENOMEM, "add");
		goto out;
	}
	/* every probe checked before the first is written */
	for (i = 0; i < n && !err; i++) {
		err = probe_describe_in(q, t, elf, m[i].spec, m[i].event, p);
		if (!err)
			err = probe_existing(t, p, &existed[i]);
		if (!err && upc_probe_format(p, def, UPC_DEF_MAX) > 0 && !(done[i] = strdup(def)))
			err = cli_explain(-ENOMEM, "add");
	}
	/* each described again to be written rather than kept from the
	 * check: a probe is 8 KB, and --max may be raised far */
	for (i = 0; i < n && !err && !ao->dry_run; i++) {
		bool made = false;

		if (!existed[i]) {
			cli_mute_warnings = true;	/* the check above said them */
			err = probe_describe_in(q, t, elf, m[i].spec, m[i].event, p);
			cli_mute_warnings = false;
			if (!err)
				err = probe_create(t, q, p);
			made = !err;
		}
		if (!err && ao->enable)
			err = enable_event(t, q->opts.group, m[i].event);
		if (err) {
			/* nothing half-done: remove what this call created */
			for (int k = made ? i : i - 1; k >= 0; k--)
				if (!existed[k])
					upc_probe_destroy(t, q->opts.group, m[k].event, true, NULL);
			cli_err("'%s': the %d probes were not defined (what this call had written "
				"is removed)", q->spec, n);
		}
	}
	if (!err && !cli_quiet)
		say_left(q->spec, &left);
	for (i = 0; i < n && !err && !cli_quiet; i++)
		printf("%s%s\n", done[i], existed[i] ? "  (already defined)" : "");
	if (!err && ao->dry_run && !cli_quiet)
		fprintf(stderr, "%d probe%s, nothing written%s\n", n, n == 1 ? "" : "s",
			(unsigned long)n > ao->max ? " (more than --max: add would refuse)" : "");
out:
	for (i = 0; done && i < n; i++)
		free(done[i]);
	free(done);
	free(existed);
	upc_matches_free(m, n);
	upc_elf_close(elf);
	return err;
}

static int add(int argc, char **argv)
{
	static const struct option longopts[] = {
		PROBE_LONG_OPTS,
		TRACEFS_LONG_OPT,
		{ "enable", 0, NULL, OPT_ENABLE },
		{ "dry-run", 0, NULL, OPT_DRY_RUN },
		{ "max", 1, NULL, OPT_MAX },
		{ NULL, 0, NULL, 0 },
	};
	struct probe_req q = PROBE_REQ_INIT;
	struct tfs_args a = TFS_ARGS_INIT;
	struct add_opts ao = { .max = GLOB_MAX };
	struct upc_tracefs *t = NULL;
	struct upc_probe *p = NULL;
	char *def = NULL;
	int opt, r, status;
	while ((opt = cli_getopt(argc, argv, "+qvg:" PROBE_SHORT_OPTS PROBE_PID_OPT, longopts)) != -1) {
		if (opt == OPT_ENABLE || opt == OPT_DRY_RUN) {
			*(opt == OPT_ENABLE ? &ao.enable : &ao.dry_run) = true;
			continue;
		}
		if (opt == OPT_MAX) {
			if (parse_count(optarg, &ao.max))
				return cli_usage("--max takes a number of probes, 1 or more");
			continue;
		}
		r = probe_opt(&q, opt, optarg);
		if (!r)
			r = tfs_args_opt(&a, opt, optarg);
		if (r < 0)
			return r;
		if (!r)
			return cli_bad_option(argv);
	}
	if (argc - optind < 2)
		return cli_usage("expected FILE SYMBOL [FETCHARG...]");
	if (ao.dry_run && ao.enable)
		return cli_usage("--dry-run writes nothing: it cannot --enable");
	probe_req_words(&q, argc - optind, argv + optind);
	q.opts.group = a.group;
	a.lock = ao.dry_run ? CLI_LOCK_READ : CLI_LOCK_WRITE;
	status = cli_open_group(&a, 0, NULL, &t, NULL);
	if (status)
		return status;
	p = malloc(sizeof(*p));
	def = malloc(UPC_DEF_MAX);
	if (!p || !def)
		status = cli_explain(-ENOMEM, "add");
	else if (probe_has_places(&q))
		status = add_glob(t, &q, &ao, p, def);
	else
		status = add_one(t, &q, &ao, p, def);
	free(p);
	free(def);
	upc_tracefs_close(t);
	return status;
}

const struct cmd cmd_add = { "add", add };
