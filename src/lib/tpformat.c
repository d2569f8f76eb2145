// SPDX-License-Identifier: MIT
/*
 * Trace event formats (events/GROUP/EVENT/format) and the raw records that
 * perf gives for them (PERF_SAMPLE_RAW): a record decoded field by field
 * through its format, into the text trace_pipe prints for it, so that a
 * record read through perf events is the record read through tracefs.
 *
 * A format file lists the fields of the record, common ones first, then
 * the print fmt the kernel prints them with:
 *     field:unsigned long __probe_ip;	offset:8;	size:8;	signed:0;
 *     field:u64 a;	offset:16;	size:8;	signed:0;
 *     field:u16 arr[];	offset:24;	size:6;	signed:0;
 *     field:__data_loc char[] s;	offset:30;	size:4;	signed:1;
 *     print fmt: "(%lx) a=0x%Lx arr={0x%x,0x%x,0x%x} s=\"%s\"", ...
 * A uprobe's fields are the storage of its arguments (an x64 is a u64, a
 * char a u8): the print fmt says how each prints (0x%x, %u, %d, '%c',
 * quoted strings, {a,b} arrays), the format its offset, size and sign.
 * A uprobe's record then prints as print_uprobe_event() prints it, after
 * "(0xIP)" or "(0xRETURN_TO <- 0xFUNC)", with "(fault)" for a string that
 * could not be read; another event (a tracepoint) as NAME=VALUE, its
 * strings bare, a bool true or false. The record is in the
 * kernel's byte order, its words the kernel's size: both come from the
 * format and the caller, never from our own build.
 */
#include <stdio.h>
#include <stdlib.h>

#include "upc_internal.h"
#include "upc_printf.h"

/* Does [p, e) start with lit? */
static bool starts(const char *p, const char *e, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(e - p) >= n && !memcmp(p, lit, n);
}

/* The number after key in [p, e) ("offset:8;"), or -1. */
static long number_after(const char *p, const char *e, const char *key)
{
	size_t n = strlen(key);
	uint64_t v;
	const char *q;

	for (; p + n <= e; p++) {
		if (memcmp(p, key, n))
			continue;
		for (q = p + n; q < e && *q >= '0' && *q <= '9'; q++)
			;
		if (q == p + n || upc_parse_u64(p + n, (size_t)(q - p - n), &v) || v > 65535)
			return -1;
		return (long)v;
	}
	return -1;
}

/* The size of one element of type [t, te) for an array "NAME[]" whose
 * count the format leaves out: u8..s64, char; 0 when unknown. */
static unsigned type_size(const char *t, const char *te)
{
	size_t n = (size_t)(te - t);

	if (n == 4 && !memcmp(t, "char", 4))
		return 1;
	if (n >= 2 && (t[0] == 'u' || t[0] == 's' || t[0] == 'x')) {
		unsigned bits = (unsigned)strtoul(t + 1, NULL, 10);

		return bits == 8 || bits == 16 || bits == 32 || bits == 64 ? bits / 8 : 0;
	}
	return 0;
}

/* How NAME prints, from the print fmt: SPEC of its "NAME=SPEC" ("0x%Lx",
 * "%u", "'%c'", "\"%s\"", "{0x%x,0x%x}"), empty when not there. The
 * fields of a uprobe's format are the arguments' storage types (an x64 is
 * a u64 there, a char a u8): only the print fmt says how they print. */
static void spec_of(const char *fmt, size_t len, const char *name, char *spec, size_t slen)
{
	size_t n = strlen(name), k = 0;

	spec[0] = '\0';
	for (size_t i = 0; i + n < len; i++) {
		if ((i && fmt[i - 1] != ' ') || memcmp(fmt + i, name, n) || fmt[i + n] != '=')
			continue;
		for (i += n + 1; i < len && fmt[i] != ' ' && k + 1 < slen; i++)
			if (fmt[i] != '\\')
				spec[k++] = fmt[i];
		spec[k] = '\0';
		return;
	}
}

