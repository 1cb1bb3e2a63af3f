/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_PARSE_H
#define STAPMARK_PARSE_H
#include <stdbool.h>

#include "ast.h"
#include "preprocess.h"
#include "session.h"

/*
 * Preprocess and parse one source.  `library` is true for tapset files:
 * embedded C (%{ %}, @const, @kregister...) is then allowed, as it is in
 * user scripts only with -g.  Returns NULL after reporting errors (it goes
 * on past the first one to report a few, like stap).
 */
struct script *parse_script(struct session *s, const struct source *src, const macro_vec *macros,
			    bool library);
#endif
