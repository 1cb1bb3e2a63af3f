// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Type inference.  Types flow both ways (x = 1 types x; f(x) with x known
 * types f's parameter; a[k] = v types a's keys and values), so the walk
 * repeats until nothing changes.  Conflicts are reported only in a last
 * walk, once everything that can be known is, so that each is reported
 * once, with where the type was first inferred.
 */
#include <string.h>

#include "elab_internal.h"
#include "print_format.h"

struct typing {
	struct elab *e;
	bool changed;
	bool report; /* the last walks: report conflicts */
	bool report_unknown; /* the very last: report what stayed unknown */
	struct function *fn; /* the function being walked, or NULL */
	bool star_ok; /* an index of delete: '*' allowed */
	const struct expr *stmt_expr; /* the expression of an expression statement */
};

static const char *tname(enum type t)
{
	return type_name[t];
}

/* Give sym type t (seen at pos); report a conflict in the last walk. */
static void unify_sym(struct typing *ty, struct symbol *s, enum type t, struct srcpos pos)
{
	if (!s || t == TYPE_UNKNOWN)
		return;
	if (s->type == TYPE_UNKNOWN) {
		s->type = t;
		s->type_pos = pos;
		ty->changed = true;
	} else if (s->type != t && ty->report) {
		diag_error(pos, "semantic error", "type mismatch for '%s': %s here, but %s before",
			   s->name, tname(t), tname(s->type));
		diag_note(s->type_pos, "type of '%s' was first inferred here (%s)", s->name,
			  tname(s->type));
	}
}

static void unify_arity(struct typing *ty, struct symbol *s, int arity, struct srcpos pos)
{
	if (!s)
		return;
	if (s->arity < 0) {
		s->arity = arity;
		s->arity_pos = pos;
		ty->changed = true;
	} else if (s->arity != arity && ty->report) {
		diag_error(pos, "semantic error",
			   "inconsistent arity for '%s': used with %d index%s here, %d before",
			   s->name, arity, arity == 1 ? "" : "es", s->arity);
		if (s->arity_pos.src)
			diag_note(s->arity_pos, "arity of '%s' first inferred here (%d)", s->name,
				  s->arity);
	}
}

static void unify_key(struct typing *ty, struct symbol *s, int k, enum type t, struct srcpos pos)
{
	if (!s || t == TYPE_UNKNOWN || k >= ELAB_MAX_KEYS)
		return;
	if (t == TYPE_STATS) {
		if (ty->report)
			diag_error(pos, "semantic error", "a statistic cannot be an array index");
		return;
	}
	if (s->keys[k] == TYPE_UNKNOWN) {
		s->keys[k] = t;
		s->key_pos[k] = pos;
		ty->changed = true;
	} else if (s->keys[k] != t && ty->report) {
		diag_error(pos, "semantic error", "index %d of '%s' is %s here, but %s before",
			   k + 1, s->name, tname(t), tname(s->keys[k]));
		diag_note(s->key_pos[k], "type of index %d first inferred here (%s)", k + 1,
			  tname(s->keys[k]));
	}
}

/* The expression must have type want (when both are known). */
static void expect(struct typing *ty, const struct expr *x, enum type have, enum type want,
		   const char *what)
{
	if (ty->report && have != TYPE_UNKNOWN && want != TYPE_UNKNOWN && have != want)
		diag_error(x->pos, "semantic error", "type mismatch: %s must be %s, not %s", what,
			   tname(want), tname(have));
}

static enum type infer(struct typing *ty, struct expr *x, enum type want);

static enum type context_type(const struct elab *e, const struct derived_probe *p,
			      const struct expr *x)
{
	(void)e;
	for (int i = 0; i < x->comps.n; i++)
		if (x->comps.v[i].kind == COMP_PRETTY)
			return TYPE_STRING;
	switch (x->ctx) {
	case CTX_ARG:
		return p && p->args[x->ctx_arg - 1].script_type == MARKER_STYPE_STRING ? TYPE_STRING
										       : TYPE_LONG;
	case CTX_NAME:
	case CTX_FORMAT:
	case CTX_PARMS:
	case CTX_PROVIDER:
		return TYPE_STRING;
	case CTX_RETURN:
		return TYPE_LONG;
	default:
		return TYPE_UNKNOWN;
	}
}

