// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pass 1 driver.  Library macros come first because a user script may use
 * them (@choose_defined ...).  Within a tapset directory D the files that
 * apply are those of D, D/linux (the kernel runtime), D/ARCH and
 * D/linux/ARCH, as stap lays them out.
 */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pass1.h"
#include "parse.h"
#include "preprocess.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Read every *.stpm in dir (sorted, so the order is reproducible). */
static int load_macro_dir(struct session *s, const char *dir, macro_vec *macros)
{
	DIR *d = opendir(dir);
	VEC(char *) names = {0};
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 5 && !strcmp(de->d_name + len - 5, ".stpm"))
			VEC_PUSH(s->arena, names, arena_printf(s->arena, "%s/%s", dir, de->d_name));
	}
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_str);
	for (int i = 0; i < names.n; i++) {
		struct source *src = source_from_file(s->arena, names.v[i]);
		token_vec toks = {0};

		if (!src) {
			diag_errors++;
			continue;
		}
		n++;
		if (!preprocess(s, src, macros, macros, &toks))
			continue;
		/* A macro file holds macro definitions and nothing else. */
		if (toks.v[0].kind != TOK_EOF)
			diag_error(toks.v[0].pos, "parse error",
				   "a library macro file may only hold @define, saw %s",
				   tok_describe(s->arena, &toks.v[0]));
	}
	return n;
}

void pass1_tapset_dirs(struct session *s)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return;
	exe[n] = 0;
	/* build/bin/stapmark -> tapset/, then build/tapset/ (generated ones,
	 * scripts/gen-syscall-table); PREFIX/bin -> PREFIX/share/stapmark/tapset
	 * (make install merges both there). */
	char *slash = strrchr(exe, '/');

	if (!slash)
		return;
	*slash = 0;
	const char *cands[] = {
		arena_printf(s->arena, "%s/../../tapset", exe),
		arena_printf(s->arena, "%s/../share/stapmark/tapset", exe),
	};
	for (int i = 0; i < 2; i++) {
		char real[PATH_MAX];

		/* Messages name tapset files by these paths: no "bin/../..". */
		if (realpath(cands[i], real))
			cands[i] = arena_printf(s->arena, "%s", real);
		DIR *d = opendir(cands[i]);

		if (d) {
			closedir(d);
			VEC_PUSH(s->arena, s->include_dirs, cands[i]);
			const char *gen = arena_printf(s->arena, "%s/../tapset", exe);

			if (realpath(gen, real))
				gen = arena_printf(s->arena, "%s", real);

			if (i == 0 && (d = opendir(gen))) {
				closedir(d);
				VEC_PUSH(s->arena, s->include_dirs, gen);
			}
			return;
		}
	}
}

int pass1_tapset_subdirs(struct session *s, const char *dir, const char *out[4])
{
	out[0] = dir;
	out[1] = arena_printf(s->arena, "%s/%s", dir, "linux");
	out[2] = arena_printf(s->arena, "%s/%s", dir, s->arch);
	out[3] = arena_printf(s->arena, "%s/linux/%s", dir, s->arch);
	return 4;
}

int pass1_load_macros(struct session *s, const char *dir, macro_vec *macros)
{
	const char *subdirs[4];
	int n = 0;

	pass1_tapset_subdirs(s, dir, subdirs);
	for (int k = 0; k < 4; k++)
		n += load_macro_dir(s, subdirs[k], macros);
	return n;
}

struct script *pass1(struct session *s, int *nlibrary, macro_vec *macros)
{
	struct source *src;
	int errors = diag_errors;

	*nlibrary = 0;
	for (int i = 0; i < s->include_dirs.n; i++)
		*nlibrary += pass1_load_macros(s, s->include_dirs.v[i], macros);
	if (diag_errors != errors)
		return NULL;
	if (s->script_text)
		src = source_from_string(s->arena, "<input>", s->script_text,
					 strlen(s->script_text));
	else if (!strcmp(s->script_file, "-"))
		src = source_from_file(s->arena, "/dev/stdin");
	else
		src = source_from_file(s->arena, s->script_file);
	if (!src) {
		diag_errors++;
		return NULL;
	}
	return parse_script(s, src, macros, s->as_tapset);
}
