/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench-kmod.ko's parts: bench-main.c (control file, dispatch cases) and
 * bench-writers.c (the output-rate case). */
#ifndef BENCH_KMOD_H
#define BENCH_KMOD_H

#include <linux/types.h>

/* marker-example.ko: the function holding the subsystem_event marker, and
 * the same function without it (the floor). */
void marker_example_event(int value, const char *str);
void marker_example_nop(int value, const char *str);

/* "writers N": every online CPU calls marker_example_event() N times at
 * once; result "writers CPUS CALLS WALL_NS".  0 or -errno. */
int bench_writers_run(unsigned long events, char *result, size_t len);

#endif
