// SPDX-License-Identifier: MIT
/*
 * uprobectl add: resolve, build, check and write one probe definition.
 * Everything that can be checked is checked before the kernel sees the
 * definition; an identical definition already there is success with
 * nothing written (init scripts run add at every boot); the same event
 * name with another definition is refused, since the kernel would quietly
 * attach a second probe to the event.
 */
#include <getopt.h>
#include <limits.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

const char add_usage[] =
	"Usage: uprobectl add [-r] [-g GROUP] [-e EVENT] [--args N] [--enable] [-q]\n"
	"                     [--tracefs DIR] [--wait S] [--sysroot DIR] [--debug-dir DIR]\n"
	"                     FILE SYMBOL [FETCHARG...]\n"
	"\n"
	"Resolve SYMBOL in FILE (an absolute path) and define a uprobe on it in\n"
	"uprobe_events, in GROUP (default " UPC_DEFAULT_GROUP "). Prints the definition.\n"
	"\n"
	"SYMBOL is NAME, NAME@VER, NAME@@VER, NAME@0xADDR, NAME+OFF or 0xFILEOFFSET.\n"
	"Without FETCHARGs the probe records the first four integer arguments and\n"
	"the return address (arg1..arg4, ra) in the registers of FILE's\n"
	"architecture; -r records the return value (ret=$retval).\n"
	"\n"
	"FETCHARG is [NAME=]EXPR[:TYPE], with the kernel's EXPR syntax plus\n"
	"arch-neutral names translated for FILE's architecture:\n"
	"  $argN             integer argument N (a register or a stack slot)\n"
	"  $ra  $sp          return address at entry, stack pointer\n"
	"  $retval           return value (-r only)\n"
	"  %REG @ADDR @+OFF $stackN $comm +OFF(EXPR) \\IMM   as the kernel has them\n"
	"TYPE: u8..u64 s8..s64 x8..x64 char string ustring bW@O/C TYPE[N]\n"
	"Examples: 'name=+0($arg1):string' 'len=$arg4:u32' 'ret=$retval:s32'\n"
	"\n"
	"  -r                a return probe\n"
	"  -g GROUP          event group (default " UPC_DEFAULT_GROUP ")\n"
	"  -e EVENT          event name (default: from the symbol)\n"
	"  --args N          record N arguments by default (default 4)\n"
	"  --enable          enable the event (and tracing_on) right away\n"
	"  -q                print nothing but errors\n"
	"  --tracefs DIR     tracefs root (default: found, or mounted)\n"
	"  --sysroot DIR     read FILE below DIR (the definition still names FILE)\n"
	"  --debug-dir DIR   look for debug files in DIR before /usr/lib/debug\n"
	"\n"
	"An identical definition already present is left alone (exit 0). Exit\n"
	"status: 0 defined (or already so), 1 failure (the kernel's reason is\n"
	"shown), 2 usage or validation error (nothing was written).\n";

