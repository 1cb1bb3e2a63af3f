// SPDX-License-Identifier: GPL-2.0-or-later
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
