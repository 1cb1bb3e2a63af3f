// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture for the marker-table tests: one site of each kind of format the
 * reader and the SDT peers must handle.  Built as PIE and as non-PIE.
 *
 *   sites              fire nothing (the table is what the tests read)
 *   sites fire VALUE   fire elf_value(VALUE) for a few seconds, for a tracer
 *                      attached through the SDT note to see
 *
 * Each site sits in its own noinline function so the compiler cannot merge
 * or duplicate sites, which keeps the number of sites per name fixed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stapmark/marker.h>

DEFINE_MARKER(elf_defined, "value %d");

#define NOINLINE __attribute__((noinline))

static NOINLINE void site_noargs(void)
{
	trace_mark(elf_noargs, MARK_NOARGS);
}

static NOINLINE void site_size(const char *s)
{
	trace_mark(elf_size, "len %zu", strlen(s));
}

static NOINLINE void site_llu(unsigned long long v)
{
	trace_mark(elf_llu, "big %llu", v);
}

static NOINLINE void site_string(const char *s)
{
	trace_mark(elf_string, "name %s", s);
}

static NOINLINE void site_star(int width, int v)
{
	trace_mark(elf_star, "padded %*d", width, v);
}

/* One name, one format, two sites. */
static NOINLINE void site_twice_a(int which)
{
	trace_mark(elf_twice, "which %d", which);
}

static NOINLINE void site_twice_b(int which)
{
	trace_mark(elf_twice, "which %d", which + 100);
}

static NOINLINE void site_defined(int v)
{
	trace_mark_defined(elf_defined, v);
}

static NOINLINE void site_value(int v)
{
	trace_mark(elf_value, "value %d", v);
}

int main(int argc, char **argv)
{
	struct timespec tick = {0, 10 * 1000 * 1000};
	int i;

	if (argc == 3 && !strcmp(argv[1], "fire")) {
		/* Several seconds of hits: a tracer started with us may need a
		 * moment before its semaphore increment reaches this process. */
		for (i = 0; i < 500; i++) {
			site_value(atoi(argv[2]));
			nanosleep(&tick, NULL);
		}
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: %s [fire VALUE]\n", argv[0]);
		return 2;
	}
	site_noargs();
	site_size(argv[0]);
	site_llu(1ULL << 40);
	site_string(argv[0]);
	site_star(6, 42);
	site_twice_a(1);
	site_twice_b(2);
	site_defined(7);
	return 0;
}
