// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Creating and mapping the shared state segment (layout in stp_segment.h).
 * stapmark creates it with memfd_create and seals its size, so a target can
 * neither shrink it under the drainer (SIGBUS) nor grow it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stp_segment.h"

#define PAGE 4096u

static uint64_t round_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static uint64_t pow2_at_least(uint64_t x)
{
	uint64_t p = 4096;

	while (p < x)
		p <<= 1;
	return p;
}

/* Check a header and copy its layout into seg; 0 or -EINVAL. */
static int adopt_layout(struct stp_segment *seg)
{
	const struct stp_seg_header *h = seg->hdr;
	uint64_t end;

	if (seg->size < sizeof(*h) || h->magic != STP_SEG_MAGIC || h->version != STP_SEG_VERSION ||
	    h->header_size != sizeof(*h) || h->size != seg->size)
		return -EINVAL;
	if (h->nslots == 0 || h->nslots > 65536 || h->ring_size < PAGE ||
	    (h->ring_size & (h->ring_size - 1)) || h->max_record == 0 ||
	    STP_REC_SIZE(h->max_record) > h->ring_size / 2)
		return -EINVAL;
	if (h->slots_off % STP_CACHELINE || h->slots_off < sizeof(*h) ||
	    h->slots_off + (uint64_t)h->nslots * sizeof(struct stp_slot) > h->rings_off ||
	    h->rings_off % STP_REC_ALIGN)
		return -EINVAL;
	end = h->rings_off + (uint64_t)h->nslots * h->ring_size;
	if (end > h->globals_off || h->globals_off > seg->size ||
	    h->globals_size > seg->size - h->globals_off)
		return -EINVAL;
	seg->nslots = h->nslots;
	seg->ring_size = h->ring_size;
	seg->max_record = h->max_record;
	seg->slots_off = h->slots_off;
	seg->rings_off = h->rings_off;
	seg->globals_off = h->globals_off;
	seg->globals_size = h->globals_size;
	return 0;
}

int stp_segment_create(struct stp_segment *seg, const struct stp_segment_config *cfg)
{
	struct stp_segment_config c = cfg ? *cfg : (struct stp_segment_config){0};
	struct stp_seg_header *h;
	uint64_t slots_off, rings_off, globals_off, size;
	void *base;
	int fd, err;

	if (!c.nslots)
		c.nslots = STP_SEG_DEFAULT_SLOTS;
	if (!c.globals_size)
		c.globals_size = STP_SEG_DEFAULT_GLOBALS;
	c.ring_size = pow2_at_least(c.ring_size ? c.ring_size : STP_SEG_DEFAULT_RING);
	if (!c.max_record)
		c.max_record = STP_SEG_DEFAULT_MAX_RECORD;
	/* A full-size record must fit twice, so one record in flight never
	 * blocks the next. */
	if (STP_REC_SIZE(c.max_record) > c.ring_size / 2)
		c.max_record = c.ring_size / 2 - sizeof(struct stp_rec_hdr);
	if (c.nslots > 65536 || c.ring_size > (1u << 30))
		return -EINVAL;

	slots_off = round_up(sizeof(*h), PAGE);
	rings_off = round_up(slots_off + (uint64_t)c.nslots * sizeof(struct stp_slot), PAGE);
	globals_off = round_up(rings_off + (uint64_t)c.nslots * c.ring_size, PAGE);
	size = round_up(globals_off + c.globals_size, PAGE);

	fd = memfd_create("stapmark-segment", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, size) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		err = -errno;
		close(fd);
		return err;
	}
	h = base; /* a fresh memfd reads as zeros: only set what is not 0 */
	h->version = STP_SEG_VERSION;
	h->header_size = sizeof(*h);
	h->size = size;
	if (getrandom(&h->session_id, sizeof(h->session_id), 0) != sizeof(h->session_id))
		h->session_id = ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)base;
	h->creator_pid = getpid();
	h->nslots = c.nslots;
	h->ring_size = c.ring_size;
	h->max_record = c.max_record;
	h->slots_off = slots_off;
	h->rings_off = rings_off;
	h->globals_off = globals_off;
	h->globals_size = size - globals_off;
	__atomic_store_n(&h->magic, STP_SEG_MAGIC, __ATOMIC_RELEASE);

	*seg = (struct stp_segment){.base = base, .size = size, .fd = fd, .hdr = h};
	err = adopt_layout(seg);
	if (err) {
		stp_segment_unmap(seg);
		return err;
	}
	return 0;
}

int stp_segment_map(struct stp_segment *seg, int fd)
{
	struct stat st;
	void *base;
	int err;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(struct stp_seg_header))
		return -EINVAL;
	base = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED)
		return -errno;
	*seg = (struct stp_segment){.base = base, .size = st.st_size, .fd = -1, .hdr = base};
	err = adopt_layout(seg);
	if (err) {
		munmap(base, st.st_size);
		seg->base = NULL;
		return err;
	}
	__atomic_add_fetch(&seg->hdr->attached, 1, __ATOMIC_RELAXED);
	return 0;
}

void stp_segment_unmap(struct stp_segment *seg)
{
	if (seg->base)
		munmap(seg->base, seg->size);
	if (seg->fd >= 0)
		close(seg->fd);
	seg->base = NULL;
	seg->hdr = NULL;
	seg->fd = -1;
}

uint64_t stp_segment_drops(const struct stp_segment *seg)
{
	const struct stp_seg_header *h = seg->hdr;
	uint64_t n = __atomic_load_n(&h->drops_noslot, __ATOMIC_RELAXED) +
		     __atomic_load_n(&h->drops_toolong, __ATOMIC_RELAXED);
	unsigned i;

	for (i = 0; i < seg->nslots; i++)
		n += __atomic_load_n(&stp_segment_slot(seg, i)->drops, __ATOMIC_RELAXED);
	return n;
}
