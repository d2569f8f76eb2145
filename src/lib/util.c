// SPDX-License-Identifier: MIT
/* Small helpers: numbers as the kernel reads them, tokens, UTF-8, and the
 * one whole-file reader. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "upc_internal.h"

int upc_parse_hex(const char *s, size_t len, uint64_t *v)
{
	if (len < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -EINVAL;
	return upc_parse_xdigits(s + 2, len - 2, v);
}

int upc_parse_xdigits(const char *s, size_t len, uint64_t *v)
{
	uint64_t r = 0;

	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
		if (r >> 60)
			return -ERANGE;
		r = r << 4 | d;
	}
	*v = r;
	return 0;
}

int upc_parse_u64(const char *s, size_t len, uint64_t *v)
{
	unsigned base = 10;
	uint64_t r = 0;
	size_t i = 0;

	if (!len)
		return -EINVAL;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return upc_parse_hex(s, len, v);
	if (len > 1 && s[0] == '0') {
		base = 8;
		i = 1;
	}
	for (; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (s[i] < '0' || d >= base)
			return -EINVAL;
		if (r > (UINT64_MAX - d) / base)
			return -ERANGE;
		r = r * base + d;
	}
	*v = r;
	return 0;
}

bool upc_token(const char **p, const char *end, const char **tok, size_t *len)
{
	const char *q = *p;

	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	*tok = q;
	while (q < end && *q != ' ' && *q != '\t' && *q != '\n')
		q++;
	*len = (size_t)(q - *tok);
	*p = q;
	return *len > 0;
}

int upc_parse_number(const char *s, uint64_t *v)
{
	return upc_parse_u64(s, strlen(s), v);
}

/* RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF. */
size_t upc_utf8_seq(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (!n)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, lo = p[0] == 0xe0 ? 0xa0 : 0x80, hi = p[0] == 0xed ? 0x9f : 0xbf;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, lo = p[0] == 0xf0 ? 0x90 : 0x80, hi = p[0] == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

int upc_read_file(const char *path, size_t max, bool regular, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (regular ? O_NONBLOCK : 0)), err = 0;
	size_t cap = 4096, n = 0;
	char *b = NULL, *nb;
	struct stat st;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	if (regular && fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (regular && !S_ISREG(st.st_mode)) {
		/* a FIFO, a device or a socket: a stream, never read whole */
		err = S_ISDIR(st.st_mode) ? -EISDIR : -ESPIPE;
		goto out;
	}
	/* tracefs and /proc files report size 0: read until EOF */
	for (;;) {
		ssize_t r;

		if (!b || n + 1 >= cap) {
			if (b)
				cap *= 2;
			if (cap > max + 1 && (cap = max + 1) <= n + 1) {
				err = -EFBIG;
				break;
			}
			nb = realloc(b, cap);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
out:
	close(fd);
	if (err) {
		free(b);
		return err;
	}
	if (!b && !(b = malloc(1)))
		return -ENOMEM;
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

static void swap(unsigned char *a, unsigned char *b, size_t size)
{
	while (size--) {
		unsigned char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

/* Move the element at i down the heap of n elements until its children are
 * no greater. */
static void sift(unsigned char *base, size_t i, size_t n, size_t size,
		 int (*cmp)(const void *, const void *))
{
	for (size_t c; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && cmp(base + c * size, base + (c + 1) * size) < 0)
			c++;
		if (cmp(base + i * size, base + c * size) >= 0)
			return;
		swap(base + i * size, base + c * size, size);
	}
}

void upc_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	unsigned char *b = base;

	for (size_t i = n / 2; i-- > 0;)
		sift(b, i, n, size, cmp);
	while (n > 1) {
		swap(b, b + --n * size, size);
		sift(b, 0, n, size, cmp);
	}
}

/*
 * Shell patterns over symbol names: *, ?, [set], [!set] with ranges, and \
 * to quote. Our own rather than fnmatch(3), whose locale tables would be a
 * tenth of a static binary.
 */
static bool glob(const char *p, const char *pe, const char *s, const char *se)
{
	while (p < pe) {
		if (*p == '*') {
			while (p < pe && *p == '*')
				p++;
			for (const char *t = s; t <= se; t++)
				if (glob(p, pe, t, se))
					return true;
			return false;
		}
		if (s == se)
			return false;
		if (*p == '[') {
			const char *q = p + 1;
			bool neg = q < pe && (*q == '!' || *q == '^'), in = false;

			q += neg;
			for (bool first = true; q < pe && (*q != ']' || first); first = false) {
				char lo = *q, hi = lo;

				if (q + 2 < pe && q[1] == '-' && q[2] != ']') {
					hi = q[2];
					q += 3;
				} else {
					q++;
				}
				in |= *s >= lo && *s <= hi;
			}
			if (q >= pe)
				return false;	/* no closing ']' */
			if (in == neg)
				return false;
			p = q + 1;
			s++;
			continue;
		}
		if (*p == '\\' && p + 1 < pe)
			p++;
		if (*p != '?' && *p != *s)
			return false;
		p++;
		s++;
	}
	return s == se;
}

bool upc_glob(const char *pattern, const char *s, size_t len)
{
	return glob(pattern, pattern + strlen(pattern), s, s + len);
}
