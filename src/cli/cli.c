// SPDX-License-Identifier: MIT
/*
 * What every command shares: messages (only this side prints; the
 * library's arrive through cli_lib_print and become one line each on
 * stderr, or a JSON object on stdout with --json, so a pipeline always
 * gets valid JSON), the one mapping of errors to exit statuses, and the
 * options and numbers every command parses alike.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

bool cli_json;
int cli_verbose;
bool cli_quiet;
bool cli_mute_warnings;
bool cli_mute_all;
const char *cli_cmd;

static const char *context = "";

void cli_set_context(const char *ctx)
{
	context = ctx ? ctx : "";
}

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
	int n;

	if (cli_mute_all)
		return;
	n = snprintf(buf, sizeof(buf), "%s", context);

	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	escape_controls(buf, sizeof(buf));
	if (cli_json && !strcmp(kind, "error")) {
		struct json j = JSON_INIT(stdout);

		json_obj(&j);
		json_kv_str(&j, "error", buf);
		json_end(&j);
		json_newline(&j);
		fflush(stdout);
		return;
	}
	fprintf(stderr, "uprobectl%s%s: %s%s%s\n", cli_cmd ? " " : "", cli_cmd ? cli_cmd : "",
		kind, *kind ? ": " : "", buf);
}

void cli_lib_print(enum upc_print_level level, const char *fmt, va_list ap)
{
	switch (level) {
	case UPC_ERROR:
		vmsg("error", fmt, ap);
		break;
	case UPC_WARN:
		if (!cli_mute_warnings)
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

void cli_debug(const char *fmt, ...)
{
	va_list ap;

	if (!cli_verbose)
		return;
	va_start(ap, fmt);
	vmsg("debug", fmt, ap);
	va_end(ap);
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
	cli_err("%s (see 'uprobectl %s%s--help')", buf, cli_cmd ? cli_cmd : "",
		cli_cmd ? " " : "");
	return -EINVAL;
}

int cli_bad_option(char *const argv[])
{
	/* getopt says nothing itself (opterr is 0): one line, from here */
	return cli_usage("unknown option, or one without its value: '%s'", argv[optind - 1]);
}

int cli_explain(int err, const char *what)
{
	if (err < 0)
		cli_err("%s: %s", what, strerror(-err));
	return err;
}

int cli_status(int ret)
{
	if (ret >= 0)
		return ret;
	return ret == -EINVAL || ret == -ENOTUNIQ || ret == -ERANGE || ret == -ENOTSUP ||
	       ret == -EILSEQ || ret == -ENAMETOOLONG ? EXIT_USAGE : EXIT_FAIL;
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

/* How many words option word w takes (1, or 2 with its value apart), or 0
 * when it is an operand: "-", and a word starting "-DIGIT" (a fetch arg at
 * a negative offset, -8(%sp)), are operands. */
static int option_words(const char *w, const char *so, const struct option *lo)
{
	if (w[0] != '-' || !w[1] || (w[1] >= '0' && w[1] <= '9'))
		return 0;
	if (w[1] == '-') {
		size_t n = strcspn(w + 2, "=");
		const struct option *hit = NULL;
		int prefixes = 0;

		if (w[2 + n] == '=')
			return 1;
		for (const struct option *o = lo; o && o->name; o++) {
			if (strlen(o->name) == n && !strncmp(o->name, w + 2, n)) {
				hit = o;
				prefixes = 1;
				break;
			}
			if (!strncmp(o->name, w + 2, n)) {
				hit = o;
				prefixes++;
			}
		}
		return prefixes == 1 && hit->has_arg == required_argument ? 2 : 1;
	}
	for (const char *c = w + 1; *c; c++) {
		const char *d = *c != ':' && *c != '+' ? strchr(so, *c) : NULL;

		if (d && d[1] == ':' && d[2] != ':')
			return c[1] ? 1 : 2;	/* its value attached, or the next word */
	}
	return 1;
}

/* argv[1..argc) reordered: options (and their values) first, then the
 * operands, each in their order; done again, it changes nothing. */
static void permute(int argc, char **argv, const char *so, const struct option *lo)
{
	int opts = 1;

	for (int i = 1; i < argc && strcmp(argv[i], "--");) {
		int n = option_words(argv[i], so, lo);

		if (!n) {
			i++;
			continue;
		}
		n = i + n > argc ? argc - i : n;
		/* rotate the n words of this option to just after the options
		 * before it, the operands between keeping their order */
		for (int k = 0; k < n; k++) {
			char *w = argv[i + k];

			memmove(argv + opts + 1, argv + opts, (size_t)(i + k - opts) * sizeof(*argv));
			argv[opts++] = w;
		}
		i += n;
	}
}

int cli_getopt(int argc, char **argv, const char *so, const struct option *lo)
{
	permute(argc, argv, so, lo);
	return getopt_long(argc, argv, so, lo, NULL);
}

bool elf_opt(struct upc_elf_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case OPT_SYSROOT:
		o->sysroot = arg;
		return true;
	case OPT_DEBUG_DIR:
		o->debug_dir = arg;
		return true;
	case OPT_NO_DEBUG:
		o->no_debug_file = true;
		return true;
	}
	return false;
}

