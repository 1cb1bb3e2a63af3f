// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Name binding: every identifier of a probe or function body to its
 * symbol (local, parameter or global), every call to its function (pulling
 * in the tapset file that defines it), every target expression ($arg1,
 * $name...) to the context value it reads.  Functions are bound once, when
 * first called; a name that is neither a local nor a global becomes a local
 * of the probe or function using it, as in stap.
 */
#include <stdlib.h>
#include <string.h>

#include "elab_internal.h"

static const char *const print_builtins[] = {
	"print",  "println",  "printd",	 "printdln",  "printf",
	"sprint", "sprintln", "sprintd", "sprintdln", "sprintf",
};

bool is_print_builtin(const char *name)
{
	for (size_t i = 0; i < sizeof(print_builtins) / sizeof(print_builtins[0]); i++)
		if (!strcmp(name, print_builtins[i]))
			return true;
	return false;
}

static struct symbol *new_symbol(struct elab *e, enum sym_kind kind, const char *name,
				 struct srcpos pos)
{
	struct symbol *s = arena_alloc(e->a, sizeof(*s));

	s->kind = kind;
	s->name = name;
	s->pos = pos;
	s->arity = kind == SYM_GLOBAL ? -1 : 0;
	return s;
}

static struct symbol *find_in(symbol_vec *v, const char *name)
{
	for (int i = 0; v && i < v->n; i++)
		if (!strcmp(v->v[i]->name, name))
			return v->v[i];
	return NULL;
}

/* The script file code at pos comes from: a probe body may hold code of
 * the user's script and of the tapset files of its aliases, and each part
 * sees its own file's private names. */
static const struct script *file_of(struct elab *e, struct srcpos pos)
{
	for (int u = 0; u < e->units.n; u++)
		if (e->units.v[u].script->src == pos.src)
			return e->units.v[u].script;
	return e->file;
}

/* A scalar or array name: parameters, locals, globals; else a new local. */
static struct symbol *lookup(struct elab *e, const char *name, struct srcpos pos, bool array)
{
	struct symbol *s = NULL;

	if (e->fn)
		s = find_in(&e->fn->params, name);
	if (!s)
		s = find_in(e->locals, name);
	if (!s)
		s = library_global(e, name, file_of(e, pos));
	if (s)
		return s;
	if (array || !e->locals)
		return NULL;
	s = new_symbol(e, SYM_LOCAL, name, pos);
	VEC_PUSH(e->a, *e->locals, s);
	return s;
}

static void resolve_expr(struct elab *e, struct expr *x);
static void resolve_stmt(struct elab *e, struct stmt *st);

/* The symbol of an array operand (a[...], foreach, in, delete, @stats). */
static void resolve_array(struct elab *e, struct expr *x, int nkeys)
{
	x->sym = lookup(e, x->name, x->pos, true);
	if (x->sym)
		return;
	if (!e->locals && !e->fn)
		diag_error(x->pos, "semantic error", "probe condition may only use globals: '%s'",
			   x->name);
	else
		diag_error(x->pos, "semantic error",
			   "unresolved arity-%d global array '%s', missing global declaration?",
			   nkeys, x->name);
}

static void mark(struct expr *x, bool read, bool written)
{
	/* Uses in resolution order: probes as written, then the functions they
	 * call (stap prints never-read globals in this order). */
	static int uses;

	if (!x->sym)
		return;
	if (!x->sym->first_use)
		x->sym->first_use = ++uses;
	x->sym->read |= read;
	x->sym->written |= written;
}

/*
 * An assignment target: a variable, an array element or a target variable
 * (refused later, with the probe's context).  updates: x++ or x += n, which
 * read x to update it -- a read of a local, not of a global, by the script
 * (as stap: `n++;` leaves n unread, printed at the end).  reads: the script
 * uses the value (`if (!n++)`, or a delete, which stap counts as a read).
 */
static void resolve_lvalue(struct elab *e, struct expr *x, bool updates, bool reads)
{
	if (x->kind == EX_SYMBOL) {
		x->sym = lookup(e, x->name, x->pos, false);
		mark(x, reads || (updates && x->sym && x->sym->kind != SYM_GLOBAL), true);
	} else if (x->kind == EX_INDEX && x->a->kind == EX_SYMBOL) {
		resolve_array(e, x->a, x->args.n);
		mark(x->a, reads, true);
		for (int i = 0; i < x->args.n; i++)
			resolve_expr(e, x->args.v[i]);
	} else {
		resolve_expr(e, x);
	}
}

