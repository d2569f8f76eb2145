// SPDX-License-Identifier: MIT
/*
 * The printf family for uprobectl: integers, strings and characters, with
 * flags '-', '0', '+', ' ', '#', widths and precisions (also '*'), and the
 * hh, h, l, ll, z, j, t lengths. No floating point: a libc's printf drags
 * its float formatting and soft-float long double helpers into a static
 * binary (a tenth of it on arm64 musl), and nothing here prints a float.
 * upc_printf.h maps snprintf, vsnprintf, printf and fprintf onto these.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UPC_PRINTF_IMPL
#include "upc_printf.h"

struct sink {
	char *buf;
	size_t cap;
	size_t len;		/* what the whole output needs, C99 style */
};

static void put(struct sink *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct sink *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct sink *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
}

int upc_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct sink o = { buf, cap, 0 };

	for (const char *f = fmt; *f; f++) {
		bool left = false, zero = false, plus = false, space = false, alt = false;
		int width = 0, prec = -1, len = 0;
		char digits[24], sign = 0;
		const char *prefix = "";
		unsigned long long u;
		int nd = 0;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		for (f++;; f++) {
			if (*f == '-')
				left = true;
			else if (*f == '0')
				zero = true;
			else if (*f == '+')
				plus = true;
			else if (*f == ' ')
				space = true;
			else if (*f == '#')
				alt = true;
			else
				break;
		}
		if (*f == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = true;
				width = -width;
			}
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				width = width * 10 + (*f++ - '0');
		}
		if (*f == '.') {
			f++;
			prec = 0;
			if (*f == '*') {
				prec = va_arg(ap, int);
				f++;
			} else {
				while (*f >= '0' && *f <= '9')
					prec = prec * 10 + (*f++ - '0');
			}
		}
		/* len: -2 char, -1 short, 0 int, 1 long, 2 long long; size_t and
		 * ptrdiff_t are whichever of int, long and long long they are on
		 * this target (int on 32-bit ones) */
		while (*f == 'h' || *f == 'l' || *f == 'z' || *f == 'j' || *f == 't') {
			if (*f == 'z' || *f == 't')
				len = sizeof(size_t) == sizeof(long long) && sizeof(long) != sizeof(size_t)
					      ? 2 : sizeof(size_t) == sizeof(long) ? 1 : 0;
			else
				len += *f == 'l' ? 1 : *f == 'h' ? -1 : 2;
			f++;
		}
		switch (*f) {
		case '%':
			put(&o, '%');
			continue;
		case 'c': {
			char c = (char)va_arg(ap, int);

			if (!left)
				pad(&o, ' ', width - 1);
			put(&o, c);
			if (left)
				pad(&o, ' ', width - 1);
			continue;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n;

			if (!s)
				s = "(null)";
			n = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
			if (!left)
				pad(&o, ' ', width - (int)n);
			put_str(&o, s, n);
			if (left)
				pad(&o, ' ', width - (int)n);
			continue;
		}
		case 'd':
		case 'i': {
			long long v = len >= 2 ? va_arg(ap, long long) : len == 1 ? va_arg(ap, long)
									: va_arg(ap, int);

			if (len < 0)
				v = len == -1 ? (short)v : (signed char)v;
			u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
			sign = v < 0 ? '-' : plus ? '+' : space ? ' ' : 0;
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o':
		case 'p':
			if (*f == 'p')
				u = (uintptr_t)va_arg(ap, void *), alt = true;
			else
				u = len >= 2 ? va_arg(ap, unsigned long long)
				    : len == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			if (len < 0)
				u = len == -1 ? (unsigned short)u : (unsigned char)u;
			break;
		default:
			/* not a conversion we know: print it as it is */
			put(&o, '%');
			if (!*f)
				goto out;
			put(&o, *f);
			continue;
		}
		{
			unsigned base = *f == 'o' ? 8 : (*f == 'x' || *f == 'X' || *f == 'p') ? 16 : 10;
			const char *dig = *f == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
			int total;

			do {
				digits[nd++] = dig[u % base];
				u /= base;
			} while (u);
			if (prec == 0 && nd == 1 && digits[0] == '0')
				nd = 0;
			if (alt && base == 16)
				prefix = *f == 'X' ? "0X" : "0x";
			total = (prec > nd ? prec : nd) + (sign ? 1 : 0) + (int)strlen(prefix);
			if (!left && !(zero && prec < 0))
				pad(&o, ' ', width - total);
			if (sign)
				put(&o, sign);
			put_str(&o, prefix, strlen(prefix));
			if (!left && zero && prec < 0)
				pad(&o, '0', width - total);
			pad(&o, '0', prec - nd);
			while (nd)
				put(&o, digits[--nd]);
			if (left)
				pad(&o, ' ', width - total);
		}
	}
out:
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len > INT32_MAX ? -1 : (int)o.len;
}

int upc_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = upc_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}

int upc_vfprintf(FILE *f, const char *fmt, va_list ap)
{
	char small[1024], *buf = small;
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = upc_vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small)) {
		buf = malloc((size_t)n + 1);
		if (!buf) {
			va_end(copy);
			return -1;
		}
		upc_vsnprintf(buf, (size_t)n + 1, fmt, copy);
	}
	va_end(copy);
	if (n > 0 && fwrite(buf, 1, (size_t)n, f) != (size_t)n)
		n = -1;
	if (buf != small)
		free(buf);
	return n;
}

int upc_fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = upc_vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int upc_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = upc_vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}
