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
	"                     [--tracefs DIR] [--sysroot DIR] [--debug-dir DIR]\n"
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

struct existing {
	const char *group, *event, *path, *args;
	char kind;
	uint64_t offset;
	bool found, same;
	char other[8448];
};

static int find_existing(const struct upc_probe_entry *p, void *ctx)
{
	struct existing *x = ctx;

	if (strcmp(p->event, x->event))
		return 0;
	x->found = true;
	if (p->kind == x->kind && !strcmp(p->path, x->path) && p->offset == x->offset &&
	    !strcmp(p->args, x->args)) {
		x->same = true;
		return 1;
	}
	snprintf(x->other, sizeof(x->other), "%c:%s/%s %s:0x%llx%s%s", p->kind, p->group,
		 p->event, p->path, (unsigned long long)p->offset, p->args[0] ? " " : "",
		 p->args);
	return 0;
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
	struct elf_args ea = { .opts = { .sz = 0 } };
	const char *group = UPC_DEFAULT_GROUP, *event = NULL, *tracefs = NULL, *file, *spec;
	char evbuf[UPC_NAME_MAX + 1], *args = NULL, *listed = NULL, def[4096];
	struct upc_tracefs *t = NULL;
	struct upc_kernel_error *kerr = NULL;
	struct upc_elf *elf = NULL;
	struct existing x = { .found = false };
	struct upc_location loc;
	unsigned long nargs = 4;
	bool ret = false, enable = false, user_args;
	int opt, err, status = EXIT_FAIL;
	struct stat st;
	char *end;

	while ((opt = getopt_long(argc, argv, "+qvrg:e:", longopts, NULL)) != -1) {
		if (elf_args_opt(&ea, opt, optarg) || cli_common_opt(opt))
			continue;
		switch (opt) {
		case 'r': ret = true; break;
		case 'g': group = optarg; break;
		case 'e': event = optarg; break;
		case OPT_TRACEFS: tracefs = optarg; break;
		case OPT_ENABLE: enable = true; break;
		case OPT_ARGS:
			nargs = strtoul(optarg, &end, 10);
			if (*end || !*optarg || nargs > UPC_MAX_ARGS)
				return cli_usage("--args takes a number from 0 to %d", UPC_MAX_ARGS);
			break;
		default:
			return cli_usage("unknown option");
		}
	}
	if (argc - optind < 2)
		return cli_usage("expected FILE SYMBOL [FETCHARG...]");
	file = argv[optind];
	spec = argv[optind + 1];
	user_args = argc - optind > 2;

	/* the file, as the kernel will see it */
	if (file[0] != '/') {
		char abs[PATH_MAX];

		cli_err("%s: the path must be absolute (the kernel would resolve it against "
			"its writer's directory)%s%s", file, realpath(file, abs) ? "; use " : "",
			realpath(file, abs) ? abs : "");
		return EXIT_USAGE;
	}
	cli_reset_reported();
	if (upc_check_path(file) || !cli_valid_name("group", group, true) ||
	    (event && !cli_valid_name("event", event, false)))
		return EXIT_USAGE;
	if (!ea.opts.sysroot) {
		if (stat(file, &st)) {
			cli_err("%s: %s", file, strerror(errno));
			return EXIT_USAGE;
		}
		if (!S_ISREG(st.st_mode)) {
			cli_err("%s: not a regular file (the kernel probes programs and "
				"libraries)", file);
			return EXIT_USAGE;
		}
	}
	args = malloc(8192);
	listed = malloc(8192);
	kerr = malloc(sizeof(*kerr));
	if (!args || !listed || !kerr) {
		cli_err("out of memory");
		goto out;
	}
	err = cli_open_elf(file, &ea, &elf);
	if (err) {
		status = cli_fail(err, file);
		goto out;
	}
	err = upc_resolve(elf, spec, &loc);
	if (err) {
		status = cli_fail(err, spec);
		goto out;
	}
	if (!event) {
		upc_event_name(loc.sym.name ? loc.sym.name : "probe",
			       loc.sym.name ? loc.sym.name_len : 5, evbuf, sizeof(evbuf));
		event = evbuf;
	}
	if (user_args)
		err = upc_fetchargs_translate(upc_elf_arch(elf), ret, argc - optind - 2,
					      argv + optind + 2, args, 8192);
	else
		err = upc_default_fetchargs(upc_elf_arch(elf), (unsigned)nargs, ret, args, 8192);
	if (err >= 0)
		err = upc_probe_definition(def, sizeof(def), ret, group, event, file,
					   loc.offset, args);
	if (err < 0) {
		status = cli_fail(err == -E2BIG ? -EINVAL : err, "definition");
		goto out;
	}

	err = cli_open_tracefs(tracefs, &t);
	if (err) {
		status = cli_fail(err, "tracefs");
		goto out;
	}
	if (upc_kernel_can_probe(t, upc_elf_arch(elf), file)) {
		status = EXIT_USAGE;
		goto out;
	}
	listed_args(args, listed, 8192);
	x = (struct existing){ .group = group, .event = event, .path = file,
			       .args = listed, .kind = ret ? 'r' : 'p', .offset = loc.offset };
	err = upc_probe_foreach(t, group, find_existing, &x);
	if (err < 0) {
		status = cli_fail(err, "uprobe_events");
		goto out;
	}
	if (x.found && !x.same) {
		cli_err("event %s/%s already exists as '%s'; delete it first ('uprobectl del "
			"-g %s %s') or name this one with -e", group, event, x.other, group, event);
		goto out;
	}
	if (!x.same) {
		err = upc_tracefs_append(t, "uprobe_events", def, kerr);
		if (err) {
			char what[140];

			snprintf(what, sizeof(what), "%s/%s", group, event);
			cli_kernel_error(what, err, kerr, user_args ? argv + optind + 2 : NULL,
					 argc - optind - 2);
			goto out;
		}
	}
	if (enable) {
		err = upc_event_set_enable(t, NULL, group, event, true);
		if (!err)
			err = upc_tracing_on(t, NULL, 1);
		if (err) {
			cli_err("%s/%s: enabling failed: %s", group, event, strerror(-err));
			/* nothing half-done: remove what this call created */
			if (!x.same) {
				upc_event_set_enable(t, NULL, group, event, false);
				upc_probe_delete(t, group, event, NULL);
			}
			goto out;
		}
	}
	if (!cli_quiet)
		printf("%s%s\n", def, x.same ? "  (already defined)" : "");
	status = EXIT_OK;
out:
	upc_tracefs_close(t);
	upc_elf_close(elf);
	free(args);
	free(listed);
	free(kerr);
	return status;
}
