// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tracepoint bridges: stock kernel tracepoints published as markers, so that
 * kernel.mark("sched_switch") works on an unmodified kernel.
 *
 * Each bridge is a marker of markers.ko (DEFINE_MARKER, so it is in our
 * __markers table and in our .note.stapmark for tools) whose format names the
 * fields it passes, and a tracepoint probe that fires it.  The tracepoint
 * probe is attached only while the marker's site is on - a probe registered
 * and armed on it - through the core's host_site_changed() hook, so a
 * dormant bridge costs the kernel nothing: its tracepoint stays a nop.
 *
 * The tracepoint probe signatures follow TP_PROTO of include/trace/events/ in
 * Linux 6.1 (sched.h, syscalls.h, irq.h, kmem.h, block.h, net.h, signal.h).
 * Strings (comm, device and handler names) are passed as %s.
 */
#include <linux/kernel.h>
#include <linux/blk-mq.h>
#include <linux/blktrace_api.h>
#include <linux/binfmts.h>
#include <linux/interrupt.h>
#include <linux/netdevice.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/skbuff.h>
#include <linux/tracepoint.h>
#include <asm/syscall.h>
/* Declarations only (no CREATE_TRACE_POINTS): for bridge_type_checks(). */
#include <trace/events/block.h>
#include <trace/events/irq.h>
#include <trace/events/kmem.h>
#include <trace/events/net.h>
#include <trace/events/sched.h>
#include <trace/events/signal.h>
#include <trace/events/syscalls.h>

#include "host.h"
#include "markers_kernel.h"

/* ---- sched ---- */

/*
 * Fields after the tracepoint's own (tgids, the next task's state) are for
 * the tapsets (tapset/linux/scheduler.stp): stap's scheduler.ctxswitch has
 * prev_pid/next_pid (thread group ids) beside prev_tid/next_tid.
 */
DEFINE_MARKER(sched_switch, "prev_comm %s prev_pid %d prev_prio %d prev_state %u "
			    "next_comm %s next_pid %d next_prio %d preempt %d "
			    "prev_tgid %d next_tgid %d next_state %u");
static void tp_sched_switch(void *data, bool preempt, struct task_struct *prev,
			    struct task_struct *next, unsigned int prev_state)
{
	trace_mark_defined(sched_switch, prev->comm, prev->pid, prev->prio, prev_state, next->comm,
			   next->pid, next->prio, (int)preempt, prev->tgid, next->tgid,
			   READ_ONCE(next->__state));
}

DEFINE_MARKER(sched_wakeup, "comm %s pid %d prio %d target_cpu %d tgid %d state %u");
static void tp_sched_wakeup(void *data, struct task_struct *p)
{
	trace_mark_defined(sched_wakeup, p->comm, p->pid, p->prio, (int)task_cpu(p), p->tgid,
			   READ_ONCE(p->__state));
}

DEFINE_MARKER(sched_process_fork, "parent_comm %s parent_pid %d child_comm %s child_pid %d "
				  "parent_tgid %d child_tgid %d");
static void tp_sched_process_fork(void *data, struct task_struct *parent, struct task_struct *child)
{
	trace_mark_defined(sched_process_fork, parent->comm, parent->pid, child->comm, child->pid,
			   parent->tgid, child->tgid);
}

DEFINE_MARKER(sched_process_exec, "filename %s pid %d old_pid %d tgid %d");
static void tp_sched_process_exec(void *data, struct task_struct *p, pid_t old_pid,
				  struct linux_binprm *bprm)
{
	trace_mark_defined(sched_process_exec, bprm->filename, p->pid, old_pid, p->tgid);
}

DEFINE_MARKER(sched_process_exit, "comm %s pid %d prio %d tgid %d");
static void tp_sched_process_exit(void *data, struct task_struct *p)
{
	trace_mark_defined(sched_process_exit, p->comm, p->pid, p->prio, p->tgid);
}

/* ---- raw_syscalls ---- */

DEFINE_MARKER(sys_enter, "id %ld a1 %lx a2 %lx a3 %lx a4 %lx a5 %lx a6 %lx");
static void tp_sys_enter(void *data, struct pt_regs *regs, long id)
{
	unsigned long a[6];

	syscall_get_arguments(current, regs, a);
	trace_mark_defined(sys_enter, id, a[0], a[1], a[2], a[3], a[4], a[5]);
}

DEFINE_MARKER(sys_exit, "id %ld ret %ld");
static void tp_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	trace_mark_defined(sys_exit, (long)syscall_get_nr(current, regs), ret);
}

/* ---- irq ---- */

DEFINE_MARKER(irq_handler_entry, "irq %d handler %s");
static void tp_irq_handler_entry(void *data, int irq, struct irqaction *action)
{
	trace_mark_defined(irq_handler_entry, irq, action->name ? action->name : "");
}

DEFINE_MARKER(irq_handler_exit, "irq %d handler %s ret %d");
static void tp_irq_handler_exit(void *data, int irq, struct irqaction *action, int ret)
{
	trace_mark_defined(irq_handler_exit, irq, action->name ? action->name : "", ret);
}