/* The value an @stat operand or array element names: returns its symbol. */
static struct symbol *stat_operand(struct typing *ty, struct expr *a)
{
	if (a && a->kind == EX_SYMBOL) {
		unify_arity(ty, a->sym, 0, a->pos);
		return a->sym;
	}
	if (a && a->kind == EX_INDEX && a->a->kind == EX_SYMBOL) {
		struct symbol *s = a->a->sym;

		unify_arity(ty, s, a->args.n, a->pos);
		for (int i = 0; i < a->args.n; i++) {
			if (!a->args.v[i]) {
				if (ty->report)
					diag_error(a->pos, "semantic error",
						   "wildcard '*' is only allowed in delete, in and "
						   "foreach");
				continue;
			}
			unify_key(ty, s, i, infer(ty, a->args.v[i], s ? s->keys[i] : TYPE_UNKNOWN),
				  a->args.v[i]->pos);
		}
		return s;
	}
	return NULL;
}

static enum type infer_index(struct typing *ty, struct expr *x, enum type want)
{
	if (x->a->kind != EX_SYMBOL) { /* @hist_log(s)[bucket] */
		infer(ty, x->a, TYPE_UNKNOWN);
		for (int i = 0; i < x->args.n; i++)
			expect(ty, x->args.v[i], infer(ty, x->args.v[i], TYPE_LONG), TYPE_LONG,
			       "a histogram bucket");
		return TYPE_LONG;
	}
	struct symbol *s = x->a->sym;

	if (!s)
		return TYPE_UNKNOWN;
	if (s->kind != SYM_GLOBAL && ty->report) {
		diag_error(x->pos, "semantic error", "'%s' is a local: only globals can be arrays",
			   s->name);
		return TYPE_UNKNOWN;
	}
	unify_arity(ty, s, x->args.n, x->pos);
	for (int i = 0; i < x->args.n; i++) {
		if (!x->args.v[i]) { /* '*': any key, only where a set of keys makes sense */
			if (ty->report && !ty->star_ok)
				diag_error(
					x->pos, "semantic error",
					"wildcard '*' is only allowed in delete, in and foreach");
			continue;
		}
		unify_key(ty, s, i, infer(ty, x->args.v[i], i < ELAB_MAX_KEYS ? s->keys[i] : 0),
			  x->args.v[i]->pos);
	}
	unify_sym(ty, s, want, x->pos);
	return s->type;
}

/* printf-style format: check each argument against its conversion (pass 1
 * has checked the format itself). */
static void check_format(struct typing *ty, struct expr *x)
{
	struct expr *fmt = x->args.n ? x->args.v[0] : NULL;
	struct print_conv c;
	int arg = 1, pos = 0;

	if (!fmt || fmt->kind != EX_STRING)
		return;
	const char *s = string_value(ty->e->a, fmt->str);

	while (print_format_next(s, &pos, &c) > 0) {
		for (int star = 0; star < c.star_width + c.star_precision; star++, arg++)
			if (arg < x->args.n)
				expect(ty, x->args.v[arg], infer(ty, x->args.v[arg], TYPE_LONG),
				       TYPE_LONG, "a '*' width or precision");
		enum type want = print_conv_is_string(c.conv) ? TYPE_STRING : TYPE_LONG;

		if (arg < x->args.n)
			expect(ty, x->args.v[arg], infer(ty, x->args.v[arg], want), want,
			       arena_printf(ty->e->a, "the argument of %%%c", c.conv));
		arg++;
	}
	if (ty->report && arg != x->args.n)
		diag_error(x->pos, "semantic error",
			   "wrong number of arguments to %s: the format takes %d, %d given",
			   x->name, arg - 1, x->args.n - 1);
	for (int i = arg; i < x->args.n; i++)
		infer(ty, x->args.v[i], TYPE_UNKNOWN);
}

static enum type infer_print(struct typing *ty, struct expr *x)
{
	const char *n = x->name;
	bool to_string = n[0] == 's';

