// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Limits and runtime errors, with the runtime built from source together
 * with this test under -D overrides (as pass 4 builds it for a script run
 * with -D): MAXACTION, MAXERRORS, MAXSKIPPED, MAXNESTING, MAXMAPENTRIES,
 * MAXSTRINGLEN, MAXTRYLOCK; division by zero; the "ERROR: ... near ..."
 * reports and the end-of-run summary.
 */
#include "stp_test.h"

static void test_maxaction(struct stp_region *r)
{
	struct stp_context *c = test_enter(r);
	int n = 0;

	stp_set_stmt(c, "identifier 'i' at t.stp:2:10");
	while (!stp_action(c, 1))
		n++;
	CHECK_EQ(n, MAXACTION - 1, "runaway loop stopped by MAXACTION");
	stp_context_exit(c);
	CHECK_STR(test_msg, "ERROR: MAXACTION exceeded near identifier 'i' at t.stp:2:10\n",
		  "MAXACTION report");
	c = test_enter(r);
	CHECK(!stp_action(c, MAXACTION - 1), "each hit gets a fresh budget");
	stp_context_exit(c);
}

static void test_division(struct stp_region *r)
{
	struct stp_context *c = test_enter(r);
	int64_t q = 0;

	CHECK(!stp_div(c, 7, -2, &q) && q == -3, "7 / -2");
	CHECK(!stp_mod(c, 7, -2, &q) && q == 1, "7 %% -2");
	CHECK(!stp_div(c, INT64_MIN, -1, &q) && q == INT64_MIN, "INT64_MIN / -1 wraps");
	CHECK(!stp_mod(c, INT64_MIN, -1, &q) && q == 0, "INT64_MIN %% -1");
	test_reset_io();
	stp_print_s(c, "before\n");
	stp_set_stmt(c, "operator '/' at t.stp:3:9");
	CHECK(stp_div(c, 1, 0, &q), "division by zero fails");
	CHECK(stp_mod(c, 1, 0, &q), "modulo by zero fails");
	stp_context_exit(c);
	CHECK_STR(test_msg, "ERROR: division by 0 near operator '/' at t.stp:3:9\n",
		  "division report: the first error wins");
	CHECK_STR(test_out, "before\n", "output before the error is kept");
}

static void test_maxerrors(struct stp_region *r)
{
	char sum[128];
	int i;

	/* Two errors so far (MAXACTION, division); MAXERRORS is 2. */
	CHECK_EQ(stp_session_errors(r), 2, "errors counted");
	CHECK_EQ(stp_session_state(r), STP_SESSION_RUNNING, "MAXERRORS errors tolerated");
	for (i = 0; i < 1; i++) {
		struct stp_context *c = test_enter(r);

		stp_error(c, NULL, "third");
		stp_context_exit(c);
	}
	CHECK_EQ(stp_session_state(r), STP_SESSION_STOPPING, "one error more stops the session");
	CHECK(test_exit_requests == 1, "host told to exit");
	CHECK(stp_context_enter(r, "x", STP_SESSION_RUNNING) == NULL,
	      "ordinary probes do not run while stopping");
	CHECK(stp_context_enter(r, "end", STP_SESSION_STOPPING) != NULL, "end probes do");
	stp_context_exit(stp_host_context());
	stp_session_summary(r, sum, sizeof(sum));
	CHECK_STR(sum, "WARNING: Number of errors: 3, skipped probes: 0\n", "summary line");
}

