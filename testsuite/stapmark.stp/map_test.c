// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Associative arrays: get/set/exists/delete, MAXMAPENTRIES and declared
 * sizes (overflow errors with stap's wording), wrapping '%' arrays,
 * multi-key arrays, string values, foreach sorted by key or value in both
 * directions with limit, statistics arrays.
 */
#include "stp_test.h"

static struct stp_map *new_map(struct stp_region *r, const char *name, int nkeys, const uint8_t *kt,
			       int vt, uint32_t max, int wrap)
{
	struct stp_map_desc d = {0};
	stp_off_t off;

	d.name = name;
	d.nkeys = nkeys;
	memcpy(d.key_types, kt, (size_t)nkeys);
	d.val_type = (uint8_t)vt;
	d.max_entries = max;
	d.wrap = wrap;
	stp_hist_log_init(&d.h);
	off = stp_map_new(r, &d);
	if (!off) {
		fprintf(stderr, "stp_map_new failed\n");
		exit(2);
	}
	return stp_ptr(r, off);
}

static const uint8_t L1[] = {STP_LONG};
static const uint8_t S1[] = {STP_STRING};

static void test_basic(struct stp_region *r)
{
	struct stp_context *c = test_enter(r);
	struct stp_map *m = new_map(r, "a", 1, L1, STP_LONG, 0, 0);
	union stp_val k[1];
	int64_t v, i, bad = 0;

	k[0] = STP_N(5);
	CHECK_EQ(stp_map_get_n(c, m, k), 0, "missing key reads 0");
	CHECK(!stp_map_exists(c, m, k), "missing key not in array");
	CHECK_EQ(stp_map_size(m), 0, "reading does not create");
	CHECK(!stp_map_set_n(c, m, k, 42), "set");
	CHECK_EQ(stp_map_get_n(c, m, k), 42, "get after set");
	CHECK(stp_map_exists(c, m, k), "key in array");
	CHECK(!stp_map_set_n(c, m, k, 0), "set to 0");
	CHECK(stp_map_exists(c, m, k), "an element set to 0 stays in the array");
	CHECK(!stp_map_add_n(c, m, k, 3, &v) && v == 3, "a[k] += 3");
	stp_map_delete(c, m, k);
	CHECK(!stp_map_exists(c, m, k), "delete a[k]");
	stp_map_delete(c, m, k);
	CHECK_EQ(stp_map_size(m), 0, "delete of a missing key is harmless");

	/* MAXMAPENTRIES distinct keys fit, one more is an error. */
	for (i = 0; i < MAXMAPENTRIES; i++) {
		k[0] = STP_N(i * 7919);
		if (stp_map_set_n(c, m, k, i))
			bad++;
	}
	CHECK(bad == 0 && !stp_has_error(c), "%d entries fit", MAXMAPENTRIES);
	CHECK_EQ(stp_map_size(m), MAXMAPENTRIES, "size after filling");
	for (i = 0; i < MAXMAPENTRIES; i++) {
		k[0] = STP_N(i * 7919);
		if (stp_map_get_n(c, m, k) != i)
			bad++;
	}
	CHECK(bad == 0, "every entry reads back");
	k[0] = STP_N(3);
	CHECK(!stp_map_set_n(c, m, k - 0, 1) == 0, "one more entry fails");
	CHECK_STR(c->last_error ? c->last_error : "", "Array overflow, check MAXMAPENTRIES",
		  "overflow message");
	c->last_error = NULL;
	k[0] = STP_N(7919);
	CHECK(!stp_map_set_n(c, m, k, -1), "updating an existing key still works when full");
	stp_map_delete(c, m, k);
	k[0] = STP_N(3);
	CHECK(!stp_map_set_n(c, m, k, 1), "a deleted entry makes room");
	stp_map_clear(r, m);
	CHECK_EQ(stp_map_size(m), 0, "delete a");
	CHECK(!stp_map_exists(c, m, k), "nothing left after delete a");
	CHECK(!stp_map_set_n(c, m, k, 9) && stp_map_get_n(c, m, k) == 9, "reuse after delete a");
	stp_context_exit(c);
	test_reset_io();
}

static void test_sized_and_wrap(struct stp_region *r)
{
	struct stp_context *c = test_enter(r);
	struct stp_map *m = new_map(r, "b", 1, L1, STP_LONG, 10, 0);
	struct stp_map *w = new_map(r, "w", 1, L1, STP_LONG, 4, 1);
	union stp_val k[1];
	int i, ok = 1;

	for (i = 0; i < 10; i++) {
		k[0] = STP_N(i);
		ok &= !stp_map_set_n(c, m, k, i);
	}
	CHECK(ok, "declared size 10 holds 10");
	k[0] = STP_N(10);
	CHECK(stp_map_set_n(c, m, k, 1), "11th entry of global b[10] fails");
	CHECK_STR(c->last_error ? c->last_error : "", "Array overflow, check size limit (10)",
		  "overflow message for a declared size");
	c->last_error = NULL;

	for (i = 0; i < 7; i++) {
		k[0] = STP_N(i);
		ok &= !stp_map_set_n(c, w, k, i * 10);
	}
	CHECK(ok && !stp_has_error(c), "wrapping array never overflows");
	CHECK_EQ(stp_map_size(w), 4, "wrapping array keeps its size");
	k[0] = STP_N(2);
	CHECK(!stp_map_exists(c, w, k), "oldest entries evicted");
	k[0] = STP_N(3);
	CHECK(stp_map_exists(c, w, k) && stp_map_get_n(c, w, k) == 30, "newest entries kept");
	stp_context_exit(c);
}

static const char *iter_keys(struct stp_context *c, struct stp_map *m, int sort_by, int dir,
			     int64_t limit, char *buf, size_t size)
{
	struct stp_iter it;
	struct stp_mnode *e;
	size_t len = 0;

	buf[0] = '\0';
	if (stp_map_iter_start(c, &it, m, sort_by, dir, STP_STAT_COUNT, limit))
		return "error";
	while ((e = stp_map_iter_next(&it))) {
		if (m->key_types[0] == STP_STRING)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "," : "",
						stp_mnode_key_s(m, e, 0));
		else
			len += (size_t)snprintf(buf + len, size - len, "%s%lld", len ? "," : "",
						(long long)stp_mnode_key_n(m, e, 0));
	}
	stp_map_iter_end(&it);
	return buf;
}

