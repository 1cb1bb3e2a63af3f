// SPDX-License-Identifier: GPL-2.0-or-later
/* Associative arrays in the shared region: hashing, entries, overflow. */
#include "map.h"
#include "context.h"
#include "lock.h"
#include "stp_lib.h"

#define NODE(r, off) ((struct stp_mnode *)stp_ptr((r), (off)))

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* FNV-1a over the bytes a stored key keeps. */
static uint64_t hash_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t n;

	for (n = 0; n < MAXSTRINGLEN - 1 && s[n]; n++)
		h = (h ^ s[n]) * 0x100000001b3ULL;
	return h;
}

static uint64_t hash_keys(const struct stp_map *m, const union stp_val *k)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	int i;

	/* One string key, the common case: FNV-1a's last multiply already
	 * spreads the last bytes over the low bits the bucket takes; folding
	 * the high half in covers the earlier ones, without mix64's two
	 * dependent multiplies on the path of every lookup. */
	if (m->nkeys == 1 && m->key_types[0] == STP_STRING) {
		h = hash_string(k[0].s);
		return h ^ (h >> 32);
	}
	for (i = 0; i < m->nkeys; i++) {
		uint64_t kh;

		if (m->key_types[i] == STP_STRING) {
			kh = hash_string(k[i].s);
		} else {
			kh = (uint64_t)k[i].n;
		}
		h = mix64(h ^ kh) + (uint64_t)i;
	}
	return h;
}

static int keys_equal(const struct stp_map *m, const struct stp_mnode *e, const union stp_val *k)
{
	int i;

	for (i = 0; i < m->nkeys; i++) {
		if (m->key_types[i] == STP_STRING) {
			const char *a = stp_mnode_key_s(m, e, i), *b = k[i].s ? k[i].s : "";
			size_t n;

			for (n = 0; n < MAXSTRINGLEN - 1 && a[n] == b[n] && a[n]; n++)
				;
			if (n < MAXSTRINGLEN - 1 && a[n] != b[n])
				return 0;
		} else if (stp_mnode_key_n(m, e, i) != k[i].n) {
			return 0;
		}
	}
	return 1;
}

static void store_keys(const struct stp_map *m, struct stp_mnode *e, const union stp_val *k)
{
	int i;

	for (i = 0; i < m->nkeys; i++) {
		char *p = (char *)e + m->key_off[i];

		if (m->key_types[i] == STP_STRING)
			stp_strlcpy(p, k[i].s ? k[i].s : "", MAXSTRINGLEN);
		else
			stp_memcpy(p, &k[i].n, sizeof(int64_t));
	}
}

static size_t val_size(const struct stp_map_desc *d)
{
	if (d->val_type == STP_STRING)
		return MAXSTRINGLEN;
	if (d->val_type == STP_STAT)
		return stp_stat_data_size(&d->h);
	return sizeof(int64_t);
}

/* One array (or one slot's sub-array) with its hash table. */
static stp_off_t map_alloc(struct stp_region *r, const struct stp_map_desc *d, uint32_t max)
{
	stp_off_t off = stp_region_alloc(r, sizeof(struct stp_map), STP_CACHELINE);
	struct stp_map *m = stp_ptr(r, off);
	uint32_t off_in = sizeof(struct stp_mnode), nb = 16;
	int i;

	if (!off)
		return 0;
	m->nkeys = (uint8_t)d->nkeys;
	m->val_type = d->val_type;
	m->wrap = !!d->wrap;
	m->sized = d->max_entries != 0;
	m->max_entries = max;
	m->h = d->h;
	m->nslots = r->nslots;
	stp_strlcpy(m->name, d->name ? d->name : "", sizeof(m->name));
	for (i = 0; i < d->nkeys; i++) {
		m->key_types[i] = d->key_types[i];
		m->key_off[i] = (uint16_t)off_in;
		off_in += d->key_types[i] == STP_STRING ? MAXSTRINGLEN : sizeof(int64_t);
	}
	m->val_off = off_in;
	m->entry_size = (uint32_t)((off_in + val_size(d) + 7) & ~(size_t)7);
	/* At most one entry per bucket on average. */
	while (nb < max && nb < (1u << 30))
		nb <<= 1;
	m->nbuckets = nb;
	m->buckets = stp_region_alloc(r, (size_t)nb * sizeof(stp_off_t), STP_CACHELINE);
	return m->buckets ? off : 0;
}

