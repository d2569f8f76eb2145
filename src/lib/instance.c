// SPDX-License-Identifier: MIT
/*
 * tracefs instances: instances/NAME is a tracing buffer with its own pid
 * filter, options and event switches. A session of ours uses one of its
 * own, so the top-level buffer and other tracers are untouched, and
 * removing the directory takes everything it set with it.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "upc_internal.h"

struct upc_instance {
	const struct upc_tracefs *t;
	char name[UPC_NAME_MAX + 1];	/* empty: the top level */
	bool created;
};

int upc_instance_rel(const char *instance, const char *file, char *buf, size_t len)
{
	int n = instance ? snprintf(buf, len, "instances/%s%s%s", instance, *file ? "/" : "", file)
			 : snprintf(buf, len, "%s", file);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int upc_instance_open(const struct upc_tracefs *t, const char *name, bool exclusive,
		      struct upc_instance **out)
{
	struct upc_instance *i = calloc(1, sizeof(*i));
	char rel[UPC_NAME_MAX + 16], path[PATH_MAX];
	int err;

	*out = NULL;
	if (!i)
		return -ENOMEM;
	i->t = t;
	if (name) {
		/* a name is one path component the kernel accepts */
		if (!*name || strlen(name) > UPC_NAME_MAX || strchr(name, '/') ||
		    !strcmp(name, ".") || !strcmp(name, "..")) {
			free(i);
			return -EINVAL;
		}
		snprintf(i->name, sizeof(i->name), "%s", name);
		if ((err = upc_instance_rel(name, "", rel, sizeof(rel))) ||
		    (err = upc_tracefs_path(t, rel, path, sizeof(path)))) {
			free(i);
			return err;
		}
		if (!mkdir(path, 0755)) {
			i->created = true;
		} else if (errno != EEXIST || exclusive) {
			err = -errno;
			free(i);
			return err;
		}
	}
	*out = i;
	return 0;
}

int upc_instance_close(struct upc_instance *i)
{
	char rel[UPC_NAME_MAX + 16], path[PATH_MAX];
	int err = 0;

	if (!i)
		return 0;
	if (i->created && !(err = upc_instance_rel(i->name, "", rel, sizeof(rel))) &&
	    !(err = upc_tracefs_path(i->t, rel, path, sizeof(path))) && rmdir(path))
		err = -errno;
	free(i);
	return err;
}

const char *upc_instance_name(const struct upc_instance *i)
{
	return i->name[0] ? i->name : NULL;
}

bool upc_instance_created(const struct upc_instance *i)
{
	return i->created;
}

int upc_instance_path(const struct upc_instance *i, const char *file, char *buf, size_t len)
{
	return upc_instance_rel(upc_instance_name(i), file, buf, len);
}

int upc_instance_read(const struct upc_instance *i, const char *file, char *buf, size_t len)
{
	char rel[PATH_MAX];
	int err = upc_instance_path(i, file, rel, sizeof(rel));

	return err ? err : upc_tracefs_read(i->t, rel, buf, len);
}

int upc_instance_write(const struct upc_instance *i, const char *file, const char *s)
{
	char rel[PATH_MAX];
	int err = upc_instance_path(i, file, rel, sizeof(rel));

	return err ? err : upc_tracefs_write(i->t, rel, s);
}

int upc_instance_enable(const struct upc_instance *i, const char *group, const char *event,
			bool on)
{
	return upc_event_set_enable(i->t, upc_instance_name(i), group, event, on);
}

int upc_instance_set_option(const struct upc_instance *i, const char *option, bool on)
{
	char file[128];

	if (snprintf(file, sizeof(file), "options/%s", option) >= (int)sizeof(file))
		return -ENAMETOOLONG;
	return upc_instance_write(i, file, on ? "1" : "0");
}

int upc_instance_pipe(const struct upc_instance *i)
{
	char rel[PATH_MAX], path[PATH_MAX];
	int err, fd;

	if ((err = upc_instance_path(i, "trace_pipe", rel, sizeof(rel))) ||
	    (err = upc_tracefs_path(i->t, rel, path, sizeof(path))))
		return err;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}
