// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Recursive-descent parser for the SystemTap language, one function per
 * grammar rule.  Expression precedence, lowest first, as stap has it:
 *   = += ... <<<   (right)      ? :
 *   ||   &&   |   ^   &   in   == != < <= > >= =~ !~
 *   << >>   .   + -   * / %   unary (+ - ! ~ ++ -- &)   postfix ++ --
 * Errors longjmp back to the declaration loop, which skips to the next
 * `probe`/`global`/`function`/`private`/%{ and goes on, so one run reports
 * several errors.  All memory is in the session arena: nothing to unwind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "print_format.h"

/* Nesting bound for expressions and statements: deep enough for any real
 * script, shallow enough that even sanitizer-sized frames fit the stack. */
#define MAX_DEPTH 200
#define MAX_PARSE_ERRORS 20

struct parser {
	struct session *s;
	struct arena *a;
	const struct token *t;
	int n, i;
	bool embedded_ok;
	bool in_function;
	/* Whether the next @hist_* may stand bare (not indexed): as the only
	 * argument of print/println/sprint/sprintln, or a foreach's array. */
	enum { HIST_VALUE, HIST_PRINTED, HIST_WALKED } bare_hist;
	int depth;
	jmp_buf fail;
	struct script *script;
};

static const struct token *peek(struct parser *p)
{
	return &p->t[p->i];
}

static const struct token *peek_at(struct parser *p, int k)
{
	return &p->t[p->i + k < p->n ? p->i + k : p->n - 1];
}

static const struct token *next(struct parser *p)
{
	const struct token *t = &p->t[p->i];

	if (p->i < p->n - 1)
		p->i++;
	return t;
}

static _Noreturn __attribute__((format(printf, 3, 4))) void
fail_at(struct parser *p, const struct token *t, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(t->pos, "parse error", "%s, saw %s", msg, tok_describe(p->a, t));
	longjmp(p->fail, 1);
}

static bool is_op(struct parser *p, const char *s)
{
	return tok_is(peek(p), TOK_OP, s);
}

static bool is_kw(struct parser *p, const char *s)
{
	return tok_is(peek(p), TOK_IDENT, s);
}

static bool accept_op(struct parser *p, const char *s)
{
	if (!is_op(p, s))
		return false;
	next(p);
	return true;
}

static const struct token *expect_op(struct parser *p, const char *s)
{
	if (!is_op(p, s))
		fail_at(p, peek(p), "expected '%s'", s);
	return next(p);
}

static char *tok_text(struct parser *p, const struct token *t)
{
	return arena_strndup(p->a, t->text, t->len);
}

/* A name that is not a keyword: variables, functions, parameters. */
static const struct token *expect_name(struct parser *p, const char *what)
{
	if (peek(p)->kind != TOK_IDENT || tok_is_keyword(peek(p)))
		fail_at(p, peek(p), "expected %s", what);
	return next(p);
}

static void enter(struct parser *p)
{
	if (++p->depth > MAX_DEPTH)
		fail_at(p, peek(p), "nesting too deep (limit %d)", MAX_DEPTH);
}

static void need_embedded(struct parser *p, const struct token *t, const char *what)
{
	if (!p->embedded_ok)
		fail_at(p, t, "%s not permitted in a user script; need -g", what);
}

/* ---- expressions ---- */

static struct expr *parse_expr(struct parser *p);
static struct expr *parse_ternary(struct parser *p);
static struct expr *parse_unary(struct parser *p);

static struct expr *number_literal(struct parser *p, const struct token *t, bool neg)
{
	struct expr *e = expr_new(p->a, EX_NUMBER, t->pos);

	/* Negate as unsigned: -9223372036854775808 must not overflow. */
	e->num = neg ? (int64_t)(0 - (uint64_t)t->num) : t->num;
	e->type = TYPE_LONG;
	return e;
}

static struct expr *string_literal(struct parser *p, const struct token *t)
{
	struct expr *e = expr_new(p->a, EX_STRING, t->pos);

	e->str = tok_text(p, t);
	e->type = TYPE_STRING;
	return e;
}

static struct expr *expect_string(struct parser *p)
{
	if (peek(p)->kind != TOK_STRING)
		fail_at(p, peek(p), "expected literal string");
	return string_literal(p, next(p));
}

/* A literal number with an optional minus: probe point and global values. */
static struct expr *expect_signed_number(struct parser *p)
{
	bool neg = accept_op(p, "-");

	if (peek(p)->kind != TOK_NUMBER)
		fail_at(p, peek(p), "expected number");
	return number_literal(p, next(p), neg);
}

/* Index list "[a, b]" after the '['; '*' (a wildcard) only if star_ok. */
static void parse_index_list(struct parser *p, expr_vec *args, bool star_ok)
{
	do {
		if (star_ok && is_op(p, "*") &&
		    (tok_is(peek_at(p, 1), TOK_OP, ",") || tok_is(peek_at(p, 1), TOK_OP, "]"))) {
			next(p);
			VEC_PUSH(p->a, *args, NULL);
		} else {
			VEC_PUSH(p->a, *args, parse_expr(p));
		}
	} while (accept_op(p, ","));
	expect_op(p, "]");
}

static void parse_call_args(struct parser *p, expr_vec *args)
{
	expect_op(p, "(");
	if (accept_op(p, ")"))
		return;
	do
		VEC_PUSH(p->a, *args, parse_expr(p));
	while (accept_op(p, ","));
	expect_op(p, ")");
}

/* Count and strip trailing '$'s of a name: "x$$" -> 2 ("x"). */
static int pretty_suffix(const struct token *t, int start, int *name_len)
{
	int k = 0;

	while (t->len - k > start && t->text[t->len - 1 - k] == '$')
		k++;
	*name_len = t->len - k;
	return k;
}

static void add_pretty(struct parser *p, struct expr *e, const struct token *t, int k)
{
	if (k)
		VEC_PUSH(p->a, e->comps,
			 ((struct target_comp){COMP_PRETTY, t->pos, NULL, NULL, k}));
}

/* ->field, [index] and trailing $/$$ after a target variable or @cast. */
static void parse_target_comps(struct parser *p, struct expr *e)
{
	for (;;) {
		const struct token *t = peek(p);

		if (tok_is(t, TOK_OP, "->")) {
			next(p);
			t = peek(p);
			if (t->kind != TOK_IDENT)
				fail_at(p, t, "expected field name after '->'");
			next(p);
			int len, k = pretty_suffix(t, 1, &len);

			VEC_PUSH(
				p->a, e->comps,
				((struct target_comp){COMP_FIELD, t->pos,
						      arena_strndup(p->a, t->text, len), NULL, 0}));
			add_pretty(p, e, t, k);
			if (k)
				return;
		} else if (tok_is(t, TOK_OP, "[")) {
			next(p);
			struct expr *ix = parse_expr(p);

			expect_op(p, "]");
			VEC_PUSH(p->a, e->comps,
				 ((struct target_comp){COMP_INDEX, t->pos, NULL, ix, 0}));
		} else if (t->kind == TOK_TARGET && !t->space_before &&
			   strspn(t->text, "$") == (size_t)t->len) {
			next(p);
			add_pretty(p, e, t, t->len);
			return;
		} else {
			return;
		}
	}
}

/* $name, $$vars, $x$$ ...: stap accepts any '$' name here and judges it in
 * pass 2, and so do we; trailing '$'s are the pretty-print mark. */
static struct expr *parse_target(struct parser *p)
{
	const struct token *t = next(p);
	struct expr *e = expr_new(p->a, EX_TARGET, t->pos);
	int start = t->len >= 2 && t->text[1] == '$' ? 2 : 1;
	int len, k = pretty_suffix(t, start, &len);

	if (t->len == 1)
		fail_at(p, t, "expected a target variable name after '$'");
	if (len == start) { /* all '$': "$$$" */
		len = t->len;
		k = 0;
	}
	e->name = arena_strndup(p->a, t->text, len);
	add_pretty(p, e, t, k);
	if (!k)
		parse_target_comps(p, e);
	return e;
}

/* The end of @cast(x, "type" [, "module"]) and @var("name" [, "module"]),
 * and the components after them. */
static void parse_names(struct parser *p, struct expr *e)
{
	e->str = expect_string(p)->str;
	if (accept_op(p, ","))
		e->str2 = expect_string(p)->str;
	expect_op(p, ")");
	parse_target_comps(p, e);
}

static bool at_is(const struct token *t, const char *name)
{
	return t->kind == TOK_AT && (int)strlen(name) == t->len - 1 &&
	       !memcmp(t->text + 1, name, t->len - 1);
}

static struct expr *parse_at_operator(struct parser *p)
{
	const struct token *t = next(p);
	const char *name = t->text + 1;
	int len = t->len - 1;
	struct expr *e;

	if (at_is(t, "cast")) {
		e = expr_new(p->a, EX_CAST, t->pos);
		expect_op(p, "(");
		e->a = parse_expr(p);
		expect_op(p, ",");
		parse_names(p, e);
		return e;
	}
	if (at_is(t, "var")) {
		e = expr_new(p->a, EX_ATVAR, t->pos);
		expect_op(p, "(");
		parse_names(p, e);
		return e;
	}
	static const char *const stats[] = {"count", "sum",	 "min",		"max",
					    "avg",   "variance", "hist_linear", "hist_log"};
	for (int i = 0; i < 8; i++) {
		if (!at_is(t, stats[i]))
			continue;
		int bare = p->bare_hist;

		p->bare_hist = HIST_VALUE;
		e = expr_new(p->a, EX_STAT, t->pos);
		e->name = stats[i];
		expect_op(p, "(");
		e->a = parse_expr(p);
		if (i == 6) { /* @hist_linear(v, low, high, step) */
			for (int k = 0; k < 3; k++) {
				expect_op(p, ",");
				VEC_PUSH(p->a, e->args, expect_signed_number(p));
			}
		} else if (i == 5 && accept_op(p, ",")) { /* @variance(v, bit_shift) */
			VEC_PUSH(p->a, e->args, expect_signed_number(p));
		}
		expect_op(p, ")");
		if (i >= 6 && is_op(p, "[")) {
			struct expr *ix = expr_new(p->a, EX_INDEX, peek(p)->pos);

			next(p);
			ix->a = e;
			parse_index_list(p, &ix->args, false);
			return ix;
		}
		/* As stap's grammar: a histogram is no value; print and
		 * sprint take it alone, foreach walks its buckets. */
		if (i >= 6 && bare == HIST_VALUE)
			fail_at(p, t, "base histogram operator where expression expected");
		if (i >= 6 && bare == HIST_PRINTED && !is_op(p, ")"))
			fail_at(p, peek(p), "expected ')'");
		return e;
	}
	static const struct {
		const char *name;
		bool guru;
	} ops[] = {
		{"entry", false},    {"defined", false},   {"probewrite", false},
		{"kregister", true}, {"uregister", false}, {"kderef", true},
		{"uderef", false},   {"perf", false},	   {"const", true},
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!at_is(t, ops[i].name))
			continue;
		if (ops[i].guru && !p->embedded_ok)
			fail_at(p, t, "using @%s not permitted in a user script; need -g",
				ops[i].name);
		e = expr_new(p->a, EX_AT_OP, t->pos);
		e->name = ops[i].name;
		expect_op(p, "(");
		if (!strcmp(e->name, "perf") || !strcmp(e->name, "const"))
			VEC_PUSH(p->a, e->args, expect_string(p));
		else if (!strcmp(e->name, "probewrite")) {
			struct expr *v = expr_new(p->a, EX_SYMBOL, peek(p)->pos);

			v->name = tok_text(p, expect_name(p, "variable name"));
			VEC_PUSH(p->a, e->args, v);
		} else if (strstr(e->name, "register")) { /* @kregister(N) */
			VEC_PUSH(p->a, e->args, expect_signed_number(p));
		} else if (strstr(e->name, "deref")) { /* @kderef(SIZE, ADDR) */
			VEC_PUSH(p->a, e->args, expect_signed_number(p));
			expect_op(p, ",");
			VEC_PUSH(p->a, e->args, parse_expr(p));
		} else
			VEC_PUSH(p->a, e->args, parse_expr(p));
		expect_op(p, ")");
		return e;
	}
	fail_at(p, t, "unknown macro or operator '@%.*s'", len, name);
}