stp_off_t stp_map_new(struct stp_region *r, const struct stp_map_desc *d)
{
	uint32_t max = d->max_entries ? d->max_entries : MAXMAPENTRIES;
	stp_off_t off;
	struct stp_map *m;
	stp_off_t *slots;
	int i;

	if (d->nkeys < 1 || d->nkeys > STP_MAX_KEYS ||
	    (d->val_type != STP_LONG && d->val_type != STP_STRING && d->val_type != STP_STAT) ||
	    (d->val_type == STP_STAT && d->h.buckets < 0))
		return 0;
	for (i = 0; i < d->nkeys; i++)
		if (d->key_types[i] != STP_LONG && d->key_types[i] != STP_STRING)
			return 0;
	off = map_alloc(r, d, max);
	if (off && max > r->max_map_entries)
		r->max_map_entries = max;
	if (!off || d->val_type != STP_STAT)
		return off;
	m = stp_ptr(r, off);
	m->slots = stp_region_alloc(r, r->nslots * sizeof(stp_off_t), 8);
	if (!m->slots)
		return 0;
	slots = stp_ptr(r, m->slots);
	for (i = 0; i < (int)r->nslots; i++)
		if (!(slots[i] = map_alloc(r, d, max)))
			return 0;
	return off;
}

static stp_off_t *bucket_of(struct stp_region *r, struct stp_map *m, uint64_t hash)
{
	return (stp_off_t *)stp_ptr(r, m->buckets) + (hash & (m->nbuckets - 1));
}

static struct stp_mnode *find(struct stp_region *r, struct stp_map *m, const union stp_val *k,
			      uint64_t hash)
{
	stp_off_t off = *bucket_of(r, m, hash);

	while (off) {
		struct stp_mnode *e = NODE(r, off);

		if (e->hash == hash && keys_equal(m, e, k))
			return e;
		off = e->hnext;
	}
	return (struct stp_mnode *)0;
}

/* Take e out of its hash chain and the insertion list. */
static void unlink_node(struct stp_region *r, struct stp_map *m, struct stp_mnode *e)
{
	stp_off_t eoff = stp_off(r, e), *pp = bucket_of(r, m, e->hash);

	while (*pp != eoff)
		pp = &NODE(r, *pp)->hnext;
	*pp = e->hnext;
	if (e->lprev)
		NODE(r, e->lprev)->lnext = e->lnext;
	else
		m->head = e->lnext;
	if (e->lnext)
		NODE(r, e->lnext)->lprev = e->lprev;
	else
		m->tail = e->lprev;
	m->num--;
}

enum { NEW_OVERFLOW = 1, NEW_NOMEM = 2 };

/* A fresh zeroed entry for k, linked in as the newest; NULL with *why set
 * when the array is full (and does not wrap) or the region is. */
static struct stp_mnode *insert(struct stp_region *r, struct stp_map *m, const union stp_val *k,
				uint64_t hash, int *why)
{
	struct stp_mnode *e;
	stp_off_t off, *b;

	if (m->free) {
		off = m->free;
		m->free = NODE(r, off)->hnext;
	} else if (m->allocated < m->max_entries) {
		off = stp_region_alloc(r, m->entry_size, 8);
		if (!off) {
			*why = NEW_NOMEM;
			return (struct stp_mnode *)0;
		}
		m->allocated++;
	} else if (m->wrap && m->head) {
		/* '%' arrays forget their oldest entry. */
		off = m->head;
		unlink_node(r, m, NODE(r, off));
	} else {
		*why = NEW_OVERFLOW;
		return (struct stp_mnode *)0;
	}
	e = NODE(r, off);
	stp_memset(e, 0, m->entry_size);
	e->hash = hash;
	store_keys(m, e, k);
	b = bucket_of(r, m, hash);
	e->hnext = *b;
	*b = off;
	e->lprev = m->tail;
	if (m->tail)
		NODE(r, m->tail)->lnext = off;
	else
		m->head = off;
	m->tail = off;
	m->num++;
	return e;
}

