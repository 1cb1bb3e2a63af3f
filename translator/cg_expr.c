// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Expressions to C.  Longs are int64_t with wrap-around arithmetic (done
 * in uint64_t, so the C is never undefined), strings are NUL-terminated
 * buffers of MAXSTRINGLEN.  Operands evaluated before an operand with side
 * effects are copied to temporaries first, so that evaluation stays left to
 * right as in stap.
 */
#include <inttypes.h>
#include <string.h>

#include "cg.h"
#include "elab_internal.h"
#include "print_format.h"

const char *cg_var(struct cg *g, const struct symbol *s)
{
	switch (s->kind) {
	case SYM_LOCAL:
		return arena_printf(g->a, "l_%s", s->name);
	case SYM_PARAM:
		return arena_printf(g->a, "a_%s", s->name);
	default:
		return arena_printf(g->a, "stpm_g->g%d_%s", s->id, s->name);
	}
}

const char *cg_map(struct cg *g, const struct symbol *s)
{
	return arena_printf(g->a, "((struct stp_map *)stp_ptr(stpm_r, stpm_g->g%d_%s))", s->id,
			    s->name);
}

const char *cg_stat(struct cg *g, const struct symbol *s)
{
	return arena_printf(g->a, "((struct stp_stat *)stp_ptr(stpm_r, stpm_g->g%d_%s))", s->id,
			    s->name);
}

static const char *number(struct cg *g, int64_t v)
{
	if (v == INT64_MIN)
		return "(-9223372036854775807LL - 1)";
	return arena_printf(g->a, "((int64_t)%" PRId64 "LL)", v);
}

/* A string temporary, empty. */
static const char *string_tmp(struct cg *g)
{
	const char *t = cg_tmp(g, "s");

	cg_line(g, "stp_string_t %s;", t);
	cg_line(g, "%s[0] = 0;", t);
	return t;
}

static const char *long_tmp(struct cg *g, const char *value)
{
	const char *t = cg_tmp(g, "t");

	cg_line(g, "int64_t %s = %s;", t, value);
	return t;
}

/* Keep a value as it is now (a later operand may change its variable). */
static const char *stable(struct cg *g, const struct expr *x, const char *code)
{
	if (x->type == TYPE_STRING) {
		const char *t = string_tmp(g);

		cg_line(g, "stp_strlcpy(%s, %s, MAXSTRINGLEN);", t, code);
		return t;
	}
	return long_tmp(g, code);
}

/* Evaluate args in order; values[i] is each one's C expression. */
static void eval_list(struct cg *g, expr_vec *args, int first, const char **values)
{
	for (int i = first; i < args->n; i++) {
		if (!args->v[i]) { /* a '*' index */
			values[i] = NULL;
			continue;
		}
		values[i] = cg_expr(g, args->v[i]);
		bool later_effects = false;

		for (int k = i + 1; k < args->n; k++)
			later_effects |= args->v[k] && expr_has_side_effects(args->v[k]);
		if (later_effects)
			values[i] = stable(g, args->v[i], values[i]);
	}
}

static const char *stp_val(struct cg *g, const struct expr *x, const char *code)
{
	return arena_printf(g->a, "%s(%s)", x->type == TYPE_STRING ? "STP_S" : "STP_N", code);
}

/* The keys of an array element as a union stp_val array. */
const char *cg_keys(struct cg *g, expr_vec *args)
{
	const char *v[ELAB_MAX_KEYS];
	const char *k = cg_tmp(g, "k");
	const char *init = "";

	if (!args->n)
		return "NULL";
	eval_list(g, args, 0, v);
	for (int i = 0; i < args->n && i < ELAB_MAX_KEYS; i++)
		init = arena_printf(g->a, "%s%s%s", init, i ? ", " : "",
				    stp_val(g, args->v[i], v[i]));
	cg_line(g, "union stp_val %s[%d] = {%s};", k, args->n, init);
	return k;
}

static void set_stmt(struct cg *g, const char *what, struct srcpos pos)
{
	cg_line(g, "stp_set_stmt(c, %s);", cg_where(g, what, pos));
}

