// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Zipf-distributed key choice by inverse transform: the cumulative
 * distribution over ranks is computed once, and each draw is a binary
 * search for a uniform number in it.  Ranks are then scattered over the
 * key ids so the hot keys do not all share a prefix or a shard.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "keys.h"

struct keyspace {
	unsigned int nkeys;
	unsigned int stride; /* coprime to nkeys: rank -> id is a permutation */
	double cdf[]; /* cdf[r]: probability of a rank <= r */
};

void rng_seed(struct rng *r, unsigned long long seed)
{
	r->state = seed;
}

unsigned long long rng_next(struct rng *r)
{
	unsigned long long z = (r->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static unsigned int gcd(unsigned int a, unsigned int b)
{
	while (b) {
		unsigned int t = a % b;

		a = b;
		b = t;
	}
	return a;
}

struct keyspace *keyspace_new(unsigned int nkeys, double skew)
{
	struct keyspace *ks;
	double sum = 0;
	unsigned int i;

	if (!nkeys)
		return NULL;
	ks = malloc(sizeof(*ks) + nkeys * sizeof(ks->cdf[0]));
	if (!ks)
		return NULL;
	ks->nkeys = nkeys;
	for (i = 0; i < nkeys; i++) {
		sum += 1.0 / pow(i + 1, skew);
		ks->cdf[i] = sum;
	}
	for (i = 0; i < nkeys; i++)
		ks->cdf[i] /= sum;
	ks->cdf[nkeys - 1] = 1.0; /* no rounding gap at the top */
	/* A stride near the golden ratio of nkeys spreads neighbouring ranks. */
	ks->stride = (unsigned int)(nkeys * 0.618) | 1;
	while (gcd(ks->stride, nkeys) != 1)
		ks->stride++;
	return ks;
}

void keyspace_free(struct keyspace *ks)
{
	free(ks);
}

unsigned int keyspace_pick(const struct keyspace *ks, struct rng *r)
{
	double u = rng_unit(r);
	unsigned int lo = 0, hi = ks->nkeys - 1;

	/* Smallest rank whose cumulative probability exceeds u. */
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (ks->cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (unsigned int)(((unsigned long long)lo * ks->stride) % ks->nkeys);
}

void keyspace_name(unsigned int id, char *buf, size_t size)
{
	snprintf(buf, size, "user:%06u", id);
}
