// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Target side of the output transport (API in stp_transport.h).
 *
 * Slots: a thread claims a free slot with a CAS on its owner word on its
 * first write and keeps it in a thread-local.  Nothing runs at thread exit
 * (a TLS destructor in a module that may be dlclose'd is a use-after-unmap
 * waiting to happen), so slots of exited threads are reclaimed lazily: when
 * no slot is free, a thread takes over one whose owner thread no longer
 * exists (tgkill(pid, tid, 0) fails with ESRCH).  Taking over is safe with
 * records still in the ring: the dead owner published them and the new one
 * appends after them.  A reused tid only delays reclaiming.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "futex.h"
#include "stp_transport.h"

/* How often a thread without a slot looks again for one (in writes). */
#define RECLAIM_RETRY 1024

static struct stp_segment seg;
/* Nonzero while attached; a new value for every attach, so thread-locals
 * from an earlier session are recognised as stale. */
static uint32_t attach_gen;
static uint32_t gen_counter;
static uint32_t quiet_gen; /* detach_gen seen at attach */
static int own_mapping; /* seg was mapped by stp_transport_attach */
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

struct writer_tls {
	uint32_t gen; /* attach_gen this slot belongs to */
	uint32_t busy; /* inside stp_transport_write (signal re-entry) */
	uint32_t retry; /* writes left before looking for a slot again */
	struct stp_slot *slot;
	unsigned char *ring;
};
static __thread struct writer_tls tls;

/* A forked child has the parent's thread-local slot but is another
 * producer: make it claim its own. */
static void after_fork_child(void)
{
	tls.gen = 0;
	tls.slot = NULL;
	tls.busy = 0;
}

static void install_atfork(void)
{
	/* Registered against this object's __dso_handle: dlclose removes it. */
	pthread_atfork(NULL, NULL, after_fork_child);
}

static int start(uint32_t detach_gen)
{
	uint32_t gen;

	pthread_once(&atfork_once, install_atfork);
	quiet_gen = detach_gen;
	gen = __atomic_add_fetch(&gen_counter, 1, __ATOMIC_RELAXED);
	if (!gen)
		gen = __atomic_add_fetch(&gen_counter, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&attach_gen, gen, __ATOMIC_RELEASE);
	return 0;
}

int stp_transport_attach(int fd)
{
	int err;

	if (__atomic_load_n(&attach_gen, __ATOMIC_ACQUIRE))
		return -EBUSY;
	err = stp_segment_map(&seg, fd);
	if (err)
		return err;
	own_mapping = 1;
	return start(__atomic_load_n(&seg.hdr->detach_gen, __ATOMIC_RELAXED));
}

int stp_transport_attach_session(int fd, uint64_t session_id)
{
	struct stp_segment s;
	int err;

	if (!session_id)
		return stp_transport_attach(fd);
	/* Check on a private mapping first: attach only to the right one. */
	err = stp_segment_map(&s, fd);
	if (err)
		return err;
	err = s.hdr->session_id == session_id ? 0 : -ESTALE;
	__atomic_sub_fetch(&s.hdr->attached, 1, __ATOMIC_RELAXED);
	stp_segment_unmap(&s);
	return err ? err : stp_transport_attach(fd);
}

int stp_transport_attach_segment(const struct stp_segment *s)
{
	if (__atomic_load_n(&attach_gen, __ATOMIC_ACQUIRE))
		return -EBUSY;
	seg = *s;
	seg.fd = -1;
	own_mapping = 0; /* the caller's to unmap */
	return start(__atomic_load_n(&seg.hdr->detach_gen, __ATOMIC_RELAXED));
}

