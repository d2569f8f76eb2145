/* SPDX-License-Identifier: MIT */
/* Output straight to a file descriptor through a buffer of our own
 * (recout.c): stdio's per-call cost is the slowest part of a parser that
 * must write millions of records a second. */
#ifndef UPC_OBUF_H
#define UPC_OBUF_H

#include <stdbool.h>
#include <stddef.h>

struct obuf {
	int fd;
	bool failed;		/* the reader went away (EPIPE) */
	size_t n;
	char buf[1 << 16];
};
void ob_put_slow(struct obuf *o, const char *s, size_t n);
void ob_flush(struct obuf *o);
static inline void ob_put(struct obuf *o, const char *s, size_t n)
{
	if (n <= 16 && o->n + 16 <= sizeof(o->buf)) {
		for (size_t i = 0; i < n; i++)
			o->buf[o->n + i] = s[i];
		o->n += n;
		return;
	}
	ob_put_slow(o, s, n);
}

#endif
