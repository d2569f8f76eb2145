// SPDX-License-Identifier: MIT
/*
 * uprobectl: dispatch on the first word through a table of subcommands, one
 * file each. Only this side prints: the library's messages arrive through
 * the print callback below and become one line each on stderr (or a JSON
 * object on stdout with --json, so a pipeline always gets valid JSON).
 */
#include <elf.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

bool cli_json;
int cli_verbose;
bool cli_quiet;

static const char *cur_cmd;
static const char *context = "";

void cli_set_context(const char *ctx)
{
	context = ctx ? ctx : "";
}
static bool reported;

static const struct cmd cmds[] = {
	{ "syms", cmd_syms, "list the function symbols of a file", syms_usage },
	{ "resolve", cmd_resolve, "print the file offset and probe definition of a symbol",
	  resolve_usage },
	{ "add", cmd_add, "define a probe on a symbol", add_usage },
	{ "del", cmd_del, "delete events of the group", del_usage },
	{ "enable", cmd_enable, "enable events (and tracing_on)", enable_usage },
	{ "disable", cmd_disable, "disable events", disable_usage },
	{ "clear", cmd_clear, "disable and delete the whole group", clear_usage },
	{ "list", cmd_list, "list the group's probes", list_usage },
	{ "status", cmd_status, "can uprobes be used here? (alias: doctor)", status_usage },
	{ "doctor", cmd_status, NULL, status_usage },
	{ "stream", cmd_stream, "print the group's records from trace_pipe, live", stream_usage },
	{ "trace", cmd_trace, "probe, stream and clean up in one go (-- COMMAND)", trace_usage },
	{ "parse", cmd_parse, "records from saved trace text", parse_usage },
	{ "apply", cmd_apply, "make the group what a probe file says (boot-time use)",
	  apply_usage },
};

/* Messages quote what the user typed: control characters in it are shown
 * escaped, so every message stays on one line. */
static void escape_controls(char *buf, size_t len)
{
	char tmp[4096];
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)buf; *p && o + 5 < sizeof(tmp); p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(tmp + o, sizeof(tmp) - o, *p == '\n' ? "\\n" :
					      *p == '\t' ? "\\t" : "\\x%02x", *p);
		else
			tmp[o++] = (char)*p;
	}
	tmp[o] = '\0';
	snprintf(buf, len, "%s", tmp);
}

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	char buf[4096];

	int n = snprintf(buf, sizeof(buf), "%s", context);

	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	escape_controls(buf, sizeof(buf));
	if (cli_json && !strcmp(kind, "error")) {
		fputs("{", stdout);
		json_kv_str(stdout, "error", buf, false);
		fputs("}\n", stdout);
		fflush(stdout);
		return;
	}
	fprintf(stderr, "uprobectl%s%s: %s%s%s\n", cur_cmd ? " " : "",
		cur_cmd ? cur_cmd : "", kind, *kind ? ": " : "", buf);
}

static void lib_print(enum upc_print_level level, const char *fmt, va_list ap)
{
	switch (level) {
	case UPC_ERROR:
		reported = true;
		vmsg("error", fmt, ap);
		break;
	case UPC_WARN:
		vmsg("warning", fmt, ap);
		break;
	case UPC_INFO:
		if (!cli_quiet)
			vmsg("", fmt, ap);
		break;
	case UPC_DEBUG:
		if (cli_verbose)
			vmsg("debug", fmt, ap);
		break;
	}
}

void cli_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning", fmt, ap);
	va_end(ap);
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cli_err("%s (see 'uprobectl %s%s--help')", buf, cur_cmd ? cur_cmd : "",
		cur_cmd ? " " : "");
	return EXIT_USAGE;
}

void cli_reset_reported(void)
{
	reported = false;
}

int cli_fail(int err, const char *what)
{
	if (err >= 0)
		return EXIT_OK;
	if (!reported)
		cli_err("%s: %s", what, strerror(-err));
	return err == -EINVAL || err == -ENOTUNIQ || err == -ERANGE || err == -ENOTSUP
		       ? EXIT_USAGE : EXIT_FAIL;
}

