// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Statements and script functions to C.  Every block first charges its
 * statements to the hit's MAXACTION budget, so a runaway loop ends with an
 * error.  A runtime error jumps to the innermost catch, or to the exit of
 * the handler or function, ending the foreach iterators it leaves.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"

void cg_line(struct cg *g, const char *fmt, ...)
{
	va_list ap;

	for (int i = 0; i < g->ind; i++)
		fputc('\t', g->f);
	va_start(ap, fmt);
	vfprintf(g->f, fmt, ap);
	va_end(ap);
	fputc('\n', g->f);
}

const char *cg_tmp(struct cg *g, const char *prefix)
{
	return arena_printf(g->a, "%s%d", prefix, ++g->tmp);
}

/* Where errors go: the innermost try's catch, else the exit label; with
 * the iterators started since then ended on the way. */
struct fail_target {
	const char *label;
	int niters;
};

static struct fail_target targets[CG_MAX_LOOPS];
static int ntargets;

const char *cg_fail(struct cg *g)
{
	struct fail_target t =
		ntargets ? targets[ntargets - 1] : (struct fail_target){g->exit_label, 0};
	const char *s = "{ ";

	for (int i = g->niters - 1; i >= t.niters; i--)
		s = arena_printf(g->a, "%sstp_map_iter_end(&%s); ", s, g->iters[i]);
	return arena_printf(g->a, "%sgoto %s; }", s, t.label);
}

const char *cg_cstr(struct arena *a, const char *value)
{
	size_t n = strlen(value);
	char *out = arena_alloc(a, n * 4 + 3), *o = out;

	*o++ = '"';
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		/* Printable ASCII but the quote, the backslash and '?' (trigraphs). */
		if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' && *p != '?')
			*o++ = (char)*p;
		else
			o += sprintf(o, "\\%03o", *p);
	}
	*o++ = '"';
	*o = 0;
	return out;
}

const char *cg_where(struct cg *g, const char *what, struct srcpos pos)
{
	return cg_cstr(g->a, arena_printf(g->a, "%s at %s:%d:%d", what,
					  pos.src ? pos.src->name : "<input>", pos.line, pos.col));
}

static void block_open(struct cg *g)
{
	cg_line(g, "{");
	g->ind++;
}

static void block_close(struct cg *g)
{
	g->ind--;
	cg_line(g, "}");
}

/* A statement as a C block of its own. */
static void sub_block(struct cg *g, struct stmt *st)
{
	block_open(g);
	cg_stmt(g, st);
	block_close(g);
}

struct loop {
	const char *cont; /* what `continue` does */
	int niters; /* iterators active outside the loop */
};

static struct loop loops[CG_MAX_LOOPS];
static int nloops;

static void loop_push(struct cg *g, const char *cont)
{
	if (nloops == CG_MAX_LOOPS) {
		diag_error((struct srcpos){0}, "semantic error", "loops nested too deep");
		return;
	}
	loops[nloops++] = (struct loop){cont, g->niters};
}

static void cg_while(struct cg *g, struct stmt *st)
{
	const char *cont = st->step ? cg_tmp(g, "cont") : NULL;

	if (st->init)
		cg_effect(g, st->init);
	cg_line(g, "stp_set_stmt(c, %s);",
		cg_where(g, st->kind == ST_FOR ? "keyword 'for'" : "keyword 'while'", st->pos));
	cg_line(g, "for (;;) {");
	g->ind++;
	/* Every iteration costs an action: a one-statement body as well. */
	cg_line(g, "if (stp_action(c, 1)) %s", cg_fail(g));
	if (st->e) {
		const char *cond = cg_expr(g, st->e);

		cg_line(g, "if (!%s)", cond);
		cg_line(g, "\tbreak;");
	}
	loop_push(g, cont ? arena_printf(g->a, "goto %s;", cont) : "continue;");
	sub_block(g, st->body);
	nloops--;
	if (cont) {
		cg_line(g, "%s:;", cont);
		block_open(g);
		cg_effect(g, st->step);
		block_close(g);
	}
	block_close(g);
}

