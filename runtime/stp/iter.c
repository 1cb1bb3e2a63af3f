// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * foreach: snapshot an array's entries into process-local memory, sort them
 * (stable merge sort, so equal values keep insertion order), and hand them
 * out.  The caller holds the global's lock for the whole loop, so the
 * entries stay put; stap forbids modifying the array inside its foreach.
 */
#include "map.h"
#include "context.h"
#include "stp_lib.h"

struct order {
	struct stp_region *r;
	struct stp_map *m;
	int sort_by, dir, stat_op;
};

static int64_t stat_key(const struct stp_stat_data *d, int op)
{
	switch (op) {
	case STP_STAT_SUM:
		return d->sum;
	case STP_STAT_MIN:
		return d->min;
	case STP_STAT_MAX:
		return d->max;
	case STP_STAT_AVG:
		return d->count ? d->sum / d->count : 0;
	case STP_STAT_VARIANCE:
		return d->variance;
	default:
		return d->count;
	}
}

/* <0, 0, >0 as a sorts before, with, after b in ascending order. */
static int compare(const struct order *o, stp_off_t a, stp_off_t b)
{
	const struct stp_mnode *x = stp_ptr(o->r, a), *y = stp_ptr(o->r, b);
	const struct stp_map *m = o->m;
	int64_t u, v;

	if (o->sort_by > 0) {
		int i = o->sort_by - 1;

		if (m->key_types[i] == STP_STRING)
			return stp_strcmp(stp_mnode_key_s(m, x, i), stp_mnode_key_s(m, y, i));
		u = stp_mnode_key_n(m, x, i);
		v = stp_mnode_key_n(m, y, i);
	} else if (m->val_type == STP_STRING) {
		return stp_strcmp(stp_mnode_val_s(m, x), stp_mnode_val_s(m, y));
	} else if (m->val_type == STP_STAT) {
		u = stat_key(stp_mnode_stat(m, x), o->stat_op);
		v = stat_key(stp_mnode_stat(m, y), o->stat_op);
	} else {
		u = stp_mnode_val_n(m, x);
		v = stp_mnode_val_n(m, y);
	}
	return u < v ? -1 : u > v;
}

static void merge_sort(const struct order *o, stp_off_t *a, stp_off_t *tmp, uint32_t n)
{
	uint32_t mid = n / 2, i = 0, j, k = 0;

	if (n < 2)
		return;
	merge_sort(o, a, tmp, mid);
	merge_sort(o, a + mid, tmp, n - mid);
	j = mid;
	while (i < mid && j < n) {
		/* Take from the right only when strictly before: stable. */
		if (o->dir * compare(o, a[j], a[i]) < 0)
			tmp[k++] = a[j++];
		else
			tmp[k++] = a[i++];
	}
	while (i < mid)
		tmp[k++] = a[i++];
	while (j < n)
		tmp[k++] = a[j++];
	stp_memcpy(a, tmp, (size_t)n * sizeof(*a));
}

int stp_map_iter_start(struct stp_context *c, struct stp_iter *it, struct stp_map *m, int sort_by,
		       int dir, int stat_op, int64_t limit)
{
	struct stp_region *r = c->r;
	struct order o = {r, m, sort_by, dir < 0 ? -1 : 1, stat_op};
	uint32_t n = 0;
	stp_off_t off;

	it->m = m;
	it->r = r;
	it->nodes = (stp_off_t *)0;
	it->n = it->i = 0;
	if (sort_by < 0 || sort_by > m->nkeys)
		return stp_error(c, (const char *)0, "invalid foreach sort column");
	if (stp_map_aggregate(c, m))
		return 1;
	if (!m->num)
		return 0;
	it->nodes = stp_host_alloc((size_t)m->num * 2 * sizeof(stp_off_t));
	if (!it->nodes)
		return stp_error(c, (const char *)0, "out of memory for foreach");
	for (off = m->head; off; off = ((struct stp_mnode *)stp_ptr(r, off))->lnext)
		it->nodes[n++] = off;
	if (dir)
		merge_sort(&o, it->nodes, it->nodes + n, n);
	it->n = (limit >= 0 && (uint64_t)limit < n) ? (uint32_t)limit : n;
	return 0;
}

struct stp_mnode *stp_map_iter_next(struct stp_iter *it)
{
	if (it->i >= it->n)
		return (struct stp_mnode *)0;
	return stp_ptr(it->r, it->nodes[it->i++]);
}

void stp_map_iter_end(struct stp_iter *it)
{
	if (it->nodes)
		stp_host_free(it->nodes);
	it->nodes = (stp_off_t *)0;
	it->n = it->i = 0;
}
