// SPDX-License-Identifier: MIT
/* uprobectl list: our group's probes, with the symbol found again from the
 * offset, enabled state and hit count. */
#include <getopt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "group.h"
#include "json.h"

struct list_ctx {
	const struct upc_tracefs *t;
	struct json j;
	unsigned n;
	char path[4096];
	struct upc_elf *elf;	/* the last file opened, reused for its probes */
};

/* "name+0xOFF" of the symbol holding the offset, or "" */
static void symbolize(struct list_ctx *c, const struct upc_probe *p, char *buf, size_t len)
{
	struct upc_location loc;

	buf[0] = '\0';
	if (strcmp(c->path, p->path)) {
		struct upc_elf_opts o = { .sz = sizeof(o), .quiet = true };

		upc_elf_close(c->elf);
		c->elf = NULL;
		snprintf(c->path, sizeof(c->path), "%s", p->path);
		upc_elf_open(p->path, &o, &c->elf);
	}
	if (c->elf && !upc_elf_sym_at(c->elf, p->offset, &loc) && loc.sym.name) {
		char name[1024];

		cli_sym_name(loc.sym.name, loc.sym.name_len, name, sizeof(name));
		snprintf(buf, len, loc.sym_off ? "%s+0x%llx" : "%s", name,
			 (unsigned long long)loc.sym_off);
	}
}

static void print_json(struct list_ctx *c, const struct upc_probe *p, const char *sym, int on,
		       bool have_hits, uint64_t hits)
{
	struct json *j = &c->j;

	json_obj(j);
	json_kv_str(j, "group", p->group);
	json_kv_str(j, "event", p->event);
	json_kv_str(j, "kind", p->kind == 'r' ? "return" : "entry");
	json_kv_str(j, "file", p->path);
	json_kv_u64(j, "offset", p->offset);
	json_kv_str(j, "symbol", sym[0] ? sym : NULL);
	json_key(j, "args");
	json_arr(j);
	for (const char *a = p->args, *sp; *a; a = sp ? sp + 1 : a + strlen(a)) {
		sp = strchr(a, ' ');
		json_str(j, a, sp ? (size_t)(sp - a) : strlen(a));
	}
	json_end(j);
	json_kv_bool(j, "enabled", on > 0);
	json_key(j, "hits");
	if (have_hits)
		json_u64(j, hits);
	else
		json_null(j);
	json_end(j);
}

static int print_probe(const struct upc_probe *p, void *ctx)
{
	struct list_ctx *c = ctx;
	char sym[512];
	uint64_t hits = 0;
	int on = upc_event_get_enable(c->t, NULL, p->group, p->event);
	bool have_hits = !upc_probe_hits(c->t, p->path, p->event, &hits);

	symbolize(c, p, sym, sizeof(sym));
	if (cli_json) {
		print_json(c, p, sym, on, have_hits, hits);
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

static int list(int argc, char **argv)
{
	static const struct option longopts[] = {
		TRACEFS_LONG_OPT,
		{ "json", 0, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	struct tfs_args a = TFS_ARGS_INIT;
	struct list_ctx c = { .j = JSON_INIT(stdout) };
	struct upc_tracefs *t = NULL;
	int opt, r, err;
	while ((opt = cli_getopt(argc, argv, "qvg:", longopts)) != -1)
		if ((r = tfs_args_opt(&a, opt, optarg)) != 1)
			return r ? r : cli_bad_option(argv);
	if (optind != argc)
		return cli_usage("list takes no arguments");
	a.lock = CLI_LOCK_READ;
	err = cli_open_group(&a, 0, NULL, &t, NULL);
	if (err)
		return err;
	c.t = t;
	if (cli_json)
		json_arr(&c.j);
	err = upc_probe_foreach(t, a.group, print_probe, &c);
	if (cli_json) {
		json_end(&c.j);
		json_newline(&c.j);
	} else if (!c.n && !cli_quiet && !err) {
		printf("no events in group %s\n", a.group);
	}
	upc_elf_close(c.elf);
	upc_tracefs_close(t);
	return err;
}

const struct cmd cmd_list = { "list", list };
