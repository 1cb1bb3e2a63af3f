/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Locking of script globals, as stap does it: each global that needs one
 * has a reader-writer lock in the region; a handler takes the locks of all
 * the globals it touches at entry, in one global order (the generated code
 * lists them sorted by declaration), shared for globals it only reads (and
 * for '<<<', which writes per-slot data), exclusive for those it writes.
 * A lock not obtained after MAXTRYLOCK attempts TRYLOCKDELAY us apart skips
 * the hit (counted towards MAXSKIPPED) instead of blocking the program.
 *
 * Per-slot statistics data is guarded by a slot lock (stp_slot_lock): taken
 * only by the slot's own writers and by readers combining the slots, so
 * in the common case nobody else touches its cache line.
 */
#ifndef STP_LOCK_H
#define STP_LOCK_H

#include "region.h"

struct stp_context;

struct stp_lockreq {
	stp_host_rwlock_t *lock;
	int write;
};

/* Locks in the region are created once by the region's creator. */
static inline void stp_lock_init(stp_host_rwlock_t *l)
{
	stp_host_rwlock_init(l);
}

/* 0 with all n locks held, or non-zero with none held and the hit counted
 * as skipped. */
int stp_lock_globals(struct stp_context *c, const struct stp_lockreq *req, int n);
void stp_unlock_globals(struct stp_context *c, const struct stp_lockreq *req, int n);

#if defined(__x86_64__) || defined(__i386__)
#define stp_cpu_relax() __builtin_ia32_pause()
#else
#define stp_cpu_relax() __asm__ __volatile__("" ::: "memory")
#endif

/* A tiny spin lock for per-slot data. */
static inline void stp_slot_lock(uint32_t *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(l, __ATOMIC_RELAXED))
			stp_cpu_relax();
}

static inline void stp_slot_unlock(uint32_t *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

#endif /* STP_LOCK_H */
