/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_LEXER_H
#define STAPMARK_LEXER_H
/*
 * Tokens of the SystemTap language.  The lexer turns one whole source into
 * an array of tokens; the preprocessor then rewrites that array (conditionals,
 * macros, script arguments) before the parser sees it.
 */
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "source.h"

enum tok_kind {
	TOK_EOF,
	TOK_IDENT, /* name or keyword */
	TOK_TARGET, /* $name, $$vars, $1, $# (text includes the '$'s) */
	TOK_AT, /* @name, @1, @# (text includes the '@') */
	TOK_NUMBER, /* num holds the value (unsigned 64-bit, wrapped) */
	TOK_STRING, /* text: the raw contents between the quotes, escapes kept */
	TOK_OP, /* operator or punctuation */
	TOK_EMBEDDED, /* %{ ... %}: text is what lies between */
	TOK_PP, /* %( %? %: %) */
};

struct token {
	enum tok_kind kind;
	/* Whitespace or a comment came before this token: probe point names
	 * are glued only from adjacent pieces (sys*.open is one component). */
	bool space_before;
	struct srcpos pos;
	const char *text;
	int len;
	int64_t num;
};

typedef VEC(struct token) token_vec;

/* Lex all of src, appending to out (ending with TOK_EOF).  On a lexical
 * error it reports it and returns false. */
bool lex_source(struct arena *a, const struct source *src, token_vec *out);

/* tok is an op/pp/ident whose text equals s. */
bool tok_is(const struct token *t, enum tok_kind kind, const char *s);
bool tok_is_keyword(const struct token *t);
/* Short human description for messages: "identifier 'x'", "end of input". */
const char *tok_describe(struct arena *a, const struct token *t);
#endif
