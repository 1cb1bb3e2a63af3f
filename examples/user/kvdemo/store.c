// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The store: a fixed number of shards, each a chained hash table plus an LRU
 * list under its own mutex, so threads working on different keys seldom
 * wait for each other.  The capacity is split between the shards and each
 * evicts on its own; a shard's table never grows because its entry count is
 * bounded.
 *
 * Markers fire under the shard lock, where the key and value they describe
 * are still valid: kv_get_hit, kv_get_miss, kv_set, kv_delete, kv_evict.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <stapmark/marker.h>

#include "clock.h"
#include "store.h"

#define KV_MAX_SHARDS 16

struct kv_entry {
	struct kv_entry *hnext; /* hash chain */
	struct kv_entry *newer, *older; /* LRU list */
	unsigned long long stored_ns; /* when set; 0 if nobody asked */
	unsigned int hash;
	size_t size;
	unsigned char *value;
	char key[];
};

struct kv_shard {
	pthread_mutex_t lock;
	struct kv_entry **buckets;
	unsigned int mask; /* buckets - 1 (a power of two) */
	struct kv_entry *newest, *oldest; /* LRU ends */
	size_t count, capacity;
	unsigned long evictions;
} __attribute__((aligned(64))); /* one lock per cache line */

struct kv_store {
	unsigned int nshards;
	struct kv_shard shards[KV_MAX_SHARDS];
};

/* FNV-1a: cheap and good enough for short printable keys. */
static unsigned int hash_key(const char *key)
{
	unsigned int h = 2166136261u;

	while (*key)
		h = (h ^ (unsigned char)*key++) * 16777619u;
	return h;
}

/* High bits pick the shard, low bits the bucket, so the two are independent. */
static struct kv_shard *shard_of(struct kv_store *store, unsigned int hash)
{
	return &store->shards[(hash >> 24) % store->nshards];
}

struct kv_store *kv_store_new(size_t capacity)
{
	struct kv_store *store;
	unsigned int i;

	if (!capacity)
		return NULL;
	store = calloc(1, sizeof(*store));
	if (!store)
		return NULL;
	store->nshards = capacity < KV_MAX_SHARDS ? (unsigned int)capacity : KV_MAX_SHARDS;
	for (i = 0; i < store->nshards; i++) {
		struct kv_shard *s = &store->shards[i];
		size_t nbuckets = 1;

		s->capacity = capacity / store->nshards + (i < capacity % store->nshards);
		/* Load factor at most 1/2 when full. */
		while (nbuckets < 2 * s->capacity)
			nbuckets <<= 1;
		s->buckets = calloc(nbuckets, sizeof(*s->buckets));
		if (!s->buckets) {
			store->nshards = i;
			kv_store_free(store);
			return NULL;
		}
		s->mask = (unsigned int)(nbuckets - 1);
		pthread_mutex_init(&s->lock, NULL);
	}
	return store;
}

static void free_entry(struct kv_entry *e)
{
	free(e->value);
	free(e);
}

void kv_store_free(struct kv_store *store)
{
	unsigned int i;

	if (!store)
		return;
	for (i = 0; i < store->nshards; i++) {
		struct kv_shard *s = &store->shards[i];
		struct kv_entry *e, *next;

		for (e = s->newest; e; e = next) {
			next = e->older;
			free_entry(e);
		}
		free(s->buckets);
		pthread_mutex_destroy(&s->lock);
	}
	free(store);
}

/* Pointer to the chain link that points at key's entry (or at NULL). */
static struct kv_entry **find_link(struct kv_shard *s, const char *key, unsigned int hash)
{
	struct kv_entry **pp;

	for (pp = &s->buckets[hash & s->mask]; *pp; pp = &(*pp)->hnext)
		if ((*pp)->hash == hash && !strcmp((*pp)->key, key))
			break;
	return pp;
}

