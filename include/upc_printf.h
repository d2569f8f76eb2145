/* SPDX-License-Identifier: MIT */
/* uprobectl's own printf family (src/fmt.c): no floating point, so a static
 * binary carries no float formatting. Include after <stdio.h>. */
#ifndef UPC_PRINTF_H
#define UPC_PRINTF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

int upc_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
	__attribute__((format(__printf__, 3, 0)));
int upc_snprintf(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(__printf__, 3, 4)));
int upc_vfprintf(FILE *f, const char *fmt, va_list ap) __attribute__((format(__printf__, 2, 0)));
int upc_fprintf(FILE *f, const char *fmt, ...) __attribute__((format(__printf__, 2, 3)));
int upc_printf(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));

#ifndef UPC_PRINTF_IMPL
#define vsnprintf upc_vsnprintf
#define snprintf upc_snprintf
#define vfprintf upc_vfprintf
#define fprintf upc_fprintf
#define printf upc_printf
#endif

#endif
