// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-stress.ko: attaches and detaches several probes on stress_event
 * while marker-stress.ko fires it from another CPU, and checks the contract
 * of the registry, in its init (so insmod returns when it is done):
 *   - every attached probe receives events, with the right arguments;
 *   - once marker_synchronize_unregister() has returned, a removed probe is
 *     neither running nor called again.
 * It ends with "probe-stress: PASS ..." or "probe-stress: FAIL ..." in the
 * kernel log.  Its exit removes what is left while the markers still fire.
 */
#include <linux/module.h>
#include <linux/delay.h>
#include <linux/jiffies.h>

#include <stapmark/marker.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("stapmark test: probes attached and detached under fire");

static int rounds = 100;
module_param(rounds, int, 0444);

#define NPROBES 4
#define FORMAT "seq %lu cpu %d"

struct stress_probe {
	atomic_long_t hits;
	atomic_t running;
	atomic_long_t bad_args;
	bool registered;
};

static struct stress_probe probes[NPROBES];

static void stress_probe(void *probe_private, void *call_private, const char *fmt, va_list *args)
{
	struct stress_probe *p = probe_private;
	unsigned long seq = va_arg(*args, unsigned long);
	int cpu = va_arg(*args, int);

	atomic_inc(&p->running);
	if (!seq || cpu < 0 || cpu >= nr_cpu_ids || strcmp(fmt, FORMAT))
		atomic_long_inc(&p->bad_args);
	atomic_long_inc(&p->hits);
	atomic_dec(&p->running);
}

static int set_probe(int i, bool on)
{
	struct stress_probe *p = &probes[i];
	int ret;

	if (on == p->registered)
		return 0;
	if (on)
		ret = marker_probe_register("stress_event", FORMAT, stress_probe, p);
	else
		ret = marker_probe_unregister("stress_event", stress_probe, p);
	if (!ret)
		p->registered = on;
	return ret;
}

/* Wait (at most 2 s) until every registered probe has seen a new event. */
static bool all_fire(void)
{
	long before[NPROBES];
	unsigned long end = jiffies + 2 * HZ;
	int i, waiting;

	for (i = 0; i < NPROBES; i++)
		before[i] = atomic_long_read(&probes[i].hits);
	do {
		usleep_range(500, 1000);
		waiting = 0;
		for (i = 0; i < NPROBES; i++)
			if (probes[i].registered && atomic_long_read(&probes[i].hits) == before[i])
				waiting++;
	} while (waiting && time_before(jiffies, end));
	return !waiting;
}

static int __init probe_stress_init(void)
{
	long frozen[NPROBES], total = 0, bad = 0;
	int r, i, ret, failures = 0;
	const char *why = "";

	for (r = 0; r < rounds && !failures; r++) {
		/* Attach all, in an order that changes each round. */
		for (i = 0; i < NPROBES; i++) {
			ret = set_probe((i + r) % NPROBES, true);
			if (ret) {
				why = "register failed";
				failures++;
			}
		}
		if (r == 0)
			marker_arm("stress_event"); /* armed needs a probe first */
		if (!all_fire()) {
			why = "a registered probe got no event";
			failures++;
		}
		/* Detach half, wait for readers, and check they stay quiet. */
		for (i = r % 2; i < NPROBES; i += 2)
			set_probe(i, false);
		marker_synchronize_unregister();
		for (i = 0; i < NPROBES; i++) {
			frozen[i] = atomic_long_read(&probes[i].hits);
			if (!probes[i].registered && atomic_read(&probes[i].running)) {
				why = "removed probe still running after synchronize";
				failures++;
			}
		}
		if (!all_fire()) {
			why = "a remaining probe got no event";
			failures++;
		}
		for (i = 0; i < NPROBES; i++) {
			if (!probes[i].registered &&
			    atomic_long_read(&probes[i].hits) != frozen[i]) {
				why = "removed probe called after synchronize";
				failures++;
			}
		}
		/* Every few rounds, detach everything. */
		if (r % 4 == 3) {
			for (i = 0; i < NPROBES; i++)
				set_probe(i, false);
			marker_synchronize_unregister();
		}
	}
	for (i = 0; i < NPROBES; i++) {
		total += atomic_long_read(&probes[i].hits);
		bad += atomic_long_read(&probes[i].bad_args);
	}
	if (bad) {
		why = "probe saw wrong arguments";
		failures++;
	}
	if (failures)
		pr_err("probe-stress: FAIL after %d rounds: %s\n", r, why);
	else
		pr_info("probe-stress: PASS %d rounds, %ld events\n", r, total);
	/* Leave two probes attached: module exit removes them under fire. */
	set_probe(0, true);
	set_probe(1, true);
	return 0;
}

static void __exit probe_stress_exit(void)
{
	int i;

	for (i = 0; i < NPROBES; i++)
		set_probe(i, false);
	marker_disarm("stress_event");
	marker_synchronize_unregister();
	pr_info("probe-stress: removed\n");
}

module_init(probe_stress_init);
module_exit(probe_stress_exit);
