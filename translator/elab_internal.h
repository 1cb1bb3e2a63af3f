/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_ELAB_INTERNAL_H
#define STAPMARK_ELAB_INTERNAL_H
/*
 * Shared state of the pass-2 steps: library.c (tapset files and lazy
 * inclusion), probes.c (probe points to derived probes), resolve.c (names
 * to symbols), types.c (type inference) and checks.c (errors, warnings,
 * elision).
 */
#include "elab.h"
#include "preprocess.h"

/* A script file taking part: the user's, or a tapset file. */
struct unit {
	struct script *script;
	bool included; /* its globals and probes are part of the program */
	bool derived; /* its probes have been derived */
};

struct elab {
	struct session *s;
	struct arena *a;
	struct program *prog;
	const macro_vec *macros;
	VEC(struct unit) units; /* [0] is the user script */
	symbol_vec globals; /* every global of the included units */
	VEC(struct function *) pending; /* used functions whose body is not bound yet */

	/* Where resolution is (NULL when not in a probe / function). */
	struct derived_probe *probe;
	struct function *fn;
	const struct script *file;
	symbol_vec *locals;
	int loops;
	bool in_condition; /* resolving a probe's `if (...)`: globals only */
	/* The expression being resolved as a statement (its value dropped):
	 * x++ or x += n there is no read of a global x (resolve_effect). */
	const struct expr *value_dropped;
};

/* library.c */
void library_load(struct elab *e);
void library_include(struct elab *e, const struct script *file);
/* The function name visible from code in `from`: user script first, then
 * the tapsets (including the file that defines it); of nargs parameters
 * when it is overloaded.  NULL if none. */
struct function *library_function(struct elab *e, const char *name, const struct script *from,
				  int nargs);
/* The global visible from `from`, including a tapset file that defines it. */
struct symbol *library_global(struct elab *e, const char *name, const struct script *from);
/* Names of functions near name (for "did you mean"); returns how many. */
int library_similar_functions(struct elab *e, const char *name, const char **out, int max);

/* probes.c: the probes of every included unit not derived yet, into
 * prog->probes. */
void derive_probes(struct elab *e);
/* Whether an alias's point matches pattern (wildcards in pattern). */
bool alias_matches(const struct probe_point *pattern, const struct probe_point *alias);
/* A probe point as the user would write it. */
const char *point_text(struct arena *a, const struct probe_point *pt);
/* A derived probe as messages name it: kernel.mark("NAME") without its
 * format, else its canonical point. */
const char *probe_short_name(struct arena *a, const struct derived_probe *p);
/* The value of a string literal as written (stap escapes undone). */
const char *string_value(struct arena *a, const char *raw);

/* resolve.c */
void resolve_program(struct elab *e);

/* types.c */
void infer_types(struct elab *e);

/* checks.c */
void check_program(struct elab *e);
/* After resolution: a variable the user reads in a probe through a tapset
 * alias that the alias does not set is an error (checks.c). */
void check_alias_variables(struct elab *e);

/* True for the print family and other builtins the parser knows. */
bool is_print_builtin(const char *name);
#endif
