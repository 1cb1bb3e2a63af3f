// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-probe.ko: probes the tests attach, arm and remove from the shell.
 *
 * Write commands to /proc/test-probe (the write fails with the API's error):
 *   register ID NAME FORMAT...   marker_probe_register(NAME, FORMAT) on slot ID
 *                                (FORMAT "-" for NULL: accept the marker's)
 *   unregister ID                marker_probe_unregister of slot ID
 *   arm NAME / disarm NAME       marker_arm / marker_disarm
 *   filter ID FIELD VALUE        slot ID records only events whose FIELD
 *                                prints as VALUE
 *   sync                         marker_synchronize_unregister()
 * Read it for one line per slot in use:
 *   ID NAME hits=N matched=M last=FIELD=VALUE,FIELD=VALUE...
 * (a slot stays listed after unregister, until it is registered again).
 *
 * The probe decodes its va_list with the core's format parser (format.c,
 * compiled in), as the translator's generated probes will.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include <stapmark/marker.h>
#include "format.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("stapmark test probes, driven through /proc/test-probe");

#define NSLOTS 32
#define RECORD_MAX 384

struct slot {
	bool used; /* registered */
	bool listed; /* registered once: read shows it until registered again */
	char name[64];
	char filter_field[MARKER_FIELD_NAME_MAX];
	char filter_value[64];
	atomic_long_t hits, matched;
	spinlock_t lock; /* last */
	char last[RECORD_MAX];
};

static bool leak;
module_param(leak, bool, 0644);
MODULE_PARM_DESC(leak, "at unload, leave probes registered and armed (markers.ko must clean up)");

static struct slot slots[NSLOTS];
static DEFINE_MUTEX(control_mutex);
/* What we armed, to disarm at exit (a name per arm). */
static char *armed[NSLOTS * 2];

/* Print one argument into buf. */
static void format_arg(char *buf, size_t size, const struct marker_arg *a, va_list *args)
{
	switch (a->va_type) {
	case MARKER_VA_INT:
		snprintf(buf, size, "%d", va_arg(*args, int));
		break;
	case MARKER_VA_UINT:
		snprintf(buf, size, a->conversion == 'x' || a->conversion == 'X' ? "%x" : "%u",
			 va_arg(*args, unsigned int));
		break;
	case MARKER_VA_LONG:
	case MARKER_VA_SSIZE:
	case MARKER_VA_PTRDIFF:
		snprintf(buf, size, "%ld", va_arg(*args, long));
		break;
	case MARKER_VA_ULONG:
	case MARKER_VA_SIZE:
	case MARKER_VA_UPTRDIFF:
		snprintf(buf, size, a->conversion == 'x' || a->conversion == 'X' ? "%lx" : "%lu",
			 va_arg(*args, unsigned long));
		break;
	case MARKER_VA_LLONG:
	case MARKER_VA_INTMAX:
		snprintf(buf, size, "%lld", va_arg(*args, long long));
		break;
	case MARKER_VA_ULLONG:
	case MARKER_VA_UINTMAX:
		snprintf(buf, size, "%llu", va_arg(*args, unsigned long long));
		break;
	case MARKER_VA_POINTER:
		snprintf(buf, size, "%lx", (unsigned long)va_arg(*args, void *));
		break;
	case MARKER_VA_STRING: {
		const char *s = va_arg(*args, const char *);

		strscpy(buf, s ? s : "(null)", size);
		break;
	}
	default: /* no floating point in the kernel; none in our formats */
		snprintf(buf, size, "?");
		break;
	}
}

static void test_probe(void *probe_private, void *call_private, const char *fmt, va_list *args)
{
	struct slot *s = probe_private;
	struct marker_format_iter it;
	struct marker_arg a;
	char record[RECORD_MAX], value[80];
	size_t len = 0;
	bool match = !s->filter_field[0];
	unsigned long flags;

	atomic_long_inc(&s->hits);
	record[0] = '\0';
	marker_format_begin(&it, fmt);
	while (marker_format_next(&it, &a) == 1) {
		format_arg(value, sizeof(value), &a, args);
		if (!match && !strcmp(a.name, s->filter_field) && !strcmp(value, s->filter_value))
			match = true;
		if (len < sizeof(record))
			len += scnprintf(record + len, sizeof(record) - len, "%s%s=%s",
					 len ? "," : "", a.name, value);
	}
	if (!match)
		return;
	atomic_long_inc(&s->matched);
	spin_lock_irqsave(&s->lock, flags);
	strscpy(s->last, record, sizeof(s->last));
	spin_unlock_irqrestore(&s->lock, flags);
}

static struct slot *get_slot(const char *id)
{
	unsigned int i;

	if (kstrtouint(id, 10, &i) || i >= NSLOTS)
		return NULL;
	return &slots[i];
}

static int arm(const char *name)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(armed) && armed[i]; i++)
		;
	if (i == ARRAY_SIZE(armed))
		return -ENOSPC;
	ret = marker_arm(name);
	if (!ret)
		armed[i] = kstrdup(name, GFP_KERNEL);
	return ret;
}

