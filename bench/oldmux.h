/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A reference implementation of the Linux 2.6.24/2.6.25 marker dispatch,
 * kept only so the benchmark can put today's dispatch next to the old
 * design: the site tests a state byte and calls through a function pointer
 * in its struct; the callee is one variadic multiplexer that builds a
 * va_list and walks a NULL-terminated probe array, giving each probe a
 * va_copy.  No RCU read side, no nesting guard, no single-probe fast path.
 */
#ifndef STAPMARK_BENCH_OLDMUX_H
#define STAPMARK_BENCH_OLDMUX_H

#include <stapmark/marker.h>

struct oldmark {
	const char *name;
	const char *format;
	unsigned char state;
	void (*call)(const struct oldmark *m, void *call_private, const char *fmt, ...);
	const struct marker_probe_closure *multi; /* NULL-terminated */
};

/* The multiplexer the old marker.call pointed at once probes were attached. */
void oldmark_probe_cb(const struct oldmark *m, void *call_private, const char *fmt, ...);

/* Point m at probes (NULL-terminated) and turn it on. */
void oldmark_arm(struct oldmark *m, const struct marker_probe_closure *probes);

/* The old site: one predicted branch on the state byte, then an indirect call. */
#define old_trace_mark(m, format, ...)                                                  \
	do {                                                                            \
		if (__builtin_expect(__atomic_load_n(&(m).state, __ATOMIC_RELAXED), 0)) \
			(m).call(&(m), NULL, format, ##__VA_ARGS__);                    \
	} while (0)

#endif /* STAPMARK_BENCH_OLDMUX_H */