/* The combined data of a statistic operand (a global or an element). */
const char *cg_stat_data(struct cg *g, struct expr *a, const char **hist)
{
	const char *d = cg_tmp(g, "d");

	if (a->kind == EX_SYMBOL) {
		cg_line(g, "const struct stp_stat_data *%s = stp_stat_read(c, %s);", d,
			cg_stat(g, a->sym));
		*hist = arena_printf(g->a, "&%s->h", cg_stat(g, a->sym));
	} else {
		const char *k = cg_keys(g, &a->args);

		cg_line(g, "const struct stp_stat_data *%s = stp_map_stat_read(c, %s, %s);", d,
			cg_map(g, a->a->sym), k);
		*hist = arena_printf(g->a, "&%s->h", cg_map(g, a->a->sym));
	}
	return d;
}

const char *cg_stat_op(const char *name)
{
	if (!name) /* foreach over statistics sorts by @count unless told */
		return "STP_STAT_COUNT";
	static const struct {
		const char *name, *op;
	} ops[] = {{"count", "STP_STAT_COUNT"}, {"sum", "STP_STAT_SUM"},
		   {"min", "STP_STAT_MIN"},	{"max", "STP_STAT_MAX"},
		   {"avg", "STP_STAT_AVG"},	{"variance", "STP_STAT_VARIANCE"}};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(ops[i].name, name))
			return ops[i].op;
	return NULL;
}

static const char *cg_statop(struct cg *g, struct expr *x)
{
	const char *hist;
	const char *d = cg_stat_data(g, x->a, &hist);
	const char *t = cg_tmp(g, "t");
	const char *op = cg_stat_op(x->name);

	cg_line(g, "int64_t %s = 0;", t);
	set_stmt(g, arena_printf(g->a, "operator '@%s'", x->name), x->pos);
	cg_line(g, "if (stp_stat_extract(c, %s, %s, &%s)) %s", d, op, t, cg_fail(g));
	return t;
}

/* print(@hist_log(s)), sprint(@hist_log(s)) and their ln forms (the
 * parser lets a histogram stand only there, alone): the drawn histogram,
 * printed or as a string; as stap, the ln adds no newline to it. */
static const char *print_hist(struct cg *g, struct expr *call, struct expr *x)
{
	const char *hist;
	const char *d = cg_stat_data(g, x->a, &hist);

	set_stmt(g, arena_printf(g->a, "identifier '%s'", call->name), call->pos);
	if (call->name[0] != 's') {
		cg_line(g, "if (stp_stat_print_hist(c, %s, %s)) %s", hist, d, cg_fail(g));
		return "0";
	}
	const char *t = string_tmp(g);

	cg_line(g, "if (stp_stat_sprint_hist(c, %s, %s, %s)) %s", hist, d, t, cg_fail(g));
	return t;
}

/* "%d" for longs, "%s" for strings: the format print and printd build. */
static const char *conv_of(const struct expr *x)
{
	return x->type == TYPE_STRING ? "%s" : "%d";
}

/* Escape '%' for a format built from a delimiter. */
static const char *percent_escaped(struct cg *g, const char *s)
{
	char *out = arena_alloc(g->a, strlen(s) * 2 + 1), *o = out;

	for (; *s; s++) {
		*o++ = *s;
		if (*s == '%')
			*o++ = '%';
	}
	*o = 0;
	return out;
}

/* printd/printdln/sprintd/sprintdln and multi-argument print: a format. */
static const char *built_format(struct cg *g, struct expr *x, int first, const char *delim,
				bool newline)
{
	const char *fmt = "";

	for (int i = first; i < x->args.n; i++)
		fmt = arena_printf(g->a, "%s%s%s", fmt, i > first ? delim : "",
				   conv_of(x->args.v[i]));
	return arena_printf(g->a, "%s%s", fmt, newline ? "\n" : "");
}

static const char *vals_array(struct cg *g, struct expr *x, int first, const char **v)
{
	const char *vals = cg_tmp(g, "v");
	const char *init = "";
	int n = x->args.n - first;

	if (n <= 0)
		return "NULL";
	for (int i = first; i < x->args.n; i++)
		init = arena_printf(g->a, "%s%s%s", init, i > first ? ", " : "",
				    stp_val(g, x->args.v[i], v[i]));
	cg_line(g, "union stp_val %s[%d] = {%s};", vals, n, init);
	return vals;
}

