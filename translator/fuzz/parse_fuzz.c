// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for pass 1: the input is a script; it is preprocessed,
 * parsed and printed with two script arguments, so $1/@1/$# paths are
 * reached too; odd-sized inputs parse as tapsets (embedded C allowed).
 * Any crash, hang, leak or sanitizer report is a bug, and so is a -p1
 * output that does not parse back to the same output (round trip).
 * A script that parses then goes through pass 2 (no tapsets; a kernel
 * tree that does not exist, so only process(...) tables are read).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elab.h"
#include "parse.h"
#include "print.h"

static char *print_to_string(const struct script *script, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		abort();
	print_script(f, script);
	fclose(f);
	return buf;
}

static struct script *parse(struct session *s, const char *text, size_t size, bool library)
{
	const struct source *src = source_from_string(s->arena, "<fuzz>", text, size);

	return parse_script(s, src, NULL, library);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *args[] = {"42", "x+1"};
	static FILE *sink;
	struct arena arena = {0};
	struct session s;
	bool library = size & 1;

	if (!sink)
		sink = fopen("/dev/null", "w");
	/* Keep the fuzzer's own reports readable: messages go nowhere. */
	diag_file = sink;
	session_init(&s, &arena);
	s.args = args;
	s.nargs = 2;
	s.kernel_release = "6.1.0-13-amd64";
	s.arch = "x86_64";
	s.config_loaded = true; /* no kernel config: keep runs hermetic */
	s.kernel_build_dir = "/nonexistent";
	session_finish(&s);

	struct script *script = parse(&s, (const char *)data, size, library);

	if (script) {
		size_t len1, len2;
		char *out1 = print_to_string(script, &len1);
		struct script *again = parse(&s, out1, len1, library);

		if (!again) {
			fprintf(stderr, "round trip: -p1 output does not parse:\n%s\n", out1);
			abort();
		}
		char *out2 = print_to_string(again, &len2);

		if (len1 != len2 || memcmp(out1, out2, len1)) {
			fprintf(stderr, "round trip: output differs:\n%s\n---\n%s\n", out1, out2);
			abort();
		}
		free(out1);
		free(out2);
		diag_errors = 0;
		pass2(&s, script, NULL);
	}
	diag_errors = 0;
	arena_free(&arena);
	return 0;
}
