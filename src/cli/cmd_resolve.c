// SPDX-License-Identifier: MIT
/* uprobectl resolve FILE SYMBOL: the file offset and the definition add
 * would write, on any host, for any architecture's file, without tracefs. */
#include <getopt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "probe_args.h"

static const char resolve_usage[] =
	"Usage: uprobectl resolve [--json] [-r] [-g GROUP] [-e EVENT] [--args N]\n"
	"                         [--sysroot DIR] [--debug-dir DIR] FILE SYMBOL [FETCHARG...]\n"
	"\n"
	"Print the file offset of SYMBOL in FILE (an absolute path) and the probe\n"
	"definition 'uprobectl add' would write with the same arguments: the\n"
	"default fetch args of FILE's architecture (arg1..argN and the return\n"
	"address ra; ret for -r), or the FETCHARGs translated as add does.\n"
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

static void print_json(const struct probe_req *q, const struct upc_probe *p, const char *def)
{
	struct json j = JSON_INIT(stdout);

	json_obj(&j);
	json_kv_str(&j, "file", p->path);
	json_kv_str(&j, "symbol", q->spec);
	json_kv_str(&j, "arch", upc_arch_name(p->arch));
	json_kv_u64(&j, "offset", p->offset);
	json_kv_u64(&j, "address", p->loc.addr);
	json_kv_str(&j, "definition", def);
	json_end(&j);
	json_newline(&j);
}

static void print_text(const struct upc_probe *p, const char *def)
{
	const struct upc_location *loc = &p->loc;

	printf("file:       %s (%s)\n", p->path, upc_arch_name(p->arch));
	if (loc->sym.name)
		printf("symbol:     %.*s%s0x%llx, address 0x%llx, size %llu\n",
		       (int)loc->sym.name_len, loc->sym.name, loc->sym_off ? "+" : " at ",
		       (unsigned long long)(loc->sym_off ? loc->sym_off : loc->sym.value),
		       (unsigned long long)loc->addr, (unsigned long long)loc->sym.size);
	printf("offset:     0x%llx\n", (unsigned long long)p->offset);
	printf("definition: %s\n", def);
}

static int resolve(int argc, char **argv)
{
	static const struct option longopts[] = {
		PROBE_LONG_OPTS,
		{ "json", 0, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	struct probe_req q = PROBE_REQ_INIT;
	struct upc_elf *elf = NULL;
	struct upc_probe *p = NULL;
	char *def = NULL;
	int opt, r, status;

	while ((opt = getopt_long(argc, argv, "+qvg:" PROBE_SHORT_OPTS, longopts, NULL)) != -1) {
		if ((r = probe_opt(&q, opt, optarg)) < 0)
			return r;
		if (r || cli_common_opt(opt))
			continue;
		if (opt == OPT_JSON)
			cli_json = true;
		else if (opt == 'g')
			q.opts.group = optarg;
		else
			return cli_bad_option(argv);
	}
	if (argc - optind < 2)
		return cli_usage("expected FILE SYMBOL [FETCHARG...]");
	probe_req_words(&q, argc - optind, argv + optind);
	p = malloc(sizeof(*p));
	def = malloc(UPC_DEF_MAX);
	if (!p || !def) {
		status = cli_explain(-ENOMEM, "resolve");
		goto out;
	}
	status = probe_describe(&q, NULL, p, &elf);
	if (status)
		goto out;
	status = upc_probe_format(p, def, UPC_DEF_MAX);
	if (status < 0)
		goto out;
	status = 0;
	if (cli_json)
		print_json(&q, p, def);
	else if (cli_quiet)
		puts(def);
	else
		print_text(p, def);
out:
	upc_elf_close(elf);
	free(p);
	free(def);
	return status;
}

const struct cmd cmd_resolve = { "resolve", resolve,
	"print the file offset and probe definition of a symbol", resolve_usage };