static const char *cg_print(struct cg *g, struct expr *x)
{
	const char *n = x->name;
	bool to_string = n[0] == 's';
	bool newline = strstr(n, "ln") != NULL;
	bool delim = strstr(n, "printd") != NULL;
	bool format = strstr(n, "printf") != NULL;
	int first = delim || format ? 1 : 0;
	const char *v[64] = {0};
	const char *fmt;

	if (x->args.n > 64) {
		diag_error(x->pos, "semantic error", "%s with more than 63 values", n);
		return "0";
	}
	if (x->args.n == 1 && x->args.v[0]->kind == EX_STAT &&
	    !strncmp(x->args.v[0]->name, "hist_", 5))
		return print_hist(g, x, x->args.v[0]);
	if (!to_string && !delim && !format) {
		for (int i = 0; i < x->args.n; i++) {
			struct expr *a = x->args.v[i];
			const char *val = cg_expr(g, a);

			cg_line(g, "stp_print_%c(c, %s);", a->type == TYPE_STRING ? 's' : 'n', val);
		}
		if (newline)
			cg_line(g, "stp_print_s(c, \"\\n\");");
		return "0";
	}
	eval_list(g, &x->args, first, v);
	if (format)
		fmt = string_value(g->a, x->args.v[0]->str);
	else if (delim)
		fmt = built_format(g, x, 1,
				   percent_escaped(g, string_value(g->a, x->args.v[0]->str)),
				   newline);
	else
		fmt = built_format(g, x, 0, "", newline);
	const char *vals = vals_array(g, x, first, v);
	const char *cfmt = cg_cstr(g->a, fmt);

	set_stmt(g, arena_printf(g->a, "identifier '%s'", n), x->pos);
	if (!to_string) {
		cg_line(g, "if (stp_printf(c, %s, %s, %d)) %s", cfmt, vals, x->args.n - first,
			cg_fail(g));
		return "0";
	}
	const char *t = string_tmp(g);

	cg_line(g, "if (stp_sprintf(c, %s, %s, %s, %d)) %s", t, cfmt, vals, x->args.n - first,
		cg_fail(g));
	return t;
}

static const char *cg_call(struct cg *g, struct expr *x)
{
	if (is_print_builtin(x->name))
		return cg_print(g, x);
	struct function *f = x->fn;
	const char *v[64] = {0};
	const char *args = "";

	eval_list(g, &x->args, 0, v);
	for (int i = 0; i < x->args.n && i < 64; i++)
		args = arena_printf(g->a, "%s, %s", args, v[i]);
	const char *result = "0", *out = "";

	if (f->ret == TYPE_LONG) {
		result = cg_tmp(g, "t");
		cg_line(g, "int64_t %s = 0;", result);
		out = arena_printf(g->a, ", &%s", result);
	} else if (f->ret == TYPE_STRING) {
		result = string_tmp(g);
		out = arena_printf(g->a, ", %s", result);
	}
	set_stmt(g, arena_printf(g->a, "identifier '%s'", x->name), x->pos);
	cg_line(g, "if (%s(c%s%s)) %s", cg_function_name(g, f), out, args, cg_fail(g));
	return result;
}

/* Marker argument k as a string: copied from the marker's pointer at its
 * first read in the hit (m_rd), in script order, through the host's
 * fault-safe copy; a bad pointer is the error of the statement reading it.
 * A %.*s argument reads at most its precision (all of it when negative). */
static const char *arg_string(struct cg *g, int k, const char *what, struct srcpos pos)
{
	const struct derived_probe *p = g->probe;
	/* A kernel marker's strings are in the kernel; a process's, in it. */
	const char *space = p->kind == PK_KERNEL_MARK ? "kernel" : "user";

	/* --skip-badvars: a string that cannot be read is "", no error (stap(1):
	 * run-time-inaccessible context variables read as 0). */
	const char *fail =
		g->s->skip_badvars
			? arena_printf(g->a, "{ c->last_error = NULL; m_arg%d[0] = 0; }", k)
			: cg_fail(g);

	cg_line(g, "if (!m_rd%d) {", k);
	g->ind++;
	set_stmt(g, what, pos);
	if (k > 1 && p->args[k - 2].role == MARKER_ROLE_PRECISION)
		cg_line(g,
			"if (m_arg%d >= 0 ? stp_fn_%s_string_n(c, m_arg%d, m_ptr%d, m_arg%d) "
			": stp_fn_%s_string(c, m_arg%d, m_ptr%d)) %s",
			k - 1, space, k, k, k - 1, space, k, k, fail);
	else
		cg_line(g, "if (stp_fn_%s_string(c, m_arg%d, m_ptr%d)) %s", space, k, k, fail);
	cg_line(g, "m_rd%d = 1;", k);
	g->ind--;
	cg_line(g, "}");
	return arena_printf(g->a, "m_arg%d", k);
}

