// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-kmod.ko: the in-kernel half of the kernel dispatch benchmark
 * (bench/kernel/run).  Every timed case calls marker-example.ko's
 * marker_example_event(), the function holding the subsystem_event marker,
 * so the marker cases and the kprobe cases measure one code path:
 *
 *   floor     marker_example_nop(): the same function without its marker
 *   dormant   marker_example_event() with no probe on subsystem_event
 *   armed1    ... with one probe attached and armed
 *   armed1, armed2, armed4, armed8  ... with that many probes
 *   kprobe    ... with the kprobe of kprobe_on (marker dormant)
 *
 * Control, one command per write to /proc/stapmark-bench; a read returns
 * the last command's result line:
 *
 *   floor|dormant|armedN|kprobe  time the case:
 *                          "CASE LOOPS ROUNDS MEDIAN_PS MIN_PS MAX_PS"
 *   external               marker_example_event() with whatever someone
 *                          else attached to subsystem_event (a stapmark
 *                          script): the same line plus the CALLS made, for
 *                          the caller to check against the script's count
 *   kprobe_on trap         a kprobe on the first instruction of
 *                          marker_example_event() that is not its ftrace
 *                          call (an int3, later jump-optimized)
 *   kprobe_on ftrace       a kprobe on the ftrace call (function entry)
 *   kprobe_off
 *   bridge_on|bridge_off   a probe on the sys_enter bridge marker, counting
 *                          getppid() entries ("sys_enter_hits N" at off)
 *   writers N              the output-rate case (bench-writers.c): every
 *                          online CPU calls marker_example_event() N times
 *                          at once: "writers CPUS CALLS WALL_NS"
 *
 * Each timed case checks that its probes fired exactly once per call (or
 * not at all when dormant) and fails the write with -EIO otherwise: a
 * benchmark whose probe did not run measures nothing.
 *
 * A round is sized so that it takes at least ROUND_NS; the result is the
 * median of NROUNDS rounds, in picoseconds per call (the kernel has no
 * floating point).  Preemption and interrupts stay enabled: a timer tick
 * lands in every round alike, and the median drops the odd long one.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>
#include <linux/kprobes.h>
#include <linux/atomic.h>
#include <linux/sched/clock.h>
#include <linux/sort.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <asm/unistd.h>

#include <stapmark/marker.h>

#include "bench-kmod.h"

MODULE_LICENSE("GPL");
MODULE_AUTHOR("stapmark");
MODULE_DESCRIPTION("Kernel dispatch benchmark: markers, kprobes and tracepoint bridges");

#define NROUNDS 11
#define NPROBES 8
#define ROUND_NS (20 * NSEC_PER_MSEC)
#define MAX_LOOPS (1UL << 26)

static const char *const event_format = "integer %d string %s";
static const char *const sys_enter_format = "id %ld a1 %lx a2 %lx a3 %lx a4 %lx a5 %lx a6 %lx";

static DEFINE_MUTEX(bench_lock); /* one command at a time */
static char result[160];
static atomic_long_t hits[NPROBES];
static atomic_long_t kprobe_hits;
static atomic_long_t sys_enter_hits;
/* Where probes leave the arguments they read, so the reads are not dead. */
static unsigned long sink;

/* Same work in the marker probe and the kprobe handler: read both
 * arguments and count the hit. */
static void bench_probe(void *probe_private, void *call_private, const char *fmt, va_list *args)
{
	int value = va_arg(*args, int);
	const char *str = va_arg(*args, const char *);

	WRITE_ONCE(sink, (unsigned long)value + (unsigned long)str);
	atomic_long_inc(probe_private);
}

static int bench_kprobe_pre(struct kprobe *p, struct pt_regs *regs)
{
	WRITE_ONCE(sink, (unsigned long)(int)regs->di + regs->si);
	atomic_long_inc(&kprobe_hits);
	return 0;
}

static struct kprobe kp = {
	.pre_handler = bench_kprobe_pre,
};
static bool kprobe_registered;

static void sys_enter_probe(void *probe_private, void *call_private, const char *fmt, va_list *args)
{
	if (va_arg(*args, long) == __NR_getppid)
		atomic_long_inc(&sys_enter_hits);
}

static bool bridge_attached;

enum bench_case { CASE_FLOOR, CASE_MARKER };

/*
 * One round of loops calls, passing the values from, from + 1, ...; the two
 * loops differ only in the callee, and both are direct calls (an indirect
 * one costs a retpoline).  run_case numbers the calls of a case on across
 * its rounds, so a case of N calls passes each of 0..N-1 once: a script
 * keying a map by $arg1 % K sees min(K, N) distinct keys.  (When every
 * round started at 0, a round shorter than K never reached the high keys.)
 */