/* The kind of field fl of declared type [t, te), printed as spec. */
static enum upc_field_kind kind_of(const char *t, const char *te, const char *spec)
{
	if (starts(t, te, "__data_loc "))
		return UPC_FIELD_STRING;
	if (te - t == 4 && !memcmp(t, "bool", 4))
		return UPC_FIELD_BOOL;
	if (spec[0] == '{')
		spec++;
	if (!strncmp(spec, "0x", 2))
		return UPC_FIELD_HEX;
	if (!strncmp(spec, "'%c'", 4))
		return UPC_FIELD_CHAR;
	if (te - t == 4 && !memcmp(t, "char", 4))
		return UPC_FIELD_CHARS;		/* char[N]: a string in place */
	return UPC_FIELD_INT;
}

/* The element count of "[N]" at [br, e) (br at '['): N, or 0 when it is
 * no count. */
static unsigned bracket_count(const char *br, const char *e)
{
	uint64_t n;

	if (e - br < 3 || *br != '[' || e[-1] != ']' ||
	    upc_parse_u64(br + 1, (size_t)(e - br - 2), &n) || n > 65535)
		return 0;
	return (unsigned)n;
}

/* One "field:DECL;\toffset:N;\tsize:N;\tsigned:N;" line; fmt: the print
 * fmt's string. */
static int field(const char *p, const char *e, const char *fmt, size_t fmtlen,
		 struct upc_tp_format *f)
{
	const char *decl = p + 6, *semi = memchr(decl, ';', (size_t)(e - decl));
	const char *name, *ne, *t, *te, *br = NULL;
	long off = number_after(p, e, "offset:"), size = number_after(p, e, "size:");
	long sgn = number_after(p, e, "signed:");
	struct upc_field *fl;
	char spec[64];
	unsigned count = 0;

	if (!semi || off < 0 || size <= 0)
		return -EINVAL;
	/* DECL is "TYPE NAME", "TYPE NAME[N]", "TYPE NAME[]" (N: size over
	 * the type's) or "TYPE[N] NAME" */
	ne = semi;
	if (ne > decl && ne[-1] == ']') {
		br = ne - 1;
		while (br > decl && *br != '[')
			br--;
		if (*br != '[' || (ne - br > 2 && !(count = bracket_count(br, ne))))
			return -EINVAL;
		ne = br;
	}
	name = ne;
	while (name > decl && name[-1] != ' ')
		name--;
	t = decl;
	te = name;
	while (te > t && te[-1] == ' ')
		te--;
	if (name == ne || te == t || (size_t)(ne - name) > UPC_FIELD_NAME_MAX)
		return -EINVAL;
	if (te[-1] == ']' && !starts(t, te, "__data_loc ")) {
		const char *b = te - 1;

		while (b > t && *b != '[')
			b--;
		if (!(count = bracket_count(b, te)))
			return -EINVAL;
		te = b;
	}
	if (br && !count) {
		unsigned es = type_size(t, te);

		if (!es || (unsigned long)size % es)
			return -EINVAL;
		count = (unsigned)size / es;
	}
	if (f->nfields == UPC_TP_MAX_FIELDS)
		return -E2BIG;
	fl = &f->fields[f->nfields];
	memset(fl, 0, sizeof(*fl));
	memcpy(fl->name, name, (size_t)(ne - name));
	fl->offset = (uint16_t)off;
	fl->count = (uint16_t)count;
	fl->size = (uint16_t)(count ? (unsigned long)size / count : (unsigned long)size);
	fl->is_signed = sgn > 0;
	if (!strncmp(fl->name, "common_", 7))
		return 0;	/* the context, given by perf too */
	spec_of(fmt, fmtlen, fl->name, spec, sizeof(spec));
	fl->quoted = spec[0] == '"';
	if (!strcmp(fl->name, "__probe_ip")) {
		f->uprobe = true;
		fl->kind = UPC_FIELD_PROBE_IP;
	} else if (!strcmp(fl->name, "__probe_func")) {
		f->uprobe = f->ret = true;
		fl->kind = UPC_FIELD_PROBE_FUNC;
	} else if (!strcmp(fl->name, "__probe_ret_ip")) {
		fl->kind = UPC_FIELD_PROBE_RET_IP;
	} else {
		fl->kind = kind_of(t, te, spec);
	}
	if (fl->kind != UPC_FIELD_STRING && fl->kind != UPC_FIELD_CHARS &&
	    fl->size != 1 && fl->size != 2 && fl->size != 4 && fl->size != 8)
		return -EINVAL;
	f->nfields++;
	return 0;
}