/* $$parms / $$vars: "name=value ..." with strings quoted. */
static const char *cg_parms(struct cg *g, struct expr *x)
{
	const struct derived_probe *p = g->probe;
	const char *fmt = "", *init = "";
	const char *t = string_tmp(g);

	for (int i = 0; i < p->nargs; i++) {
		bool str = p->args[i].script_type == MARKER_STYPE_STRING;

		/* stap 4.8 spells a sys/sdt.h probe's "$arg1=0x2a $arg2=..." */
		fmt = arena_printf(g->a, "%s%s%s%s=%s", fmt, i ? " " : "", p->sdt ? "$" : "",
				   p->args[i].name, str ? "%s" : "%#x");
		if (str) {
			const char *v = arg_string(
				g, i + 1, arena_printf(g->a, "identifier '%s'", x->name), x->pos);
			const char *q = string_tmp(g);

			cg_line(g, "stp_fn_string_quoted(%s, %s);", q, v);
			init = arena_printf(g->a, "%s%sSTP_S(%s)", init, i ? ", " : "", q);
		} else {
			init = arena_printf(g->a, "%s%sSTP_N(m_arg%d)", init, i ? ", " : "", i + 1);
		}
	}
	if (!p->nargs)
		return "\"\"";
	const char *vals = cg_tmp(g, "v");

	cg_line(g, "union stp_val %s[%d] = {%s};", vals, p->nargs, init);
	cg_line(g, "if (stp_sprintf(c, %s, %s, %s, %d)) %s", t, cg_cstr(g->a, fmt), vals, p->nargs,
		cg_fail(g));
	return t;
}

static const char *cg_target(struct cg *g, struct expr *x)
{
	const struct derived_probe *p = g->probe;
	bool pretty = x->comps.n && x->comps.v[x->comps.n - 1].kind == COMP_PRETTY;

	switch (x->ctx) {
	case CTX_NAME:
		return cg_cstr(g->a, p->mark);
	case CTX_FORMAT:
		return cg_cstr(g->a, p->format);
	case CTX_PROVIDER:
		return cg_cstr(g->a, p->provider);
	case CTX_PARMS:
		return cg_parms(g, x);
	case CTX_ARG: {
		bool str = p->args[x->ctx_arg - 1].va_type == MARKER_VA_STRING;
		const char *v =
			str ? arg_string(g, x->ctx_arg,
					 arena_printf(g->a, "identifier '%s'", x->name), x->pos)
			    : arena_printf(g->a, "m_arg%d", x->ctx_arg);

		if (!pretty)
			return v;
		{
			const char *t = string_tmp(g);

			if (str)
				cg_line(g, "stp_fn_string_quoted(%s, %s);", t, v);
			else
				cg_line(g,
					"stp_snprintf(%s, MAXSTRINGLEN, \"%%#llx\", "
					"(unsigned long long)m_arg%d);",
					t, x->ctx_arg);
			return t;
		}
	}
	case CTX_RETURN:
		return "stp_host_uregs_return(c->uregs)";
	default:
		diag_error(x->pos, "semantic error", "%s is not available in this probe", x->name);
		return "0";
	}
}