/* print(@hist_log(s)) and the like: the histogram drawn (sprint: as a
 * string), the one argument stap's grammar lets stand bare. */
static bool is_print_of_hist(const struct token *t, const struct token *arg)
{
	return (tok_is(t, TOK_IDENT, "print") || tok_is(t, TOK_IDENT, "println") ||
		tok_is(t, TOK_IDENT, "sprint") || tok_is(t, TOK_IDENT, "sprintln")) &&
	       (at_is(arg, "hist_log") || at_is(arg, "hist_linear"));
}

static bool is_print_with_format(const struct token *t)
{
	static const char *const names[] = {"printf",	"sprintf", "printd",
					    "printdln", "sprintd", "sprintdln"};

	for (int i = 0; i < 6; i++)
		if (tok_is(t, TOK_IDENT, names[i]))
			return true;
	return false;
}

/* stap checks printf formats while parsing; so do we (print_format.h). */
static void check_print_format(struct parser *p, const struct expr *fmt)
{
	const char *value = string_value(p->a, fmt->str);
	struct print_conv c;
	int pos = 0, r;

	while ((r = print_format_next(value, &pos, &c)) > 0)
		;
	if (r < 0) {
		diag_error(fmt->pos, "parse error",
			   "invalid or missing conversion specifier in format \"%s\" at \"%.8s\"",
			   fmt->str, value + c.offset);
		longjmp(p->fail, 1);
	}
}

