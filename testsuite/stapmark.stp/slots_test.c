// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Statistics slots: the first threads to add own a slot each, later ones
 * share the last slot; with no_concurrent_read an owner adds without the
 * slot's lock, everyone else takes it, and the combined results are exact.
 * A forked child claims a slot of its own instead of its parent's.
 * Built plain, with ASan+UBSan and with TSan (which would report two
 * threads adding into one slot without its lock).
 */
#include <sys/wait.h>
#include <unistd.h>

#include "stp_test.h"

#define OWNED 2 /* slots threads may own; the region gets one more, shared */
#define THREADS 5
#define HITS 20000

struct globals {
	stp_off_t map, scalar;
};

static struct stp_region *r;
static struct globals *g;
static int owned[THREADS];
static unsigned int slot_of[THREADS];

static void *worker(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < HITS; i++) {
		struct stp_context *c = stp_context_enter(r, "thread", STP_SESSION_RUNNING);
		union stp_val k[1] = {STP_S(i % 2 ? "odd" : "even")};

		if (!c)
			continue;
		stp_map_stat_add(c, stp_ptr(r, g->map), k, 1);
		stp_stat_add(c, stp_ptr(r, g->scalar), i);
		owned[id] = c->slot_owned;
		slot_of[id] = c->slot;
		stp_context_exit(c);
	}
	return NULL;
}

static int64_t count_of(struct stp_context *c, const char *key)
{
	union stp_val k[1] = {STP_S(key)};
	int64_t v = -1;

	stp_stat_extract(c, stp_map_stat_read(c, stp_ptr(r, g->map), k), STP_STAT_COUNT, &v);
	return v;
}

static void threads(void)
{
	pthread_t th[THREADS];
	int nowned = 0, shared_ok = 1;
	int64_t count = -1, sum = -1;
	struct stp_context *c;

	for (long i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	for (long i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < THREADS; i++) {
		nowned += owned[i];
		if (!owned[i] && slot_of[i] != OWNED)
			shared_ok = 0;
	}
	CHECK_EQ(r->nslots, (uint32_t)OWNED + 1,
		 "the region has a shared slot after the owned ones");
	CHECK_EQ(nowned, OWNED, "as many threads own a slot as there are slots to own");
	CHECK(shared_ok, "the other threads share the last slot");
	CHECK(slot_of[0] != slot_of[1] || !owned[0] || !owned[1], "no two owners of one slot");

	c = test_enter(r);
	CHECK_EQ(count_of(c, "even") + count_of(c, "odd"), (int64_t)THREADS * HITS,
		 "every add counted, owned and shared slots combined");
	const struct stp_stat_data *d = stp_stat_read(c, stp_ptr(r, g->scalar));

	stp_stat_extract(c, d, STP_STAT_COUNT, &count);
	stp_stat_extract(c, d, STP_STAT_SUM, &sum);
	CHECK_EQ(count, (int64_t)THREADS * HITS, "the scalar statistic counted every add");
	CHECK_EQ(sum, (int64_t)THREADS * HITS * (HITS - 1) / 2, "and summed every value");
	stp_context_exit(c);
}

/* In a fresh region: the parent owns slot 0; its forked child must not add
 * into it unlocked. */
static void fork_child(void)
{
	struct stp_context *c = test_enter(r);
	union stp_val k[1] = {STP_S("fork")};
	unsigned int parent_slot;
	int status = -1;

	stp_map_stat_add(c, stp_ptr(r, g->map), k, 1);
	parent_slot = c->slot;
	stp_context_exit(c);
	pid_t pid = fork();

	if (pid == 0) {
		c = stp_context_enter(r, "child", STP_SESSION_RUNNING);
		if (!c)
			_exit(3);
		stp_map_stat_add(c, stp_ptr(r, g->map), k, 1);
		_exit(c->slot == parent_slot ? 1 : c->slot_owned ? 0 : 2);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a forked child owns a slot of its own (status %d)", status);
	c = test_enter(r);
	CHECK_EQ(count_of(c, "fork"), (int64_t)2, "parent and child adds both counted");
	CHECK_EQ(c->slot, parent_slot, "the parent keeps its slot");
	stp_context_exit(c);
}

static void setup(void)
{
	struct stp_map_desc dm = {
		.name = "s", .nkeys = 1, .key_types = {STP_STRING}, .val_type = STP_STAT};
	struct stp_hist_desc h;

	r = test_region(OWNED, NULL);
	g = stp_ptr(r, stp_region_set_root(r, sizeof(*g)));
	stp_hist_none_init(&dm.h);
	dm.h.no_concurrent_read = 1;
	g->map = stp_map_new(r, &dm);
	stp_hist_log_init(&h);
	h.no_concurrent_read = 1;
	g->scalar = stp_stat_new(r, &h);
	if (!g->map || !g->scalar) {
		fprintf(stderr, "cannot create the statistics\n");
		exit(2);
	}
}

int main(void)
{
	test_capture();
	setup();
	fork_child();
	setup();
	threads();
	CHECK(test_msglen == 0 || strstr(test_msg, "ERROR") == NULL, "no runtime errors");
	return UNIT_EXIT();
}
