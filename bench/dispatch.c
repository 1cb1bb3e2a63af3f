// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The dispatch microbenchmark: what a marker site costs per event, dormant
 * and armed, over the same loop without a marker.
 *
 *   dispatch [-r ROUNDS] [-t MS] [-c CASE]...
 *
 * Every case is a function running the same counted loop; only the marker
 * sites in its body differ.  Each case gets a fixed iteration count
 * (calibrated once so that one run lasts about MS milliseconds); then every
 * round runs every case once, the order rotated from round to round, so that
 * frequency changes and noise from the host fall on all cases alike.  We
 * report medians, and judge each target on the per-round paired difference
 * (case minus baseline of the same round), which cancels slow drift.
 *
 * The probe is the same everywhere: it reads one int from the va_list and
 * adds it to a counter of its own.  After each run the counters are checked
 * against the exact expected sum, so a case that did not fire (or fired
 * where it should not) aborts the benchmark instead of printing a fast
 * number.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stapmark/marker.h>

#include "floor.h"
#include "oldmux.h"

#define MAX_ROUNDS 101
#define MAX_PROBES 4

/* Targets on this machine (see README.md). */
#define TARGET_DORMANT1_RATIO 1.02
#define TARGET_PER_SITE_NS 0.1
#define TARGET_ARMED1_NS 3.5
#define TARGET_ARMED4_NS 8.0

/* One counter per probe, each on its own cache line as separate probes'
 * data would be; the counter sharing a line would flatter several probes. */
struct counter {
	long sum;
} __attribute__((aligned(64)));

static struct counter counters[MAX_PROBES];

static void bench_probe(void *probe_private, void *call_private, const char *fmt, va_list *args)
{
	struct counter *c = probe_private;

	(void)call_private;
	(void)fmt;
	c->sum += va_arg(*args, int);
}

/*
 * The loop every case runs.  The empty asm makes the counter opaque to the
 * compiler each iteration, so it can neither compute the trip count nor
 * drop, unroll into nothing or hoist the body; it costs no instruction, and
 * the baseline has it too.  The marker argument is the counter itself, so
 * the armed cases pass a value that changes every event.
 */
#define BENCH_LOOP(n, i, body)                              \
	do {                                                \
		unsigned long i;                            \
		for (i = 0; i < (n); i++) {                 \
			body;                               \
			__asm__ __volatile__("" : "+r"(i)); \
		}                                           \
	} while (0)

/* noinline: each case is its own loop, laid out and aligned like the others. */
#define BENCH_CASE(fn) static void __attribute__((noinline, aligned(64))) fn(unsigned long n)

BENCH_CASE(case_empty)
{
	BENCH_LOOP(n, i, (void)0);
}

BENCH_CASE(case_dormant1)
{
	BENCH_LOOP(n, i, trace_mark(bench_dormant, "value %d", (int)i));
}

BENCH_CASE(case_dormant8_names)
{
	BENCH_LOOP(n, i, {
		trace_mark(bench_dormant_0, "value %d", (int)i);
		trace_mark(bench_dormant_1, "value %d", (int)i);
		trace_mark(bench_dormant_2, "value %d", (int)i);
		trace_mark(bench_dormant_3, "value %d", (int)i);
		trace_mark(bench_dormant_4, "value %d", (int)i);
		trace_mark(bench_dormant_5, "value %d", (int)i);
		trace_mark(bench_dormant_6, "value %d", (int)i);
		trace_mark(bench_dormant_7, "value %d", (int)i);
	});
}

BENCH_CASE(case_dormant8_same)
{
	BENCH_LOOP(n, i, {
		trace_mark(bench_dormant, "value %d", (int)i);
		trace_mark(bench_dormant, "value %d", (int)i);
		trace_mark(bench_dormant, "value %d", (int)i);
		trace_mark(bench_dormant, "value %d", (int)i);
		trace_mark(bench_dormant, "value %d", (int)i);
		trace_mark(bench_dormant, "value %d", (int)i);
		trace_mark(bench_dormant, "value %d", (int)i);
		trace_mark(bench_dormant, "value %d", (int)i);
	});
}

