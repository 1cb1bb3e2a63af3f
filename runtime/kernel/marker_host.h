/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel host of the marker core (markers.ko): the inline parts the core's
 * fast path needs.  See host.c for the rest of the host interface.
 *
 * Read side: RCU-sched, i.e. preemption disabled around the probe calls.
 * Why not SRCU: srcu_read_lock() costs a full memory barrier on every event
 * and an srcu_struct per user; its only gain, probes that may sleep, is
 * something a probe must never do anyway since markers fire from any context
 * (hard and soft interrupts, NMI through bridges, the scheduler itself under
 * the runqueue lock).  RCU-sched costs a per-CPU preempt-count increment, works
 * in every one of those contexts, and synchronize_rcu() (which waits for
 * preempt-disabled regions since Linux 4.20) is the matching grace period.
 * Tracepoints made the same choice.
 *
 * Nesting guard: a per-CPU depth per interrupt context level (task, softirq,
 * hardirq, NMI), so that an interrupt arriving in the middle of a probe is not
 * counted as recursion of that probe, and each level may nest
 * MARKER_MAX_NESTING deep.  Preemption is disabled from host_nesting_enter()
 * to host_nesting_exit(), so the depth stays on the CPU that counted it.
 */
#ifndef STAPMARK_KERNEL_MARKER_HOST_H
#define STAPMARK_KERNEL_MARKER_HOST_H

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/stdarg.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/atomic.h>
#include <stapmark/marker.h>

struct marker_nesting {
	int depth[4]; /* by interrupt_context_level() */
};
DECLARE_PER_CPU(struct marker_nesting, marker_nesting);
extern atomic_long_t marker_nested_drops;

static __always_inline int host_nesting_enter(void)
{
	int *depth;

	preempt_disable_notrace();
	depth = this_cpu_ptr(&marker_nesting.depth[interrupt_context_level()]);
	if (unlikely(*depth >= MARKER_MAX_NESTING)) {
		preempt_enable_notrace();
		return 0;
	}
	(*depth)++;
	return 1;
}

static __always_inline void host_nesting_exit(void)
{
	this_cpu_ptr(&marker_nesting.depth[interrupt_context_level()])[0]--;
	preempt_enable_notrace();
}

static __always_inline void host_count_nested_drop(void)
{
	atomic_long_inc(&marker_nested_drops);
}

static __always_inline void host_read_lock(void)
{
	rcu_read_lock_sched_notrace();
}

static __always_inline void host_read_unlock(void)
{
	rcu_read_unlock_sched_notrace();
}

#define host_dereference(p) rcu_dereference_sched(p)
#define host_assign(p, v) rcu_assign_pointer(p, v)

/* A site went on or off (host.c): its jump label follows, and a bridge
 * (bridges.c) attaches to its tracepoint while its site is on.  Under the
 * registry mutex, which is what lets it sleep: flipping a static key takes
 * the CPU hotplug lock and the jump label mutex and patches text. */
struct marker;
void marker_kernel_site_changed(struct marker *m);
void marker_bridge_site_changed(struct marker *m);
#define host_site_changed(m) marker_kernel_site_changed(m)

#endif /* STAPMARK_KERNEL_MARKER_HOST_H */