static struct expr *parse_primary(struct parser *p)
{
	const struct token *t = peek(p);
	struct expr *e;

	switch (t->kind) {
	case TOK_NUMBER:
		return number_literal(p, next(p), false);
	case TOK_STRING:
		e = string_literal(p, next(p));
		/* Adjacent literals join, as in C: "a" "b" is "ab". */
		while (peek(p)->kind == TOK_STRING)
			e->str = arena_printf(p->a, "%s%s", e->str, tok_text(p, next(p)));
		return e;
	case TOK_EMBEDDED:
		need_embedded(p, t, "embedded code");
		e = expr_new(p->a, EX_EMBEDDED, t->pos);
		e->str = tok_text(p, next(p));
		return e;
	case TOK_TARGET:
		return parse_target(p);
	case TOK_AT:
		return parse_at_operator(p);
	case TOK_OP:
		if (tok_is(t, TOK_OP, "(")) {
			next(p);
			e = parse_expr(p);
			expect_op(p, ")");
			/* (ptr)[i] and (expr)->f dereference the value (autocast). */
			if (is_op(p, "[") || is_op(p, "->"))
				parse_target_comps(p, e);
			return e;
		}
		break;
	case TOK_IDENT:
		if (tok_is_keyword(t))
			break;
		next(p);
		if (is_op(p, "(")) {
			e = expr_new(p->a, EX_CALL, t->pos);
			e->name = tok_text(p, t);
			if (is_print_with_format(t) && peek_at(p, 1)->kind != TOK_STRING)
				fail_at(p, peek_at(p, 1), "expected literal string (the format)");
			if (is_print_of_hist(t, peek_at(p, 1)))
				p->bare_hist = HIST_PRINTED;
			parse_call_args(p, &e->args);
			/* The format (or delimiter) is a literal on its own, not the
			 * start of an expression: "a" . b is no format. */
			if (is_print_with_format(t) && e->args.v[0]->kind != EX_STRING) {
				diag_error(
					e->args.v[0]->pos, "parse error",
					"expected literal string (the format), not an expression");
				longjmp(p->fail, 1);
			}
			if (tok_is(t, TOK_IDENT, "printf") || tok_is(t, TOK_IDENT, "sprintf"))
				check_print_format(p, e->args.v[0]);
			else if (is_print_with_format(t) && e->args.n < 3)
				/* stap: a delimiter joins two values at least. */
				fail_at(p, peek_at(p, -1),
					"%s needs at least two values to join after its delimiter",
					e->name);
			return e;
		}
		e = expr_new(p->a, EX_SYMBOL, t->pos);
		e->name = tok_text(p, t);
		if (is_op(p, "[")) {
			struct expr *ix = expr_new(p->a, EX_INDEX, t->pos);

			next(p);
			ix->a = e;
			parse_index_list(p, &ix->args, true); /* a[1, *]: judged in pass 2 */
			return ix;
		}
		return e;
	default:
		break;
	}
	fail_at(p, t, "expected an expression");
}