	if (!strcmp(n, "printf") || !strcmp(n, "sprintf")) {
		check_format(ty, x);
	} else {
		bool delim = strstr(n, "printd") != NULL;
		int first = delim ? 1 : 0;

		if (delim && x->args.n) {
			struct expr *d = x->args.v[0];

			expect(ty, d, infer(ty, d, TYPE_STRING), TYPE_STRING, "the delimiter");
			if (ty->report && d->kind != EX_STRING)
				diag_error(d->pos, "semantic error",
					   "the delimiter of %s must be a string literal", n);
		}
		if (ty->report && x->args.n <= first && strcmp(n, "println") &&
		    strcmp(n, "sprintln"))
			diag_error(x->pos, "semantic error", "%s needs at least one value", n);
		for (int i = first; i < x->args.n; i++) {
			struct expr *a = x->args.v[i];
			enum type t = infer(ty, a, TYPE_UNKNOWN);

			/* Only a histogram (@hist_*) prints as a statistic. */
			if (ty->report && t == TYPE_STATS && a->kind != EX_STAT)
				diag_error(a->pos, "semantic error",
					   "a statistic prints through @count, @sum, @avg, ... or "
					   "@hist_log/@hist_linear");
		}
	}
	return to_string ? TYPE_STRING : TYPE_LONG;
}

static enum type infer_call(struct typing *ty, struct expr *x)
{
	if (is_print_builtin(x->name))
		return infer_print(ty, x);
	struct function *f = x->fn;

	if (!f) {
		for (int i = 0; i < x->args.n; i++)
			infer(ty, x->args.v[i], TYPE_UNKNOWN);
		return TYPE_UNKNOWN;
	}
	if (x->args.n != f->decl->params.n) {
		if (ty->report) {
			diag_error(x->pos, "semantic error",
				   "function '%s' takes %d argument%s, %d given", f->name,
				   f->decl->params.n, f->decl->params.n == 1 ? "" : "s", x->args.n);
			diag_note(f->decl->pos, "'%s' is defined here", f->name);
		}
		return f->ret;
	}
	for (int i = 0; i < x->args.n; i++) {
		struct symbol *p = i < f->params.n ? f->params.v[i] : NULL;
		enum type t = infer(ty, x->args.v[i], p ? p->type : TYPE_UNKNOWN);

		if (t == TYPE_STATS && ty->report)
			diag_error(x->args.v[i]->pos, "semantic error",
				   "a statistic cannot be passed to a function");
		else
			unify_sym(ty, p, t, x->args.v[i]->pos);
	}
	return f->ret;
}

static bool is_compare(enum op op)
{
	return op >= OP_EQ && op <= OP_GE;
}

static enum type infer_assign(struct typing *ty, struct expr *x, enum type want)
{
	struct expr *l = x->a;

	if (x->op == OP_AGG_ASSIGN) {
		expect(ty, x->b, infer(ty, x->b, TYPE_LONG), TYPE_LONG, "a value added with <<<");
		if (l->kind == EX_SYMBOL || l->kind == EX_INDEX) {
			struct symbol *s = l->kind == EX_SYMBOL ? l->sym : l->a->sym;

			if (l->kind == EX_SYMBOL)
				unify_arity(ty, s, 0, l->pos);
			else
				infer_index(ty, l, TYPE_STATS);
			unify_sym(ty, s, TYPE_STATS, l->pos);
			if (s && s->kind != SYM_GLOBAL && ty->report)
				diag_error(l->pos, "semantic error",
					   "'%s' is a local: statistics must be globals", s->name);
		} else if (ty->report) {
			diag_error(l->pos, "semantic error", "<<< needs a global statistic");
		}
		return TYPE_LONG;
	}
	enum type operand = x->op == OP_ASSIGN		? want
			    : x->op == OP_CONCAT_ASSIGN ? TYPE_STRING
							: TYPE_LONG;
	enum type lt = infer(ty, l, operand);
	enum type rt = infer(ty, x->b, lt != TYPE_UNKNOWN ? lt : operand);

	if (lt == TYPE_UNKNOWN && rt != TYPE_UNKNOWN)
		lt = infer(ty, l, rt);
	if (lt == TYPE_STATS || rt == TYPE_STATS) {
		if (ty->report)
			diag_error(x->pos, "semantic error",
				   "a statistic is only added to (<<<), never assigned");
		return TYPE_UNKNOWN;
	}
	if (ty->report && lt != TYPE_UNKNOWN && rt != TYPE_UNKNOWN && lt != rt) {
		diag_error(x->b->pos, "semantic error", "type mismatch: assigning a %s to %s, a %s",
			   tname(rt),
			   l->sym			      ? l->sym->name
			   : l->kind == EX_INDEX && l->a->sym ? l->a->sym->name
							      : "a target",
			   tname(lt));
		struct symbol *s = l->sym ? l->sym : l->kind == EX_INDEX ? l->a->sym : NULL;

		if (s && s->type_pos.src)
			diag_note(s->type_pos, "type of '%s' was first inferred here (%s)", s->name,
				  tname(s->type));
	}
	if (x->op != OP_ASSIGN)
		expect(ty, x->b, rt, operand,
		       arena_printf(ty->e->a, "the operand of %s", op_text[x->op]));
	return lt;
}

