/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Floors for the benchmark (see README.md, "What the costs are made of"):
 * the control flow an armed marker cannot avoid, with none of its work.
 * The site tests a 16-bit flag as a marker site tests its semaphore and
 * calls a dispatcher in another translation unit through a pointer (a
 * marker site calls through the GOT); the dispatcher calls each probe
 * through a pointer with one fixed argument.  No RCU, no nesting guard, no
 * va_list: what is left is two calls and two returns per event, plus one
 * call and return per extra probe.
 */
#ifndef STAPMARK_BENCH_FLOOR_H
#define STAPMARK_BENCH_FLOOR_H

struct floor_probe {
	void (*func)(void *probe_private, long value);
	void *probe_private;
};

/* Calls every probe of the NULL-terminated array p with value. */
void floor_dispatch(const struct floor_probe *p, long value);

#endif
