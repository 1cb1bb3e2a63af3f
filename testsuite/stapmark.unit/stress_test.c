// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stress: 4 threads fire markers while another thread attaches and detaches
 * probes 100,000 times.  Each probe's private data is a heap object that is
 * poisoned and freed right after marker_synchronize_unregister(): a probe
 * running after that would see the poison (or, under AddressSanitizer, a
 * use-after-free).  Built and run plain, with ASan+UBSan and with TSan.
 *   stress_test [CYCLES]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <stapmark/marker.h>
#include "unit.h"

#define FIRING_THREADS 4
#define LIVE 0x600dcafe
#define DEAD 0xdeadbeef
#define BATCH 512 /* probes detached between two grace periods */

struct probe_data {
	unsigned int magic;
	long hits;
};

static long bad_calls, total_calls;
static int stop;

static void probe(void *pp, void *cp, const char *fmt, va_list *args)
{
	struct probe_data *d = pp;
	int v = va_arg(*args, int);

	(void)cp;
	(void)fmt;
	if (__atomic_load_n(&d->magic, __ATOMIC_RELAXED) != LIVE || v < 0)
		__atomic_add_fetch(&bad_calls, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&d->hits, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&total_calls, 1, __ATOMIC_RELAXED);
}

static void fire_a(int v)
{
	trace_mark(stress_a, "v %d", v);
}

static void fire_b(int v)
{
	trace_mark(stress_b, "v %d", v);
}

static void *firing(void *arg)
{
	int i = 0;

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		fire_a(i);
		fire_b(i);
		i = (i + 1) & 0xffffff;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long cycles = argc > 1 ? atol(argv[1]) : 100000;
	struct probe_data *retired[BATCH], *steady;
	pthread_t threads[FIRING_THREADS];
	long i, errors = 0;
	int nretired = 0, j;

	/* One probe stays on stress_b throughout, so its array keeps changing
	 * from one probe to several and back. */
	steady = calloc(1, sizeof(*steady));
	steady->magic = LIVE;
	marker_probe_register("stress_b", "v %d", probe, steady);
	marker_arm("stress_b");
	for (j = 0; j < FIRING_THREADS; j++)
		pthread_create(&threads[j], NULL, firing, NULL);

	for (i = 0; i < cycles; i++) {
		struct probe_data *d = calloc(1, sizeof(*d));
		const char *name = i & 1 ? "stress_b" : "stress_a";

		d->magic = LIVE;
		if (marker_probe_register(name, "v %d", probe, d) || marker_arm(name))
			errors++;
		/* Most windows are a few instructions wide; every 64th stays
		 * open until a firing thread went through it (at most ~10 ms),
		 * so that detached probes are seen running even on a loaded
		 * machine where the firing threads rarely run in between. */
		for (int w = 0;
		     i % 64 == 0 && w < 10000 && !__atomic_load_n(&d->hits, __ATOMIC_RELAXED); w++)
			usleep(1);
		if (marker_disarm(name) || marker_probe_unregister(name, probe, d))
			errors++;
		retired[nretired++] = d;
		if (nretired == BATCH) {
			marker_synchronize_unregister();
			while (nretired) {
				d = retired[--nretired];
				__atomic_store_n(&d->magic, DEAD, __ATOMIC_RELAXED);
				free(d);
			}
		}
	}
	marker_synchronize_unregister();
	while (nretired)
		free(retired[--nretired]);

	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (j = 0; j < FIRING_THREADS; j++)
		pthread_join(threads[j], NULL);
	marker_probe_unregister("stress_b", probe, steady);
	marker_disarm("stress_b");
	marker_synchronize_unregister();

	CHECK_EQ(errors, 0, "every register/arm/disarm/unregister succeeded");
	CHECK_EQ(bad_calls, 0, "no probe ran on freed or foreign data");
	CHECK(steady->hits > 0, "the steady probe saw events (%ld)", steady->hits);
	CHECK(total_calls > steady->hits, "attached-and-detached probes saw events too (%ld)",
	      total_calls - steady->hits);
	printf("cycles %ld, probe calls %ld\n", cycles, total_calls);
	free(steady);
	return UNIT_EXIT();
}