static bool pos_before(struct srcpos a, struct srcpos b)
{
	return a.src == b.src && (a.line < b.line || (a.line == b.line && a.col < b.col));
}

/* @variance(s [, N]): one statistic has one bit shift from 0 to 62. */
static void variance_shift(struct typing *ty, struct symbol *s, struct expr *x)
{
	int64_t n = 0;

	s->variance = true;
	if (x->args.n && !expr_const_number(x->args.v[0], &n))
		return; /* reported above */
	if (n < 0 || n > 62) {
		if (ty->report)
			diag_error(x->pos, "semantic error",
				   "bit shift (%lld) out of range <0..62>", (long long)n);
		return;
	}
	/* As stap 4.8: 0 (none given) leaves the shift open for a later N;
	 * a shift fixed earlier in the script conflicts with any other, 0
	 * included.  (Typing walks the program more than once: compare
	 * positions, not the order of the walks.) */
	if (s->variance_shift && s->variance_shift != n &&
	    (n || pos_before(s->variance_shift_at, x->pos))) {
		if (ty->report)
			diag_error(x->pos, "semantic error",
				   "conflicting bit shifts declared (previously %d)",
				   s->variance_shift);
		return;
	}
	if (n) {
		s->variance_shift = (int)n;
		s->variance_shift_at = x->pos;
	}
}

/* One statistic has one kind of histogram (with one set of parameters). */
static void check_hist_kind(struct typing *ty, struct symbol *s, struct expr *x)
{
	if (!s->hist) {
		s->hist = x;
		return;
	}
	bool same = !strcmp(s->hist->name, x->name) && s->hist->args.n == x->args.n;

	for (int i = 0; same && i < x->args.n; i++) {
		int64_t a, b;

		same = expr_const_number(x->args.v[i], &a) &&
		       expr_const_number(s->hist->args.v[i], &b) && a == b;
	}
	if (!same && ty->report) {
		diag_error(x->pos, "semantic error",
			   "multiple histogram types declared on '%s': @%s here", s->name, x->name);
		diag_note(s->hist->pos, "@%s first used here", s->hist->name);
	}
}

static enum type infer(struct typing *ty, struct expr *x, enum type want)
{
	enum type t = TYPE_UNKNOWN;

