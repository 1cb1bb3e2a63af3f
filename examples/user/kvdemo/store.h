/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An in-memory key-value store with a bounded number of entries: when full,
 * storing a new key evicts the least recently used one.  Thread-safe.
 */
#ifndef KVDEMO_STORE_H
#define KVDEMO_STORE_H

#include <stddef.h>

struct kv_store;

/* A store holding at most capacity (>= 1) entries; NULL when out of memory. */
struct kv_store *kv_store_new(size_t capacity);
void kv_store_free(struct kv_store *store);

/* Copy the value of key into buf (at most bufsize bytes) and its full size
 * into *size.  Returns 0 or -ENOENT. */
int kv_get(struct kv_store *store, const char *key, void *buf, size_t bufsize, size_t *size);

/* Store a copy of value under key.  Returns 0 for a new key, 1 when it
 * replaced a value, or -ENOMEM. */
int kv_set(struct kv_store *store, const char *key, const void *value, size_t size);

/* Remove key.  Returns 0 or -ENOENT. */
int kv_delete(struct kv_store *store, const char *key);

/* Entries held now and entries evicted so far. */
size_t kv_store_count(struct kv_store *store);
unsigned long kv_store_evictions(struct kv_store *store);

#endif /* KVDEMO_STORE_H */
