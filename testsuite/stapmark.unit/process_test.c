// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Markers and the process: markers fired from signal handlers (including a
 * thread whose very first marker call happens inside a handler), and fork()
 * while other threads fire markers - the child keeps working markers and can
 * still register, unregister and wait for a grace period.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stapmark/marker.h>
#include "unit.h"

static volatile long counts[10];

static void count_probe(void *pp, void *cp, const char *fmt, va_list *args)
{
	(void)cp;
	(void)fmt;
	(void)args;
	__atomic_add_fetch(&counts[(long)pp], 1, __ATOMIC_RELAXED);
}

static void fire_main(int i)
{
	trace_mark(proc_main, "i %d", i);
}

static void fire_signal(int sig)
{
	trace_mark(proc_signal, "sig %d", sig);
}

static void fire_worker(int i)
{
	trace_mark(proc_worker, "i %d", i);
}

static void fire_child(int i)
{
	trace_mark(proc_child, "i %d", i);
}

static volatile sig_atomic_t handled;
static void on_signal(int sig)
{
	fire_signal(sig);
	handled++;
}

/* ---- signals ---- */

static void *fresh_thread(void *arg)
{
	sigset_t wait_set;
	int sig;

	(void)arg;
	/* Wait for SIGUSR2 with it blocked, then take it through the handler:
	 * this thread's first marker call is inside the handler. */
	sigemptyset(&wait_set);
	sigaddset(&wait_set, SIGUSR2);
	sigwait(&wait_set, &sig);
	on_signal(sig);
	return NULL;
}

static void test_signals(void)
{
	struct sigaction sa;
	pthread_t t;
	sigset_t block;
	long i, sent = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);

	marker_probe_register("proc_main", "i %d", count_probe, (void *)0);
	marker_probe_register("proc_signal", "sig %d", count_probe, (void *)1);
	marker_arm("proc_main");
	marker_arm("proc_signal");

	/* Signals interrupting the main thread while it fires markers. */
	handled = 0;
	for (i = 0; i < 200000; i++) {
		fire_main((int)i);
		if (i % 1000 == 0) {
			raise(SIGUSR1);
			sent++;
		}
	}
	CHECK_EQ(counts[0], 200000, "main-thread events all delivered");
	CHECK_EQ(counts[1], sent, "every signal handler's marker delivered");

	/* A thread whose first marker call is in a signal handler. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	pthread_create(&t, NULL, fresh_thread, NULL);
	pthread_kill(t, SIGUSR2);
	pthread_join(t, NULL);
	CHECK_EQ(counts[1], sent + 1, "first marker of a thread inside a signal handler");

	marker_probe_unregister_private_data(count_probe, (void *)0);
	marker_probe_unregister_private_data(count_probe, (void *)1);
	marker_disarm("proc_main");
	marker_disarm("proc_signal");
	marker_synchronize_unregister();
}

/* ---- fork ---- */

static volatile int stop_workers;

static void *worker(void *arg)
{
	int i = 0;

	(void)arg;
	while (!__atomic_load_n(&stop_workers, __ATOMIC_RELAXED))
		fire_worker(i++);
	return NULL;
}

/* In the child: markers inherited armed still fire; the registry still works. */
static int child_checks(void)
{
	long before = counts[2];
	int i;

	alarm(20); /* a deadlock in the child fails the test instead of hanging it */
	for (i = 0; i < 1000; i++)
		fire_worker(i);
	if (counts[2] - before != 1000)
		return 10;
	if (marker_probe_register("proc_child", "i %d", count_probe, (void *)3))
		return 11;
	if (marker_arm("proc_child"))
		return 12;
	fire_child(1);
	if (counts[3] != 1)
		return 13;
	if (marker_probe_unregister("proc_child", count_probe, (void *)3))
		return 14;
	marker_synchronize_unregister();
	fire_child(2);
	if (counts[3] != 1)
		return 15;
	/* And the inherited probe can be removed with a grace period. */
	if (marker_probe_unregister("proc_worker", count_probe, (void *)2))
		return 16;
	marker_synchronize_unregister();
	before = counts[2];
	fire_worker(0);
	return counts[2] == before ? 0 : 17;
}

static void test_fork(void)
{
	pthread_t threads[3];
	int i, status, ok = 0, forks = 30;

	marker_probe_register("proc_worker", "i %d", count_probe, (void *)2);
	marker_arm("proc_worker");
	stop_workers = 0;
	for (i = 0; i < 3; i++)
		pthread_create(&threads[i], NULL, worker, NULL);
	for (i = 0; i < forks; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(child_checks());
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			ok++;
		else
			printf("child %d: status 0x%x\n", i, status);
		/* The parent keeps registering while workers fire. */
		marker_probe_register("proc_worker", "i %d", count_probe, (void *)9);
		marker_probe_unregister("proc_worker", count_probe, (void *)9);
		marker_synchronize_unregister();
	}
	__atomic_store_n(&stop_workers, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 3; i++)
		pthread_join(threads[i], NULL);
	CHECK_EQ(ok, forks, "children forked while threads fire markers all pass their checks");
	CHECK(counts[2] > 0, "parent's workers fired (%ld events)", counts[2]);
	marker_probe_unregister("proc_worker", count_probe, (void *)2);
	marker_disarm("proc_worker");
	marker_synchronize_unregister();
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	test_signals();
	test_fork();
	return UNIT_EXIT();
}
