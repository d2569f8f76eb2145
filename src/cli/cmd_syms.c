// SPDX-License-Identifier: MIT
/* uprobectl syms [--usdt] FILE [GLOB]: the function symbols and their file
 * offsets, or the file's USDT probes. */
#include <elf.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

struct syms_ctx {
	const char *glob;
	struct upc_elf *elf;
	struct json j;
	unsigned n;
	bool raw;		/* --no-demangle */
};

/* GLOB against the name in the file, or a source name pattern ("ns::*")
 * against the demangled one */
static bool glob_match(const struct syms_ctx *c, const struct upc_sym *s)
{
	return !c->glob || upc_sym_glob(c->glob, s->name, s->name_len);
}

static int count_sym(const struct upc_sym *s, void *ctx)
{
	struct syms_ctx *c = ctx;

	c->n += glob_match(c, s);
	return 0;
}

static const char *bind_name(unsigned bind)
{
	return bind == STB_LOCAL ? "LOCAL" : bind == STB_WEAK ? "WEAK" : "GLOBAL";
}

static void print_json(struct syms_ctx *c, const struct upc_sym *s)
{
	struct json *j = &c->j;

	char *d = NULL;

	json_obj(j);
	json_key(j, "name");
	json_str(j, s->name, s->name_len);
	/* a C++ or Rust name as c++filt prints it, else null */
	if (upc_demangle(s->name, s->name_len, 0, &d))
		d = NULL;
	json_kv_str(j, "demangled", d);
	free(d);
	json_kv_str(j, "version", s->version);
	json_kv_bool(j, "default_version", s->version && s->default_version);
	json_kv_u64(j, "address", s->addr);
	json_kv_u64(j, "size", s->size);
	json_key(j, "offset");
	if (s->offset == UPC_NO_OFFSET)
		json_null(j);
	else
		json_u64(j, s->offset);
	json_kv_str(j, "type", upc_sym_type_name(c->elf, s));
	json_kv_str(j, "bind", bind_name(s->bind));
	json_kv_str(j, "source", s->source);
	json_kv_str(j, "table", s->table == UPC_DYNSYM ? "dynsym" :
		    s->table == UPC_SYMTAB ? "symtab" : "debug");
	json_end(j);
}

static int print_sym(const struct upc_sym *s, void *ctx)
{
	struct syms_ctx *c = ctx;
	char off[24], *d = NULL;

	if (!glob_match(c, s))
		return 0;
	c->n++;
	if (cli_json) {
		print_json(c, s);
		return 0;
	}
	if (s->offset == UPC_NO_OFFSET)
		snprintf(off, sizeof(off), "-");
	else
		snprintf(off, sizeof(off), "0x%llx", (unsigned long long)s->offset);
	if (c->raw || upc_demangle(s->name, s->name_len, 0, &d))
		d = NULL;
	printf("%016llx %8llu %10s %-5s %-6s %.*s%s%s\n", (unsigned long long)s->addr,
	       (unsigned long long)s->size, off, upc_sym_type_name(c->elf, s),
	       bind_name(s->bind), d ? (int)strlen(d) : (int)s->name_len, d ? d : s->name,
	       s->version ? (s->default_version ? "@@" : "@") : "", s->version ? s->version : "");
	free(d);
	return 0;
}

/* ---- --usdt: the .note.stapsdt probes -------------------------------------- */

static bool usdt_match(const struct syms_ctx *c, const struct upc_usdt *u)
{
	char *pn;
	bool m;

	if (!c->glob)
		return true;
	pn = upc_usdt_name(u);
	m = pn && upc_glob(c->glob, pn, strlen(pn));
	free(pn);
	return m;
}

static int count_usdt(const struct upc_usdt *u, void *ctx)
{
	struct syms_ctx *c = ctx;

	c->n += usdt_match(c, u);
	return 0;
}

static void json_offset(struct json *j, const char *key, uint64_t off)
{
	json_key(j, key);
	if (off == UPC_NO_OFFSET)
		json_null(j);
	else
		json_u64(j, off);
}