int cli_find_file(const char *file, const char *sysroot, char *buf, size_t len,
		  const char **out)
{
	const char *how;

	*out = file;
	if (strchr(file, '/'))
		return 0;
	if (upc_find_file(file, sysroot, buf, len, &how)) {
		bool lib = !strncmp(file, "lib", 3) || strstr(file, ".so");
		char here[PATH_MAX];

		/* a file of this directory: the kernel needs its absolute path */
		if (!sysroot && realpath(file, here))
			cli_err("%s: not a %s, and the path must be absolute (the kernel "
				"would resolve it against its writer's directory); use %s", file,
				lib ? "library the dynamic linker finds" : "program in PATH", here);
		else
			cli_err("%s: no such %s here%s%s (give its absolute path)", file,
				lib ? "library in the dynamic linker's cache or directories" :
				"program in PATH", sysroot ? " below " : "", sysroot ? sysroot : "");
		return -ENOENT;
	}
	cli_debug("%s is %s (found through %s)", file, buf, how);
	*out = buf;
	return 0;
}

int cli_open_elf(const char *file, struct upc_elf_opts *o, struct upc_elf **elf)
{
	o->sz = sizeof(*o);
	return upc_elf_open(file, o, elf);
}

int cli_open_named(const char *file, struct upc_elf_opts *o, struct upc_elf **elf)
{
	char found[PATH_MAX];
	const char *path;
	int err = cli_find_file(file, o->sysroot, found, sizeof(found), &path);

	return err ? err : cli_open_elf(path, o, elf);
}

int parse_nargs(const char *s, unsigned *n)
{
	uint64_t v;

	if (*s < '0' || *s > '9' || upc_parse_number(s, &v) || v > UPC_MAX_ARGS)
		return -EINVAL;
	*n = (unsigned)v;
	return 0;
}

/* SECONDS[.FRACTION], > 0 */
int parse_seconds(const char *s, double *v)
{
	double r = 0, scale = 1;
	bool dot = false, any = false;

	for (; *s; s++) {
		if (*s == '.' && !dot) {
			dot = true;
		} else if (*s >= '0' && *s <= '9') {
			any = true;
			if (dot)
				r += (*s - '0') * (scale /= 10);
			else
				r = r * 10 + (*s - '0');
		} else {
			return -EINVAL;
		}
	}
	*v = r;
	return any && r > 0 && r < 1e9 ? 0 : -EINVAL;
}

int parse_count(const char *s, unsigned long *v)
{
	uint64_t n;

	if (*s < '1' || *s > '9' || upc_parse_number(s, &n) || n > ULONG_MAX)
		return -EINVAL;
	*v = (unsigned long)n;
	return 0;
}

int parse_pid(const char *s, long *pid)
{
	unsigned long v;

	if (parse_count(s, &v) || v > 0x7fffffff)
		return -EINVAL;
	*pid = (long)v;
	return 0;
}

const char *cli_sym_name(const char *name, size_t len, char *buf, size_t size)
{
	char *d;

	if (!upc_demangle(name, len, 0, &d)) {
		snprintf(buf, size, "%s", d);
		free(d);
	} else {
		snprintf(buf, size, "%.*s", (int)len, name);
	}
	return buf;
}
