/* SPDX-License-Identifier: MIT */
/* The one JSON writer: every command's JSON goes through it, so commas,
 * nesting and escaping are placed in one place. It writes to a stdio
 * stream or to a record output buffer (recout.h). */
#ifndef UPC_JSON_H
#define UPC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct obuf;

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

void json_obj(struct json *j);		/* { */
void json_arr(struct json *j);		/* [ */
void json_end(struct json *j);		/* } or ] of the innermost */
void json_newline(struct json *j);	/* between top-level values */
void json_key(struct json *j, const char *key);
void json_keyn(struct json *j, const char *key, size_t n);	/* escaped */
void json_str(struct json *j, const char *s, size_t n);	/* escaped */
void json_cstr(struct json *j, const char *s);		/* NULL: null */
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* A value already in JSON syntax (a number checked by the caller). */
void json_raw(struct json *j, const char *s, size_t n);
/* Object members. */
void json_kv_str(struct json *j, const char *key, const char *val);	/* NULL: null */
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);

#endif
