/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Counters: long scalar globals that every write only adds to (++, --,
 * +=, -=; pass 2 finds them).  They need no lock: each thread (user space)
 * or CPU (kernel) adds into a block of its own in the region with plain
 * stores -- no locked instruction on the hot path -- and a read sums the
 * blocks.  When the region is full, an atomic add on the global itself.
 *
 * The host keeps the caller's block in a cell of its own
 * (stp_host_counter_cell: a thread-local in user space, reset in a forked
 * child; a per-CPU variable in the kernel, used with preemption off).
 */
#ifndef STP_COUNTER_H
#define STP_COUNTER_H

#include "region.h"

struct stp_counter_block {
	stp_off_t next; /* the next block of the region's list */
	int64_t c[]; /* r->ncounters of them */
};

/* The first add of a thread (CPU): allocate its block, then add. */
void stp_counter_add_first(struct stp_region *r, int i, int64_t *g, int64_t d);
int64_t stp_counter_read(struct stp_region *r, int i, const int64_t *g);

/* g: the global's own storage (in the globals block).  Inline: on the
 * path of every hit of a `{ n++ }` handler. */
static inline void stp_counter_add(struct stp_region *r, int i, int64_t *g, int64_t d)
{
	uint64_t *cell = stp_host_counter_cell();

	if (__builtin_expect(cell && *cell, 1)) {
		struct stp_counter_block *b = (struct stp_counter_block *)stp_ptr(r, *cell);

		/* Only this thread (CPU) writes its block: a plain load and
		 * store, atomic only so that a concurrent reader sees whole
		 * values. */
		__atomic_store_n(&b->c[i],
				 (int64_t)((uint64_t)__atomic_load_n(&b->c[i], __ATOMIC_RELAXED) +
					   (uint64_t)d),
				 __ATOMIC_RELAXED);
	} else {
		stp_counter_add_first(r, i, g, d);
	}
}

#endif /* STP_COUNTER_H */
