// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The writers of the kernel output-rate case (bench/kernel/rate), part of
 * bench-kmod.ko: "writers N" starts one kthread per online CPU, bound to
 * it, each calling marker-example.ko's marker_example_event() N times:
 * with a script printing on subsystem_event, every CPU writes N records
 * into its own output ring at once.  The command returns when all are
 * done, with "writers CPUS CALLS WALL_NS" (CALLS = CPUS * N, WALL_NS from
 * the first thread's wake-up to the last one's end), which the caller
 * checks against the script's lines + drops.
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "bench-kmod.h"

#define MAX_EVENTS (1UL << 26) /* per CPU */

struct writers_run {
	unsigned long events; /* per CPU */
	atomic_t left; /* threads still writing */
	struct completion done;
	u64 end_ns;
};

struct writer {
	struct writers_run *run;
	unsigned int cpu;
};

static int writer_fn(void *data)
{
	static const char str[] = "bench string";
	struct writer *w = data;
	struct writers_run *run = w->run;
	unsigned long i, base = (unsigned long)w->cpu * run->events;

	for (i = 0; i < run->events; i++) {
		marker_example_event((int)(base + i), str);
		/* Let the reader (and, with one vCPU, everything else) run:
		 * the events still come as fast as the CPU writes them. */
		if ((i & 1023) == 1023)
			cond_resched();
	}
	if (atomic_dec_and_test(&run->left)) {
		run->end_ns = ktime_get_ns();
		complete(&run->done);
	}
	/* Wait for kthread_stop(): the module's code must not be left
	 * running when the command returns (rmmod may follow at once). */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

int bench_writers_run(unsigned long events, char *result, size_t len)
{
	struct writers_run run = {.events = events};
	struct task_struct **tasks;
	struct writer *ws;
	unsigned int cpu, n = 0, ncpus = num_online_cpus();
	u64 t0;
	int ret = 0;

	if (!events || events > MAX_EVENTS)
		return -EINVAL;
	tasks = kcalloc(ncpus, sizeof(*tasks), GFP_KERNEL);
	ws = kcalloc(ncpus, sizeof(*ws), GFP_KERNEL);
	if (!tasks || !ws) {
		ret = -ENOMEM;
		goto out;
	}
	init_completion(&run.done);
	for_each_online_cpu(cpu)
	{
		struct task_struct *t;

		if (n == ncpus)
			break;
		ws[n].run = &run;
		ws[n].cpu = cpu;
		t = kthread_create_on_cpu(writer_fn, &ws[n], cpu, "stapmark-writer/%u");
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			break;
		}
		tasks[n++] = t;
	}
	if (ret) {
		while (n--)
			kthread_stop(tasks[n]);
		goto out;
	}
	atomic_set(&run.left, n);
	t0 = ktime_get_ns();
	for (cpu = 0; cpu < n; cpu++)
		wake_up_process(tasks[cpu]);
	wait_for_completion(&run.done);
	for (cpu = 0; cpu < n; cpu++)
		kthread_stop(tasks[cpu]);
	scnprintf(result, len, "writers %u %lu %llu\n", n, n * events, run.end_ns - t0);
out:
	kfree(ws);
	kfree(tasks);
	return ret;
}
