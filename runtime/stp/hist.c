// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Drawing histograms the way stap does:
 *
 *	value |-------------------------------------------------- count
 *	    0 |                                                    0
 *	    1 |@@@@                                                4
 *	    2 |@@@@@@@@@@@@                                       12
 *	    4 |                                                    0
 *	    8 |                                                    0
 *
 * The rows shown run from two empty buckets below the first non-empty one
 * to two above the last (log histograms do not go below zero unless there
 * are negative values; linear ones show the "<start" and ">stop" rows only
 * when they hold something).  Bars are scaled so the longest is at most
 * HIST_WIDTH; runs of empty rows further than HIST_ELISION from data are
 * replaced by one "~" row.
 */
#include "stat.h"
#include "context.h"
#include "printf.h"
#include "stp_lib.h"

struct text {
	char *buf;
	size_t size, len;
};

static void emit(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emit(struct text *t, const char *fmt, ...)
{
	va_list ap;

	if (t->len + 1 >= t->size)
		return;
	va_start(ap, fmt);
	t->len += (size_t)stp_vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
}

static int digits_of(int64_t v)
{
	int n = v < 0 ? 1 : 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		n++;
		u /= 10;
	} while (u);
	return n;
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

/* The value a row stands for, with "<" or ">" on linear under/overflow. */
static int64_t row_value(const struct stp_hist_desc *h, int i, const char **prefix)
{
	*prefix = "";
	if (h->type == STP_HIST_LOG)
		return stp_hist_log_value(i);
	if (i == 0) {
		*prefix = "<";
		return h->start;
	}
	if (i == h->buckets - 1) {
		*prefix = ">";
		return h->start + (int64_t)(i - 2) * h->interval;
	}
	return h->start + (int64_t)(i - 1) * h->interval;
}

/* Every bucket within HIST_ELISION rows of i (inside [lo, hi]) is empty. */
static int elided(const struct stp_hist_desc *h, const struct stp_stat_data *d, int i, int lo,
		  int hi)
{
	int reach = HIST_ELISION < h->buckets ? HIST_ELISION : h->buckets;
	int k, from = i - reach > lo ? i - reach : lo, to = i + reach < hi ? i + reach : hi;

	if (HIST_ELISION < 0)
		return 0;
	for (k = from; k <= to; k++)
		if (d->hist[k])
			return 0;
	return 1;
}

size_t stp_hist_format(const struct stp_hist_desc *h, const struct stp_stat_data *d, char *buf,
		       size_t size)
{
	struct text t = {buf, size, 0};
	int lo = -1, hi = 0, i, k, under = 0, over = 0, val_space, cnt_space, eliding = 0;
	int64_t valmax = 0, scale;

	if (size)
		buf[0] = '\0';
	if (h->type != STP_HIST_LOG && h->type != STP_HIST_LINEAR)
		return 0;
	for (i = 0; i < h->buckets; i++) {
		if (d->hist[i] > 0) {
			if (lo < 0)
				lo = i;
			hi = i;
		}
		if (d->hist[i] > valmax)
			valmax = d->hist[i];
	}
	if (lo < 0)
		lo = hi = h->type == STP_HIST_LOG ? STP_HIST_LOG_BUCKET0 : 1;
	/* Two rows of margin on each side. */
	for (k = 0; k < 2; k++) {
		if (lo > 0 && !(h->type == STP_HIST_LOG && lo == STP_HIST_LOG_BUCKET0))
			lo--;
		if (hi < h->buckets - 1)
			hi++;
	}
	if (h->type == STP_HIST_LINEAR) {
		if (lo == 0 && d->hist[0] == 0)
			lo++;
		if (hi == h->buckets - 1 && d->hist[hi] == 0)
			hi--;
		under = lo == 0;
		over = hi == h->buckets - 1;
	}
	scale = valmax <= HIST_WIDTH ? 1 : (valmax + HIST_WIDTH - 1) / HIST_WIDTH;
	cnt_space = digits_of(valmax);
	if (h->type == STP_HIST_LINEAR)
		val_space = max_int(digits_of(h->start) + under,
				    digits_of(h->start + (int64_t)h->interval * hi) + over);
	else
		val_space = max_int(digits_of(stp_hist_log_value(hi)),
				    digits_of(stp_hist_log_value(lo)));
	val_space = max_int(val_space, 5); /* "value" */

	emit(&t, "%*s |", val_space, "value");
	for (k = 0; k < HIST_WIDTH; k++)
		emit(&t, "-");
	emit(&t, " count\n");
	for (i = lo; i <= hi; i++) {
		const char *prefix;
		int64_t val, bar;

		if (elided(h, d, i, lo, hi)) {
			eliding = 1;
			continue;
		}
		if (eliding) {
			emit(&t, "%*s ~\n", val_space, "");
			eliding = 0;
		}
		val = row_value(h, i, &prefix);
		emit(&t, "%*s%lld |", val_space - digits_of(val), prefix, (long long)val);
		bar = d->hist[i] / scale;
		for (k = 0; k < bar; k++)
			emit(&t, "@");
		emit(&t, "%*lld\n", (int)(HIST_WIDTH - bar + 1 + cnt_space), (long long)d->hist[i]);
	}
	emit(&t, "\n");
	return t.len;
}

int stp_stat_print_hist(struct stp_context *c, const struct stp_hist_desc *h,
			const struct stp_stat_data *d)
{
	if (!d->count)
		return stp_error(c, (const char *)0, "empty aggregate");
	/* Drawn straight into the (emptied) output buffer: at most
	 * STP_MAX_BUCKETS rows of ~100 bytes fit, as one item. */
	stp_out_flush(c);
	c->outlen = stp_hist_format(h, d, c->outbuf, sizeof(c->outbuf));
	return 0;
}

int stp_stat_sprint_hist(struct stp_context *c, const struct stp_hist_desc *h,
			 const struct stp_stat_data *d, char *out)
{
	if (!d->count)
		return stp_error(c, (const char *)0, "empty aggregate");
	stp_hist_format(h, d, out, MAXSTRINGLEN);
	return 0;
}
