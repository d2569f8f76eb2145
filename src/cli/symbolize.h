/* SPDX-License-Identifier: MIT */
/* User stack frames of live processes, symbolized (symbolize.c). */
#ifndef UPC_SYMBOLIZE_H
#define UPC_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>

/* Turn "<00005630d4dd2232>" of a live pid into "symbol+0xOFF (file)"
 * (a frame_fn of recout.h). */
bool symbolize_frame(void *ctx, long pid, const char *frame, size_t n, char *out,
		     size_t len);
void *symbolize_new(void);
void symbolize_free(void *ctx);

#endif
