// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The lexer.  Rules that are easy to get wrong:
 * - '$' and '@' start names and '$' may continue them, so $var$$ is one
 *   token that the parser splits into the variable and its pretty-print mark.
 * - Operators are matched longest first: "a=~b" is a regex match and
 *   "!~x" is the not-match operator, exactly as stap reads them.
 * - String escapes are kept as written; they reach generated C unchanged.
 * - Numbers: decimal, 0x hex, leading-0 octal; anything up to 2^64-1 is
 *   accepted and wraps into a signed 64-bit value.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"

/* Longest first within each leading character. */
static const char *const ops[] = {
	"<<<", "<<=", ">>=", "<<", ">>", "<=", ">=", "==", "!=", "=~", "!~", "&&", "||",
	"++",  "--",  "+=",  "-=", "*=", "/=", "%=", "&=", "|=", "^=", ".=", "->", "+",
	"-",   "*",   "/",   "%",  "&",	 "|",  "^",  "~",  "!",	 "<",  ">",  "=",  "?",
	":",   ".",   ",",   ";",  "(",	 ")",  "[",  "]",  "{",	 "}",
};

static const char *const keywords[] = {
	"probe",    "global", "function", "private", "if",     "else",	"for",
	"foreach",  "in",     "limit",	  "return",  "delete", "while", "break",
	"continue", "next",   "string",	  "long",    "try",    "catch",
};

bool tok_is(const struct token *t, enum tok_kind kind, const char *s)
{
	return t->kind == kind && (int)strlen(s) == t->len && !memcmp(t->text, s, t->len);
}

bool tok_is_keyword(const struct token *t)
{
	if (t->kind != TOK_IDENT)
		return false;
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (tok_is(t, TOK_IDENT, keywords[i]))
			return true;
	return false;
}

const char *tok_describe(struct arena *a, const struct token *t)
{
	/* Long tokens (embedded code, strings) are cut: the caret shows where. */
	int n = t->len > 40 ? 40 : t->len;
	const char *more = t->len > 40 ? "..." : "";

	switch (t->kind) {
	case TOK_EOF:
		return "end of input";
	case TOK_IDENT:
		return arena_printf(a, "%s '%.*s'", tok_is_keyword(t) ? "keyword" : "identifier", n,
				    t->text);
	case TOK_TARGET:
	case TOK_AT:
		return arena_printf(a, "'%.*s'", n, t->text);
	case TOK_NUMBER:
		return arena_printf(a, "number '%.*s'", n, t->text);
	case TOK_STRING:
		return arena_printf(a, "string \"%.*s%s\"", n, t->text, more);
	case TOK_EMBEDDED:
		return "embedded code";
	case TOK_OP:
	case TOK_PP:
		return arena_printf(a, "'%.*s'", n, t->text);
	}
	return "token";
}

struct lexer {
	struct arena *a;
	const struct source *src;
	const char *p, *end;
	int line;
	const char *line_start;
};

static struct srcpos lex_pos(const struct lexer *lx, const char *at)
{
	return (struct srcpos){lx->src, lx->line, (int)(at - lx->line_start) + 1, NULL};
}

static void newline(struct lexer *lx, const char *nl)
{
	lx->line++;
	lx->line_start = nl + 1;
}

/* Skip whitespace and comments; false on an unterminated comment. */
static bool skip_space(struct lexer *lx, bool *skipped)
{
	while (lx->p < lx->end) {
		char c = *lx->p;

		if (c == '\n') {
			newline(lx, lx->p);
			lx->p++;
		} else if (isspace((unsigned char)c)) {
			lx->p++;
		} else if (c == '#' || (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '/')) {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '*') {
			const char *start = lx->p;
			struct srcpos pos = lex_pos(lx, start);

			lx->p += 2;
			while (lx->p < lx->end &&
			       !(*lx->p == '*' && lx->p + 1 < lx->end && lx->p[1] == '/')) {
				if (*lx->p == '\n')
					newline(lx, lx->p);
				lx->p++;
			}
			if (lx->p >= lx->end) {
				diag_error(pos, "parse error", "unterminated comment");
				return false;
			}
			lx->p += 2;
		} else {
			break;
		}
		*skipped = true;
	}
	return true;
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$';
}

