// SPDX-License-Identifier: MIT
/*
 * The help texts. Each is a file, src/cli/help/NAME.txt, printed as it is;
 * the Makefile gzips them all into one blob (help_gz.c, built next to the
 * objects), inflated here when --help is asked for. They are the longest
 * strings of the command, and compressed they cost a third of their size.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The blob: for each text, its NAME, a newline, the text and a NUL. */
extern const unsigned char cli_help_gz[];
extern const size_t cli_help_gz_len;

#define HELP_MAX (64 * 1024)

int cli_help(FILE *f, const char *name)
{
	size_t n = strlen(name), len;
	char *text, *p;
	int err;

	err = upc_gunzip(cli_help_gz, cli_help_gz_len, &text, &len, HELP_MAX);
	if (err)
		return cli_explain(err, "the help texts");
	for (p = text; p < text + len; p += strlen(p) + 1) {
		if (!strncmp(p, name, n) && p[n] == '\n') {
			fputs(p + n + 1, f);
			break;
		}
	}
	err = p < text + len ? 0 : cli_explain(-ENOENT, "help text");
	free(text);
	return err;
}