/* One name per probe count, since all cases live in one process at once. */
BENCH_CASE(case_armed1)
{
	BENCH_LOOP(n, i, trace_mark(bench_armed_1, "value %d", (int)i));
}

BENCH_CASE(case_armed2)
{
	BENCH_LOOP(n, i, trace_mark(bench_armed_2, "value %d", (int)i));
}

BENCH_CASE(case_armed4)
{
	BENCH_LOOP(n, i, trace_mark(bench_armed_4, "value %d", (int)i));
}

static struct oldmark old_mark1 = {"bench_old_1", "value %d", 0, NULL, NULL};
static struct oldmark old_mark4 = {"bench_old_4", "value %d", 0, NULL, NULL};

BENCH_CASE(case_old1)
{
	BENCH_LOOP(n, i, old_trace_mark(old_mark1, "value %d", (int)i));
}

BENCH_CASE(case_old4)
{
	BENCH_LOOP(n, i, old_trace_mark(old_mark4, "value %d", (int)i));
}

/*
 * Floors (floor.h): the same loop with only the control flow of an armed
 * site, and a dormant site as a jump label would leave it.  floor_flag
 * plays the semaphore; floor_call plays the GOT entry.
 */
static unsigned short floor_flag = 1;
static void (*floor_call)(const struct floor_probe *p, long value) = floor_dispatch;

static void floor_probe(void *probe_private, long value)
{
	struct counter *c = probe_private;

	c->sum += (int)value;
}

static const struct floor_probe floor_probes1[] = {
	{floor_probe, &counters[0]},
	{NULL, NULL},
};

static const struct floor_probe floor_probes4[] = {
	{floor_probe, &counters[0]},
	{floor_probe, &counters[1]},
	{floor_probe, &counters[2]},
	{floor_probe, &counters[3]},
	{NULL, NULL},
};

#define FLOOR_SITE(probes, i)                                                                 \
	do {                                                                                  \
		if (__builtin_expect(__atomic_load_n(&floor_flag, __ATOMIC_RELAXED) != 0, 0)) \
			floor_call(probes, (int)(i));                                         \
	} while (0)

/*
 * The same with the dispatch done in the site, as marker sites do it on
 * x86-64 in C: the site loads the probe array and calls each probe, one
 * call and return per probe.  The array is read through a pointer the
 * compiler cannot see through, as a site reads its marker's probes.
 */
static const struct floor_probe *volatile floor_site_probes1 = floor_probes1;
static const struct floor_probe *volatile floor_site_probes4 = floor_probes4;

#define FLOOR_SITE_DISPATCH(pp, i)                                                              \
	do {                                                                                    \
		if (__builtin_expect(__atomic_load_n(&floor_flag, __ATOMIC_RELAXED) != 0, 0)) { \
			const struct floor_probe *p = (pp);                                     \
                                                                                                \
			do {                                                                    \
				p->func(p->probe_private, (int)(i));                            \
			} while ((++p)->func);                                                  \
		}                                                                               \
	} while (0)

BENCH_CASE(case_floor1s)
{
	BENCH_LOOP(n, i, FLOOR_SITE_DISPATCH(floor_site_probes1, i));
}

BENCH_CASE(case_floor4s)
{
	BENCH_LOOP(n, i, FLOOR_SITE_DISPATCH(floor_site_probes4, i));
}

BENCH_CASE(case_floor1)
{
	BENCH_LOOP(n, i, FLOOR_SITE(floor_probes1, i));
}

BENCH_CASE(case_floor4)
{
	BENCH_LOOP(n, i, FLOOR_SITE(floor_probes4, i));
}

/* A dormant jump-label site: a 5-byte nop whose patched form would jump to
 * the armed path.  Never patched here; this is only what eight would cost. */
