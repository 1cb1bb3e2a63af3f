// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The drainer (API and ordering in stp_drain.h).  Everything read from the
 * segment is checked before use: a target may be buggy or dead mid-write,
 * and must never crash or hang stapmark.  The drainer keeps its own copy
 * of every ring's tail and only ever stores it to the segment.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "futex.h"
#include "stp_drain.h"

#define DEFAULT_BUF (1u << 20)
#define DEFAULT_MIN_SLEEP 1000000L
#define DEFAULT_MAX_SLEEP 50000000L

/* A ring with records to emit in the current pass. */
struct cursor {
	unsigned slot;
	uint64_t pos, end; /* byte counts, as head and tail */
	struct stp_rec_hdr next; /* header of the record at pos */
};

struct stp_drainer {
	struct stp_segment seg; /* layout copied at creation */
	struct stp_drain_config cfg;
	uint64_t *tail; /* our own copy of each ring's tail */
	struct cursor *cur; /* one per ring with data */
	char *buf;
	size_t used;
	struct stp_drain_stats st;
	pthread_t thread;
	int running, stop;
	int exit_seen;
};

struct stp_drainer *stp_drainer_new(const struct stp_segment *seg,
				    const struct stp_drain_config *cfg)
{
	struct stp_drainer *d = calloc(1, sizeof(*d));
	unsigned i;

	if (!d)
		return NULL;
	d->seg = *seg;
	d->cfg = *cfg;
	if (!d->cfg.buf_size)
		d->cfg.buf_size = DEFAULT_BUF;
	if (d->cfg.buf_size < seg->max_record)
		d->cfg.buf_size = seg->max_record;
	if (!d->cfg.min_sleep_ns)
		d->cfg.min_sleep_ns = DEFAULT_MIN_SLEEP;
	if (!d->cfg.max_sleep_ns)
		d->cfg.max_sleep_ns = DEFAULT_MAX_SLEEP;
	d->tail = calloc(seg->nslots, sizeof(*d->tail));
	d->cur = calloc(seg->nslots, sizeof(*d->cur));
	if (!d->cfg.err_fd)
		d->cfg.err_fd = 2;
	d->buf = malloc(d->cfg.buf_size + seg->max_record); /* + room for one message */
	if (!d->tail || !d->cur || !d->buf) {
		stp_drainer_free(d);
		return NULL;
	}
	for (i = 0; i < seg->nslots; i++)
		d->tail[i] = __atomic_load_n(&stp_segment_slot(seg, i)->tail, __ATOMIC_RELAXED);
	return d;
}

void stp_drainer_free(struct stp_drainer *d)
{
	if (!d)
		return;
	if (d->running)
		stp_drainer_stop(d);
	free(d->tail);
	free(d->cur);
	free(d->buf);
	free(d);
}

static void flush(struct stp_drainer *d)
{
	size_t off = 0;

	while (off < d->used) {
		ssize_t n = write(d->cfg.out_fd, d->buf + off, d->used - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			d->st.write_errors++;
			break;
		}
		off += n;
	}
	d->used = 0;
}

/* Copy n bytes from ring position pos, wrapping at the end. */
static void ring_get(const unsigned char *ring, uint32_t size, uint64_t pos, void *dst, size_t n)
{
	uint32_t off = pos & (size - 1);
	size_t first = size - off;

	if (n <= first) {
		memcpy(dst, ring + off, n);
	} else {
		memcpy(dst, ring + off, first);
		memcpy((char *)dst + first, ring, n - first);
	}
}

/* Read the header at c->pos; 0 when the cursor is exhausted or the ring is
 * inconsistent (then the rest of what it holds is skipped). */
static int load_next(struct stp_drainer *d, struct cursor *c)
{
	const unsigned char *ring = stp_segment_ring(&d->seg, c->slot);

	if (c->pos == c->end)
		return 0;
	memcpy(&c->next, ring + (c->pos & (d->seg.ring_size - 1)), sizeof(c->next));
	if ((c->next.magic != STP_REC_OUT && c->next.magic != STP_REC_MSG) ||
	    c->next.len > d->seg.max_record || STP_REC_SIZE(c->next.len) > c->end - c->pos) {
		d->st.corrupt++;
		c->pos = c->end;
		return 0;
	}
	return 1;
}

/* A message goes to err_fd after the output staged before it. */
static void emit_msg(struct stp_drainer *d, struct cursor *c)
{
	uint32_t len = c->next.len;
	char *msg = d->buf + d->cfg.buf_size; /* spare room past the staging buffer */

	flush(d);
	ring_get(stp_segment_ring(&d->seg, c->slot), d->seg.ring_size,
		 c->pos + sizeof(struct stp_rec_hdr), msg, len);
	while (len) {
		ssize_t n = write(d->cfg.err_fd, msg, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			d->st.write_errors++;
			break;
		}
		msg += n;
		len -= n;
	}
	d->st.messages++;
	c->pos += STP_REC_SIZE(c->next.len);
}

static void emit(struct stp_drainer *d, struct cursor *c)
{
	uint32_t len = c->next.len;

	if (c->next.magic == STP_REC_MSG)
		return emit_msg(d, c);
	if (d->used + len > d->cfg.buf_size)
		flush(d);
	ring_get(stp_segment_ring(&d->seg, c->slot), d->seg.ring_size,
		 c->pos + sizeof(struct stp_rec_hdr), d->buf + d->used, len);
	d->used += len;
	d->st.records++;
	d->st.bytes += len;
	c->pos += STP_REC_SIZE(len);
}