static void lru_unlink(struct kv_shard *s, struct kv_entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		s->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		s->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void lru_push_newest(struct kv_shard *s, struct kv_entry *e)
{
	e->newer = NULL;
	e->older = s->newest;
	if (s->newest)
		s->newest->newer = e;
	else
		s->oldest = e;
	s->newest = e;
}

/* Age for kv_evict; only computed when the marker is on (trace_mark
 * evaluates its arguments only then). */
static unsigned long long entry_age(const struct kv_entry *e)
{
	return e->stored_ns ? now_ns() - e->stored_ns : 0;
}

static void evict_oldest(struct kv_shard *s)
{
	struct kv_entry *e = s->oldest;
	struct kv_entry **pp = find_link(s, e->key, e->hash);

	trace_mark(kv_evict, "key %s size %zu age_ns %llu", e->key, e->size, entry_age(e));
	*pp = e->hnext;
	lru_unlink(s, e);
	s->count--;
	s->evictions++;
	free_entry(e);
}

int kv_get(struct kv_store *store, const char *key, void *buf, size_t bufsize, size_t *size)
{
	unsigned int hash = hash_key(key);
	struct kv_shard *s = shard_of(store, hash);
	struct kv_entry *e;

	pthread_mutex_lock(&s->lock);
	e = *find_link(s, key, hash);
	if (!e) {
		trace_mark(kv_get_miss, "key %s", key);
		pthread_mutex_unlock(&s->lock);
		return -ENOENT;
	}
	trace_mark(kv_get_hit, "key %s size %zu", key, e->size);
	lru_unlink(s, e);
	lru_push_newest(s, e);
	memcpy(buf, e->value, e->size < bufsize ? e->size : bufsize);
	*size = e->size;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* A new entry holding key and a copy of value, not yet linked anywhere. */
static struct kv_entry *new_entry(const char *key, unsigned int hash, const void *value,
				  size_t size)
{
	size_t keylen = strlen(key);
	struct kv_entry *e = malloc(sizeof(*e) + keylen + 1);

	if (!e)
		return NULL;
	e->value = malloc(size ? size : 1);
	if (!e->value) {
		free(e);
		return NULL;
	}
	memcpy(e->value, value, size);
	memcpy(e->key, key, keylen + 1);
	e->hash = hash;
	e->size = size;
	e->hnext = e->newer = e->older = NULL;
	return e;
}

int kv_set(struct kv_store *store, const char *key, const void *value, size_t size)
{
	unsigned int hash = hash_key(key);
	struct kv_shard *s = shard_of(store, hash);
	struct kv_entry *fresh, *old, **pp;
	int replaced;

	/* Allocate and copy before taking the lock, to keep it short. */
	fresh = new_entry(key, hash, value, size);
	if (!fresh)
		return -ENOMEM;
	/* Remember when it was stored only if someone watches evictions: a
	 * clock read per set is not free. */
	fresh->stored_ns = marker_enabled(kv_evict) ? now_ns() : 0;

	pthread_mutex_lock(&s->lock);
	pp = find_link(s, key, hash);
	old = *pp;
	replaced = old != NULL;
	if (old) {
		/* Take the old entry's place in its chain. */
		fresh->hnext = old->hnext;
		lru_unlink(s, old);
	} else {
		if (s->count == s->capacity) {
			evict_oldest(s);
			pp = find_link(s, key, hash); /* the evicted entry may have held *pp */
		}
		s->count++;
	}
	*pp = fresh;
	lru_push_newest(s, fresh);
	trace_mark(kv_set, "key %s size %zu replaced %d", key, size, replaced);
	pthread_mutex_unlock(&s->lock);

	if (old)
		free_entry(old);
	return replaced;
}

int kv_delete(struct kv_store *store, const char *key)
{
	unsigned int hash = hash_key(key);
	struct kv_shard *s = shard_of(store, hash);
	struct kv_entry *e, **pp;

	pthread_mutex_lock(&s->lock);
	pp = find_link(s, key, hash);
	e = *pp;
	trace_mark(kv_delete, "key %s found %d", key, e != NULL);
	if (!e) {
		pthread_mutex_unlock(&s->lock);
		return -ENOENT;
	}
	*pp = e->hnext;
	lru_unlink(s, e);
	s->count--;
	pthread_mutex_unlock(&s->lock);
	free_entry(e);
	return 0;
}

size_t kv_store_count(struct kv_store *store)
{
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < store->nshards; i++) {
		pthread_mutex_lock(&store->shards[i].lock);
		n += store->shards[i].count;
		pthread_mutex_unlock(&store->shards[i].lock);
	}
	return n;
}

unsigned long kv_store_evictions(struct kv_store *store)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < store->nshards; i++) {
		pthread_mutex_lock(&store->shards[i].lock);
		n += store->shards[i].evictions;
		pthread_mutex_unlock(&store->shards[i].lock);
	}
	return n;
}
