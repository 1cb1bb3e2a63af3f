// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * marker-example.ko: the kernel's samples/markers/marker-example on today's
 * kernel.  Opening /proc/marker-example fires two markers:
 *
 *   subsystem_event   "integer %d string %s"  once
 *   subsystem_eventb  MARK_NOARGS             ten times
 *
 * Including <stapmark/marker.h> is all the instrumentation needs: markers.ko
 * finds the module's markers when it loads (see runtime/kernel/README.md).
 * The marker sits in its own function, marker_example_event(), which
 * kprobe-example.ko probes too, so the two can be compared on one path.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include <stapmark/marker.h>

MODULE_LICENSE("GPL");
MODULE_AUTHOR("stapmark");
MODULE_DESCRIPTION("Marker example: /proc/marker-example fires subsystem_event(b)");

/* The last value seen: one store, so that the function has an instruction
 * past its ftrace call that a kprobe can trap on and later jump-optimize
 * (a dormant marker site is a jump label, which kprobes refuse). */
static int marker_example_last;

/* One event on the compared path: a marker, or a kprobe on this function. */
noinline void marker_example_event(int value, const char *str)
{
	WRITE_ONCE(marker_example_last, value);
	trace_mark(subsystem_event, "integer %d string %s", value, str);
}
EXPORT_SYMBOL_GPL(marker_example_event); /* for the benchmark */

/* The benchmark's floor: marker_example_event() without its marker, next to
 * it (same module, same page: under qemu's TCG a call into another page
 * costs a lookup, which would otherwise be counted as the marker's). */
noinline void marker_example_nop(int value, const char *str)
{
	WRITE_ONCE(marker_example_last, value);
}
EXPORT_SYMBOL_GPL(marker_example_nop);

static int marker_example_show(struct seq_file *s, void *v)
{
	seq_puts(s, "marker-example: fired subsystem_event once and subsystem_eventb 10 times\n");
	return 0;
}

static int marker_example_open(struct inode *inode, struct file *file)
{
	int i;

	marker_example_event(123, "example string");
	for (i = 0; i < 10; i++)
		trace_mark(subsystem_eventb, MARK_NOARGS);
	return single_open(file, marker_example_show, NULL);
}

static const struct proc_ops marker_example_ops = {
	.proc_open = marker_example_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static struct proc_dir_entry *entry;

static int __init marker_example_init(void)
{
	entry = proc_create("marker-example", 0444, NULL, &marker_example_ops);
	return entry ? 0 : -ENOMEM;
}

static void __exit marker_example_exit(void)
{
	proc_remove(entry);
}

module_init(marker_example_init);
module_exit(marker_example_exit);
