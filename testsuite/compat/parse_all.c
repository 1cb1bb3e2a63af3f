// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parse many tapset files in one process and report the time taken, so the
 * figure is the parser's and not process start-up's:
 *   parse_all TAPSET_DIR FILE...
 * Library macros (*.stpm) of TAPSET_DIR are loaded once, as stapmark does.
 * Built and run by testsuite/compat/run-corpus.
 */
#include <stdio.h>
#include <time.h>

#include "parse.h"
#include "pass1.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct arena arena = {0};
	struct session s;
	macro_vec macros = {0};
	int failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: parse_all TAPSET_DIR FILE...\n");
		return 2;
	}
	session_init(&s, &arena);
	session_finish(&s);
	double t0 = now_ms();
	int nlib = pass1_load_macros(&s, argv[1], &macros);
	double t1 = now_ms();

	for (int i = 2; i < argc; i++) {
		struct source *src = source_from_file(&arena, argv[i]);

		if (!src || !parse_script(&s, src, &macros, true))
			failed++;
	}
	double t2 = now_ms();

	printf("%d library macro files in %.1f ms; %d files parsed in %.1f ms (%d failed)\n", nlib,
	       t1 - t0, argc - 2, t2 - t1, failed);
	arena_free(&arena);
	return failed != 0;
}