static void test_foreach(struct stp_region *r)
{
	struct stp_context *c = test_enter(r);
	struct stp_map *m = new_map(r, "f", 1, L1, STP_LONG, 0, 0);
	struct stp_map *s = new_map(r, "g", 1, S1, STP_STRING, 0, 0);
	static const int64_t keys[] = {30, 10, 50, 20, 40};
	static const int64_t vals[] = {3, 5, 1, 5, 2};
	static const char *names[] = {"pear", "apple", "fig", "kiwi"};
	static const char *svals[] = {"b", "d", "a", "c"};
	char buf[256];
	union stp_val k[1];
	int i;

	for (i = 0; i < 5; i++) {
		k[0] = STP_N(keys[i]);
		stp_map_set_n(c, m, k, vals[i]);
	}
	CHECK_STR(iter_keys(c, m, 0, 0, -1, buf, sizeof(buf)), "30,10,50,20,40",
		  "unsorted foreach: insertion order");
	CHECK_STR(iter_keys(c, m, 1, 1, -1, buf, sizeof(buf)), "10,20,30,40,50",
		  "foreach (k+ in a)");
	CHECK_STR(iter_keys(c, m, 1, -1, -1, buf, sizeof(buf)), "50,40,30,20,10",
		  "foreach (k- in a)");
	CHECK_STR(iter_keys(c, m, 0, 1, -1, buf, sizeof(buf)), "50,40,30,10,20",
		  "foreach (k in a+): ties keep insertion order");
	CHECK_STR(iter_keys(c, m, 0, -1, -1, buf, sizeof(buf)), "10,20,30,40,50",
		  "foreach (k in a-)");
	CHECK_STR(iter_keys(c, m, 0, -1, 2, buf, sizeof(buf)), "10,20",
		  "foreach (k in a- limit 2)");
	CHECK_STR(iter_keys(c, m, 1, 1, 0, buf, sizeof(buf)), "", "limit 0");
	CHECK_STR(iter_keys(c, m, 1, 1, 99, buf, sizeof(buf)), "10,20,30,40,50",
		  "limit above the size");

	for (i = 0; i < 4; i++) {
		k[0] = STP_S(names[i]);
		stp_map_set_s(c, s, k, svals[i]);
	}
	k[0] = STP_S("kiwi");
	CHECK_STR(stp_map_get_s(c, s, k), "c", "string value");
	k[0] = STP_S("none");
	CHECK_STR(stp_map_get_s(c, s, k), "", "missing string value is empty");
	CHECK_STR(iter_keys(c, s, 1, 1, -1, buf, sizeof(buf)), "apple,fig,kiwi,pear",
		  "string keys ascending");
	CHECK_STR(iter_keys(c, s, 1, -1, -1, buf, sizeof(buf)), "pear,kiwi,fig,apple",
		  "string keys descending");
	CHECK_STR(iter_keys(c, s, 0, 1, -1, buf, sizeof(buf)), "fig,pear,kiwi,apple",
		  "sorted by string value");
	stp_context_exit(c);
}