bool parse_nargs(const char *s, unsigned *n)
{
	uint64_t v;

	if (*s < '0' || *s > '9' || upc_parse_number(s, &v) || v > UPC_MAX_ARGS)
		return false;
	*n = (unsigned)v;
	return true;
}

bool cli_common_opt(int opt)
{
	if (opt == 'q')
		cli_quiet = true;
	else if (opt == 'v')
		cli_verbose++;
	else
		return false;
	return true;
}

bool elf_args_opt(struct elf_args *a, int opt, const char *arg)
{
	switch (opt) {
	case OPT_SYSROOT:
		a->opts.sysroot = arg;
		return true;
	case OPT_DEBUG_DIR:
		a->opts.debug_dir = arg;
		return true;
	case OPT_NO_DEBUG:
		a->opts.no_debug_file = true;
		return true;
	}
	return false;
}

int cli_open_elf(const char *file, struct elf_args *a, struct upc_elf **elf)
{
	a->opts.sz = sizeof(a->opts);
	cli_reset_reported();
	return upc_elf_open(file, &a->opts, elf);
}

const char *sym_type_name(const struct upc_sym *s, const struct upc_arch *arch)
{
	if (s->type == STT_GNU_IFUNC)
		return "IFUNC";
	if (!strcmp(upc_arch_name(arch), "arm") && (s->value & 1))
		return "THUMB";
	return "FUNC";
}

const char *sym_bind_name(unsigned bind)
{
	return bind == STB_LOCAL ? "LOCAL" : bind == STB_WEAK ? "WEAK" : "GLOBAL";
}

static void main_help(FILE *f)
{
	fprintf(f,
		"Usage: uprobectl [-v] [-q] COMMAND [ARGS...]\n"
		"       uprobectl COMMAND --help | --help | --version\n"
		"\n"
		"Configure Linux user-space probes (uprobes) through tracefs, with no\n"
		"shell, no LLVM and no binutils: symbols are resolved from the ELF file\n"
		"itself, for any architecture.\n"
		"\nCommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i].summary)
			fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f,
		"\nOptions:\n"
		"  -v, --verbose  say what is looked up and why\n"
		"  -q, --quiet    print nothing but errors\n"
		"\nA command that changes a group (add, del, enable, disable, clear, apply,\n"
		"trace) holds the group's lock while it runs, and one that reads it whole\n"
		"(list, status, apply --check) shares it; --wait S (default 5) bounds how\n"
		"long it waits for another uprobectl, then it exits 1 naming that pid.\n"
		"\nEnvironment: UPROBECTL_TRACEFS (tracefs root, like --tracefs),\n"
		"UPROBECTL_LOCK_DIR (where group locks live; default /run/uprobectl).\n"
		"\nExit status: 0 success, 1 failure, 2 usage or validation error.\n");
}

int main(int argc, char **argv)
{
	int i = 1, status;

	upc_set_print(lib_print);
	sigbus_catch();
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			cli_verbose++;
		} else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			cli_quiet = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			main_help(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("uprobectl %s\n", UPC_VERSION);
			return EXIT_OK;
		} else {
			return cli_usage("unknown option '%s'", argv[i]);
		}
	}
	if (i >= argc) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		if (strcmp(argv[i], cmds[k].name))
			continue;
		cur_cmd = cmds[k].name;
		for (int j = i + 1; j < argc && strcmp(argv[j], "--"); j++) {
			if (!strcmp(argv[j], "-h") || !strcmp(argv[j], "--help")) {
				fputs(cmds[k].usage, stdout);
				return EXIT_OK;
			}
		}
		optind = 1;
		status = cmds[k].fn(argc - i, argv + i);
		if (sigbus_seen()) {
			cli_err("a file shrank while it was read (SIGBUS): what was printed "
				"from it may be wrong; run again");
			status = EXIT_FAIL;
		}
		return status;
	}
	return cli_usage("unknown command '%s'", argv[i]);
}
