/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_PREPROCESS_H
#define STAPMARK_PREPROCESS_H
/*
 * The preprocessor works on tokens, before the parser:
 *   %( COND %? TOKENS [%: TOKENS] %)    conditional, decided now
 *   @define NAME[(P, ...)] %( BODY %)   macro; @NAME / @NAME(ARG, ...) expands it
 *   $1 @1 $# @#                         script arguments
 * COND compares kernel_v, kernel_vr, arch, runtime, systemtap_v,
 * systemtap_privilege, guru_mode, CONFIG_*, numbers and strings with
 * == != < <= > >=, joined by && and ||.
 */
#include <stdbool.h>

#include "lexer.h"
#include "session.h"

struct macro {
	const char *name;
	int nparams;
	const char **params;
	const struct token *body;
	int nbody;
};

typedef VEC(struct macro) macro_vec;

/*
 * Lex and preprocess src into out (ending with TOK_EOF).  Macros from
 * `library` (.stpm files) are visible; macros the file defines are appended
 * to `defined` when it is non-NULL (how library files export theirs).
 * Returns false after reporting an error.
 */
bool preprocess(struct session *s, const struct source *src, const macro_vec *library,
		macro_vec *defined, token_vec *out);

/* Builtin @-operators (a macro that takes the name of one shadows it, with
 * a warning). */
bool is_builtin_at_op(const char *name, int len);
#endif