/* a op b on longs, wrapping. */
static const char *arith(struct cg *g, struct expr *x, const char *a, const char *b)
{
	switch (x->op) {
	case OP_ADD:
	case OP_ADD_ASSIGN:
		return arena_printf(g->a, "((int64_t)((uint64_t)%s + (uint64_t)%s))", a, b);
	case OP_SUB:
	case OP_SUB_ASSIGN:
		return arena_printf(g->a, "((int64_t)((uint64_t)%s - (uint64_t)%s))", a, b);
	case OP_MUL:
	case OP_MUL_ASSIGN:
		return arena_printf(g->a, "((int64_t)((uint64_t)%s * (uint64_t)%s))", a, b);
	case OP_DIV:
	case OP_DIV_ASSIGN:
	case OP_MOD:
	case OP_MOD_ASSIGN: {
		bool div = x->op == OP_DIV || x->op == OP_DIV_ASSIGN;
		const char *t = cg_tmp(g, "t");

		cg_line(g, "int64_t %s;", t);
		set_stmt(g, arena_printf(g->a, "operator '%s'", div ? "/" : "%"), x->pos);
		cg_line(g, "if (stp_%s(c, %s, %s, &%s)) %s", div ? "div" : "mod", a, b, t,
			cg_fail(g));
		return t;
	}
	case OP_BAND:
	case OP_AND_ASSIGN:
		return arena_printf(g->a, "(%s & %s)", a, b);
	case OP_BOR:
	case OP_OR_ASSIGN:
		return arena_printf(g->a, "(%s | %s)", a, b);
	case OP_BXOR:
	case OP_XOR_ASSIGN:
		return arena_printf(g->a, "(%s ^ %s)", a, b);
	case OP_SHL:
	case OP_SHL_ASSIGN:
		return arena_printf(g->a, "((int64_t)((uint64_t)%s << (%s & 63)))", a, b);
	case OP_SHR:
	case OP_SHR_ASSIGN:
		return arena_printf(g->a, "(%s >> (%s & 63))", a, b);
	default:
		return "0";
	}
}

static const char *concat(struct cg *g, const char *a, const char *b)
{
	const char *t = string_tmp(g);

	cg_line(g, "stp_strlcpy(%s, %s, MAXSTRINGLEN);", t, a);
	cg_line(g, "stp_strlcat(%s, %s, MAXSTRINGLEN);", t, b);
	return t;
}

/* x =~ "re": POSIX extended regular expressions, compiled by the host at the
 * start (program.regexes). */
static const char *regex_match(struct cg *g, struct expr *x, const char *subject)
{
	const char *re = arena_printf(g->a, "stpm_rx[%d]", x->regex_id - 1);
	const char *t = cg_tmp(g, "t");

	cg_line(g, "int64_t %s;", t);
	set_stmt(g, arena_printf(g->a, "operator '%s'", op_text[x->op]), x->pos);
	cg_line(g, "if (stp_regex_match(c, &%s, %s, &%s)) %s", re, subject, t, cg_fail(g));
	if (x->op == OP_NOMATCH)
		cg_line(g, "%s = !%s;", t, t);
	return t;
}

static const char *cg_binary(struct cg *g, struct expr *x)
{
	if (x->op == OP_LAND || x->op == OP_LOR) {
		const char *t = cg_tmp(g, "t");
		const char *a = cg_expr(g, x->a);

		cg_line(g, "int64_t %s = %s;", t, x->op == OP_LAND ? "0" : "1");
		cg_line(g, "if (%s%s) {", x->op == OP_LAND ? "" : "!", a);
		g->ind++;
		cg_line(g, "%s = %s != 0;", t, cg_expr(g, x->b));
		g->ind--;
		cg_line(g, "}");
		return t;
	}
	if (x->op == OP_MATCH || x->op == OP_NOMATCH)
		return regex_match(g, x, cg_expr(g, x->a));
	const char *a = cg_expr(g, x->a);

	if (expr_has_side_effects(x->b))
		a = stable(g, x->a, a);
	const char *b = cg_expr(g, x->b);

	if (x->op == OP_CONCAT)
		return concat(g, a, b);
	if (x->op >= OP_EQ && x->op <= OP_GE) {
		if (x->a->type == TYPE_STRING)
			return arena_printf(g->a, "((int64_t)(stp_strcmp(%s, %s) %s 0))", a, b,
					    op_text[x->op]);
		return arena_printf(g->a, "((int64_t)(%s %s %s))", a, op_text[x->op], b);
	}
	return arith(g, x, a, b);
}

void cg_assign(struct cg *g, struct expr *target, const char *value)
{
	if (target->kind == EX_SYMBOL) {
		if (target->type == TYPE_STRING)
			cg_line(g, "stp_strlcpy(%s, %s, MAXSTRINGLEN);", cg_var(g, target->sym),
				value);
		else
			cg_line(g, "%s = %s;", cg_var(g, target->sym), value);
		return;
	}
	/* An array element. */
	const char *k = cg_keys(g, &target->args);

	set_stmt(g, arena_printf(g->a, "identifier '%s'", target->a->name), target->pos);
	cg_line(g, "if (stp_map_set_%c(c, %s, %s, %s)) %s", target->type == TYPE_STRING ? 's' : 'n',
		cg_map(g, target->a->sym), k, value, cg_fail(g));
}

