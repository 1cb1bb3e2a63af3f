// SPDX-License-Identifier: GPL-2.0-or-later
/* Timing of a pass for -v (pass_clock.h). */
#include <stdio.h>

#include "pass_clock.h"

void clock_start(struct pass_clock *c)
{
	clock_gettime(CLOCK_MONOTONIC, &c->real);
	getrusage(RUSAGE_SELF, &c->ru);
}

static long tv_ms(struct timeval a, struct timeval b)
{
	return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_usec - a.tv_usec) / 1000;
}

void clock_report(const struct pass_clock *c)
{
	struct pass_clock now;

	clock_start(&now);
	fprintf(stderr, "in %ldusr/%ldsys/%ldreal ms.\n", tv_ms(c->ru.ru_utime, now.ru.ru_utime),
		tv_ms(c->ru.ru_stime, now.ru.ru_stime),
		(now.real.tv_sec - c->real.tv_sec) * 1000 +
			(now.real.tv_nsec - c->real.tv_nsec) / 1000000);
}
