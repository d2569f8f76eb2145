// SPDX-License-Identifier: MIT
/* The library's only way to say anything: a callback the caller installs. */
#include <stdarg.h>

#include "upc_internal.h"

static upc_print_fn print_fn;

upc_print_fn upc_set_print(upc_print_fn fn)
{
	upc_print_fn old = print_fn;

	print_fn = fn;
	return old;
}

void upc_log(enum upc_print_level level, const char *fmt, ...)
{
	va_list ap;

	if (!print_fn)
		return;
	va_start(ap, fmt);
	print_fn(level, fmt, ap);
	va_end(ap);
}