	if (!x)
		return TYPE_UNKNOWN;
	switch (x->kind) {
	case EX_NUMBER:
		t = TYPE_LONG;
		break;
	case EX_STRING:
		t = TYPE_STRING;
		break;
	case EX_EMBEDDED:
		t = strstr(x->str, "/* string */") ? TYPE_STRING : TYPE_LONG;
		break;
	case EX_SYMBOL:
		if (!x->sym)
			break;
		unify_arity(ty, x->sym, 0, x->pos);
		unify_sym(ty, x->sym, want, x->pos);
		t = x->sym->type;
		break;
	case EX_INDEX:
		t = infer_index(ty, x, want);
		break;
	case EX_CALL:
		t = infer_call(ty, x);
		if (ty->report_unknown && t == TYPE_UNKNOWN && x->fn && x != ty->stmt_expr)
			diag_error(x->pos, "semantic error",
				   "function '%s' returns no value, but its value is used",
				   x->name);
		break;
	case EX_TARGET:
		t = context_type(ty->e, ty->e->probe, x);
		break;
	case EX_CAST:
	case EX_ATVAR:
		break;
	case EX_AT_OP: /* @entry(e) */
		t = x->args.n ? infer(ty, x->args.v[0], want) : TYPE_UNKNOWN;
		break;
	case EX_STAT: {
		struct symbol *s = stat_operand(ty, x->a);

		unify_sym(ty, s, TYPE_STATS, x->a ? x->a->pos : x->pos);
		if (s && ty->report && s->type != TYPE_STATS && s->type != TYPE_UNKNOWN)
			diag_error(x->pos, "semantic error", "@%s needs a statistic; '%s' is a %s",
				   x->name, s->name, tname(s->type));
		for (int i = 0; i < x->args.n; i++)
			if (!expr_const_number(x->args.v[i], NULL) && ty->report)
				diag_error(x->args.v[i]->pos, "semantic error",
					   "a histogram parameter must be a number literal");
		if (s && !strcmp(x->name, "variance"))
			variance_shift(ty, s, x);
		if (!strncmp(x->name, "hist_", 5)) {
			if (s)
				check_hist_kind(ty, s, x);
			t = TYPE_STATS;
		} else {
			t = TYPE_LONG;
		}
		break;
	}
	case EX_UNARY:
		expect(ty, x->a, infer(ty, x->a, TYPE_LONG), TYPE_LONG,
		       arena_printf(ty->e->a, "the operand of unary %s", op_text[x->op]));
		t = TYPE_LONG;
		break;
	case EX_PREINC:
	case EX_POSTINC:
		expect(ty, x->a, infer(ty, x->a, TYPE_LONG), TYPE_LONG,
		       arena_printf(ty->e->a, "the operand of %s", op_text[x->op]));
		t = TYPE_LONG;
		break;
	case EX_BINARY:
		if (x->op == OP_CONCAT || x->op == OP_MATCH || x->op == OP_NOMATCH) {
			expect(ty, x->a, infer(ty, x->a, TYPE_STRING), TYPE_STRING,
			       arena_printf(ty->e->a, "the left operand of %s", op_text[x->op]));
			expect(ty, x->b, infer(ty, x->b, TYPE_STRING), TYPE_STRING,
			       arena_printf(ty->e->a, "the right operand of %s", op_text[x->op]));
			if (ty->report && x->op != OP_CONCAT && x->b->kind != EX_STRING)
				diag_error(x->b->pos, "semantic error",
					   "the regular expression of %s must be a string literal",
					   op_text[x->op]);
			t = x->op == OP_CONCAT ? TYPE_STRING : TYPE_LONG;
		} else if (is_compare(x->op)) {
			enum type a = infer(ty, x->a, TYPE_UNKNOWN);
			enum type b = infer(ty, x->b, a);

			if (a == TYPE_UNKNOWN)
				a = infer(ty, x->a, b);
			if (ty->report && (a == TYPE_STATS || b == TYPE_STATS))
				diag_error(x->pos, "semantic error",
					   "a statistic cannot be compared");
			else if (ty->report && a != TYPE_UNKNOWN && b != TYPE_UNKNOWN && a != b)
				diag_error(x->pos, "semantic error",
					   "type mismatch: comparing a %s with a %s", tname(a),
					   tname(b));
			t = TYPE_LONG;
		} else {
			const char *what =
				arena_printf(ty->e->a, "an operand of %s", op_text[x->op]);

			expect(ty, x->a, infer(ty, x->a, TYPE_LONG), TYPE_LONG, what);
			expect(ty, x->b, infer(ty, x->b, TYPE_LONG), TYPE_LONG, what);
			t = TYPE_LONG;
		}
		break;
	case EX_ASSIGN:
		t = infer_assign(ty, x, want);
		break;
	case EX_TERNARY: {
		expect(ty, x->a, infer(ty, x->a, TYPE_LONG), TYPE_LONG, "a condition");
		enum type b = infer(ty, x->b, want);
		enum type c = infer(ty, x->c, b != TYPE_UNKNOWN ? b : want);

		if (b == TYPE_UNKNOWN)
			b = infer(ty, x->b, c);
		if (ty->report && b != TYPE_UNKNOWN && c != TYPE_UNKNOWN && b != c)
			diag_error(x->pos, "semantic error",
				   "type mismatch: the branches of ?: are a %s and a %s", tname(b),
				   tname(c));
		t = b != TYPE_UNKNOWN ? b : c;
		break;
	}
	case EX_IN: {
		struct symbol *s = x->a->kind == EX_SYMBOL ? x->a->sym : NULL;

		if (s) {
			unify_arity(ty, s, x->args.n, x->pos);
			for (int i = 0; i < x->args.n; i++) {
				struct expr *k = x->args.v[i];

				if (k) /* [k, *] in a: any key */
					unify_key(ty, s, i,
						  infer(ty, k, i < ELAB_MAX_KEYS ? s->keys[i] : 0),
						  k->pos);
			}
		} else {
			infer(ty, x->a, TYPE_UNKNOWN);
		}
		t = TYPE_LONG;
		break;
	}
	}
	if (ty->report_unknown && t == TYPE_UNKNOWN && x->kind == EX_SYMBOL && x->sym &&
	    !x->sym->reported && (x->sym->reported = true))
		diag_error(x->pos, "semantic error", "unresolved type for '%s'%s", x->name,
			   x->sym->written ? "" : " (it is never assigned)");
	x->type = t;
	return t;
}

