// SPDX-License-Identifier: MIT
/* uprobectl list: our group's probes, with the symbol found again from the
 * offset, enabled state and hit count. */
#include <getopt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char list_usage[] =
	"Usage: uprobectl list [-g GROUP] [--json] [--tracefs DIR] [--wait S]\n"
	"\n"
	"List the probes of GROUP (default " UPC_DEFAULT_GROUP "): event, kind (entry or\n"
	"return), file and offset, the symbol at that offset, enabled or not, hits\n"
	"(from uprobe_profile) and fetch arguments.\n";

struct list_ctx {
	const struct upc_tracefs *t;
	unsigned n;
	char path[4096];
	struct upc_elf *elf;	/* the last file opened, reused for its probes */
};

static void silent(enum upc_print_level l, const char *f, va_list ap)
{
	(void)l;
	(void)f;
	(void)ap;
}

/* "name+0xOFF" of the symbol holding the offset, or "" */
static void symbolize(struct list_ctx *c, const struct upc_probe_entry *p, char *buf,
		      size_t len)
{
	struct upc_elf_opts o = { .sz = sizeof(o), .no_debug_file = false };
	upc_print_fn prev = upc_set_print(silent);
	struct upc_location loc;
	char spec[32];

	buf[0] = '\0';
	if (strcmp(c->path, p->path)) {
		upc_elf_close(c->elf);
		c->elf = NULL;
		snprintf(c->path, sizeof(c->path), "%s", p->path);
		upc_elf_open(p->path, &o, &c->elf);
	}
	snprintf(spec, sizeof(spec), "0x%llx", (unsigned long long)p->offset);
	if (c->elf && !upc_resolve(c->elf, spec, &loc) && loc.sym.name)
		snprintf(buf, len, loc.sym_off ? "%.*s+0x%llx" : "%.*s", (int)loc.sym.name_len,
			 loc.sym.name, (unsigned long long)loc.sym_off);
	upc_set_print(prev);
}

static int print_probe(const struct upc_probe_entry *p, void *ctx)
{
	struct list_ctx *c = ctx;
	char sym[512];
	uint64_t hits = 0;
	int on = upc_event_get_enable(c->t, NULL, p->group, p->event);
	bool have_hits = !upc_probe_hits(c->t, p->path, p->event, &hits);

	symbolize(c, p, sym, sizeof(sym));
	if (cli_json) {
		printf("%s\n {", c->n ? "," : "");
		json_kv_str(stdout, "group", p->group, false);
		json_kv_str(stdout, "event", p->event, true);
		json_kv_str(stdout, "kind", p->kind == 'r' ? "return" : "entry", true);
		json_kv_str(stdout, "file", p->path, true);
		json_kv_u64(stdout, "offset", p->offset, true);
		json_kv_str(stdout, "symbol", sym[0] ? sym : NULL, true);
		fputs(",\"args\":[", stdout);
		for (const char *a = p->args, *sp; *a; a = sp ? sp + 1 : a + strlen(a)) {
			sp = strchr(a, ' ');
			if (a != p->args)
				putchar(',');
			json_str(stdout, a, sp ? (size_t)(sp - a) : strlen(a));
		}
		printf("],\"enabled\":%s", on > 0 ? "true" : "false");
		if (have_hits)
			json_kv_u64(stdout, "hits", hits, true);
		else
			fputs(",\"hits\":null", stdout);
		putchar('}');
	} else {
		if (!c->n && !cli_quiet)
			printf("%-24s %-6s %-7s %10s  %s\n", "EVENT", "KIND", "ENABLED", "HITS",
			       "FILE:OFFSET (SYMBOL) ARGS");
		printf("%-24s %-6s %-7s %10llu  %s:0x%llx%s%s%s %s\n", p->event,
		       p->kind == 'r' ? "return" : "entry", on > 0 ? "yes" : "no",
		       (unsigned long long)hits, p->path, (unsigned long long)p->offset,
		       sym[0] ? " (" : "", sym, sym[0] ? ")" : "", p->args);
	}
	c->n++;
	return 0;
}

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		TRACEFS_LONG_OPT,
		{ "json", 0, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	struct tfs_args a = TFS_ARGS_INIT;
	struct list_ctx c = { .n = 0 };
	struct upc_tracefs *t = NULL;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "qvg:", longopts, NULL)) != -1)
		if (!tfs_args_opt(&a, opt, optarg))
			return cli_usage("unknown option");
	if (optind != argc)
		return cli_usage("list takes no arguments");
	a.lock = CLI_LOCK_READ;
	err = cli_open_group(&a, 0, NULL, &t, NULL);
	if (err)
		return err;
	c.t = t;
	if (cli_json)
		putchar('[');
	err = upc_probe_foreach(t, a.group, print_probe, &c);
	if (cli_json)
		printf("%s]\n", c.n ? "\n" : "");
	else if (!c.n && !cli_quiet && !err)
		printf("no events in group %s\n", a.group);
	upc_elf_close(c.elf);
	upc_tracefs_close(t);
	return err ? cli_fail(err, "uprobe_events") : EXIT_OK;
}
