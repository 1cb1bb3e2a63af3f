/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The shared state segment of one stapmark session: a memfd created by
 * stapmark and mapped by every attached process, each at its own address,
 * so everything inside is addressed by offsets from the segment's base.
 *
 *   offset 0      struct stp_seg_header (one page)
 *   slots_off     nslots x struct stp_slot (two cache lines each)
 *   rings_off     nslots x ring_size bytes of ring data
 *   globals_off   globals_size bytes for the handler runtime (script globals)
 *
 * The layout is fixed when stapmark creates the segment; a mapper checks the
 * magic, version and that every region lies inside the segment before use.
 * A target may scribble on the segment: stapmark's side validates what it
 * reads and never trusts an offset or a length it did not check.
 */
#ifndef STAPMARK_TRANSPORT_SEGMENT_H
#define STAPMARK_TRANSPORT_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#define STP_SEG_MAGIC 0x3147455350415453ULL /* "STAPSEG1" little-endian */
#define STP_SEG_VERSION 1
#define STP_CACHELINE 64

/* Defaults for stp_segment_create (each overridable in its config). */
#define STP_SEG_DEFAULT_SLOTS 64
#define STP_SEG_DEFAULT_RING (4u << 20) /* bytes per thread: ~30 ms of 2 M lines/s */
#define STP_SEG_DEFAULT_MAX_RECORD (16u << 10) /* largest printf kept whole */
#define STP_SEG_DEFAULT_GLOBALS (16u << 20)

/* Slot owner word: 0 free, else (pid << 32 | tid) of the producing thread. */
#define STP_SLOT_OWNER(pid, tid) (((uint64_t)(uint32_t)(pid) << 32) | (uint32_t)(tid))

/*
 * One thread's output ring: a single-producer, single-consumer byte ring.
 * head and the producer's private fields share the first cache line, tail
 * (written by the drainer) the second, so the two sides never write the
 * same line.  head and tail are free-running byte counts (never wrapped);
 * the position in the ring is count & (ring_size - 1).
 */
struct stp_slot {
	/* producer cache line */
	uint64_t head; /* bytes published; release-stored after the copy */
	uint64_t tail_cache; /* producer's last view of tail */
	uint64_t owner; /* STP_SLOT_OWNER or 0; claimed with a CAS */
	uint64_t drops; /* records this slot's producers dropped: ring full */
	uint64_t records; /* records published (statistics) */
	uint64_t pad0[3];
	/* consumer cache line */
	uint64_t tail; /* bytes consumed; release-stored by the drainer */
	uint64_t pad1[7];
} __attribute__((aligned(STP_CACHELINE)));

/*
 * Each record in a ring: this header, then len bytes of output, padded to
 * STP_REC_ALIGN.  Records may wrap around the end of the ring (the bytes
 * are logically contiguous); the header never does, as ring sizes and
 * record starts are multiples of its size.
 */
struct stp_rec_hdr {
	uint32_t len; /* payload bytes */
	uint32_t magic; /* STP_REC_OUT or STP_REC_MSG; anything else is corruption */
	uint64_t stamp; /* CLOCK_MONOTONIC ns when the record was written */
};
#define STP_REC_OUT 0x52504453u /* script output: stdout or -o FILE */
#define STP_REC_MSG 0x47534d53u /* WARNING/ERROR message: stapmark's stderr */
#define STP_REC_ALIGN 16
#define STP_REC_SIZE(len)                                                     \
	(((uint64_t)sizeof(struct stp_rec_hdr) + (len) + STP_REC_ALIGN - 1) & \
	 ~(uint64_t)(STP_REC_ALIGN - 1))

/* Bits of stp_seg_header.drainer_events (what woke the drainer). */
#define STP_EV_DATA 1u /* a ring passed its watermark */
#define STP_EV_EXIT 2u /* exit requested */

