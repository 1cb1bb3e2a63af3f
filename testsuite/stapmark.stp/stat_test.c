// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Statistics: every extractor, stap's integer variance (Welford per slot,
 * total variance across slots, optional fixed-point shift), empty
 * aggregates, log and linear bucket indexing, and histograms printed
 * exactly as stap prints them (margins, elision, scaling, under/overflow).
 */
#include "stp_test.h"

static struct stp_stat *new_stat(struct stp_region *r, const struct stp_hist_desc *h)
{
	stp_off_t off = stp_stat_new(r, h);

	if (!off) {
		fprintf(stderr, "stp_stat_new failed\n");
		exit(2);
	}
	return stp_ptr(r, off);
}

static int64_t get(struct stp_context *c, const struct stp_stat_data *d, int op)
{
	int64_t v = -999;

	if (stp_stat_extract(c, d, op, &v))
		return -999;
	return v;
}

/* Add values from "slot" s: the host gives slots per thread, so tests
 * write straight into slot data to place values deterministically. */
static void add_in_slot(struct stp_region *r, struct stp_stat *s, unsigned int slot, int64_t v)
{
	uint32_t *lock = (uint32_t *)((char *)stp_ptr(r, s->slots) + (size_t)slot * s->stride);

	stp_stat_data_add(&s->h, (struct stp_stat_data *)(lock + 2), v);
}

static void test_aggregates(struct stp_region *r)
{
	struct stp_context *c = test_enter(r);
	struct stp_hist_desc h, h3;
	struct stp_stat *s, *t, *u, *w, *e;
	const struct stp_stat_data *d;
	int i;

	stp_hist_none_init(&h);
	s = new_stat(r, &h);
	for (i = 1; i <= 5; i++)
		stp_stat_add(c, s, i);
	stp_stat_add(c, s, -7);
	d = stp_stat_read(c, s);
	CHECK_EQ(get(c, d, STP_STAT_COUNT), 6, "@count");
	CHECK_EQ(get(c, d, STP_STAT_SUM), 8, "@sum");
	CHECK_EQ(get(c, d, STP_STAT_MIN), -7, "@min");
	CHECK_EQ(get(c, d, STP_STAT_MAX), 5, "@max");
	CHECK_EQ(get(c, d, STP_STAT_AVG), 1, "@avg (integer division)");

	/* Reference numbers from stap's integer algorithm. */
	t = new_stat(r, &h);
	for (i = 1; i <= 5; i++)
		add_in_slot(r, t, 0, i);
	CHECK_EQ(get(c, stp_stat_read(c, t), STP_STAT_VARIANCE), 12,
		 "@variance of 1..5, shift 0 (stap's integer result)");
	h3 = h;
	h3.shift = 3;
	u = new_stat(r, &h3);
	for (i = 1; i <= 5; i++)
		add_in_slot(r, u, 0, i);
	CHECK_EQ(get(c, stp_stat_read(c, u), STP_STAT_VARIANCE), 2, "@variance(x, 3) of 1..5");
	w = new_stat(r, &h);
	add_in_slot(r, w, 0, 1);
	add_in_slot(r, w, 0, 3);
	add_in_slot(r, w, 0, 5);
	add_in_slot(r, w, 2, 2);
	add_in_slot(r, w, 2, 4);
	CHECK_EQ(get(c, stp_stat_read(c, w), STP_STAT_VARIANCE), 2,
		 "@variance combined over two slots");
	stp_stat_clear(r, w);
	for (i = 1; i <= 5; i++)
		add_in_slot(r, w, (unsigned int)i % 3, i * 100);
	CHECK_EQ(get(c, stp_stat_read(c, w), STP_STAT_VARIANCE), 25000,
		 "@variance of 100..500 over three slots");
	stp_stat_clear(r, u);
	for (i = 1; i <= 7; i++)
		add_in_slot(r, u, i <= 3 ? 1 : 3, i * 10);
	h3.shift = 2;
	{
		struct stp_stat *v2 = new_stat(r, &h3);

		for (i = 1; i <= 7; i++)
			add_in_slot(r, v2, i <= 3 ? 1 : 3, i * 10);
		CHECK_EQ(get(c, stp_stat_read(c, v2), STP_STAT_VARIANCE), 466,
			 "@variance(x, 2) of 10..70 over two slots");
	}
	t = new_stat(r, &h);
	add_in_slot(r, t, 1, 42);
	CHECK_EQ(get(c, stp_stat_read(c, t), STP_STAT_VARIANCE), 0, "@variance of one value");

	e = new_stat(r, &h);
	d = stp_stat_read(c, e);
	CHECK_EQ(get(c, d, STP_STAT_COUNT), 0, "@count of an empty statistic");
	CHECK_EQ(get(c, d, STP_STAT_SUM), 0, "@sum of an empty statistic");
	c->last_error = NULL;
	CHECK(stp_stat_extract(c, d, STP_STAT_AVG, &(int64_t){0}), "@avg of nothing fails");
	CHECK_STR(c->last_error ? c->last_error : "", "empty aggregate", "empty aggregate message");
	c->last_error = NULL;
	stp_stat_clear(r, s);
	CHECK_EQ(get(c, stp_stat_read(c, s), STP_STAT_COUNT), 0, "delete x empties it");
	stp_context_exit(c);
	test_reset_io();
}

