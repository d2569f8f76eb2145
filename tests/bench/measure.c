// SPDX-License-Identifier: MIT
/*
 * measure RUNS COMMAND ARGS...: run COMMAND RUNS times (output discarded)
 * and print "median_wall_ms median_peak_rss_kib exit_status", the peak RSS
 * from wait4()'s rusage of the child; the status is the first run's that
 * was not 0 (0 only when every run succeeded), so a figure is never taken
 * from a run that failed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[1]) : 0, status = 0, failed = 0;
	double *wall, *rss;

	if (runs < 1) {
		fprintf(stderr, "usage: measure RUNS COMMAND [ARGS...]\n");
		return 2;
	}
	wall = calloc((size_t)runs, sizeof(*wall));
	rss = calloc((size_t)runs, sizeof(*rss));
	for (int i = 0; i < runs; i++) {
		struct timespec t0, t1;
		struct rusage ru;
		pid_t pid;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		pid = fork();
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, 1);
			dup2(fd, 2);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
			return 1;
		if (!failed && status)
			failed = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		wall[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		rss[i] = (double)ru.ru_maxrss;
	}
	qsort(wall, (size_t)runs, sizeof(*wall), cmpd);
	qsort(rss, (size_t)runs, sizeof(*rss), cmpd);
	printf("%.2f %.0f %d\n", wall[runs / 2], rss[runs / 2], failed);
	return 0;
}
