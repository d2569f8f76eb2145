// SPDX-License-Identifier: MIT
/*
 * trace_pipe lines into records, without allocating: a record points into
 * the line it came from, and every read is bounded by the line's length
 * (lines are not NUL-terminated here).
 *
 * What the kernel prints (trace_output.c, trace_probe.c):
 *     COMM-PID  [(  TGID)] [CPU] [FLAGS] TIMESTAMP: EVENT: (0xIP) NAME=VALUE ...
 *     COMM-PID ... EVENT: (0xRETURN_TO <- 0xFUNC) NAME=VALUE ...
 *     COMM-PID ... <user stack trace>       followed by " => FRAME" lines
 *     CPU:N [LOST M EVENTS]
 * COMM is right-aligned in 16 columns and may hold spaces and dashes, so it
 * is found from the right: the PID is the digits after its last dash. FLAGS
 * (4 or 5 characters) is absent with noirq-info; TIMESTAMP is SEC.USEC or a
 * bare count with counter clocks. String values are printed between quotes
 * with nothing escaped: a string ends at the quote that is followed by the
 * end of the line or by " NAME=".
 */
#include <limits.h>
#include <stddef.h>

#include "upc_internal.h"

struct cur {
	const char *p, *end;
};

static bool is_digit(char c) { return c >= '0' && c <= '9'; }


static void text(struct upc_text *t, const char *p, const char *e)
{
	t->p = p;
	t->n = (size_t)(e - p);
}

static bool digits(const char *p, const char *e, long *v)
{
	long r = 0;

	if (p >= e)
		return false;
	for (; p < e; p++) {
		if (!is_digit(*p) || r > (LONG_MAX - 9) / 10)
			return false;
		r = r * 10 + (*p - '0');
	}
	*v = r;
	return true;
}

static bool hex(const char *p, const char *e, uint64_t *v)
{
	return e - p > 2 && !upc_parse_hex(p, (size_t)(e - p), v);
}

/* Does p start " NAME=" (the next argument) or end the line? */
static bool boundary(const char *p, const char *end)
{
	if (p == end)
		return true;
	if (*p != ' ' || ++p == end || !upc_ident_char(*p, true))
		return false;
	while (p < end && upc_ident_char(*p, false))
		p++;
	return p < end && *p == '=';
}

static enum upc_val_type value_type(const char *p, const char *e)
{
	const char *q = p;

	if (e - p >= 3 && p[0] == '0' && p[1] == 'x')
		return UPC_VAL_HEX;
	if (e - p == 7 && !memcmp(p, "(fault)", 7))
		return UPC_VAL_FAULT;
	if (q < e && *q == '-')
		q++;
	if (q == e)
		return UPC_VAL_OTHER;
	for (const char *c = q; c < e; c++)
		if (!is_digit(*c))
			return UPC_VAL_OTHER;
	return q == p ? UPC_VAL_UNSIGNED : UPC_VAL_SIGNED;
}

/* NAME=VALUE pairs until the end of the line. */
static void args(struct cur *c, struct upc_record *r)
{
	while (c->p < c->end && r->nargs < UPC_REC_MAX_ARGS) {
		struct upc_rec_arg *a = &r->args[r->nargs];
		const char *n, *v, *e;

		if (*c->p != ' ')
			break;
		n = ++c->p;
		while (c->p < c->end && upc_ident_char(*c->p, c->p == n))
			c->p++;
		if (c->p == n || c->p >= c->end || *c->p != '=')
			break;
		text(&a->name, n, c->p);
		v = ++c->p;
		e = NULL;
		if (v < c->end && *v == '"') {
			a->type = UPC_VAL_STRING;
			for (const char *q = v + 1; q < c->end; q++)
				if (*q == '"' && boundary(q + 1, c->end)) {
					e = q + 1;
					break;
				}
			if (!e)
				e = c->end;	/* cut short: keep what there is */
		} else if (v < c->end && *v == '{') {
			a->type = UPC_VAL_ARRAY;
			for (const char *q = v + 1; q < c->end; q++)
				if (*q == '}' && boundary(q + 1, c->end)) {
					e = q + 1;
					break;
				}
		} else if (c->end - v >= 3 && v[0] == '\'' && v[2] == '\'' &&
			   boundary(v + 3, c->end)) {
			a->type = UPC_VAL_CHAR;
			e = v + 3;
		}
		if (!e) {
			e = memchr(v, ' ', (size_t)(c->end - v));
			if (!e)
				e = c->end;
			a->type = value_type(v, e);
		}
		text(&a->value, v, e);
		c->p = e;
		r->nargs++;
	}
}

