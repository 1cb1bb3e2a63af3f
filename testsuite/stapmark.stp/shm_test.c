// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shared-memory constraint: script state built through one mapping of
 * a memfd is read and written through another mapping at a different
 * address, in this process and in forked processes that map it afresh;
 * locks and statistics work across processes.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "stp_test.h"

/* What generated code would keep at the region's root. */
struct globals {
	stp_host_rwlock_t lock_a, lock_s;
	stp_off_t a; /* a[string, long] = long */
	stp_off_t s; /* s[long] <<< ... */
	stp_off_t x; /* x <<< ... (hist_log) */
	int64_t n;
	char str[MAXSTRINGLEN];
};

static struct globals *setup(struct stp_region *r)
{
	struct globals *g = stp_ptr(r, stp_region_set_root(r, sizeof(*g)));
	struct stp_map_desc da = {
		.name = "a", .nkeys = 2, .key_types = {STP_STRING, STP_LONG}, .val_type = STP_LONG};
	struct stp_map_desc ds = {
		.name = "s", .nkeys = 1, .key_types = {STP_LONG}, .val_type = STP_STAT};
	struct stp_hist_desc h;

	stp_lock_init(&g->lock_a);
	stp_lock_init(&g->lock_s);
	stp_hist_log_init(&ds.h);
	g->a = stp_map_new(r, &da);
	g->s = stp_map_new(r, &ds);
	stp_hist_log_init(&h);
	g->x = stp_stat_new(r, &h);
	return g;
}

/* A handler as generated code would run it, through region r. */
static void hit(struct stp_region *r, const char *who, int64_t v)
{
	struct globals *g = stp_region_root(r);
	struct stp_lockreq locks[2] = {{&g->lock_a, 1}, {&g->lock_s, 0}};
	struct stp_context *c = stp_context_enter(r, "hit", STP_SESSION_RUNNING);
	union stp_val k[2] = {STP_S(who), STP_N(v % 3)};

	if (!c)
		return;
	/* The test wants every hit counted: retry, and do not let the
	 * retries count towards MAXSKIPPED. */
	while (stp_lock_globals(c, locks, 2))
		__atomic_sub_fetch(&r->skipped_count, 1, __ATOMIC_RELAXED);
	stp_map_add_n(c, stp_ptr(r, g->a), k, 1, NULL);
	stp_map_stat_add(c, stp_ptr(r, g->s), &k[1], v);
	stp_stat_add(c, stp_ptr(r, g->x), v);
	g->n += v;
	stp_unlock_globals(c, locks, 2);
	stp_context_exit(c);
}

static int child(int fd, int id, int count)
{
	/* A fresh mapping: another address than the parent's views. */
	void *base = stp_user_map(fd, REGION_SIZE);
	struct stp_region *r = stp_region_attach(base, REGION_SIZE);
	char who[16];
	int i;

	if (!r)
		return 3;
	snprintf(who, sizeof(who), "child%d", id);
	for (i = 0; i < count; i++)
		hit(r, who, i);
	stp_user_unmap(base, REGION_SIZE);
	return 0;
}

int main(void)
{
	int fd, i, status, ok = 1;
	struct stp_region *ra = test_region(4, &fd), *rb;
	void *base_b = stp_user_map(fd, REGION_SIZE);
	struct globals *ga, *gb;
	struct stp_context *c;
	union stp_val k[2];
	pid_t pids[2];
	const struct stp_stat_data *d;
	int64_t v;

	test_capture();
	CHECK(base_b != NULL && base_b != (void *)ra, "second mapping at another address");
	rb = stp_region_attach(base_b, REGION_SIZE);
	CHECK(rb != NULL, "attach through the second mapping");
	CHECK(stp_region_attach((char *)base_b + 4096, REGION_SIZE - 4096) == NULL,
	      "attach refuses memory without a region");
	ga = setup(ra);
	gb = stp_region_root(rb);
	CHECK((char *)gb - (char *)rb == (char *)ga - (char *)ra && (void *)gb != (void *)ga,
	      "root found at the same offset");

	/* Write through view A, read through view B, and back. */
	for (i = 0; i < 300; i++)
		hit(ra, "parent", i);
	strcpy(ga->str, "shared string");
	c = test_enter(rb);
	k[0] = STP_S("parent");
	k[1] = STP_N(1);
	CHECK_EQ(stp_map_get_n(c, stp_ptr(rb, gb->a), k), 100, "map element read through view B");
	d = stp_map_stat_read(c, stp_ptr(rb, gb->s), &k[1]);
	stp_stat_extract(c, d, STP_STAT_COUNT, &v);
	CHECK_EQ(v, 100, "statistics array read through view B");
	d = stp_stat_read(c, stp_ptr(rb, gb->x));
	stp_stat_extract(c, d, STP_STAT_SUM, &v);
	CHECK_EQ(v, 299 * 300 / 2, "statistic read through view B");
	CHECK_STR(gb->str, "shared string", "string global through view B");
	k[0] = STP_S("viewB");
	stp_map_set_n(c, stp_ptr(rb, gb->a), k, 77);
	stp_context_exit(c);
	c = test_enter(ra);
	CHECK_EQ(stp_map_get_n(c, stp_ptr(ra, ga->a), k), 77, "written through B, read through A");
	stp_context_exit(c);

	/* Two processes with their own mappings, writing at the same time as
	 * this one. */
	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(child(fd, i, 3000));
	}
	for (i = 0; i < 3000; i++)
		hit(rb, "parent2", i);
	for (i = 0; i < 2; i++) {
		waitpid(pids[i], &status, 0);
		ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	CHECK(ok, "children ran");
	c = test_enter(ra);
	d = stp_stat_read(c, stp_ptr(ra, ga->x));
	stp_stat_extract(c, d, STP_STAT_COUNT, &v);
	CHECK_EQ(v, 300 + 3 * 3000, "every process's hits counted in the statistic");
	CHECK_EQ(ga->n, 299 * 300 / 2 + 3 * (2999LL * 3000 / 2), "scalar global under the lock");
	k[0] = STP_S("child1");
	k[1] = STP_N(2);
	CHECK_EQ(stp_map_get_n(c, stp_ptr(ra, ga->a), k), 1000, "a child's map element");
	{
		struct stp_iter it;
		struct stp_map *s = stp_ptr(ra, ga->s);
		struct stp_mnode *e;
		int64_t total = 0;

		stp_map_iter_start(c, &it, s, 1, 1, STP_STAT_COUNT, -1);
		while ((e = stp_map_iter_next(&it)))
			total += stp_mnode_stat(s, e)->count;
		stp_map_iter_end(&it);
		CHECK_EQ(total, 300 + 3 * 3000,
			 "foreach over statistics aggregated from all slots");
	}
	stp_context_exit(c);
	CHECK(test_msglen == 0, "no runtime errors (%s)", test_msg);
	return UNIT_EXIT();
}
