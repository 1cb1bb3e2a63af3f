// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * marker-stress.ko: an instrumented module whose kthread, bound to the last
 * online CPU, fires two markers continuously (bursts, then a short sleep so
 * a TCG guest stays usable) until the module is removed:
 *   stress_event   "seq %lu cpu %d"
 *   stress_eventb  MARK_NOARGS
 * /proc/marker-stress says how many bursts it fired.
 */
#include <linux/module.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include <stapmark/marker.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("stapmark test: a kthread firing markers");

static struct task_struct *thread;
static unsigned long seq;

static int fire(void *unused)
{
	int i;

	while (!kthread_should_stop()) {
		for (i = 0; i < 100; i++) {
			seq++;
			trace_mark(stress_event, "seq %lu cpu %d", seq,
				   (int)raw_smp_processor_id());
			trace_mark(stress_eventb, MARK_NOARGS);
		}
		usleep_range(200, 400);
	}
	return 0;
}

static int stress_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%lu\n", READ_ONCE(seq));
	return 0;
}

static struct proc_dir_entry *entry;

static int __init marker_stress_init(void)
{
	thread = kthread_create(fire, NULL, "marker-stress");
	if (IS_ERR(thread))
		return PTR_ERR(thread);
	kthread_bind(thread, num_online_cpus() - 1);
	entry = proc_create_single("marker-stress", 0444, NULL, stress_show);
	wake_up_process(thread);
	return 0;
}

static void __exit marker_stress_exit(void)
{
	kthread_stop(thread);
	proc_remove(entry);
}

module_init(marker_stress_init);
module_exit(marker_stress_exit);
