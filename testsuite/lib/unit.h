/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small unit-test bridge to DejaGnu: each check prints "\tPASSED: ..." or
 * "\tFAILED: ..." as dejagnu.h does; testsuite/lib/stapmark.exp turns the
 * lines into results.  (dejagnu.h itself defines a static wait(), which
 * clashes with <sys/wait.h> in tests that fork.)
 */
#ifndef STAPMARK_TEST_UNIT_H
#define STAPMARK_TEST_UNIT_H

#include <stdarg.h>
#include <stdio.h>

static int unit_failed;

static inline void __attribute__((format(printf, 2, 3))) unit_check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("\t%s: ", ok ? "PASSED" : "FAILED");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		unit_failed++;
}

/* CHECK(cond, "what %d", ...): one result named by the message. */
#define CHECK(cond, ...) unit_check(!!(cond), __VA_ARGS__)
/* CHECK_EQ(long actual, long expected, "what"): shows both on failure. */
#define CHECK_EQ(actual, expected, what)                                              \
	do {                                                                          \
		long __a = (long)(actual), __e = (long)(expected);                    \
		unit_check(__a == __e, "%s (got %ld, expected %ld)", what, __a, __e); \
	} while (0)

static inline void __attribute__((format(printf, 1, 2))) unit_untested(const char *fmt, ...)
{
	va_list ap;

	printf("\tUNTESTED: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* Exit status for main: 0 when every check passed. */
#define UNIT_EXIT() (unit_failed ? 1 : 0)

#endif /* STAPMARK_TEST_UNIT_H */
