// SPDX-License-Identifier: GPL-2.0-or-later
/* Marker sites of every shape, compiled by compile.exp in several modes. */
#include <stapmark/marker.h>
#include <stddef.h>

struct bits {
	int x : 3;
};

DEFINE_MARKER(cs_defined, "n %d");

int compile_sites(int argc, const char *name)
{
	struct bits b = { 1 };
	char buf[8] = "hi";
	long double ld = 1.5;
	size_t z = 3;

	trace_mark(cs_noargs, MARK_NOARGS);
	trace_mark(cs_one, "v %d", argc);
	trace_mark(cs_mixed, "b %d buf %s ld %Lf z %zu name %s", b.x, buf, ld, z, name);
	trace_mark(cs_twelve, "%d %d %d %d %d %d %d %d %d %d %d %d", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
		   11, 12);
	__trace_mark(cs_private, (void *)0, "v %d", argc);
	trace_mark_defined(cs_defined, argc);
	return marker_enabled(cs_one);
}
