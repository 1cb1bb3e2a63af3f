// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stapmark: command-line entry.  `stapmark --dump-markers` lists marker
 * tables; everything else is the SystemTap-language translator: passes 1
 * (parse, -p1) and 2 (elaborate, -p2, -L, -l), then the backend's passes
 * 3 to 5 (backend.h), or pass 5 alone on a module (--run-module).
 */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "build.h"
#include "cg.h"
#include "dump_markers.h"
#include "elab.h"
#include "options.h"
#include "pass_clock.h"
#include "pass1.h"
#include "print.h"

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

static int translate_and_run(struct session *s, struct program *prog);

/*
 * Passes 1 and 2, and the backend (backend.h).  Without --runtime or
 * --remote the preprocessor's `runtime` is "dyninst" until pass 2 has
 * chosen; when a condition asked, both passes run again with the runtime
 * of the backend chosen ("kernel", or "dyninst" again: the first pass 2
 * keeps its warnings to itself, the second says them).  1 with *result, 0
 * after -p1, -1 after errors.
 */
static int parse_and_elaborate(struct session *s, struct program **result)
{
	bool choose = !s->backend, suppress = s->suppress_warnings;
	const struct backend *first = NULL; /* chosen in round 0, when there is a round 1 */
	struct program *prog = NULL;

	for (int round = 0; round < 2; round++) {
		struct pass_clock clk;
		macro_vec macros = {0};
		int nlib;

		clock_start(&clk);
		s->runtime_asked = false;
		struct script *script = pass1(s, &nlib, &macros);

		if (s->verbose) {
			fprintf(stderr, "Pass 1: parsed user script and %d library scripts ", nlib);
			clock_report(&clk);
		}
		if (!script || diag_errors) {
			report_errors();
			fprintf(stderr, "Pass 1: parse failed.\n");
			return -1;
		}
		if (s->last_pass == 1) {
			FILE *out = open_output(s);

			if (!out)
				return -1;
			print_script(out, script);
			return close_output(s, out) ? -1 : 0;
		}
		bool again = choose && round == 0 && s->runtime_asked;

		clock_start(&clk);
		s->suppress_warnings = suppress || again;
		prog = pass2(s, script, &macros);
		s->suppress_warnings = suppress;
		if (!prog || !backend_check(s, prog)) {
			report_errors();
			fprintf(stderr, "Pass 2: analysis failed.\n");
			return -1;
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
		if (!again)
			break;
		/* Once more with the runtime of the backend pass 2 chose, which
		 * must then choose it again. */
		if (s->script_file && !strcmp(s->script_file, "-")) {
			fprintf(stderr, "stapmark: the script asks %%( runtime %%), and a script "
					"on stdin cannot be read twice: give --runtime\n");
			return -1;
		}
		first = s->backend;
		if (s->verbose && strcmp(s->runtime, first->runtime))
			fprintf(stderr,
				"Pass 2: the %s backend: passes 1 and 2 again with runtime "
				"\"%s\"\n",
				first->name, first->runtime);
		s->runtime = first->runtime;
		s->backend = NULL;
	}
	if (first && first != s->backend) {
		fprintf(stderr,
			"stapmark: semantic error: the script's probes need the %s backend with "
			"runtime \"dyninst\" and the %s one with \"kernel\": choose with "
			"--runtime\n",
			first->name, s->backend->name);
		return -1;
	}
	*result = prog;
	return 1;
}

static int translate(struct session *s)
{
	macro_vec macros = {0};
	struct program *prog;
	int rc;

	if (s->list_probe) {
		for (int i = 0; i < s->include_dirs.n; i++)
			pass1_load_macros(s, s->include_dirs.v[i], &macros);
		rc = diag_errors ? 1 : list_probes(s, &macros);
		report_errors();
		return rc;
	}
	rc = parse_and_elaborate(s, &prog);
	if (rc <= 0)
		return rc < 0;
	if (s->last_pass == 2) {
		FILE *out = open_output(s);

		if (!out)
			return 1;
		print_program(out, prog, s->verbose >= 2);
		return close_output(s, out);
	}
	return translate_and_run(s, prog);
}

/* Passes 3 to 5: C, the module (both cached), the run. */
static int translate_and_run(struct session *s, struct program *prog)
{
	const struct backend *be = s->backend;
	struct pass_clock clk;
	struct build b;

	if (s->last_pass == 3) {
		FILE *out = open_output(s);

		if (!out)
			return 1;
		int rc = pass3_translate(s, prog, out);

		return close_output(s, out) || rc;
	}
	if (be->prepare(s, prog, &b))
		return 1;
	if (b.cached) {
		if (s->verbose) {
			fprintf(stderr, "Pass 3: using cached %s\n", b.c_file);
			fprintf(stderr, "Pass 4: using cached %s\n", b.so_file);
		}
	} else {
		clock_start(&clk);
		FILE *c = fopen(b.c_file, "w");

		if (!c) {
			perror(b.c_file);
			return 1;
		}
		int rc = pass3_translate(s, prog, c);

		if (fclose(c) || rc) {
			report_errors();
			fprintf(stderr, "Pass 3: translation failed.\n");
			return 1;
		}
		if (s->verbose) {
			fprintf(stderr, "Pass 3: translated to C into \"%s\" ", b.c_file);
			clock_report(&clk);
		}
		clock_start(&clk);
		if (be->build(s, &b)) {
			fprintf(stderr, "Pass 4: compilation failed.\n");
			return 1;
		}
		if (s->verbose) {
			fprintf(stderr, "Pass 4: compiled C into \"%s\" ", b.so_file);
			clock_report(&clk);
		}
	}
	if (s->keep_tmpdir)
		fprintf(stderr, "Keeping temporary directory \"%s\"\n", b.dir);
	if (s->last_pass == 4) {
		puts(b.so_file);
		return 0;
	}
	return be->run(s, b.so_file);
}

/* --run-module FILE: its kind says the backend (which an option must not
 * contradict). */
static int run_module(struct session *s)
{
	const struct backend *be = backend_for_module(s->run_module);

	if (s->backend && s->backend != be) {
		fprintf(stderr, "stapmark: %s is a %s module: the %s backend cannot run it\n",
			s->run_module, be->name, s->backend->name);
		return 1;
	}
	s->backend = be;
	return be->run(s, s->run_module);
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
		backend_from_options(&s);
		if (s.run_module) {
			rc = run_module(&s);
			break;
		}
		pass1_tapset_dirs(&s);
		session_finish(&s);
		rc = translate(&s);
		break;
	}
	arena_free(&arena);
	return rc;
}
