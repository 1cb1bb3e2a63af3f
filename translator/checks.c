// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checks after typing: writes to read-only context values, warnings for
 * variables that are never read or never written and for statements that
 * do nothing, and the elision of what does nothing (skipped with -u, as
 * stap's optimizer is).  Warnings go away with -w.
 */
#include <string.h>

#include "elab_internal.h"

struct checking {
	struct elab *e;
	bool optimize;
	/* The arrays of the foreach loops around the code being checked. */
	const struct symbol *iterated[16];
	int niterated;
};

/* x (an array or an element of one) is modified inside a foreach over
 * that array: a semantic error, as in stap. */
static void check_not_iterated(struct checking *c, const struct expr *x)
{
	if (x && x->kind == EX_INDEX)
		x = x->a;
	if (!x || x->kind != EX_SYMBOL || !x->sym)
		return;
	for (int i = 0; i < c->niterated; i++)
		if (c->iterated[i] == x->sym) {
			diag_error(x->pos, "semantic error",
				   "variable '%s' modified during 'foreach' iteration", x->name);
			return;
		}
}

/* Warnings are about the user's script, never about tapset code. */
static bool in_user_script(const struct checking *c, struct srcpos pos)
{
	return pos.src == c->e->units.v[0].script->src;
}

/* Whether evaluating x can change anything or print. */
bool expr_has_side_effects(const struct expr *x)
{
	if (!x)
		return false;
	switch (x->kind) {
	case EX_ASSIGN:
	case EX_PREINC:
	case EX_POSTINC:
	case EX_CALL:
	case EX_EMBEDDED:
		return true;
	case EX_BINARY:
		/* Division may fail at run time: that is an effect to keep. */
		if (x->op == OP_DIV || x->op == OP_MOD)
			return true;
		break;
	default:
		break;
	}
	if (expr_has_side_effects(x->a) || expr_has_side_effects(x->b) ||
	    expr_has_side_effects(x->c))
		return true;
	for (int i = 0; i < x->args.n; i++)
		if (expr_has_side_effects(x->args.v[i]))
			return true;
	for (int i = 0; i < x->comps.n; i++)
		if (expr_has_side_effects(x->comps.v[i].index))
			return true;
	return false;
}

static void check_writable(struct checking *c, const struct expr *target, const char *how)
{
	if (!target || target->kind != EX_TARGET)
		return;
	const struct derived_probe *p = c->e->probe;
	bool marker = p && (p->kind == PK_PROCESS_MARK || p->kind == PK_KERNEL_MARK);

	diag_error(target->pos, "semantic error", "cannot %s %s: %s", how, target->name,
		   marker ? "marker arguments are read-only"
			  : "target variables are read-only here");
}

static void check_expr(struct checking *c, const struct expr *x)
{
	if (!x)
		return;
	if (x->kind == EX_ASSIGN || x->kind == EX_PREINC || x->kind == EX_POSTINC)
		check_not_iterated(c, x->a);
	if (x->kind == EX_ASSIGN)
		check_writable(c, x->a, "assign to");
	else if (x->kind == EX_PREINC || x->kind == EX_POSTINC)
		check_writable(c, x->a, x->op == OP_INC ? "increment" : "decrement");
	else if (x->kind == EX_UNARY && x->op == OP_ADDR && x->a->kind == EX_TARGET &&
		 x->a->ctx != CTX_NONE)
		diag_error(x->pos, "semantic error",
			   "cannot take the address of %s: it is a value, not a variable",
			   x->a->name);
	check_expr(c, x->a);
	check_expr(c, x->b);
	check_expr(c, x->c);
	for (int i = 0; i < x->args.n; i++)
		check_expr(c, x->args.v[i]);
}

/* An assignment whose only effect is on a local nobody reads. */
static const struct symbol *dead_store(const struct expr *x)
{
	if (x->kind != EX_ASSIGN || x->a->kind != EX_SYMBOL || !x->a->sym)
		return NULL;
	const struct symbol *s = x->a->sym;

	return s->kind == SYM_LOCAL && !s->read ? s : NULL;
}

static void check_stmt(struct checking *c, struct stmt *st);

static struct stmt *expr_stmt(struct checking *c, struct expr *x)
{
	struct stmt *st = stmt_new(c->e->a, ST_EXPR, x->pos);

	st->e = x;
	return st;
}

static bool empty_stmt(const struct stmt *st)
{
	return !st || st->kind == ST_NULL || (st->kind == ST_BLOCK && !st->stmts.n);
}

static struct stmt *reduce(struct checking *c, struct expr *x);

/* The statements of parts that keep an effect, in order, as one. */
static struct stmt *reduce_parts(struct checking *c, struct expr *x, struct expr **parts, int n)
{
	struct stmt *b = stmt_new(c->e->a, ST_BLOCK, x->pos);

	for (int i = 0; i < n; i++) {
		struct stmt *r = parts[i] ? reduce(c, parts[i]) : NULL;

		if (r)
			VEC_PUSH(c->e->a, b->stmts, r);
	}
	return b->stmts.n <= 1 ? (b->stmts.n ? b->stmts.v[0] : NULL) : b;
}

/*
 * An expression evaluated as a statement, cut down as stap's optimizer
 * cuts it (-u keeps it whole): an assignment to a local nobody reads is its
 * value alone; what has no effect (effects.c) goes, with a warning; an
 * operator, a function without effects, an array read or an aggregate
 * keeps only its operands that have one (a && b becomes if (a) b, c ? a : b
 * an if).  NULL when nothing is left.
 */
static struct stmt *reduce(struct checking *c, struct expr *x)
{
	const struct symbol *dead = dead_store(x);

	if (dead) {
		if (in_user_script(c, x->pos))
			diag_warning(x->pos, "eliding assignment to '%s': it is never read",
				     dead->name);
		return reduce(c, x->b);
	}
	if (!expr_effect(x, true)) {
		if (in_user_script(c, x->pos))
			diag_warning(x->pos, "eliding side-effect-free expression");
		return NULL;
	}
	switch (x->kind) {
	case EX_BINARY:
		if ((x->op == OP_LAND || x->op == OP_LOR) && expr_effect(x->b, true)) {
			struct stmt *st = stmt_new(c->e->a, ST_IF, x->pos);
			struct expr *cond = x->a;

			if (x->op == OP_LOR) {
				cond = expr_new(c->e->a, EX_UNARY, x->a->pos);
				cond->op = OP_NOT;
				cond->a = x->a;
				cond->type = TYPE_LONG;
			}
			st->e = cond;
			st->body = reduce(c, x->b);
			if (!st->body)
				st->body = stmt_new(c->e->a, ST_BLOCK, x->pos);
			return st;
		}
		return reduce_parts(c, x, (struct expr *[]){x->a, x->b}, 2);
	case EX_UNARY:
		return reduce(c, x->a);
	case EX_TERNARY: {
		struct stmt *st = stmt_new(c->e->a, ST_IF, x->pos);

		if (x->a->kind == EX_NUMBER) /* as stap folds it */
			return reduce(c, x->a->num ? x->b : x->c);

		st->e = x->a;
		st->body = reduce(c, x->b);
		st->other = reduce(c, x->c);
		if (empty_stmt(st->body) && empty_stmt(st->other))
			return reduce(c, x->a);
		if (!st->body)
			st->body = stmt_new(c->e->a, ST_BLOCK, x->pos);
		return st;
	}
	case EX_CALL:
		if (x->fn ? function_has_effects(x->fn) : x->name[0] != 's')
			return expr_stmt(c, x);
		return reduce_parts(c, x, x->args.v, x->args.n);
	case EX_INDEX:
	case EX_IN:
		return reduce_parts(c, x, x->args.v, x->args.n);
	case EX_STAT:
		return reduce(c, x->a);
	default:
		return expr_stmt(c, x);
	}
}

/* A statement in a body (if, loop, try): reduced as in a block. */
static void check_body(struct checking *c, struct stmt **slot)
{
	struct stmt *st = *slot;

	check_stmt(c, st);
	if (st && st->kind == ST_EXPR && c->optimize) {
		*slot = reduce(c, st->e);
		if (!*slot)
			*slot = stmt_new(c->e->a, ST_BLOCK, st->pos);
	}
}

static void check_block(struct checking *c, struct stmt *st)
{
	int out = 0;

	for (int i = 0; i < st->stmts.n; i++) {
		struct stmt *s = st->stmts.v[i];

		check_stmt(c, s);
		if (s->kind == ST_EXPR && c->optimize) {
			s = reduce(c, s->e);
			if (!s)
				continue;
		}
		if (s->kind == ST_NULL && c->optimize)
			continue;
		/* if (cond) {} with a condition without effect: nothing. */
		if (s->kind == ST_IF && c->optimize && empty_stmt(s->body) &&
		    empty_stmt(s->other) && !expr_effect(s->e, true))
			continue;
		st->stmts.v[out++] = s;
	}
	st->stmts.n = out;
}

static void check_stmt(struct checking *c, struct stmt *st)
{
	if (!st)
		return;
	switch (st->kind) {
	case ST_BLOCK:
		check_block(c, st);
		return;
	case ST_DELETE:
		check_not_iterated(c, st->e);
		check_writable(c, st->e, "delete");
		check_expr(c, st->e);
		return;
	case ST_FOREACH: {
		const struct expr *a = st->array;
		bool push = a && a->kind == EX_SYMBOL && a->sym && c->niterated < 16;

		check_expr(c, st->limit);
		if (push)
			c->iterated[c->niterated++] = a->sym;
		check_stmt(c, st->body);
		if (push)
			c->niterated--;
		return;
	}
	default:
		break;
	}
	check_expr(c, st->e);
	check_expr(c, st->init);
	check_expr(c, st->step);
	check_expr(c, st->limit);
	if (st->kind == ST_IF || st->kind == ST_WHILE || st->kind == ST_FOR) {
		check_body(c, &st->body);
		check_body(c, &st->other);
		return;
	}
	check_stmt(c, st->body);
	check_stmt(c, st->other);
}

/* Count the uses of each local left after elision (in `uses`). */
static void count_uses_expr(const struct expr *x)
{
	if (!x)
		return;
	if (x->sym && x->sym->kind == SYM_LOCAL)
		x->sym->uses++;
	count_uses_expr(x->a);
	count_uses_expr(x->b);
	count_uses_expr(x->c);
	for (int i = 0; i < x->args.n; i++)
		count_uses_expr(x->args.v[i]);
	for (int i = 0; i < x->comps.n; i++)
		count_uses_expr(x->comps.v[i].index);
}

static void count_uses(const struct stmt *st)
{
	if (!st)
		return;
	count_uses_expr(st->e);
	count_uses_expr(st->init);
	count_uses_expr(st->step);
	count_uses_expr(st->array);
	count_uses_expr(st->limit);
	for (int i = 0; i < st->keys.n; i++)
		if (st->keys.v[i].sym)
			st->keys.v[i].sym->uses++;
	if (st->value_sym)
		st->value_sym->uses++;
	if (st->catch_sym)
		st->catch_sym->uses++;
	count_uses(st->body);
	count_uses(st->other);
	for (int i = 0; i < st->stmts.n; i++)
		count_uses(st->stmts.v[i]);
}

/*
 * A tapset alias documents the variables it sets (stap's tapset reference
 * names them).  One the user reads but nothing sets is a value the probe
 * does not have -- with tapsets on markers, typically one stap has that the
 * marker does not carry -- so it is an error naming the alias, not stap's
 * never-assigned warning and a silent 0.
 */
static void check_alias_probe(struct elab *e, const struct derived_probe *p)
{
	const struct decl *a = p->alias;
	const char *set = "";
	int nset = 0;

	if (!a || !a->file || !a->file->library)
		return;
	for (int i = 0; i < p->locals.n; i++) {
		const struct symbol *s = p->locals.v[i];

		if (s->written && s->pos.src != e->units.v[0].script->src && nset++ < 24)
			set = arena_printf(e->a, "%s%s%s", set, *set ? " " : "", s->name);
	}
	for (int i = 0; i < p->locals.n; i++) {
		const struct symbol *s = p->locals.v[i];

		if (!s->read || s->written || s->pos.src != e->units.v[0].script->src)
			continue;
		diag_error(s->pos, "semantic error",
			   "probe alias '%s' (%s:%d) does not set '%s': %s carries no such "
			   "value%s%s",
			   point_text(e->a, a->alias), a->pos.src ? a->pos.src->name : "?",
			   a->pos.line, s->name, probe_short_name(e->a, p),
			   *set ? "; the alias sets: " : "", set);
	}
}

void check_alias_variables(struct elab *e)
{
	/* A glob or a multi-point alias derives many probes from one
	 * point: one error per variable and place is enough. */
	int errors = diag_errors;

	for (int i = 0; i < e->prog->probes.n && diag_errors == errors; i++)
		check_alias_probe(e, e->prog->probes.v[i]);
}

/* Warn about never-assigned locals; drop the locals elision left unused. */
static void finish_locals(struct checking *c, symbol_vec *locals, const struct stmt *body)
{
	int out = 0;

	for (int i = 0; i < locals->n; i++)
		locals->v[i]->uses = 0;
	count_uses(body);
	for (int i = 0; i < locals->n; i++) {
		struct symbol *s = locals->v[i];

		if (s->read && !s->written && in_user_script(c, s->pos))
			diag_warning(s->pos, "never-assigned local variable '%s'", s->name);
		if (s->uses)
			locals->v[out++] = s;
	}
	locals->n = out;
}

void check_program(struct elab *e)
{
	struct checking c = {.e = e, .optimize = !e->s->unoptimized};

	for (int i = 0; i < e->prog->probes.n; i++) {
		struct derived_probe *p = e->prog->probes.v[i];

		e->probe = p;
		check_expr(&c, p->cond);
		check_stmt(&c, p->body);
		finish_locals(&c, &p->locals, p->body);
	}
	e->probe = NULL;
	for (int i = 0; i < e->prog->functions.n; i++) {
		struct function *f = e->prog->functions.v[i];

		if (f->decl->body)
			check_stmt(&c, f->decl->body);
		finish_locals(&c, &f->locals, f->decl->body);
	}
	/* Globals: keep the used ones; say so for the script's own unused ones. */
	for (int i = 0; i < e->globals.n; i++) {
		struct symbol *g = e->globals.v[i];

		if (g->read || g->written) {
			if (g->read && !g->written && !g->decl->init && !g->decl->file->library)
				diag_warning(g->pos, "never-assigned global variable '%s'",
					     g->name);
			g->id = e->prog->globals.n;
			VEC_PUSH(e->a, e->prog->globals, g);
		} else if (!g->decl->file->library && c.optimize) {
			diag_warning(g->pos, "eliding unused variable '%s'", g->name);
		}
	}
	/* The script's functions nobody calls. */
	const struct script *user = e->units.v[0].script;

	for (int k = 0; k < user->decls.n; k++) {
		const struct decl *d = user->decls.v[k];

		if (d->kind == DECL_FUNCTION && (!d->fn || !d->fn->used) && c.optimize)
			diag_warning(d->pos, "eliding unused function '%s'", d->name);
	}
}