static void test_skips_and_locks(struct stp_region *r)
{
	stp_off_t loff = stp_region_alloc(r, sizeof(stp_host_rwlock_t), 64);
	struct stp_lockreq rd = {stp_ptr(r, loff), 0}, wr = {stp_ptr(r, loff), 1};
	struct stp_context *c;
	int i;

	stp_lock_init(rd.lock);
	test_reset_io();
	c = test_enter(r);
	CHECK(stp_context_enter(r, "nested", STP_SESSION_RUNNING) == NULL,
	      "a hit inside a running handler is skipped");
	CHECK_EQ(stp_session_skipped(r), 1, "and counted");
	CHECK(!stp_lock_globals(c, &rd, 1), "read lock");
	CHECK(!stp_lock_globals(c, &rd, 1), "read locks share");
	stp_unlock_globals(c, &rd, 1);
	CHECK(stp_lock_globals(c, &wr, 1), "write lock excluded by a reader: skipped");
	CHECK_EQ(stp_session_skipped(r), 2, "lock timeout counted as a skip");
	stp_unlock_globals(c, &rd, 1);
	CHECK(!stp_lock_globals(c, &wr, 1), "write lock once free");
	stp_unlock_globals(c, &wr, 1);
	for (i = 0; i < MAXSKIPPED - 2; i++)
		stp_context_enter(r, "nested", STP_SESSION_RUNNING);
	CHECK_EQ(stp_session_state(r), STP_SESSION_RUNNING, "MAXSKIPPED skips tolerated");
	stp_context_enter(r, "nested", STP_SESSION_RUNNING);
	CHECK_EQ(stp_session_state(r), STP_SESSION_STOPPING, "one skip more stops the session");
	CHECK(strstr(test_msg, "ERROR: Skipped too many probes, check MAXSKIPPED") != NULL,
	      "skip limit message");
	stp_context_exit(c);
}

static void test_nesting_and_sizes(struct stp_region *r)
{
	struct stp_context *c = test_enter(r);
	struct stp_map_desc d = {
		.name = "m", .nkeys = 1, .key_types = {STP_STRING}, .val_type = STP_STRING};
	struct stp_map *m = stp_ptr(r, stp_map_new(r, &d));
	char buf[MAXSTRINGLEN], key[8];
	union stp_val k[1];
	int i;

	for (i = 0; i < MAXNESTING; i++)
		CHECK(!stp_nesting_enter(c), "function call depth %d", i + 1);
	CHECK(stp_nesting_enter(c), "one call deeper than MAXNESTING fails");
	CHECK_STR(c->last_error ? c->last_error : "", "MAXNESTING exceeded", "nesting message");
	c->last_error = NULL;
	while (c->nesting)
		stp_nesting_exit(c);

	for (i = 0; i < MAXMAPENTRIES; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		k[0] = STP_S(key);
		stp_map_set_s(c, m, k, "v");
	}
	CHECK(!stp_has_error(c) && stp_map_size(m) == MAXMAPENTRIES, "-DMAXMAPENTRIES=%d holds",
	      MAXMAPENTRIES);
	k[0] = STP_S("one more");
	CHECK(stp_map_set_s(c, m, k, "v"), "-DMAXMAPENTRIES bounds arrays");
	c->last_error = NULL;
	stp_map_clear(r, m);
	k[0] = STP_S("a key that is much longer than MAXSTRINGLEN bytes allows");
	stp_map_set_s(c, m, k, "a value that is much longer than MAXSTRINGLEN bytes allows");
	CHECK_EQ(strlen(stp_map_get_s(c, m, k)), MAXSTRINGLEN - 1, "string values bounded");
	k[0] = STP_S("a key that is much longer than MAXSTRINGLEN bytes, same prefix");
	CHECK(stp_map_exists(c, m, k), "string keys compared within MAXSTRINGLEN");
	stp_sprintf(c, buf, "%s%s",
		    (union stp_val[]){STP_S("0123456789abcdef"), STP_S("0123456789abcdef0123")}, 2);
	CHECK_EQ(strlen(buf), MAXSTRINGLEN - 1, "sprintf bounded by MAXSTRINGLEN");
	stp_context_exit(c);
}

int main(void)
{
	struct stp_region *r;

	test_capture();
	r = test_region(2, NULL);
	CHECK(MAXACTION == 50 && MAXERRORS == 2 && MAXSKIPPED == 3 && MAXSTRINGLEN == 32 &&
		      MAXMAPENTRIES == 8 && MAXNESTING == 3,
	      "-D overrides reach the runtime");
	CHECK(stp_context_enter(r, "begin", STP_SESSION_STARTING) == NULL &&
		      stp_session_skipped(r) == 0,
	      "a probe for another session state does not run and is not a skip");
	test_maxaction(r);
	test_reset_io();
	test_division(r);
	test_maxerrors(r);
	stp_session_set_state(r, STP_SESSION_RUNNING);
	test_skips_and_locks(r);
	stp_session_set_state(r, STP_SESSION_RUNNING);
	test_nesting_and_sizes(r);
	return UNIT_EXIT();
}
