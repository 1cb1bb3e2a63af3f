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
#include "loop_options.h"

static volatile sig_atomic_t report;

static void on_usr1(int sig)
{
	(void)sig;
	report = 1;
}

int main(int argc, char **argv)
{
	struct loop_options o = LOOP_OPTIONS_DEFAULT;
	int opt;

	while ((opt = getopt(argc, argv, LOOP_OPTSTRING)) != -1) {
		if (!loop_option(&o, opt, optarg)) {
			fprintf(stderr, "usage: target [-n N | -f] [-s US] [-k K] [-r]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o.ready) {
		signal(SIGUSR1, on_usr1);
		printf("ready\n");
	}
	for (long i = 0; loop_continues(&o, i); i++) {
		trace_mark(run_tick, "i %ld key %ld", i, i % 3);
		if (report) {
			report = 0;
			printf("enabled=%d\n", marker_enabled(run_tick));
		}
		if (o.sleep_us)
			usleep(o.sleep_us);
	}
	return 0;
}
