// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kvdemo: an in-memory key-value store under a built-in load, instrumented
 * with markers.  Attach a probe module to watch it (see kvdemo-probe.c):
 *
 *   LD_PRELOAD=build/examples/user/kvdemo-probe.so build/examples/user/kvdemo
 *
 * Prints one summary line at exit.  With --threads 1 the run, and so the
 * summary, is fixed by --seed and --ops.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "loadgen.h"
#include "store.h"

#define DEFAULT_OPS 200000
#define DEFAULT_KEYS 10000
#define DEFAULT_CAPACITY 2000
#define DEFAULT_THREADS 2
#define MAX_THREADS 256

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kvdemo [--ops N] [--keys K] [--capacity C] [--threads T]\n"
		"              [--seconds S] [--seed X]\n"
		"  --ops N       requests in all (default %d; unlimited with --seconds)\n"
		"  --keys K      distinct keys, Zipf-popular (default %d)\n"
		"  --capacity C  entries the store holds before evicting (default %d)\n"
		"  --threads T   worker threads (default %d)\n"
		"  --seconds S   stop after S seconds\n"
		"  --seed X      random seed (default 1)\n",
		DEFAULT_OPS, DEFAULT_KEYS, DEFAULT_CAPACITY, DEFAULT_THREADS);
}

/* A whole number in [min, max], or exit with a message. */
static unsigned long long parse_count(const char *opt, const char *arg, unsigned long long min,
				      unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max) {
		fprintf(stderr, "kvdemo: --%s: expected a number from %llu to %llu, got '%s'\n",
			opt, min, max, arg);
		exit(2);
	}
	return v;
}

static double parse_seconds(const char *arg)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end || !(v > 0) || v > 1e6) {
		fprintf(stderr, "kvdemo: --seconds: expected a positive number, got '%s'\n", arg);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{"ops", required_argument, NULL, 'n'},
		{"keys", required_argument, NULL, 'k'},
		{"capacity", required_argument, NULL, 'c'},
		{"threads", required_argument, NULL, 't'},
		{"seconds", required_argument, NULL, 's'},
		{"seed", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct loadgen_config cfg = {
		.ops = DEFAULT_OPS,
		.keys = DEFAULT_KEYS,
		.threads = DEFAULT_THREADS,
		.seed = 1,
	};
	size_t capacity = DEFAULT_CAPACITY;
	struct loadgen_stats st;
	struct kv_store *store;
	unsigned long long t0;
	int ops_given = 0;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			cfg.ops = parse_count("ops", optarg, 0, ULONG_MAX);
			ops_given = 1;
			break;
		case 'k':
			cfg.keys = parse_count("keys", optarg, 1, 10000000);
			break;
		case 'c':
			capacity = parse_count("capacity", optarg, 1, 100000000);
			break;
		case 't':
			cfg.threads = parse_count("threads", optarg, 1, MAX_THREADS);
			break;
		case 's':
			cfg.seconds = parse_seconds(optarg);
			break;
		case 'r':
			cfg.seed = parse_count("seed", optarg, 0, ULLONG_MAX);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (cfg.seconds > 0 && !ops_given)
		cfg.ops = ULONG_MAX; /* the clock decides */

	store = kv_store_new(capacity);
	if (!store) {
		fprintf(stderr, "kvdemo: out of memory\n");
		return 1;
	}
	t0 = now_ns();
	if (loadgen_run(store, &cfg, &st)) {
		fprintf(stderr, "kvdemo: cannot run the load: %s\n", strerror(errno));
		kv_store_free(store);
		return 1;
	}

	/* Counts first and time last, so the deterministic part is a prefix. */
	printf("kvdemo: ops %lu gets %lu hits %lu misses %lu sets %lu replaced %lu "
	       "deletes %lu deleted %lu evictions %lu items %zu threads %u elapsed %.3fs\n",
	       st.ops, st.gets, st.hits, st.misses, st.sets, st.replaced, st.deletes, st.deleted,
	       kv_store_evictions(store), kv_store_count(store), cfg.threads,
	       (double)(now_ns() - t0) / 1e9);
	fflush(stdout);
	kv_store_free(store);

	if (st.corrupt || st.errors) {
		fprintf(stderr, "kvdemo: %lu corrupt values, %lu allocation failures\n", st.corrupt,
			st.errors);
		return 1;
	}
	return 0;
}
