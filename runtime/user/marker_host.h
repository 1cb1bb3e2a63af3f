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

/* Per-thread nesting depth of marker dispatch (initial-exec: no TLS call). */
extern __thread int marker_nesting __attribute__((tls_model("initial-exec")));
extern unsigned long marker_nested_drops;

static inline int host_nesting_enter(void)
{
	if (marker_nesting >= MARKER_MAX_NESTING)
		return 0;
	marker_nesting++;
	return 1;
}

static inline void host_nesting_exit(void)
{
	marker_nesting--;
}

static inline void host_count_nested_drop(void)
{
	__atomic_add_fetch(&marker_nested_drops, 1, __ATOMIC_RELAXED);
}

static inline void host_read_lock(void)
{
	urcu_bp_read_lock();
}

static inline void host_read_unlock(void)
{
	host_tsan_release();
	urcu_bp_read_unlock();
}

/* Acquire/release atomics: free on x86, and visible to ThreadSanitizer. */
#define host_dereference(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define host_assign(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)

#endif /* STAPMARK_USER_MARKER_HOST_H */