/* softirq_to_name[] is not exported. */
static const char *const softirq_names[NR_SOFTIRQS] = {
	"HI",	    "TIMER",   "NET_TX", "NET_RX",  "BLOCK",
	"IRQ_POLL", "TASKLET", "SCHED",	 "HRTIMER", "RCU",
};

DEFINE_MARKER(softirq_entry, "vec %u action %s");
static void tp_softirq_entry(void *data, unsigned int vec_nr)
{
	const char *action =
		vec_nr < NR_SOFTIRQS && softirq_names[vec_nr] ? softirq_names[vec_nr] : "?";

	trace_mark_defined(softirq_entry, vec_nr, action);
}

/* ---- kmem ---- */

DEFINE_MARKER(kmalloc, "call_site %lx ptr %p bytes_req %zu bytes_alloc %zu gfp_flags %x node %d");
static void tp_kmalloc(void *data, unsigned long call_site, const void *ptr, size_t bytes_req,
		       size_t bytes_alloc, gfp_t gfp_flags, int node)
{
	trace_mark_defined(kmalloc, call_site, ptr, bytes_req, bytes_alloc,
			   (__force unsigned int)gfp_flags, node);
}

DEFINE_MARKER(kfree, "call_site %lx ptr %p");
static void tp_kfree(void *data, unsigned long call_site, const void *ptr)
{
	trace_mark_defined(kfree, call_site, ptr);
}

/* ---- block ---- */

/* include/trace/events/block.h has it (8); blk_fill_rwbs() writes at most 7 + NUL. */
#ifndef RWBS_LEN
#define RWBS_LEN 8
#endif

static const char *rq_disk_name(struct request *rq)
{
	return rq->q && rq->q->disk ? rq->q->disk->disk_name : "";
}

/* cmd_flags (operation and flags, stap's opf) and the segment count are
 * for tapset/linux/ioblock.stp. */
DEFINE_MARKER(block_rq_issue, "disk %s sector %llu nr_sector %u bytes %u rwbs %s "
			      "cmd_flags %u phys_segments %u");
static void tp_block_rq_issue(void *data, struct request *rq)
{
	char rwbs[RWBS_LEN];

	blk_fill_rwbs(rwbs, rq->cmd_flags);
	trace_mark_defined(block_rq_issue, rq_disk_name(rq), (unsigned long long)blk_rq_pos(rq),
			   blk_rq_sectors(rq), blk_rq_bytes(rq), rwbs, (unsigned int)rq->cmd_flags,
			   (unsigned int)rq->nr_phys_segments);
}

DEFINE_MARKER(block_rq_complete, "disk %s sector %llu nr_sector %u nr_bytes %u error %d rwbs %s "
				 "cmd_flags %u phys_segments %u");
static void tp_block_rq_complete(void *data, struct request *rq, blk_status_t error,
				 unsigned int nr_bytes)
{
	char rwbs[RWBS_LEN];

	blk_fill_rwbs(rwbs, rq->cmd_flags);
	trace_mark_defined(block_rq_complete, rq_disk_name(rq), (unsigned long long)blk_rq_pos(rq),
			   blk_rq_sectors(rq), nr_bytes, blk_status_to_errno(error), rwbs,
			   (unsigned int)rq->cmd_flags, (unsigned int)rq->nr_phys_segments);
}

/* ---- net ---- */

DEFINE_MARKER(net_dev_xmit, "dev %s len %u rc %d skbaddr %p");
static void tp_net_dev_xmit(void *data, struct sk_buff *skb, int rc, struct net_device *dev,
			    unsigned int skb_len)
{
	trace_mark_defined(net_dev_xmit, dev->name, skb_len, rc, (void *)skb);
}

/*
 * net_dev_queue: the skb handed to the device layer (dev_queue_xmit), still
 * whole -- net_dev_xmit comes after the driver, which may have freed it, so
 * only its length is safe there.  stap's netdev.transmit stands here.
 */
DEFINE_MARKER(net_dev_queue, "dev %s len %u protocol %u truesize %u skbaddr %p");
static void tp_net_dev_queue(void *data, struct sk_buff *skb)
{
	trace_mark_defined(net_dev_queue, skb->dev ? skb->dev->name : "", skb->len,
			   (unsigned int)ntohs(skb->protocol), skb->truesize, (void *)skb);
}

DEFINE_MARKER(netif_receive_skb, "dev %s len %u protocol %u skbaddr %p truesize %u");
static void tp_netif_receive_skb(void *data, struct sk_buff *skb)
{
	trace_mark_defined(netif_receive_skb, skb->dev ? skb->dev->name : "", skb->len,
			   (unsigned int)ntohs(skb->protocol), (void *)skb, skb->truesize);
}

/* ---- signal ---- */

/* task: the receiver, for task_*() functions (valid while the handler runs). */
DEFINE_MARKER(signal_generate,
	      "sig %d errno %d code %d comm %s pid %d group %d result %d tgid %d task %p");
static void tp_signal_generate(void *data, int sig, struct kernel_siginfo *info,
			       struct task_struct *task, int group, int result)
{
	int err = 0, code = SI_USER;