static struct expr *parse_postfix(struct parser *p)
{
	struct expr *e = parse_primary(p);

	/* Any value may be dereferenced, as stap's autocast allows:
	 * task_current()->pid, s->name, (@defined($a) ? $a : $b)->f. */
	if (is_op(p, "->"))
		parse_target_comps(p, e);

	while (is_op(p, "++") || is_op(p, "--")) {
		struct expr *pe = expr_new(p->a, EX_POSTINC, peek(p)->pos);

		pe->op = is_op(p, "++") ? OP_INC : OP_DEC;
		next(p);
		pe->a = e;
		e = pe;
	}
	return e;
}

static struct expr *parse_unary(struct parser *p)
{
	static const struct {
		const char *tok;
		enum op op;
		enum expr_kind kind;
	} unops[] = {
		{"-", OP_NEG, EX_UNARY},   {"+", OP_PLUS, EX_UNARY}, {"!", OP_NOT, EX_UNARY},
		{"~", OP_BNOT, EX_UNARY},  {"&", OP_ADDR, EX_UNARY}, {"++", OP_INC, EX_PREINC},
		{"--", OP_DEC, EX_PREINC},
	};
	for (size_t i = 0; i < sizeof(unops) / sizeof(unops[0]); i++) {
		if (!is_op(p, unops[i].tok))
			continue;
		struct expr *e = expr_new(p->a, unops[i].kind, next(p)->pos);

		e->op = unops[i].op;
		enter(p);
		/* &x applies to a value, not to a whole unary chain. */
		e->a = e->op == OP_ADDR ? parse_postfix(p) : parse_unary(p);
		p->depth--;
		return e;
	}
	return parse_postfix(p);
}

struct binop {
	const char *tok;
	enum op op;
};

static const struct binop mul_ops[] = {{"*", OP_MUL}, {"/", OP_DIV}, {"%", OP_MOD}, {0}};
static const struct binop add_ops[] = {{"+", OP_ADD}, {"-", OP_SUB}, {0}};
static const struct binop cat_ops[] = {{".", OP_CONCAT}, {0}};
static const struct binop shift_ops[] = {{"<<", OP_SHL}, {">>", OP_SHR}, {0}};
static const struct binop cmp_ops[] = {{"==", OP_EQ},	 {"!=", OP_NE},	     {"<", OP_LT},
				       {"<=", OP_LE},	 {">", OP_GT},	     {">=", OP_GE},
				       {"=~", OP_MATCH}, {"!~", OP_NOMATCH}, {0}};
static const struct binop band_ops[] = {{"&", OP_BAND}, {0}};
static const struct binop bxor_ops[] = {{"^", OP_BXOR}, {0}};
static const struct binop bor_ops[] = {{"|", OP_BOR}, {0}};
static const struct binop land_ops[] = {{"&&", OP_LAND}, {0}};
static const struct binop lor_ops[] = {{"||", OP_LOR}, {0}};

static const struct binop *match_binop(struct parser *p, const struct binop *ops)
{
	for (; ops->tok; ops++)
		if (is_op(p, ops->tok))
			return ops;
	return NULL;
}

static struct expr *binary(struct parser *p, struct expr *l, const struct binop *op,
			   struct expr *(*operand)(struct parser *))
{
	struct expr *e = expr_new(p->a, EX_BINARY, next(p)->pos);

	e->op = op->op;
	e->a = l;
	if (op->op == OP_MATCH || op->op == OP_NOMATCH) {
		/* The regex is compiled with the script, so it must be literal. */
		if (peek(p)->kind != TOK_STRING)
			fail_at(p, peek(p), "expected literal string (the regular expression)");
		e->b = string_literal(p, next(p));
	} else {
		e->b = operand(p);
	}
	return e;
}

/* One left-associative level per macro use: name(p) parses ops over sub(p). */
#define BINARY_LEVEL(name, sub, ops)               \
	static struct expr *name(struct parser *p) \
	{                                          \
		struct expr *e = sub(p);           \
		const struct binop *op;            \
		while ((op = match_binop(p, ops))) \
			e = binary(p, e, op, sub); \
		return e;                          \
	}

BINARY_LEVEL(parse_mul, parse_unary, mul_ops)
BINARY_LEVEL(parse_add, parse_mul, add_ops)
BINARY_LEVEL(parse_concat, parse_add, cat_ops)
BINARY_LEVEL(parse_shift, parse_concat, shift_ops)
BINARY_LEVEL(parse_compare, parse_shift, cmp_ops)

static struct expr *array_operand(struct parser *p)
{
	const struct token *t = expect_name(p, "array name after 'in'");
	struct expr *e = expr_new(p->a, EX_SYMBOL, t->pos);

	e->name = tok_text(p, t);
	return e;
}

/* k in a, [k1, k2] in a (keys may be '*'). */
static struct expr *parse_in(struct parser *p)
{
	struct expr *e;

	if (is_op(p, "[")) {
		e = expr_new(p->a, EX_IN, next(p)->pos);
		parse_index_list(p, &e->args, true);
		if (!is_kw(p, "in"))
			fail_at(p, peek(p), "expected 'in'");
		next(p);
		e->a = array_operand(p);
	} else {
		e = parse_compare(p);
	}
	while (is_kw(p, "in")) {
		struct expr *in = expr_new(p->a, EX_IN, next(p)->pos);

		VEC_PUSH(p->a, in->args, e);
		in->a = array_operand(p);
		e = in;
	}
	return e;
}

