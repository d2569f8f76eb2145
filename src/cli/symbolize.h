/* SPDX-License-Identifier: MIT */
/* User stack frames symbolized from the processes' memory maps, kept after
 * the processes exit (symbolize.c). */
#ifndef UPC_SYMBOLIZE_H
#define UPC_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Turn address addr of process pid into "symbol+0xOFF (file)",
 * "file+0xOFF" (no symbol there), or "0xADDR (why it cannot be placed)";
 * *fn_len is the length of the symbol's name at the start of out, 0 when
 * none (a frame_fn of recout.h). */
bool symbolize_frame(void *ctx, long pid, uint64_t addr, char *out, size_t len,
		     size_t *fn_len);
/* The same for image gen of pid: its maps after gen execs since it was
 * first seen (symbolize_frame: image 0, a session that counts no execs). */
bool symbolize_image(void *ctx, long pid, long gen, uint64_t addr, char *out, size_t len,
		     size_t *fn_len);
/* Read pid's maps now, while it lives, and keep them after it exits (for
 * the image it runs). */
void symbolize_snapshot(void *ctx, long pid);
/* pid, stopped at an exec, now runs its next image: from here the live
 * maps are read only for the image each process runs. */
void symbolize_exec(void *ctx, long pid);
void *symbolize_new(void);
void symbolize_free(void *ctx);

#endif