/* foreach (bucket = count in @hist_*(s) [limit N]): every bucket index in
 * order, empty ones included, as stap walks them.  The counts are copied
 * first: the body may read other statistics. */
static void cg_foreach_hist(struct cg *g, struct stmt *st)
{
	const char *hist;
	const char *d = cg_stat_data(g, st->array->a, &hist);
	const char *n = cg_tmp(g, "n"), *b = cg_tmp(g, "b"), *cnt = cg_tmp(g, "cnt");
	const char *limit = st->limit ? cg_expr(g, st->limit) : "-1";
	const char *left = cg_tmp(g, "left");

	cg_line(g,
		"int64_t %s[STP_HIST_LOG_BUCKETS > STP_MAX_BUCKETS ? STP_HIST_LOG_BUCKETS : "
		"STP_MAX_BUCKETS];",
		cnt);
	cg_line(g, "int %s = (%s)->buckets;", n, hist);
	cg_line(g, "int64_t %s = %s;", left, limit);
	cg_line(g, "for (int %s = 0; %s < %s; %s++)", b, b, n, b);
	cg_line(g, "	%s[%s] = %s->hist[%s];", cnt, b, d, b);
	cg_line(g, "for (int %s = 0; %s < %s && %s != 0; %s++) {", b, b, n, left, b);
	g->ind++;
	cg_line(g, "%s--;", left);
	if (st->keys.v[0].sym)
		cg_line(g, "%s = %s;", cg_var(g, st->keys.v[0].sym), b);
	if (st->value_sym)
		cg_line(g, "%s = %s[%s];", cg_var(g, st->value_sym), cnt, b);
	loop_push(g, "continue;");
	sub_block(g, st->body);
	nloops--;
	block_close(g);
}

static void cg_foreach(struct cg *g, struct stmt *st)
{
	if (st->array->kind == EX_STAT) {
		cg_foreach_hist(g, st);
		return;
	}
	struct expr *arr = st->array;
	struct expr *slice = arr->kind == EX_INDEX ? arr : NULL;
	const struct symbol *a = slice ? arr->a->sym : arr->sym;
	const char *m = cg_map(g, a);
	const char *it = cg_tmp(g, "it"), *e = cg_tmp(g, "e");
	const char *limit = st->limit ? cg_expr(g, st->limit) : "-1";
	const char *fixed[ELAB_MAX_KEYS] = {0};
	int sort_by = st->sort_col > 0 ? st->sort_col : 0;

	if (slice)
		for (int i = 0; i < slice->args.n && i < ELAB_MAX_KEYS; i++)
			if (slice->args.v[i]) {
				fixed[i] = cg_expr(g, slice->args.v[i]);
				if (slice->args.v[i]->type == TYPE_STRING) {
					const char *t = cg_tmp(g, "s");

					cg_line(g, "stp_string_t %s;", t);
					cg_line(g, "stp_strlcpy(%s, %s, MAXSTRINGLEN);", t,
						fixed[i]);
					fixed[i] = t;
				}
			}
	cg_line(g, "struct stp_iter %s;", it);
	cg_line(g, "stp_set_stmt(c, %s);", cg_where(g, "keyword 'foreach'", st->pos));
	cg_line(g, "if (stp_map_iter_start(c, &%s, %s, %d, %d, %s, %s)) %s", it, m, sort_by,
		st->sort_col ? st->sort_dir : 0, cg_stat_op(st->sort_agg), limit, cg_fail(g));
	if (g->niters == CG_MAX_LOOPS) {
		diag_error(st->pos, "semantic error", "foreach nested too deep");
		return;
	}
	g->iters[g->niters++] = it;
	cg_line(g, "for (struct stp_mnode *%s; (%s = stp_map_iter_next(&%s));) {", e, e, it);
	g->ind++;
	cg_line(g, "if (stp_action(c, 1)) %s", cg_fail(g));
	for (int i = 0; slice && i < slice->args.n && i < ELAB_MAX_KEYS; i++) {
		if (!fixed[i])
			continue;
		if (a->keys[i] == TYPE_STRING)
			cg_line(g, "if (stp_strcmp(stp_mnode_key_s(%s, %s, %d), %s))", m, e, i,
				fixed[i]);
		else
			cg_line(g, "if (stp_mnode_key_n(%s, %s, %d) != %s)", m, e, i, fixed[i]);
		cg_line(g, "\tcontinue;");
	}
	for (int i = 0; i < st->keys.n; i++) {
		const struct symbol *k = st->keys.v[i].sym;

		if (!k)
			continue;
		if (a->keys[i] == TYPE_STRING)
			cg_line(g, "stp_strlcpy(%s, stp_mnode_key_s(%s, %s, %d), MAXSTRINGLEN);",
				cg_var(g, k), m, e, i);
		else
			cg_line(g, "%s = stp_mnode_key_n(%s, %s, %d);", cg_var(g, k), m, e, i);
	}
	if (st->value_sym) {
		if (a->type == TYPE_STRING)
			cg_line(g, "stp_strlcpy(%s, stp_mnode_val_s(%s, %s), MAXSTRINGLEN);",
				cg_var(g, st->value_sym), m, e);
		else
			cg_line(g, "%s = stp_mnode_val_n(%s, %s);", cg_var(g, st->value_sym), m, e);
	}
	loop_push(g, "continue;");
	loops[nloops - 1].niters = g->niters; /* continue stays in this loop */
	sub_block(g, st->body);
	nloops--;
	block_close(g);
	g->niters--;
	cg_line(g, "stp_map_iter_end(&%s);", it);
}