static bool is_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static const char *kind_name(const struct derived_probe *p)
{
	return p->kind == PK_BEGIN   ? "begin"
	       : p->kind == PK_END   ? "end"
	       : p->kind == PK_ERROR ? "error"
	       : p->kind == PK_NEVER ? "never"
	       : p->kind == PK_TIMER ? "timer"
				     : "function";
}

/* The names a marker's arguments can be read by, for error messages. */
static const char *marker_fields(struct elab *e, const struct derived_probe *p)
{
	const char *s = "";

	for (int i = 0; i < p->nargs; i++)
		s = arena_printf(e->a, "%s%s$%s", s, i ? ", " : "", p->args[i].name);
	return p->nargs ? s : "none";
}

/*
 * --skip-badvars: as stap, a context variable of a probe that does not
 * resolve reads 0 (with a warning, which stap gives under -v), instead of
 * an error.  Not in a probe condition, nor outside a probe.
 */
static bool skip_badvar(struct elab *e, struct expr *x)
{
	if (!e->s->skip_badvars || !e->probe || e->in_condition)
		return false;
	diag_warning(x->pos, "%s does not resolve in %s: it reads 0 (--skip-badvars)", x->name,
		     e->probe->pp);
	x->kind = EX_NUMBER;
	x->num = 0;
	x->comps.n = 0;
	return true;
}

/*
 * Bind a target expression; report why not when `report`.  Returns
 * whether it names something (for @defined).
 */
static bool resolve_target(struct elab *e, struct expr *x, bool report)
{
	struct derived_probe *p = e->probe;
	const char *name = x->name;
	const char *why = NULL;

	x->ctx = CTX_NONE;
	if (e->in_condition) {
		why = arena_printf(e->a, "a probe condition may only use globals, not %s", name);
	} else if (!p) {
		why = arena_printf(e->a, "target variable %s outside a probe (in function '%s')",
				   name, e->fn ? e->fn->name : "?");
	} else if (p->sdt) {
		/* sys/sdt.h probes: stap's $$name, $$provider, $$parms, $argN */
		if (!strcmp(name, "$$name")) {
			x->ctx = CTX_NAME;
		} else if (!strcmp(name, "$$provider")) {
			x->ctx = CTX_PROVIDER;
		} else if (!strcmp(name, "$$parms") || !strcmp(name, "$$vars")) {
			x->ctx = CTX_PARMS;
		} else if (!strncmp(name, "$arg", 4) && is_digits(name + 4) &&
			   strtol(name + 4, NULL, 10) >= 1 &&
			   strtol(name + 4, NULL, 10) <= p->nargs) {
			x->ctx = CTX_ARG;
			x->ctx_arg = (int)strtol(name + 4, NULL, 10);
		} else {
			why = arena_printf(e->a,
					   "sys/sdt.h probe %s:%s has %d argument%s ($arg1..$argN, "
					   "$$name, $$provider, $$parms): no %s",
					   p->provider, p->mark, p->nargs, p->nargs == 1 ? "" : "s",
					   name);
		}
	} else if (p->kind == PK_PROCESS_MARK || p->kind == PK_KERNEL_MARK) {
		if (!strcmp(name, "$name")) {
			x->ctx = CTX_NAME;
		} else if (!strcmp(name, "$format")) {
			x->ctx = CTX_FORMAT;
		} else if (!strcmp(name, "$$parms") || !strcmp(name, "$$vars")) {
			x->ctx = CTX_PARMS;
		} else if (!strncmp(name, "$arg", 4) && is_digits(name + 4)) {
			long n = strtol(name + 4, NULL, 10);

			if (n == 0)
				why = arena_printf(e->a,
						   "there is no $arg0: marker arguments count "
						   "from $arg1");
			else if (n > p->nargs)
				why = arena_printf(e->a,
						   "marker %s has %d argument%s (format \"%s\"): "
						   "%s is past the last",
						   p->mark, p->nargs, p->nargs == 1 ? "" : "s",
						   p->format, name);
			else {
				x->ctx = CTX_ARG;
				x->ctx_arg = (int)n;
			}
		} else {
			for (int i = 0; i < p->nargs && x->ctx == CTX_NONE; i++)
				if (!strcmp(p->args[i].name, name + 1)) {
					x->ctx = CTX_ARG;
					x->ctx_arg = i + 1;
				}
			if (x->ctx == CTX_NONE)
				why = arena_printf(e->a,
						   "marker %s has no argument named '%s' "
						   "(format \"%s\"; arguments: %s)",
						   p->mark, name + 1, p->format,
						   marker_fields(e, p));
		}
	} else if (p->kind == PK_PROCESS_FUNCTION || p->kind == PK_KERNEL_FUNCTION) {
		if (p->is_return && !strcmp(name, "$return"))
			x->ctx = CTX_RETURN;
		else
			why = arena_printf(e->a,
					   "%s is not available in %s: function probes are "
					   "symbol-table only (no debug info)%s; arguments by "
					   "position: int_arg(N), long_arg(N), pointer_arg(N)...",
					   name, p->pp, p->is_return ? "; only $return is" : "");
	} else {
		why = arena_printf(e->a, "'%s' probes have no target variables: %s", kind_name(p),
				   name);
	}
	if (why) {
		if (report && skip_badvar(e, x))
			return false;
		if (report)
			diag_error(x->pos, "semantic error", "%s", why);
		return false;
	}
	for (int i = 0; i < x->comps.n; i++) {
		const struct target_comp *c = &x->comps.v[i];

		if (c->kind == COMP_PRETTY)
			continue;
		if (report && skip_badvar(e, x))
			return false;
		if (report)
			diag_error(c->pos, "semantic error",
				   "'%s' cannot apply to %s: it is a %s, not a "
				   "pointer to a structure or an array",
				   c->kind == COMP_FIELD ? "->" : "[]", name,
				   x->ctx == CTX_ARG && p->args[x->ctx_arg - 1].script_type ==
								MARKER_STYPE_STRING
					   ? "string"
					   : "number");
		return false;
	}
	return true;
}

