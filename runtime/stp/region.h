/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shared region: one contiguous block (base, size) that holds every
 * piece of script state -- session counters, globals, locks, maps,
 * statistics.  stapmark creates it and each target process maps it, at a
 * different address each, so nothing in it is a pointer: objects refer to
 * each other by offset from the base (stp_off_t, 0 = none), and each process
 * turns an offset into a pointer with its own base (stp_ptr).
 *
 * Memory is handed out by a bump allocator (lock-free, shared by all
 * processes) and never returned to it; maps recycle their own entries.  The
 * region must be zero-filled when created (fresh mmap or memfd pages are),
 * so that every allocation starts zeroed without touching untouched pages.
 */
#ifndef STP_REGION_H
#define STP_REGION_H

#include "stp_host.h"
#include "stp_config.h"

typedef uint64_t stp_off_t;

#define STP_REGION_MAGIC 0x5354504d52474e31ULL /* "STPMRGN1" */
#define STP_CACHELINE 64

/* Session states, as in stap: begin probes run while STARTING, ordinary
 * probes while RUNNING, end probes while STOPPING. */
enum stp_session_state {
	STP_SESSION_STARTING = 0,
	STP_SESSION_RUNNING = 1,
	STP_SESSION_ERROR = 2,
	STP_SESSION_STOPPING = 3,
	STP_SESSION_STOPPED = 4,
};

struct stp_region {
	uint64_t magic;
	uint64_t size;
	uint64_t used; /* bump pointer (atomic) */
	uint32_t nslots; /* statistics slots: the ones threads own, then one shared */
	uint32_t abi; /* sizeof(struct stp_region) | MAXSTRINGLEN << 16 */
	uint64_t instance; /* this region and no other one, ever (never 0) */
	uint32_t slot_claims; /* threads that asked for a slot (atomic) */
	/* The capacity of the largest array (stp_map_new, creator only): the
	 * kernel host sizes its foreach scratch by it. */
	uint32_t max_map_entries;
	stp_off_t root; /* the generated code's globals block */
	/* Session: shared by stapmark and every target. */
	int32_t state; /* enum stp_session_state (atomic) */
	int32_t exit_requested;
	int64_t error_count; /* atomic */
	int64_t skipped_count; /* atomic */
	int64_t target_pid; /* target(): -x PID or the -c child */
	int64_t stapmark_pid; /* stp_pid() */
	int64_t dropped; /* output records dropped by the transport */
	/* tz_gmtoff(), tz_name(): stapmark's local time zone when the session
	 * started (seconds west of UTC, as staprun passes it to stap). */
	int64_t tz_gmtoff;
	char tz_name[16];
	/* Counter globals (counter.h): how many, and the list of the blocks
	 * threads or CPUs add into. */
	uint32_t ncounters;
	uint32_t pad1;
	stp_off_t counter_blocks; /* atomic */
};

/*
 * Create a region in zero-filled memory; nslots >= 1.  NULL when size is
 * too small.  Statistics get nslots + 1 slots: the first nslots threads to
 * add to a statistic own one each (stp_context_slot), every later thread
 * shares the last one.
 */
struct stp_region *stp_region_init(void *base, size_t size, unsigned int nslots);
/* Use a region another process created; NULL when base does not hold one
 * built by this runtime with the same limits. */
struct stp_region *stp_region_attach(void *base, size_t size);

/* Allocate size zeroed bytes aligned to align (a power of two, at most
 * STP_CACHELINE); 0 when the region is full. */
stp_off_t stp_region_alloc(struct stp_region *r, size_t size, size_t align);

/* The root object: allocated once by the creator, found by the attachers. */
void *stp_region_root(struct stp_region *r);
stp_off_t stp_region_set_root(struct stp_region *r, size_t size);

static inline void *stp_ptr(const struct stp_region *r, stp_off_t off)
{
	return off ? (char *)r + off : (void *)0;
}

static inline stp_off_t stp_off(const struct stp_region *r, const void *p)
{
	return p ? (stp_off_t)((const char *)p - (const char *)r) : 0;
}

/* Session state and counters (all atomic). */
int stp_session_state(const struct stp_region *r);
void stp_session_set_state(struct stp_region *r, int state);
/* exit(): move a STARTING or RUNNING session to STOPPING and tell the host. */
void stp_session_request_exit(struct stp_region *r);
int64_t stp_session_errors(const struct stp_region *r);
int64_t stp_session_skipped(const struct stp_region *r);
/* "WARNING: Number of errors: N, skipped probes: M\n" as stap prints at the
 * end of a run when either is non-zero; returns the length, 0 when none. */
size_t stp_session_summary(const struct stp_region *r, char *buf, size_t size);

#endif /* STP_REGION_H */
