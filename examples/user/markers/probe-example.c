// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-example.so: a hand-written probe module for marker-example, the
 * user-space counterpart of the kernel's samples/markers/probe-example.
 *
 *   LD_PRELOAD=probe-example.so marker-example       (insmod, then run)
 *   marker-example -p probe-example.so               (insmod while running)
 *
 * The constructor plays module_init: it connects one probe to each marker,
 * giving the format it expects so that a marker with another format is left
 * alone (and reported) rather than read with the wrong types, and arms it.
 * The destructor plays module_exit.
 */
#include <stdio.h>
#include <string.h>

#include <stapmark/marker.h>

struct probe_data {
	const char *name;
	const char *format;
	marker_probe_func *func;
	unsigned long count;
	int active; /* registered and armed: undo both at exit */
};

static void probe_subsystem_event(void *probe_private, void *call_private, const char *fmt,
				  va_list *args)
{
	struct probe_data *pd = probe_private;
	int value;
	const char *str;

	(void)call_private;
	(void)fmt; /* equal to pd->format: the runtime checked it */
	/* Read the arguments in format order with their promoted types. */
	value = va_arg(*args, int);
	str = va_arg(*args, const char *);
	__atomic_add_fetch(&pd->count, 1, __ATOMIC_RELAXED);
	printf("event %s: integer %d string %s\n", pd->name, value, str);
}

static void probe_subsystem_eventb(void *probe_private, void *call_private, const char *fmt,
				   va_list *args)
{
	struct probe_data *pd = probe_private;

	(void)call_private;
	(void)fmt;
	(void)args; /* MARK_NOARGS: nothing to read */
	__atomic_add_fetch(&pd->count, 1, __ATOMIC_RELAXED);
	printf("event %s\n", pd->name);
}

static struct probe_data probes[] = {
	{"subsystem_event", "integer %d string %s", probe_subsystem_event, 0, 0},
	{"subsystem_eventb", MARK_NOARGS, probe_subsystem_eventb, 0, 0},
};

#define NPROBES (sizeof(probes) / sizeof(probes[0]))

struct site_count {
	const char *name;
	int sites;
};

static int count_sites(const struct marker_info *info, void *arg)
{
	struct site_count *sc = arg;

	if (info->site && !strcmp(info->name, sc->name))
		sc->sites++;
	return 0;
}

/* Tell whether the probe is live now or waits for its marker's code. */
static void report_attach(const char *name)
{
	struct site_count sc = {name, 0};

	marker_for_each(count_sites, &sc);
	if (sc.sites)
		printf("probe-example: %s: armed, %d site%s loaded\n", name, sc.sites,
		       sc.sites == 1 ? "" : "s");
	else
		printf("probe-example: %s: armed, pending until its code is loaded\n", name);
}

static void __attribute__((constructor)) probe_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < NPROBES; i++) {
		struct probe_data *pd = &probes[i];

		ret = marker_probe_register(pd->name, pd->format, pd->func, pd);
		if (ret) {
			fprintf(stderr, "probe-example: cannot register probe on %s: %s\n",
				pd->name, strerror(-ret));
			continue;
		}
		ret = marker_arm(pd->name);
		if (ret) {
			fprintf(stderr, "probe-example: cannot arm %s: %s\n", pd->name,
				strerror(-ret));
			marker_probe_unregister(pd->name, pd->func, pd);
			continue;
		}
		pd->active = 1;
		report_attach(pd->name);
	}
	fflush(stdout);
}

static void __attribute__((destructor)) probe_exit(void)
{
	unsigned long total = 0;
	unsigned int i;

	for (i = 0; i < NPROBES; i++) {
		struct probe_data *pd = &probes[i];

		if (!pd->active)
			continue;
		marker_disarm(pd->name);
		marker_probe_unregister(pd->name, pd->func, pd);
		pd->active = 0;
	}
	/* No thread may still be inside a probe once this returns: only then
	 * are the counts final and this module's code safe to unmap. */
	marker_synchronize_unregister();

	for (i = 0; i < NPROBES; i++)
		total += probes[i].count;
	printf("probe-example: %lu events (%s %lu, %s %lu)\n", total, probes[0].name,
	       probes[0].count, probes[1].name, probes[1].count);
	fflush(stdout);
}
