// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Worker threads of the load generator.  Each has its own random stream
 * (seed and thread number), its own statistics and its own share of the
 * requests, so with one thread a seed fixes the whole run.
 *
 * Request latency needs two clock reads per request; they are skipped
 * unless something listens at kv_request_end (marker_enabled), which is
 * how instrumentation stays free when it is not used.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <stapmark/marker.h>

#include "clock.h"
#include "keys.h"
#include "loadgen.h"

#define KEY_MAX 32
#define VALUE_MAX 4096
/* Request mix, in percent; the rest are deletes. */
#define GET_PERCENT 75
#define SET_PERCENT 20
/* Key popularity: rank r is drawn with probability ~ 1 / r^ZIPF_SKEW. */
#define ZIPF_SKEW 0.99
/* How many requests between looks at the clock for --seconds. */
#define DEADLINE_CHECK 256

struct worker {
	pthread_t thread;
	struct kv_store *store;
	const struct keyspace *keys;
	struct rng rng;
	unsigned long ops; /* this worker's share */
	unsigned long long deadline_ns; /* 0: none */
	struct loadgen_stats stats;
	unsigned char value[VALUE_MAX];
	unsigned char readback[VALUE_MAX];
} __attribute__((aligned(64)));

/* A value's bytes depend on its key and size, so a get can check that it
 * read what some set stored. */
static unsigned char value_byte(unsigned int id, size_t size)
{
	return (unsigned char)(id * 131u + size);
}

/* Small values are common, large ones rare: a size class 16..4096 bytes
 * chosen uniformly, then a size within it. */
static size_t pick_size(struct rng *r)
{
	size_t class_max = (size_t)16 << (rng_next(r) % 9);

	return 1 + rng_next(r) % class_max;
}

static int do_get(struct worker *w, unsigned int id, const char *key)
{
	size_t size;
	int ret = kv_get(w->store, key, w->readback, sizeof(w->readback), &size);

	w->stats.gets++;
	if (ret) {
		w->stats.misses++;
		return ret;
	}
	w->stats.hits++;
	if (size == 0 || size > VALUE_MAX || w->readback[0] != value_byte(id, size) ||
	    w->readback[size - 1] != value_byte(id, size))
		w->stats.corrupt++;
	return 0;
}

static int do_set(struct worker *w, unsigned int id, const char *key)
{
	size_t size = pick_size(&w->rng);
	int ret;

	memset(w->value, value_byte(id, size), size);
	ret = kv_set(w->store, key, w->value, size);
	w->stats.sets++;
	if (ret < 0) {
		w->stats.errors++;
		return ret;
	}
	w->stats.replaced += ret;
	return 0;
}

static int do_delete(struct worker *w, const char *key)
{
	int ret = kv_delete(w->store, key);

	w->stats.deletes++;
	if (!ret)
		w->stats.deleted++;
	return ret;
}

enum kv_op { KV_GET, KV_SET, KV_DELETE };
static const char *const op_names[] = {"get", "set", "delete"};

static enum kv_op pick_op(struct rng *r)
{
	unsigned int dice = (unsigned int)(rng_next(r) % 100);

	if (dice < GET_PERCENT)
		return KV_GET;
	if (dice < GET_PERCENT + SET_PERCENT)
		return KV_SET;
	return KV_DELETE;
}

static void one_request(struct worker *w)
{
	unsigned int id = keyspace_pick(w->keys, &w->rng);
	enum kv_op op = pick_op(&w->rng);
	unsigned long long start = 0;
	char key[KEY_MAX];
	int status;

	keyspace_name(id, key, sizeof(key));
	if (marker_enabled(kv_request_end))
		start = now_ns();
	trace_mark(kv_request_start, "op %s key %s", op_names[op], key);

	switch (op) {
	case KV_GET:
		status = do_get(w, id, key);
		break;
	case KV_SET:
		status = do_set(w, id, key);
		break;
	default:
		status = do_delete(w, key);
		break;
	}
	w->stats.ops++;

	/* start is 0 when the marker was switched on mid-request: no latency. */
	trace_mark(kv_request_end, "op %s key %s latency_ns %llu status %d", op_names[op], key,
		   start ? now_ns() - start : 0ull, status);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned long i;

	for (i = 0; i < w->ops; i++) {
		if (w->deadline_ns && i % DEADLINE_CHECK == 0 && now_ns() >= w->deadline_ns)
			break;
		one_request(w);
	}
	return NULL;
}

static void add_stats(struct loadgen_stats *sum, const struct loadgen_stats *s)
{
	sum->ops += s->ops;
	sum->gets += s->gets;
	sum->hits += s->hits;
	sum->misses += s->misses;
	sum->sets += s->sets;
	sum->replaced += s->replaced;
	sum->deletes += s->deletes;
	sum->deleted += s->deleted;
	sum->corrupt += s->corrupt;
	sum->errors += s->errors;
}

int loadgen_run(struct kv_store *store, const struct loadgen_config *cfg,
		struct loadgen_stats *total)
{
	unsigned long long deadline = 0;
	struct keyspace *keys;
	struct worker *workers;
	unsigned int i, started;
	int err = 0;

	memset(total, 0, sizeof(*total));
	keys = keyspace_new(cfg->keys, ZIPF_SKEW);
	workers = aligned_alloc(64, sizeof(*workers) * cfg->threads);
	if (!keys || !workers) {
		keyspace_free(keys);
		free(workers);
		errno = ENOMEM;
		return -1;
	}
	if (cfg->seconds > 0)
		deadline = now_ns() + (unsigned long long)(cfg->seconds * 1e9);

	for (i = 0; i < cfg->threads; i++) {
		struct worker *w = &workers[i];

		memset(&w->stats, 0, sizeof(w->stats));
		w->store = store;
		w->keys = keys;
		/* Distinct, reproducible streams: splitmix64 decorrelates
		 * neighbouring seeds. */
		rng_seed(&w->rng, cfg->seed * 0x100000001b3ull + i);
		w->ops = cfg->ops / cfg->threads + (i < cfg->ops % cfg->threads);
		w->deadline_ns = deadline;
	}
	for (started = 0; started < cfg->threads; started++) {
		err = pthread_create(&workers[started].thread, NULL, worker_main,
				     &workers[started]);
		if (err)
			break;
	}
	for (i = 0; i < started; i++) {
		pthread_join(workers[i].thread, NULL);
		add_stats(total, &workers[i].stats);
	}

	free(workers);
	keyspace_free(keys);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
