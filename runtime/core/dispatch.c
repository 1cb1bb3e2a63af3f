// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fast path of an armed marker: the site calls __marker_probe_cb()
 * directly with its arguments; it calls the probes under the RCU read side.
 * One probe is called straight (no loop); several are called in
 * registration order, each with a fresh va_list.
 */
#include "host.h"
#include "registry.h"

void __marker_probe_cb(const struct marker *m, void *call_private, ...)
{
	const struct marker_probe_closure *probes;
	va_list args;

	if (__builtin_expect(!host_nesting_enter(), 0)) {
		host_count_nested_drop();
		return;
	}
	host_read_lock();
	probes = host_dereference(m->probes);
	if (__builtin_expect(probes != NULL, 1)) {
		if (__builtin_expect(probes[1].func == NULL, 1)) {
			va_start(args, call_private);
			probes[0].func(probes[0].probe_private, call_private, m->format, &args);
			va_end(args);
		} else {
			for (; probes->func; probes++) {
				va_start(args, call_private);
				probes->func(probes->probe_private, call_private, m->format, &args);
				va_end(args);
			}
		}
	}
	host_read_unlock();
	host_nesting_exit();
}
