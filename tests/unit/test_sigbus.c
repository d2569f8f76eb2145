// SPDX-License-Identifier: MIT
/*
 * The CLI's SIGBUS handler (src/cli/sigbus.c): a mapped file truncated under
 * the reader gives zeros past its new end and a flag, never a dead process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/cli/cli.h"

static void test_truncated_mapping(void **state)
{
	char tmp[] = "/tmp/upc-sigbus-XXXXXX";
	long pg = sysconf(_SC_PAGESIZE);
	char *buf = malloc((size_t)pg * 3);
	volatile const char *map;
	int fd = mkstemp(tmp);

	(void)state;
	assert_true(fd >= 0);
	assert_non_null(buf);
	memset(buf, 'A', (size_t)pg * 3);
	assert_int_equal(write(fd, buf, (size_t)pg * 3), pg * 3);
	map = mmap(NULL, (size_t)pg * 3, PROT_READ, MAP_PRIVATE, fd, 0);
	assert_true(map != MAP_FAILED);
	sigbus_catch();
	assert_false(sigbus_seen());
	assert_int_equal(map[2 * pg + 5], 'A');
	assert_int_equal(ftruncate(fd, pg), 0);	/* the file shrinks to one page */
	assert_int_equal(map[5], 'A');
	assert_false(sigbus_seen());
	assert_int_equal(map[2 * pg + 5], 0);	/* past the end: zeros, not death */
	assert_true(sigbus_seen());
	assert_int_equal(map[pg + 1], 0);
	munmap((void *)map, (size_t)pg * 3);
	close(fd);
	unlink(tmp);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truncated_mapping),
	};

	return cmocka_run_group_tests_name("sigbus", tests, NULL, NULL);
}