	if (info == SEND_SIG_PRIV) {
		code = SI_KERNEL;
	} else if (info != SEND_SIG_NOINFO) {
		err = info->si_errno;
		code = info->si_code;
	}
	trace_mark_defined(signal_generate, sig, err, code, task->comm, task->pid, group, result,
			   task->tgid, (void *)task);
}

/*
 * Check each probe against the kernel's own TP_PROTO at compile time:
 * tracepoint_probe_register() takes a void *, so a kernel whose tracepoint
 * changed would otherwise be called with the wrong arguments.  The trace
 * headers declare check_trace_callback_type_NAME() for this; calling it
 * references no symbol.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wincompatible-pointer-types"
static void __maybe_unused bridge_type_checks(void)
{
	check_trace_callback_type_sched_switch(tp_sched_switch);
	check_trace_callback_type_sched_wakeup(tp_sched_wakeup);
	check_trace_callback_type_sched_process_fork(tp_sched_process_fork);
	check_trace_callback_type_sched_process_exec(tp_sched_process_exec);
	check_trace_callback_type_sched_process_exit(tp_sched_process_exit);
	check_trace_callback_type_sys_enter(tp_sys_enter);
	check_trace_callback_type_sys_exit(tp_sys_exit);
	check_trace_callback_type_irq_handler_entry(tp_irq_handler_entry);
	check_trace_callback_type_irq_handler_exit(tp_irq_handler_exit);
	check_trace_callback_type_softirq_entry(tp_softirq_entry);
	check_trace_callback_type_kmalloc(tp_kmalloc);
	check_trace_callback_type_kfree(tp_kfree);
	check_trace_callback_type_block_rq_issue(tp_block_rq_issue);
	check_trace_callback_type_block_rq_complete(tp_block_rq_complete);
	check_trace_callback_type_net_dev_xmit(tp_net_dev_xmit);
	check_trace_callback_type_net_dev_queue(tp_net_dev_queue);
	check_trace_callback_type_netif_receive_skb(tp_netif_receive_skb);
	check_trace_callback_type_signal_generate(tp_signal_generate);
}
#pragma GCC diagnostic pop

/* ---- the table ---- */

struct bridge {
	const char *tp_name;
	struct marker *marker;
	void *probe;
	struct tracepoint *tp; /* NULL: this kernel has no such tracepoint */
	bool attached;
};

#define BRIDGE(name)                                                              \
	{                                                                         \
		.tp_name = #name, .marker = &GET_MARKER(name), .probe = tp_##name \
	}
static struct bridge bridges[] = {
	BRIDGE(sched_switch),
	BRIDGE(sched_wakeup),
	BRIDGE(sched_process_fork),
	BRIDGE(sched_process_exec),
	BRIDGE(sched_process_exit),
	BRIDGE(sys_enter),
	BRIDGE(sys_exit),
	BRIDGE(irq_handler_entry),
	BRIDGE(irq_handler_exit),
	BRIDGE(softirq_entry),
	BRIDGE(kmalloc),
	BRIDGE(kfree),
	BRIDGE(block_rq_issue),
	BRIDGE(block_rq_complete),
	BRIDGE(net_dev_xmit),
	BRIDGE(net_dev_queue),
	BRIDGE(netif_receive_skb),
	BRIDGE(signal_generate),
};

/* Called by the core under the registry lock when site m goes on or off. */
void marker_bridge_site_changed(struct marker *m)
{
	struct bridge *b;
	int ret;

	for (b = bridges; b < bridges + ARRAY_SIZE(bridges); b++) {
		if (b->marker != m)
			continue;
		if (m->state && !b->attached) {
			if (!b->tp) {
				pr_warn("markers: bridge %s: no such tracepoint in this kernel\n",
					b->tp_name);
				return;
			}
			ret = tracepoint_probe_register(b->tp, b->probe, NULL);
			if (ret)
				pr_warn("markers: bridge %s: tracepoint_probe_register: %d\n",
					b->tp_name, ret);
			else
				b->attached = true;
		} else if (!m->state && b->attached) {
			ret = tracepoint_probe_unregister(b->tp, b->probe, NULL);
			if (ret)
				pr_warn("markers: bridge %s: tracepoint_probe_unregister: %d\n",
					b->tp_name, ret);
			b->attached = false;
		}
		return;
	}
}

static void find_tracepoint(struct tracepoint *tp, void *priv)
{
	struct bridge *b;

	for (b = bridges; b < bridges + ARRAY_SIZE(bridges); b++)
		if (!b->tp && !strcmp(tp->name, b->tp_name))
			b->tp = tp;
}

int marker_bridges_init(void)
{
	struct bridge *b;

	for_each_kernel_tracepoint(find_tracepoint, NULL);
	for (b = bridges; b < bridges + ARRAY_SIZE(bridges); b++)
		if (!b->tp)
			pr_info("markers: no tracepoint %s: its bridge will not fire\n",
				b->tp_name);
	return 0;
}

/* After every bridge site went off: wait for tracepoint probes still running. */
void marker_bridges_exit(void)
{
	tracepoint_synchronize_unregister();
}
