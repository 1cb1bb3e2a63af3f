// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-example.ko: probes for marker-example.ko, as the kernel's
 * samples/markers/probe-example did.  Load the two in either order: a probe
 * registered before its marker's module is loaded waits for it.
 *
 * Each probe is registered with the format it reads, so a marker with
 * another format is refused (and reported in the kernel log) rather than
 * read with the wrong types.  At unload it says how many events it saw.
 */
#include <linux/module.h>
#include <linux/atomic.h>

#include <stapmark/marker.h>

MODULE_LICENSE("GPL");
MODULE_AUTHOR("stapmark");
MODULE_DESCRIPTION("Probe example: probes on subsystem_event and subsystem_eventb");

static atomic_t eventb_count = ATOMIC_INIT(0);

static void probe_subsystem_event(void *probe_private, void *call_private, const char *format,
				  va_list *args)
{
	/* Read the arguments in format order, with their promoted types. */
	int value = va_arg(*args, int);
	const char *str = va_arg(*args, const char *);

	pr_info("probe-example: subsystem_event: integer %d string %s\n", value, str);
}

static void probe_subsystem_eventb(void *probe_private, void *call_private, const char *format,
				   va_list *args)
{
	atomic_inc(&eventb_count); /* MARK_NOARGS: nothing to read */
}

struct probe_data {
	const char *name;
	const char *format;
	marker_probe_func *probe;
};

static struct probe_data probes[] = {
	{"subsystem_event", "integer %d string %s", probe_subsystem_event},
	{"subsystem_eventb", MARK_NOARGS, probe_subsystem_eventb},
};

static int count_sites(const struct marker_info *info, void *arg)
{
	const struct probe_data *pd = arg;

	return info->site && !strcmp(info->name, pd->name);
}

static void unregister_probes(int n)
{
	while (n-- > 0) {
		marker_disarm(probes[n].name);
		marker_probe_unregister(probes[n].name, probes[n].probe, &probes[n]);
	}
}

static int __init probe_example_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		ret = marker_probe_register(probes[i].name, probes[i].format, probes[i].probe,
					    &probes[i]);
		if (ret) {
			pr_err("probe-example: cannot register probe on %s: %d\n", probes[i].name,
			       ret);
			unregister_probes(i);
			return ret;
		}
		marker_arm(probes[i].name);
		pr_info("probe-example: %s: armed, %s\n", probes[i].name,
			marker_for_each(count_sites, &probes[i])
				? "attached"
				: "pending until its module is loaded");
	}
	return 0;
}

static void __exit probe_example_exit(void)
{
	unregister_probes(ARRAY_SIZE(probes));
	/* No probe of ours runs any more once this returns. */
	marker_synchronize_unregister();
	pr_info("probe-example: %d subsystem_eventb events\n", atomic_read(&eventb_count));
}

module_init(probe_example_init);
module_exit(probe_example_exit);