#if defined(__x86_64__) || defined(__i386__)
#define NOP_SITE()                                                             \
	do {                                                                   \
		__label__ on;                                                  \
		__asm__ goto(".byte 0x0f, 0x1f, 0x44, 0x00, 0x00" : : : : on); \
		break;                                                         \
	on:                                                                    \
		__asm__ __volatile__("ud2");                                   \
	} while (0)
#else
#define NOP_SITE() ((void)0)
#endif

BENCH_CASE(case_nop8)
{
	BENCH_LOOP(n, i, {
		NOP_SITE();
		NOP_SITE();
		NOP_SITE();
		NOP_SITE();
		NOP_SITE();
		NOP_SITE();
		NOP_SITE();
		NOP_SITE();
	});
}

/*
 * The least a site that tests something can cost: one predicted, not-taken
 * conditional branch on a register that holds 0, with no load and no
 * compare against memory.  A dormant marker site is this plus the load of
 * its semaphore; eight of them bound what eight dormant sites can reach.
 */
#if defined(__x86_64__) || defined(__i386__)
#define BRANCH_SITE(zero)                                                            \
	do {                                                                         \
		__label__ on;                                                        \
		__asm__ goto("test %0, %0\n\tjne %l[on]" : : "r"(zero) : "cc" : on); \
		break;                                                               \
	on:                                                                          \
		__asm__ __volatile__("ud2");                                         \
	} while (0)
#else
#define BRANCH_SITE(zero) ((void)(zero))
#endif

BENCH_CASE(case_branch8)
{
	unsigned long zero = 0;

	__asm__("" : "+r"(zero)); /* a zero the compiler cannot see */
	BENCH_LOOP(n, i, {
		BRANCH_SITE(zero);
		BRANCH_SITE(zero);
		BRANCH_SITE(zero);
		BRANCH_SITE(zero);
		BRANCH_SITE(zero);
		BRANCH_SITE(zero);
		BRANCH_SITE(zero);
		BRANCH_SITE(zero);
	});
}

enum case_id {
	C_EMPTY,
	C_DORMANT1,
	C_DORMANT8_NAMES,
	C_DORMANT8_SAME,
	C_ARMED1,
	C_ARMED2,
	C_ARMED4,
	C_OLD1,
	C_OLD4,
	C_FLOOR1,
	C_FLOOR4,
	C_FLOOR1S,
	C_FLOOR4S,
	C_NOP8,
	C_BRANCH8,
	NCASES
};

struct bench_case {
	const char *id; /* for -c */
	const char *label;
	void (*run)(unsigned long n);
	int sites; /* marker sites per iteration */
	int probes; /* probe calls per iteration */
	int skip; /* not selected by -c */
	unsigned long iters;
	double ns[MAX_ROUNDS]; /* ns per iteration, per round */
};

#define CASE(i, l, fn, s, p)                                            \
	{                                                               \
		.id = i, .label = l, .run = fn, .sites = s, .probes = p \
	}

