// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Threads running handlers at once: statistics accumulated per slot with
 * only the global's read lock, a map written under the write lock, a
 * wrapping map, output records never interleaved; then the combined
 * results are exact.  Built plain, with ASan+UBSan and with TSan.
 */
#include "stp_test.h"

#define THREADS 4
#define HITS 20000

struct globals {
	stp_host_rwlock_t lock_m, lock_s;
	stp_off_t m, s, w;
};

static struct stp_region *r;
static struct globals *g;
static int64_t done[THREADS];

static void *worker(void *arg)
{
	long id = (long)arg;
	int i;

	for (i = 0; i < HITS; i++) {
		struct stp_context *c = stp_context_enter(r, "thread", STP_SESSION_RUNNING);
		struct stp_lockreq locks[2] = {{&g->lock_m, 1}, {&g->lock_s, 0}};
		union stp_val k[1] = {STP_N(i % 16)};

		if (!c)
			continue;
		if (stp_lock_globals(c, locks, 2)) {
			stp_context_exit(c);
			continue;
		}
		stp_map_add_n(c, stp_ptr(r, g->m), k, 1, NULL);
		k[0] = STP_N(id * HITS + i);
		stp_map_set_n(c, stp_ptr(r, g->w), k, i);
		k[0] = STP_N(id);
		stp_map_stat_add(c, stp_ptr(r, g->s), k, i);
		if (i % 1000 == 0)
			stp_printf(c, "thread %d hit %d\n", (union stp_val[]){STP_N(id), STP_N(i)},
				   2);
		stp_unlock_globals(c, locks, 2);
		stp_context_exit(c);
		done[id]++;
	}
	return NULL;
}

int main(void)
{
	struct stp_map_desc dm = {
		.name = "m", .nkeys = 1, .key_types = {STP_LONG}, .val_type = STP_LONG};
	struct stp_map_desc dw = {.name = "w",
				  .nkeys = 1,
				  .key_types = {STP_LONG},
				  .val_type = STP_LONG,
				  .max_entries = 100,
				  .wrap = 1};
	struct stp_map_desc ds = {
		.name = "s", .nkeys = 1, .key_types = {STP_LONG}, .val_type = STP_STAT};
	pthread_t th[THREADS];
	struct stp_context *c;
	struct stp_iter it;
	struct stp_mnode *e;
	int64_t total = 0, hits = 0, sum = 0, v;
	long i;
	char *p;
	int lines = 0, bad = 0;

	test_capture();
	r = test_region(THREADS, NULL);
	g = stp_ptr(r, stp_region_set_root(r, sizeof(*g)));
	stp_lock_init(&g->lock_m);
	stp_lock_init(&g->lock_s);
	stp_hist_log_init(&ds.h);
	g->m = stp_map_new(r, &dm);
	g->w = stp_map_new(r, &dw);
	g->s = stp_map_new(r, &ds);
	for (i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < THREADS; i++)
		hits += done[i];
	CHECK(hits > 0, "threads ran %lld hits (%lld skipped)", (long long)hits,
	      (long long)stp_session_skipped(r));

	c = test_enter(r);
	stp_map_iter_start(c, &it, stp_ptr(r, g->m), 0, 0, 0, -1);
	while ((e = stp_map_iter_next(&it)))
		total += stp_mnode_val_n(stp_ptr(r, g->m), e);
	stp_map_iter_end(&it);
	CHECK_EQ(total, hits, "map increments under the write lock all counted");
	CHECK_EQ(stp_map_size(stp_ptr(r, g->w)), 100, "wrapping map full, not overflowing");
	for (i = 0; i < THREADS; i++) {
		union stp_val k[1] = {STP_N(i)};

		stp_stat_extract(c, stp_map_stat_read(c, stp_ptr(r, g->s), k), STP_STAT_COUNT, &v);
		sum += v;
	}
	CHECK_EQ(sum, hits, "per-slot statistics combine to every hit");
	stp_context_exit(c);
	for (p = test_out; *p; p = strchr(p, '\n') + 1) {
		int t, h;

		lines++;
		if (sscanf(p, "thread %d hit %d\n", &t, &h) != 2 || h % 1000)
			bad++;
	}
	CHECK(lines > 0 && !bad, "%d output lines, none interleaved", lines);
	CHECK(test_msglen == 0 || strstr(test_msg, "ERROR") == NULL, "no runtime errors");
	return UNIT_EXIT();
}
