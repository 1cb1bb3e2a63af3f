/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The options the traced test programs share (stapmark.run's target,
 * stapmark.scripts' marktest): how long their marker loop runs and what
 * it does besides firing.
 *   -n N   N iterations (default 5)
 *   -f     forever
 *   -s US  sleep US microseconds after each
 *   -k K   crash (a write through NULL: SIGSEGV) at iteration K
 *   -r     print "ready" first and answer signals (each program says which)
 */
#ifndef STAPMARK_TEST_LOOP_OPTIONS_H
#define STAPMARK_TEST_LOOP_OPTIONS_H

#include <stdlib.h>

#define LOOP_OPTSTRING "n:fs:k:r"

struct loop_options {
	long n, sleep_us, crash_after;
	int forever, ready;
};

#define LOOP_OPTIONS_DEFAULT                                                       \
	{                                                                          \
		.n = 5, .sleep_us = 0, .crash_after = -1, .forever = 0, .ready = 0 \
	}

/* Takes getopt's opt and optarg; 0 when opt is not one of the above. */
static inline int loop_option(struct loop_options *o, int opt, const char *arg)
{
	switch (opt) {
	case 'n':
		o->n = atol(arg);
		return 1;
	case 'f':
		o->forever = 1;
		return 1;
	case 's':
		o->sleep_us = atol(arg);
		return 1;
	case 'k':
		o->crash_after = atol(arg);
		return 1;
	case 'r':
		o->ready = 1;
		return 1;
	}
	return 0;
}

/* Whether iteration i runs; crashes first when i is the -k one. */
static inline int loop_continues(const struct loop_options *o, long i)
{
	if (i == o->crash_after)
		*(volatile int *)NULL = 1;
	return o->forever || i < o->n;
}

#endif
