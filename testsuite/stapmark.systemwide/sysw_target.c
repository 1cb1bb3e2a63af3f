// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A traced program for the system-wide tests: fires
 *	trace_mark(sysw_tick, "i %ld", i)
 * for i = 0, 1, ... (loop options: testsuite/lib/loop_options.h).  With -r
 * it prints "ready PID" and fires only after SIGUSR1, so that a test can
 * have it running before stapmark starts and firing only once stapmark
 * has attached to it: a handshake, not a sleep.  -t runs the loop in a
 * second thread too (tid() differs from pid() there); -p forks first, and
 * the child runs it too (the parent waits for it); -e executes the
 * program again at the end, without -e (same pid, a new image).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stapmark/marker.h>
#include "loop_options.h"

static struct loop_options o = LOOP_OPTIONS_DEFAULT;

static void *fire(void *arg)
{
	(void)arg;
	for (long i = 0; loop_continues(&o, i); i++) {
		trace_mark(sysw_tick, "i %ld", i);
		if (o.sleep_us)
			usleep(o.sleep_us);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int opt, thread = 0, forks = 0, reexec = 0, st = 0;
	pthread_t t;
	pid_t child = -1;

	while ((opt = getopt(argc, argv, LOOP_OPTSTRING "tpe")) != -1) {
		if (opt == 't') {
			thread = 1;
		} else if (opt == 'p') {
			forks = 1;
		} else if (opt == 'e') {
			reexec = 1;
		} else if (!loop_option(&o, opt, optarg)) {
			fprintf(stderr, "usage: sysw_target [-n N | -f] [-s US] [-k K] [-r] [-t] "
					"[-p] [-e]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o.ready) {
		sigset_t usr1;

		/* Blocked before "ready": the signal cannot come too early,
		 * and sigwaitinfo takes it without a handler. */
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		printf("ready %d\n", (int)getpid());
		/* EINTR after a SIGSTOP and SIGCONT (signal(7)): not the go. */
		while (sigwaitinfo(&usr1, NULL) < 0 && errno == EINTR)
			;
	}
	if (forks && (child = fork()) < 0)
		return 1;
	if (thread && pthread_create(&t, NULL, fire, NULL) == 0) {
		fire(NULL);
		pthread_join(t, NULL);
	} else {
		fire(NULL);
	}
	if (child > 0 && (waitpid(child, &st, 0) != child || st != 0))
		return 1;
	if (reexec) {
		char n[32];

		snprintf(n, sizeof(n), "%ld", o.n);
		execl("/proc/self/exe", argv[0], "-n", n, (char *)NULL);
		return 1;
	}
	return 0;
}
