// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kvdemo-probe.so: a hand-written probe module that counts what kvdemo
 * does and reports at exit: requests and latency per operation, a log2
 * latency histogram, and a count of every store event.
 *
 *   LD_PRELOAD=build/examples/user/kvdemo-probe.so build/examples/user/kvdemo
 *
 * It is what a script such as
 *   probe process("kvdemo").mark("kv_request_end") { lat[$op] <<< $latency_ns }
 * will compile to, written by hand.  Probes run on kvdemo's worker threads,
 * concurrently, so every counter is updated atomically (relaxed: only the
 * totals matter, read after marker_synchronize_unregister()).
 */
#include <stdio.h>
#include <string.h>

#include <stapmark/marker.h>

enum { OP_GET, OP_SET, OP_DELETE, NOPS };
static const char *const op_names[NOPS] = {"get", "set", "delete"};

#define HIST_BUCKETS 64 /* bucket b: latencies in [2^(b-1), 2^b), bucket 0: 0 */

struct op_stats {
	unsigned long count, failed;
	unsigned long long sum_ns, min_ns, max_ns;
};

static struct {
	unsigned long started;
	struct op_stats ops[NOPS];
	unsigned long hist[HIST_BUCKETS];
	unsigned long get_hit, get_miss, set, replaced, delete, deleted, evict;
	unsigned long long hit_bytes, set_bytes, evict_bytes, evict_age_ns;
} stats;

