// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the record parser and the JSON/text writers: any
 * bytes, split into lines, parsed from exact-size heap copies (ASan catches
 * reads past a line), every text of every record checked to lie inside its
 * line, and every record written out: as text, and as JSON whose every
 * line must be one valid JSON value in valid UTF-8 (json_check.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

#include "recout.h"
#include "json_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const struct upc_text *t, const char *line, size_t len)
{
	if (t->n && (t->p < line || t->p + t->n > line + len))
		abort();
}

/* Every line the JSON writer wrote since the last call is valid JSON. */
static void check_json_lines(int fd)
{
	off_t n = lseek(fd, 0, SEEK_CUR);
	char *buf = n > 0 ? malloc((size_t)n) : NULL;
	size_t start = 0;

	if (n <= 0)
		return;
	if (!buf || pread(fd, buf, (size_t)n, 0) != n)
		abort();
	for (size_t i = 0; i < (size_t)n; i++) {
		if (buf[i] != '\n')
			continue;
		if (!json_valid(buf + start, i - start)) {
			fprintf(stderr, "invalid JSON line: %.*s\n", (int)(i - start), buf + start);
			abort();
		}
		start = i + 1;
	}
	if (start != (size_t)n)
		abort();	/* a record without its newline */
	free(buf);
	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct recout w[2];
	static struct upc_record r;
	size_t start = 0;

	if (!w[0].out.fd) {
		w[0].out.fd = memfd_create("fuzz-json", 0);
		w[1].out.fd = open("/dev/null", O_WRONLY);
		if (w[0].out.fd < 0 || w[1].out.fd < 0)
			abort();
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
	check_json_lines(w[0].out.fd);
	return 0;
}
