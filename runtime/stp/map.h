/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Associative arrays: 1..9 keys, each a long or a string; values long,
 * string or statistics.  Everything lives in the shared region and is
 * linked by offsets: a hash table of entry offsets (chained), and a list in
 * insertion order (unsorted foreach, and the oldest entry to evict for
 * wrapping '%' arrays).  An array holds at most its declared size, or
 * MAXMAPENTRIES; one more entry is the runtime error "Array overflow, check
 * MAXMAPENTRIES" (or "... check size limit (N)" for a declared size), while a
 * wrapping array evicts its oldest entry instead.
 *
 * Locking is the caller's (lock.h): the global's lock, shared for reads and
 * for '<<<', exclusive for other writes and for foreach over statistics.
 *
 * Statistics arrays keep one sub-array per slot, written under that slot's
 * lock only; reading s[k] combines the key across slots, and foreach first
 * combines every key into the array itself (the aggregate), as stap's pmaps
 * do.  Reading a missing key gives 0 / "" / an empty statistic without
 * creating it.
 *
 * Generated code passes keys as an array of union stp_val in declaration
 * order:   union stp_val k[2] = { STP_N(pid), STP_S(name) };
 *          if (stp_map_add_n(c, m, k, 1, &v)) goto unlock;    // a[pid,name]++
 */
#ifndef STP_MAP_H
#define STP_MAP_H

#include "stat.h"
#include "value.h"

struct stp_context;

struct stp_map_desc {
	const char *name; /* for messages ("aggregation overflow in s") */
	int nkeys;
	uint8_t key_types[STP_MAX_KEYS]; /* STP_LONG or STP_STRING */
	uint8_t val_type; /* STP_LONG, STP_STRING or STP_STAT */
	uint32_t max_entries; /* declared size; 0: MAXMAPENTRIES */
	int wrap; /* global a%[...] */
	struct stp_hist_desc h; /* statistics: histogram and variance shift */
};

/* An entry: links, then keys and value at offsets the map records. */
struct stp_mnode {
	stp_off_t hnext; /* hash chain */
	stp_off_t lprev, lnext; /* insertion order */
	uint64_t hash;
};

struct stp_map {
	uint8_t nkeys, val_type, wrap, sized;
	uint8_t key_types[STP_MAX_KEYS];
	uint16_t key_off[STP_MAX_KEYS];
	uint32_t val_off, entry_size;
	uint32_t max_entries, num, allocated;
	uint32_t nbuckets; /* power of two */
	uint32_t lock; /* slot lock, in the sub-arrays of a statistics array */
	uint32_t nslots;
	stp_off_t buckets; /* nbuckets x stp_off_t */
	stp_off_t head, tail; /* oldest, newest */
	stp_off_t free; /* recycled entries, chained by hnext */
	stp_off_t slots; /* statistics: nslots x stp_off_t of sub-arrays */
	struct stp_hist_desc h;
	char name[48];
};

/* Create an array in the region (creator only, before any handler runs);
 * 0 when the region is full or the descriptor is invalid. */
stp_off_t stp_map_new(struct stp_region *r, const struct stp_map_desc *d);

/* Reads: 0 / "" for a missing key.  Strings point into the entry and stay
 * valid while the caller holds the global's lock. */
int64_t stp_map_get_n(struct stp_context *c, struct stp_map *m, const union stp_val *k);
const char *stp_map_get_s(struct stp_context *c, struct stp_map *m, const union stp_val *k);
/* k in a (statistics arrays: in any slot). */
int stp_map_exists(struct stp_context *c, struct stp_map *m, const union stp_val *k);

/* Writes: 0, or non-zero with the runtime error set (overflow). */
int stp_map_set_n(struct stp_context *c, struct stp_map *m, const union stp_val *k, int64_t v);
int stp_map_set_s(struct stp_context *c, struct stp_map *m, const union stp_val *k, const char *v);
/* a[k] += delta (and ++, --); the new value in *out when out is not NULL. */
int stp_map_add_n(struct stp_context *c, struct stp_map *m, const union stp_val *k, int64_t delta,
		  int64_t *out);
/* delete a[k] (absent: nothing), delete a. */
void stp_map_delete(struct stp_context *c, struct stp_map *m, const union stp_val *k);
void stp_map_clear(struct stp_region *r, struct stp_map *m);
/* Entries now (statistics arrays: after the last aggregation). */
uint32_t stp_map_size(const struct stp_map *m);

/* Statistics arrays: s[k] <<< v (read lock), and the key's combined data
 * (count 0 when absent) in the context's scratch. */
int stp_map_stat_add(struct stp_context *c, struct stp_map *m, const union stp_val *k, int64_t v);
const struct stp_stat_data *stp_map_stat_read(struct stp_context *c, struct stp_map *m,
					      const union stp_val *k);
/* Combine every slot into m itself (foreach does this); needs the write
 * lock.  Non-zero with "aggregation overflow in NAME" when the keys of all
 * slots together exceed the array's size. */
int stp_map_aggregate(struct stp_context *c, struct stp_map *m);

/* foreach: a snapshot of the entries, optionally sorted, in process-local
 * memory.  sort_by: 0 = by value (statistics: by stat_op, STP_STAT_COUNT
 * unless the script names one), 1..nkeys = by that key; dir: 0 unsorted
 * (insertion order), 1 ascending, -1 descending; ties keep insertion
 * order.  limit < 0: no limit.  Statistics arrays are aggregated first. */
struct stp_iter {
	struct stp_map *m;
	struct stp_region *r;
	stp_off_t *nodes;
	uint32_t n, i;
};

int stp_map_iter_start(struct stp_context *c, struct stp_iter *it, struct stp_map *m, int sort_by,
		       int dir, int stat_op, int64_t limit);
/* The next entry, or NULL at the end. */
struct stp_mnode *stp_map_iter_next(struct stp_iter *it);
void stp_map_iter_end(struct stp_iter *it);

/* An entry's keys (0-based) and value. */
static inline int64_t stp_mnode_key_n(const struct stp_map *m, const struct stp_mnode *e, int i)
{
	return *(const int64_t *)((const char *)e + m->key_off[i]);
}

static inline const char *stp_mnode_key_s(const struct stp_map *m, const struct stp_mnode *e, int i)
{
	return (const char *)e + m->key_off[i];
}

static inline int64_t stp_mnode_val_n(const struct stp_map *m, const struct stp_mnode *e)
{
	return *(const int64_t *)((const char *)e + m->val_off);
}

static inline const char *stp_mnode_val_s(const struct stp_map *m, const struct stp_mnode *e)
{
	return (const char *)e + m->val_off;
}

static inline const struct stp_stat_data *stp_mnode_stat(const struct stp_map *m,
							 const struct stp_mnode *e)
{
	return (const struct stp_stat_data *)((const char *)e + m->val_off);
}

#endif /* STP_MAP_H */
