/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Function-entry and function-return probes with in-process handlers
 * (libmarkers, Linux 5.13 or later), for a program's own use.  stapmark's
 * process("PATH").function("SYM") probes no longer use it: they attach a
 * BPF uprobe from outside and run their handlers in stapmark (faster per
 * hit, and usable on any process).
 *
 * A probe is a perf uprobe event on every thread of the process, opened
 * with sigtrap: each hit makes the kernel send the thread that hit it a
 * synchronous SIGTRAP, whose handler (in libmarkers, chained in front of
 * the program's own) calls the probe with the registers as they were at
 * the hit.  A hit costs a trap and a signal (microseconds), where a marker
 * costs a call: use markers where the code can carry them.
 *
 * The threads running at registration are covered; a thread created later
 * is covered once it calls marker_uprobe_cover_self().  Threads created by
 * pthread_create do it first thing: in programs linking libmarkers, which
 * wraps pthread_create, and under stapmark -c, whose preloaded module does
 * (not under a sanitizer runtime, whose own thread start must run first).
 * Forked children and exec'd programs are not covered.  A hit inside a probe
 * handler on the same thread is dropped (counted by marker_uprobe_dropped).
 */
#ifndef STAPMARK_UPROBE_H
#define STAPMARK_UPROBE_H

#ifdef __cplusplus
extern "C" {
#endif

struct marker_uprobe;

/* ucontext: the ucontext_t of the hit (registers at the function's first
 * instruction, or just after it returned). */
typedef void marker_uprobe_func(void *probe_private, void *ucontext);

/*
 * Call probe at each hit of the function at file offset offset of the ELF
 * file path (its entry, or its return when retprobe), in every thread of
 * this process.  *out receives the handle.  Returns 0, or -errno: -ENOSYS
 * (no uprobe support in perf events), -EACCES/-EPERM (perf_event_paranoid),
 * -EINVAL, -ENOMEM, -ENOSPC (too many probes).
 */
__attribute__((visibility("default"))) int
marker_uprobe_register(const char *path, unsigned long offset, int retprobe,
		       marker_uprobe_func *probe, void *probe_private, struct marker_uprobe **out);

/* Stop the probe; when this returns no thread runs it any more. */
__attribute__((visibility("default"))) void marker_uprobe_unregister(struct marker_uprobe *u);

/* Cover the calling thread with every registered probe (a new thread,
 * before it runs its code).  Cheap when no probe is registered. */
__attribute__((visibility("default"))) void marker_uprobe_cover_self(void);

/* pthread_create(thread, attr, fn, arg) through create (libc's), the new
 * thread covering itself before it runs fn. */
#include <pthread.h>
typedef int marker_pthread_create_func(pthread_t *thread, const pthread_attr_t *attr,
				       void *(*fn)(void *), void *arg);
__attribute__((visibility("default"))) int
marker_uprobe_pthread_create(marker_pthread_create_func *create, pthread_t *thread,
			     const pthread_attr_t *attr, void *(*fn)(void *), void *arg);

/* Hits dropped because they came inside a probe handler of the same thread. */
__attribute__((visibility("default"))) unsigned long marker_uprobe_dropped(void);

#ifdef __cplusplus
}
#endif

#endif /* STAPMARK_UPROBE_H */