static void test_buckets(void)
{
	struct stp_hist_desc h;

	CHECK_EQ(stp_hist_log_bucket(0), 64, "log bucket of 0");
	CHECK_EQ(stp_hist_log_bucket(1), 65, "log bucket of 1");
	CHECK_EQ(stp_hist_log_bucket(3), 66, "log bucket of 3");
	CHECK_EQ(stp_hist_log_bucket(1024), 75, "log bucket of 1024");
	CHECK_EQ(stp_hist_log_bucket(-1), 63, "log bucket of -1");
	CHECK_EQ(stp_hist_log_bucket(-5), 61, "log bucket of -5");
	CHECK_EQ(stp_hist_log_bucket(INT64_MAX), 127, "log bucket of INT64_MAX");
	CHECK_EQ(stp_hist_log_bucket(INT64_MIN), 0, "log bucket of INT64_MIN");
	CHECK_EQ(stp_hist_log_value(75), 1024, "value of log bucket 75");
	CHECK_EQ(stp_hist_log_value(61), -4, "value of log bucket 61 (-4..-7)");
	CHECK_EQ(stp_hist_log_value(0), INT64_MIN, "value of log bucket 0");
	CHECK(stp_hist_linear_init(&h, 0, 100, 10) == 0 && h.buckets == 13,
	      "hist_linear(0, 100, 10): 13 buckets with under/overflow");
	CHECK(stp_hist_linear_init(&h, 0, 100, 0) < 0, "interval 0 rejected");
	CHECK(stp_hist_linear_init(&h, 0, 1000, 1) < 0, "too many buckets rejected");
	CHECK(stp_hist_linear_init(&h, 0, 125, 1) == 0, "125 buckets accepted");
}

static const char *draw(struct stp_context *c, struct stp_stat *s)
{
	const struct stp_stat_data *d = stp_stat_read(c, s);

	test_reset_io();
	stp_stat_print_hist(c, &s->h, d);
	stp_out_flush(c);
	return test_out;
}