/* Hand consumed ring space back to the writer. */
static void release(struct stp_drainer *d, const struct cursor *c)
{
	d->tail[c->slot] = c->pos;
	__atomic_store_n(&stp_segment_slot(&d->seg, c->slot)->tail, c->pos, __ATOMIC_RELEASE);
}

size_t stp_transport_drain(struct stp_drainer *d)
{
	uint64_t before = d->st.records + d->st.messages;
	unsigned i, n = 0;

	for (i = 0; i < d->seg.nslots; i++) {
		struct stp_slot *s = stp_segment_slot(&d->seg, i);
		uint64_t head = __atomic_load_n(&s->head, __ATOMIC_ACQUIRE);
		struct cursor *c = &d->cur[n];

		if (head == d->tail[i])
			continue;
		*c = (struct cursor){.slot = i, .pos = d->tail[i], .end = head};
		if (head - d->tail[i] > d->seg.ring_size || (head - d->tail[i]) % STP_REC_ALIGN) {
			d->st.corrupt++; /* a head no writer could have stored */
			c->pos = head;
			release(d, c);
			continue;
		}
		if (load_next(d, c))
			n++;
		else
			release(d, c);
	}
	if (n)
		d->st.passes++;
	while (n > 1) {
		/* Merge by stamp; the set of rings with data is small. */
		unsigned best = 0;

		for (i = 1; i < n; i++)
			if (d->cur[i].next.stamp < d->cur[best].next.stamp)
				best = i;
		emit(d, &d->cur[best]);
		if (!load_next(d, &d->cur[best])) {
			release(d, &d->cur[best]);
			d->cur[best] = d->cur[--n];
		}
	}
	if (n == 1) { /* the rest of the last ring; the common case: one thread printing */
		do
			emit(d, &d->cur[0]);
		while (load_next(d, &d->cur[0]));
		release(d, &d->cur[0]);
	}
	/* Records are in the staging buffer: release before writing so that
	 * writers get their space back as early as possible. */
	flush(d);
	return d->st.records + d->st.messages - before;
}

static void check_exit(struct stp_drainer *d)
{
	struct stp_seg_header *h = d->seg.hdr;

	if (d->exit_seen || !__atomic_load_n(&h->exit_request, __ATOMIC_ACQUIRE))
		return;
	d->exit_seen = 1;
	if (d->cfg.on_exit_request)
		d->cfg.on_exit_request(d->cfg.arg,
				       (int)__atomic_load_n(&h->exit_code, __ATOMIC_RELAXED));
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static void *drain_thread(void *arg)
{
	struct stp_drainer *d = arg;
	struct stp_seg_header *h = d->seg.hdr;
	long sleep_ns = d->cfg.min_sleep_ns;
	uint64_t last = mono_ns();

	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		uint64_t bytes = d->st.bytes, t = mono_ns();
		size_t n;

		if (t - last > d->st.max_gap_ns)
			d->st.max_gap_ns = t - last;
		last = t;
		n = stp_transport_drain(d);

		__atomic_store_n(&h->drainer_events, 0, __ATOMIC_RELAXED);
		check_exit(d);
		if (n) {
			sleep_ns = d->cfg.min_sleep_ns;
		} else if (sleep_ns < d->cfg.max_sleep_ns) {
			sleep_ns *= 2;
			if (sleep_ns > d->cfg.max_sleep_ns)
				sleep_ns = d->cfg.max_sleep_ns;
		}
		/* Behind (a pass found a quarter ring or more): go again.
		 * Otherwise sleep even while output flows, so that it
		 * accumulates into large writes; a writer past its watermark
		 * wakes us early. */
		if (d->st.bytes - bytes >= d->seg.ring_size / 4)
			continue;
		__atomic_store_n(&h->drainer_waiting, 1, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE))
			stp_futex_wait(&h->drainer_waiting, 1, sleep_ns);
		/* Still 1 unless a writer (or stop) cleared it to wake us. */
		if (!__atomic_exchange_n(&h->drainer_waiting, 0, __ATOMIC_RELAXED))
			d->st.wakeups++;
	}
	return NULL;
}

int stp_drainer_start(struct stp_drainer *d)
{
	int err;

	d->stop = 0;
	err = pthread_create(&d->thread, NULL, drain_thread, d);
	if (err)
		return -err;
	d->running = 1;
	return 0;
}

void stp_drainer_stop(struct stp_drainer *d)
{
	if (d->running) {
		__atomic_store_n(&d->stop, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&d->seg.hdr->drainer_waiting, 0, __ATOMIC_RELEASE);
		stp_futex_wake(&d->seg.hdr->drainer_waiting, 1);
		pthread_join(d->thread, NULL);
		d->running = 0;
	}
	/* Until a pass finds nothing (writers may still be finishing), but
	 * bounded: a target still printing must not keep stapmark here. */
	for (int i = 0; i < 64 && stp_transport_drain(d); i++)
		;
	check_exit(d);
}

void stp_drainer_stats(const struct stp_drainer *d, struct stp_drain_stats *st)
{
	*st = d->st;
}

uint64_t stp_transport_report_drops(const struct stp_segment *seg, FILE *f)
{
	uint64_t n = stp_segment_drops(seg);

	if (n)
		fprintf(f, "WARNING: %" PRIu64 " events dropped\n", n);
	return n;
}