/* delete a[k, *]: every element matching the fixed keys. */
static void delete_matching(struct cg *g, struct expr *x)
{
	const struct symbol *a = x->a->sym;
	const char *m = cg_map(g, a);
	const char *it = cg_tmp(g, "it"), *e = cg_tmp(g, "e"), *k = cg_tmp(g, "k");
	const char *fixed[ELAB_MAX_KEYS] = {0};

	for (int i = 0; i < x->args.n && i < ELAB_MAX_KEYS; i++)
		if (x->args.v[i])
			fixed[i] = cg_expr(g, x->args.v[i]);
	cg_line(g, "struct stp_iter %s;", it);
	cg_line(g, "if (stp_map_iter_start(c, &%s, %s, 0, 0, STP_STAT_COUNT, -1)) %s", it, m,
		cg_fail(g));
	cg_line(g, "for (struct stp_mnode *%s; (%s = stp_map_iter_next(&%s));) {", e, e, it);
	g->ind++;
	cg_line(g, "union stp_val %s[%d];", k, x->args.n);
	for (int i = 0; i < x->args.n && i < ELAB_MAX_KEYS; i++) {
		bool str = a->keys[i] == TYPE_STRING;

		cg_line(g, "%s[%d] = %s(stp_mnode_key_%c(%s, %s, %d));", k, i,
			str ? "STP_S" : "STP_N", str ? 's' : 'n', m, e, i);
		if (fixed[i])
			cg_line(g,
				str ? "if (stp_strcmp(%s[%d].s, %s)) continue;"
				    : "if (%s[%d].n != %s) continue;",
				k, i, fixed[i]);
	}
	cg_line(g, "stp_map_delete(c, %s, %s);", m, k);
	block_close(g);
	cg_line(g, "stp_map_iter_end(&%s);", it);
}

static void cg_delete(struct cg *g, struct expr *x)
{
	if (x->kind == EX_INDEX) {
		for (int i = 0; i < x->args.n; i++)
			if (!x->args.v[i]) {
				delete_matching(g, x);
				return;
			}
		const char *kk = cg_keys(g, &x->args);

		cg_line(g, "stp_map_delete(c, %s, %s);", cg_map(g, x->a->sym), kk);
		return;
	}
	const struct symbol *s = x->sym;

	if (!s)
		return;
	if (s->kind == SYM_GLOBAL && s->arity > 0)
		cg_line(g, "stp_map_clear(stpm_r, %s);", cg_map(g, s));
	else if (s->type == TYPE_STATS)
		cg_line(g, "stp_stat_clear(stpm_r, %s);", cg_stat(g, s));
	else if (s->type == TYPE_STRING)
		cg_line(g, "%s[0] = 0;", cg_var(g, s));
	else
		cg_line(g, "%s = 0;", cg_var(g, s));
}