/* The arguments as uprobe_events lists them: unnamed ones get argK=. */
static void listed_args(const char *args, char *out, size_t len)
{
	size_t used = 0;
	int k = 0;

	out[0] = '\0';
	for (const char *p = args; *p;) {
		const char *sp = strchr(p, ' '), *eq;
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		bool named = false;

		eq = memchr(p, '=', n);
		if (eq && eq > p) {
			named = true;
			for (const char *c = p; c < eq; c++)
				named &= (*c == '_' || (*c >= 'a' && *c <= 'z') ||
					  (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'));
		}
		k++;
		if (used < len)
			used += (size_t)snprintf(out + used, len - used, "%s", used ? " " : "");
		if (!named && used < len)
			used += (size_t)snprintf(out + used, len - used, "arg%d=", k);
		if (used < len)
			used += (size_t)snprintf(out + used, len - used, "%.*s", (int)n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
}

int add_opt(struct add_req *q, int opt, const char *arg)
{
	switch (opt) {
	case 'r':
		q->ret = true;
		return 1;
	case 'e':
		q->event = arg;
		return 1;
	case OPT_ARGS:
		if (!parse_nargs(arg, &q->nargs))
			return cli_usage("--args takes a number from 0 to %d", UPC_MAX_ARGS);
		return 1;
	}
	return 0;
}

void add_req_args(struct add_req *q, int argc, char **argv)
{
	q->file = argv[0];
	q->spec = argv[1];
	q->user = argv + 2;
	q->nuser = argc - 2;
}

bool probe_matches(const struct probe_desc *d, const struct upc_probe_entry *p)
{
	return p->kind == d->kind && !strcmp(p->path, d->path) && p->offset == d->offset &&
	       !strcmp(p->args, d->listed);
}

int cli_describe_probe(const struct add_req *q, struct upc_tracefs *t, struct probe_desc *d)
{
	struct elf_args ea = q->elf;
	char *args = malloc(8192);
	struct upc_elf *elf = NULL;
	struct upc_location loc;
	int err, status = EXIT_USAGE;
	struct stat st;

	if (!args) {
		cli_err("out of memory");
		return EXIT_FAIL;
	}
	/* the file, as the kernel will see it */
	if (q->file[0] != '/') {
		char abs[PATH_MAX];
		bool known = realpath(q->file, abs);

		cli_err("%s: the path must be absolute (the kernel would resolve it against "
			"its writer's directory)%s%s", q->file, known ? "; use " : "",
			known ? abs : "");
		goto out;
	}
	cli_reset_reported();
	if (upc_check_path(q->file) || !cli_valid_name("group", q->group, true) ||
	    (q->event && !cli_valid_name("event", q->event, false)))
		goto out;
	if (!ea.opts.sysroot) {
		if (stat(q->file, &st)) {
			cli_err("%s: %s", q->file, strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			cli_err("%s: not a regular file (the kernel probes programs and "
				"libraries)", q->file);
			goto out;
		}
	}
	err = cli_open_elf(q->file, &ea, &elf);
	if (!err)
		err = upc_resolve(elf, q->spec, &loc);
	if (err) {
		status = cli_fail(err, q->file);
		goto out;
	}
	/* The path is resolved once: the definition names the file that was
	 * read, without links that could be swapped before the kernel opens
	 * it, and cli_write_probe checks it is still that file. */
	snprintf(d->path, sizeof(d->path), "%s", q->file);
	if (!ea.opts.sysroot) {
		upc_elf_file_id(elf, &d->dev, &d->ino);
		if (!realpath(q->file, d->path) || stat(d->path, &st) ||
		    (uint64_t)st.st_dev != d->dev || (uint64_t)st.st_ino != d->ino) {
			cli_err("%s: the file changed while it was read (replaced, or a link "
				"moved); try again", q->file);
			status = EXIT_FAIL;
			goto out;
		}
		if (strcmp(d->path, q->file) && upc_check_path(d->path))
			goto out;
	}
	if (q->event)
		snprintf(d->event, sizeof(d->event), "%s", q->event);
	else
		upc_event_name(loc.sym.name ? loc.sym.name : "probe",
			       loc.sym.name ? loc.sym.name_len : 5, d->event, sizeof(d->event));
	if (q->nuser)
		err = upc_fetchargs_translate(upc_elf_arch(elf), q->ret, q->nuser, q->user,
					      args, 8192);
	else
		err = upc_default_fetchargs(upc_elf_arch(elf), q->nargs, q->ret, args, 8192);
	if (err >= 0)
		err = upc_probe_definition(d->def, sizeof(d->def), q->ret, q->group, d->event,
					   d->path, loc.offset, args);
	if (err < 0) {
		status = cli_fail(err == -E2BIG ? -EINVAL : err, "definition");
		goto out;
	}
	if (upc_kernel_can_probe(t, upc_elf_arch(elf), q->file))
		goto out;
	d->kind = q->ret ? 'r' : 'p';
	d->offset = loc.offset;
	listed_args(args, d->listed, sizeof(d->listed));
	status = EXIT_OK;
out:
	upc_elf_close(elf);
	free(args);
	return status;
}

static int same_event(const struct upc_probe_entry *p, void *event)
{
	return !strcmp(p->event, (const char *)event);
}

int cli_write_probe(struct upc_tracefs *t, const struct add_req *q, const struct probe_desc *d)
{
	struct upc_kernel_error *kerr = malloc(sizeof(*kerr));
	char what[140];
	struct stat st;
	int err;

	if (!kerr)
		return EXIT_FAIL;
	if (sigbus_seen() ||
	    (d->ino && (stat(d->path, &st) || (uint64_t)st.st_dev != d->dev ||
			(uint64_t)st.st_ino != d->ino))) {
		cli_err("%s/%s: %s changed since it was read: not defined; try again",
			q->group, d->event, d->path);
		free(kerr);
		return EXIT_FAIL;
	}
	err = upc_tracefs_append(t, "uprobe_events", d->def, kerr);
	if (err) {
		snprintf(what, sizeof(what), "%s/%s", q->group, d->event);
		if (err == -EIO && !kerr->msg[0])
			cli_err("%s: the write to uprobe_events failed or was cut short", what);
		else
			cli_kernel_error(what, err, kerr, q->nuser ? q->user : NULL, q->nuser);
		/* callers write only events that do not exist: one that does
		 * now is what a write cut short defined, and goes */
		if (upc_probe_foreach(t, q->group, same_event, (void *)d->event) > 0 &&
		    upc_probe_delete(t, q->group, d->event, NULL))
			cli_err("%s: a part of it may be defined: check 'uprobectl list -g %s'",
				what, q->group);
	}
	free(kerr);
	return err ? EXIT_FAIL : EXIT_OK;
}

struct existing {
	const struct probe_desc *d;
	bool found, same;
	char other[8448];
};

static int find_existing(const struct upc_probe_entry *p, void *ctx)
{
	struct existing *x = ctx;

	if (strcmp(p->event, x->d->event))
		return 0;
	x->found = true;
	if (probe_matches(x->d, p)) {
		x->same = true;
		return 1;
	}
	snprintf(x->other, sizeof(x->other), "%c:%s/%s %s:0x%llx%s%s", p->kind, p->group,
		 p->event, p->path, (unsigned long long)p->offset, p->args[0] ? " " : "",
		 p->args);
	return 0;
}

int cli_add_probe(const struct add_req *q, struct upc_tracefs *t, char *def, size_t deflen,
		  bool *existed)
{
	struct probe_desc *d = calloc(1, sizeof(*d));
	struct existing *x = calloc(1, sizeof(*x));
	int err, status = EXIT_FAIL;

	*existed = false;
	if (!d || !x) {
		cli_err("out of memory");
		goto out;
	}
	status = cli_describe_probe(q, t, d);
	if (status)
		goto out;
	status = EXIT_FAIL;
	x->d = d;
	err = upc_probe_foreach(t, q->group, find_existing, x);
	if (err < 0) {
		status = cli_fail(err, "uprobe_events");
		goto out;
	}
	if (x->found && !x->same) {
		cli_err("event %s/%s already exists as '%s'; delete it first ('uprobectl del "
			"-g %s %s') or name this one with -e", q->group, d->event, x->other,
			q->group, d->event);
		goto out;
	}
	if (!x->same && (status = cli_write_probe(t, q, d)))
		goto out;
	*existed = x->same;
	if (q->event_out)
		snprintf(q->event_out, UPC_NAME_MAX + 1, "%s", d->event);
	snprintf(def, deflen, "%s", d->def);
	status = EXIT_OK;
out:
	free(d);
	free(x);
	return status;
}

int cmd_add(int argc, char **argv)
{
	static const struct option longopts[] = {
		ELF_LONG_OPTS,
		TRACEFS_LONG_OPT,
		{ "args", 1, NULL, OPT_ARGS },
		{ "enable", 0, NULL, OPT_ENABLE },
		{ NULL, 0, NULL, 0 },
	};
	char event[UPC_NAME_MAX + 1], def[4096];
	struct add_req q = { .group = UPC_DEFAULT_GROUP, .nargs = 4, .event_out = event };
	struct upc_tracefs *t = NULL;
	const char *tracefs = NULL;
	bool enable = false, existed;
	double wait = CLI_WAIT_DEFAULT;
	int opt, err, status;

	while ((opt = getopt_long(argc, argv, "+qvrg:e:", longopts, NULL)) != -1) {
		int r = add_opt(&q, opt, optarg);

		if (r == EXIT_USAGE)
			return r;
		if (r || elf_args_opt(&q.elf, opt, optarg) || cli_common_opt(opt))
			continue;
		switch (opt) {
		case 'g': q.group = optarg; break;
		case OPT_TRACEFS: tracefs = optarg; break;
		case OPT_WAIT:
			if (wait_opt(optarg, &wait) != 1)
				return EXIT_USAGE;
			break;
		case OPT_ENABLE: enable = true; break;
		default:
			return cli_usage("unknown option");
		}
	}
	if (argc - optind < 2)
		return cli_usage("expected FILE SYMBOL [FETCHARG...]");
	add_req_args(&q, argc - optind, argv + optind);
	if (!cli_valid_name("group", q.group, true))
		return EXIT_USAGE;
	status = cli_lock_group(q.group, true, wait);
	if (status)
		return status;
	err = cli_open_tracefs(tracefs, &t);
	if (err)
		return cli_fail(err, "tracefs");
	status = cli_add_probe(&q, t, def, sizeof(def), &existed);
	if (status == EXIT_OK && enable) {
		err = upc_event_set_enable(t, NULL, q.group, event, true);
		if (!err)
			err = upc_tracing_on(t, NULL, 1);
		if (err) {
			cli_err("%s/%s: enabling failed: %s", q.group, event, strerror(-err));
			/* nothing half-done: remove what this call created */
			if (!existed) {
				upc_event_set_enable(t, NULL, q.group, event, false);
				upc_probe_delete(t, q.group, event, NULL);
			}
			status = EXIT_FAIL;
		}
	}
	if (status == EXIT_OK && !cli_quiet)
		printf("%s%s\n", def, existed ? "  (already defined)" : "");
	upc_tracefs_close(t);
	return status;
}