/* "CPU:N [LOST M EVENTS]" or "CPU:N [LOST EVENTS]" */
static bool lost(const char *p, const char *end, struct upc_record *r)
{
	const char *q = p + 4, *n = q;
	long v;

	while (q < end && is_digit(*q))
		q++;
	if (!digits(n, q, &r->cpu) || end - q < 7 || memcmp(q, " [LOST ", 7))
		return false;
	q += 7;
	if (end - q == 7 && !memcmp(q, "EVENTS]", 7))
		return r->lost_known = false, true;
	n = q;
	while (q < end && is_digit(*q))
		q++;
	if (!digits(n, q, &v) || end - q != 8 || memcmp(q, " EVENTS]", 8))
		return false;
	r->lost = (uint64_t)v;
	r->lost_known = true;
	return true;
}

/* COMM-PID [(TGID)] in [p, e), trailing blanks included */
static bool context(const char *p, const char *e, struct upc_record *r)
{
	const char *d;

	while (e > p && e[-1] == ' ')
		e--;
	if (e > p && e[-1] == ')') {
		const char *o = e - 1;

		while (o > p && *o != '(')
			o--;
		if (*o != '(')
			return false;
		d = o + 1;
		while (d < e - 1 && *d == ' ')
			d++;
		/* "(-------)": a tgid the kernel did not keep (saved_tgids) */
		if (*d == '-') {
			while (d < e - 1 && *d == '-')
				d++;
			if (d != e - 1)
				return false;
		} else if (!digits(d, e - 1, &r->tgid)) {
			return false;
		}
		e = o;
		while (e > p && e[-1] == ' ')
			e--;
	}
	d = e;
	while (d > p && is_digit(d[-1]))
		d--;
	if (d == e || d == p || d[-1] != '-' || !digits(d, e, &r->pid))
		return false;
	while (p < d - 1 && *p == ' ')
		p++;
	if (p == d - 1)
		return false;	/* the kernel prints "<...>" for an unknown comm */
	text(&r->comm, p, d - 1);
	return true;
}

enum upc_rec_kind upc_record_parse(const char *line, size_t len, struct upc_record *r)
{
	const char *end = line + len, *p, *b = NULL, *t, *colon;
	struct cur c;

