// SPDX-License-Identifier: GPL-2.0-or-later
/* Counter globals: a block per thread or CPU, summed on read (counter.h). */
#include "counter.h"

/* The caller's block, allocated from the region on its first add. */
static struct stp_counter_block *my_block(struct stp_region *r)
{
	uint64_t *cell = stp_host_counter_cell();
	struct stp_counter_block *b;
	stp_off_t off, head;

	if (__builtin_expect(cell && *cell, 1))
		return stp_ptr(r, *cell);
	if (!cell)
		return (struct stp_counter_block *)0;
	off = stp_region_alloc(r, sizeof(*b) + sizeof(int64_t) * (r->ncounters ? r->ncounters : 1),
			       STP_CACHELINE);
	if (!off)
		return (struct stp_counter_block *)0;
	b = stp_ptr(r, off);
	head = __atomic_load_n(&r->counter_blocks, __ATOMIC_RELAXED);
	do
		b->next = head;
	while (!__atomic_compare_exchange_n(&r->counter_blocks, &head, off, 1, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED));
	*cell = off;
	return b;
}

void stp_counter_add_first(struct stp_region *r, int i, int64_t *g, int64_t d)
{
	if (my_block(r))
		stp_counter_add(r, i, g, d);
	else /* no block to be had: the global itself, atomically */
		__atomic_add_fetch(g, d, __ATOMIC_RELAXED);
}

int64_t stp_counter_read(struct stp_region *r, int i, const int64_t *g)
{
	uint64_t v = (uint64_t)__atomic_load_n(g, __ATOMIC_RELAXED);

	for (stp_off_t o = __atomic_load_n(&r->counter_blocks, __ATOMIC_ACQUIRE); o;) {
		const struct stp_counter_block *b = stp_ptr(r, o);

		v += (uint64_t)__atomic_load_n(&b->c[i], __ATOMIC_RELAXED);
		o = b->next;
	}
	return (int64_t)v;
}
