// SPDX-License-Identifier: MIT
/* Strings are escaped per RFC 8259 (quote, backslash and every control
 * character), and every byte that is not part of valid UTF-8 is written as
 * \u00XX (its Latin-1 reading): the output is always valid UTF-8 and JSON,
 * whatever a symbol name, a path or a traced string holds. */
#include <string.h>

#include "cli.h"

void json_escape(const char *s, size_t n, void (*put)(void *ctx, const char *p, size_t n),
		 void *ctx)
{
	/* 1: escape; 2: the start of a multibyte sequence, to check */
	static const unsigned char special[256] = {
		[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x7f] = 1, [0x80 ... 0xff] = 2,
	};
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	put(ctx, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
		size_t k;

		if (!special[c])
			continue;
		if (special[c] == 2 && (k = upc_utf8_seq(s + i, n - i))) {
			i += k - 1;
			continue;
		}
		put(ctx, s + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\' || c == '\n' || c == '\t' || c == '\r') {
			esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : (char)c;
			put(ctx, esc, 2);
		} else {
			put(ctx, esc, 6);
		}
	}
	put(ctx, s + run, n - run);
	put(ctx, "\"", 1);
}

static void put_file(void *f, const char *p, size_t n)
{
	fwrite(p, 1, n, f);
}

void json_str(FILE *f, const char *s, size_t len)
{
	json_escape(s, len, put_file, f);
}

void json_kv_str(FILE *f, const char *key, const char *val, bool comma)
{
	fprintf(f, "%s\"%s\":", comma ? "," : "", key);
	if (val)
		json_str(f, val, strlen(val));
	else
		fputs("null", f);
}

void json_kv_u64(FILE *f, const char *key, uint64_t v, bool comma)
{
	fprintf(f, "%s\"%s\":%llu", comma ? "," : "", key, (unsigned long long)v);
}
