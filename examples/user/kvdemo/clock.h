/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Monotonic time in nanoseconds, for latencies and ages. */
#ifndef KVDEMO_CLOCK_H
#define KVDEMO_CLOCK_H

#include <time.h>

static inline unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

#endif /* KVDEMO_CLOCK_H */