static bool lex_number(struct lexer *lx, struct token *t)
{
	const char *s = lx->p;

	while (lx->p < lx->end && isalnum((unsigned char)*lx->p))
		lx->p++;
	t->kind = TOK_NUMBER;
	t->text = s;
	t->len = (int)(lx->p - s);

	/* strtoull accepts signs and spaces we never give it; check the rest. */
	char buf[72], *endp;
	int base = 10;

	if (t->len >= (int)sizeof(buf))
		goto bad;
	memcpy(buf, s, t->len);
	buf[t->len] = 0;
	if (buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'))
		base = 16;
	else if (buf[0] == '0')
		base = 8;
	if (base == 16 && !isxdigit((unsigned char)buf[2]))
		goto bad;
	errno = 0;
	unsigned long long v = strtoull(buf, &endp, base);

	if (errno || *endp)
		goto bad;
	t->num = (int64_t)v;
	return true;
bad:
	diag_error(t->pos, "parse error", "number '%.*s' invalid or out of range", t->len, s);
	return false;
}

static bool nul_error(struct lexer *lx)
{
	diag_error(lex_pos(lx, lx->p), "parse error",
		   "unexpected byte 0x00 in a string or embedded code");
	return false;
}

static bool lex_string(struct lexer *lx, struct token *t)
{
	const char *s = ++lx->p;

	while (lx->p < lx->end && *lx->p != '"') {
		if (*lx->p == '\n')
			break;
		if (!*lx->p) /* it would end the string early in C, and in our output */
			return nul_error(lx);
		if (*lx->p == '\\' && lx->p + 1 < lx->end && lx->p[1] != '\n') {
			lx->p++;
			if (!*lx->p)
				return nul_error(lx);
		}
		lx->p++;
	}
	if (lx->p >= lx->end || *lx->p != '"') {
		diag_error(t->pos, "parse error", "unterminated string (no closing quote)");
		return false;
	}
	t->kind = TOK_STRING;
	t->text = s;
	t->len = (int)(lx->p - s);
	lx->p++;
	return true;
}

static bool lex_embedded(struct lexer *lx, struct token *t)
{
	const char *s = lx->p += 2;

	while (lx->p + 1 < lx->end && !(lx->p[0] == '%' && lx->p[1] == '}')) {
		if (*lx->p == '\n')
			newline(lx, lx->p);
		if (!*lx->p)
			return nul_error(lx);
		lx->p++;
	}
	if (lx->p + 1 >= lx->end) {
		diag_error(t->pos, "parse error", "unterminated embedded code (no closing %%})");
		return false;
	}
	t->kind = TOK_EMBEDDED;
	t->text = s;
	t->len = (int)(lx->p - s);
	lx->p += 2;
	return true;
}

static bool lex_one(struct lexer *lx, struct token *t)
{
	const char *s = lx->p;
	char c = *s, c1 = s + 1 < lx->end ? s[1] : 0;

	if (isdigit((unsigned char)c))
		return lex_number(lx, t);
	if (c == '"')
		return lex_string(lx, t);
	if (c == '%' && c1 == '{')
		return lex_embedded(lx, t);
	if (c == '%' && (c1 == '(' || c1 == '?' || c1 == ':' || c1 == ')')) {
		t->kind = TOK_PP;
		t->text = s;
		t->len = 2;
		lx->p += 2;
		return true;
	}
	if ((c == '$' || c == '@') && c1 == '#') {
		t->kind = c == '$' ? TOK_TARGET : TOK_AT;
		t->text = s;
		t->len = 2;
		lx->p += 2;
		return true;
	}
	if (isalpha((unsigned char)c) || c == '_' || c == '$' || c == '@') {
		lx->p++;
		while (lx->p < lx->end && is_name_char(*lx->p))
			lx->p++;
		t->kind = c == '$' ? TOK_TARGET : c == '@' ? TOK_AT : TOK_IDENT;
		t->text = s;
		t->len = (int)(lx->p - s);
		if (t->kind == TOK_AT && t->len == 1) {
			diag_error(t->pos, "parse error", "'@' must be followed by a name");
			return false;
		}
		return true;
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i]);

		if ((size_t)(lx->end - s) >= n && !memcmp(s, ops[i], n)) {
			t->kind = TOK_OP;
			t->text = ops[i];
			t->len = (int)n;
			lx->p += n;
			return true;
		}
	}
	if (isprint((unsigned char)c))
		diag_error(t->pos, "parse error", "unexpected character '%c'", c);
	else
		diag_error(t->pos, "parse error", "unexpected byte 0x%02x", (unsigned char)c);
	return false;
}

bool lex_source(struct arena *a, const struct source *src, token_vec *out)
{
	struct lexer lx = {a, src, src->text, src->text + src->len, 1, src->text};

	for (;;) {
		struct token t = {0};
		bool skipped = false;

		if (!skip_space(&lx, &skipped))
			return false;
		t.space_before = skipped;
		t.pos = lex_pos(&lx, lx.p);
		if (lx.p >= lx.end) {
			t.kind = TOK_EOF;
			t.text = "";
			VEC_PUSH(a, *out, t);
			return true;
		}
		if (!lex_one(&lx, &t))
			return false;
		VEC_PUSH(a, *out, t);
	}
}
