// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for trace event formats and perf's raw records
 * (src/lib/tpformat.c): the input is a format file (its length in the
 * first two bytes) and a raw record (the rest), both in exact-size heap
 * copies (ASan catches a read past either); a format that parses prints
 * any record, in both byte orders, into a buffer that ends where it says,
 * or refuses it; a buffer too small is never written past.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uprobectl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct upc_tp_format f;
	size_t n;
	char *text, *raw, out[512];

	if (size < 2)
		return 0;
	n = (size_t)data[0] << 8 | data[1];
	if (n > size - 2)
		n = size - 2;
	text = malloc(n ? n : 1);
	raw = malloc(size - 2 - n ? size - 2 - n : 1);
	if (!text || !raw)
		abort();
	memcpy(text, data + 2, n);
	memcpy(raw, data + 2 + n, size - 2 - n);
	if (!upc_tp_format_parse(text, n, &f)) {
		for (int be = 0; be < 2; be++) {
			int r;

			f.big_endian = be;
			r = upc_tp_format_print(&f, raw, size - 2 - n, out, sizeof(out));
			/* its length, ended there (a char may print a NUL, as
			 * the kernel's '%c' does) */
			if (r >= (int)sizeof(out) || (r >= 0 && out[r]))
				abort();
			r = upc_tp_format_print(&f, raw, size - 2 - n, out, 16);
			if (r >= 16)
				abort();
		}
	}
	free(text);
	free(raw);
	return 0;
}
