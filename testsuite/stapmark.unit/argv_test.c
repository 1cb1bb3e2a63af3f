// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How a site hands its arguments to the probes.  In C on x86-64 a site
 * stores them in 8-byte slots and calls __marker_probe_argi (integers and
 * pointers only) or __marker_probe_argv (any types); elsewhere, in C++ and
 * with STAPMARK_NO_ARGV it calls the variadic __marker_probe_cb.  Probes
 * must not be able to tell: every case below fires the same marker both
 * ways (trace_mark_defined, and __marker_probe_cb called directly) and
 * compares what probes read: with va_arg by the format's types, with
 * vsnprintf on the format itself, after va_copy, and with several probes
 * on one marker (each gets a fresh va_list, also when a site renews only
 * its offsets: argv_few, argv_six).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <stapmark/marker.h>
#include "unit.h"
#include "va_render.h"

#define NPROBES 3

static char seen[NPROBES][1024];
static char printed[1024];

/* Renders by the core's format parser, as generated handlers do. */
static void render_probe(void *probe_private, void *call_private, const char *fmt, va_list *args)
{
	char *out = probe_private;

	(void)call_private;
	va_render(fmt, args, out, sizeof(seen[0]));
}

/* Consumes a copy first, then the original, with libc's printf. */
static void printf_probe(void *probe_private, void *call_private, const char *fmt, va_list *args)
{
	char first[1024];
	va_list copy;

	(void)probe_private;
	(void)call_private;
	va_copy(copy, *args);
	vsnprintf(first, sizeof(first), fmt, copy);
	va_end(copy);
	vsnprintf(printed, sizeof(printed), fmt, *args);
	if (strcmp(first, printed))
		snprintf(printed, sizeof(printed), "va_copy differs: %.900s", first);
}

DEFINE_MARKER(argv_ints, "c %hhd h %hd i %d u %u l %ld ul %lu ll %lld p %p s %s z %zu j %jd x %x");
DEFINE_MARKER(argv_mixed, "i %d f %f ld %Lf s %s d %e ld2 %Lg c %c g %g ll %lld ld3 %La a %a u %u");
DEFINE_MARKER(argv_doubles, "%f %f %f %f %f %f %f %f %f %f");
DEFINE_MARKER(argv_few, "n %d s %s");
/* Six integer-class arguments, the most a site renews with one store per probe. */
DEFINE_MARKER(argv_six, "a %d b %ld c %s d %p e %u f %llx");
DEFINE_MARKER(argv_none, MARK_NOARGS);

static signed char c = -7;
static short h = -1234;
static float fl = 0.25f;
static long double ld = 1.0L / 3, ld2 = -2.5e30L, ld3 = 7.0L;

static void fire(const char *name, int variadic)
{
	if (!strcmp(name, "argv_ints")) {
		if (variadic)
			__marker_probe_cb(&GET_MARKER(argv_ints), NULL, c, h, -70000, 4000000000U,
					  -5000000000L, 18000000000000000000UL, 1LL << 50,
					  (void *)&c, "str", (size_t)123456789012ULL, (intmax_t)-9,
					  0xbeefU);
		else
			trace_mark_defined(argv_ints, c, h, -70000, 4000000000U, -5000000000L,
					   18000000000000000000UL, 1LL << 50, (void *)&c, "str",
					   (size_t)123456789012ULL, (intmax_t)-9, 0xbeefU);
	} else if (!strcmp(name, "argv_mixed")) {
		if (variadic)
			__marker_probe_cb(&GET_MARKER(argv_mixed), NULL, 1, (double)fl, ld, "s",
					  1e-300, ld2, 'Z', 3.5, -1LL, ld3, 0x1p-3, 77U);
		else
			trace_mark_defined(argv_mixed, 1, fl, ld, "s", 1e-300, ld2, 'Z', 3.5, -1LL,
					   ld3, 0x1p-3, 77U);
	} else if (!strcmp(name, "argv_doubles")) {
		if (variadic)
			__marker_probe_cb(&GET_MARKER(argv_doubles), NULL, 0.5, 1.5, 2.5, 3.5, 4.5,
					  5.5, 6.5, 7.5, 8.5, 9.5);
		else
			trace_mark_defined(argv_doubles, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5,
					   8.5, 9.5);
	} else if (!strcmp(name, "argv_six")) {
		if (variadic)
			__marker_probe_cb(&GET_MARKER(argv_six), NULL, -1, 1L << 40, "six",
					  (void *)&h, 3000000000U, 0xfeedfacecafeULL);
		else
			trace_mark_defined(argv_six, -1, 1L << 40, "six", (void *)&h, 3000000000U,
					   0xfeedfacecafeULL);
	} else if (!strcmp(name, "argv_few")) {
		if (variadic)
			__marker_probe_cb(&GET_MARKER(argv_few), NULL, 42, "few");
		else
			trace_mark_defined(argv_few, 42, "few");
	} else {
		if (variadic)
			__marker_probe_cb(&GET_MARKER(argv_none), NULL);
		else
			trace_mark_defined(argv_none);
	}
}

static void check_marker(const char *name)
{
	char want[NPROBES][1024], want_printed[1024];
	int k;

	for (k = 0; k < NPROBES; k++)
		marker_probe_register(name, NULL, render_probe, seen[k]);
	marker_probe_register(name, NULL, printf_probe, NULL);
	marker_arm(name);

	memset(seen, 0, sizeof(seen));
	printed[0] = '\0';
	fire(name, 1);
	memcpy(want, seen, sizeof(want));
	snprintf(want_printed, sizeof(want_printed), "%s", printed);
	CHECK(want[0][0] || !strcmp(name, "argv_none"), "%s: variadic entry delivers: %s", name,
	      want[0]);

	memset(seen, 0, sizeof(seen));
	printed[0] = '\0';
	fire(name, 0);
	for (k = 0; k < NPROBES; k++)
		CHECK(!strcmp(seen[k], want[0]), "%s: probe %d reads the same values: %s", name, k,
		      seen[k]);
	CHECK(!strcmp(printed, want_printed), "%s: vsnprintf and va_copy read the same: %s", name,
	      printed);

	for (k = 0; k < NPROBES; k++)
		marker_probe_unregister(name, render_probe, seen[k]);
	marker_probe_unregister(name, printf_probe, NULL);
	marker_disarm(name);
	marker_synchronize_unregister();
}

int main(void)
{
	char want[256];

	check_marker("argv_ints");
	check_marker("argv_mixed");
	check_marker("argv_doubles");
	check_marker("argv_six");
	check_marker("argv_few");
	check_marker("argv_none");

	/* And the values are the right ones, not just the same both ways. */
	marker_probe_register("argv_mixed", NULL, printf_probe, NULL);
	marker_arm("argv_mixed");
	fire("argv_mixed", 0);
	snprintf(want, sizeof(want),
		 "i %d f %f ld %Lf s %s d %e ld2 %Lg c %c g %g ll %lld ld3 %La a %a u %u", 1,
		 (double)fl, ld, "s", 1e-300, ld2, 'Z', 3.5, -1LL, ld3, 0x1p-3, 77U);
	CHECK(!strcmp(printed, want), "mixed types arrive intact: %s", printed);
	marker_probe_unregister("argv_mixed", printf_probe, NULL);
	marker_disarm("argv_mixed");

#ifdef __MARKER_ARGV_ABI
	printf("argv_test: sites use __marker_probe_argv/argi\n");
#endif
	return unit_failed ? 1 : 0;
}