/* The string of 'print fmt: "..."' in [p, e), escapes kept. */
static bool print_fmt(const char *p, const char *e, const char **s, size_t *n)
{
	const char *q;

	if (!starts(p, e, "print fmt: \""))
		return false;
	for (q = p += 12; q < e && *q != '"'; q++)
		if (*q == '\\' && q + 1 < e)
			q++;
	*s = p;
	*n = (size_t)(q - p);
	return true;
}

int upc_tp_format_parse(const char *text, size_t len, struct upc_tp_format *f)
{
	const char *end = text + len, *fmt = "";
	size_t fmtlen = 0;
	int err;

	memset(f, 0, sizeof(*f));
	f->big_endian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
	/* the print fmt (the last line) says how the fields print */
	for (const char *p = text, *nl; p < end; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end;
		if (print_fmt(p, nl, &fmt, &fmtlen) || nl == end)
			break;
	}
	for (const char *p = text, *nl; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		while (p < nl && (*p == '\t' || *p == ' '))
			p++;
		if (starts(p, nl, "name: ")) {
			if ((size_t)(nl - p - 6) > UPC_NAME_MAX)
				return -EINVAL;
			memcpy(f->name, p + 6, (size_t)(nl - p - 6));
			f->name[nl - p - 6] = '\0';
		} else if (starts(p, nl, "ID: ")) {
			long id = number_after(p, nl, "ID: ");

			if (id <= 0)
				return -EINVAL;
			f->id = (unsigned)id;
		} else if (starts(p, nl, "field:") && (err = field(p, nl, fmt, fmtlen, f))) {
			return err;
		}
		if (nl == end)
			break;
	}
	return f->name[0] && f->id ? 0 : -EINVAL;
}

/* An integer of the record (size bytes at p), sign-extended when signed. */
static uint64_t integer(const struct upc_img *img, const unsigned char *p, unsigned size,
			bool is_signed)
{
	uint64_t v = size == 1 ? *p : size == 2 ? upc_rd16(img, p) :
		     size == 4 ? upc_rd32(img, p) : upc_rd64(img, p);

	if (is_signed && size < 8 && (v >> (8 * size - 1)) & 1)
		v |= ~0ull << (8 * size);
	return v;
}

/* A string of at most n bytes at p, up to its NUL: the bytes the kernel's
 * %s prints. */
static int put_string(char *buf, size_t len, size_t at, const unsigned char *p, size_t n,
		      const char *quote)
{
	const unsigned char *z = memchr(p, '\0', n);

	return snprintf(buf + at, len > at ? len - at : 0, "%s%.*s%s", quote,
			(int)(z ? (size_t)(z - p) : n), (const char *)p, quote);
}

/* One element of field fl at p (in bounds): its text at buf + at. */
static int element(const struct upc_img *img, const struct upc_field *fl,
		   const unsigned char *p, char *buf, size_t len, size_t at)
{
	size_t room = len > at ? len - at : 0;
	uint64_t v = integer(img, p, fl->size, fl->is_signed && fl->kind == UPC_FIELD_INT);

	switch (fl->kind) {
	case UPC_FIELD_HEX:
		return snprintf(buf + at, room, "0x%llx", (unsigned long long)v);
	case UPC_FIELD_CHAR:
		return snprintf(buf + at, room, "'%c'", (char)v);
	case UPC_FIELD_BOOL:
		return snprintf(buf + at, room, "%s", v ? "true" : "false");
	default:
		return fl->is_signed ? snprintf(buf + at, room, "%lld", (long long)v) :
				       snprintf(buf + at, room, "%llu", (unsigned long long)v);
	}
}

