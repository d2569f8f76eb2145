// SPDX-License-Identifier: MIT
/* uprobectl resolve FILE SYMBOL: the file offset and a ready definition,
 * on any host, for any architecture's file, without tracefs. */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char resolve_usage[] =
	"Usage: uprobectl resolve [--json] [-r] [-g GROUP] [-e EVENT] [--args N]\n"
	"                         [--sysroot DIR] [--debug-dir DIR] FILE SYMBOL\n"
	"\n"
	"Print the file offset of SYMBOL in FILE and the probe definition\n"
	"'uprobectl add' would write, with the default fetch args of FILE's\n"
	"architecture (arg1..argN and the return address ra; ret for -r).\n"
	"Needs no tracefs: works on a build host for a board's files.\n"
	"\n"
	"SYMBOL is NAME, NAME@VER, NAME@@VER, NAME@0xADDR (one of several\n"
	"definitions), NAME+OFF (checked against its size) or 0xFILEOFFSET.\n"
	"\n"
	"  --json            print {file, symbol, arch, offset, address, definition}\n"
	"  -r                a return probe (ret=<return register>)\n"
	"  -g GROUP          event group (default " UPC_DEFAULT_GROUP ")\n"
	"  -e EVENT          event name (default: from the symbol)\n"
	"  --args N          fetch N integer arguments (default 4)\n"
	"  --sysroot DIR     FILE and debug files are below DIR (a board's rootfs)\n"
	"  --debug-dir DIR   look for debug files in DIR before /usr/lib/debug\n"
	"  --no-debug-file   do not look for a separate debug file\n";

int cmd_resolve(int argc, char **argv)
{
	static const struct option longopts[] = {
		ELF_LONG_OPTS,
		{ "json", 0, NULL, OPT_JSON },
		{ "args", 1, NULL, OPT_ARGS },
		{ NULL, 0, NULL, 0 },
	};
	struct elf_args ea = { .opts = { .sz = 0 } };
	const char *group = UPC_DEFAULT_GROUP, *event = NULL, *file, *spec;
	char evbuf[UPC_NAME_MAX + 1], args[1024], def[4096], abspath[PATH_MAX];
	const char *probe_path;
	struct upc_location loc;
	struct upc_elf *elf;
	unsigned nargs = 4;
	bool ret = false;
	int opt, err, status;

	while ((opt = getopt_long(argc, argv, "qvrg:e:", longopts, NULL)) != -1) {
		if (elf_args_opt(&ea, opt, optarg) || cli_common_opt(opt))
			continue;
		switch (opt) {
		case OPT_JSON: cli_json = true; break;
		case 'r': ret = true; break;
		case 'g': group = optarg; break;
		case 'e': event = optarg; break;
		case OPT_ARGS:
			if (!parse_nargs(optarg, &nargs))
				return cli_usage("--args takes a number from 0 to %d", UPC_MAX_ARGS);
			break;
		default:
			return cli_usage("unknown option");
		}
	}
	if (argc - optind != 2)
		return cli_usage("expected FILE SYMBOL");
	file = argv[optind];
	spec = argv[optind + 1];
	err = cli_open_elf(file, &ea, &elf);
	if (err)
		return cli_fail(err, file);
	err = upc_resolve(elf, spec, &loc);
	if (err) {
		status = cli_fail(err, spec);
		goto out;
	}
	if (!event) {
		const char *n = loc.sym.name ? loc.sym.name : "p";
		size_t nl = loc.sym.name ? loc.sym.name_len : 1;

		err = upc_event_name(n, nl, evbuf, sizeof(evbuf));
		event = evbuf;
	}
	/* The kernel resolves a relative path against the writer's cwd: a
	 * definition always names the file absolutely, and as add writes it,
	 * without links. */
	probe_path = file;
	if (!ea.opts.sysroot && realpath(file, abspath))
		probe_path = abspath;
	err = upc_default_fetchargs(upc_elf_arch(elf), nargs, ret, args,
				    sizeof(args));
	if (err >= 0)
		err = upc_probe_definition(def, sizeof(def), ret, group, event, probe_path,
					   loc.offset, args);
	if (err < 0) {
		status = cli_fail(err, spec);
		goto out;
	}
	status = EXIT_OK;
	if (cli_json) {
		fputs("{", stdout);
		json_kv_str(stdout, "file", probe_path, false);
		json_kv_str(stdout, "symbol", spec, true);
		json_kv_str(stdout, "arch", upc_arch_name(upc_elf_arch(elf)), true);
		json_kv_u64(stdout, "offset", loc.offset, true);
		json_kv_u64(stdout, "address", loc.addr, true);
		json_kv_str(stdout, "definition", def, true);
		fputs("}\n", stdout);
	} else if (cli_quiet) {
		puts(def);
	} else {
		printf("file:       %s (%s)\n", probe_path, upc_arch_name(upc_elf_arch(elf)));
		if (loc.sym.name)
			printf("symbol:     %.*s%s0x%llx, address 0x%llx, size %llu\n",
			       (int)loc.sym.name_len, loc.sym.name, loc.sym_off ? "+" : " at ",
			       (unsigned long long)(loc.sym_off ? loc.sym_off : loc.sym.value),
			       (unsigned long long)loc.addr, (unsigned long long)loc.sym.size);
		printf("offset:     0x%llx\n", (unsigned long long)loc.offset);
		printf("definition: %s\n", def);
	}
out:
	upc_elf_close(elf);
	return status;
}
