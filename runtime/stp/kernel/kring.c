// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output of a script module: one byte ring per CPU, written by the
 * handlers of that CPU (stp_host_output, stp_host_message) and drained by
 * the reader of /proc/stapmark/NAME/output (kproc.c), which merges the
 * CPUs by time stamp and hands out whole records only.
 *
 * A record is a struct stp_krec and its bytes (stp_kernel_abi.h).  Its
 * bytes may wrap around the end of the ring; the reader puts them back
 * together.  Output longer than a record may carry (STP_KREC_MAX) becomes
 * several records with the same stamp, written in one go, so no record of
 * another CPU falls between them.
 *
 * Producer side (any context): interrupts off around the copy, so that a
 * message from an interrupt on this CPU (a skipped hit past MAXSKIPPED) can
 * not land in the middle of a record; a `writing` flag drops what an NMI
 * would write meanwhile.  No wake-up from a handler: the reader polls
 * every few ms, and a ring passing half full raises an irq_work that wakes
 * it sooner (irq_work may be queued under the scheduler's locks).  When a
 * record does not fit, it is dropped and counted (the status line, and
 * the region's dropped).
 */
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "kstp.h"

#define KREC_HDR sizeof(struct stp_krec)
#define KREC_PAYLOAD (STP_KREC_MAX - KREC_HDR)
/* How long a blocked reader sleeps between looks at the rings. */
#define KPOLL_MS 4

struct kring {
	/* Producer's (this CPU's) line. */
	u64 head; /* bytes written (release: the reader may read up to it) */
	int writing;
	/* Reader's line. */
	u64 tail ____cacheline_aligned; /* bytes consumed (release: may be reused) */
	/* The reader's look ahead: the record at peek_pos (when have), and
	 * the head last seen. */
	u64 peek_pos, seen_head;
	struct stp_krec peek;
	bool have;
} ____cacheline_aligned;

static struct kring *krings;
static char *kbufs; /* nr_cpu_ids rings of ksize bytes */
static u64 ksize, kmask;
static atomic64_t kdropped = ATOMIC64_INIT(0);
static bool kshutdown;

static DECLARE_WAIT_QUEUE_HEAD(kreaders);
static DEFINE_MUTEX(kread_mutex);

static void kwake_fn(struct irq_work *w)
{
	wake_up_all(&kreaders);
}

static struct irq_work kwake = IRQ_WORK_INIT(kwake_fn);

int kstp_ring_init(size_t bufsize)
{
	if (bufsize < 4 * STP_KREC_MAX)
		bufsize = 4 * STP_KREC_MAX;
	ksize = roundup_pow_of_two(bufsize);
	kmask = ksize - 1;
	krings = vzalloc(array_size(nr_cpu_ids, sizeof(*krings)));
	kbufs = vmalloc(array_size(nr_cpu_ids, ksize));
	if (!krings || !kbufs) {
		pr_err("%s: out of memory for %u output buffers of %llu bytes (%s)\n",
		       KBUILD_MODNAME, nr_cpu_ids, ksize, STP_KPARAM_BUFSIZE);
		kstp_ring_exit();
		return -ENOMEM;
	}
	kshutdown = false;
	return 0;
}

void kstp_ring_exit(void)
{
	/* Called when no handler runs any more: nothing queues it again. */
	irq_work_sync(&kwake);
	vfree(kbufs);
	vfree(krings);
	kbufs = NULL;
	krings = NULL;
}

static char *ring_buf(unsigned int cpu)
{
	return kbufs + (size_t)cpu * ksize;
}

static void copy_in(char *buf, u64 pos, const void *src, size_t n)
{
	size_t off = pos & kmask, first = min_t(size_t, n, ksize - off);

	memcpy(buf + off, src, first);
	memcpy(buf, (const char *)src + first, n - first);
}

static void copy_out(void *dst, const char *buf, u64 pos, size_t n)
{
	size_t off = pos & kmask, first = min_t(size_t, n, ksize - off);

	memcpy(dst, buf + off, first);
	memcpy((char *)dst + first, buf, n - first);
}

static void count_drop(void)
{
	atomic64_inc(&kdropped);
	if (kstp_region)
		__atomic_fetch_add(&kstp_region->dropped, 1, __ATOMIC_RELAXED);
}

void kstp_ring_write(u16 kind, const char *buf, size_t len)
{
	size_t nrec = DIV_ROUND_UP(len, KREC_PAYLOAD), need = len + nrec * KREC_HDR;
	struct stp_krec h = {.kind = kind};
	unsigned long flags;
	struct kring *k;
	char *rb;
	u64 head, used;

	if (unlikely(!krings) || !len)
		return;
	local_irq_save(flags);
	h.cpu = smp_processor_id();
	k = &krings[h.cpu];
	rb = ring_buf(h.cpu);
	head = k->head;
	used = head - smp_load_acquire(&k->tail);
	if (unlikely(k->writing || need > ksize - used)) {
		count_drop();
		goto out;
	}
	k->writing = 1;
	h.stamp_ns = local_clock();
	while (len) {
		h.len = min_t(size_t, len, KREC_PAYLOAD);
		copy_in(rb, head, &h, KREC_HDR);
		copy_in(rb, head + KREC_HDR, buf, h.len);
		head += KREC_HDR + h.len;
		buf += h.len;
		len -= h.len;
	}
	smp_store_release(&k->head, head);
	k->writing = 0;
	/* Past half full: wake the reader now rather than at its next look. */
	if (used < ksize / 2 && used + need >= ksize / 2)
		irq_work_queue(&kwake);
out:
	local_irq_restore(flags);
}

void stp_host_output(const char *buf, size_t len)
{
	kstp_ring_write(STP_KREC_OUTPUT, buf, len);
}

void stp_host_message(const char *buf, size_t len)
{
	kstp_ring_write(STP_KREC_MESSAGE, buf, len);
}

/* exit() or an error limit: the region says STOPPING already, which the
 * controller sees in the status line.  Only nudge a blocked reader. */
void stp_host_request_exit(void)
{
	irq_work_queue(&kwake);
}

s64 kstp_ring_dropped(void)
{
	return atomic64_read(&kdropped);
}

/* ---- the reader (process context, under kread_mutex) ---- */

/* The next record of cpu's ring after what is taken (k->peek_pos), into
 * k->peek; false when the ring holds no more. */
static bool peek(unsigned int cpu)
{
	struct kring *k = &krings[cpu];

	if (k->have)
		return true;
	if (k->peek_pos == k->seen_head) {
		k->seen_head = smp_load_acquire(&k->head);
		if (k->peek_pos == k->seen_head)
			return false;
	}
	copy_out(&k->peek, ring_buf(cpu), k->peek_pos, KREC_HDR);
	k->have = true;
	return true;
}

/* Whole records into ubuf, oldest first across the CPUs: the CPU with the
 * oldest next record gives all its records up to the next oldest of the
 * others in one copy.  Bytes copied, or -EINVAL / -EFAULT when none. */
static ssize_t collect(char __user *ubuf, size_t count)
{
	size_t copied = 0;

	for (;;) {
		unsigned int cpu, best = nr_cpu_ids;
		u64 next = U64_MAX, start, end;
		struct kring *k;
		bool full = false;

		for_each_possible_cpu(cpu)
		{
			if (!peek(cpu))
				continue;
			if (best == nr_cpu_ids ||
			    krings[cpu].peek.stamp_ns < krings[best].peek.stamp_ns) {
				if (best != nr_cpu_ids)
					next = min(next, krings[best].peek.stamp_ns);
				best = cpu;
			} else {
				next = min(next, krings[cpu].peek.stamp_ns);
			}
		}
		if (best == nr_cpu_ids)
			break;
		k = &krings[best];
		start = end = k->tail;
		do {
			size_t rec = KREC_HDR + k->peek.len;

			if (copied + (end - start) + rec > count) {
				full = true;
				break;
			}
			end += rec;
			k->peek_pos = end;
			k->have = false;
		} while (peek(best) && k->peek.stamp_ns <= next);
		if (end > start) {
			size_t n = end - start, off = start & kmask,
			       first = min_t(size_t, n, ksize - off);
			char *rb = ring_buf(best);

			if (copy_to_user(ubuf + copied, rb + off, first) ||
			    copy_to_user(ubuf + copied + first, rb, n - first)) {
				/* Nothing taken: read it again next time. */
				k->peek_pos = k->tail;
				k->have = false;
				return copied ? copied : -EFAULT;
			}
			smp_store_release(&k->tail, end);
			copied += n;
		}
		if (full)
			break;
	}
	if (!copied && count < STP_KREC_MAX) {
		/* Is the next record too large for this buffer? */
		unsigned int cpu;

		for_each_possible_cpu(cpu) if (peek(cpu) && KREC_HDR + krings[cpu].peek.len >
								    count) return -EINVAL;
	}
	return copied;
}

static bool rings_have_data(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) if (READ_ONCE(krings[cpu].head) != krings[cpu].tail) return true;
	return false;
}

static bool session_stopped(void)
{
	return stp_session_state(kstp_region) == STP_SESSION_STOPPED;
}

ssize_t kstp_ring_read(char __user *ubuf, size_t count, bool nonblock)
{
	ssize_t n;

	if (mutex_lock_interruptible(&kread_mutex))
		return -ERESTARTSYS;
	for (;;) {
		/* STOPPED first: what was written before it is in the rings. */
		bool stopped = session_stopped() || READ_ONCE(kshutdown);

		n = collect(ubuf, count);
		if (n || stopped)
			break;
		if (nonblock) {
			n = -EAGAIN;
			break;
		}
		if (wait_event_interruptible_timeout(kreaders,
						     rings_have_data() || session_stopped() ||
							     READ_ONCE(kshutdown),
						     msecs_to_jiffies(KPOLL_MS)) < 0) {
			n = -ERESTARTSYS;
			break;
		}
	}
	mutex_unlock(&kread_mutex);
	return n;
}

void kstp_ring_wake(void)
{
	wake_up_all(&kreaders);
}

void kstp_ring_shutdown(void)
{
	WRITE_ONCE(kshutdown, true);
	wake_up_all(&kreaders);
}
