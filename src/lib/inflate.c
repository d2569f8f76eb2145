// SPDX-License-Identifier: MIT
/*
 * A small gzip reader (RFC 1952 around RFC 1951 deflate), for the kernel's
 * /proc/config.gz, and raw deflate for compressed debug sections:
 * uprobectl links nothing but libc. Every input read and
 * output write is bounds-checked; an invalid or oversized stream is an
 * error, never a read or write outside the buffers.
 */
#include <stdlib.h>

#include "upc_internal.h"

struct bits {
	const unsigned char *in;
	size_t len, pos;
	uint32_t buf;
	unsigned cnt;
	bool overrun;
};

static uint32_t le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Bytes into the bit buffer while they fit (and the input lasts). */
static inline void refill(struct bits *b)
{
	while (b->cnt <= 24 && b->pos < b->len) {
		b->buf |= (uint32_t)b->in[b->pos++] << b->cnt;
		b->cnt += 8;
	}
}

/* To the next whole byte: the bits left of the current one dropped, the
 * bytes read ahead given back. */
static void align(struct bits *b)
{
	b->pos -= b->cnt / 8;
	b->buf = 0;
	b->cnt = 0;
}

/* The next n bits (n at most 25: what refill keeps). */
static unsigned getbits(struct bits *b, unsigned n)
{
	if (b->cnt < n)
		refill(b);
	if (b->cnt < n) {		/* the input ended */
		b->overrun = true;
		return 0;
	}
	unsigned v = b->buf & ((1u << n) - 1);

	b->buf >>= n;
	b->cnt -= n;
	return v;
}

/* A Huffman code: counts and symbols by length (canonical order), and a
 * table of the next FAST_BITS input bits for the codes that short
 * (length << 9 | symbol; 0 for a longer code). */
#define FAST_BITS 10
struct huff {
	uint16_t count[16];
	uint16_t sym[320];
	uint16_t fast[1 << FAST_BITS];
};

static int build(struct huff *h, const uint8_t *lens, unsigned n)
{
	uint16_t offs[16];
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (unsigned i = 0; i < n; i++)
		h->count[lens[i]]++;
	h->count[0] = 0;
	for (int l = 1; l < 16; l++) {
		left <<= 1;
		left -= h->count[l];
		if (left < 0)
			return -EINVAL;	/* over-subscribed */
	}
	offs[1] = 0;
	for (int l = 1; l < 15; l++)
		offs[l + 1] = offs[l] + h->count[l];
	for (unsigned i = 0; i < n; i++)
		if (lens[i])
			h->sym[offs[lens[i]]++] = (uint16_t)i;
	/* each short code, its bits reversed (deflate sends them first bit
	 * first), at every index those bits start */
	memset(h->fast, 0, sizeof(h->fast));
	for (unsigned l = 1, code = 0, k = 0; l <= FAST_BITS; l++) {
		for (unsigned c = 0; c < h->count[l]; c++, code++, k++) {
			unsigned rev = 0;

			for (unsigned bit = 0; bit < l; bit++)
				rev |= ((code >> bit) & 1) << (l - 1 - bit);
			for (unsigned j = rev; j < (1u << FAST_BITS); j += 1u << l)
				h->fast[j] = (uint16_t)(l << 9 | h->sym[k]);
		}
		code <<= 1;
	}
	return 0;
}

static int decode(struct bits *b, const struct huff *h)
{
	int code = 0, first = 0, index = 0;

	if (b->cnt < FAST_BITS)
		refill(b);
	if (b->cnt >= FAST_BITS) {
		unsigned e = h->fast[b->buf & ((1u << FAST_BITS) - 1)];

		if (e) {
			b->buf >>= e >> 9;
			b->cnt -= e >> 9;
			return (int)(e & 511);
		}
	}

	for (int l = 1; l < 16; l++) {
		code |= (int)getbits(b, 1);
		if (b->overrun)
			return -EINVAL;
		int count = h->count[l];

		if (code - count < first)
			return h->sym[index + (code - first)];
		index += count;
		first += count;
		first <<= 1;
		code <<= 1;
	}
	return -EINVAL;
}

static const uint16_t len_base[] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27,
				     31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
				     227, 258 };
static const uint8_t len_extra[] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
				     3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97,
				      129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
				      3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
				      7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

struct out {
	char *buf;
	size_t len, cap;
};

static int emit(struct out *o, char c)
{
	if (o->len + 1 >= o->cap)
		return -EFBIG;
	o->buf[o->len++] = c;
	return 0;
}

static int codes(struct bits *b, struct out *o, const struct huff *lit,
		 const struct huff *dist)
{
	for (;;) {
		int s = decode(b, lit);

		if (s < 0)
			return -EINVAL;
		if (s < 256) {
			if (emit(o, (char)s))
				return -EFBIG;
			continue;
		}
		if (s == 256)
			return 0;
		s -= 257;
		if (s >= 29)
			return -EINVAL;
		size_t len = len_base[s] + getbits(b, len_extra[s]);
		int d = decode(b, dist);

		if (d < 0 || d >= 30)
			return -EINVAL;
		size_t back = dist_base[d] + getbits(b, dist_extra[d]);

		if (b->overrun || back > o->len)
			return -EINVAL;
		if (len >= o->cap - o->len)
			return -EFBIG;
		for (char *p = o->buf + o->len, *end = p + len; p < end; p++)
			*p = p[-(ptrdiff_t)back];
		o->len += len;
	}
}