BINARY_LEVEL(parse_band, parse_in, band_ops)
BINARY_LEVEL(parse_bxor, parse_band, bxor_ops)
BINARY_LEVEL(parse_bor, parse_bxor, bor_ops)
BINARY_LEVEL(parse_land, parse_bor, land_ops)
BINARY_LEVEL(parse_lor, parse_land, lor_ops)

static struct expr *parse_ternary(struct parser *p)
{
	struct expr *c = parse_lor(p);

	if (!is_op(p, "?"))
		return c;
	struct expr *e = expr_new(p->a, EX_TERNARY, next(p)->pos);

	e->a = c;
	e->b = parse_expr(p);
	expect_op(p, ":");
	enter(p);
	e->c = parse_ternary(p);
	p->depth--;
	return e;
}

static const struct binop assign_ops[] = {
	{"=", OP_ASSIGN},	{"+=", OP_ADD_ASSIGN},
	{"-=", OP_SUB_ASSIGN},	{"*=", OP_MUL_ASSIGN},
	{"/=", OP_DIV_ASSIGN},	{"%=", OP_MOD_ASSIGN},
	{"&=", OP_AND_ASSIGN},	{"|=", OP_OR_ASSIGN},
	{"^=", OP_XOR_ASSIGN},	{"<<=", OP_SHL_ASSIGN},
	{">>=", OP_SHR_ASSIGN}, {".=", OP_CONCAT_ASSIGN},
	{"<<<", OP_AGG_ASSIGN}, {0},
};

static struct expr *parse_expr(struct parser *p)
{
	enter(p);
	struct expr *l = parse_ternary(p);
	const struct binop *op = match_binop(p, assign_ops);

	if (op) {
		struct expr *e = expr_new(p->a, EX_ASSIGN, next(p)->pos);

		e->op = op->op;
		e->a = l;
		e->b = parse_expr(p);
		l = e;
	}
	p->depth--;
	return l;
}

/* ---- statements ---- */

static struct stmt *parse_stmt(struct parser *p);

static struct stmt *parse_block(struct parser *p)
{
	const struct token *t = expect_op(p, "{");
	struct stmt *s = stmt_new(p->a, ST_BLOCK, t->pos);

	while (!is_op(p, "}")) {
		if (peek(p)->kind == TOK_EOF)
			fail_at(p, peek(p), "expected '}' to close the block opened at line %d",
				t->pos.line);
		VEC_PUSH(p->a, s->stmts, parse_stmt(p));
	}
	next(p);
	return s;
}

/* A sort mark after a foreach key, value or array: + or -. */
static int sort_mark(struct parser *p)
{
	if (accept_op(p, "+"))
		return 1;
	if (accept_op(p, "-"))
		return -1;
	return 0;
}

static void set_sort(struct parser *p, struct stmt *s, const struct token *at, int col, int dir)
{
	if (!dir)
		return;
	if (s->sort_dir)
		fail_at(p, at, "multiple sort directives in foreach");
	s->sort_col = col;
	s->sort_dir = dir;
}

static void foreach_key(struct parser *p, struct stmt *s)
{
	const struct token *t = expect_name(p, "foreach key variable");

	VEC_PUSH(p->a, s->keys, ((struct foreach_key){t->pos, tok_text(p, t), NULL}));
	set_sort(p, s, t, s->keys.n, sort_mark(p));
}

static struct stmt *parse_foreach(struct parser *p, const struct token *kw)
{
	struct stmt *s = stmt_new(p->a, ST_FOREACH, kw->pos);

	expect_op(p, "(");
	/* v = [k...] in a, v+ = ..., and v+=... (lexed as one token). */
	const struct token *t1 = peek_at(p, 1);

	if (peek(p)->kind == TOK_IDENT &&
	    (tok_is(t1, TOK_OP, "=") || tok_is(t1, TOK_OP, "+=") || tok_is(t1, TOK_OP, "-=") ||
	     ((tok_is(t1, TOK_OP, "+") || tok_is(t1, TOK_OP, "-")) &&
	      tok_is(peek_at(p, 2), TOK_OP, "=")))) {
		const struct token *v = expect_name(p, "foreach value variable");
		int dir = 0;

		s->value = tok_text(p, v);
		if (accept_op(p, "+="))
			dir = 1;
		else if (accept_op(p, "-="))
			dir = -1;
		else {
			dir = sort_mark(p);
			expect_op(p, "=");
		}
		set_sort(p, s, v, -1, dir);
	}
	if (accept_op(p, "[")) {
		s->key_brackets = true;
		do
			foreach_key(p, s);
		while (accept_op(p, ","));
		expect_op(p, "]");
	} else {
		foreach_key(p, s);
	}
	if (!is_kw(p, "in"))
		fail_at(p, peek(p), "expected 'in'");
	next(p);
	const struct token *at = peek(p);

	if (at->kind == TOK_AT) {
		if (!at_is(at, "hist_log") && !at_is(at, "hist_linear"))
			fail_at(p, at, "expected array name or histogram");
		p->bare_hist = HIST_WALKED;
		s->array = parse_at_operator(p);
		if (s->array->kind != EX_STAT)
			fail_at(p, at, "cannot iterate over a histogram bucket");
	} else {
		const struct token *t = expect_name(p, "array name");

		s->array = expr_new(p->a, EX_SYMBOL, t->pos);
		s->array->name = tok_text(p, t);
		if (is_op(p, "[")) {
			struct expr *ix = expr_new(p->a, EX_INDEX, peek(p)->pos);

			next(p);
			ix->a = s->array;
			parse_index_list(p, &ix->args, true);
			s->array = ix;
		}
	}
	/* "in a @sum-": sort by an aggregate of the (statistics) values. */
	const struct token *agg = peek(p);

