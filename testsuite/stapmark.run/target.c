// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A traced program for the pass 5 tests: fires
 *	trace_mark(run_tick, "i %ld key %ld", i, i % 3)
 * for i = 0, 1, ...
 *   -n N   N times (default 5), then exits 0
 *   -f     forever
 *   -s US  sleep US microseconds after each
 *   -k K   crash (a write through NULL: SIGSEGV) after K
 *   -r     print "ready" first and, on SIGUSR1, "enabled=N": whether
 *          anything listens at run_tick now (marker_enabled)
 * Output is line-buffered, so that a test can read it while it runs.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <stapmark/marker.h>

static volatile sig_atomic_t report;

static void on_usr1(int sig)
{
	(void)sig;
	report = 1;
}

int main(int argc, char **argv)
{
	long n = 5, crash_after = -1, sleep_us = 0;
	int forever = 0, ready = 0, opt;

	while ((opt = getopt(argc, argv, "n:fs:k:r")) != -1) {
		switch (opt) {
		case 'n':
			n = atol(optarg);
			break;
		case 'f':
			forever = 1;
			break;
		case 's':
			sleep_us = atol(optarg);
			break;
		case 'k':
			crash_after = atol(optarg);
			break;
		case 'r':
			ready = 1;
			break;
		default:
			fprintf(stderr, "usage: target [-n N | -f] [-s US] [-k K] [-r]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (ready) {
		signal(SIGUSR1, on_usr1);
		printf("ready\n");
	}
	for (long i = 0; forever || i < n; i++) {
		if (i == crash_after)
			*(volatile int *)NULL = 1;
		trace_mark(run_tick, "i %ld key %ld", i, i % 3);
		if (report) {
			report = 0;
			printf("enabled=%d\n", marker_enabled(run_tick));
		}
		if (sleep_us)
			usleep(sleep_us);
	}
	return 0;
}