	memset(r, 0, offsetof(struct upc_record, args));
	r->pid = r->tgid = r->cpu = -1;
	text(&r->raw, line, end);
	r->kind = UPC_REC_OTHER;
	if (len && line[len - 1] == '\n')
		text(&r->raw, line, --end);
	if (end - line >= 4 && !memcmp(line, "CPU:", 4)) {
		if (lost(line, end, r))
			r->kind = UPC_REC_LOST;
		return r->kind;
	}
	if (end - line >= 3 && !memcmp(line, " =>", 3)) {
		p = line + 3;
		while (p < end && *p == ' ')
			p++;
		text(&r->frame, p, end);
		return r->kind = UPC_REC_FRAME;
	}
	/* the CPU column: the first " [DIGITS] " */
	for (p = line; p + 3 < end; p++) {
		const char *q = p + 2;

		if (p[0] != ' ' || p[1] != '[' || !is_digit(*q))
			continue;
		while (q < end && is_digit(*q))
			q++;
		if (q + 1 < end && q[0] == ']' && q[1] == ' ' && digits(p + 2, q, &r->cpu)) {
			b = p;
			p = q + 2;
			break;
		}
	}
	if (!b || !context(line, b, r))
		return r->kind;
	/* [FLAGS] TIMESTAMP: */
	while (p < end && *p == ' ')
		p++;
	t = p;
	while (p < end && *p != ' ' && *p != ':')
		p++;
	if (p < end && *p == ' ') {
		text(&r->flags, t, p);
		while (p < end && *p == ' ')
			p++;
		t = p;
		while (p < end && *p != ':' && *p != ' ')
			p++;
	}
	if (p >= end || *p != ':' || p == t)
		return r->kind;
	for (const char *q = t; q < p; q++)
		if (!is_digit(*q) && !(*q == '.' && q > t))
			return r->kind;
	text(&r->ts, t, p);
	p++;
	if (p >= end || *p != ' ')
		return r->kind;
	p++;
	if (end - p >= 18 && !memcmp(p, "<user stack trace>", 18))
		return r->kind = UPC_REC_STACK;
	/* EVENT: (0xIP) or EVENT: (0xTO <- 0xFUNC) */
	colon = p;
	while (colon < end && upc_ident_char(*colon, colon == p))
		colon++;
	if (colon == p || end - colon < 3 || colon[0] != ':' || colon[1] != ' ')
		return r->kind;
	text(&r->event, p, colon);
	p = colon + 2;
	if (*p == '(') {
		const char *close = memchr(p, ')', (size_t)(end - p));
		const char *arrow;

		if (!close)
			return r->kind;
		arrow = memchr(p, '<', (size_t)(close - p));
		if (arrow && arrow > p + 1 && arrow[-1] == ' ' && close - arrow > 3 &&
		    arrow[1] == '-' && arrow[2] == ' ' && hex(p + 1, arrow - 1, &r->ret_to) &&
		    hex(arrow + 3, close, &r->ip)) {
			r->kind = UPC_REC_RETURN;
		} else if (hex(p + 1, close, &r->ip)) {
			r->kind = UPC_REC_ENTRY;
		} else {
			return r->kind;
		}
		p = close + 1;
	} else {
		/* an event of another kind (a tracepoint): context known, kept raw */
		return r->kind;
	}
	c.p = p;
	c.end = end;
	args(&c, r);
	if (c.p < c.end)
		text(&r->rest, c.p + (*c.p == ' '), c.end);
	return r->kind;
}

int upc_record_ts_ns(const struct upc_record *r, uint64_t *ns)
{
	const char *dot = memchr(r->ts.p, '.', r->ts.n);
	uint64_t s, frac = 0;
	size_t fl;

	if (!dot || upc_parse_u64(r->ts.p, (size_t)(dot - r->ts.p), &s))
		return -EINVAL;
	fl = r->ts.n - (size_t)(dot - r->ts.p) - 1;
	if (!fl || fl > 9)
		return -EINVAL;
	for (size_t i = 0; i < fl; i++) {
		char c = dot[1 + i];

		if (c < '0' || c > '9')
			return -EINVAL;
		frac = frac * 10 + (uint64_t)(c - '0');
	}
	for (size_t i = fl; i < 9; i++)
		frac *= 10;
	*ns = s * 1000000000ull + frac;
	return 0;
}

const struct upc_rec_arg *upc_record_arg(const struct upc_record *r, const char *name)
{
	size_t n = strlen(name);

	for (unsigned i = 0; i < r->nargs; i++)
		if (r->args[i].name.n == n && !memcmp(r->args[i].name.p, name, n))
			return &r->args[i];
	return NULL;
}

int upc_rec_arg_u64(const struct upc_rec_arg *v, uint64_t *x, bool *neg)
{
	const char *p = v->value.p;
	size_t n = v->value.n;

	*neg = n > 1 && p[0] == '-';
	if (*neg) {
		p++;
		n--;
	}
	if (v->type != UPC_VAL_HEX && v->type != UPC_VAL_SIGNED && v->type != UPC_VAL_UNSIGNED)
		return -EINVAL;
	return upc_parse_u64(p, n, x) ? -EINVAL : 0;
}