static u64 time_round(enum bench_case c, unsigned long from, unsigned long loops)
{
	static const char str[] = "bench string";
	unsigned long i, to = from + loops;
	u64 t0 = local_clock();

	if (c == CASE_FLOOR)
		for (i = from; i < to; i++)
			marker_example_nop((int)i, str);
	else
		for (i = from; i < to; i++)
			marker_example_event((int)i, str);
	return local_clock() - t0;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return (x > y) - (x < y);
}

/* Size a round to ROUND_NS, run NROUNDS, report ps per call; returns the
 * number of calls made. */
static unsigned long run_case(const char *name, enum bench_case c)
{
	unsigned long loops = 64, calls = 0;
	u64 ps[NROUNDS];
	int r;

	for (;;) {
		u64 t = time_round(c, calls, loops);

		calls += loops;
		if (t >= ROUND_NS || loops >= MAX_LOOPS)
			break;
		/* Jump close to the target when far below it, then settle. */
		loops = t < ROUND_NS / 64 ? loops * 16 : loops * 2;
		cond_resched();
	}
	for (r = 0; r < NROUNDS; r++) {
		ps[r] = div64_u64(time_round(c, calls, loops) * 1000, loops);
		calls += loops;
		cond_resched();
	}
	sort(ps, NROUNDS, sizeof(ps[0]), cmp_u64, NULL);
	scnprintf(result, sizeof(result), "%s %lu %d %llu %llu %llu\n", name, loops, NROUNDS,
		  ps[NROUNDS / 2], ps[0], ps[NROUNDS - 1]);
	return calls;
}

static void detach_probes(int n)
{
	while (n-- > 0) {
		marker_disarm("subsystem_event");
		marker_probe_unregister("subsystem_event", bench_probe, &hits[n]);
	}
	marker_synchronize_unregister();
}

/* The armed cases: nprobes probes on subsystem_event, each must see every call. */
static int run_armed(const char *name, int nprobes)
{
	unsigned long calls;
	int i, ret;

	for (i = 0; i < nprobes; i++) {
		atomic_long_set(&hits[i], 0);
		ret = marker_probe_register("subsystem_event", event_format, bench_probe, &hits[i]);
		if (!ret)
			ret = marker_arm("subsystem_event");
		if (ret) {
			pr_err("stapmark-bench: probe %d on subsystem_event: %d\n", i, ret);
			marker_probe_unregister("subsystem_event", bench_probe, &hits[i]);
			detach_probes(i);
			return ret;
		}
	}
	calls = run_case(name, CASE_MARKER);
	detach_probes(nprobes);
	for (i = 0; i < nprobes; i++) {
		if (atomic_long_read(&hits[i]) != calls) {
			pr_err("stapmark-bench: %s: probe %d saw %ld of %lu events\n", name, i,
			       atomic_long_read(&hits[i]), calls);
			return -EIO;
		}
	}
	return 0;
}

static int run_kprobe(void)
{
	unsigned long calls;
	long seen;

	if (!kprobe_registered) {
		pr_err("stapmark-bench: kprobe: no kprobe (kprobe_on first)\n");
		return -EINVAL;
	}
	atomic_long_set(&kprobe_hits, 0);
	calls = run_case("kprobe", CASE_MARKER);
	seen = atomic_long_read(&kprobe_hits);
	if (seen != calls) {
		pr_err("stapmark-bench: kprobe saw %ld of %lu calls\n", seen, calls);
		return -EIO;
	}
	return 0;
}

static void kprobe_off(void)
{
	if (kprobe_registered)
		unregister_kprobe(&kp);
	kprobe_registered = false;
}

/*
 * Offset 0 of marker_example_event() is its ftrace call (-mfentry), where
 * kprobes use ftrace instead of a trap.  "trap" takes the first later
 * offset the kernel accepts (register_kprobe refuses offsets inside an
 * instruction), which is an int3 until the optimizer turns it into a jump.
 */
static int kprobe_on(bool want_ftrace)
{
	unsigned int off;
	int ret = -ENOENT;

	kprobe_off();
	for (off = 0; off < 32; off++) {
		memset(&kp, 0, sizeof(kp));
		kp.pre_handler = bench_kprobe_pre;
		kp.symbol_name = "marker_example_event";
		kp.offset = off;
		ret = register_kprobe(&kp);
		if (ret)
			continue;
		if (!!(kp.flags & KPROBE_FLAG_FTRACE) == want_ftrace) {
			kprobe_registered = true;
			scnprintf(result, sizeof(result), "kprobe marker_example_event+%#x %s\n",
				  off, want_ftrace ? "ftrace" : "trap");
			return 0;
		}
		unregister_kprobe(&kp);
		if (want_ftrace)
			break; /* the ftrace call can only be at the entry */
	}
	pr_err("stapmark-bench: no %s kprobe site in marker_example_event: %d\n",
	       want_ftrace ? "ftrace" : "trap", ret);
	return ret ? ret : -ENOENT;
}

