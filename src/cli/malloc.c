// SPDX-License-Identifier: MIT
/*
 * A small allocator for the static board binaries (built with
 * -DUPC_OWN_MALLOC; every other build uses its libc's). musl's mallocng is
 * 9 KB of a 150 KB budget and is built for long-lived, multi-threaded
 * programs; uprobectl is one thread, runs for seconds to hours, and holds
 * few blocks. So: power-of-two size classes from 32 bytes to 64 KiB, carved
 * from 256 KiB mappings and kept on a free list per class once freed (never
 * returned to the kernel); anything bigger is a mapping of its own, grown
 * with mremap. Blocks are 16-byte aligned behind a 16-byte header that says
 * which class, or how long the mapping is. Not thread-safe: uprobectl
 * starts no threads, and its signal handlers allocate nothing.
 *
 * MALLOC_NAME() lets the unit test build it under other names beside the
 * host's allocator.
 */
#if defined(UPC_OWN_MALLOC) || defined(MALLOC_NAME)
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MALLOC_NAME
#define MALLOC_NAME(f) f
#endif

void *MALLOC_NAME(malloc)(size_t n);
void MALLOC_NAME(free)(void *p);
void *MALLOC_NAME(calloc)(size_t k, size_t n);
void *MALLOC_NAME(realloc)(void *p, size_t n);

#define HDR 16
#define MIN_SHIFT 5			/* 32-byte blocks, header included */
#define MAX_SHIFT 16			/* 64 KiB */
#define ARENA (256 * 1024)
#define BIG ((size_t)1 << (sizeof(size_t) * 8 - 1))	/* header: a mapping */

struct hdr {
	size_t size;	/* block size (a power of two), or BIG | mapping length */
	size_t pad;
};

static void *free_list[MAX_SHIFT + 1];
static char *arena_next, *arena_end;

static int shift_of(size_t n)
{
	int s = MIN_SHIFT;

	while (((size_t)1 << s) < n)
		s++;
	return s;
}

static void *map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void *MALLOC_NAME(malloc)(size_t n)
{
	struct hdr *h;
	size_t len;
	int s;

	if (n > ((size_t)1 << MAX_SHIFT) - HDR) {
		if (n > PTRDIFF_MAX - 2 * 4096) {
			errno = ENOMEM;
			return NULL;
		}
		len = (n + HDR + 4095) & ~(size_t)4095;
		h = map(len);
		if (!h)
			return NULL;
		h->size = BIG | len;
		return h + 1;
	}
	s = shift_of(n + HDR);
	if (free_list[s]) {
		h = (struct hdr *)free_list[s] - 1;
		free_list[s] = *(void **)free_list[s];
	} else {
		if ((size_t)(arena_end - arena_next) < ((size_t)1 << s)) {
			arena_next = map(ARENA);
			if (!arena_next) {
				arena_end = NULL;
				return NULL;
			}
			arena_end = arena_next + ARENA;
		}
		h = (struct hdr *)arena_next;
		arena_next += (size_t)1 << s;
	}
	h->size = (size_t)1 << s;
	return h + 1;
}

void MALLOC_NAME(free)(void *p)
{
	struct hdr *h;

	if (!p)
		return;
	h = (struct hdr *)p - 1;
	if (h->size & BIG) {
		munmap(h, h->size & ~BIG);
		return;
	}
	*(void **)p = free_list[shift_of(h->size)];
	free_list[shift_of(h->size)] = p;
}

void *MALLOC_NAME(calloc)(size_t k, size_t n)
{
	void *p;

	if (n && k > SIZE_MAX / n) {
		errno = ENOMEM;
		return NULL;
	}
	p = MALLOC_NAME(malloc)(k * n);
	return p ? memset(p, 0, k * n) : NULL;
}

void *MALLOC_NAME(realloc)(void *p, size_t n)
{
	struct hdr *h;
	size_t have, len;
	void *q;

	if (!p)
		return MALLOC_NAME(malloc)(n);
	h = (struct hdr *)p - 1;
	have = (h->size & ~BIG) - HDR;
	if (n <= have)
		return p;
	if ((h->size & BIG) && n <= PTRDIFF_MAX - 2 * 4096) {
		len = (n + HDR + 4095) & ~(size_t)4095;
		q = mremap(h, h->size & ~BIG, len, MREMAP_MAYMOVE);
		if (q == MAP_FAILED)
			return NULL;
		h = q;
		h->size = BIG | len;
		return h + 1;
	}
	q = MALLOC_NAME(malloc)(n);
	if (!q)
		return NULL;
	memcpy(q, p, have);
	MALLOC_NAME(free)(p);
	return q;
}
#endif
