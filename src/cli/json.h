/* SPDX-License-Identifier: MIT */
/* The one JSON writer: every command's JSON goes through it, so commas,
 * nesting and escaping are placed in one place. It writes to a stdio
 * stream or to a record output buffer (recout.h). */
#ifndef UPC_JSON_H
#define UPC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "obuf.h"

#define JSON_MAX_DEPTH 8

struct json {
	FILE *f;		/* one of these two */
	struct obuf *o;
	unsigned depth;
	bool first[JSON_MAX_DEPTH];	/* nothing written yet at this level */
	char close[JSON_MAX_DEPTH];	/* '}' or ']' */
	bool after_key;
};
#define JSON_INIT(file) { .f = (file) }
#define JSON_INIT_OBUF(ob) { .o = (ob) }

/* The hot path of records, inline: raw bytes, separators, literal keys. */
static inline void json_put(struct json *j, const char *p, size_t n)
{
	if (j->o)
		ob_put(j->o, p, n);
	else
		fwrite(p, 1, n, j->f);
}

/* Before a value or a key: the comma that separates it from the last. */
static inline void json_sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth && !j->first[j->depth - 1])
		json_put(j, ",", 1);
	if (j->depth)
		j->first[j->depth - 1] = false;
}

/* A value already in JSON syntax (a number checked by the caller). */
static inline void json_raw(struct json *j, const char *s, size_t n)
{
	json_sep(j);
	json_put(j, s, n);
}

/* An object key that is a literal of ours: nothing in it to escape. */
static inline void json_key(struct json *j, const char *key)
{
	size_t n = strlen(key);	/* a constant, inlined */

	json_sep(j);
	json_put(j, "\"", 1);
	json_put(j, key, n);
	json_put(j, "\":", 2);
	j->after_key = true;
}

/* A string value that is a literal of ours (or hex digits): nothing in it
 * to escape. */
static inline void json_safe(struct json *j, const char *s, size_t n)
{
	json_sep(j);
	json_put(j, "\"", 1);
	json_put(j, s, n);
	json_put(j, "\"", 1);
}

void json_obj(struct json *j);		/* { */
void json_arr(struct json *j);		/* [ */
void json_end(struct json *j);		/* } or ] of the innermost */
void json_newline(struct json *j);	/* between top-level values */
void json_keyn(struct json *j, const char *key, size_t n);	/* any text: escaped */
void json_str(struct json *j, const char *s, size_t n);	/* escaped */
void json_cstr(struct json *j, const char *s);		/* NULL: null */
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Object members. */
void json_kv_str(struct json *j, const char *key, const char *val);	/* NULL: null */
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);

#endif