	if (at_is(agg, "count") || at_is(agg, "sum") || at_is(agg, "min") || at_is(agg, "max") ||
	    at_is(agg, "avg")) {
		next(p);
		s->sort_agg = arena_strndup(p->a, agg->text + 1, agg->len - 1);
		if (!is_op(p, "+") && !is_op(p, "-"))
			fail_at(p, peek(p), "expected '+' or '-' after %.*s", agg->len, agg->text);
	}
	set_sort(p, s, peek(p), -1, sort_mark(p));
	if (is_kw(p, "limit")) {
		next(p);
		s->limit = parse_expr(p);
	}
	expect_op(p, ")");
	s->body = parse_stmt(p);
	return s;
}

/* delete a, delete a[k], delete a[*, k], delete $x... */
static struct expr *parse_delete_target(struct parser *p)
{
	const struct token *t = peek(p);

	if (t->kind == TOK_IDENT && !tok_is_keyword(t) && tok_is(peek_at(p, 1), TOK_OP, "[")) {
		struct expr *e = expr_new(p->a, EX_INDEX, t->pos);

		next(p);
		next(p);
		e->a = expr_new(p->a, EX_SYMBOL, t->pos);
		e->a->name = tok_text(p, t);
		parse_index_list(p, &e->args, true);
		return e;
	}
	return parse_primary(p);
}

static struct stmt *parse_stmt_inner(struct parser *p)
{
	const struct token *t = peek(p);
	struct stmt *s;

	if (tok_is(t, TOK_OP, "{"))
		return parse_block(p);
	if (tok_is(t, TOK_OP, ";")) {
		next(p);
		return stmt_new(p->a, ST_NULL, t->pos);
	}
	if (t->kind == TOK_IDENT && tok_is_keyword(t)) {
		next(p);
		if (tok_is(t, TOK_IDENT, "if")) {
			s = stmt_new(p->a, ST_IF, t->pos);
			expect_op(p, "(");
			s->e = parse_expr(p);
			expect_op(p, ")");
			s->body = parse_stmt(p);
			if (is_kw(p, "else")) {
				next(p);
				s->other = parse_stmt(p);
			}
			return s;
		}
		if (tok_is(t, TOK_IDENT, "while")) {
			s = stmt_new(p->a, ST_WHILE, t->pos);
			expect_op(p, "(");
			s->e = parse_expr(p);
			expect_op(p, ")");
			s->body = parse_stmt(p);
			return s;
		}
		if (tok_is(t, TOK_IDENT, "for")) {
			s = stmt_new(p->a, ST_FOR, t->pos);
			expect_op(p, "(");
			if (!is_op(p, ";"))
				s->init = parse_expr(p);
			expect_op(p, ";");
			if (!is_op(p, ";"))
				s->e = parse_expr(p);
			expect_op(p, ";");
			if (!is_op(p, ")"))
				s->step = parse_expr(p);
			expect_op(p, ")");
			s->body = parse_stmt(p);
			return s;
		}
		if (tok_is(t, TOK_IDENT, "foreach"))
			return parse_foreach(p, t);
		if (tok_is(t, TOK_IDENT, "try")) {
			s = stmt_new(p->a, ST_TRY, t->pos);
			s->body = parse_block(p);
			if (!is_kw(p, "catch"))
				fail_at(p, peek(p), "expected 'catch'");
			next(p);
			if (accept_op(p, "(")) {
				s->catch_var = tok_text(p, expect_name(p, "catch variable"));
				expect_op(p, ")");
			}
			s->other = parse_block(p);
			return s;
		}
		if (tok_is(t, TOK_IDENT, "delete")) {
			s = stmt_new(p->a, ST_DELETE, t->pos);
			s->e = parse_delete_target(p);
		} else if (tok_is(t, TOK_IDENT, "next")) {
			s = stmt_new(p->a, ST_NEXT, t->pos);
		} else if (tok_is(t, TOK_IDENT, "break")) {
			s = stmt_new(p->a, ST_BREAK, t->pos);
		} else if (tok_is(t, TOK_IDENT, "continue")) {
			s = stmt_new(p->a, ST_CONTINUE, t->pos);
		} else if (tok_is(t, TOK_IDENT, "return")) {
			if (!p->in_function)
				fail_at(p, t, "'return' outside a function");
			s = stmt_new(p->a, ST_RETURN, t->pos);
			if (!is_op(p, ";") && !is_op(p, "}"))
				s->e = parse_expr(p);
		} else {
			fail_at(p, t, "expected a statement");
		}
		accept_op(p, ";");
		return s;
	}
	s = stmt_new(p->a, ST_EXPR, t->pos);
	s->e = parse_expr(p);
	accept_op(p, ";");
	return s;
}

static struct stmt *parse_stmt(struct parser *p)
{
	enter(p);
	struct stmt *s = parse_stmt_inner(p);

	p->depth--;
	return s;
}

/* ---- declarations ---- */

static bool comp_piece(const struct token *t)
{
	return t->kind == TOK_IDENT || t->kind == TOK_NUMBER || tok_is(t, TOK_OP, "*");
}

/* One component name: adjacent identifier, number and '*' pieces glued
 * ("sys*_open", "*"); keywords are fine here (".return"). */
static const char *probe_comp_name(struct parser *p)
{
	const struct token *t = peek(p);

	if (t->kind != TOK_IDENT && !tok_is(t, TOK_OP, "*"))
		fail_at(p, t, "expected probe point component");
	char *name = tok_text(p, next(p));

	while (comp_piece(peek(p)) && !peek(p)->space_before)
		name = arena_printf(p->a, "%s%s", name, tok_text(p, next(p)));
	return name;
}