static int dynamic(struct bits *b, struct out *o)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3,
					   13, 2, 14, 1, 15 };
	uint8_t lens[320] = { 0 };
	struct huff lit, dist;
	unsigned nlen = getbits(b, 5) + 257, ndist = getbits(b, 5) + 1, ncode = getbits(b, 4) + 4;

	if (nlen > 286 || ndist > 30)
		return -EINVAL;
	for (unsigned i = 0; i < ncode; i++)
		lens[order[i]] = (uint8_t)getbits(b, 3);
	if (b->overrun || build(&lit, lens, 19))
		return -EINVAL;
	for (unsigned i = 0; i < nlen + ndist;) {
		int s = decode(b, &lit);
		unsigned rep;
		uint8_t v = 0;

		if (s < 0)
			return -EINVAL;
		if (s < 16) {
			lens[i++] = (uint8_t)s;
			continue;
		}
		if (s == 16) {
			if (!i)
				return -EINVAL;
			v = lens[i - 1];
			rep = 3 + getbits(b, 2);
		} else if (s == 17) {
			rep = 3 + getbits(b, 3);
		} else {
			rep = 11 + getbits(b, 7);
		}
		if (i + rep > nlen + ndist)
			return -EINVAL;
		while (rep--)
			lens[i++] = v;
	}
	if (b->overrun || build(&lit, lens, nlen) || build(&dist, lens + nlen, ndist))
		return -EINVAL;
	return codes(b, o, &lit, &dist);
}

static int fixed(struct bits *b, struct out *o)
{
	uint8_t lens[288 + 30];
	struct huff lit, dist;
	unsigned i = 0;

	for (; i < 144; i++)
		lens[i] = 8;
	for (; i < 256; i++)
		lens[i] = 9;
	for (; i < 280; i++)
		lens[i] = 7;
	for (; i < 288; i++)
		lens[i] = 8;
	for (; i < 288 + 30; i++)
		lens[i] = 5;
	build(&lit, lens, 288);
	build(&dist, lens + 288, 30);
	return codes(b, o, &lit, &dist);
}

/* The deflate blocks from b->pos to the last one, into o. */
static int blocks(struct bits *b, struct out *o)
{
	const unsigned char *in = b->in;
	unsigned last;
	int err = 0;

	do {
		unsigned type;

		last = getbits(b, 1);
		type = getbits(b, 2);
		if (b->overrun)
			return -EINVAL;
		if (type == 0) {
			size_t n;

			align(b);
			if (b->pos + 4 > b->len)
				return -EINVAL;
			n = in[b->pos] | (size_t)in[b->pos + 1] << 8;
			b->pos += 4;
			if (n > b->len - b->pos)
				return -EINVAL;
			if (n >= o->cap - o->len)
				return -EFBIG;
			memcpy(o->buf + o->len, in + b->pos, n);
			o->len += n;
			b->pos += n;
		} else if (type == 1) {
			err = fixed(b, o);
		} else if (type == 2) {
			err = dynamic(b, o);
		} else {
			err = -EINVAL;
		}
	} while (!err && !last);
	align(b);
	return err ? err : b->overrun ? -EINVAL : 0;
}

int upc_inflate(const unsigned char *in, size_t len, char **out, size_t *outlen, size_t max)
{
	struct bits b = { .in = in, .len = len };
	struct out o = { .cap = max };
	int err;

	*out = NULL;
	if (!(o.buf = malloc(max ? max : 1)))
		return -ENOMEM;
	if ((err = blocks(&b, &o))) {
		free(o.buf);
		return err;
	}
	o.buf[o.len] = '\0';
	*out = o.buf;
	*outlen = o.len;
	return 0;
}

int upc_gunzip(const unsigned char *in, size_t len, char **out, size_t *outlen, size_t max)
{
	struct bits b = { .in = in, .len = len };
	struct out o = { .cap = max };
	unsigned flags;
	int err;

	*out = NULL;
	if (len < 18 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8)
		return -EINVAL;
	flags = in[3];
	b.pos = 10;
	if (flags & 4) {			/* FEXTRA */
		if (b.pos + 2 > len)
			return -EINVAL;
		b.pos += 2 + (in[b.pos] | (size_t)in[b.pos + 1] << 8);
	}
	for (unsigned f = 8; f <= 16; f <<= 1) {	/* FNAME, FCOMMENT */
		if (!(flags & f))
			continue;
		while (b.pos < len && in[b.pos])
			b.pos++;
		b.pos++;
	}
	if (flags & 2)				/* FHCRC */
		b.pos += 2;
	if (b.pos >= len)
		return -EINVAL;
	o.buf = malloc(max);
	if (!o.buf)
		return -ENOMEM;
	err = blocks(&b, &o);
	/* the trailer, at the next whole byte: CRC-32 and length of the data
	 * (a stream cut short, or corrupt where deflate cannot tell, ends
	 * here rather than passing as a shorter file) */
	if (!err && (len - b.pos < 8 ||
		     le32(in + b.pos) != upc_crc32(0, (const unsigned char *)o.buf, o.len) ||
		     le32(in + b.pos + 4) != (uint32_t)o.len))
		err = -EINVAL;
	if (err) {
		free(o.buf);
		return err;
	}
	o.buf[o.len] = '\0';
	*out = o.buf;
	*outlen = o.len;
	return 0;
}
