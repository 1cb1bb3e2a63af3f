// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loop: the instrumented program of the script benchmark (bench/script/run).
 *
 * One marker site, loop_event "key %s value %d", in a counted loop.  The
 * key comes from a small set (-k, default 8 keys), the value is the
 * event's number: 0, 1, 2, ... across calibration and runs, so a script
 * keying a map by value % K sees min(K, events) distinct keys.  Whatever is attached to the site
 * (nothing, a stapmark script, bpftrace or stap through the SDT note), the program measures itself
 * the same way: this thread's CPU time per iteration, over -r runs of about -t ms each after a
 * calibration, and reports the median.
 *
 *   loop [-t MS] [-r RUNS] [-k KEYS] [-R FILE]      per-event cost
 *   loop -n EVENTS [-R FILE]                        fixed count, wall time
 *
 * -F calls a plain function, loop_func(key, value), instead of firing the
 * marker: what a function probe (process.function, a uprobe) attaches to.
 *
 * -S holds the site's SDT semaphore for the whole run, as a tool attaching
 * through the SDT note should: stap --runtime=bpf 4.8 places its uprobe
 * without the semaphore (no ref_ctr_offset), so the site would stay
 * dormant and its probe would never fire.
 *
 * The result is one line appended to FILE (default stderr), so that it
 * never mixes with a script's output:
 *   ns=MEDIAN min=MIN max=MAX iters=PER_RUN runs=R events=TOTAL wall_s=S
 * events counts every site execution, calibration included, so a script
 * that counts its hits can be checked against it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stapmark/marker.h>

#define MAX_KEYS 64
#define MAX_RUNS 101

static char keys[MAX_KEYS][24];
static unsigned long nkeys = 8;

/* The loop: the empty asm makes the counter opaque each iteration, so the
 * compiler can neither compute the trip count nor drop the body. */
static void __attribute__((noinline, aligned(64))) run_loop(unsigned long from, unsigned long n)
{
	unsigned long i, to = from + n;

	for (i = from; i < to; i++) {
		trace_mark(loop_event, "key %s value %d", keys[i & (nkeys - 1)], (int)i);
		__asm__ __volatile__("" : "+r"(i));
	}
}

/* -F: a function of its own (noipa: called, never inlined or cloned).  It
 * calls another twice, so it opens with an ordinary prologue (a push): the
 * kernel emulates that instruction for a uprobe, where a bare 'ret' would
 * be single-stepped, several times slower. */
static volatile long loop_sum;

__attribute__((noipa)) void loop_sink(const char *key, int value)
{
	loop_sum += key[0] + value;
}

__attribute__((noipa)) void loop_func(const char *key, int value)
{
	loop_sink(key, value);
	loop_sink(key, value + 1);
}

static void __attribute__((noinline, aligned(64)))
run_loop_calls(unsigned long from, unsigned long n)
{
	unsigned long i, to = from + n;

	for (i = from; i < to; i++) {
		loop_func(keys[i & (nkeys - 1)], (int)i);
		__asm__ __volatile__("" : "+r"(i));
	}
}

static void (*loop_body)(unsigned long, unsigned long) = run_loop;

/* What a semaphore-aware tool does: the kernel's uprobe ref_ctr_offset. */
static void hold_semaphore(void)
{
	__MARKER_SEM_DECLARE(loop_event);
	__atomic_fetch_add(&__MARKER_SEM(loop_event), 1, __ATOMIC_RELAXED);
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	double target_ms = 20, per[MAX_RUNS], t0, w0, wall;
	unsigned long n = 0, events = 0, fixed = 0;
	int runs = 7, opt, r;
	const char *result = NULL;
	FILE *f = stderr;

	while ((opt = getopt(argc, argv, "t:r:k:n:R:SF")) != -1) {
		switch (opt) {
		case 't':
			target_ms = atof(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 'k':
			nkeys = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			fixed = strtoul(optarg, NULL, 0);
			break;
		case 'R':
			result = optarg;
			break;
		case 'S':
			hold_semaphore();
			break;
		case 'F':
			loop_body = run_loop_calls;
			break;
		default:
			fprintf(stderr, "usage: loop [-t MS] [-r RUNS] [-k KEYS] [-n EVENTS] [-R "
					"FILE] [-S] [-F]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > MAX_RUNS || nkeys < 1 || nkeys > MAX_KEYS || (nkeys & (nkeys - 1))) {
		fprintf(stderr, "loop: 1 <= RUNS <= %d, KEYS a power of two <= %d\n", MAX_RUNS,
			MAX_KEYS);
		return 2;
	}
	for (unsigned long k = 0; k < nkeys; k++)
		snprintf(keys[k], sizeof(keys[k]), "k%lu", k);

	if (fixed) {
		/* Output throughput: a fixed number of events as fast as possible. */
		w0 = wall_s();
		t0 = cpu_ns();
		loop_body(0, fixed);
		per[0] = (cpu_ns() - t0) / fixed;
		wall = wall_s() - w0;
		n = fixed;
		events = fixed;
		runs = 1;
	} else {
		/* Calibrate (and warm up): double until a run takes a quarter of
		 * the target, then scale to the target. */
		for (n = 64;; n *= 2) {
			t0 = cpu_ns();
			loop_body(events, n);
			events += n;
			double ns = cpu_ns() - t0;
			if (ns >= target_ms * 1e6 / 4 || n >= 1UL << 40) {
				n = (unsigned long)(n * (target_ms * 1e6 / (ns > 1 ? ns : 1)));
				break;
			}
		}
		if (n < 16)
			n = 16;
		w0 = wall_s();
		for (r = 0; r < runs; r++) {
			t0 = cpu_ns();
			loop_body(events, n);
			per[r] = (cpu_ns() - t0) / n;
			events += n;
		}
		wall = wall_s() - w0;
	}
	double sorted[MAX_RUNS];
	memcpy(sorted, per, runs * sizeof(double));
	qsort(sorted, runs, sizeof(double), cmp_double);
	if (result && !(f = fopen(result, "a"))) {
		perror(result);
		return 1;
	}
	fprintf(f, "ns=%.3f min=%.3f max=%.3f iters=%lu runs=%d events=%lu wall_s=%.6f\n",
		sorted[runs / 2], sorted[0], sorted[runs - 1], n, runs, events, wall);
	if (f != stderr)
		fclose(f);
	return 0;
}
