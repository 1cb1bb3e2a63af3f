// SPDX-License-Identifier: GPL-2.0-or-later
/* The shared region: header, bump allocator, session state. */
#include "region.h"
#include "stp_lib.h"
#include "printf.h"

#define STP_REGION_ABI ((uint32_t)sizeof(struct stp_region) | (uint32_t)MAXSTRINGLEN << 16)

struct stp_region *stp_region_init(void *base, size_t size, unsigned int nslots)
{
	struct stp_region *r = base;

	if (!base || size < 4096 || !nslots)
		return (struct stp_region *)0;
	r->size = size;
	r->nslots = nslots + 1;
	/* Unique among regions (a context remembers its slot by it, and a new
	 * region may be mapped where an old one was). */
	r->instance = (((uint64_t)stp_host_local_clock_ns() * 0x9e3779b97f4a7c15ull) ^
		       (uint64_t)stp_host_pid() ^ ((uint64_t)(uintptr_t)base << 1)) |
		      1;
	r->abi = STP_REGION_ABI;
	/* The header takes its own cache line(s); offset 0 stays "none". */
	r->used = (sizeof(*r) + STP_CACHELINE - 1) & ~(uint64_t)(STP_CACHELINE - 1);
	r->state = STP_SESSION_STARTING;
	__atomic_store_n(&r->magic, STP_REGION_MAGIC, __ATOMIC_RELEASE);
	return r;
}

struct stp_region *stp_region_attach(void *base, size_t size)
{
	struct stp_region *r = base;

	if (!base || size < sizeof(*r) ||
	    __atomic_load_n(&r->magic, __ATOMIC_ACQUIRE) != STP_REGION_MAGIC ||
	    r->abi != STP_REGION_ABI || r->size > size)
		return (struct stp_region *)0;
	return r;
}

stp_off_t stp_region_alloc(struct stp_region *r, size_t size, size_t align)
{
	uint64_t old = __atomic_load_n(&r->used, __ATOMIC_RELAXED), start, end;

	if (align < 8)
		align = 8;
	do {
		start = (old + align - 1) & ~(uint64_t)(align - 1);
		end = start + size;
		if (end > r->size || end < start)
			return 0;
	} while (!__atomic_compare_exchange_n(&r->used, &old, end, 1, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return start;
}

void *stp_region_root(struct stp_region *r)
{
	return stp_ptr(r, __atomic_load_n(&r->root, __ATOMIC_ACQUIRE));
}

stp_off_t stp_region_set_root(struct stp_region *r, size_t size)
{
	stp_off_t off = stp_region_alloc(r, size, STP_CACHELINE);

	if (off)
		__atomic_store_n(&r->root, off, __ATOMIC_RELEASE);
	return off;
}

int stp_session_state(const struct stp_region *r)
{
	return __atomic_load_n(&r->state, __ATOMIC_ACQUIRE);
}

void stp_session_set_state(struct stp_region *r, int state)
{
	__atomic_store_n(&r->state, state, __ATOMIC_RELEASE);
}

void stp_session_request_exit(struct stp_region *r)
{
	int32_t s = __atomic_load_n(&r->state, __ATOMIC_ACQUIRE);

	/* Only a starting or running session moves to STOPPING; end probes
	 * calling exit() again change nothing. */
	while (s == STP_SESSION_STARTING || s == STP_SESSION_RUNNING) {
		if (__atomic_compare_exchange_n(&r->state, &s, STP_SESSION_STOPPING, 0,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			break;
	}
	if (!__atomic_exchange_n(&r->exit_requested, 1, __ATOMIC_ACQ_REL))
		stp_host_request_exit();
}

int64_t stp_session_errors(const struct stp_region *r)
{
	return __atomic_load_n(&r->error_count, __ATOMIC_RELAXED);
}

int64_t stp_session_skipped(const struct stp_region *r)
{
	return __atomic_load_n(&r->skipped_count, __ATOMIC_RELAXED);
}

size_t stp_session_summary(const struct stp_region *r, char *buf, size_t size)
{
	int64_t e = stp_session_errors(r), s = stp_session_skipped(r);

	if (!e && !s)
		return 0;
	return stp_snprintf(buf, size, "WARNING: Number of errors: %lld, skipped probes: %lld\n",
			    (long long)e, (long long)s);
}