static int print_usdt(const struct upc_usdt *u, void *ctx)
{
	struct syms_ctx *c = ctx;
	char off[24], sema[24];

	if (!usdt_match(c, u))
		return 0;
	c->n++;
	if (cli_json) {
		struct json *j = &c->j;

		json_obj(j);
		json_kv_str(j, "provider", u->provider);
		json_kv_str(j, "name", u->name);
		json_kv_u64(j, "address", u->pc);
		json_offset(j, "offset", u->offset);
		json_key(j, "semaphore");
		if (u->sema)
			json_u64(j, u->sema);
		else
			json_null(j);
		json_offset(j, "semaphore_offset", u->sema ? u->sema_offset : UPC_NO_OFFSET);
		json_kv_u64(j, "note_address", u->note_pc);
		json_kv_u64(j, "note_base", u->note_base);
		json_kv_str(j, "args", u->args);
		json_end(j);
		return 0;
	}
	snprintf(off, sizeof(off), u->offset == UPC_NO_OFFSET ? "-" : "0x%llx",
		 (unsigned long long)u->offset);
	snprintf(sema, sizeof(sema), !u->sema || u->sema_offset == UPC_NO_OFFSET ? "-" : "0x%llx",
		 (unsigned long long)u->sema_offset);
	printf("%016llx %10s %10s %s:%s %s\n", (unsigned long long)u->pc, off, sema,
	       u->provider, u->name, u->args);
	return 0;
}

static int syms(int argc, char **argv)
{
	static const struct option longopts[] = {
		ELF_LONG_OPTS,
		{ "json", 0, NULL, OPT_JSON },
		{ "usdt", 0, NULL, OPT_USDT },
		{ "no-demangle", 0, NULL, OPT_NO_DEMANGLE },
		{ NULL, 0, NULL, 0 },
	};
	struct upc_elf_opts eo = { .sz = sizeof(eo) };
	struct syms_ctx c = { .j = JSON_INIT(stdout) };
	bool usdt = false;
	int opt, err;
	while ((opt = cli_getopt(argc, argv, "qv", longopts)) != -1) {
		if (elf_opt(&eo, opt, optarg) || cli_common_opt(opt))
			continue;
		if (opt == OPT_JSON)
			cli_json = true;
		else if (opt == OPT_USDT)
			usdt = true;
		else if (opt == OPT_NO_DEMANGLE)
			c.raw = true;
		else
			return cli_bad_option(argv);
	}
	if (argc - optind < 1 || argc - optind > 2)
		return cli_usage("expected FILE [GLOB]");
	c.glob = argc - optind == 2 ? argv[optind + 1] : NULL;
	err = cli_open_named(argv[optind], &eo, &c.elf);
	if (err)
		return err;
	/* JSON readers get one document: the array, or the error alone. So a
	 * first walk finds any error (a corrupt name) before '[' is printed. */
	if (cli_json && (err = usdt ? upc_usdt_foreach(c.elf, count_usdt, &c) :
			 upc_elf_foreach_sym(c.elf, count_sym, &c)) < 0) {
		upc_elf_close(c.elf);
		return err;
	}
	c.n = 0;
	if (cli_json)
		json_arr(&c.j);
	else if (!cli_quiet && usdt)
		printf("%-16s %10s %10s %s %s\n", "ADDRESS", "OFFSET", "SEMAPHORE",
		       "PROVIDER:NAME", "ARGS");
	else if (!cli_quiet)
		printf("%-16s %8s %10s %-5s %-6s %s\n", "ADDRESS", "SIZE", "OFFSET",
		       "TYPE", "BIND", "NAME");
	err = usdt ? upc_usdt_foreach(c.elf, print_usdt, &c) :
		     upc_elf_foreach_sym(c.elf, print_sym, &c);
	if (cli_json) {
		json_end(&c.j);
		json_newline(&c.j);
	}
	upc_elf_close(c.elf);
	if (err < 0)
		return err;
	if (!c.n && c.glob) {
		/* like grep: nothing matched is status 1; JSON readers get [] */
		if (!cli_json)
			cli_err("%s: no %s matches '%s'", argv[optind],
				usdt ? "USDT probe (PROVIDER:NAME)" : "function", c.glob);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

const struct cmd cmd_syms = { "syms", syms };