static void test_hist_print(struct stp_region *r)
{
	struct stp_context *c = test_enter(r);
	struct stp_hist_desc h;
	struct stp_stat *lg, *lin, *big, *neg;
	static const int64_t v1[] = {32, 32, 64, 1024, 1024, 1024, 1024};
	char expect[8192];
	size_t n = 0;
	int64_t b;
	int i;

	stp_hist_log_init(&h);
	lg = new_stat(r, &h);
	for (i = 0; i < 7; i++)
		stp_stat_add(c, lg, v1[i]);
	/* Two empty rows of margin each side; bars of one '@' per count. */
	n += (size_t)sprintf(expect + n, "value |%s count\n",
			     "--------------------------------------------------");
	n += (size_t)sprintf(expect + n, "    8 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "   16 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "   32 |@@%50s\n", "2");
	n += (size_t)sprintf(expect + n, "   64 |@%51s\n", "1");
	n += (size_t)sprintf(expect + n, "  128 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "  256 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "  512 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, " 1024 |@@@@%48s\n", "4");
	n += (size_t)sprintf(expect + n, " 2048 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, " 4096 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "\n");
	CHECK_STR(draw(c, lg), expect, "print(@hist_log(x))");
	stp_hist_bucket(c, &lg->h, stp_stat_read(c, lg), 75, &b);
	CHECK_EQ(b, 4, "@hist_log(x)[75]");
	CHECK(stp_hist_bucket(c, &lg->h, stp_stat_read(c, lg), 128, &b), "bucket 128 fails");
	CHECK_STR(c->last_error ? c->last_error : "", "histogram index out of range",
		  "bucket index error");
	c->last_error = NULL;

	/* Linear: under- and overflow rows, elision of the empty middle. */
	stp_hist_linear_init(&h, 0, 100, 10);
	lin = new_stat(r, &h);
	stp_stat_add(c, lin, 5);
	stp_stat_add(c, lin, 15);
	stp_stat_add(c, lin, 15);
	stp_stat_add(c, lin, 95);
	stp_stat_add(c, lin, 150);
	stp_stat_add(c, lin, -3);
	n = 0;
	n += (size_t)sprintf(expect + n, "value |%s count\n",
			     "--------------------------------------------------");
	n += (size_t)sprintf(expect + n, "   <0 |@%51s\n", "1");
	n += (size_t)sprintf(expect + n, "    0 |@%51s\n", "1");
	n += (size_t)sprintf(expect + n, "   10 |@@%50s\n", "2");
	n += (size_t)sprintf(expect + n, "   20 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "   30 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "      ~\n");
	n += (size_t)sprintf(expect + n, "   70 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "   80 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "   90 |@%51s\n", "1");
	n += (size_t)sprintf(expect + n, "  100 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, " >100 |@%51s\n", "1");
	n += (size_t)sprintf(expect + n, "\n");
	CHECK_STR(draw(c, lin), expect, "print(@hist_linear(x, 0, 100, 10))");

	/* Linear without under/overflow: those rows are left out. */
	stp_hist_linear_init(&h, 0, 50, 10);
	big = new_stat(r, &h);
	for (i = 0; i < 200; i++)
		stp_stat_add(c, big, 20);
	for (i = 0; i < 75; i++)
		stp_stat_add(c, big, 30);
	/* valmax 200 over width 50: scale 4, count column 3 wide. */
	n = 0;
	n += (size_t)sprintf(expect + n, "value |%s count\n",
			     "--------------------------------------------------");
	n += (size_t)sprintf(expect + n, "    0 |%54s\n", "0");
	n += (size_t)sprintf(expect + n, "   10 |%54s\n", "0");
	n += (size_t)sprintf(expect + n, "   20 |%s%4s\n",
			     "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@", "200");
	n += (size_t)sprintf(expect + n, "   30 |%s%36s\n", "@@@@@@@@@@@@@@@@@@", "75");
	n += (size_t)sprintf(expect + n, "   40 |%54s\n", "0");
	n += (size_t)sprintf(expect + n, "   50 |%54s\n", "0");
	n += (size_t)sprintf(expect + n, "\n");
	CHECK_STR(draw(c, big), expect, "scaled bars (count > HIST_WIDTH)");

	/* Negative values extend a log histogram below zero. */
	stp_hist_log_init(&h);
	neg = new_stat(r, &h);
	stp_stat_add(c, neg, -4);
	stp_stat_add(c, neg, 2);
	n = 0;
	n += (size_t)sprintf(expect + n, "value |%s count\n",
			     "--------------------------------------------------");
	n += (size_t)sprintf(expect + n, "  -16 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "   -8 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "   -4 |@%51s\n", "1");
	n += (size_t)sprintf(expect + n, "   -2 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "   -1 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "    0 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "    1 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "    2 |@%51s\n", "1");
	n += (size_t)sprintf(expect + n, "    4 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "    8 |%52s\n", "0");
	n += (size_t)sprintf(expect + n, "\n");
	CHECK_STR(draw(c, neg), expect, "log histogram with a negative value");

	{
		struct stp_stat *none = new_stat(r, &h);

		test_reset_io();
		CHECK(stp_stat_print_hist(c, &none->h, stp_stat_read(c, none)),
		      "printing an empty histogram is an error");
		CHECK_STR(c->last_error ? c->last_error : "", "empty aggregate",
			  "empty histogram message");
		c->last_error = NULL;
	}
	stp_context_exit(c);
}

int main(void)
{
	struct stp_region *r;

	test_capture();
	r = test_region(4, NULL);
	test_aggregates(r);
	test_buckets();
	test_hist_print(r);
	return UNIT_EXIT();
}