int upc_tp_format_print(const struct upc_tp_format *f, const void *raw, size_t rawlen,
			char *buf, size_t len)
{
	struct upc_img img = { .map = raw, .size = rawlen, .is64 = true,
			       .swap = f->big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__) };
	uint64_t ip = 0, func = 0, ret_ip = 0;
	size_t at = 0;
	int n;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	/* the probed address first, as print_uprobe_event() prints it */
	for (unsigned i = 0; i < f->nfields; i++) {
		const struct upc_field *fl = &f->fields[i];
		const unsigned char *p = upc_span(&img, fl->offset, fl->size);

		if (fl->kind != UPC_FIELD_PROBE_IP && fl->kind != UPC_FIELD_PROBE_FUNC &&
		    fl->kind != UPC_FIELD_PROBE_RET_IP)
			continue;
		if (!p)
			return -EINVAL;
		*(fl->kind == UPC_FIELD_PROBE_IP ? &ip : fl->kind == UPC_FIELD_PROBE_FUNC ?
		  &func : &ret_ip) = integer(&img, p, fl->size, false);
	}
	if (f->ret)
		at = (size_t)snprintf(buf, len, "(0x%llx <- 0x%llx)", (unsigned long long)ret_ip,
				      (unsigned long long)func);
	else if (f->uprobe)
		at = (size_t)snprintf(buf, len, "(0x%llx)", (unsigned long long)ip);
	for (unsigned i = 0; i < f->nfields; i++) {
		const struct upc_field *fl = &f->fields[i];
		unsigned count = fl->count ? fl->count : 1;
		const unsigned char *p;

		if (fl->kind == UPC_FIELD_PROBE_IP || fl->kind == UPC_FIELD_PROBE_FUNC ||
		    fl->kind == UPC_FIELD_PROBE_RET_IP)
			continue;
		n = snprintf(buf + at, len > at ? len - at : 0, "%s%s=", at ? " " : "", fl->name);
		at += (size_t)n;
		if (fl->kind == UPC_FIELD_STRING) {
			/* __data_loc: the string's length << 16 | its offset in
			 * the record; no length: the fetch faulted */
			uint32_t loc;

			if (!(p = upc_span(&img, fl->offset, 4)))
				return -EINVAL;
			loc = upc_rd32(&img, p);
			if (!(loc >> 16) && f->uprobe) {
				n = snprintf(buf + at, len > at ? len - at : 0, "(fault)");
			} else {
				if (!(p = upc_span(&img, loc & 0xffff, loc >> 16)))
					return -EINVAL;
				n = put_string(buf, len, at, p, loc >> 16, fl->quoted ? "\"" : "");
			}
			at += (size_t)n;
			continue;
		}
		if (fl->kind == UPC_FIELD_CHARS) {
			if (!(p = upc_span(&img, fl->offset, (uint64_t)fl->size * count)))
				return -EINVAL;
			at += (size_t)put_string(buf, len, at, p, (size_t)fl->size * count,
						 fl->quoted ? "\"" : "");
			continue;
		}
		if (!(p = upc_span(&img, fl->offset, (uint64_t)fl->size * count)))
			return -EINVAL;
		if (fl->count)
			at += (size_t)snprintf(buf + at, len > at ? len - at : 0, "{");
		for (unsigned k = 0; k < count; k++) {
			if (k)
				at += (size_t)snprintf(buf + at, len > at ? len - at : 0, ",");
			at += (size_t)element(&img, fl, p + (size_t)k * fl->size, buf, len, at);
		}
		if (fl->count)
			at += (size_t)snprintf(buf + at, len > at ? len - at : 0, "}");
	}
	if (at >= len)
		return -ENOSPC;
	return (int)at;
}