/* The current value of an lvalue (for compound assignment). */
static const char *lvalue_now(struct cg *g, struct expr *target, const char **k)
{
	if (target->kind == EX_SYMBOL)
		return cg_var(g, target->sym);
	*k = cg_keys(g, &target->args);
	if (target->type == TYPE_STRING) {
		const char *t = string_tmp(g);

		cg_line(g, "stp_strlcpy(%s, stp_map_get_s(c, %s, %s), MAXSTRINGLEN);", t,
			cg_map(g, target->a->sym), *k);
		return t;
	}
	return long_tmp(
		g, arena_printf(g->a, "stp_map_get_n(c, %s, %s)", cg_map(g, target->a->sym), *k));
}

static void store(struct cg *g, struct expr *target, const char *k, const char *value)
{
	if (target->kind == EX_SYMBOL) {
		cg_assign(g, target, value);
		return;
	}
	set_stmt(g, arena_printf(g->a, "identifier '%s'", target->a->name), target->pos);
	cg_line(g, "if (stp_map_set_%c(c, %s, %s, %s)) %s", target->type == TYPE_STRING ? 's' : 'n',
		cg_map(g, target->a->sym), k, value, cg_fail(g));
}

static const char *cg_assignment(struct cg *g, struct expr *x)
{
	struct expr *l = x->a;

	if (x->op == OP_AGG_ASSIGN) {
		if (l->kind == EX_SYMBOL) {
			cg_line(g, "stp_stat_add(c, %s, %s);", cg_stat(g, l->sym),
				cg_expr(g, x->b));
		} else {
			const char *k = cg_keys(g, &l->args);
			const char *v = cg_expr(g, x->b);

			set_stmt(g, "operator '<<<'", x->pos);
			cg_line(g, "if (stp_map_stat_add(c, %s, %s, %s)) %s", cg_map(g, l->a->sym),
				k, v, cg_fail(g));
		}
		return "0";
	}
	if (x->op == OP_ASSIGN) {
		/* The keys of an element are evaluated before the value, as in stap. */
		if (l->kind == EX_INDEX) {
			const char *k = cg_keys(g, &l->args);
			const char *v = cg_expr(g, x->b);

			store(g, l, k, v);
			return v;
		}
		const char *v = cg_expr(g, x->b);

		cg_assign(g, l, v);
		return cg_var(g, l->sym);
	}
	/* a[k] += n and -= n in one step. */
	if (l->kind == EX_INDEX && (x->op == OP_ADD_ASSIGN || x->op == OP_SUB_ASSIGN)) {
		const char *k = cg_keys(g, &l->args);
		const char *v = cg_expr(g, x->b);
		const char *t = cg_tmp(g, "t");

		cg_line(g, "int64_t %s;", t);
		set_stmt(g, arena_printf(g->a, "operator '%s'", op_text[x->op]), x->pos);
		cg_line(g, "if (stp_map_add_n(c, %s, %s, %s%s, &%s)) %s", cg_map(g, l->a->sym), k,
			x->op == OP_SUB_ASSIGN ? "-" : "", v, t, cg_fail(g));
		return t;
	}
	if (l->kind == EX_SYMBOL && l->sym->counter) { /* counter += n: atomic */
		const char *v = cg_expr(g, x->b);
		const char *t = cg_tmp(g, "t");

		cg_line(g, "stp_counter_add(stpm_r, %d, &%s, %s%s);", l->sym->counter_id,
			cg_var(g, l->sym), x->op == OP_SUB_ASSIGN ? "-" : "", v);
		if (x == g->unused_value)
			return "0";
		cg_line(g, "int64_t %s = stp_counter_read(stpm_r, %d, &%s);", t, l->sym->counter_id,
			cg_var(g, l->sym));
		return t;
	}
	const char *k = NULL;
	const char *now = lvalue_now(g, l, &k);
	const char *v = cg_expr(g, x->b);
	const char *result =
		x->op == OP_CONCAT_ASSIGN ? concat(g, now, v) : long_tmp(g, arith(g, x, now, v));

	store(g, l, k, result);
	return result;
}