static struct bench_case cases[NCASES] = {
	[C_EMPTY] = CASE("empty", "empty loop (baseline)", case_empty, 0, 0),
	[C_DORMANT1] = CASE("dormant1", "dormant, 1 site", case_dormant1, 1, 0),
	[C_DORMANT8_NAMES] =
		CASE("dormant8n", "dormant, 8 sites (8 names)", case_dormant8_names, 8, 0),
	[C_DORMANT8_SAME] =
		CASE("dormant8s", "dormant, 8 sites (1 name)", case_dormant8_same, 8, 0),
	[C_ARMED1] = CASE("armed1", "armed, 1 probe", case_armed1, 1, 1),
	[C_ARMED2] = CASE("armed2", "armed, 2 probes", case_armed2, 1, 2),
	[C_ARMED4] = CASE("armed4", "armed, 4 probes", case_armed4, 1, 4),
	[C_OLD1] = CASE("old1", "2.6.24 va_list mux, 1 probe", case_old1, 1, 1),
	[C_OLD4] = CASE("old4", "2.6.24 va_list mux, 4 probes", case_old4, 1, 4),
	[C_FLOOR1] = CASE("floor1", "floor: 2 calls, 1 probe", case_floor1, 1, 1),
	[C_FLOOR4] = CASE("floor4", "floor: 5 calls, 4 probes", case_floor4, 1, 4),
	[C_FLOOR1S] = CASE("floor1s", "floor: 1 call, 1 probe", case_floor1s, 1, 1),
	[C_FLOOR4S] = CASE("floor4s", "floor: 4 calls, 4 probes", case_floor4s, 1, 4),
	[C_NOP8] = CASE("nop8", "floor: 8 nop5 (jump-label) sites", case_nop8, 8, 0),
	[C_BRANCH8] = CASE("branch8", "floor: 8 branches on a register", case_branch8, 8, 0),
};

static int rounds = 15;

/*
 * This thread's CPU time, not wall time: when other work shares the CPU,
 * the time we spend preempted is not ours and would land on whichever case
 * happened to be running.  (What the other work does to caches and branch
 * predictors still shows, as spread.)  The loops are pure computation, so
 * on an idle machine both clocks agree.
 */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "dispatch: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

/* Run one case n times; returns ns per iteration after checking the probes'
 * sums, which tell exactly how many events each probe saw. */
static double run_case(struct bench_case *c, unsigned long n)
{
	long want = c->probes ? (long)(n * (n - 1) / 2) : 0;
	double t0, t1;
	int k;

	for (k = 0; k < MAX_PROBES; k++)
		counters[k].sum = 0;
	t0 = now_ns();
	c->run(n);
	t1 = now_ns();
	for (k = 0; k < MAX_PROBES; k++) {
		long expect = k < c->probes ? want : 0;

		if (counters[k].sum != expect) {
			fprintf(stderr, "dispatch: %s: probe %d summed %ld, expected %ld\n",
				c->label, k, counters[k].sum, expect);
			exit(1);
		}
	}
	return (t1 - t0) / n;
}

/* Iterations for about target_ns per run; the marker argument is an int, so
 * stay below 2^31 events. */
static unsigned long calibrate(struct bench_case *c, double target_ns)
{
	unsigned long n = 1 << 14;
	double t, u;
	int k;

	for (;;) {
		t = run_case(c, n) * n;
		if (t >= target_ns / 8 || n >= (1ul << 30) / 16)
			break;
		n *= 4;
	}
	/* The fastest of three: one preempted run would shrink the count. */
	for (k = 0; k < 2; k++) {
		u = run_case(c, n) * n;
		if (u < t)
			t = u;
	}
	n = (unsigned long)(n * (target_ns / t));
	if (n < 1000)
		n = 1000;
	if (n > (1ul << 30))
		n = 1ul << 30;
	return n;
}

/*
 * The length of a clock cycle, from a chain of dependent register adds (one
 * cycle of latency each on every x86 since the P6).  Not add-immediate:
 * Golden Cove and later fold those at rename, several per cycle.  There are
 * no hardware counters in a VM; this is what lets us print cycles next to
 * nanoseconds.
 */
