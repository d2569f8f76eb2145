// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the record parser and the JSON/text writers: any
 * bytes, split into lines, parsed from exact-size heap copies (ASan catches
 * reads past a line), every text of every record checked to lie inside its
 * line, and every record written out.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const struct upc_text *t, const char *line, size_t len)
{
	if (t->n && (t->p < line || t->p + t->n > line + len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct recout w[2];
	static struct upc_record r;
	size_t start = 0;

	if (!w[0].out.fd) {
		w[0].out.fd = w[1].out.fd = open("/dev/null", O_WRONLY);
		w[0].json = true;
		w[0].stacks = w[1].stacks = true;
	}
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		size_t len = i - start;
		char *line = malloc(len ? len : 1);

		memcpy(line, data + start, len);
		upc_record_parse(line, len, &r);
		inside(&r.raw, line, len);
		inside(&r.comm, line, len);
		inside(&r.flags, line, len);
		inside(&r.ts, line, len);
		inside(&r.event, line, len);
		inside(&r.frame, line, len);
		if (r.nargs > UPC_REC_MAX_ARGS)
			abort();
		for (unsigned k = 0; k < r.nargs; k++) {
			inside(&r.args[k].name, line, len);
			inside(&r.args[k].value, line, len);
		}
		recout_line(&w[0], line, len);
		recout_line(&w[1], line, len);
		recout_detach(&w[0]);
		recout_detach(&w[1]);
		free(line);
		start = i + 1;
	}
	recout_flush_pending(&w[0]);
	recout_flush_pending(&w[1]);
	ob_flush(&w[0].out);
	ob_flush(&w[1].out);
	return 0;
}
