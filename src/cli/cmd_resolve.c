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
	while ((opt = cli_getopt(argc, argv, "+qvg:" PROBE_SHORT_OPTS PROBE_PID_OPT, longopts)) != -1) {
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

const struct cmd cmd_resolve = { "resolve", resolve };