static void resolve_args(struct elab *e, expr_vec *v)
{
	for (int i = 0; i < v->n; i++)
		resolve_expr(e, v->v[i]);
}

static void resolve_call(struct elab *e, struct expr *x)
{
	resolve_args(e, &x->args);
	if (e->in_condition) {
		diag_error(x->pos, "semantic error",
			   "a probe condition may not call functions: '%s'", x->name);
		return;
	}
	if (is_print_builtin(x->name))
		return;
	x->fn = library_function(e, x->name, file_of(e, x->pos), x->args.n);
	if (!x->fn) {
		const char *near[3], *hint = "";
		int n = library_similar_functions(e, x->name, near, 3);

		for (int i = 0; i < n; i++)
			hint = arena_printf(e->a, "%s%s%s", hint,
					    i ? ", " : " (similar: ", near[i]);
		diag_error(x->pos, "semantic error", "unresolved function '%s'%s%s", x->name, hint,
			   n ? ")" : "");
		return;
	}
	if (!x->fn->used) {
		x->fn->used = true;
		VEC_PUSH(e->a, e->pending, x->fn);
	}
}

/* X reads through debug info (@cast, @var): never defined for us, as in
 * stap when the type or variable cannot be found. */
static bool needs_dwarf(const struct expr *x)
{
	if (!x)
		return false;
	if (x->kind == EX_CAST || x->kind == EX_ATVAR)
		return true;
	for (int i = 0; i < x->args.n; i++)
		if (needs_dwarf(x->args.v[i]))
			return true;
	return needs_dwarf(x->a) || needs_dwarf(x->b) || needs_dwarf(x->c);
}

/* @defined(X): does X name something here?  Decided now, as stap does. */
static void resolve_defined(struct elab *e, struct expr *x)
{
	struct expr *arg = x->args.n ? x->args.v[0] : NULL;
	bool ok;

	if (!arg || needs_dwarf(arg))
		ok = false;
	else if (arg->kind == EX_TARGET)
		ok = resolve_target(e, arg, false);
	else if (arg->kind == EX_SYMBOL)
		ok = lookup(e, arg->name, arg->pos, true) != NULL;
	else
		ok = true;
	x->kind = EX_NUMBER;
	x->num = ok;
	x->args.n = 0;
	x->name = "defined"; /* remembered: a constant test that prunes branches */
}

static bool is_defined_test(const struct expr *x)
{
	return x->kind == EX_NUMBER && x->name && !strcmp(x->name, "defined");
}