static int insert_error(struct stp_context *c, struct stp_map *m, int why)
{
	if (why == NEW_NOMEM)
		return stp_errorf(c, "out of memory for array %s (shared region full)", m->name);
	if (m->sized)
		return stp_errorf(c, "Array overflow, check size limit (%u)", m->max_entries);
	return stp_error(c, (const char *)0, "Array overflow, check MAXMAPENTRIES");
}

/* The entry for k, created when absent. */
static struct stp_mnode *lookup_or_insert(struct stp_context *c, struct stp_map *m,
					  const union stp_val *k)
{
	uint64_t hash = hash_keys(m, k);
	struct stp_mnode *e = find(c->r, m, k, hash);
	int why = 0;

	if (e)
		return e;
	e = insert(c->r, m, k, hash, &why);
	if (!e)
		insert_error(c, m, why);
	return e;
}

int64_t stp_map_get_n(struct stp_context *c, struct stp_map *m, const union stp_val *k)
{
	struct stp_mnode *e = find(c->r, m, k, hash_keys(m, k));

	return e ? stp_mnode_val_n(m, e) : 0;
}

const char *stp_map_get_s(struct stp_context *c, struct stp_map *m, const union stp_val *k)
{
	struct stp_mnode *e = find(c->r, m, k, hash_keys(m, k));

	return e ? stp_mnode_val_s(m, e) : "";
}

static struct stp_map *slot_map(struct stp_region *r, struct stp_map *m, unsigned int i)
{
	return stp_ptr(r, ((stp_off_t *)stp_ptr(r, m->slots))[i]);
}

int stp_map_exists(struct stp_context *c, struct stp_map *m, const union stp_val *k)
{
	uint64_t hash = hash_keys(m, k);
	unsigned int i;
	int found = 0;

	if (m->val_type != STP_STAT)
		return find(c->r, m, k, hash) != (struct stp_mnode *)0;
	for (i = 0; i < m->nslots && !found; i++) {
		struct stp_map *s = slot_map(c->r, m, i);

		stp_slot_lock(&s->lock);
		found = find(c->r, s, k, hash) != (struct stp_mnode *)0;
		stp_slot_unlock(&s->lock);
	}
	return found;
}

int stp_map_set_n(struct stp_context *c, struct stp_map *m, const union stp_val *k, int64_t v)
{
	struct stp_mnode *e = lookup_or_insert(c, m, k);

	if (!e)
		return 1;
	stp_memcpy((char *)e + m->val_off, &v, sizeof(v));
	return 0;
}

int stp_map_set_s(struct stp_context *c, struct stp_map *m, const union stp_val *k, const char *v)
{
	struct stp_mnode *e = lookup_or_insert(c, m, k);

	if (!e)
		return 1;
	stp_strlcpy((char *)e + m->val_off, v ? v : "", MAXSTRINGLEN);
	return 0;
}

int stp_map_add_n(struct stp_context *c, struct stp_map *m, const union stp_val *k, int64_t delta,
		  int64_t *out)
{
	struct stp_mnode *e = lookup_or_insert(c, m, k);
	int64_t *p;

	if (!e)
		return 1;
	p = (int64_t *)((char *)e + m->val_off);
	*p = (int64_t)((uint64_t)*p + (uint64_t)delta);
	if (out)
		*out = *p;
	return 0;
}

static void release(struct stp_region *r, struct stp_map *m, struct stp_mnode *e)
{
	unlink_node(r, m, e);
	e->hnext = m->free;
	m->free = stp_off(r, e);
}

void stp_map_delete(struct stp_context *c, struct stp_map *m, const union stp_val *k)
{
	uint64_t hash = hash_keys(m, k);
	struct stp_mnode *e;
	unsigned int i;

	if (m->val_type == STP_STAT) {
		for (i = 0; i < m->nslots; i++) {
			struct stp_map *s = slot_map(c->r, m, i);

			stp_slot_lock(&s->lock);
			e = find(c->r, s, k, hash);
			if (e)
				release(c->r, s, e);
			stp_slot_unlock(&s->lock);
		}
	}
	e = find(c->r, m, k, hash);
	if (e)
		release(c->r, m, e);
}

static void clear_one(struct stp_region *r, struct stp_map *m)
{
	while (m->head)
		release(r, m, NODE(r, m->head));
}

