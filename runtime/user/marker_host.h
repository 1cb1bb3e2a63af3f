/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * User-space host of the marker core (libmarkers): liburcu's "bp" flavour for
 * the read side.  Its read side is the same as "memb" (a compiler barrier
 * thanks to membarrier(2)), and it adds what markers in arbitrary programs
 * need: threads register themselves on first use, signal-safely, and
 * fork() is handled (see host.c).
 */
#ifndef STAPMARK_USER_MARKER_HOST_H
#define STAPMARK_USER_MARKER_HOST_H

#define _LGPL_SOURCE 1
#include <urcu-bp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <stapmark/marker.h>

#if defined(__SANITIZE_THREAD__)
#define MARKER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MARKER_TSAN 1
#endif
#endif

#ifdef MARKER_TSAN
/* ThreadSanitizer cannot see membarrier(2): tell it that a grace period
 * orders every earlier read-side section before what follows it. */
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
extern char marker_tsan_grace;
#define host_tsan_release() __tsan_release(&marker_tsan_grace)
#define host_tsan_acquire() __tsan_acquire(&marker_tsan_grace)
#else
#define host_tsan_release() ((void)0)
#define host_tsan_acquire() ((void)0)
#endif

extern unsigned long marker_nested_drops;

static inline void host_count_nested_drop(void)
{
	__atomic_add_fetch(&marker_nested_drops, 1, __ATOMIC_RELAXED);
}

/*
 * The read side and the nesting guard in one (the core's optional
 * host_dispatch_enter/exit).  The depth of marker dispatch on a thread is
 * liburcu-bp's own nest count of read-side sections: each dispatch holds
 * exactly one, so a probe firing a marker, or a signal handler firing one
 * inside a probe, finds it one higher.  (A program that holds liburcu-bp
 * read locks of its own around a marker spends part of the budget.)
 *
 * This is urcu_bp_read_lock/unlock as liburcu's static header writes them,
 * split so that the common case stays short: a registered thread, not
 * nested, and a liburcu-bp whose grace periods use membarrier(2), so that
 * the read side needs no fence.  marker_urcu_fast caches that last fact in
 * libmarkers (no GOT load); it is 0 until host_dispatch_enter_slow() has
 * seen liburcu-bp initialised, and 0 means "fence", which is always safe.
 * Everything else (first use on a thread, nesting, no membarrier) takes
 * host_dispatch_enter_slow() in host.c.
 */
#define HOST_DISPATCH 1

struct host_dispatch {
	struct urcu_bp_reader *reader;
};

extern int marker_urcu_fast;
int host_dispatch_enter_slow(struct host_dispatch *d);

static inline int host_dispatch_enter(struct host_dispatch *d)
{
	struct urcu_bp_reader *r = URCU_TLS(urcu_bp_reader);

	if (__builtin_expect(r != NULL && __atomic_load_n(&marker_urcu_fast, __ATOMIC_RELAXED),
			     1)) {
		unsigned long ctr = __atomic_load_n(&r->ctr, __ATOMIC_RELAXED);

		if (__builtin_expect(!(ctr & URCU_BP_GP_CTR_NEST_MASK), 1)) {
			/* Outermost: take the current phase with a count of 1.  The
			 * writer's membarrier(2) orders this store before our reads. */
			__atomic_store_n(&r->ctr,
					 __atomic_load_n(&urcu_bp_gp.ctr, __ATOMIC_RELAXED),
					 __ATOMIC_RELAXED);
			cmm_barrier();
			d->reader = r;
			return 1;
		}
	}
	return host_dispatch_enter_slow(d);
}

static inline void host_dispatch_exit(struct host_dispatch *d)
{
	struct urcu_bp_reader *r = d->reader;

	host_tsan_release();
	if (__builtin_expect(!__atomic_load_n(&marker_urcu_fast, __ATOMIC_RELAXED), 0))
		cmm_smp_mb(); /* no membarrier(2): the probes' reads before the count drops */
	else
		cmm_barrier();
	__atomic_store_n(&r->ctr, __atomic_load_n(&r->ctr, __ATOMIC_RELAXED) - URCU_BP_GP_COUNT,
			 __ATOMIC_RELAXED);
}

#ifdef __MARKER_ARGV_ABI
/*
 * __marker_probe_argv (dispatch.c): a va_list over the arguments a site
 * stored in 8-byte slots.  x86-64 psABI 3.5.7: va_arg takes an integer from
 * the register save area while gp_offset < 48 and a floating-point value
 * while fp_offset < 176 (48 + 8 * 16); past those it reads
 * overflow_arg_area, 8-byte slots in order (16-byte aligned for long
 * double), which is the site's layout.  So: registers used up, stack = argv.
 */
#define MARKER_HAVE_ARGV 1

_Static_assert(sizeof(va_list) == sizeof(struct __marker_va_tag), "x86-64 va_list layout");

static inline void host_va_from_argv(va_list ap, const void *argv)
{
	struct __marker_va_tag t = {48, 176, argv, NULL};

	memcpy(ap, &t, sizeof(t));
}

/*
 * __marker_probe_argi: integer-class arguments only (integers, pointers).
 * va_arg takes those from reg_save_area + gp_offset while gp_offset < 48,
 * then from overflow_arg_area: slots 0-5 are the "registers", slots 6 on
 * the "stack", one array.  The same values, and the branch va_arg lays out
 * as its fall-through (bench/README.md).
 */
static inline void host_va_from_argi(va_list ap, const void *argv)
{
	struct __marker_va_tag t = {0, 176, (const char *)argv + 48, argv};

	memcpy(ap, &t, sizeof(t));
}
#endif

/* Acquire/release atomics: free on x86, and visible to ThreadSanitizer. */
#define host_dereference(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define host_assign(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)

#endif /* STAPMARK_USER_MARKER_HOST_H */