static void resolve_expr(struct elab *e, struct expr *x)
{
	if (!x)
		return;
	switch (x->kind) {
	case EX_NUMBER:
	case EX_STRING:
	case EX_EMBEDDED:
		return;
	case EX_SYMBOL:
		x->sym = lookup(e, x->name, x->pos, !e->locals && !e->fn);
		if (!x->sym)
			diag_error(x->pos, "semantic error",
				   "probe condition may only use globals: '%s'", x->name);
		mark(x, true, false);
		return;
	case EX_INDEX:
		if (x->a->kind == EX_SYMBOL) {
			resolve_array(e, x->a, x->args.n);
			mark(x->a, true, false);
		} else {
			resolve_expr(e, x->a); /* @hist_log(s)[i] */
		}
		resolve_args(e, &x->args);
		return;
	case EX_CALL:
		resolve_call(e, x);
		return;
	case EX_TARGET:
		resolve_target(e, x, true);
		return;
	case EX_CAST:
	case EX_ATVAR:
		/* Inside a macro (@offsetof, @task...): say which one cannot apply,
		 * where the script uses it. */
		if (x->pos.exp)
			diag_error(x->pos.exp->site, "semantic error",
				   "macro @%s cannot apply: its %s needs debug info (DWARF), "
				   "which stapmark does not use",
				   x->pos.exp->macro, x->kind == EX_CAST ? "@cast" : "@var");
		else
			diag_error(x->pos, "semantic error",
				   "%s needs debug info (DWARF), which stapmark does not use",
				   x->kind == EX_CAST ? "@cast" : "@var");
		return;
	case EX_AT_OP:
		if (!strcmp(x->name, "defined")) {
			resolve_defined(e, x);
		} else if (!strcmp(x->name, "entry")) {
			if (!e->probe || !e->probe->is_return)
				diag_error(x->pos, "semantic error",
					   "@entry is only valid in a .return probe");
			resolve_args(e, &x->args);
		} else {
			diag_error(x->pos, "semantic error", "@%s is not supported by stapmark",
				   x->name);
		}
		return;
	case EX_STAT:
		if (x->a && x->a->kind == EX_SYMBOL) {
			resolve_array(e, x->a, 0);
			mark(x->a, true, false);
		} else if (x->a && x->a->kind == EX_INDEX && x->a->a->kind == EX_SYMBOL) {
			resolve_array(e, x->a->a, x->a->args.n);
			mark(x->a->a, true, false);
			resolve_args(e, &x->a->args);
		} else {
			diag_error(x->pos, "semantic error",
				   "@%s needs a statistic: a global or a global array element",
				   x->name);
			resolve_expr(e, x->a);
		}
		resolve_args(e, &x->args);
		return;
	case EX_UNARY:
		resolve_expr(e, x->a);
		return;
	case EX_PREINC:
	case EX_POSTINC:
		resolve_lvalue(e, x->a, true, e->value_dropped != x);
		return;
	case EX_ASSIGN: {
		bool update = x->op != OP_ASSIGN && x->op != OP_AGG_ASSIGN;

		resolve_expr(e, x->b);
		resolve_lvalue(e, x->a, update, update && e->value_dropped != x);
		return;
	}
	case EX_TERNARY:
		resolve_expr(e, x->a);
		if (x->a->kind == EX_NUMBER && is_defined_test(x->a)) {
			/* @defined(...) ? a : b: only the branch it picks exists. */
			struct expr *pick = x->a->num ? x->b : x->c;

			resolve_expr(e, pick);
			*x = *pick;
			return;
		}
		resolve_expr(e, x->b);
		resolve_expr(e, x->c);
		return;
	case EX_BINARY:
		resolve_expr(e, x->a);
		resolve_expr(e, x->b);
		return;
	case EX_IN:
		resolve_args(e, &x->args);
		if (x->a->kind == EX_SYMBOL) {
			resolve_array(e, x->a, x->args.n);
			mark(x->a, true, false);
		} else {
			resolve_expr(e, x->a);
		}
		return;
	}
}

static struct symbol *bind_local(struct elab *e, const char *name, struct srcpos pos)
{
	struct symbol *s = lookup(e, name, pos, false);

	if (s)
		s->written = true;
	return s;
}

/* An expression whose value is dropped: a statement, a for loop's init or
 * step. */
static void resolve_effect(struct elab *e, struct expr *x)
{
	const struct expr *outer = e->value_dropped;

	e->value_dropped = x;
	resolve_expr(e, x);
	e->value_dropped = outer;
}

