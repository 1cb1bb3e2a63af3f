// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kprobe-example.ko: the same event as marker-example's subsystem_event,
 * caught with a kprobe on marker_example_event() instead of a marker, for
 * comparison.  At the function's entry the kernel puts a kprobe on the
 * ftrace call site (no trap); bench/kernel/bench-kmod.c also places one
 * past it, where it is an int3 trap at first and a jump once the kprobe
 * optimizer has run.  Load it after marker-example.ko.
 *
 * The handler reads the function's arguments from the registers (x86-64:
 * rdi, rsi), which is what a marker's format gives a probe for free.
 */
#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/atomic.h>

MODULE_LICENSE("GPL");
MODULE_AUTHOR("stapmark");
MODULE_DESCRIPTION("Kprobe example: a kprobe on marker_example_event()");

static char *symbol = "marker_example_event";
module_param(symbol, charp, 0444);
MODULE_PARM_DESC(symbol, "function to probe (default marker_example_event)");

static bool verbose = true;
module_param(verbose, bool, 0644);
MODULE_PARM_DESC(verbose, "log each hit (turn off for benchmarks)");

static atomic_long_t hits = ATOMIC_LONG_INIT(0);

static int kprobe_example_pre(struct kprobe *p, struct pt_regs *regs)
{
	atomic_long_inc(&hits);
#ifdef CONFIG_X86_64
	if (READ_ONCE(verbose))
		pr_info("kprobe-example: %s: integer %d string %s\n", p->symbol_name, (int)regs->di,
			(const char *)regs->si);
#endif
	return 0;
}

static struct kprobe kp = {
	.pre_handler = kprobe_example_pre,
};

static int __init kprobe_example_init(void)
{
	int ret;

	kp.symbol_name = symbol;
	ret = register_kprobe(&kp);
	if (ret) {
		pr_err("kprobe-example: register_kprobe(%s): %d\n", symbol, ret);
		return ret;
	}
	pr_info("kprobe-example: kprobe on %s at %px\n", symbol, kp.addr);
	return 0;
}

static void __exit kprobe_example_exit(void)
{
	unregister_kprobe(&kp);
	pr_info("kprobe-example: %ld hits\n", atomic_long_read(&hits));
}

module_init(kprobe_example_init);
module_exit(kprobe_example_exit);