static void infer_foreach(struct typing *ty, struct stmt *st)
{
	struct expr *arr = st->array;
	struct symbol *s = arr->kind == EX_SYMBOL  ? arr->sym
			   : arr->kind == EX_INDEX ? arr->a->sym
						   : NULL;

	if (arr->kind == EX_STAT) { /* foreach (bucket = count in @hist_*(s)) */
		infer(ty, arr, TYPE_UNKNOWN);
		if (st->keys.n && st->keys.v[0].sym)
			unify_sym(ty, st->keys.v[0].sym, TYPE_LONG, st->keys.v[0].pos);
		if (st->value_sym)
			unify_sym(ty, st->value_sym, TYPE_LONG, st->pos);
		if (st->limit)
			expect(ty, st->limit, infer(ty, st->limit, TYPE_LONG), TYPE_LONG,
			       "the limit");
		return;
	}
	if (!s)
		return;
	unify_arity(ty, s, st->keys.n, arr->pos);
	if (arr->kind == EX_INDEX) { /* slice: fixed keys and '*' */
		for (int i = 0; i < arr->args.n; i++)
			if (arr->args.v[i])
				unify_key(ty, s, i, infer(ty, arr->args.v[i], s->keys[i]),
					  arr->args.v[i]->pos);
		if (ty->report && arr->args.n != st->keys.n)
			diag_error(arr->pos, "semantic error",
				   "the slice has %d indexes but foreach binds %d keys",
				   arr->args.n, st->keys.n);
	}
	for (int i = 0; i < st->keys.n && i < ELAB_MAX_KEYS; i++) {
		struct symbol *k = st->keys.v[i].sym;

		if (!k)
			continue;
		unify_key(ty, s, i, k->type, st->keys.v[i].pos);
		unify_sym(ty, k, s->keys[i], st->keys.v[i].pos);
	}
	if (st->value_sym) {
		if (s->type == TYPE_STATS && ty->report)
			diag_error(st->pos, "semantic error",
				   "foreach cannot bind the value of a statistics array; use "
				   "@count(%s[...]) "
				   "and friends",
				   s->name);
		else {
			unify_sym(ty, st->value_sym, s->type, st->pos);
			unify_sym(ty, s, st->value_sym->type, st->pos);
		}
	}
	if (ty->report && st->sort_col > st->keys.n)
		diag_error(st->pos, "semantic error", "sort mark on key %d of %d", st->sort_col,
			   st->keys.n);
	if (st->limit)
		expect(ty, st->limit, infer(ty, st->limit, TYPE_LONG), TYPE_LONG, "the limit");
}