static void resolve_stmt(struct elab *e, struct stmt *st)
{
	if (!st)
		return;
	switch (st->kind) {
	case ST_NULL:
	case ST_NEXT:
		return;
	case ST_BREAK:
	case ST_CONTINUE:
		if (!e->loops)
			diag_error(st->pos, "semantic error", "'%s' outside a loop",
				   st->kind == ST_BREAK ? "break" : "continue");
		return;
	case ST_BLOCK:
		for (int i = 0; i < st->stmts.n; i++)
			resolve_stmt(e, st->stmts.v[i]);
		return;
	case ST_EXPR:
		resolve_effect(e, st->e);
		return;
	case ST_IF:
		resolve_expr(e, st->e);
		if (is_defined_test(st->e)) {
			/* if (@defined(...)): only the branch it picks exists. */
			struct stmt *pick = st->e->num ? st->body : st->other;

			if (pick) {
				resolve_stmt(e, pick);
				*st = *pick;
			} else {
				st->kind = ST_NULL;
			}
			return;
		}
		resolve_stmt(e, st->body);
		resolve_stmt(e, st->other);
		return;
	case ST_WHILE:
	case ST_FOR:
		resolve_effect(e, st->init);
		resolve_expr(e, st->e);
		resolve_effect(e, st->step);
		e->loops++;
		resolve_stmt(e, st->body);
		e->loops--;
		return;
	case ST_FOREACH: {
		struct expr *arr = st->array;

		if (arr->kind == EX_SYMBOL) {
			resolve_array(e, arr, st->keys.n);
			mark(arr, true, false);
		} else if (arr->kind == EX_INDEX && arr->a->kind == EX_SYMBOL) {
			/* a slice: foreach ([k1, k2] in a[*, 5]) */
			resolve_array(e, arr->a, arr->args.n);
			mark(arr->a, true, false);
			for (int i = 0; i < arr->args.n; i++)
				resolve_expr(e, arr->args.v[i]);
		} else if (arr->kind == EX_STAT && !strncmp(arr->name, "hist_", 5) &&
			   st->keys.n == 1) {
			resolve_expr(e, arr); /* the buckets of a histogram */
		} else {
			diag_error(arr->pos, "semantic error",
				   "foreach needs a global array (or one key over a histogram)");
		}
		for (int i = 0; i < st->keys.n; i++)
			st->keys.v[i].sym = bind_local(e, st->keys.v[i].name, st->keys.v[i].pos);
		if (st->value)
			st->value_sym = bind_local(e, st->value, st->pos);
		resolve_expr(e, st->limit);
		e->loops++;
		resolve_stmt(e, st->body);
		e->loops--;
		return;
	}
	case ST_DELETE:
		/* stap counts a delete as a read too: a global the script only
		 * writes and deletes is not printed at the end. */
		resolve_lvalue(e, st->e, false, true);
		return;
	case ST_RETURN:
		if (!e->fn)
			diag_error(st->pos, "semantic error", "'return' outside a function");
		resolve_expr(e, st->e);
		return;
	case ST_TRY:
		resolve_stmt(e, st->body);
		if (st->catch_var)
			st->catch_sym = bind_local(e, st->catch_var, st->pos);
		resolve_stmt(e, st->other);
		return;
	}
}

static void resolve_function(struct elab *e, struct function *f)
{
	struct decl *d = f->decl;

	f->resolved = true;
	e->probe = NULL;
	e->fn = f;
	e->file = d->file;
	e->locals = &f->locals;
	for (int i = 0; i < d->params.n; i++) {
		if (find_in(&f->params, d->params.v[i].name)) {
			diag_error(d->params.v[i].pos, "semantic error",
				   "function '%s' has two parameters named '%s'", f->name,
				   d->params.v[i].name);
			continue;
		}
		struct symbol *p =
			new_symbol(e, SYM_PARAM, d->params.v[i].name, d->params.v[i].pos);

		p->type = d->params.v[i].type;
		p->type_pos = p->pos;
		p->written = true;
		VEC_PUSH(e->a, f->params, p);
	}
	resolve_stmt(e, d->body);
	e->fn = NULL;
	e->locals = NULL;
}

static void resolve_probe(struct elab *e, struct derived_probe *p)
{
	e->probe = p;
	e->fn = NULL;
	e->file = NULL; /* probes see public globals only, plus their file's */
	for (int u = 0; u < e->units.n; u++) /* the file the user probe came from */
		if (p->pos.src == e->units.v[u].script->src)
			e->file = e->units.v[u].script;
	e->locals = NULL;
	e->in_condition = true; /* globals only */
	resolve_expr(e, p->cond);
	e->in_condition = false;
	e->locals = &p->locals;
	resolve_stmt(e, p->body);
	e->probe = NULL;
	e->locals = NULL;
}

void resolve_program(struct elab *e)
{
	int done = 0;

	/* Each step may include tapset files, which bring probes to derive. */
	for (;;) {
		derive_probes(e);
		if (done == e->prog->probes.n && !e->pending.n)
			break;
		while (done < e->prog->probes.n)
			resolve_probe(e, e->prog->probes.v[done++]);
		while (e->pending.n) {
			struct function *f = e->pending.v[--e->pending.n];

			if (!f->resolved)
				resolve_function(e, f);
		}
	}
	/* Global initializers are constants, but resolve them for types. */
	for (int i = 0; i < e->globals.n; i++) {
		e->file = e->globals.v[i]->decl->file;
		resolve_expr(e, e->globals.v[i]->decl->init);
	}
}
