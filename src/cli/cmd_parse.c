// SPDX-License-Identifier: MIT
/* uprobectl parse: records from saved trace or trace_pipe text, such as a
 * trace copied off a board. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "recout.h"

static int parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", 0, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	/* in .bss, not .data: it is large */
	static struct recout w;
	static char buf[1 << 20];
	const char *file;
	size_t have = 0;
	int opt, fd, status = EXIT_OK;
	struct stat st;
	void *map;

	w.out.fd = 1;
	w.stacks = true;
	while ((opt = cli_getopt(argc, argv, "qv", longopts)) != -1) {
		if (opt == OPT_JSON)
			w.json = true;
		else if (!cli_common_opt(opt))
			return cli_bad_option(argv);
	}
	if (argc - optind > 1)
		return cli_usage("expected at most one FILE");
	file = optind < argc ? argv[optind] : "-";
	fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0) {
		cli_err("%s: %s", file, strerror(errno));
		return EXIT_FAIL;
	}
	/* a regular file is parsed where it lies: no copy into a buffer */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < SIZE_MAX &&
	    (map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) != MAP_FAILED) {
		const char *p = map, *end = p + st.st_size;

		madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
		while (p < end && !w.out.failed) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));

			recout_line(&w, p, (size_t)((nl ? nl : end) - p));
			p = nl ? nl + 1 : end;
		}
		recout_flush_pending(&w);
		munmap(map, (size_t)st.st_size);
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - have);
		size_t start = 0;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cli_err("%s: %s", file, strerror(errno));
			status = EXIT_FAIL;
			break;
		}
		if (!r) {
			if (have)
				recout_line(&w, buf, have);	/* no final newline */
			recout_flush_pending(&w);
			break;
		}
		have += (size_t)r;
		for (char *nl; (nl = memchr(buf + start, '\n', have - start));) {
			recout_line(&w, buf + start, (size_t)(nl - buf) - start);
			start = (size_t)(nl - buf) + 1;
		}
		recout_detach(&w);
		if (!start && have == sizeof(buf)) {
			recout_line(&w, buf, have);	/* a line longer than the buffer */
			recout_detach(&w);
			have = 0;
			continue;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
		if (w.out.failed)
			break;
	}
	recout_flush_pending(&w);
out:
	ob_flush(&w.out);
	recout_free(&w);
	if (fd > 0)
		close(fd);
	return status;
}

const struct cmd cmd_parse = { "parse", parse };
