// SPDX-License-Identifier: MIT
/*
 * Probe definitions: the text written to uprobe_events. The kernel splits a
 * definition on white space, takes '#' as the start of a comment and
 * accepts event names of [A-Za-z_][A-Za-z0-9_]* up to 63 characters: names
 * made here from symbols obey that, and a name cut short keeps a hash of the
 * whole so two long C++ names that share a head do not collide.
 */
#include <stdio.h>

#include "upc_internal.h"

static bool ident_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

int upc_event_name(const char *sym, size_t sym_len, char *buf, size_t len)
{
	size_t n = 0, keep = sym_len;
	uint32_t h = 2166136261u;

	if (len < UPC_NAME_MAX + 1 || !sym_len)
		return -EINVAL;
	if (!ident_char(sym[0], true))
		buf[n++] = '_';
	if (n + sym_len > UPC_NAME_MAX)
		keep = UPC_NAME_MAX - 9 - n;
	for (size_t i = 0; i < keep; i++)
		buf[n++] = ident_char(sym[i], false) ? sym[i] : '_';
	if (keep < sym_len) {
		for (size_t i = 0; i < sym_len; i++)
			h = (h ^ (unsigned char)sym[i]) * 16777619u;
		n += (size_t)snprintf(buf + n, len - n, "_%08x", h);
	}
	buf[n] = '\0';
	return (int)n;
}

int upc_default_fetchargs(const struct upc_arch *arch, unsigned nargs, bool ret,
			  char *buf, size_t len)
{
	char reg[32];
	size_t n = 0;
	int r;

	if (ret) {
		r = snprintf(buf, len, "ret=%s",
			     arch->flags & UPC_ARCH_RETVAL_REG ? arch->retval : "$retval");
		return r < 0 || (size_t)r >= len ? -ERANGE : r;
	}
	for (unsigned i = 1; i <= nargs; i++) {
		r = upc_arch_arg(arch, i, reg, sizeof(reg));
		if (r < 0)
			return r;
		r = snprintf(buf + n, len - n, "arg%u=%s ", i, reg);
		if (r < 0 || (size_t)r >= len - n)
			return -ERANGE;
		n += (size_t)r;
	}
	r = snprintf(buf + n, len - n, "ra=%s", arch->ra);
	return r < 0 || (size_t)r >= len - n ? -ERANGE : (int)(n + (size_t)r);
}

/* A byte that would end a definition, start a comment or split a field:
 * the kernel splits on its isspace(), which takes 0xA0 (Latin-1's no-break
 * space) as white space too, even inside a UTF-8 character. */
static bool unsafe_byte(unsigned char c)
{
	return c <= ' ' || c == '#' || c == 0x7f || c == 0xa0;
}

int upc_check_path(const char *path)
{
	size_t n = path ? strlen(path) : 0;

	if (!path || path[0] != '/') {
		pr_err("'%s': the path must be absolute (the kernel resolves a relative "
		       "one against the writer's directory)", path ? path : "");
		return -EINVAL;
	}
	for (size_t i = 0, k; i < n; i += k) {
		k = upc_utf8_seq(path + i, n - i);
		if (!k) {
			pr_err("'%s': the path is not valid UTF-8; use a link with a plain "
			       "name", path);
			return -EINVAL;
		}
		for (size_t j = i; j < i + k; j++) {
			if (unsafe_byte((unsigned char)path[j])) {
				pr_err("'%s': a path with white space, '#' or control characters "
				       "cannot be written to uprobe_events; use a link without "
				       "them", path);
				return -EINVAL;
			}
		}
	}
	if (strlen(path) > 4000) {
		pr_err("path too long for a probe definition");
		return -ENAMETOOLONG;
	}
	return 0;
}

int upc_check_name(const char *what, const char *name, bool dash_ok)
{
	size_t n = strlen(name);

	if (!n || n > UPC_NAME_MAX) {
		pr_err("%s '%s' must have 1 to %d characters", what, name, UPC_NAME_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!ident_char(name[i], i == 0) && !(dash_ok && i && name[i] == '-')) {
			pr_err("%s '%s' may only have letters, digits and '_'%s, and must not "
			       "start with a digit", what, name, dash_ok ? " (or '-')" : "");
			return -EINVAL;
		}
	}
	return 0;
}

int upc_probe_definition(char *buf, size_t len, bool ret, const char *group,
			 const char *event, const char *path, uint64_t offset,
			 const char *fetchargs)
{
	int r;

	if ((r = upc_check_name("group", group, true)) ||
	    (r = upc_check_name("event", event, false)) || (r = upc_check_path(path)))
		return r;
	for (const char *p = fetchargs; p && *p; p++) {
		if ((unsigned char)*p < ' ' || *p == '#' || (unsigned char)*p >= 0x7f) {
			pr_err("fetch arguments may not contain '#', control characters or "
			       "bytes outside ASCII");
			return -EINVAL;
		}
	}
	r = snprintf(buf, len, "%c:%s/%s %s:0x%llx%s%s", ret ? 'r' : 'p', group, event,
		     path, (unsigned long long)offset, fetchargs && *fetchargs ? " " : "",
		     fetchargs ? fetchargs : "");
	if (r < 0 || (size_t)r >= len || r >= 4094) {
		pr_err("probe definition longer than the kernel's 4094-byte limit");
		return -E2BIG;
	}
	return r;
}
