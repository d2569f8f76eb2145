// SPDX-License-Identifier: MIT
/*
 * The library's only way to say anything: a callback the caller installs.
 * An "explained" function (see uprobectl.h) keeps its promise with
 * upc_explained(): a failure no message named yet gets a generic one, so
 * the caller never has to guess whether to add its own.
 */
#include <stdarg.h>
#include <stdio.h>

#include "upc_internal.h"

static upc_print_fn print_fn;
static _Thread_local unsigned errors, quiet;

upc_print_fn upc_set_print(upc_print_fn fn)
{
	upc_print_fn old = print_fn;

	print_fn = fn;
	return old;
}

void upc_log(enum upc_print_level level, const char *fmt, ...)
{
	va_list ap;

	if (level == UPC_ERROR)
		errors++;
	if (!print_fn || quiet)
		return;
	va_start(ap, fmt);
	print_fn(level, fmt, ap);
	va_end(ap);
}

unsigned upc_log_errors(void)
{
	return errors;
}

int upc_explained(int err, unsigned mark, const char *what)
{
	if (err < 0 && errors == mark)
		pr_err("%s: %s", what, strerror(-err));
	return err;
}

void upc_log_quiet(bool on)
{
	quiet += on ? 1 : -1u;
}