/* A probe point spelled with braces stands for several:
 * syscall.{open,close}.return is syscall.open.return, syscall.close.return.
 * Fragments are expanded as they are parsed, so the tree holds plain points. */
struct fragment {
	VEC(struct probe_comp) comps;
	bool optional, sufficient;
};

typedef VEC(struct fragment) fragment_vec;

#define MAX_EXPANSION 1000

static void parse_marks(struct parser *p, bool *optional, bool *sufficient)
{
	for (;;) {
		if (!*optional && accept_op(p, "?"))
			*optional = true;
		else if (!*sufficient && accept_op(p, "!"))
			*sufficient = true;
		else
			return;
	}
}

static void parse_fragment(struct parser *p, fragment_vec *out)
{
	fragment_vec cur = {0};

	VEC_PUSH(p->a, cur, (struct fragment){0});
	do {
		if (is_op(p, "{")) {
			const struct token *brace = next(p);
			fragment_vec alts = {0}, prod = {0};

			enter(p);
			do {
				fragment_vec sub = {0};
				bool opt = false, suff = false;

				parse_fragment(p, &sub);
				parse_marks(p, &opt, &suff);
				for (int i = 0; i < sub.n; i++) {
					sub.v[i].optional |= opt;
					sub.v[i].sufficient |= suff;
					VEC_PUSH(p->a, alts, sub.v[i]);
				}
			} while (accept_op(p, ","));
			expect_op(p, "}");
			p->depth--;
			if ((long)cur.n * alts.n > MAX_EXPANSION)
				fail_at(p, brace, "brace expansion gives more than %d probe points",
					MAX_EXPANSION);
			for (int i = 0; i < cur.n; i++) {
				for (int j = 0; j < alts.n; j++) {
					struct fragment f = {0};

					for (int k = 0; k < cur.v[i].comps.n; k++)
						VEC_PUSH(p->a, f.comps, cur.v[i].comps.v[k]);
					for (int k = 0; k < alts.v[j].comps.n; k++)
						VEC_PUSH(p->a, f.comps, alts.v[j].comps.v[k]);
					f.optional = cur.v[i].optional || alts.v[j].optional;
					f.sufficient = cur.v[i].sufficient || alts.v[j].sufficient;
					VEC_PUSH(p->a, prod, f);
				}
			}
			cur = prod;
			continue;
		}
		struct probe_comp c = {peek(p)->pos, probe_comp_name(p), NULL};

		if (accept_op(p, "(")) {
			if (peek(p)->kind == TOK_STRING)
				c.arg = parse_primary(p); /* joins "a" "b" */
			else
				c.arg = expect_signed_number(p);
			expect_op(p, ")");
		}
		for (int i = 0; i < cur.n; i++)
			VEC_PUSH(p->a, cur.v[i].comps, c);
	} while (accept_op(p, "."));
	*out = cur;
}

/* One probe point as written (several after brace expansion) into out. */
static void parse_probe_points(struct parser *p, point_vec *out)
{
	struct srcpos pos = peek(p)->pos;
	fragment_vec frags = {0};
	bool optional = false, sufficient = false;
	struct expr *cond = NULL;

	parse_fragment(p, &frags);
	parse_marks(p, &optional, &sufficient);
	if (is_kw(p, "if")) {
		next(p);
		expect_op(p, "(");
		cond = parse_expr(p);
		expect_op(p, ")");
	}
	for (int i = 0; i < frags.n; i++) {
		struct probe_point *pp = arena_alloc(p->a, sizeof(*pp));

		pp->pos = pos;
		pp->comps.v = frags.v[i].comps.v;
		pp->comps.n = pp->comps.cap = frags.v[i].comps.n;
		pp->optional = optional || frags.v[i].optional;
		pp->sufficient = sufficient || frags.v[i].sufficient;
		pp->cond = cond;
		VEC_PUSH(p->a, *out, pp);
	}
}

static void parse_probe(struct parser *p, const struct token *kw)
{
	struct decl *d = decl_new(p->a, DECL_PROBE, kw->pos);

	parse_probe_points(p, &d->points);
	if (is_op(p, "=") || is_op(p, "+=")) {
		if (d->points.n != 1)
			fail_at(p, peek(p), "a probe alias has exactly one name");
		d->kind = DECL_ALIAS;
		d->append = is_op(p, "+=");
		next(p);
		d->alias = d->points.v[0];
		d->points.n = 0;
		parse_probe_points(p, &d->points);
	}
	while (accept_op(p, ","))
		parse_probe_points(p, &d->points);
	if (is_op(p, "=") || is_op(p, "+="))
		fail_at(p, peek(p), "a probe alias has exactly one name");
	p->in_function = false;
	d->body = parse_block(p);
	/* An alias may add an epilogue, run after the using probe's body:
	 * probe a = b { prologue }, { epilogue } */
	if (d->kind == DECL_ALIAS && is_op(p, ",") && tok_is(peek_at(p, 1), TOK_OP, "{")) {
		next(p);
		d->epilogue = parse_block(p);
	}
	VEC_PUSH(p->a, p->script->decls, d);
}

static enum type parse_type(struct parser *p)
{
	if (is_kw(p, "long")) {
		next(p);
		return TYPE_LONG;
	}
	if (is_kw(p, "string")) {
		next(p);
		return TYPE_STRING;
	}
	fail_at(p, peek(p), "expected type 'long' or 'string'");
}

