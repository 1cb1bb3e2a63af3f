/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Statistics ('<<<' and the @ extractors) and their histograms.
 *
 * A statistic accumulates into one stp_stat_data per slot (CPU or thread
 * slot from the host), each guarded by its own slot lock, so writers on
 * different slots share nothing.  Reading combines the slots: count, sum,
 * min, max and histogram add up; the variance of the whole is computed from
 * each slot's running (Welford) variance with the total-variance formula,
 * all in integer arithmetic exactly as stap's runtime does, so @variance
 * gives stap's numbers.
 *
 * Scalar statistics globals are struct stp_stat in the region; statistics
 * in associative arrays are entries of a statistics map (map.h).
 */
#ifndef STP_STAT_H
#define STP_STAT_H

#include "region.h"

struct stp_context;

enum stp_hist_type {
	STP_HIST_NONE = 0,
	STP_HIST_LOG = 1,
	STP_HIST_LINEAR = 2,
};

/* What a statistic collects: fixed at declaration. */
struct stp_hist_desc {
	int32_t type; /* enum stp_hist_type */
	int32_t start, stop, interval; /* @hist_linear(v, start, stop, interval) */
	int32_t buckets; /* including under- and overflow for linear */
	int32_t shift; /* @variance(v, shift): fixed-point bits */
	int32_t no_variance; /* nobody asks @variance: skip its divisions per value */
	/* No probe reads the statistic while others add to it: a thread that
	 * owns its slot adds without the slot's lock (stp_context_slot_unlocked). */
	int32_t no_concurrent_read;
};

struct stp_stat_data {
	int64_t count, sum, min, max;
	int64_t avg_s; /* running mean << shift */
	int64_t m2; /* Welford's sum of squares (combined: S1 + S2) */
	int64_t variance_s; /* variance << 2*shift */
	int64_t variance; /* combined data: @variance */
	int64_t hist[];
};

/* The extractors. */
enum stp_stat_op {
	STP_STAT_COUNT,
	STP_STAT_SUM,
	STP_STAT_MIN,
	STP_STAT_MAX,
	STP_STAT_AVG,
	STP_STAT_VARIANCE,
};

/* Descriptors.  linear warns as stap does and returns -1, leaving h without
 * a histogram, when interval is 0 or the bucket count is not within
 * 3..STP_MAX_BUCKETS, the limits stap enforces. */
void stp_hist_none_init(struct stp_hist_desc *h);
void stp_hist_log_init(struct stp_hist_desc *h);
int stp_hist_linear_init(struct stp_hist_desc *h, int64_t start, int64_t stop, int64_t interval);

size_t stp_stat_data_size(const struct stp_hist_desc *h);
void stp_stat_data_clear(const struct stp_hist_desc *h, struct stp_stat_data *sd);
/* One value into one slot's data. */
void stp_stat_data_add(const struct stp_hist_desc *h, struct stp_stat_data *sd, int64_t v);

/* Combining slots into agg: clear agg, merge_sum each part, then
 * merge_variance each part, then finish. */
void stp_stat_merge_sum(const struct stp_hist_desc *h, struct stp_stat_data *agg,
			const struct stp_stat_data *part);
void stp_stat_merge_variance(struct stp_stat_data *agg, const struct stp_stat_data *part);
void stp_stat_merge_finish(const struct stp_hist_desc *h, struct stp_stat_data *agg);

/* Log histogram bucket of a value, and the value a bucket stands for. */
int stp_hist_log_bucket(int64_t v);
int64_t stp_hist_log_value(int bucket);

/* A scalar statistics global. */
struct stp_stat {
	struct stp_hist_desc h;
	uint32_t stride; /* bytes per slot, cache-line multiple */
	uint32_t nslots;
	stp_off_t slots; /* nslots x { uint32_t lock; pad; stp_stat_data } */
};

/* Allocate a statistic in the region (creator only); 0 when full. */
stp_off_t stp_stat_new(struct stp_region *r, const struct stp_hist_desc *h);
/* x <<< v: into the caller's slot; needs the global's read lock. */
void stp_stat_add(struct stp_context *c, struct stp_stat *s, int64_t v);
/* Combine all slots into the context's scratch (valid until the next read
 * in this context); needs the global's read lock. */
const struct stp_stat_data *stp_stat_read(struct stp_context *c, struct stp_stat *s);
/* delete x: needs the write lock. */
void stp_stat_clear(struct stp_region *r, struct stp_stat *s);

/* @count(...) etc. of combined data: @count and @sum of an empty statistic
 * are 0; the others raise "empty aggregate" (non-zero return). */
int stp_stat_extract(struct stp_context *c, const struct stp_stat_data *d, int op, int64_t *out);

/* print(@hist_log(x)) / print(@hist_linear(x, ...)): the ASCII histogram as
 * stap draws it, as one output item.  "empty aggregate" when count is 0. */
int stp_stat_print_hist(struct stp_context *c, const struct stp_hist_desc *h,
			const struct stp_stat_data *d);
/* sprint(@hist_log(x)): the same text as a script string (out holds
 * MAXSTRINGLEN bytes), cut there as stap cuts it; "empty aggregate" when
 * count is 0. */
int stp_stat_sprint_hist(struct stp_context *c, const struct stp_hist_desc *h,
			 const struct stp_stat_data *d, char *out);
/* The same text into buf; returns its length (truncated to size-1). */
size_t stp_hist_format(const struct stp_hist_desc *h, const struct stp_stat_data *d, char *buf,
		       size_t size);
/* @hist_log(x)[i]: the count in bucket i, "histogram index out of range"
 * outside 0..buckets-1. */
int stp_hist_bucket(struct stp_context *c, const struct stp_hist_desc *h,
		    const struct stp_stat_data *d, int64_t i, int64_t *out);

#endif /* STP_STAT_H */