static void add(unsigned long *counter, unsigned long n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

static void add_ull(unsigned long long *counter, unsigned long long n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

static void store_min(unsigned long long *p, unsigned long long v)
{
	unsigned long long cur = __atomic_load_n(p, __ATOMIC_RELAXED);

	while ((cur == 0 || v < cur) &&
	       !__atomic_compare_exchange_n(p, &cur, v, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

static void store_max(unsigned long long *p, unsigned long long v)
{
	unsigned long long cur = __atomic_load_n(p, __ATOMIC_RELAXED);

	while (v > cur &&
	       !__atomic_compare_exchange_n(p, &cur, v, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

static int op_index(const char *op)
{
	int i;

	for (i = 0; i < NOPS; i++)
		if (!strcmp(op, op_names[i]))
			return i;
	return -1;
}

static unsigned int hist_bucket(unsigned long long v)
{
	return v ? 64 - (unsigned int)__builtin_clzll(v) : 0;
}

/* ---- Probes: read the arguments in format order, with promoted types ---- */

static void probe_request_start(void *priv, void *call_private, const char *fmt, va_list *args)
{
	(void)priv, (void)call_private, (void)fmt, (void)args;
	add(&stats.started, 1);
}

static void probe_request_end(void *priv, void *call_private, const char *fmt, va_list *args)
{
	const char *op = va_arg(*args, const char *);
	const char *key = va_arg(*args, const char *);
	unsigned long long lat = va_arg(*args, unsigned long long);
	int status = va_arg(*args, int);
	int i = op_index(op);
	struct op_stats *os;

	(void)priv, (void)call_private, (void)fmt, (void)key;
	if (i < 0)
		return;
	os = &stats.ops[i];
	add(&os->count, 1);
	if (status)
		add(&os->failed, 1);
	add_ull(&os->sum_ns, lat);
	if (lat)
		store_min(&os->min_ns, lat);
	store_max(&os->max_ns, lat);
	add(&stats.hist[hist_bucket(lat)], 1);
}

static void probe_get_hit(void *priv, void *call_private, const char *fmt, va_list *args)
{
	const char *key = va_arg(*args, const char *);
	size_t size = va_arg(*args, size_t);

	(void)priv, (void)call_private, (void)fmt, (void)key;
	add(&stats.get_hit, 1);
	add_ull(&stats.hit_bytes, size);
}

static void probe_get_miss(void *priv, void *call_private, const char *fmt, va_list *args)
{
	(void)priv, (void)call_private, (void)fmt, (void)args;
	add(&stats.get_miss, 1);
}

static void probe_set(void *priv, void *call_private, const char *fmt, va_list *args)
{
	const char *key = va_arg(*args, const char *);
	size_t size = va_arg(*args, size_t);
	int replaced = va_arg(*args, int);

	(void)priv, (void)call_private, (void)fmt, (void)key;
	add(&stats.set, 1);
	add(&stats.replaced, replaced != 0);
	add_ull(&stats.set_bytes, size);
}

static void probe_delete(void *priv, void *call_private, const char *fmt, va_list *args)
{
	const char *key = va_arg(*args, const char *);
	int found = va_arg(*args, int);

	(void)priv, (void)call_private, (void)fmt, (void)key;
	add(&stats.delete, 1);
	add(&stats.deleted, found != 0);
}

static void probe_evict(void *priv, void *call_private, const char *fmt, va_list *args)
{
	const char *key = va_arg(*args, const char *);
	size_t size = va_arg(*args, size_t);
	unsigned long long age = va_arg(*args, unsigned long long);

	(void)priv, (void)call_private, (void)fmt, (void)key;
	add(&stats.evict, 1);
	add_ull(&stats.evict_bytes, size);
	add_ull(&stats.evict_age_ns, age);
}

/* ---- Attach and detach ---- */

static const struct {
	const char *name, *format;
	marker_probe_func *func;
} probes[] = {
	{"kv_request_start", "op %s key %s", probe_request_start},
	{"kv_request_end", "op %s key %s latency_ns %llu status %d", probe_request_end},
	{"kv_get_hit", "key %s size %zu", probe_get_hit},
	{"kv_get_miss", "key %s", probe_get_miss},
	{"kv_set", "key %s size %zu replaced %d", probe_set},
	{"kv_delete", "key %s found %d", probe_delete},
	{"kv_evict", "key %s size %zu age_ns %llu", probe_evict},
};

#define NPROBES (sizeof(probes) / sizeof(probes[0]))

static int attached[NPROBES];

static void __attribute__((constructor)) kvdemo_probe_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < NPROBES; i++) {
		ret = marker_probe_register(probes[i].name, probes[i].format, probes[i].func, NULL);
		if (!ret) {
			ret = marker_arm(probes[i].name);
			if (ret)
				marker_probe_unregister(probes[i].name, probes[i].func, NULL);
		}
		if (ret)
			fprintf(stderr, "kvdemo-probe: cannot attach to %s: %s\n", probes[i].name,
				strerror(-ret));
		else
			attached[i] = 1;
	}
}

/* ---- Report ---- */

static unsigned long long avg(unsigned long long sum, unsigned long n)
{
	return n ? sum / n : 0;
}

static void print_latency_table(void)
{
	int i;

	printf("kvdemo-probe: requests %lu (started %lu)\n",
	       stats.ops[OP_GET].count + stats.ops[OP_SET].count + stats.ops[OP_DELETE].count,
	       stats.started);
	printf("  %-8s %10s %10s %10s %10s %10s\n", "op", "count", "status!=0", "avg ns", "min ns",
	       "max ns");
	for (i = 0; i < NOPS; i++) {
		const struct op_stats *os = &stats.ops[i];

		printf("  %-8s %10lu %10lu %10llu %10llu %10llu\n", op_names[i], os->count,
		       os->failed, avg(os->sum_ns, os->count), os->min_ns, os->max_ns);
	}
}

/* Like SystemTap's @hist_log: one row per power of two, from the first to
 * the last non-empty bucket. */
static void print_histogram(void)
{
	const int width = 40;
	unsigned long max = 0;
	int b, i, first = -1, last = -1;

	for (b = 0; b < HIST_BUCKETS; b++) {
		if (!stats.hist[b])
			continue;
		if (first < 0)
			first = b;
		last = b;
		if (stats.hist[b] > max)
			max = stats.hist[b];
	}
	if (first < 0)
		return;
	printf("kvdemo-probe: request latency (ns), log2 buckets\n");
	printf("  %12s |%-*s %s\n", "value", width, "", "count");
	for (b = first; b <= last; b++) {
		unsigned long long lo = b ? 1ull << (b - 1) : 0;
		int bar = (int)((stats.hist[b] * (unsigned long)width + max - 1) / max);

		printf("  %12llu |", lo);
		for (i = 0; i < width; i++)
			putchar(i < bar ? '@' : ' ');
		printf(" %lu\n", stats.hist[b]);
	}
}

static void __attribute__((destructor)) kvdemo_probe_exit(void)
{
	unsigned int i;

	for (i = 0; i < NPROBES; i++) {
		if (!attached[i])
			continue;
		marker_disarm(probes[i].name);
		marker_probe_unregister(probes[i].name, probes[i].func, NULL);
	}
	/* After this no probe is running: the counts are final. */
	marker_synchronize_unregister();

	print_latency_table();
	printf("kvdemo-probe: events get_hit %lu get_miss %lu set %lu replaced %lu "
	       "delete %lu deleted %lu evict %lu\n",
	       stats.get_hit, stats.get_miss, stats.set, stats.replaced, stats.delete,
	       stats.deleted, stats.evict);
	printf("kvdemo-probe: bytes read %llu, written %llu, evicted %llu; mean age at eviction "
	       "%llu us\n",
	       stats.hit_bytes, stats.set_bytes, stats.evict_bytes,
	       avg(stats.evict_age_ns, stats.evict) / 1000);
	print_histogram();
	fflush(stdout);
}