static int bridge_on(void)
{
	int ret;

	if (bridge_attached)
		return 0;
	atomic_long_set(&sys_enter_hits, 0);
	ret = marker_probe_register("sys_enter", sys_enter_format, sys_enter_probe, NULL);
	if (ret)
		return ret;
	ret = marker_arm("sys_enter");
	if (ret) {
		marker_probe_unregister("sys_enter", sys_enter_probe, NULL);
		marker_synchronize_unregister();
		return ret;
	}
	bridge_attached = true;
	return 0;
}

static void bridge_off(void)
{
	if (!bridge_attached)
		return;
	marker_disarm("sys_enter");
	marker_probe_unregister("sys_enter", sys_enter_probe, NULL);
	marker_synchronize_unregister();
	bridge_attached = false;
	scnprintf(result, sizeof(result), "sys_enter_hits %ld\n",
		  atomic_long_read(&sys_enter_hits));
}

/* marker_for_each callback: counts subsystem_event sites, stops at one on. */
static int event_site_on(const struct marker_info *info, void *arg)
{
	if (!info->site || strcmp(info->name, "subsystem_event"))
		return 0;
	++*(int *)arg;
	return info->state;
}

static int run_command(const char *cmd)
{
	if (!strcmp(cmd, "floor")) {
		run_case("floor", CASE_FLOOR);
		return 0;
	}
	if (!strcmp(cmd, "dormant")) {
		int sites = 0;

		/* Dormant means: the site is there (marker-example is loaded
		 * and markers.ko found it) and nothing has turned it on. */
		if (marker_for_each(event_site_on, &sites) || sites == 0) {
			pr_err("stapmark-bench: dormant: subsystem_event %s\n",
			       sites ? "is on" : "has no site");
			return -EIO;
		}
		run_case("dormant", CASE_MARKER);
		return 0;
	}
	if (!strcmp(cmd, "external")) {
		unsigned long calls = run_case("external", CASE_MARKER);
		size_t n = strlen(result);

		if (n)
			scnprintf(result + n - 1, sizeof(result) - n + 1, " %lu\n", calls);
		return 0;
	}
	if (!strcmp(cmd, "armed1"))
		return run_armed("armed1", 1);
	if (!strcmp(cmd, "armed2"))
		return run_armed("armed2", 2);
	if (!strcmp(cmd, "armed4"))
		return run_armed("armed4", 4);
	if (!strcmp(cmd, "armed8"))
		return run_armed("armed8", NPROBES);
	if (!strcmp(cmd, "kprobe"))
		return run_kprobe();
	if (!strcmp(cmd, "kprobe_on trap"))
		return kprobe_on(false);
	if (!strcmp(cmd, "kprobe_on ftrace"))
		return kprobe_on(true);
	if (!strcmp(cmd, "kprobe_off")) {
		kprobe_off();
		return 0;
	}
	if (!strncmp(cmd, "writers ", 8)) {
		unsigned long events;

		if (kstrtoul(cmd + 8, 10, &events))
			return -EINVAL;
		return bench_writers_run(events, result, sizeof(result));
	}
	if (!strcmp(cmd, "bridge_on"))
		return bridge_on();
	if (!strcmp(cmd, "bridge_off")) {
		bridge_off();
		return 0;
	}
	return -EINVAL;
}

static ssize_t bench_write(struct file *file, const char __user *ubuf, size_t len, loff_t *pos)
{
	char cmd[32];
	int ret;

	if (len >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, len))
		return -EFAULT;
	cmd[len] = '\0';
	mutex_lock(&bench_lock);
	result[0] = '\0';
	ret = run_command(strim(cmd));
	mutex_unlock(&bench_lock);
	return ret ? ret : len;
}

static ssize_t bench_read(struct file *file, char __user *ubuf, size_t len, loff_t *pos)
{
	ssize_t ret;

	mutex_lock(&bench_lock);
	ret = simple_read_from_buffer(ubuf, len, pos, result, strlen(result));
	mutex_unlock(&bench_lock);
	return ret;
}

static const struct proc_ops bench_ops = {
	.proc_read = bench_read,
	.proc_write = bench_write,
	.proc_lseek = default_llseek,
};

static struct proc_dir_entry *entry;

static int __init bench_init(void)
{
	entry = proc_create("stapmark-bench", 0600, NULL, &bench_ops);
	return entry ? 0 : -ENOMEM;
}

static void __exit bench_exit(void)
{
	proc_remove(entry);
	kprobe_off();
	bridge_off();
}

module_init(bench_init);
module_exit(bench_exit);
