/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which key a request touches: keys are drawn from a Zipf distribution so
 * that a few keys are hot and most are cold, as in real caches.  Plus the
 * small, seedable random generator everything in the load generator uses.
 */
#ifndef KVDEMO_KEYS_H
#define KVDEMO_KEYS_H

#include <stddef.h>

/* splitmix64: tiny, fast and reproducible for a given seed. */
struct rng {
	unsigned long long state;
};

void rng_seed(struct rng *r, unsigned long long seed);
unsigned long long rng_next(struct rng *r);
/* Uniform in [0, 1). */
double rng_unit(struct rng *r);

struct keyspace;

/* nkeys keys with popularity of rank r proportional to 1 / r^skew. */
struct keyspace *keyspace_new(unsigned int nkeys, double skew);
void keyspace_free(struct keyspace *ks);

/* A key id in [0, nkeys), drawn by popularity. */
unsigned int keyspace_pick(const struct keyspace *ks, struct rng *r);

/* The key's name, e.g. "user:004217", into buf. */
void keyspace_name(unsigned int id, char *buf, size_t size);

#endif /* KVDEMO_KEYS_H */
