// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Traced program for the script run tests (scripts.exp): fires markers with
 * known values.
 *
 *   marktest fmt        every marker format conversion once, in this order
 *                       (each marker named mt_<what>), then mt_done:
 *     mt_int    "d %d i %i u %u x %x o %o c %c"   -42, 42, 4000000000u, 0xbeef, 0755, 'A'
 *     mt_str    "s %s p %p"                        "hello, world", (void *)0x1234
 *     mt_size   "zu %zu zd %zd"                    SIZE_MAX - 1, (ssize_t)-5
 *     mt_short  "hhd %hhd hhu %hhu hd %hd hu %hu"  -100, 200, -30000, 60000
 *     mt_long   "lld %lld llu %llu ld %ld lu %lu"  LLONG_MIN, 12345678901234567890ull,
 *                                                  -1234567890123, 9876543210
 *     mt_max    "j %jd t %td"                      INTMAX_MIN + 1, (ptrdiff_t)-8
 *     mt_star   "w %*d p %.*s"                     5, 42, 3, "abcdef"
 *     mt_double "f %f"                             1.5
 *     mt_null   "s %s n %d"                        NULL, 1
 *     mt_bad    "s %s n %d"                        (char *)1, 2
 *     mt_ptr    "p %p n %d"                        "user data", 9 (for user_string)
 *     mt_after  "n %d"                             3 (the program is still alive)
 *     mt_done   MARK_NOARGS
 *   marktest loop       mt_tick "i %ld key %s" for i = 0, 1, ... with key
 *                       "k0", "k1", "k2" (i % 3); then mt_done
 *     -n N    N ticks (default 5)
 *     -f      forever
 *     -s US   sleep US microseconds after each
 *     -k K    crash (SIGSEGV, write through NULL) before tick K
 *     -r      print "ready" first; on SIGUSR1 print "enabled=N": whether
 *             anything listens at mt_tick now; on SIGUSR2 start 3 threads
 *             that call mt_step() 10 times each, then print "spawned"
 *     -d FILE create FILE when the loop is over (flood readers wait for it)
 * Each tick also calls mt_step(i, key), and the loop ends with mt_fact(4)
 * (recursive), for function probes.
 * Output is line-buffered.
 */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <stapmark/marker.h>
#include "loop_options.h"

#define NOINLINE __attribute__((noinline))

static volatile sig_atomic_t report, spawn;

static void on_usr1(int sig)
{
	(void)sig;
	report = 1;
}

/* With -r, SIGUSR2: the loop starts 3 threads calling mt_step 10 times
 * each (function probes in threads created after an attach). */
static void on_usr2(int sig)
{
	(void)sig;
	spawn = 1;
}

static const char *volatile null_str; /* volatile: the compiler must not see NULL */
static const char *volatile bad_str = (const char *)1;

static NOINLINE void fire_formats(void)
{
	trace_mark(mt_int, "d %d i %i u %u x %x o %o c %c", -42, 42, 4000000000u, 0xbeefu, 0755u,
		   'A');
	trace_mark(mt_str, "s %s p %p", "hello, world", (void *)0x1234);
	trace_mark(mt_size, "zu %zu zd %zd", (size_t)SIZE_MAX - 1, (ssize_t)-5);
	trace_mark(mt_short, "hhd %hhd hhu %hhu hd %hd hu %hu", (signed char)-100,
		   (unsigned char)200, (short)-30000, (unsigned short)60000);
	trace_mark(mt_long, "lld %lld llu %llu ld %ld lu %lu", LLONG_MIN, 12345678901234567890ull,
		   -1234567890123L, 9876543210UL);
	trace_mark(mt_max, "j %jd t %td", (intmax_t)INTMAX_MIN + 1, (ptrdiff_t)-8);
	trace_mark(mt_star, "w %*d p %.*s", 5, 42, 3, "abcdef");
	trace_mark(mt_double, "f %f", 1.5);
	trace_mark(mt_null, "s %s n %d", null_str, 1);
	trace_mark(mt_bad, "s %s n %d", bad_str, 2);
	trace_mark(mt_ptr, "p %p n %d", (void *)"user data", 9);
	trace_mark(mt_after, "n %d", 3);
	trace_mark(mt_done, MARK_NOARGS);
}

static const char *const keys[3] = {"k0", "k1", "k2"};

/* For function probes: a function of its own in the symbol table (noipa:
 * no inlining and no specialised clone under another name). */
__attribute__((noipa)) long mt_step(long i, const char *key)
{
	return 2 * i + (key[1] - '0');
}

/* Recursive, for @entry in return probes: calls nest. */
__attribute__((noipa)) long mt_fact(long n)
{
	long r;

	if (n <= 1)
		return 1;
	r = mt_fact(n - 1);
	__asm__ volatile("" : "+r"(r)); /* a real call, not a loop */
	return n * r;
}

static void *steps_thread(void *arg)
{
	for (long i = 0; i < 10; i++)
		mt_step(i, keys[i % 3]);
	return arg;
}

int main(int argc, char **argv)
{
	struct loop_options o = LOOP_OPTIONS_DEFAULT;
	const char *done_file = NULL;
	int opt;

	while ((opt = getopt(argc, argv, LOOP_OPTSTRING "d:")) != -1) {
		if (opt == 'd')
			done_file = optarg;
		else if (!loop_option(&o, opt, optarg))
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o.ready) {
		signal(SIGUSR1, on_usr1);
		signal(SIGUSR2, on_usr2);
		printf("ready\n");
	}
	if (strcmp(argv[optind], "fmt") == 0) {
		fire_formats(); /* prints nothing: its output would mix with the script's */
		return 0;
	}
	if (strcmp(argv[optind], "loop") != 0)
		goto usage;
	for (long i = 0; loop_continues(&o, i); i++) {
		trace_mark(mt_tick, "i %ld key %s", i, keys[i % 3]);
		mt_step(i, keys[i % 3]);
		if (report) {
			report = 0;
			printf("enabled=%d\n", marker_enabled(mt_tick));
		}
		if (spawn) {
			pthread_t t[3];

			spawn = 0;
			for (int k = 0; k < 3; k++)
				pthread_create(&t[k], NULL, steps_thread, NULL);
			for (int k = 0; k < 3; k++)
				pthread_join(t[k], NULL);
			printf("spawned\n");
		}
		if (o.sleep_us)
			usleep(o.sleep_us);
	}
	mt_fact(4);
	trace_mark(mt_done, MARK_NOARGS);
	if (done_file) {
		FILE *f = fopen(done_file, "w");
		if (f)
			fclose(f);
	}
	return 0;
usage:
	fprintf(stderr, "usage: marktest [-n N | -f] [-s US] [-k K] [-r] [-d FILE] fmt|loop\n");
	return 2;
}