static void test_multikey(struct stp_region *r)
{
	static const uint8_t kt[3] = {STP_STRING, STP_LONG, STP_STRING};
	static const uint8_t k9t[9] = {STP_LONG,   STP_STRING, STP_LONG,   STP_STRING, STP_LONG,
				       STP_STRING, STP_LONG,   STP_STRING, STP_LONG};
	struct stp_context *c = test_enter(r);
	struct stp_map *m = new_map(r, "mk", 3, kt, STP_LONG, 0, 0);
	struct stp_map *m9 = new_map(r, "m9", 9, k9t, STP_STRING, 0, 0);
	union stp_val k[9];
	struct stp_iter it;
	struct stp_mnode *e;
	char buf[512];
	size_t len = 0;
	int64_t v;
	int i;

	for (i = 0; i < 6; i++) {
		k[0] = STP_S(i % 2 ? "read" : "write");
		k[1] = STP_N(i / 2);
		k[2] = STP_S("x");
		stp_map_add_n(c, m, k, i + 1, NULL);
	}
	k[0] = STP_S("read");
	k[1] = STP_N(1);
	k[2] = STP_S("x");
	CHECK_EQ(stp_map_get_n(c, m, k), 4, "three keys: lookup");
	k[2] = STP_S("y");
	CHECK(!stp_map_exists(c, m, k), "three keys: a differing key is another element");
	/* Sort by the second key descending; ties (same number) keep order. */
	stp_map_iter_start(c, &it, m, 2, -1, 0, -1);
	while ((e = stp_map_iter_next(&it)))
		len += (size_t)snprintf(
			buf + len, sizeof(buf) - len, "%s/%lld=%lld ", stp_mnode_key_s(m, e, 0),
			(long long)stp_mnode_key_n(m, e, 1), (long long)stp_mnode_val_n(m, e));
	stp_map_iter_end(&it);
	CHECK_STR(buf, "write/2=5 read/2=6 write/1=3 read/1=4 write/0=1 read/0=2 ",
		  "foreach ([a, b-, c] in m)");

	for (i = 0; i < 9; i++)
		k[i] = i % 2 ? STP_S("key") : STP_N(i);
	CHECK(!stp_map_set_s(c, m9, k, "nine"), "nine keys: set");
	CHECK_STR(stp_map_get_s(c, m9, k), "nine", "nine keys: get");
	k[8] = STP_N(100);
	CHECK_STR(stp_map_get_s(c, m9, k), "", "nine keys: last key matters");
	(void)v;
	stp_context_exit(c);
}

static void test_stat_map(struct stp_region *r)
{
	struct stp_context *c = test_enter(r);
	struct stp_map *m = new_map(r, "s", 1, S1, STP_STAT, 0, 0);
	const struct stp_stat_data *d;
	union stp_val k[1];
	char buf[256];
	int64_t v;
	int i;

	for (i = 1; i <= 10; i++) {
		k[0] = STP_S(i <= 6 ? "get" : i <= 9 ? "put" : "del");
		stp_map_stat_add(c, m, k, i * 100);
	}
	k[0] = STP_S("put");
	d = stp_map_stat_read(c, m, k);
	stp_stat_extract(c, d, STP_STAT_COUNT, &v);
	CHECK_EQ(v, 3, "@count(s[\"put\"])");
	stp_stat_extract(c, d, STP_STAT_SUM, &v);
	CHECK_EQ(v, 2400, "@sum(s[\"put\"])");
	stp_stat_extract(c, d, STP_STAT_AVG, &v);
	CHECK_EQ(v, 800, "@avg(s[\"put\"])");
	CHECK(stp_map_exists(c, m, k), "put in s");
	k[0] = STP_S("none");
	d = stp_map_stat_read(c, m, k);
	CHECK(!stp_stat_extract(c, d, STP_STAT_COUNT, &v) && v == 0,
	      "@count of a missing key is 0");
	CHECK(stp_stat_extract(c, d, STP_STAT_MIN, &v), "@min of a missing key fails");
	CHECK_STR(c->last_error ? c->last_error : "", "empty aggregate", "empty aggregate message");
	c->last_error = NULL;
	CHECK_STR(iter_keys(c, m, 0, -1, -1, buf, sizeof(buf)), "get,put,del",
		  "foreach (k in s-): by @count");
	{
		struct stp_iter it;
		struct stp_mnode *e;
		size_t len = 0;

		stp_map_iter_start(c, &it, m, 0, -1, STP_STAT_SUM, -1);
		while ((e = stp_map_iter_next(&it)))
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s:%lld ",
						stp_mnode_key_s(m, e, 0),
						(long long)stp_mnode_stat(m, e)->sum);
		stp_map_iter_end(&it);
		CHECK_STR(buf, "put:2400 get:2100 del:1000 ", "foreach (k in s @sum -)");
	}
	k[0] = STP_S("get");
	stp_map_delete(c, m, k);
	CHECK(!stp_map_exists(c, m, k), "delete s[k]");
	stp_map_clear(r, m);
	k[0] = STP_S("put");
	CHECK(!stp_map_exists(c, m, k), "delete s");
	stp_context_exit(c);
}

int main(void)
{
	struct stp_region *r;

	test_capture();
	r = test_region(4, NULL);
	test_basic(r);
	test_sized_and_wrap(r);
	test_foreach(r);
	test_multikey(r);
	test_stat_map(r);
	return UNIT_EXIT();
}