static double ns_per_cycle(void)
{
#if defined(__x86_64__) || defined(__i386__)
	const unsigned long n = 1 << 20;
	unsigned long i, x = 0, one = 1;
	double t0, t1;

	t0 = now_ns();
	for (i = 0; i < n; i++)
		__asm__ __volatile__(".rept 64\n\tadd %1, %0\n\t.endr" : "+r"(x) : "r"(one));
	t1 = now_ns();
	return (t1 - t0) / (n * 64.0);
#else
	return 0;
#endif
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct summary {
	double median, min, max;
};

static struct summary summarize(const double *v, int n)
{
	double s[MAX_ROUNDS];
	struct summary r;

	memcpy(s, v, sizeof(*v) * n);
	qsort(s, n, sizeof(*s), cmp_double);
	r.median = n & 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	r.min = s[0];
	r.max = s[n - 1];
	return r;
}

/* Per-round paired value of case c against the baseline of the same round:
 * the difference (per site when per_site), or the ratio. */
static struct summary paired(enum case_id c, int ratio, int per_site)
{
	double v[MAX_ROUNDS];
	int r;

	for (r = 0; r < rounds; r++) {
		double base = cases[C_EMPTY].ns[r], x = cases[c].ns[r];

		if (ratio)
			v[r] = x / base;
		else
			v[r] = (x - base) / (per_site ? cases[c].sites : 1);
	}
	return summarize(v, rounds);
}

static void verdict(enum case_id c, const char *what, double target, int ratio, int per_site)
{
	const char *unit = ratio ? "x" : "ns";
	struct summary s;

	if (cases[c].skip)
		return;
	s = paired(c, ratio, per_site);
	printf("  %-44s %8.3f %-5s (rounds %.3f..%.3f)  target <= %.3g  %s\n", what, s.median, unit,
	       s.min, s.max, target, s.median <= target ? "PASS" : "MISS");
}

static void print_cpu(void)
{
	char line[256], model[256] = "?";
	cpu_set_t set;
	FILE *f = fopen("/proc/cpuinfo", "r");
	int cpu, first = 1;

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *p = strchr(line, ':');

			if (!strncmp(line, "model name", 10) && p) {
				snprintf(model, sizeof(model), "%s", p + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		}
		fclose(f);
	}
	printf("cpu: %s; running on cpu", model);
	if (!sched_getaffinity(0, sizeof(set), &set)) {
		for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
			if (CPU_ISSET(cpu, &set)) {
				printf("%s%d", first ? " " : ",", cpu);
				first = 0;
			}
		}
	}
	printf(" of %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
}

/* Other work on the machine shows up as spread between rounds; the load
 * average says whether there was any (this process adds about 1). */
static void print_load(const char *when)
{
	char buf[128] = "?";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			snprintf(buf, sizeof(buf), "?");
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	printf("load average %s: %s\n", when, buf);
}

static void attach_probes(const char *name, int nprobes)
{
	int k, err;

	for (k = 0; k < nprobes; k++) {
		err = marker_probe_register(name, "value %d", bench_probe, &counters[k]);
		if (err)
			die("marker_probe_register", err);
	}
	err = marker_arm(name);
	if (err)
		die("marker_arm", err);
}

static const struct marker_probe_closure old_probes1[] = {
	{bench_probe, &counters[0]},
	{NULL, NULL},
};

static const struct marker_probe_closure old_probes4[] = {
	{bench_probe, &counters[0]},
	{bench_probe, &counters[1]},
	{bench_probe, &counters[2]},
	{bench_probe, &counters[3]},
	{NULL, NULL},
};

static void usage(void)
{
	int k;

	fprintf(stderr, "usage: dispatch [-r ROUNDS (1..%d)] [-t MS per case run] [-c CASE]...\n",
		MAX_ROUNDS);
	fprintf(stderr, "  -c CASE  run only CASE and the baseline (e.g. under perf record):\n ");
	for (k = 0; k < NCASES; k++)
		fprintf(stderr, " %s", cases[k].id);
	fprintf(stderr, "\n");
	exit(2);
}

int main(int argc, char **argv)
{
	double cyc[MAX_ROUNDS], target_ms = 20, ns_cycle;
	struct summary base, s, cycle;
	int opt, r, k, selected = 0;

	while ((opt = getopt(argc, argv, "r:t:c:")) != -1) {
		switch (opt) {
		case 'c':
			if (!selected++)
				for (k = 1; k < NCASES; k++)
					cases[k].skip = 1;
			for (k = 0; k < NCASES; k++)
				if (!strcmp(optarg, cases[k].id))
					break;
			if (k == NCASES)
				usage();
			cases[k].skip = 0;
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 't':
			target_ms = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || rounds < 1 || rounds > MAX_ROUNDS || target_ms <= 0)
		usage();

	printf("stapmark dispatch benchmark: %d rounds, ~%g ms per case per round, order rotated\n",
	       rounds, target_ms);
	print_cpu();
	print_load("at start");
	fflush(stdout);

	attach_probes("bench_armed_1", 1);
	attach_probes("bench_armed_2", 2);
	attach_probes("bench_armed_4", 4);
	oldmark_arm(&old_mark1, old_probes1);
	oldmark_arm(&old_mark4, old_probes4);

	/* Calibration doubles as warm-up: code, data and predictors are hot. */
	for (k = 0; k < NCASES; k++)
		if (!cases[k].skip)
			cases[k].iters = calibrate(&cases[k], target_ms * 1e6);

	for (r = 0; r < rounds; r++) {
		cyc[r] = ns_per_cycle();
		for (k = 0; k < NCASES; k++) {
			struct bench_case *c = &cases[(k + r) % NCASES];

			if (!c->skip)
				c->ns[r] = run_case(c, c->iters);
		}
	}

	cycle = summarize(cyc, rounds);
	ns_cycle = cycle.median;
	base = summarize(cases[C_EMPTY].ns, rounds);

	print_load("at end");
	if (ns_cycle > 0)
		printf("clock: %.3f ns per cycle (%.2f GHz, from dependent adds; %.3f..%.3f)\n",
		       ns_cycle, 1 / ns_cycle, cycle.min, cycle.max);
	printf("ns per loop iteration (one event; 8 for the 8-site cases)\n\n");
	printf("%-30s %11s %9s %9s %9s %9s %10s\n", "case", "iterations", "median", "min", "max",
	       "-base", "-base cyc");
	for (k = 0; k < NCASES; k++) {
		double d;

		if (cases[k].skip)
			continue;
		s = summarize(cases[k].ns, rounds);
		d = s.median - base.median;
		printf("%-30s %11lu %9.3f %9.3f %9.3f %+9.3f", cases[k].label, cases[k].iters,
		       s.median, s.min, s.max, d);
		if (ns_cycle > 0)
			printf(" %+10.1f", d / ns_cycle);
		printf("\n");
	}

	printf("\nverdict (median of per-round values against the same round's baseline):\n");
	verdict(C_DORMANT1, "dormant, 1 site: time / empty loop", TARGET_DORMANT1_RATIO, 1, 0);
	verdict(C_DORMANT8_NAMES, "dormant, 8 sites (8 names): per site", TARGET_PER_SITE_NS, 0, 1);
	verdict(C_DORMANT8_SAME, "dormant, 8 sites (1 name): per site", TARGET_PER_SITE_NS, 0, 1);
	verdict(C_ARMED1, "armed, 1 probe: over empty loop", TARGET_ARMED1_NS, 0, 0);
	verdict(C_ARMED4, "armed, 4 probes: over empty loop", TARGET_ARMED4_NS, 0, 0);
	printf("for comparison (not targets):\n");
	for (k = C_ARMED1; k <= C_FLOOR4S; k++) {
		if (cases[k].skip)
			continue;
		s = paired(k, 0, 0);
		printf("  %-44s %8.3f ns", cases[k].label, s.median);
		if (ns_cycle > 0)
			printf("  (%5.1f cycles)", s.median / ns_cycle);
		printf("\n");
	}
	for (k = C_NOP8; k <= C_BRANCH8; k++) { /* the 8-site floors, per site */
		char label[64];

		if (cases[k].skip)
			continue;
		snprintf(label, sizeof(label), "%s: per site", cases[k].label);
		printf("  %-44s %8.3f ns\n", label, paired(k, 0, 1).median);
	}
	return 0;
}
