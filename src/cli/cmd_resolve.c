// SPDX-License-Identifier: MIT
/* uprobectl resolve FILE SYMBOL: the file offset and the definition add
 * would write, on any host, for any architecture's file, without tracefs. */
#include <getopt.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "probe_args.h"

static void print_json(const struct probe_req *q, const struct upc_probe *p, const char *point,
		       const char *def)
{
	struct json j = JSON_INIT(stdout);

	json_obj(&j);
	json_kv_str(&j, "file", p->path);
	json_kv_str(&j, "symbol", point ? point : q->spec);
	json_kv_str(&j, "arch", upc_arch_name(p->arch));
	json_kv_u64(&j, "offset", p->offset);
	json_kv_u64(&j, "address", p->loc.addr);
	json_kv_str(&j, "definition", def);
	json_end(&j);
	json_newline(&j);
}

static void print_text(const struct upc_probe *p, const char *point, const char *def)
{
	const struct upc_location *loc = &p->loc;

	printf("file:       %s (%s)\n", p->path, upc_arch_name(p->arch));
	if (point)
		printf("point:      %s\n", point);
	if (loc->sym.name) {
		char name[1024];

		/* a C++ or Rust name as the source writes it, then as the file does */
		cli_sym_name(loc->sym.name, loc->sym.name_len, name, sizeof(name));
		printf("symbol:     %s", name);
		if (strncmp(name, loc->sym.name, loc->sym.name_len) || name[loc->sym.name_len])
			printf(" (%.*s)", (int)loc->sym.name_len, loc->sym.name);
		printf("%s0x%llx, address 0x%llx, size %llu\n", loc->sym_off ? "+" : " at ",
		       (unsigned long long)(loc->sym_off ? loc->sym_off : loc->sym.value),
		       (unsigned long long)loc->addr, (unsigned long long)loc->sym.size);
	}
	printf("offset:     0x%llx\n", (unsigned long long)p->offset);
	printf("definition: %s\n", def);
}

/* A line of /etc/uprobectl.conf for p, in the kernel's fetch arguments
 * and the raw file offset: the board applies it without the DWARF (or
 * any symbol table). A comment above says what it was made from. */
static void print_apply_line(const struct probe_req *q, const struct upc_probe *p, bool first)
{
	const char *a = p->args;

	if (!first)
		putchar('\n');
	printf("# %s %s%s", q->spec, p->loc.sym.name ? "in " : "",
	       p->loc.sym.name ? "" : "(no symbol)");
	if (p->loc.sym.name)
		printf("%.*s+0x%llx", (int)p->loc.sym.name_len, p->loc.sym.name,
		       (unsigned long long)p->loc.sym_off);
	printf(" of this very build of %s: made by 'uprobectl resolve --apply-line'\n", p->path);
	printf("%s-e %s %s 0x%llx", p->kind == 'r' ? "-r " : "", p->event, p->path,
	       (unsigned long long)p->offset);
	/* each fetch argument as a word of the line */
	while (*a) {
		size_t n = strcspn(a, " ");

		printf(" %.*s", (int)n, a);
		a += n;
		a += strspn(a, " ");
	}
	putchar('\n');
}

/* point: the one place of several that p is (NAME@0xADDRESS), or NULL */
static int print_one(const struct probe_req *q, const struct upc_probe *p, const char *point,
		     char *def, bool apply_line, bool first)
{
	int err = upc_probe_format(p, def, UPC_DEF_MAX);

	if (err < 0)
		return err;
	if (apply_line)
		print_apply_line(q, p, first);
	else if (cli_json)
		print_json(q, p, point, def);
	else if (cli_quiet)
		puts(def);
	else {
		if (!first)
			putchar('\n');
		print_text(p, point, def);
	}
	return 0;
}

/* Every place of a pattern, USDT probe or source point: one definition
 * each, as add would write them. */
static int resolve_places(const struct probe_req *q, struct upc_probe *p, char *def,
			  bool apply_line)
{
	struct upc_glob_left left;
	struct upc_match *m = NULL;
	struct upc_elf *elf = NULL;
	char path[PATH_MAX];
	int n = 0, err;

	err = probe_open(q, path, &elf);
	if (!err && (n = probe_matches(q, elf, &m, &left)) < 0)
		err = n;
	if (!err && !n) {
		cli_err("%s: nothing matches '%s'", path, q->spec);
		err = -EINVAL;
	}
	if (!err && q->opts.event && n > 1) {
		cli_err("-e names one event; '%s' has %d places, each named after its function, "
			"USDT probe or line", q->spec, n);
		err = -EINVAL;
	}
	for (int i = 0; i < n && !err; i++) {
		err = probe_describe_in(q, NULL, elf, m[i].spec,
					q->opts.event ? q->opts.event : m[i].event, p);
		if (!err)
			err = print_one(q, p, n > 1 ? m[i].spec : NULL, def, apply_line, i == 0);
	}
	upc_matches_free(m, n);
	upc_elf_close(elf);
	return err;
}

static int resolve(int argc, char **argv)
{
	static const struct option longopts[] = {
		PROBE_LONG_OPTS,
		{ "json", 0, NULL, OPT_JSON },
		{ "apply-line", 0, NULL, OPT_APPLY_LINE },
		{ NULL, 0, NULL, 0 },
	};
	struct probe_req q = PROBE_REQ_INIT;
	struct upc_elf *elf = NULL;
	struct upc_probe *p = NULL;
	bool apply_line = false;
	char *def = NULL;
	int opt, r, status;
	while ((opt = cli_getopt(argc, argv, "+qvg:" PROBE_SHORT_OPTS PROBE_PID_OPT, longopts)) != -1) {
		if ((r = probe_opt(&q, opt, optarg)) < 0)
			return r;
		if (r || cli_common_opt(opt))
			continue;
		if (opt == OPT_JSON)
			cli_json = true;
		else if (opt == OPT_APPLY_LINE)
			apply_line = true;
		else if (opt == 'g')
			q.opts.group = optarg;
		else
			return cli_bad_option(argv);
	}
	if (argc - optind < 2)
		return cli_usage("expected FILE SYMBOL [FETCHARG...]");
	if (apply_line && cli_json)
		return cli_usage("--apply-line prints lines of a configuration file, not JSON");
	probe_req_words(&q, argc - optind, argv + optind);
	p = malloc(sizeof(*p));
	def = malloc(UPC_DEF_MAX);
	if (!p || !def) {
		status = cli_explain(-ENOMEM, "resolve");
		goto out;
	}
	if (probe_has_places(&q)) {
		status = resolve_places(&q, p, def, apply_line);
		goto out;
	}
	status = probe_describe(&q, NULL, p, &elf);
	if (!status)
		status = print_one(&q, p, NULL, def, apply_line, true);
out:
	upc_elf_close(elf);
	free(p);
	free(def);
	return status < 0 ? status : 0;
}

const struct cmd cmd_resolve = { "resolve", resolve };
