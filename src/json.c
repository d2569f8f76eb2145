// SPDX-License-Identifier: MIT
/* Strings are escaped per RFC 8259: quote, backslash and every control
 * character; other bytes go through as they are. */
#include <string.h>

#include "cli.h"

void json_str(FILE *f, const char *s, size_t len)
{
	putc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(f, "\\u%04x", c);
			else
				putc(c, f);
		}
	}
	putc('"', f);
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
