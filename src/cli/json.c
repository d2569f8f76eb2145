// SPDX-License-Identifier: MIT
/*
 * The JSON writer. Strings are escaped per RFC 8259 (quote, backslash and
 * every control character), and every byte that is not part of valid UTF-8
 * is written as \u00XX (its Latin-1 reading): the output is always valid
 * UTF-8 and JSON, whatever a symbol name, a path or a traced string holds.
 * Commas come from the nesting the writer keeps, never from the caller.
 */
#include <string.h>

#include "cli.h"
#include "json.h"

static void open_level(struct json *j, char open, char close)
{
	json_sep(j);
	json_put(j, &open, 1);
	if (j->depth < JSON_MAX_DEPTH) {
		j->first[j->depth] = true;
		j->close[j->depth++] = close;
	}
}

void json_obj(struct json *j) { open_level(j, '{', '}'); }
void json_arr(struct json *j) { open_level(j, '[', ']'); }

void json_end(struct json *j)
{
	if (j->depth) {
		j->depth--;
		json_put(j, &j->close[j->depth], 1);
	}
}

void json_newline(struct json *j)
{
	json_put(j, "\n", 1);
}

void json_keyn(struct json *j, const char *key, size_t n)
{
	json_str(j, key, n);
	json_put(j, ":", 1);
	j->after_key = true;
}

void json_str(struct json *j, const char *s, size_t n)
{
	/* 1: escape; 2: the start of a multibyte sequence, to check */
	static const unsigned char special[256] = {
		[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x7f] = 1, [0x80 ... 0xff] = 2,
	};
	static const char hex[] = "0123456789abcdef";
	size_t run = 0, i = 0;

	json_sep(j);
	json_put(j, "\"", 1);
	for (;;) {
		unsigned char c;
		size_t k;

		while (i < n && !special[(unsigned char)s[i]])
			i++;
		if (i == n)
			break;
		c = (unsigned char)s[i];
		if (special[c] == 2 && (k = upc_utf8_seq(s + i, n - i))) {
			i += k;
			continue;
		}
		json_put(j, s + run, i - run);
		run = ++i;
		if (c == '"' || c == '\\' || c == '\n' || c == '\t' || c == '\r') {
			char esc[2] = { '\\', c == '\n' ? 'n' : c == '\t' ? 't' :
					      c == '\r' ? 'r' : (char)c };

			json_put(j, esc, 2);
		} else {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			json_put(j, esc, 6);
		}
	}
	json_put(j, s + run, n - run);
	json_put(j, "\"", 1);
}

void json_cstr(struct json *j, const char *s)
{
	if (s)
		json_str(j, s, strlen(s));
	else
		json_null(j);
}

void json_u64(struct json *j, uint64_t v)
{
	char b[24];
	size_t n = sizeof(b);

	do
		b[--n] = (char)('0' + v % 10);
	while (v /= 10);
	json_raw(j, b + n, sizeof(b) - n);
}

void json_i64(struct json *j, long long v)
{
	char b[24];
	size_t n = sizeof(b);
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	do
		b[--n] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		b[--n] = '-';
	json_raw(j, b + n, sizeof(b) - n);
}

void json_bool(struct json *j, bool v)
{
	json_raw(j, v ? "true" : "false", v ? 4 : 5);
}

void json_null(struct json *j)
{
	json_raw(j, "null", 4);
}

void json_kv_str(struct json *j, const char *key, const char *val)
{
	json_key(j, key);
	json_cstr(j, val);
}

void json_kv_u64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}
