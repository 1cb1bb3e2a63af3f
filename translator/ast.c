// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "ast.h"

const char *const type_name[] = {"unknown", "long", "string", "stats"};

const char *const op_text[OP_COUNT_] = {
	[OP_LOR] = "||",	 [OP_LAND] = "&&",
	[OP_BOR] = "|",		 [OP_BXOR] = "^",
	[OP_BAND] = "&",	 [OP_EQ] = "==",
	[OP_NE] = "!=",		 [OP_LT] = "<",
	[OP_LE] = "<=",		 [OP_GT] = ">",
	[OP_GE] = ">=",		 [OP_MATCH] = "=~",
	[OP_NOMATCH] = "!~",	 [OP_SHL] = "<<",
	[OP_SHR] = ">>",	 [OP_CONCAT] = ".",
	[OP_ADD] = "+",		 [OP_SUB] = "-",
	[OP_MUL] = "*",		 [OP_DIV] = "/",
	[OP_MOD] = "%",		 [OP_NEG] = "-",
	[OP_PLUS] = "+",	 [OP_NOT] = "!",
	[OP_BNOT] = "~",	 [OP_ADDR] = "&",
	[OP_INC] = "++",	 [OP_DEC] = "--",
	[OP_ASSIGN] = "=",	 [OP_ADD_ASSIGN] = "+=",
	[OP_SUB_ASSIGN] = "-=",	 [OP_MUL_ASSIGN] = "*=",
	[OP_DIV_ASSIGN] = "/=",	 [OP_MOD_ASSIGN] = "%=",
	[OP_AND_ASSIGN] = "&=",	 [OP_OR_ASSIGN] = "|=",
	[OP_XOR_ASSIGN] = "^=",	 [OP_SHL_ASSIGN] = "<<=",
	[OP_SHR_ASSIGN] = ">>=", [OP_CONCAT_ASSIGN] = ".=",
	[OP_AGG_ASSIGN] = "<<<",
};

struct expr *expr_new(struct arena *a, enum expr_kind kind, struct srcpos pos)
{
	struct expr *e = arena_alloc(a, sizeof(*e));

	e->kind = kind;
	e->pos = pos;
	return e;
}

struct stmt *stmt_new(struct arena *a, enum stmt_kind kind, struct srcpos pos)
{
	struct stmt *s = arena_alloc(a, sizeof(*s));

	s->kind = kind;
	s->pos = pos;
	return s;
}

struct decl *decl_new(struct arena *a, enum decl_kind kind, struct srcpos pos)
{
	struct decl *d = arena_alloc(a, sizeof(*d));

	d->kind = kind;
	d->pos = pos;
	return d;
}

/* Copy a vector's storage into the arena (the elements themselves are
 * copied by the caller where they own nodes). */
#define VEC_DUP(arena, dst, src)                                                    \
	do {                                                                        \
		(dst).n = (dst).cap = (src).n;                                      \
		(dst).v = NULL;                                                     \
		if ((src).n) {                                                      \
			(dst).v = arena_alloc((arena), sizeof(*(src).v) * (src).n); \
			for (int i_ = 0; i_ < (src).n; i_++)                        \
				(dst).v[i_] = (src).v[i_];                          \
		}                                                                   \
	} while (0)

struct expr *expr_clone(struct arena *a, const struct expr *e)
{
	if (!e)
		return NULL;
	struct expr *c = arena_alloc(a, sizeof(*c));

	*c = *e;
	c->a = expr_clone(a, e->a);
	c->b = expr_clone(a, e->b);
	c->c = expr_clone(a, e->c);
	VEC_DUP(a, c->args, e->args);
	for (int i = 0; i < c->args.n; i++)
		c->args.v[i] = expr_clone(a, e->args.v[i]);
	VEC_DUP(a, c->comps, e->comps);
	for (int i = 0; i < c->comps.n; i++)
		c->comps.v[i].index = expr_clone(a, e->comps.v[i].index);
	return c;
}

struct stmt *stmt_clone(struct arena *a, const struct stmt *s)
{
	if (!s)
		return NULL;
	struct stmt *c = arena_alloc(a, sizeof(*c));

	*c = *s;
	c->e = expr_clone(a, s->e);
	c->init = expr_clone(a, s->init);
	c->step = expr_clone(a, s->step);
	c->body = stmt_clone(a, s->body);
	c->other = stmt_clone(a, s->other);
	VEC_DUP(a, c->stmts, s->stmts);
	for (int i = 0; i < c->stmts.n; i++)
		c->stmts.v[i] = stmt_clone(a, s->stmts.v[i]);
	VEC_DUP(a, c->keys, s->keys);
	c->array = expr_clone(a, s->array);
	c->limit = expr_clone(a, s->limit);
	return c;
}

const char *string_value(struct arena *a, const char *raw)
{
	size_t n = strlen(raw);
	char *out = arena_alloc(a, n + 1), *o = out;

	for (const char *p = raw; *p;) {
		if (*p != '\\' || !p[1]) {
			*o++ = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case 'n':
			*o++ = '\n';
			p++;
			break;
		case 't':
			*o++ = '\t';
			p++;
			break;
		case 'r':
			*o++ = '\r';
			p++;
			break;
		case 'a':
			*o++ = '\a';
			p++;
			break;
		case 'b':
			*o++ = '\b';
			p++;
			break;
		case 'f':
			*o++ = '\f';
			p++;
			break;
		case 'v':
			*o++ = '\v';
			p++;
			break;
		case 'x': {
			int v = 0, k = 0;

			for (p++; k < 2 && strchr("0123456789abcdefABCDEF", *p) && *p; k++, p++)
				v = v * 16 + (*p <= '9' ? *p - '0' : (*p | 32) - 'a' + 10);
			*o++ = (char)v;
			break;
		}
		default:
			if (*p >= '0' && *p <= '7') {
				int v = 0, k = 0;

				for (; k < 3 && *p >= '0' && *p <= '7'; k++, p++)
					v = v * 8 + (*p - '0');
				*o++ = (char)v;
			} else {
				*o++ = *p++; /* \\ \" and anything else: the character */
			}
		}
	}
	*o = 0;
	return out;
}

bool expr_const_number(const struct expr *x, int64_t *v)
{
	int64_t sign = 1;

	while (x && x->kind == EX_UNARY && (x->op == OP_NEG || x->op == OP_PLUS)) {
		if (x->op == OP_NEG)
			sign = -sign;
		x = x->a;
	}
	if (!x || x->kind != EX_NUMBER)
		return false;
	if (v)
		*v = (int64_t)((uint64_t)x->num * (uint64_t)sign);
	return true;
}

void stmt_children(const struct stmt *st, void (*on_expr)(void *arg, const struct expr *x),
		   void (*on_stmt)(void *arg, const struct stmt *s), void *arg)
{
	const struct expr *xs[] = {st->e, st->init, st->step, st->array, st->limit};

	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
		if (xs[i])
			on_expr(arg, xs[i]);
	if (st->body)
		on_stmt(arg, st->body);
	if (st->other)
		on_stmt(arg, st->other);
	for (int i = 0; i < st->stmts.n; i++)
		on_stmt(arg, st->stmts.v[i]);
}

void expr_children(const struct expr *x, void (*on_expr)(void *arg, const struct expr *x),
		   void *arg)
{
	const struct expr *xs[] = {x->a, x->b, x->c};

	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
		if (xs[i])
			on_expr(arg, xs[i]);
	for (int i = 0; i < x->args.n; i++)
		if (x->args.v[i])
			on_expr(arg, x->args.v[i]);
}
