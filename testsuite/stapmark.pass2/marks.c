// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture for the pass-2 tests: markers with every kind of format the
 * translator types, resolved by process(...).mark(...) probes in
 * testsuite/semok and semko.  It is never run by those tests; its marker
 * table is what they read.  (Run tests use their own programs.)
 */
#include <stddef.h>

#include <stapmark/marker.h>

#define NOINLINE __attribute__((noinline))

NOINLINE void fire_all(int i, const char *s, void *p, size_t z, long long ll, double d)
{
	trace_mark(subsystem_event, "integer %d string %s", i, s);
	trace_mark(subsystem_eventb, MARK_NOARGS);
	trace_mark(fmt_all, "c %c s %s p %p hhd %hhd zu %zu lld %lld f %f", i, s, p, (signed char)i,
		   z, ll, d);
	trace_mark(fmt_star, "w %*d prec %.*s", i, i, i, s);
	trace_mark(fmt_unnamed, "%d,%s", i, s);
	trace_mark(fmt_name_field, "name %s format %d", s, i);
	trace_mark(kv_get_hit, "key %s size %zu", s, z);
	trace_mark(kv_get_miss, "key %s", s);
	trace_mark(kv_set, "key %s size %zu replaced %d", s, z, i);
}

NOINLINE void helper_function(void)
{
	trace_mark(in_helper, "depth %u", 3u);
}

int main(int argc, char **argv)
{
	if (argc > 5)
		fire_all(argc, argv[0], argv, (size_t)argc, argc, argc);
	helper_function();
	return 0;
}
