// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The function-probe tests' program (ufunc.exp): no libmarkers, no
 * markers, nothing of stapmark.  It prints "ready PID" and waits for
 * SIGUSR1, then calls uf_step(i, name) for i = 0..N-1 (in a second thread
 * too with -t) and uf_jump(i), which longjmp()s out of itself for even i
 * (its return is never seen), and exits.
 *   uf_target [-n N] [-t]
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long n = 10;
static jmp_buf out;
static volatile long sink;

__attribute__((noinline)) long uf_step(long i, const char *name)
{
	sink += (long)strlen(name);
	return 2 * i;
}

__attribute__((noinline)) static void uf_leave(long i)
{
	if (!(i & 1))
		longjmp(out, 1);
}

__attribute__((noinline)) long uf_jump(long i)
{
	uf_leave(i);
	return i + 100;
}

static void *run(void *arg)
{
	const char *name = arg;

	for (long i = 0; i < n; i++)
		uf_step(i, name);
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = 0, opt;
	sigset_t usr1;
	pthread_t t;

	while ((opt = getopt(argc, argv, "n:t")) != -1) {
		if (opt == 'n')
			n = atol(optarg);
		else if (opt == 't')
			threads = 1;
		else
			return 2;
	}
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if (sigwaitinfo(&usr1, NULL) < 0)
		return 1;
	if (threads && pthread_create(&t, NULL, run, "thread"))
		return 1;
	run("main");
	if (threads)
		pthread_join(t, NULL);
	for (volatile long i = 0; i < n; i++)
		if (!setjmp(out))
			sink += uf_jump(i);
	printf("done\n");
	return 0;
}
