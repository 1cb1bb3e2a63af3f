// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What stap's optimizer counts as an effect, for the elision of statements
 * that have none (checks.c; stap's varuse_collecting_visitor and its
 * side_effect_free_wrt): writing a global, or a local of the probe or
 * function being optimized; printing to the output; embedded C not marked
 * pure; calling a function that does one of these.  A called function's
 * writes to its own locals are no effect, and neither is a read that may
 * fail (a division, a bad %s, user_string): stap elides `10 / 0;` and
 * `user_string(0);`, so we do.
 *
 * This is the optimizer's notion only: code generation keeps its stricter
 * expr_has_side_effects (any call may change a variable) for evaluation
 * order.
 */
#include <string.h>

#include "elab_internal.h"

static bool body_effect(const struct stmt *st);

/* Embedded C is an effect unless it says it is pure, as stap reads it. */
static bool embedded_effect(const char *code)
{
	return !code || !strstr(code, "/* pure */");
}

/* The print family: print* to the output is an effect, sprint* is not. */
static bool prints_to_output(const char *name)
{
	return name[0] != 's';
}

bool function_has_effects(struct function *f)
{
	/* While a recursive function is being judged its own calls add
	 * nothing (stap traverses each function once). */
	if (f->effects == FX_UNKNOWN) {
		f->effects = FX_JUDGING;
		bool fx =
			f->decl->code ? embedded_effect(f->decl->code) : body_effect(f->decl->body);

		f->effects = fx ? FX_SOME : FX_NONE;
	}
	return f->effects == FX_SOME;
}

static bool writes(const struct expr *target, bool locals_count)
{
	const struct expr *v = target && target->kind == EX_INDEX ? target->a : target;

	if (!v || v->kind != EX_SYMBOL || !v->sym)
		return true; /* a target variable, say: stap keeps what it does not know */
	return locals_count || v->sym->kind != SYM_LOCAL;
}

bool expr_effect(const struct expr *x, bool locals_count)
{
	if (!x)
		return false;
	switch (x->kind) {
	case EX_ASSIGN:
	case EX_PREINC:
	case EX_POSTINC:
		if (writes(x->a, locals_count))
			return true;
		break;
	case EX_CALL:
		if (x->fn ? function_has_effects(x->fn) : prints_to_output(x->name))
			return true;
		break;
	case EX_EMBEDDED:
		if (embedded_effect(x->str))
			return true;
		break;
	default:
		break;
	}
	if (expr_effect(x->a, locals_count) || expr_effect(x->b, locals_count) ||
	    expr_effect(x->c, locals_count))
		return true;
	for (int i = 0; i < x->args.n; i++)
		if (expr_effect(x->args.v[i], locals_count))
			return true;
	for (int i = 0; i < x->comps.n; i++)
		if (expr_effect(x->comps.v[i].index, locals_count))
			return true;
	return false;
}

/* A function body: only what reaches beyond its own locals counts. */
static bool body_effect(const struct stmt *st)
{
	if (!st)
		return false;
	if (st->kind == ST_NEXT) /* leaves the probe from inside the function */
		return true;
	if (st->kind == ST_DELETE && writes(st->e, false))
		return true;
	if (expr_effect(st->e, false) || expr_effect(st->init, false) ||
	    expr_effect(st->step, false) || expr_effect(st->array, false) ||
	    expr_effect(st->limit, false) || body_effect(st->body) || body_effect(st->other))
		return true;
	for (int i = 0; i < st->stmts.n; i++)
		if (body_effect(st->stmts.v[i]))
			return true;
	return false;
}
