/* SPDX-License-Identifier: MIT */
/* A strict RFC 8259 checker for the fuzz harnesses: one JSON value per line,
 * every string valid UTF-8 with no raw control character. Independent of
 * the writers it checks (it shares no code with json.c). */
#ifndef JSON_CHECK_H
#define JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct jc {
	const unsigned char *p, *end;
	int depth;
};

static bool jc_value(struct jc *c);

static void jc_ws(struct jc *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static bool jc_lit(struct jc *c, const char *lit)
{
	for (; *lit; lit++, c->p++)
		if (c->p >= c->end || *c->p != (unsigned char)*lit)
			return false;
	return true;
}

static bool jc_digits(struct jc *c)
{
	const unsigned char *s = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	return c->p > s;
}

static bool jc_number(struct jc *c)
{
	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p < c->end && *c->p == '0')
		c->p++;
	else if (!jc_digits(c))
		return false;
	if (c->p < c->end && *c->p == '.' && (c->p++, !jc_digits(c)))
		return false;
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (!jc_digits(c))
			return false;
	}
	return true;
}

static bool jc_string(struct jc *c)
{
	if (c->p >= c->end || *c->p++ != '"')
		return false;
	while (c->p < c->end) {
		unsigned char b = *c->p++;
		int more = 0;
		unsigned min = 0, cp;

		if (b == '"')
			return true;
		if (b < 0x20)
			return false;
		if (b == '\\') {
			if (c->p >= c->end)
				return false;
			b = *c->p++;
			if (b == 'u') {
				for (int i = 0; i < 4; i++, c->p++) {
					if (c->p >= c->end)
						return false;
					b = *c->p;
					if (!((b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') ||
					      (b >= 'A' && b <= 'F')))
						return false;
				}
			} else if (!strchr("\"\\/bfnrt", b)) {
				return false;
			}
			continue;
		}
		if (b < 0x80)
			continue;
		if ((b & 0xe0) == 0xc0)
			more = 1, min = 0x80, cp = b & 0x1f;
		else if ((b & 0xf0) == 0xe0)
			more = 2, min = 0x800, cp = b & 0x0f;
		else if ((b & 0xf8) == 0xf0)
			more = 3, min = 0x10000, cp = b & 0x07;
		else
			return false;
		for (int i = 0; i < more; i++) {
			if (c->p >= c->end || (*c->p & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (*c->p++ & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return false;
}

static bool jc_value(struct jc *c)
{
	bool first = true;

	jc_ws(c);
	if (c->p >= c->end || ++c->depth > 64)
		return false;
	switch (*c->p) {
	case '{':
	case '[': {
		unsigned char close = *c->p == '{' ? '}' : ']';
		bool obj = close == '}';

		c->p++;
		for (;;) {
			jc_ws(c);
			if (c->p < c->end && *c->p == close && first) {
				c->p++;
				break;
			}
			if (obj) {
				if (!jc_string(c))
					return false;
				jc_ws(c);
				if (c->p >= c->end || *c->p++ != ':')
					return false;
			}
			if (!jc_value(c))
				return false;
			jc_ws(c);
			first = false;
			if (c->p < c->end && *c->p == ',') {
				c->p++;
				continue;
			}
			if (c->p < c->end && *c->p == close) {
				c->p++;
				break;
			}
			return false;
		}
		break;
	}
	case '"':
		if (!jc_string(c))
			return false;
		break;
	case 't':
		if (!jc_lit(c, "true"))
			return false;
		break;
	case 'f':
		if (!jc_lit(c, "false"))
			return false;
		break;
	case 'n':
		if (!jc_lit(c, "null"))
			return false;
		break;
	default:
		if (!jc_number(c))
			return false;
	}
	c->depth--;
	return true;
}

/* Is [s, s+n) exactly one JSON value (white space around it allowed)? */
static inline bool json_valid(const char *s, size_t n)
{
	struct jc c = { (const unsigned char *)s, (const unsigned char *)s + n, 0 };

	if (!jc_value(&c))
		return false;
	jc_ws(&c);
	return c.p == c.end;
}

#endif