static void parse_function(struct parser *p, bool private_)
{
	const struct token *name = expect_name(p, "function name");
	struct decl *d = decl_new(p->a, DECL_FUNCTION, name->pos);

	d->private_ = private_;
	d->name = tok_text(p, name);
	if (accept_op(p, ":"))
		d->ret = parse_type(p);
	expect_op(p, "(");
	if (!is_op(p, ")")) {
		do {
			const struct token *t = expect_name(p, "parameter name");
			struct param prm = {t->pos, tok_text(p, t), TYPE_UNKNOWN};

			for (int i = 0; i < d->params.n; i++)
				if (!strcmp(d->params.v[i].name, prm.name))
					fail_at(p, t, "duplicate parameter names");

			if (accept_op(p, ":"))
				prm.type = parse_type(p);
			VEC_PUSH(p->a, d->params, prm);
		} while (accept_op(p, ","));
	}
	expect_op(p, ")");
	if (accept_op(p, ":")) {
		if (peek(p)->kind != TOK_NUMBER)
			fail_at(p, peek(p), "expected a number (the function's priority)");
		d->has_priority = true;
		d->priority = next(p)->num;
	}
	if (peek(p)->kind == TOK_EMBEDDED) {
		need_embedded(p, peek(p), "embedded code");
		d->code = tok_text(p, next(p));
	} else {
		p->in_function = true;
		d->body = parse_block(p);
		p->in_function = false;
	}
	VEC_PUSH(p->a, p->script->decls, d);
}

/* As stap, a file declares a global once, whether private or not. */
static void check_global_unique(struct parser *p, const struct token *name, const struct decl *d)
{
	for (int i = 0; i < p->script->decls.n; i++) {
		const struct decl *o = p->script->decls.v[i];

		if (o->kind != DECL_GLOBAL || strcmp(o->name, d->name))
			continue;
		if (o->private_ == d->private_)
			fail_at(p, name, "duplicate global name");
		fail_at(p, name, "global versus private variable declaration conflict");
	}
}

static void parse_global(struct parser *p, bool private_)
{
	do {
		const struct token *name = expect_name(p, "global variable name");
		struct decl *d = decl_new(p->a, DECL_GLOBAL, name->pos);

		d->private_ = private_;
		d->name = tok_text(p, name);
		check_global_unique(p, name, d);
		if (accept_op(p, "%"))
			d->wrap = true;
		if (accept_op(p, "[")) {
			if (peek(p)->kind != TOK_NUMBER || peek(p)->num <= 0)
				fail_at(p, peek(p), "expected a positive array size");
			d->size = next(p)->num;
			expect_op(p, "]");
		}
		if (accept_op(p, "=")) {
			if (d->size || d->wrap)
				fail_at(p, peek(p), "an array cannot have an initial value");
			if (peek(p)->kind == TOK_STRING)
				d->init = string_literal(p, next(p));
			else
				d->init = expect_signed_number(p);
		}
		VEC_PUSH(p->a, p->script->decls, d);
	} while (accept_op(p, ","));
	accept_op(p, ";");
}

static void parse_decl(struct parser *p)
{
	const struct token *t = peek(p);
	bool private_ = false;

	if (t->kind == TOK_EMBEDDED) {
		need_embedded(p, t, "embedded code");
		struct decl *d = decl_new(p->a, DECL_EMBED, t->pos);

		d->code = tok_text(p, next(p));
		VEC_PUSH(p->a, p->script->decls, d);
		return;
	}
	if (tok_is(t, TOK_IDENT, "private")) {
		next(p);
		private_ = true;
		t = peek(p);
		/* "private NAME" alone declares a private global. */
		if (t->kind == TOK_IDENT && !tok_is_keyword(t)) {
			parse_global(p, true);
			return;
		}
		if (!tok_is(t, TOK_IDENT, "global") && !tok_is(t, TOK_IDENT, "function"))
			fail_at(p, t, "expected 'global', 'function' or a name after 'private'");
	}
	if (tok_is(t, TOK_IDENT, "probe")) {
		next(p);
		parse_probe(p, t);
	} else if (tok_is(t, TOK_IDENT, "global")) {
		next(p);
		parse_global(p, private_);
	} else if (tok_is(t, TOK_IDENT, "function")) {
		next(p);
		parse_function(p, private_);
	} else {
		fail_at(p, t, "expected 'probe', 'global', 'private', 'function' or '%%{'");
	}
}

static bool starts_decl(const struct token *t)
{
	return t->kind == TOK_EMBEDDED || tok_is(t, TOK_IDENT, "probe") ||
	       tok_is(t, TOK_IDENT, "global") || tok_is(t, TOK_IDENT, "function") ||
	       tok_is(t, TOK_IDENT, "private");
}

struct script *parse_script(struct session *s, const struct source *src, const macro_vec *macros,
			    bool library)
{
	token_vec toks = {0};
	int errors = diag_errors;

	if (!preprocess(s, src, macros, NULL, &toks))
		return NULL;

	struct parser *p = arena_alloc(s->arena, sizeof(*p));

	p->s = s;
	p->a = s->arena;
	p->t = toks.v;
	p->n = toks.n;
	p->embedded_ok = library || s->guru;
	p->script = arena_alloc(s->arena, sizeof(*p->script));
	p->script->src = src;
	p->script->library = library;

	volatile int nerr = 0;

	if (setjmp(p->fail)) {
		/* Resynchronise on the next declaration; always move on. */
		p->depth = 0;
		p->in_function = false;
		if (++nerr >= MAX_PARSE_ERRORS)
			return NULL;
		next(p);
		while (peek(p)->kind != TOK_EOF && !starts_decl(peek(p)))
			next(p);
	}
	while (peek(p)->kind != TOK_EOF)
		parse_decl(p);
	return diag_errors == errors ? p->script : NULL;
}