static void cg_try(struct cg *g, struct stmt *st)
{
	const char *label = cg_tmp(g, "catch");
	const char *done = cg_tmp(g, "tried");

	if (ntargets == CG_MAX_LOOPS) {
		diag_error(st->pos, "semantic error", "try nested too deep");
		return;
	}
	targets[ntargets++] = (struct fail_target){label, g->niters};
	sub_block(g, st->body);
	ntargets--;
	cg_line(g, "goto %s;", done);
	cg_line(g, "%s:", label);
	/* A `next` inside a function called here is no error: pass it on. */
	cg_line(g, "if (!stp_has_error(c)) %s", cg_fail(g));
	block_open(g);
	if (st->catch_sym)
		cg_line(g, "stp_strlcpy(%s, c->last_error, MAXSTRINGLEN);",
			cg_var(g, st->catch_sym));
	cg_line(g, "c->last_error = NULL;");
	if (st->other)
		cg_stmt(g, st->other);
	block_close(g);
	cg_line(g, "%s:;", done);
}

/* How many statements a block charges to MAXACTION. */
static int block_actions(const struct stmt *st)
{
	return st->stmts.n ? st->stmts.n : 1;
}

void cg_stmt(struct cg *g, struct stmt *st)
{
	if (!st)
		return;
	switch (st->kind) {
	case ST_NULL:
		return;
	case ST_BLOCK:
		block_open(g);
		cg_line(g, "if (stp_action(c, %d)) %s", block_actions(st), cg_fail(g));
		for (int i = 0; i < st->stmts.n; i++)
			cg_stmt(g, st->stmts.v[i]);
		block_close(g);
		return;
	case ST_EXPR:
		block_open(g);
		cg_effect(g, st->e);
		block_close(g);
		return;
	case ST_IF: {
		block_open(g);
		const char *cond = cg_expr(g, st->e);

		cg_line(g, "if (%s) {", cond);
		g->ind++;
		cg_stmt(g, st->body);
		g->ind--;
		if (st->other) {
			cg_line(g, "} else {");
			g->ind++;
			cg_stmt(g, st->other);
			g->ind--;
		}
		cg_line(g, "}");
		block_close(g);
		return;
	}
	case ST_WHILE:
	case ST_FOR:
		block_open(g);
		cg_while(g, st);
		block_close(g);
		return;
	case ST_FOREACH:
		block_open(g);
		cg_foreach(g, st);
		block_close(g);
		return;
	case ST_DELETE:
		block_open(g);
		cg_delete(g, st->e);
		block_close(g);
		return;
	case ST_NEXT:
		cg_line(g, "%s", cg_fail(g));
		return;
	case ST_BREAK:
	case ST_CONTINUE: {
		struct loop *l = nloops ? &loops[nloops - 1] : NULL;

		if (!l)
			return;
		if (st->kind == ST_CONTINUE) {
			cg_line(g, "%s", l->cont);
			return;
		}
		/* Iterators of inner foreach loops end before leaving them. */
		for (int i = g->niters - 1; i >= l->niters; i--)
			cg_line(g, "stp_map_iter_end(&%s);", g->iters[i]);
		cg_line(g, "break;");
		return;
	}
	case ST_RETURN:
		block_open(g);
		if (st->e && g->fn) {
			const char *v = cg_expr(g, st->e);

			if (g->fn->ret == TYPE_STRING)
				cg_line(g, "stp_strlcpy(ret_, %s, MAXSTRINGLEN);", v);
			else if (g->fn->ret == TYPE_LONG)
				cg_line(g, "*ret_ = %s;", v);
		}
		cg_line(g, "rc_ = 0;");
		for (int i = g->niters - 1; i >= 0; i--)
			cg_line(g, "stp_map_iter_end(&%s);", g->iters[i]);
		cg_line(g, "goto %s;", g->exit_label);
		block_close(g);
		return;
	case ST_TRY:
		block_open(g);
		cg_try(g, st);
		block_close(g);
		return;
	}
}

