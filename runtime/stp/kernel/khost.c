// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel host of the handler runtime (stp_host.h), except output
 * (kring.c): locks, per-CPU contexts, counter cells and scratch stacks,
 * clocks, identity, fault-safe reads, regular expressions.
 *
 * Every function here may run in any context a marker fires in (task,
 * softirq, hardirq, under the scheduler's locks): nothing sleeps, nothing
 * allocates, nothing takes a lock that is not ours, no wake-ups.  The only
 * exceptions are the regex compile and free, which run at module init and
 * exit.
 */
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/hardirq.h>
#include <asm/irq_regs.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/timex.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <linux/vmalloc.h>

#include "kstp.h"
#include "stp_regex.h"
#include "ere.h"

/* ---- global locks: one word, as the user host (lock.c tries, never waits) ---- */

#define STP_RWLOCK_WRITER 0x80000000u

void stp_host_rwlock_init(stp_host_rwlock_t *l)
{
	smp_store_release(&l->word, 0);
}

int stp_host_rwlock_tryrdlock(stp_host_rwlock_t *l)
{
	u32 w = READ_ONCE(l->word);

	do {
		if (w & STP_RWLOCK_WRITER)
			return -EBUSY;
	} while (!try_cmpxchg_acquire(&l->word, &w, w + 1));
	return 0;
}

int stp_host_rwlock_trywrlock(stp_host_rwlock_t *l)
{
	u32 w = 0;

	return try_cmpxchg_acquire(&l->word, &w, STP_RWLOCK_WRITER) ? 0 : -EBUSY;
}

void stp_host_rwlock_unlock(stp_host_rwlock_t *l)
{
	u32 w = READ_ONCE(l->word);

	/* While the writer bit is set no reader holds the lock, so the caller
	 * is the writer. */
	if (w == STP_RWLOCK_WRITER) {
		smp_store_release(&l->word, 0);
		return;
	}
	while (!try_cmpxchg_release(&l->word, &w, w - 1))
		;
}

void stp_host_delay_us(unsigned int us)
{
	udelay(us);
}

/* ---- per-CPU state: contexts, counter cells, scratch stacks ---- */

/* A scratch block's header: the block below it, and whether it was freed
 * (blocks freed out of order are released when the ones above go). */
struct kscratch_hdr {
	u32 below; /* offset + 1 of the header of the block below, 0: none */
	u32 freed;
	u64 pad; /* the block after it is 16-byte aligned */
};

struct kcpu {
	u64 counter_cell; /* counter.h: offset of this CPU's counter block */
	u32 scratch_top; /* bytes used of this CPU's scratch stack */
	u32 scratch_last; /* offset + 1 of the topmost block's header, 0: none */
#if !INTERRUPTIBLE
	unsigned long irq_flags; /* of the outermost stp_host_context() */
	int irq_depth;
#endif
} ____cacheline_aligned;

static struct kcpu *kcpus;
static int bounce_init(void);
static void bounce_exit(void);
static char *kcontexts; /* nr_cpu_ids contexts, kctx_stride bytes apart */
static size_t kctx_stride;
static char *kscratch; /* nr_cpu_ids stacks, kscratch_size bytes each */
static size_t kscratch_size;

int kstp_host_init(void)
{
	kctx_stride = ALIGN(sizeof(struct stp_context), SMP_CACHE_BYTES);
	kcpus = vzalloc(array_size(nr_cpu_ids, sizeof(*kcpus)));
	kcontexts = vzalloc(array_size(nr_cpu_ids, kctx_stride));
	if (!kcpus || !kcontexts || bounce_init()) {
		pr_err("%s: out of memory for %u per-CPU contexts (%zu bytes each)\n",
		       KBUILD_MODNAME, nr_cpu_ids, kctx_stride);
		kstp_host_exit();
		return -ENOMEM;
	}
	return 0;
}

/*
 * The scratch stacks, once the globals exist: by default each holds four
 * nested foreach snapshots of the largest array.  Sized by MAXMAPENTRIES
 * alone, a foreach over an array declared larger (global m[100000]) found
 * the stack too small and failed with "out of memory for foreach".
 */
int kstp_host_scratch_init(unsigned long max_map_entries)
{
	unsigned long want = stp_scratchsize;

	if (!want)
		want = STP_KSCRATCH_FOR(max(max_map_entries, (unsigned long)MAXMAPENTRIES));
	kscratch_size = ALIGN(want, PAGE_SIZE);
	if (kscratch_size > U32_MAX / 2) {
		pr_err("%s: a scratch stack of %zu bytes per CPU (stp_scratchsize) is too large\n",
		       KBUILD_MODNAME, kscratch_size);
		return -EINVAL;
	}
	kscratch = vmalloc(array_size(nr_cpu_ids, kscratch_size));
	if (!kscratch) {
		pr_err("%s: out of memory for %u foreach scratch stacks (%zu bytes each, "
		       "stp_scratchsize)\n",
		       KBUILD_MODNAME, nr_cpu_ids, kscratch_size);
		return -ENOMEM;
	}
	return 0;
}

void kstp_host_exit(void)
{
	bounce_exit();
	vfree(kscratch);
	vfree(kcontexts);
	vfree(kcpus);
	kscratch = kcontexts = NULL;
	kcpus = NULL;
}

unsigned int stp_host_slot(void)
{
	return raw_smp_processor_id();
}

/* This CPU's context, with preemption disabled until stp_host_context_put
 * (a marker probe already runs so, under RCU-sched; begin and end probes
 * run in the control writer's task, timers in hardirq). */
#if INTERRUPTIBLE
struct stp_context *stp_host_context(void)
{
	preempt_disable();
	if (unlikely(!kcontexts)) {
		preempt_enable();
		return NULL;
	}
	return (struct stp_context *)(kcontexts + smp_processor_id() * kctx_stride);
}

static void context_end(void)
{
	preempt_enable();
}
#else
/* -DINTERRUPTIBLE=0 (stap's name): interrupts off for the whole hit, so
 * that no interrupt on this CPU finds the context busy (and is skipped);
 * only an NMI can still come in between. */
struct stp_context *stp_host_context(void)
{
	unsigned long flags;
	struct kcpu *k;

	local_irq_save(flags);
	if (unlikely(!kcontexts)) {
		local_irq_restore(flags);
		return NULL;
	}
	k = &kcpus[smp_processor_id()];
	if (!k->irq_depth++)
		k->irq_flags = flags;
	return (struct stp_context *)(kcontexts + smp_processor_id() * kctx_stride);
}

static void context_end(void)
{
	struct kcpu *k = &kcpus[smp_processor_id()];

	if (!--k->irq_depth)
		local_irq_restore(k->irq_flags);
}
#endif

void stp_host_context_put(struct stp_context *c)
{
	/* The end of an outermost hit: nothing on this CPU uses its scratch
	 * stack any more (a handler that left a foreach without ending it
	 * does not leak its snapshot). */
	if (!c->busy) {
		struct kcpu *k = &kcpus[smp_processor_id()];

		k->scratch_top = 0;
		k->scratch_last = 0;
	}
	context_end();
}

/* Counter globals add into a block per CPU.  raw_: a counter-only
 * handler takes no context, and in a begin or end probe (process context)
 * it may be preempted -- but nothing else adds then. */
uint64_t *stp_host_counter_cell(void)
{
	return kcpus ? &kcpus[raw_smp_processor_id()].counter_cell : NULL;
}

/*
 * foreach snapshots: a LIFO stack per CPU, preallocated.  Only the
 * handler running on this CPU uses it (one at a time: the runtime's busy
 * guard refuses a nested hit), so it needs no lock.  NULL when the stack
 * is exhausted: the runtime reports "out of memory for foreach".
 */
void *stp_host_alloc(size_t size)
{
	unsigned int cpu = raw_smp_processor_id();
	struct kcpu *k = &kcpus[cpu];
	size_t need = sizeof(struct kscratch_hdr) + ALIGN(size ? size : 1, 16);
	struct kscratch_hdr *h;

	if (!kscratch || size > kscratch_size || need > kscratch_size - k->scratch_top)
		return NULL;
	h = (struct kscratch_hdr *)(kscratch + cpu * kscratch_size + k->scratch_top);
	h->below = k->scratch_last;
	h->freed = 0;
	k->scratch_last = k->scratch_top + 1;
	k->scratch_top += need;
	return h + 1;
}

void stp_host_free(void *p)
{
	struct kscratch_hdr *h = (struct kscratch_hdr *)p - 1;
	size_t cpu;
	struct kcpu *k;
	char *stack;

	if (!p)
		return;
	/* The stack it came from (this CPU's: a hit cannot migrate). */
	cpu = ((char *)h - kscratch) / kscratch_size;
	k = &kcpus[cpu];
	stack = kscratch + cpu * kscratch_size;
	h->freed = 1;
	/* Pop every freed block from the top. */
	while (k->scratch_last) {
		h = (struct kscratch_hdr *)(stack + k->scratch_last - 1);
		if (!h->freed)
			break;
		k->scratch_top = k->scratch_last - 1;
		k->scratch_last = h->below;
	}
}

/* ---- clocks ---- */

/* The NMI-safe variant: a marker may fire inside the timekeeping code's
 * own write section, where ktime_get_real_ns() would spin forever. */
int64_t stp_host_gettimeofday_ns(void)
{
	return ktime_get_real_fast_ns();
}

int64_t stp_host_local_clock_ns(void)
{
	return local_clock();
}

int64_t stp_host_get_cycles(void)
{
	return get_cycles();
}

/* ---- identity of the current task (in an interrupt: the one it hit) ---- */

int64_t stp_host_pid(void)
{
	return task_tgid_nr(current);
}

int64_t stp_host_tid(void)
{
	return task_pid_nr(current);
}

int64_t stp_host_ppid(void)
{
	int64_t ppid;

	/* Preemption off: an RCU-sched reader, which covers real_parent
	 * (freed after a grace period) and takes no lock. */
	preempt_disable();
	ppid = task_tgid_nr(rcu_dereference_sched(current->real_parent));
	preempt_enable();
	return ppid;
}

int64_t stp_host_uid(void)
{
	return from_kuid(&init_user_ns, current_uid());
}

int64_t stp_host_euid(void)
{
	return from_kuid(&init_user_ns, current_euid());
}

int64_t stp_host_gid(void)
{
	return from_kgid(&init_user_ns, current_gid());
}

int64_t stp_host_egid(void)
{
	return from_kgid(&init_user_ns, current_egid());
}

int64_t stp_host_cpu(void)
{
	return raw_smp_processor_id();
}

/* current->comm without get_task_comm()'s task_lock (we may hold the
 * scheduler's locks, or interrupt its holder): set_task_comm writes the
 * name in place and never touches the last byte, so a copy of the array
 * is always terminated, at worst half old and half new. */
void stp_host_execname(char *buf, size_t size)
{
	size_t i;

	if (!size)
		return;
	for (i = 0; i < size - 1 && i < TASK_COMM_LEN; i++) {
		buf[i] = READ_ONCE(current->comm[i]);
		if (!buf[i])
			return;
	}
	buf[i] = '\0';
}

/* ---- fault-safe reads (page faults disabled: any context, no sleeping) ---- */

/*
 * User memory.  strncpy_from_user_nofault() is not exported, but its
 * pieces are: strncpy_from_user() checks that the range is user space and
 * fails at a fault instead of sleeping once page faults are disabled.
 * What it leaves out, nmi_uaccess_okay() (an NMI during a switch of
 * address space), uses x86's unexported cpu_tlbstate: in an NMI the read
 * simply fails.
 *
 * Both copies land in a per-CPU bounce buffer from kmalloc, never in the
 * caller's buffer: with CONFIG_HARDENED_USERCOPY a user copy into vmalloc
 * memory (our contexts; a VMAP_STACK irq stack) looks the area up under
 * vmap_area_lock unless the kernel has the "!pagefault_disabled()" fix,
 * and an interrupt that came while this CPU held that lock would spin on
 * it forever.  A slab object is checked without a lock.  Interrupts are
 * off while the bounce buffer is in use, so nothing else on the CPU uses
 * it meanwhile.
 */
#define KBOUNCE_SIZE 1024

static char **kbounce; /* nr_cpu_ids buffers of KBOUNCE_SIZE bytes */

static int bounce_init(void)
{
	unsigned int cpu;

	kbounce = kcalloc(nr_cpu_ids, sizeof(*kbounce), GFP_KERNEL);
	if (!kbounce)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
	{
		kbounce[cpu] = kmalloc(KBOUNCE_SIZE, GFP_KERNEL);
		if (!kbounce[cpu])
			return -ENOMEM;
	}
	return 0;
}

static void bounce_exit(void)
{
	unsigned int cpu;

	if (kbounce)
		for_each_possible_cpu(cpu) kfree(kbounce[cpu]);
	kfree(kbounce);
	kbounce = NULL;
}

long stp_host_read_string(char *dst, uintptr_t addr, size_t size)
{
	unsigned long flags;
	size_t got = 0;
	long n = 0;
	char *b;

	if (!size)
		return 0;
	dst[0] = '\0';
	if (in_nmi() || !kbounce)
		return -STP_HOST_EFAULT;
	local_irq_save(flags);
	b = kbounce[smp_processor_id()];
	pagefault_disable();
	while (got < size - 1) {
		long chunk = min_t(size_t, size - 1 - got, KBOUNCE_SIZE);

		if (addr + got < addr) {
			n = -EFAULT;
			break;
		}
		n = strncpy_from_user(b, (const char __user *)(addr + got), chunk);
		if (n < 0)
			break;
		memcpy(dst + got, b, n);
		got += n;
		if (n < chunk)
			break; /* at the NUL */
	}
	pagefault_enable();
	local_irq_restore(flags);
	if (n < 0) {
		dst[0] = '\0';
		return -STP_HOST_EFAULT;
	}
	dst[got] = '\0';
	return got;
}

int stp_host_read_bytes(void *dst, uintptr_t addr, size_t n)
{
	unsigned long flags;
	size_t done = 0;
	int rc = 0;
	char *b;

	if (!n)
		return 0;
	if (!kbounce || addr + n < addr)
		return -STP_HOST_EFAULT;
	local_irq_save(flags);
	b = kbounce[smp_processor_id()];
	while (done < n && !rc) {
		size_t chunk = min_t(size_t, n - done, KBOUNCE_SIZE);

		if (copy_from_user_nofault(b, (const void __user *)(addr + done), chunk))
			rc = -STP_HOST_EFAULT;
		else
			memcpy((char *)dst + done, b, chunk);
		done += chunk;
	}
	local_irq_restore(flags);
	return rc;
}

/*
 * Kernel memory, through copy_from_kernel_nofault() (strncpy_from_kernel_
 * nofault() is not exported): it refuses user and non-canonical addresses
 * before any access, and an unmapped one faults into the exception table.
 * A string is read in small pieces that never cross a page, so one that
 * ends just before an unmapped page is still read, and a short one costs
 * little.
 */
#define KREAD_CHUNK 64

long stp_host_read_kernel_string(char *dst, uintptr_t addr, size_t size)
{
	size_t got = 0;

	if (!size)
		return 0;
	while (got < size - 1) {
		size_t chunk = min3((size_t)KREAD_CHUNK, size - 1 - got,
				    (size_t)(PAGE_SIZE - offset_in_page(addr + got)));
		char *nul;

		if (addr + got < addr ||
		    copy_from_kernel_nofault(dst + got, (const void *)(addr + got), chunk)) {
			dst[0] = '\0';
			return -STP_HOST_EFAULT;
		}
		nul = memchr(dst + got, '\0', chunk);
		if (nul)
			return nul - dst;
		got += chunk;
	}
	dst[got] = '\0';
	return got;
}

int stp_host_read_kernel_bytes(void *dst, uintptr_t addr, size_t n)
{
	if (!n)
		return 0;
	return copy_from_kernel_nofault(dst, (const void *)addr, n) ? -STP_HOST_EFAULT : 0;
}

/* ---- regular expressions: the runtime's engine (ere.c) ---- */

/* At module init (stp_program_create), in process context. */
int stp_host_regex_compile(struct stp_regex *r, char *err, size_t errlen)
{
	struct stp_ere *e = kmalloc(sizeof(*e), GFP_KERNEL);

	if (!e) {
		stp_snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (stp_ere_compile(e, r->re, err, errlen)) {
		kfree(e);
		return -1;
	}
	r->compiled = e;
	return 0;
}

int stp_host_regex_match(const struct stp_regex *r, const char *s)
{
	return stp_ere_match(r->compiled, s);
}

void stp_host_regex_free(struct stp_regex *r)
{
	kfree(r->compiled);
	r->compiled = NULL;
}

void kstp_regex_free_all(const struct stp_program *p)
{
	int i;

	for (i = 0; i < p->nregexes; i++)
		stp_host_regex_free(p->regexes[i]);
}

/* ---- env_var(), user_mode() ---- */

/* The current process's environment block, read entry by entry through
 * the fault-safe user copy; "" from a kernel thread or an interrupt (no
 * process of its own), as stap's env_var gives there. */
void stp_host_env_var(char *buf, size_t size, const char *name)
{
	struct mm_struct *mm = current->mm;
	size_t n = strlen(name);
	uintptr_t p, end;

	if (!size)
		return;
	buf[0] = '\0';
	if (!n || !mm || in_interrupt() || (current->flags & PF_KTHREAD))
		return;
	p = READ_ONCE(mm->env_start);
	end = READ_ONCE(mm->env_end);
	while (p < end) {
		long len = stp_host_read_string(buf, p, size);

		if (len < 0)
			break;
		if ((size_t)len > n && !strncmp(buf, name, n) && buf[n] == '=') {
			memmove(buf, buf + n + 1, (size_t)len - n);
			return;
		}
		/* An entry longer than buf: its NUL is further on. */
		p += (size_t)len + ((size_t)len < size - 1);
	}
	buf[0] = '\0';
}

/* A timer interrupt (timer.profile, timer.hz) may have come in user mode;
 * marker and kprobe handlers run in the kernel's own code. */
int stp_host_user_mode(void)
{
	struct pt_regs *regs = in_hardirq() ? get_irq_regs() : NULL;

	return regs && user_mode(regs);
}

/* ---- user stacks and symbols: not in the kernel backend ---- */

/* Unwinding a user stack from a kernel hit needs the process's unwind
 * tables and a reader for them in the module; stap's has them, ours does
 * not (yet): the tapset functions report it (tapset_usyms.c). */
int stp_host_ubacktrace(struct stp_context *c, uint64_t *pcs, int max)
{
	return -1;
}

int stp_host_usym(uint64_t addr, struct stp_usym *u)
{
	return -1;
}

/* A kprobe's probed address, or what a timer interrupt interrupted. */
int64_t stp_host_addr(struct stp_context *c)
{
	struct pt_regs *regs = in_hardirq() ? get_irq_regs() : NULL;

	if (c->uregs)
		return stp_host_uregs_pc(c->uregs);
	return regs ? (int64_t)instruction_pointer(regs) : 0;
}
