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
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "group.h"
#include "probe_args.h"

static const char add_usage[] =
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

static int add(int argc, char **argv)
{
	static const struct option longopts[] = {
		PROBE_LONG_OPTS,
		TRACEFS_LONG_OPT,
		{ "enable", 0, NULL, OPT_ENABLE },
		{ NULL, 0, NULL, 0 },
	};
	struct probe_req q = PROBE_REQ_INIT;
	struct tfs_args a = TFS_ARGS_INIT;
	struct upc_tracefs *t = NULL;
	struct upc_probe *p = NULL;
	char *def = NULL;
	bool enable = false, existed;
	int opt, r, err, status;

	while ((opt = getopt_long(argc, argv, "+qvg:" PROBE_SHORT_OPTS, longopts, NULL)) != -1) {
		if (opt == OPT_ENABLE) {
			enable = true;
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
	probe_req_words(&q, argc - optind, argv + optind);
	q.opts.group = a.group;
	a.lock = CLI_LOCK_WRITE;
	status = cli_open_group(&a, 0, NULL, &t, NULL);
	if (status)
		return status;
	p = malloc(sizeof(*p));
	def = malloc(UPC_DEF_MAX);
	if (!p || !def) {
		status = cli_explain(-ENOMEM, "add");
		goto out;
	}
	status = probe_define(t, &q, p, &existed);
	if (status == EXIT_OK && enable) {
		err = upc_event_set_enable(t, NULL, p->group, p->event, true);
		if (!err)
			err = upc_tracing_on(t, NULL, 1);
		if (err) {
			cli_err("%s/%s: enabling failed: %s", p->group, p->event, strerror(-err));
			/* nothing half-done: remove what this call created */
			if (!existed)
				upc_probe_destroy(t, p->group, p->event, true, NULL);
			status = EXIT_FAIL;
		}
	}
	if (status == EXIT_OK && !cli_quiet && upc_probe_format(p, def, UPC_DEF_MAX) > 0)
		printf("%s%s\n", def, existed ? "  (already defined)" : "");
out:
	free(p);
	free(def);
	upc_tracefs_close(t);
	return status;
}

const struct cmd cmd_add = { "add", add, "define a probe on a symbol", add_usage };
