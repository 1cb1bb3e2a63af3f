// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The old-design multiplexer (see oldmux.h).  It lives in its own
 * translation unit so the compiler cannot specialise it for the benchmark's
 * probe, just as the kernel's marker.c could not see the probes of modules.
 */
#include "oldmux.h"

void oldmark_probe_cb(const struct oldmark *m, void *call_private, const char *fmt, ...)
{
	const struct marker_probe_closure *p;
	va_list args, copy;

	va_start(args, fmt);
	for (p = m->multi; p->func; p++) {
		/* Each probe consumes its own copy: a va_list is read once. */
		va_copy(copy, args);
		p->func(p->probe_private, call_private, fmt, &copy);
		va_end(copy);
	}
	va_end(args);
}

void oldmark_arm(struct oldmark *m, const struct marker_probe_closure *probes)
{
	m->multi = probes;
	m->call = oldmark_probe_cb;
	__atomic_store_n(&m->state, 1, __ATOMIC_RELEASE);
}