static void infer_stmt(struct typing *ty, struct stmt *st)
{
	if (!st)
		return;
	switch (st->kind) {
	case ST_NULL:
	case ST_NEXT:
	case ST_BREAK:
	case ST_CONTINUE:
		return;
	case ST_BLOCK:
		for (int i = 0; i < st->stmts.n; i++)
			infer_stmt(ty, st->stmts.v[i]);
		return;
	case ST_EXPR:
		ty->stmt_expr = st->e;
		infer(ty, st->e, TYPE_UNKNOWN);
		return;
	case ST_IF:
	case ST_WHILE:
	case ST_FOR:
		infer(ty, st->init, TYPE_UNKNOWN);
		if (st->e)
			expect(ty, st->e, infer(ty, st->e, TYPE_LONG), TYPE_LONG, "a condition");
		infer(ty, st->step, TYPE_UNKNOWN);
		infer_stmt(ty, st->body);
		infer_stmt(ty, st->other);
		return;
	case ST_FOREACH:
		infer_foreach(ty, st);
		infer_stmt(ty, st->body);
		return;
	case ST_DELETE: {
		struct expr *x = st->e;

		if (x->kind == EX_INDEX) {
			ty->star_ok = true;
			infer_index(ty, x, TYPE_UNKNOWN);
			ty->star_ok = false;
		} else if (x->kind != EX_SYMBOL && x->kind != EX_TARGET && ty->report)
			diag_error(x->pos, "semantic error",
				   "delete needs a variable, an array or an array element");
		return;
	}
	case ST_RETURN:
		if (ty->fn) {
			if (!st->e) {
				if (ty->report && ty->fn->decl->ret != TYPE_UNKNOWN)
					diag_error(st->pos, "semantic error",
						   "function '%s' returns a %s: 'return' needs a "
						   "value",
						   ty->fn->name, tname(ty->fn->decl->ret));
				return;
			}
			enum type t = infer(ty, st->e, ty->fn->ret);

			if (t == TYPE_STATS && ty->report) {
				diag_error(st->e->pos, "semantic error",
					   "a function cannot return a statistic");
			} else if (ty->fn->ret == TYPE_UNKNOWN && t != TYPE_UNKNOWN) {
				ty->fn->ret = t;
				ty->fn->ret_pos = st->e->pos;
				ty->changed = true;
			} else if (ty->report && t != TYPE_UNKNOWN && t != ty->fn->ret) {
				diag_error(st->e->pos, "semantic error",
					   "function '%s' returns a %s here, but a %s before",
					   ty->fn->name, tname(t), tname(ty->fn->ret));
				diag_note(ty->fn->ret_pos, "return type first inferred here (%s)",
					  tname(ty->fn->ret));
			}
		}
		return;
	case ST_TRY:
		infer_stmt(ty, st->body);
		if (st->catch_sym)
			unify_sym(ty, st->catch_sym, TYPE_STRING, st->pos);
		infer_stmt(ty, st->other);
		return;
	}
}

static void walk(struct typing *ty)
{
	struct elab *e = ty->e;

	for (int i = 0; i < e->globals.n; i++) {
		struct symbol *g = e->globals.v[i];
		struct decl *d = g->decl;

		if (d->init)
			unify_sym(ty, g, infer(ty, d->init, g->type), d->init->pos);
	}
	for (int i = 0; i < e->prog->probes.n; i++) {
		struct derived_probe *p = e->prog->probes.v[i];

		e->probe = p;
		ty->fn = NULL;
		if (p->cond)
			expect(ty, p->cond, infer(ty, p->cond, TYPE_LONG), TYPE_LONG,
			       "a probe condition");
		infer_stmt(ty, p->body);
	}
	e->probe = NULL;
	for (int i = 0; i < e->prog->functions.n; i++) {
		struct function *f = e->prog->functions.v[i];

		ty->fn = f;
		if (f->decl->body)
			infer_stmt(ty, f->decl->body);
	}
	ty->fn = NULL;
}

static void report_unknowns(struct elab *e)
{
	for (int i = 0; i < e->prog->functions.n; i++) {
		struct function *f = e->prog->functions.v[i];

		for (int k = 0; k < f->params.n; k++)
			if (f->params.v[k]->type == TYPE_UNKNOWN)
				diag_error(f->params.v[k]->pos, "semantic error",
					   "unresolved type for parameter '%s' of '%s'",
					   f->params.v[k]->name, f->name);
	}
	for (int i = 0; i < e->globals.n; i++) {
		struct symbol *g = e->globals.v[i];

		if ((g->read || g->written) && g->type == TYPE_UNKNOWN)
			diag_error(g->pos, "semantic error", "unresolved type for global '%s'%s",
				   g->name, g->written ? "" : " (it is never assigned)");
		for (int k = 0; k < g->arity && k < ELAB_MAX_KEYS; k++)
			if (g->keys[k] == TYPE_UNKNOWN && (g->read || g->written))
				diag_error(g->pos, "semantic error",
					   "unresolved type for index %d of '%s'", k + 1, g->name);
	}
}

void infer_types(struct elab *e)
{
	struct typing ty = {.e = e};
	int rounds = 0;

	do {
		ty.changed = false;
		walk(&ty);
	} while (ty.changed && ++rounds < 64);
	int errors = diag_errors;

	/* Conflicts first; what stays unknown only matters without them. */
	ty.report = true;
	walk(&ty);
	if (diag_errors != errors)
		return;
	ty.report_unknown = true;
	walk(&ty);
	if (diag_errors == errors)
		report_unknowns(e);
}