static int disarm(const char *name)
{
	int i, ret = marker_disarm(name);

	for (i = 0; !ret && i < ARRAY_SIZE(armed); i++) {
		if (armed[i] && !strcmp(armed[i], name)) {
			kfree(armed[i]);
			armed[i] = NULL;
			break;
		}
	}
	return ret;
}

static int run_command(char *line)
{
	char *cmd = strsep(&line, " "), *arg = line ? strsep(&line, " ") : NULL;
	struct slot *s;
	int ret;

	if (!cmd || !*cmd)
		return -EINVAL;
	if (!strcmp(cmd, "sync")) {
		marker_synchronize_unregister();
		return 0;
	}
	if (!arg)
		return -EINVAL;
	if (!strcmp(cmd, "arm"))
		return arm(arg);
	if (!strcmp(cmd, "disarm"))
		return disarm(arg);
	s = get_slot(arg);
	if (!s)
		return -EINVAL;
	if (!strcmp(cmd, "register")) {
		char *name = line ? strsep(&line, " ") : NULL;
		const char *format = line;

		if (s->used || !name)
			return -EBUSY;
		if (format && !strcmp(format, "-"))
			format = NULL;
		strscpy(s->name, name, sizeof(s->name));
		atomic_long_set(&s->hits, 0);
		atomic_long_set(&s->matched, 0);
		s->last[0] = '\0';
		s->filter_field[0] = '\0';
		ret = marker_probe_register(s->name, format, test_probe, s);
		if (!ret)
			s->used = s->listed = true;
		return ret;
	}
	if (!strcmp(cmd, "unregister")) {
		if (!s->used)
			return -ENOENT;
		ret = marker_probe_unregister(s->name, test_probe, s);
		s->used = false;
		return ret;
	}
	if (!strcmp(cmd, "filter")) {
		char *field = line ? strsep(&line, " ") : NULL;

		if (!field || !line)
			return -EINVAL;
		/* Set while the probe may run: value first, field last. */
		strscpy(s->filter_value, line, sizeof(s->filter_value));
		smp_wmb();
		strscpy(s->filter_field, field, sizeof(s->filter_field));
		return 0;
	}
	return -EINVAL;
}

static ssize_t control_write(struct file *file, const char __user *ubuf, size_t count, loff_t *pos)
{
	char *buf;
	int ret;

	if (count > 512)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	strim(buf);
	mutex_lock(&control_mutex);
	ret = run_command(buf);
	mutex_unlock(&control_mutex);
	kfree(buf);
	return ret ? ret : count;
}

static int control_show(struct seq_file *m, void *v)
{
	unsigned long flags;
	char last[RECORD_MAX];
	int i;

	mutex_lock(&control_mutex);
	for (i = 0; i < NSLOTS; i++) {
		struct slot *s = &slots[i];

		if (!s->listed)
			continue;
		spin_lock_irqsave(&s->lock, flags);
		strscpy(last, s->last, sizeof(last));
		spin_unlock_irqrestore(&s->lock, flags);
		seq_printf(m, "%d %s hits=%ld matched=%ld last=%s\n", i, s->name,
			   atomic_long_read(&s->hits), atomic_long_read(&s->matched), last);
	}
	mutex_unlock(&control_mutex);
	return 0;
}

static int control_open(struct inode *inode, struct file *file)
{
	return single_open(file, control_show, NULL);
}

static const struct proc_ops control_ops = {
	.proc_open = control_open,
	.proc_read = seq_read,
	.proc_write = control_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static struct proc_dir_entry *entry;

static int __init test_probe_init(void)
{
	int i;

	for (i = 0; i < NSLOTS; i++)
		spin_lock_init(&slots[i].lock);
	entry = proc_create("test-probe", 0644, NULL, &control_ops);
	return entry ? 0 : -ENOMEM;
}

static void __exit test_probe_exit(void)
{
	int i;

	proc_remove(entry);
	if (leak)
		return;
	for (i = 0; i < ARRAY_SIZE(armed); i++)
		if (armed[i])
			disarm(armed[i]);
	for (i = 0; i < NSLOTS; i++)
		if (slots[i].used)
			marker_probe_unregister(slots[i].name, test_probe, &slots[i]);
	marker_synchronize_unregister();
}

module_init(test_probe_init);
module_exit(test_probe_exit);