void stp_transport_detach(void)
{
	if (!__atomic_load_n(&attach_gen, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&attach_gen, 0, __ATOMIC_RELEASE);
	if (own_mapping) {
		__atomic_sub_fetch(&seg.hdr->attached, 1, __ATOMIC_RELAXED);
		stp_segment_unmap(&seg);
	}
	own_mapping = 0;
	memset(&seg, 0, sizeof(seg));
}

static inline char *seg_base(void)
{
	return (char *)seg.base;
}

static int owner_alive(uint64_t owner)
{
	pid_t pid = owner >> 32, tid = (pid_t)(uint32_t)owner;

	return syscall(SYS_tgkill, pid, tid, 0) == 0 || errno != ESRCH;
}

static int claim_slot(uint32_t gen)
{
	uint64_t me = STP_SLOT_OWNER(getpid(), gettid());
	struct stp_slot *slots = (struct stp_slot *)(seg_base() + seg.slots_off);
	unsigned i, pass;

	/* Pass 0 takes a free slot; pass 1 one whose owner has exited. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < seg.nslots; i++) {
			uint64_t o = __atomic_load_n(&slots[i].owner, __ATOMIC_RELAXED);

			if (pass == 0 ? o != 0 : (o == 0 || owner_alive(o)))
				continue;
			if (!__atomic_compare_exchange_n(&slots[i].owner, &o, me, 0,
							 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				continue;
			tls.slot = &slots[i];
			tls.ring = (unsigned char *)seg_base() + seg.rings_off +
				   (uint64_t)i * seg.ring_size;
			tls.gen = gen;
			return 0;
		}
	}
	tls.retry = RECLAIM_RETRY;
	return -ENOSPC;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* Copy n bytes to ring position pos, wrapping at the end. */
static inline void ring_put(unsigned char *ring, uint32_t size, uint64_t pos, const void *src,
			    size_t n)
{
	uint32_t off = pos & (size - 1);
	size_t first = size - off;

	if (n <= first) {
		memcpy(ring + off, src, n);
	} else {
		memcpy(ring + off, src, first);
		memcpy(ring, (const char *)src + first, n - first);
	}
}

static void wake_drainer(void)
{
	struct stp_seg_header *h = seg.hdr;

	__atomic_or_fetch(&h->drainer_events, STP_EV_DATA, __ATOMIC_RELAXED);
	if (__atomic_exchange_n(&h->drainer_waiting, 0, __ATOMIC_RELEASE))
		stp_futex_wake(&h->drainer_waiting, 1);
}

static inline int write_rec(const void *rec, size_t len, uint32_t kind)
{
	uint32_t gen = __atomic_load_n(&attach_gen, __ATOMIC_ACQUIRE);
	struct stp_rec_hdr rh;
	struct stp_slot *slot;
	uint64_t head, need, used;
	uint32_t size;
	int ret = 0;

	if (__builtin_expect(!gen, 0))
		return -ENODEV;
	if (__builtin_expect(len > seg.max_record, 0)) {
		__atomic_add_fetch(&seg.hdr->drops_toolong, 1, __ATOMIC_RELAXED);
		return -EMSGSIZE;
	}
	if (__builtin_expect(tls.busy, 0)) {
		/* A signal handler interrupted this thread's write: the ring
		 * has one producer, so the nested record cannot go in. */
		__atomic_add_fetch(&seg.hdr->drops_noslot, 1, __ATOMIC_RELAXED);
		return -EDEADLK;
	}
	tls.busy = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (__builtin_expect(tls.gen != gen, 0)) {
		if (tls.gen == 0 && tls.retry && --tls.retry) {
			ret = -ENOSPC;
		} else {
			tls.gen = 0;
			ret = claim_slot(gen);
		}
		if (ret) {
			__atomic_add_fetch(&seg.hdr->drops_noslot, 1, __ATOMIC_RELAXED);
			goto out;
		}
	}
	slot = tls.slot;
	size = seg.ring_size;
	need = STP_REC_SIZE(len);
	head = slot->head; /* only this thread writes it */
	used = head + need - slot->tail_cache;
	if (used > size) {
		slot->tail_cache = __atomic_load_n(&slot->tail, __ATOMIC_ACQUIRE);
		used = head + need - slot->tail_cache;
		if (used > size) {
			__atomic_store_n(&slot->drops, slot->drops + 1, __ATOMIC_RELAXED);
			if (__atomic_load_n(&seg.hdr->drainer_waiting, __ATOMIC_RELAXED))
				wake_drainer();
			ret = -ENOSPC;
			goto out;
		}
	}
	rh.len = len;
	rh.magic = kind;
	rh.stamp = now_ns();
	/* The header never wraps: positions and size are multiples of 16. */
	memcpy(tls.ring + (head & (size - 1)), &rh, sizeof(rh));
	ring_put(tls.ring, size, head + sizeof(rh), rec, len);
	__atomic_store_n(&slot->head, head + need, __ATOMIC_RELEASE);
	__atomic_store_n(&slot->records, slot->records + 1, __ATOMIC_RELAXED);
	/* Past half full, make sure the drainer is awake.  Below it, the
	 * drainer's own polling picks the data up: no shared write per record. */
	if (used > size / 2 && __atomic_load_n(&seg.hdr->drainer_waiting, __ATOMIC_RELAXED)) {
		/* used counts from a tail we last read when the ring looked
		 * full: look again before paying for a wakeup. */
		slot->tail_cache = __atomic_load_n(&slot->tail, __ATOMIC_ACQUIRE);
		if (head + need - slot->tail_cache > size / 2)
			wake_drainer();
	}
out:
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	tls.busy = 0;
	return ret;
}

int stp_transport_write(const void *rec, size_t len)
{
	return write_rec(rec, len, STP_REC_OUT);
}

int stp_transport_write_msg(const void *rec, size_t len)
{
	return write_rec(rec, len, STP_REC_MSG);
}

size_t stp_transport_max_record(void)
{
	return __atomic_load_n(&attach_gen, __ATOMIC_ACQUIRE) ? seg.max_record : 0;
}

void stp_transport_count_error(void)
{
	if (__atomic_load_n(&attach_gen, __ATOMIC_ACQUIRE))
		__atomic_add_fetch(&seg.hdr->errors, 1, __ATOMIC_RELAXED);
}

void stp_transport_count_skipped(void)
{
	if (__atomic_load_n(&attach_gen, __ATOMIC_ACQUIRE))
		__atomic_add_fetch(&seg.hdr->skipped, 1, __ATOMIC_RELAXED);
}

void stp_transport_request_exit(int code)
{
	struct stp_seg_header *h = seg.hdr;

	if (!__atomic_load_n(&attach_gen, __ATOMIC_ACQUIRE))
		return;
	/* The first exit() decides the code. */
	if (__atomic_exchange_n(&h->exit_request, 1, __ATOMIC_ACQ_REL) == 0)
		__atomic_store_n(&h->exit_code, code, __ATOMIC_RELAXED);
	__atomic_or_fetch(&h->drainer_events, STP_EV_EXIT, __ATOMIC_RELEASE);
	__atomic_store_n(&h->drainer_waiting, 0, __ATOMIC_RELEASE);
	stp_futex_wake(&h->drainer_waiting, 1);
}

int stp_transport_exit_requested(void)
{
	return __atomic_load_n(&attach_gen, __ATOMIC_ACQUIRE) &&
	       __atomic_load_n(&seg.hdr->exit_request, __ATOMIC_RELAXED);
}

int stp_transport_detach_requested(void)
{
	return __atomic_load_n(&attach_gen, __ATOMIC_ACQUIRE) &&
	       __atomic_load_n(&seg.hdr->detach_gen, __ATOMIC_RELAXED) != quiet_gen;
}

void *stp_transport_globals(size_t *size)
{
	if (!__atomic_load_n(&attach_gen, __ATOMIC_ACQUIRE)) {
		if (size)
			*size = 0;
		return NULL;
	}
	if (size)
		*size = seg.globals_size;
	return seg_base() + seg.globals_off;
}

const struct stp_segment *stp_transport_segment(void)
{
	return __atomic_load_n(&attach_gen, __ATOMIC_ACQUIRE) ? &seg : NULL;
}
