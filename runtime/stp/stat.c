// SPDX-License-Identifier: GPL-2.0-or-later
/* Statistics: accumulation per slot, combination, extraction. */
#include "stat.h"
#include "context.h"
#include "lock.h"
#include "printf.h"
#include "stp_lib.h"

/* Division as stap's runtime does it for statistics: 0 when dividing by 0. */
static int64_t div0(int64_t a, int64_t b)
{
	return b ? a / b : 0;
}

void stp_hist_none_init(struct stp_hist_desc *h)
{
	stp_memset(h, 0, sizeof(*h));
}

void stp_hist_log_init(struct stp_hist_desc *h)
{
	stp_memset(h, 0, sizeof(*h));
	h->type = STP_HIST_LOG;
	h->buckets = STP_HIST_LOG_BUCKETS;
}

int stp_hist_linear_init(struct stp_hist_desc *h, int64_t start, int64_t stop, int64_t interval)
{
	int64_t buckets;

	stp_memset(h, 0, sizeof(*h));
	/* As stap's runtime: a warning, and the statistic has no histogram
	 * (its other aggregates still work). */
	if (interval == 0) {
		stp_warn((struct stp_context *)0, "histogram: interval cannot be zero.");
		return -1;
	}
	/* Room for the underflow and overflow buckets (stap's int range). */
	buckets = start < -0x7fffffff || stop > 0x7fffffff ? 0 : (stop - start) / interval + 3;
	if (buckets < 3 || buckets > STP_MAX_BUCKETS) {
		char msg[256];

		stp_snprintf(msg, sizeof(msg),
			     "histogram: Number of buckets must be between 1 and %d\n"
			     "Number_of_buckets = (stop - start) / interval.\n"
			     "Please adjust your start, stop, and interval values.",
			     STP_MAX_BUCKETS - 2);
		stp_warn((struct stp_context *)0, msg);
		return -1;
	}
	h->type = STP_HIST_LINEAR;
	h->start = (int32_t)start;
	h->stop = (int32_t)stop;
	h->interval = (int32_t)interval;
	h->buckets = (int32_t)buckets;
	return 0;
}

size_t stp_stat_data_size(const struct stp_hist_desc *h)
{
	return sizeof(struct stp_stat_data) + (size_t)h->buckets * sizeof(int64_t);
}

void stp_stat_data_clear(const struct stp_hist_desc *h, struct stp_stat_data *sd)
{
	stp_memset(sd, 0, stp_stat_data_size(h));
}

int stp_hist_log_bucket(int64_t v)
{
	uint64_t u;
	int msb = 0, b;

	if (v == 0)
		return STP_HIST_LOG_BUCKET0;
	u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	while (msb < 63 && u >> (msb + 1))
		msb++;
	/* 1 -> bucket0+1, 2..3 -> bucket0+2, ...; negatives mirror below. */
	b = STP_HIST_LOG_BUCKET0 + 1 + msb;
	if (v < 0)
		b = STP_HIST_LOG_BUCKETS - b;
	return b >= STP_HIST_LOG_BUCKETS ? STP_HIST_LOG_BUCKETS - 1 : b;
}

int64_t stp_hist_log_value(int bucket)
{
	if (bucket == STP_HIST_LOG_BUCKET0)
		return 0;
	if (bucket < STP_HIST_LOG_BUCKET0)
		return (int64_t)((uint64_t)INT64_MIN >> bucket | ~(UINT64_MAX >> bucket));
	return (int64_t)1 << (bucket - STP_HIST_LOG_BUCKET0 - 1);
}

void stp_stat_data_add(const struct stp_hist_desc *h, struct stp_stat_data *sd, int64_t v)
{
	int64_t vs = (int64_t)((uint64_t)v << h->shift);

	if (sd->count == 0) {
		sd->count = 1;
		sd->sum = sd->min = sd->max = v;
		sd->avg_s = vs;
		sd->m2 = 0;
	} else {
		int64_t delta;

		sd->count++;
		sd->sum += v;
		if (v > sd->max)
			sd->max = v;
		if (v < sd->min)
			sd->min = v;
		/* Welford's online variance, in stap's fixed point: two divisions,
		 * the dearest part of '<<<', so only when @variance is used. */
		if (!h->no_variance) {
			delta = vs - sd->avg_s;
			sd->avg_s += delta / sd->count;
			sd->m2 += delta * (vs - sd->avg_s);
			sd->variance_s = div0(sd->m2, sd->count - 1);
		}
	}
	if (h->type == STP_HIST_LOG) {
		sd->hist[stp_hist_log_bucket(v)]++;
	} else if (h->type == STP_HIST_LINEAR) {
		int64_t b;

		if (v < h->start) {
			b = 0;
		} else {
			b = (int64_t)((uint64_t)(v - h->start) / (uint64_t)h->interval) + 1;
			if (b >= h->buckets - 1 || b < 0)
				b = h->buckets - 1;
		}
		sd->hist[b]++;
	}
}

