// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stapmark: command-line entry.  `stapmark --dump-markers` lists marker
 * tables; everything else is the SystemTap-language translator, of which
 * pass 1 (parse, -p1) exists so far.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "dump_markers.h"
#include "options.h"
#include "pass1.h"
#include "print.h"

struct pass_clock {
	struct timespec real;
	struct rusage ru;
};

static void clock_start(struct pass_clock *c)
{
	clock_gettime(CLOCK_MONOTONIC, &c->real);
	getrusage(RUSAGE_SELF, &c->ru);
}

static long tv_ms(struct timeval a, struct timeval b)
{
	return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_usec - a.tv_usec) / 1000;
}

/* Like stap: "in 20usr/0sys/21real ms." */
static void clock_report(const struct pass_clock *c)
{
	struct pass_clock now;

	clock_start(&now);
	fprintf(stderr, "in %ldusr/%ldsys/%ldreal ms.\n", tv_ms(c->ru.ru_utime, now.ru.ru_utime),
		tv_ms(c->ru.ru_stime, now.ru.ru_stime),
		(now.real.tv_sec - c->real.tv_sec) * 1000 +
			(now.real.tv_nsec - c->real.tv_nsec) / 1000000);
}

static int translate(struct session *s)
{
	struct pass_clock clk;
	int nlib;

	if (s->list_probe) {
		fprintf(stderr, "stapmark: -%c (list probe points) is not implemented yet\n",
			s->list_with_vars ? 'L' : 'l');
		return 1;
	}
	clock_start(&clk);
	struct script *script = pass1(s, &nlib);

	if (s->verbose) {
		fprintf(stderr, "Pass 1: parsed user script and %d library scripts ", nlib);
		clock_report(&clk);
	}
	if (!script || diag_errors) {
		if (diag_errors > DIAG_MAX_SHOWN)
			fprintf(stderr, "stapmark: %d more errors not shown\n",
				diag_errors - DIAG_MAX_SHOWN);
		fprintf(stderr, "Pass 1: parse failed.\n");
		return 1;
	}
	if (s->last_pass == 1) {
		FILE *out = stdout;

		if (s->output_file && !(out = fopen(s->output_file, "w"))) {
			perror(s->output_file);
			return 1;
		}
		print_script(out, script);
		if (out != stdout && fclose(out)) {
			perror(s->output_file);
			return 1;
		}
		return 0;
	}
	/* No fake output: say plainly where the translator stops today. */
	fprintf(stderr,
		"stapmark: pass 2 (elaborate) is not implemented yet, so -p%d cannot be done; "
		"only -p1 (parse) is\n",
		s->last_pass);
	return 1;
}

int main(int argc, char **argv)
{
	struct arena arena = {0};
	struct session s;
	int rc;

	if (argc >= 2 && !strcmp(argv[1], "--dump-markers")) {
		int verbose = argc >= 3 && !strcmp(argv[2], "-v");

		return cmd_dump_markers(argc - 2 - verbose, argv + 2 + verbose, verbose);
	}
	session_init(&s, &arena);
	switch (options_parse(&s, argc, argv)) {
	case OPTIONS_EXIT_OK:
		rc = 0;
		break;
	case OPTIONS_EXIT_ERROR:
		rc = 1;
		break;
	default:
		pass1_tapset_dirs(&s);
		session_finish(&s);
		rc = translate(&s);
		break;
	}
	arena_free(&arena);
	return rc;
}
