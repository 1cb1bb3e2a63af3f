// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kr-fire.ko: markers for the kruntime tests, fired on demand.  Each write
 * to /proc/kr-fire is one command:
 *
 *   str          kr_str "n %d s %s": a good string, then bad pointers
 *                (NULL, 0x1, a user address, an unmapped kernel address,
 *                a non-canonical one), then a good one again
 *   div D        kr_div "d %d" once
 *   loop         kr_loop "n %d" once (the probe loops forever)
 *   user WORD    kr_user "p %p n %d": a bad user pointer, then WORD in the
 *                written buffer (user memory: n bytes, no NUL)
 *   flood N      kr_flood "n %d" N times
 *   rate K N M   kr_rate "k %d n %d" M times (K, N)
 *   ctx N        kr_ctx "where %d" N times each in task (0), softirq (1)
 *                and hardirq (2) context
 *   exit         kr_exit "n %d" once
 *   foreach      kr_foreach "n %d" once
 */
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <stapmark/marker.h>

MODULE_LICENSE("GPL");
MODULE_AUTHOR("stapmark");
MODULE_DESCRIPTION("kruntime tests: markers fired on demand through /proc/kr-fire");

static int ctx_n;
static DECLARE_COMPLETION(soft_done);
static DECLARE_COMPLETION(hard_done);

static void fire_ctx(int where)
{
	int i;

	for (i = 0; i < ctx_n; i++)
		trace_mark(kr_ctx, "where %d", where);
}

static void soft_fn(struct tasklet_struct *t)
{
	fire_ctx(1);
	complete(&soft_done);
}

static DECLARE_TASKLET(soft_tasklet, soft_fn);

static void hard_fn(struct irq_work *w)
{
	fire_ctx(2);
	complete(&hard_done);
}

static struct irq_work hard_work = IRQ_WORK_INIT_HARD(hard_fn);

static void fire_str(void)
{
	static const char *const bad[] = {
		NULL,
		(const char *)1,
		(const char *)0x10000, /* a user address */
		(const char *)0xffffec0000000000UL, /* no KASAN: unmapped shadow range */
		(const char *)0xdead000000000000UL, /* non-canonical */
	};
	int i;

	trace_mark(kr_str, "n %d s %s", 0, "good string");
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		trace_mark(kr_str, "n %d s %s", i + 1, bad[i]);
	trace_mark(kr_str, "n %d s %s", 9, "after");
}

static ssize_t kr_fire_write(struct file *file, const char __user *ubuf, size_t count, loff_t *ppos)
{
	char cmd[64], *s;
	int a = 0, b = 0, n = 0, i;

	if (count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	s = strim(cmd);
	if (!strcmp(s, "str")) {
		fire_str();
	} else if (sscanf(s, "div %d", &a) == 1) {
		trace_mark(kr_div, "d %d", a);
	} else if (!strcmp(s, "loop")) {
		trace_mark(kr_loop, "n %d", 1);
	} else if (!strncmp(s, "user ", 5)) {
		trace_mark(kr_user, "p %p n %d", (void *)0x10, 4);
		trace_mark(kr_user, "p %p n %d", ubuf + (s + 5 - cmd), (int)strlen(s + 5));
	} else if (sscanf(s, "flood %d", &n) == 1) {
		for (i = 0; i < n; i++)
			trace_mark(kr_flood, "n %d", i);
	} else if (sscanf(s, "rate %d %d %d", &a, &b, &n) == 3) {
		for (i = 0; i < n; i++) {
			trace_mark(kr_rate, "k %d n %d", a, b);
			cond_resched();
		}
	} else if (sscanf(s, "ctx %d", &n) == 1) {
		ctx_n = n;
		reinit_completion(&soft_done);
		reinit_completion(&hard_done);
		fire_ctx(0);
		tasklet_schedule(&soft_tasklet);
		irq_work_queue(&hard_work);
		wait_for_completion(&soft_done);
		wait_for_completion(&hard_done);
	} else if (!strcmp(s, "exit")) {
		trace_mark(kr_exit, "n %d", 1);
	} else if (!strcmp(s, "foreach")) {
		trace_mark(kr_foreach, "n %d", 1);
	} else {
		return -EINVAL;
	}
	return count;
}

static const struct proc_ops kr_fire_ops = {
	.proc_write = kr_fire_write,
	.proc_lseek = noop_llseek,
};

static struct proc_dir_entry *entry;

static int __init kr_fire_init(void)
{
	entry = proc_create("kr-fire", 0200, NULL, &kr_fire_ops);
	return entry ? 0 : -ENOMEM;
}

static void __exit kr_fire_exit(void)
{
	proc_remove(entry);
	tasklet_kill(&soft_tasklet);
	irq_work_sync(&hard_work);
}

module_init(kr_fire_init);
module_exit(kr_fire_exit);