const char *cg_function_name(struct cg *g, const struct function *fn)
{
	return arena_printf(g->a, "stpf%d_%s", fn->id, fn->name);
}

static const char *ctype_param(enum type t)
{
	return t == TYPE_STRING ? "const char *" : "int64_t ";
}

void cg_function_proto(struct cg *g, FILE *f, const struct function *fn)
{
	fprintf(f, "static int %s(struct stp_context *c", cg_function_name(g, fn));
	if (fn->ret == TYPE_LONG)
		fputs(", int64_t *ret_", f);
	else if (fn->ret == TYPE_STRING)
		fputs(", char *ret_", f);
	for (int i = 0; i < fn->params.n; i++)
		fprintf(f, ", %sa_%s", ctype_param(fn->params.v[i]->type), fn->params.v[i]->name);
	fputc(')', f);
}

void cg_locals(struct cg *g, const symbol_vec *locals)
{
	for (int i = 0; i < locals->n; i++) {
		const struct symbol *s = locals->v[i];

		if (s->type == TYPE_STRING)
			cg_line(g, "stp_string_t %s = \"\";", cg_var(g, s));
		else
			cg_line(g, "int64_t %s = 0;", cg_var(g, s));
	}
}

/* Embedded C in the conventions stap's tapsets use (tapset/README.md). */
static void cg_embedded_function(struct cg *g, struct function *fn)
{
	FILE *f = g->f;

	for (int i = 0; i < fn->params.n; i++)
		fprintf(f, "#define STAP_ARG_%s a_%s\n", fn->params.v[i]->name,
			fn->params.v[i]->name);
	fputs("#define CONTEXT c\n", f);
	if (fn->ret == TYPE_LONG)
		fputs("#define STAP_RETVALUE (*ret_)\n", f);
	else if (fn->ret == TYPE_STRING)
		fputs("#define STAP_RETVALUE ret_\n", f);
	fputs("#define STAP_RETURN(v) do { STAP_RETVALUE = (v); goto out; } while (0)\n", f);
	fputs("#define STAP_ERROR(...) do { stp_errorf(c, __VA_ARGS__); goto out; } while (0)\n",
	      f);
	fputs("\t{\n", f);
	fputs(fn->decl->code, f);
	fputs("\n\t}\n", f);
	fputs("out: __attribute__((unused));\n", f);
	fputs("\treturn stp_has_error(c) ? 1 : 0;\n", f);
	fputs("#undef CONTEXT\n#undef STAP_RETURN\n#undef STAP_ERROR\n", f);
	if (fn->ret != TYPE_UNKNOWN)
		fputs("#undef STAP_RETVALUE\n", f);
	for (int i = 0; i < fn->params.n; i++)
		fprintf(f, "#undef STAP_ARG_%s\n", fn->params.v[i]->name);
}

void cg_function(struct cg *g, struct function *fn)
{
	cg_function_proto(g, g->f, fn);
	fputs("\n{\n", g->f);
	g->fn = fn;
	g->probe = NULL;
	g->ind = 1;
	g->niters = 0;
	g->exit_label = "out";
	if (fn->decl->code) {
		cg_embedded_function(g, fn);
	} else {
		cg_line(g, "int rc_ = 1;");
		cg_locals(g, &fn->locals);
		cg_line(g, "if (stp_nesting_enter(c))");
		cg_line(g, "\treturn 1;");
		cg_stmt(g, fn->decl->body);
		cg_line(g, "rc_ = 0;");
		fputs("out: __attribute__((unused));\n", g->f);
		cg_line(g, "stp_nesting_exit(c);");
		cg_line(g, "return rc_;");
	}
	fputs("}\n\n", g->f);
	g->fn = NULL;
}