void stp_stat_merge_sum(const struct stp_hist_desc *h, struct stp_stat_data *agg,
			const struct stp_stat_data *part)
{
	int i;

	if (!part->count)
		return;
	if (!agg->count) {
		agg->min = part->min;
		agg->max = part->max;
	}
	agg->count += part->count;
	agg->sum += part->sum;
	if (part->max > agg->max)
		agg->max = part->max;
	if (part->min < agg->min)
		agg->min = part->min;
	for (i = 0; i < h->buckets; i++)
		agg->hist[i] += part->hist[i];
	agg->avg_s = (int64_t)((uint64_t)agg->sum << h->shift);
}

/* Total variance: sum over parts of n_i (mean_i - mean)^2 plus
 * (n_i - 1) var_i, over n - 1.  The mean is needed first, hence two passes;
 * merge_sum left sum << shift in avg_s. */
void stp_stat_merge_variance(struct stp_stat_data *agg, const struct stp_stat_data *part)
{
	int64_t mean = div0(agg->avg_s, agg->count), d;

	if (!part->count)
		return;
	d = part->avg_s - mean;
	agg->m2 += part->count * d * d + (part->count - 1) * part->variance_s;
}

void stp_stat_merge_finish(const struct stp_hist_desc *h, struct stp_stat_data *agg)
{
	agg->avg_s = div0(agg->avg_s, agg->count);
	agg->variance_s = div0(agg->m2, agg->count - 1);
	agg->variance = agg->variance_s >> (2 * h->shift);
}

stp_off_t stp_stat_new(struct stp_region *r, const struct stp_hist_desc *h)
{
	stp_off_t off = stp_region_alloc(r, sizeof(struct stp_stat), 8);
	struct stp_stat *s = stp_ptr(r, off);
	size_t stride =
		(8 + stp_stat_data_size(h) + STP_CACHELINE - 1) & ~(size_t)(STP_CACHELINE - 1);

	if (!off)
		return 0;
	s->h = *h;
	s->stride = (uint32_t)stride;
	s->nslots = r->nslots;
	s->slots = stp_region_alloc(r, stride * r->nslots, STP_CACHELINE);
	return s->slots ? off : 0;
}

static inline uint32_t *slot_lock(struct stp_region *r, struct stp_stat *s, unsigned int i)
{
	return (uint32_t *)((char *)stp_ptr(r, s->slots) + (size_t)i * s->stride);
}

static inline struct stp_stat_data *slot_data(uint32_t *lock)
{
	return (struct stp_stat_data *)(lock + 2);
}

void stp_stat_add(struct stp_context *c, struct stp_stat *s, int64_t v)
{
	uint32_t *l = slot_lock(c->r, s, stp_context_slot(c));

	if (stp_context_slot_unlocked(c, s->h.no_concurrent_read)) {
		stp_stat_data_add(&s->h, slot_data(l), v);
		return;
	}
	stp_slot_lock(l);
	stp_stat_data_add(&s->h, slot_data(l), v);
	stp_slot_unlock(l);
}

const struct stp_stat_data *stp_stat_read(struct stp_context *c, struct stp_stat *s)
{
	struct stp_stat_data *agg = (struct stp_stat_data *)c->stat_tmp.bytes;
	unsigned int i;

	stp_stat_data_clear(&s->h, agg);
	for (i = 0; i < s->nslots; i++) {
		uint32_t *l = slot_lock(c->r, s, i);

		stp_slot_lock(l);
		stp_stat_merge_sum(&s->h, agg, slot_data(l));
		stp_slot_unlock(l);
	}
	for (i = 0; i < s->nslots; i++) {
		uint32_t *l = slot_lock(c->r, s, i);

		stp_slot_lock(l);
		stp_stat_merge_variance(agg, slot_data(l));
		stp_slot_unlock(l);
	}
	stp_stat_merge_finish(&s->h, agg);
	return agg;
}

void stp_stat_clear(struct stp_region *r, struct stp_stat *s)
{
	unsigned int i;

	for (i = 0; i < s->nslots; i++) {
		uint32_t *l = slot_lock(r, s, i);

		stp_slot_lock(l);
		stp_stat_data_clear(&s->h, slot_data(l));
		stp_slot_unlock(l);
	}
}

int stp_stat_extract(struct stp_context *c, const struct stp_stat_data *d, int op, int64_t *out)
{
	if (op == STP_STAT_COUNT) {
		*out = d->count;
		return 0;
	}
	if (op == STP_STAT_SUM) {
		*out = d->sum;
		return 0;
	}
	if (!d->count)
		return stp_error(c, (const char *)0, "empty aggregate");
	switch (op) {
	case STP_STAT_MIN:
		*out = d->min;
		break;
	case STP_STAT_MAX:
		*out = d->max;
		break;
	case STP_STAT_AVG:
		*out = div0(d->sum, d->count);
		break;
	default:
		*out = d->variance;
		break;
	}
	return 0;
}

int stp_hist_bucket(struct stp_context *c, const struct stp_hist_desc *h,
		    const struct stp_stat_data *d, int64_t i, int64_t *out)
{
	if (!d->count) /* as stap: a histogram of nothing has no buckets to read */
		return stp_error(c, (const char *)0, "empty aggregate");
	if (i < 0 || i >= h->buckets)
		return stp_error(c, (const char *)0, "histogram index out of range");
	*out = d->hist[i];
	return 0;
}
