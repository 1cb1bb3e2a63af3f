/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_PASS_CLOCK_H
#define STAPMARK_PASS_CLOCK_H
/*
 * Timing of a pass for -v, printed as stap does: "in 20usr/0sys/21real ms."
 */
#include <sys/resource.h>
#include <time.h>

struct pass_clock {
	struct timespec real;
	struct rusage ru;
};

void clock_start(struct pass_clock *c);
/* "in Nusr/Nsys/Nreal ms.\n" on stderr: the time since clock_start. */
void clock_report(const struct pass_clock *c);
#endif
