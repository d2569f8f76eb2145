// SPDX-License-Identifier: MIT
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
