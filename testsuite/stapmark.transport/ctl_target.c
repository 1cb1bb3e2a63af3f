// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A running program with a marker, for the attach tests: fires ctl_tick
 * every half millisecond forever; on SIGUSR1 prints "enabled=N", whether
 * anything listens at the marker now (marker_enabled), on stdout.
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <stapmark/marker.h>

static volatile sig_atomic_t report;

static void on_usr1(int sig)
{
	(void)sig;
	report = 1;
}

int main(void)
{
	long i;

	signal(SIGUSR1, on_usr1);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	for (i = 0;; i++) {
		trace_mark(ctl_tick, "n %ld", i);
		if (report) {
			report = 0;
			printf("enabled=%d\n", marker_enabled(ctl_tick));
		}
		usleep(500);
	}
}