static const char *cg_incdec(struct cg *g, struct expr *x)
{
	struct expr *l = x->a;
	const char *delta = x->op == OP_INC ? "1" : "-1";
	const char *t = cg_tmp(g, "t");

	if (l->kind == EX_INDEX) {
		const char *k = cg_keys(g, &l->args);

		cg_line(g, "int64_t %s;", t);
		set_stmt(g, arena_printf(g->a, "operator '%s'", op_text[x->op]), x->pos);
		cg_line(g, "if (stp_map_add_n(c, %s, %s, %s, &%s)) %s", cg_map(g, l->a->sym), k,
			delta, t, cg_fail(g));
		if (x->kind == EX_POSTINC)
			cg_line(g, "%s = (int64_t)((uint64_t)%s - (uint64_t)%s);", t, t, delta);
		return t;
	}
	const char *var = cg_var(g, l->sym);

	if (l->sym->counter) {
		cg_line(g, "stp_counter_add(stpm_r, %d, &%s, %s);", l->sym->counter_id, var, delta);
		if (x == g->unused_value)
			return "0";
		cg_line(g, "int64_t %s = stp_counter_read(stpm_r, %d, &%s);", t, l->sym->counter_id,
			var);
		if (x->kind == EX_POSTINC)
			cg_line(g, "%s = (int64_t)((uint64_t)%s - (uint64_t)%s);", t, t, delta);
		return t;
	}
	if (x->kind == EX_POSTINC)
		cg_line(g, "int64_t %s = %s;", t, var);
	cg_line(g, "%s = (int64_t)((uint64_t)%s + (uint64_t)%s);", var, var, delta);
	if (x->kind == EX_PREINC)
		cg_line(g, "int64_t %s = %s;", t, var);
	return t;
}

static const char *cg_ternary(struct cg *g, struct expr *x)
{
	const char *cond = cg_expr(g, x->a);
	bool str = x->type == TYPE_STRING;
	const char *t = str ? string_tmp(g) : cg_tmp(g, "t");

	if (!str)
		cg_line(g, "int64_t %s;", t);
	cg_line(g, "if (%s) {", cond);
	for (int branch = 0; branch < 2; branch++) {
		g->ind++;
		const char *v = cg_expr(g, branch ? x->c : x->b);

		if (str)
			cg_line(g, "stp_strlcpy(%s, %s, MAXSTRINGLEN);", t, v);
		else
			cg_line(g, "%s = %s;", t, v);
		g->ind--;
		cg_line(g, branch ? "}" : "} else {");
	}
	return t;
}

/* [k...] in a, with '*' for any key: a scan of the array. */
static const char *cg_in(struct cg *g, struct expr *x)
{
	bool wild = false;

	for (int i = 0; i < x->args.n; i++)
		wild |= !x->args.v[i];
	if (!wild) {
		const char *k = cg_keys(g, &x->args);

		return long_tmp(g, arena_printf(g->a, "stp_map_exists(c, %s, %s)",
						cg_map(g, x->a->sym), k));
	}
	const char *v[ELAB_MAX_KEYS];
	const char *m = cg_map(g, x->a->sym);
	const char *it = cg_tmp(g, "it"), *e = cg_tmp(g, "e"), *t = cg_tmp(g, "t");

	eval_list(g, &x->args, 0, v);
	cg_line(g, "int64_t %s = 0;", t);
	cg_line(g, "struct stp_iter %s;", it);
	set_stmt(g, "operator 'in'", x->pos);
	cg_line(g, "if (stp_map_iter_start(c, &%s, %s, 0, 0, STP_STAT_COUNT, -1)) %s", it, m,
		cg_fail(g));
	cg_line(g, "for (struct stp_mnode *%s; !%s && (%s = stp_map_iter_next(&%s));) {", e, t, e,
		it);
	g->ind++;
	const char *match = "1";

	for (int i = 0; i < x->args.n; i++) {
		if (!v[i])
			continue;
		match = x->args.v[i]->type == TYPE_STRING
				? arena_printf(g->a,
					       "%s && !stp_strcmp(stp_mnode_key_s(%s, %s, %d), %s)",
					       match, m, e, i, v[i])
				: arena_printf(g->a, "%s && stp_mnode_key_n(%s, %s, %d) == %s",
					       match, m, e, i, v[i]);
	}
	cg_line(g, "%s = %s;", t, match);
	g->ind--;
	cg_line(g, "}");
	cg_line(g, "stp_map_iter_end(&%s);", it);
	return t;
}

