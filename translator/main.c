// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stapmark: command-line entry.  `stapmark --dump-markers` lists marker
 * tables; everything else is the SystemTap-language translator, of which
 * passes 1 (parse, -p1) and 2 (elaborate, -p2, -L, -l) exist so far.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "dump_markers.h"
#include "elab.h"
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

static FILE *open_output(struct session *s)
{
	FILE *out = stdout;

	if (s->output_file && !(out = fopen(s->output_file, "w")))
		perror(s->output_file);
	return out;
}

static int close_output(struct session *s, FILE *out)
{
	if (out != stdout && fclose(out)) {
		perror(s->output_file);
		return 1;
	}
	return 0;
}

static void report_errors(void)
{
	if (diag_errors > DIAG_MAX_SHOWN)
		fprintf(stderr, "stapmark: %d more errors not shown\n",
			diag_errors - DIAG_MAX_SHOWN);
}

static int translate(struct session *s)
{
	struct pass_clock clk;
	macro_vec macros = {0};
	int nlib;

	clock_start(&clk);
	if (s->list_probe) {
		for (int i = 0; i < s->include_dirs.n; i++)
			pass1_load_macros(s, s->include_dirs.v[i], &macros);
		int rc = diag_errors ? 1 : list_probes(s, &macros);

		report_errors();
		return rc;
	}
	struct script *script = pass1(s, &nlib, &macros);

	if (s->verbose) {
		fprintf(stderr, "Pass 1: parsed user script and %d library scripts ", nlib);
		clock_report(&clk);
	}
	if (!script || diag_errors) {
		report_errors();
		fprintf(stderr, "Pass 1: parse failed.\n");
		return 1;
	}
	if (s->last_pass == 1) {
		FILE *out = open_output(s);

		if (!out)
			return 1;
		print_script(out, script);
		return close_output(s, out);
	}
	clock_start(&clk);
	struct program *prog = pass2(s, script, &macros);

	if (!prog) {
		report_errors();
		fprintf(stderr, "Pass 2: analysis failed.\n");
		return 1;
	}
	if (s->verbose) {
		fprintf(stderr,
			"Pass 2: analyzed script: %d probe%s, %d function%s, %d embed%s, "
			"%d global%s, %d of %d library scripts used ",
			prog->probes.n, prog->probes.n == 1 ? "" : "s", prog->functions.n,
			prog->functions.n == 1 ? "" : "s", prog->embeds.n,
			prog->embeds.n == 1 ? "" : "s", prog->globals.n,
			prog->globals.n == 1 ? "" : "s", prog->nincluded, prog->nlibrary);
		clock_report(&clk);
	}
	if (s->last_pass == 2) {
		FILE *out = open_output(s);

		if (!out)
			return 1;
		print_program(out, prog, s->verbose >= 2);
		return close_output(s, out);
	}
	/* No fake output: say plainly where the translator stops today. */
	fprintf(stderr,
		"stapmark: pass 3 (translate) is not implemented yet, so -p%d cannot be done; "
		"-p1 and -p2 are\n",
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
