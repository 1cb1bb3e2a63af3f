// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The armed path of a marker in the runtime: a site calls one of the entry
 * points below with its arguments; they call the probes under the RCU read
 * side, in registration order, each with a fresh va_list.  (In user space,
 * C sites on x86-64 call the probes themselves in the common case and come
 * here for the rest: a thread's first event, nesting, signal handlers;
 * see __marker_dispatch in marker.h.)
 *
 * Two entry points, one behaviour:
 *  - __marker_probe_cb(m, call_private, ...): variadic, works everywhere.
 *    Its cost is the ABI's: the prologue spills the argument registers to
 *    the register save area and va_arg reads them back through it.
 *  - __marker_probe_argv/argi(m, call_private, argv), where the host says
 *    MARKER_HAVE_ARGV: the site has stored its (promoted) arguments in
 *    8-byte slots, just as a caller lays out variadic arguments on the
 *    stack, and we hand probes a va_list over them: "every register is
 *    used up, read the rest from the stack" (argv, any types), or "the
 *    register save area is argv" (argi, integers and pointers only).  Both
 *    are valid va_lists under the psABI, va_arg reads the same values, and
 *    nothing is spilled (bench/README.md has the numbers).
 */
#include "host.h"
#include "registry.h"

/*
 * Enter the read side, or refuse when this thread is nested too deep (a
 * probe firing markers that fire probes...).  A host whose read side counts
 * nesting anyway provides host_dispatch_enter/exit (HOST_DISPATCH) and saves
 * keeping a second count; otherwise they are the two steps in turn.
 */
#ifndef HOST_DISPATCH
struct host_dispatch {
	char unused;
};

static inline int host_dispatch_enter(struct host_dispatch *d)
{
	(void)d;
	if (!host_nesting_enter())
		return 0;
	host_read_lock();
	return 1;
}

static inline void host_dispatch_exit(struct host_dispatch *d)
{
	(void)d;
	host_read_unlock();
	host_nesting_exit();
}
#endif

#define DISPATCH_ENTER(d)                                           \
	do {                                                        \
		if (__builtin_expect(!host_dispatch_enter(d), 0)) { \
			host_count_nested_drop();                   \
			return;                                     \
		}                                                   \
	} while (0)

void __marker_probe_cb(const struct marker *m, void *call_private, ...)
{
	const struct marker_probe_closure *probes;
	struct host_dispatch d;
	va_list args;

	DISPATCH_ENTER(&d);
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
	host_dispatch_exit(&d);
}

#ifdef MARKER_HAVE_ARGV
/*
 * The two argv entries differ only in how a va_list is made (marker_host.h:
 * host_va_from_argv or host_va_from_argi).  The loop stays inline: moving
 * it out of line saved the single probe nothing measurable and cost several
 * probes a call and a return (~2.5 ns, bench/README.md).
 */
#define DEFINE_ARGV_DISPATCH(entry, va_init)                                                      \
	void entry(const struct marker *m, void *call_private, const void *argv)                  \
	{                                                                                         \
		const struct marker_probe_closure *probes;                                        \
		struct host_dispatch d;                                                           \
		va_list args;                                                                     \
                                                                                                  \
		DISPATCH_ENTER(&d);                                                               \
		probes = host_dereference(m->probes);                                             \
		if (__builtin_expect(probes != NULL, 1)) {                                        \
			const char *format = m->format;                                           \
                                                                                                  \
			/* A probe consumes its va_list: each one gets a fresh one. */            \
			do {                                                                      \
				va_init(args, argv);                                              \
				probes->func(probes->probe_private, call_private, format, &args); \
			} while ((++probes)->func);                                               \
		}                                                                                 \
		host_dispatch_exit(&d);                                                           \
	}

DEFINE_ARGV_DISPATCH(__marker_probe_argv, host_va_from_argv)
DEFINE_ARGV_DISPATCH(__marker_probe_argi, host_va_from_argi)
#endif