struct stp_seg_header {
	uint64_t magic;
	uint32_t version;
	uint32_t header_size;
	uint64_t size; /* bytes in the segment */
	uint64_t session_id; /* random; names the segment in the environment */
	uint32_t creator_pid; /* stapmark */
	uint32_t nslots;
	uint32_t ring_size; /* power of two, multiple of STP_REC_ALIGN */
	uint32_t max_record; /* largest payload accepted */
	uint64_t slots_off;
	uint64_t rings_off;
	uint64_t globals_off;
	uint64_t globals_size;

	/* Counters written by targets: one cache line of their own. */
	uint64_t drops_noslot __attribute__((aligned(STP_CACHELINE))); /* no free slot, re-entry */
	uint64_t drops_toolong; /* record larger than max_record */
	uint64_t errors; /* runtime errors of handlers (stp_transport_count_error) */
	uint64_t skipped; /* handlers skipped (reentrancy, limits) */

	/* Control words: their own cache line. */
	uint32_t exit_request __attribute__((aligned(STP_CACHELINE))); /* nonzero: exit() called */
	uint32_t exit_code;
	uint32_t detach_gen; /* bumped by stapmark: handlers should go quiet */
	uint32_t drainer_waiting; /* futex word: 1 while the drainer sleeps */
	uint32_t drainer_events; /* STP_EV_* not yet seen by the drainer */
	uint32_t attached; /* processes that mapped the segment (statistics) */
} __attribute__((aligned(STP_CACHELINE)));

/*
 * Either side's view of a mapped segment.  The layout is copied out of the
 * header once it is validated, so a target overwriting the header later
 * cannot make the other side read outside the segment.
 */
struct stp_segment {
	void *base;
	size_t size;
	int fd; /* -1 when the mapper does not own one */
	struct stp_seg_header *hdr;
	uint32_t nslots, ring_size, max_record;
	uint64_t slots_off, rings_off, globals_off, globals_size;
};

struct stp_segment_config {
	size_t globals_size; /* 0: STP_SEG_DEFAULT_GLOBALS */
	unsigned nslots; /* 0: STP_SEG_DEFAULT_SLOTS */
	size_t ring_size; /* 0: default; rounded up to a power of two */
	size_t max_record; /* 0: default; at most ring_size / 4 */
};

/* stapmark: create a sealed-size memfd segment, map it and lay it out.
 * The fd is close-on-exec; see stp_spawn_preloaded for passing it on. */
int stp_segment_create(struct stp_segment *seg, const struct stp_segment_config *cfg);

/* A target: map the segment behind fd and validate its header.  The caller
 * keeps owning fd (seg->fd is -1) and may close it: the mapping stays. */
int stp_segment_map(struct stp_segment *seg, int fd);

void stp_segment_unmap(struct stp_segment *seg);

/* The region for script globals: base and size. */
static inline void *stp_segment_globals(const struct stp_segment *seg, size_t *size)
{
	if (size)
		*size = seg->globals_size;
	return (char *)seg->base + seg->globals_off;
}

static inline struct stp_slot *stp_segment_slot(const struct stp_segment *seg, unsigned i)
{
	return (struct stp_slot *)((char *)seg->base + seg->slots_off) + i;
}

static inline unsigned char *stp_segment_ring(const struct stp_segment *seg, unsigned i)
{
	return (unsigned char *)seg->base + seg->rings_off + (uint64_t)i * seg->ring_size;
}

/* stapmark: ask every attached handler to go quiet now (they see it through
 * stp_transport_detach_requested), for targets it cannot detach otherwise. */
static inline void stp_segment_request_detach(const struct stp_segment *seg)
{
	__atomic_add_fetch(&seg->hdr->detach_gen, 1, __ATOMIC_RELEASE);
}

/* Every event dropped so far: ring full, no slot, record too long. */
uint64_t stp_segment_drops(const struct stp_segment *seg);

#endif /* STAPMARK_TRANSPORT_SEGMENT_H */