void stp_map_clear(struct stp_region *r, struct stp_map *m)
{
	unsigned int i;

	if (m->val_type == STP_STAT) {
		for (i = 0; i < m->nslots; i++) {
			struct stp_map *s = slot_map(r, m, i);

			stp_slot_lock(&s->lock);
			clear_one(r, s);
			stp_slot_unlock(&s->lock);
		}
	}
	clear_one(r, m);
}

uint32_t stp_map_size(const struct stp_map *m)
{
	return m->num;
}

int stp_map_stat_add(struct stp_context *c, struct stp_map *m, const union stp_val *k, int64_t v)
{
	struct stp_map *s = slot_map(c->r, m, stp_context_slot(c));
	int unlocked = stp_context_slot_unlocked(c, m->h.no_concurrent_read);
	struct stp_mnode *e;
	uint64_t hash = hash_keys(m, k);
	int why = 0;

	if (!unlocked)
		stp_slot_lock(&s->lock);
	e = find(c->r, s, k, hash);
	if (!e)
		e = insert(c->r, s, k, hash, &why);
	if (e)
		stp_stat_data_add(&m->h, (struct stp_stat_data *)((char *)e + m->val_off), v);
	if (!unlocked)
		stp_slot_unlock(&s->lock);
	return e ? 0 : insert_error(c, m, why);
}

const struct stp_stat_data *stp_map_stat_read(struct stp_context *c, struct stp_map *m,
					      const union stp_val *k)
{
	struct stp_stat_data *agg = (struct stp_stat_data *)c->stat_tmp.bytes;
	uint64_t hash = hash_keys(m, k);
	unsigned int i, pass;

	stp_stat_data_clear(&m->h, agg);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < m->nslots; i++) {
			struct stp_map *s = slot_map(c->r, m, i);
			struct stp_mnode *e;

			stp_slot_lock(&s->lock);
			e = find(c->r, s, k, hash);
			if (e && pass == 0)
				stp_stat_merge_sum(&m->h, agg, stp_mnode_stat(m, e));
			else if (e)
				stp_stat_merge_variance(agg, stp_mnode_stat(m, e));
			stp_slot_unlock(&s->lock);
		}
	}
	stp_stat_merge_finish(&m->h, agg);
	return agg;
}

/* Keys of entry e as values, to look them up in another (sub-)array. */
static void keys_of(const struct stp_map *m, const struct stp_mnode *e, union stp_val *k)
{
	int i;

	for (i = 0; i < m->nkeys; i++) {
		if (m->key_types[i] == STP_STRING)
			k[i].s = stp_mnode_key_s(m, e, i);
		else
			k[i].n = stp_mnode_key_n(m, e, i);
	}
}

int stp_map_aggregate(struct stp_context *c, struct stp_map *m)
{
	struct stp_region *r = c->r;
	union stp_val k[STP_MAX_KEYS];
	unsigned int i, pass;
	stp_off_t off;

	if (m->val_type != STP_STAT)
		return 0;
	clear_one(r, m);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < m->nslots; i++) {
			struct stp_map *s = slot_map(r, m, i);

			stp_slot_lock(&s->lock);
			for (off = s->head; off; off = NODE(r, off)->lnext) {
				struct stp_mnode *e = NODE(r, off), *a;
				int why = 0;

				keys_of(m, e, k);
				a = find(r, m, k, e->hash);
				if (!a && pass == 0 && m->num < m->max_entries)
					a = insert(r, m, k, e->hash, &why);
				if (!a) {
					stp_slot_unlock(&s->lock);
					return stp_errorf(c, "aggregation overflow in %s", m->name);
				}
				if (pass == 0)
					stp_stat_merge_sum(
						&m->h, (struct stp_stat_data *)stp_mnode_stat(m, a),
						stp_mnode_stat(m, e));
				else
					stp_stat_merge_variance(
						(struct stp_stat_data *)stp_mnode_stat(m, a),
						stp_mnode_stat(m, e));
			}
			stp_slot_unlock(&s->lock);
		}
	}
	for (off = m->head; off; off = NODE(r, off)->lnext)
		stp_stat_merge_finish(&m->h,
				      (struct stp_stat_data *)stp_mnode_stat(m, NODE(r, off)));
	return 0;
}