const char *cg_expr(struct cg *g, struct expr *x)
{
	switch (x->kind) {
	case EX_NUMBER:
		return number(g, x->num);
	case EX_STRING:
		return cg_cstr(g->a, string_value(g->a, x->str));
	case EX_EMBEDDED:
		return x->type == TYPE_STRING ? arena_printf(g->a, "((const char *)(%s))", x->str)
					      : arena_printf(g->a, "((int64_t)(%s))", x->str);
	case EX_SYMBOL:
		if (x->sym->counter)
			return long_tmp(g, arena_printf(g->a, "stp_counter_read(stpm_r, %d, &%s)",
							x->sym->counter_id, cg_var(g, x->sym)));
		return cg_var(g, x->sym);
	case EX_INDEX:
		if (x->a->kind == EX_STAT) { /* @hist_log(s)[i] */
			const char *hist;
			const char *d = cg_stat_data(g, x->a->a, &hist);
			const char *i = cg_expr(g, x->args.v[0]);
			const char *t = cg_tmp(g, "t");

			cg_line(g, "int64_t %s;", t);
			set_stmt(g, "operator '[]'", x->pos);
			cg_line(g, "if (stp_hist_bucket(c, %s, %s, %s, &%s)) %s", hist, d, i, t,
				cg_fail(g));
			return t;
		} else {
			const char *k = cg_keys(g, &x->args);

			if (x->type == TYPE_STRING) {
				const char *t = string_tmp(g);

				cg_line(g,
					"stp_strlcpy(%s, stp_map_get_s(c, %s, %s), MAXSTRINGLEN);",
					t, cg_map(g, x->a->sym), k);
				return t;
			}
			return long_tmp(g, arena_printf(g->a, "stp_map_get_n(c, %s, %s)",
							cg_map(g, x->a->sym), k));
		}
	case EX_CALL:
		return cg_call(g, x);
	case EX_TARGET:
		return cg_target(g, x);
	case EX_STAT:
		if (!strncmp(x->name, "hist_", 5)) {
			diag_error(x->pos, "semantic error", "@%s can only be printed or indexed",
				   x->name);
			return "0";
		}
		return cg_statop(g, x);
	case EX_UNARY: {
		const char *a = cg_expr(g, x->a);

		switch (x->op) {
		case OP_NEG:
			return arena_printf(g->a, "((int64_t)(0 - (uint64_t)%s))", a);
		case OP_NOT:
			return arena_printf(g->a, "((int64_t)!%s)", a);
		case OP_BNOT:
			return arena_printf(g->a, "(~%s)", a);
		default:
			return a;
		}
	}
	case EX_PREINC:
	case EX_POSTINC:
		return cg_incdec(g, x);
	case EX_BINARY:
		return cg_binary(g, x);
	case EX_ASSIGN:
		return cg_assignment(g, x);
	case EX_TERNARY:
		return cg_ternary(g, x);
	case EX_IN:
		return cg_in(g, x);
	case EX_AT_OP:
		if (!strcmp(x->name, "entry") && g->probe && g->probe->entries.n &&
		    x->ctx_arg < g->probe->entries.n && g->probe->entries.v[x->ctx_arg] == x)
			return cg_entry_value(g, x);
		if (!strcmp(x->name, "entry")) {
			diag_error(
				x->pos, "semantic error",
				"@entry needs a function's .return probe (its value is taken by an "
				"entry probe on that function)");
			return "0";
		}
		break;
	case EX_CAST:
	case EX_ATVAR:
		break;
	}
	diag_error(x->pos, "semantic error", "this expression cannot be translated");
	return "0";
}

void cg_effect(struct cg *g, struct expr *x)
{
	g->unused_value = x;
	const char *v = cg_expr(g, x);

	g->unused_value = NULL;

	/* What is left is a value without effects: drop it quietly. */
	if (strcmp(v, "0"))
		cg_line(g, "(void)%s;", v);
}
