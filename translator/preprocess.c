// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The preprocessor: copies the lexer's tokens to the parser's array while
 * deciding conditionals and expanding macros and script arguments.  It
 * recurses on token ranges (a chosen branch, a macro expansion), so both
 * nesting depth and the total number of tokens produced are bounded: a
 * hostile script cannot make it recurse without end or blow up memory.
 */
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "preprocess.h"

#define PP_MAX_DEPTH 100
#define PP_MAX_TOKENS (1 << 20)

struct pp {
	struct session *s;
	struct arena *a;
	const macro_vec *library;
	macro_vec local;
	token_vec *out;
	long produced;
};

static const char *const builtin_at_ops[] = {
	"cast",	  "var",    "entry",	"defined",     "probewrite", "kregister", "uregister",
	"kderef", "uderef", "perf",	"const",       "count",	     "sum",	  "min",
	"max",	  "avg",    "variance", "hist_linear", "hist_log",   "define",
};

bool is_builtin_at_op(const char *name, int len)
{
	for (size_t i = 0; i < sizeof(builtin_at_ops) / sizeof(builtin_at_ops[0]); i++)
		if ((int)strlen(builtin_at_ops[i]) == len && !memcmp(builtin_at_ops[i], name, len))
			return true;
	return false;
}

static bool pp_error(const struct token *t, const char *msg)
{
	diag_error(t->pos, "parse error", "%s", msg);
	return false;
}

static bool emit(struct pp *pp, const struct token *t)
{
	if (++pp->produced > PP_MAX_TOKENS)
		return pp_error(t, "preprocessor output too large (runaway macro expansion?)");
	VEC_PUSH(pp->a, *pp->out, *t);
	return true;
}

static bool is_pp(const struct token *t, const char *s)
{
	return tok_is(t, TOK_PP, s);
}

static bool is_op(const struct token *t, const char *s)
{
	return tok_is(t, TOK_OP, s);
}

/* $#/@#: the count of script arguments, not one of them. */
#define SCRIPT_ARG_COUNT INT_MAX

/* $N/@N/$#/@# as the index it names: N (0 too, which is out of range, as
 * in stap), SCRIPT_ARG_COUNT for '#', or -1 if not one. */
static int script_arg_index(const struct token *t)
{
	if ((t->kind != TOK_TARGET && t->kind != TOK_AT) || t->len < 2)
		return -1;
	if (t->len == 2 && t->text[1] == '#')
		return SCRIPT_ARG_COUNT;
	int v = 0;

	for (int i = 1; i < t->len; i++) {
		if (t->text[i] < '0' || t->text[i] > '9' || v > 100000)
			return -1;
		v = v * 10 + t->text[i] - '0';
	}
	return v;
}

/* Expand a script argument reference into out (one or more tokens). */
static bool expand_script_arg(struct pp *pp, const struct token *t, int idx)
{
	struct session *s = pp->s;
	struct token nt = *t;

	if (idx == SCRIPT_ARG_COUNT) {
		/* $# is a number, @# the same count as a string. */
		nt.kind = t->kind == TOK_TARGET ? TOK_NUMBER : TOK_STRING;
		nt.text = arena_printf(pp->a, "%d", s->nargs);
		nt.len = (int)strlen(nt.text);
		nt.num = s->nargs;
		return emit(pp, &nt);
	}
	if (idx < 1 || idx > s->nargs) {
		diag_error(t->pos, "parse error",
			   "command line argument index %d out of range [1-%d]", idx, s->nargs);
		return false;
	}
	const char *arg = s->args[idx - 1];

	if (t->kind == TOK_AT) {
		/* @N is the argument as a string literal, whatever it holds.  The
		 * lexer keeps escapes raw, so quotes and backslashes get one. */
		size_t n = strlen(arg);
		char *q = arena_alloc(pp->a, 2 * n + 1), *w = q;

		for (size_t i = 0; i < n; i++) {
			if (arg[i] == '"' || arg[i] == '\\')
				*w++ = '\\';
			*w++ = arg[i];
		}
		nt.kind = TOK_STRING;
		nt.text = q;
		nt.len = (int)(w - q);
		return emit(pp, &nt);
	}
	/* $N is the argument's text read as tokens, in place. */
	const char *name = arena_printf(pp->a, "command line argument $%d", idx);
	struct source *src = source_from_string(pp->a, name, arg, strlen(arg));
	token_vec toks = {0};

	if (!lex_source(pp->a, src, &toks))
		return false;
	for (int i = 0; i + 1 < toks.n; i++) {
		struct token at = toks.v[i];

		at.pos = t->pos;
		if (i == 0)
			at.space_before = t->space_before;
		if (!emit(pp, &at))
			return false;
	}
	return true;
}

/* ---- conditions ---- */

struct cond {
	struct pp *pp;
	const struct token *t;
	int i, n;
	bool ok;
};

static const struct token *cpeek(struct cond *c)
{
	static const struct token eof = {.kind = TOK_EOF, .text = ""};

	return c->i < c->n ? &c->t[c->i] : c->i > 0 ? &c->t[c->i - 1] : &eof;
}

static bool cfail(struct cond *c, const char *msg)
{
	if (c->ok)
		pp_error(cpeek(c), msg);
	c->ok = false;
	return false;
}

/* An operand: a value token, with script arguments resolved. */
static struct token coperand(struct cond *c)
{
	struct token t = *cpeek(c);
	int idx = script_arg_index(&t);

	if (c->i < c->n)
		c->i++;
	if (idx >= 0) {
		token_vec tmp = {0}, *save = c->pp->out;

		c->pp->out = &tmp;
		if (!expand_script_arg(c->pp, &t, idx)) {
			c->ok = false;
			tmp.n = 0;
		}
		c->pp->out = save;
		if (tmp.n == 2 && is_op(&tmp.v[0], "-") && tmp.v[1].kind == TOK_NUMBER) {
			t = tmp.v[1];
			t.num = -t.num;
		} else if (tmp.n == 1) {
			t = tmp.v[0];
		} else {
			t.kind = TOK_EOF;
		}
	} else if (is_op(&t, "-") && cpeek(c)->kind == TOK_NUMBER) {
		struct token v = *cpeek(c);

		c->i++;
		v.num = -v.num;
		t = v;
	}
	return t;
}

enum { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE };

static int cmp_op(const struct token *t)
{
	static const char *const names[] = {"==", "!=", "<", "<=", ">", ">="};

	for (int i = 0; i < 6; i++)
		if (is_op(t, names[i]))
			return i;
	return -1;
}

static bool apply(int op, int cmp)
{
	switch (op) {
	case C_EQ:
		return cmp == 0;
	case C_NE:
		return cmp != 0;
	case C_LT:
		return cmp < 0;
	case C_LE:
		return cmp <= 0;
	case C_GT:
		return cmp > 0;
	default:
		return cmp >= 0;
	}
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* == and != match shell globs ("i?86", "2.6.3*"); the others order. */
static bool str_compare(int op, const char *lhs, const char *rhs, bool version)
{
	if ((op == C_EQ || op == C_NE) && has_glob(rhs))
		return (fnmatch(rhs, lhs, 0) == 0) == (op == C_EQ);
	return apply(op, version ? strverscmp(lhs, rhs) : strcmp(lhs, rhs));
}

static char *tok_str(struct arena *a, const struct token *t)
{
	return arena_strndup(a, t->text, t->len);
}

static bool cterm(struct cond *c)
{
	struct session *s = c->pp->s;
	const struct token *first = cpeek(c);

	if (first->kind != TOK_IDENT && first->kind != TOK_NUMBER && first->kind != TOK_STRING &&
	    script_arg_index(first) < 0 && !is_op(first, "-"))
		return cfail(c,
			     "expected 'arch', 'kernel_v', 'kernel_vr', 'systemtap_v', 'runtime', "
			     "'systemtap_privilege', 'guru_mode', 'CONFIG_...', or a comparison "
			     "between strings or numbers");
	struct token lhs = coperand(c);
	int op = cmp_op(cpeek(c));

	if (!c->ok)
		return false;
	if (op < 0)
		return cfail(c, "expected comparison operator in preprocessor condition");
	c->i++;
	struct token rhs = coperand(c);

	if (!c->ok)
		return false;
	if (lhs.kind == TOK_IDENT) {
		char *name = tok_str(c->pp->a, &lhs);
		const char *val = NULL;
		bool version = false;

		if (!strcmp(name, "kernel_v")) {
			char *v = arena_strndup(c->pp->a, s->kernel_release,
						strlen(s->kernel_release));

			v[strcspn(v, "-")] = 0;
			val = v;
			version = true;
		} else if (!strcmp(name, "kernel_vr")) {
			val = s->kernel_release;
			version = true;
		} else if (!strcmp(name, "systemtap_v")) {
			val = s->stap_version;
			version = true;
		} else if (!strcmp(name, "arch")) {
			val = s->arch;
		} else if (!strcmp(name, "runtime")) {
			val = s->runtime;
			s->runtime_asked = true;
		} else if (!strcmp(name, "systemtap_privilege")) {
			val = s->privilege;
		} else if (!strcmp(name, "guru_mode")) {
			if (rhs.kind != TOK_NUMBER)
				return cfail(c, "guru_mode compares with a number");
			return apply(op, (s->guru > rhs.num) - (s->guru < rhs.num));
		} else if (!strncmp(name, "CONFIG_", 7)) {
			const char *cv = session_kconfig(s, lhs.text, lhs.len);

			if (rhs.kind == TOK_IDENT && rhs.len > 7 &&
			    !memcmp(rhs.text, "CONFIG_", 7)) {
				/* CONFIG_A >= CONFIG_B: numbers if both are, else strings. */
				const char *rv = session_kconfig(s, rhs.text, rhs.len);
				char *e1, *e2;

				if (!cv || !rv)
					return false;
				long long a = strtoll(cv, &e1, 0), b = strtoll(rv, &e2, 0);

				if (!*e1 && !*e2 && *cv && *rv)
					return apply(op, (a > b) - (a < b));
				return apply(op, strcmp(cv, rv));
			}
			if (rhs.kind == TOK_NUMBER) {
				long long v = cv ? strtoll(cv, NULL, 0) : 0;

				if (!cv)
					return false;
				return apply(op, (v > rhs.num) - (v < rhs.num));
			}
			if (rhs.kind != TOK_STRING)
				return cfail(c,
					     "CONFIG_ option compares with a string or a number");
			char *v = arena_strndup(c->pp->a, cv ? cv : "", cv ? strlen(cv) : 0);
			size_t n = strlen(v);

			/* String options are quoted in .config. */
			if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
				v[n - 1] = 0;
				v++;
			}
			return str_compare(op, v, tok_str(c->pp->a, &rhs), false);
		} else {
			return cfail(c,
				     "expected 'arch', 'kernel_v', 'kernel_vr', 'systemtap_v', "
				     "'runtime', 'systemtap_privilege', 'guru_mode', 'CONFIG_...', "
				     "or a comparison between strings or numbers");
		}
		if (rhs.kind != TOK_STRING)
			return cfail(c, "expected a string to compare with");
		return str_compare(op, val, tok_str(c->pp->a, &rhs), version);
	}
	if (lhs.kind == TOK_NUMBER && rhs.kind == TOK_NUMBER)
		return apply(op, (lhs.num > rhs.num) - (lhs.num < rhs.num));
	if (lhs.kind == TOK_STRING && rhs.kind == TOK_STRING)
		return str_compare(op, tok_str(c->pp->a, &lhs), tok_str(c->pp->a, &rhs), false);
	c->i--;
	return cfail(c, "expected 'arch', 'kernel_v', 'kernel_vr', 'systemtap_v', 'runtime', "
			"'systemtap_privilege', 'guru_mode', 'CONFIG_...', or a comparison between "
			"strings or numbers");
}

static bool cand(struct cond *c)
{
	bool v = cterm(c);

	while (c->ok && is_op(cpeek(c), "&&")) {
		c->i++;
		bool r = cterm(c);

		v = v && r;
	}
	return v;
}

static bool cor(struct cond *c)
{
	bool v = cand(c);

	while (c->ok && is_op(cpeek(c), "||")) {
		c->i++;
		bool r = cand(c);

		v = v || r;
	}
	return v;
}

/* ---- the copy loop ---- */

static bool expand(struct pp *pp, const struct token *t, int n, int depth);

/* From t[i] (just after %( or a %?/%: at this level) find the next %?, %:
 * or %) of the same nesting level; -1 if the range ends first. */
static int find_pp(const struct token *t, int i, int n)
{
	int nest = 0;

	for (; i < n && t[i].kind != TOK_EOF; i++) {
		if (is_pp(&t[i], "%("))
			nest++;
		else if (nest == 0 && t[i].kind == TOK_PP)
			return i;
		else if (is_pp(&t[i], "%)"))
			nest--;
	}
	return -1;
}

/* t[*ip] is %(: decide it, expand the chosen branch, leave *ip on its %). */
static bool conditional(struct pp *pp, const struct token *t, int *ip, int n, int depth)
{
	int i = *ip;
	int q = find_pp(t, i + 1, n);

	if (q < 0 || !is_pp(&t[q], "%?"))
		return pp_error(q < 0 ? &t[i] : &t[q],
				"expected '%?' after preprocessor condition");
	/* The condition may use macros (@_IS_SREG_KERNEL): expand it first. */
	token_vec ctoks = {0}, *save = pp->out;

	pp->out = &ctoks;
	bool ok = expand(pp, t + i + 1, q - i - 1, depth + 1);

	pp->out = save;
	if (!ok)
		return false;
	if (!ctoks.n)
		return pp_error(&t[q], "empty preprocessor condition");
	struct cond c = {pp, ctoks.v, 0, ctoks.n, true};
	bool v = cor(&c);

	if (!c.ok)
		return false;
	if (c.i < c.n)
		return pp_error(&ctoks.v[c.i], "expected '%?' after preprocessor condition");
	int then_start = q + 1;
	int then_end = find_pp(t, then_start, n), else_start = -1, else_end;

	if (then_end < 0)
		return pp_error(&t[i], "incomplete conditional: missing '%)'");
	if (is_pp(&t[then_end], "%:")) {
		else_start = then_end + 1;
		else_end = find_pp(t, else_start, n);
		if (else_end < 0)
			return pp_error(&t[i], "incomplete conditional: missing '%)'");
	} else {
		else_end = then_end;
	}
	if (!is_pp(&t[else_end], "%)"))
		return pp_error(&t[else_end], "unexpected preprocessor token in conditional");
	*ip = else_end;
	if (v)
		return expand(pp, t + then_start, then_end - then_start, depth + 1);
	if (else_start >= 0)
		return expand(pp, t + else_start, else_end - else_start, depth + 1);
	return true;
}

static const struct macro *find_macro(struct pp *pp, const char *name, int len)
{
	for (int i = pp->local.n - 1; i >= 0; i--)
		if ((int)strlen(pp->local.v[i].name) == len &&
		    !memcmp(pp->local.v[i].name, name, len))
			return &pp->local.v[i];
	if (pp->library)
		for (int i = pp->library->n - 1; i >= 0; i--)
			if ((int)strlen(pp->library->v[i].name) == len &&
			    !memcmp(pp->library->v[i].name, name, len))
				return &pp->library->v[i];
	return NULL;
}

/* t[*ip] is @define: record the macro, leave *ip on the body's %). */
static bool define_macro(struct pp *pp, const struct token *t, int *ip, int n)
{
	int i = *ip + 1;
	struct macro m = {0};
	VEC(const char *) params = {0};

	if (i >= n || t[i].kind != TOK_IDENT)
		return pp_error(i < n ? &t[i] : &t[*ip], "expected macro name after @define");
	/* As stap: a macro may take a builtin operator's name (it then wins,
	 * with a warning), but not @define's. */
	if (t[i].len == 6 && !memcmp(t[i].text, "define", 6))
		return pp_error(&t[i], "attempt to redefine '@define'");
	if (is_builtin_at_op(t[i].text, t[i].len))
		diag_warning(t[i].pos, "macro redefines built-in operator '@%.*s'", t[i].len,
			     t[i].text);
	m.name = tok_str(pp->a, &t[i++]);
	if (i < n && is_op(&t[i], "(")) {
		i++;
		while (i < n && !is_op(&t[i], ")")) {
			if (params.n && !(is_op(&t[i], ",") && ++i < n))
				return pp_error(&t[i < n ? i : n - 1],
						"expected ',' or ')' in macro parameters");
			if (i >= n || t[i].kind != TOK_IDENT)
				return pp_error(&t[i < n ? i : n - 1],
						"expected macro parameter name");
			VEC_PUSH(pp->a, params, tok_str(pp->a, &t[i]));
			i++;
		}
		if (i >= n)
			return pp_error(&t[n - 1], "expected ')' after macro parameters");
		i++;
	}
	if (i >= n || !is_pp(&t[i], "%("))
		return pp_error(&t[i < n ? i : n - 1], "expected '%(' to start the macro body");
	int start = ++i, nest = 0;

	for (; i < n && t[i].kind != TOK_EOF; i++) {
		if (is_pp(&t[i], "%("))
			nest++;
		else if (is_pp(&t[i], "%)") && nest-- == 0)
			break;
	}
	if (i >= n || t[i].kind == TOK_EOF)
		return pp_error(&t[*ip], "macro body has no closing '%)'");
	m.params = params.v;
	m.nparams = params.n;
	m.body = t + start;
	m.nbody = i - start;
	VEC_PUSH(pp->a, pp->local, m);
	*ip = i;
	return true;
}

/* t[*ip] is @NAME of macro m: expand it, leave *ip on its last token. */
static bool expand_macro(struct pp *pp, const struct macro *m, const struct token *t, int *ip,
			 int n, int depth)
{
	int i = *ip + 1;
	VEC(int) arg_start = {0};
	VEC(int) arg_end = {0};

	if (depth >= PP_MAX_DEPTH)
		return pp_error(&t[*ip], "macro expansion nested too deeply (recursive macro?)");
	if (m->nparams > 0) {
		if (i >= n || !is_op(&t[i], "("))
			return pp_error(&t[*ip], "expected '(' and the macro's arguments");
		int nest = 0;

		VEC_PUSH(pp->a, arg_start, ++i);
		for (; i < n && t[i].kind != TOK_EOF; i++) {
			if (is_op(&t[i], "(") || is_op(&t[i], "[") || is_op(&t[i], "{"))
				nest++;
			else if ((is_op(&t[i], ")") || is_op(&t[i], "]") || is_op(&t[i], "}")) &&
				 nest > 0)
				nest--;
			else if (nest == 0 && is_op(&t[i], ")"))
				break;
			else if (nest == 0 && is_op(&t[i], ",")) {
				VEC_PUSH(pp->a, arg_end, i);
				VEC_PUSH(pp->a, arg_start, i + 1);
			}
		}
		if (i >= n || t[i].kind == TOK_EOF)
			return pp_error(&t[*ip], "macro arguments have no closing ')'");
		VEC_PUSH(pp->a, arg_end, i);
		if (arg_start.n != m->nparams) {
			diag_error(t[*ip].pos, "parse error",
				   "macro @%s takes %d argument%s, not %d", m->name, m->nparams,
				   m->nparams == 1 ? "" : "s", arg_start.n);
			return false;
		}
	} else {
		i--;
	}
	/* Build the body with parameters replaced, then expand that.  The
	 * body's own tokens remember this expansion; the arguments keep the
	 * positions they have where the macro is used. */
	token_vec body = {0};
	struct expansion *exp = arena_alloc(pp->a, sizeof(*exp));

	exp->macro = m->name;
	exp->site = t[*ip].pos;

	for (int j = 0; j < m->nbody; j++) {
		const struct token *bt = &m->body[j];
		int p = -1;

		if (bt->kind == TOK_AT)
			for (int k = 0; k < m->nparams; k++)
				if ((int)strlen(m->params[k]) == bt->len - 1 &&
				    !memcmp(m->params[k], bt->text + 1, bt->len - 1))
					p = k;
		if (p < 0) {
			struct token own = *bt;

			own.pos.exp = exp;
			VEC_PUSH(pp->a, body, own);
			pp->produced++;
			continue;
		}
		for (int k = arg_start.v[p]; k < arg_end.v[p]; k++) {
			VEC_PUSH(pp->a, body, t[k]);
			if (++pp->produced > PP_MAX_TOKENS)
				return pp_error(&t[*ip], "preprocessor output too large "
							 "(runaway macro expansion?)");
		}
	}
	*ip = i;
	return expand(pp, body.v, body.n, depth + 1);
}

static bool expand(struct pp *pp, const struct token *t, int n, int depth)
{
	if (depth >= PP_MAX_DEPTH)
		return pp_error(n ? &t[0] : &pp->out->v[pp->out->n - 1],
				"preprocessor conditionals or macros nested too deeply");
	for (int i = 0; i < n && t[i].kind != TOK_EOF; i++) {
		const struct token *tk = &t[i];
		int idx;

		if (is_pp(tk, "%(")) {
			if (!conditional(pp, t, &i, n, depth))
				return false;
		} else if (tk->kind == TOK_PP) {
			return pp_error(tk, "incomplete conditional: missing '%('");
		} else if (tok_is(tk, TOK_AT, "@define")) {
			if (!define_macro(pp, t, &i, n))
				return false;
		} else if ((idx = script_arg_index(tk)) >= 0) {
			if (!expand_script_arg(pp, tk, idx))
				return false;
		} else if (tk->kind == TOK_AT) {
			const struct macro *m = find_macro(pp, tk->text + 1, tk->len - 1);

			if (!m) {
				/* A builtin operator, or unknown: the parser
				 * reports it where it stands. */
				if (!emit(pp, tk))
					return false;
			} else if (!expand_macro(pp, m, t, &i, n, depth)) {
				return false;
			}
		} else if (!emit(pp, tk)) {
			return false;
		}
	}
	return true;
}

bool preprocess(struct session *s, const struct source *src, const macro_vec *library,
		macro_vec *defined, token_vec *out)
{
	token_vec raw = {0};
	struct pp pp = {s, s->arena, library, {0}, out, 0};

	if (!lex_source(s->arena, src, &raw))
		return false;
	bool ok = expand(&pp, raw.v, raw.n, 0);
	struct token eof = raw.v[raw.n - 1];

	VEC_PUSH(s->arena, *out, eof);
	if (defined)
		for (int i = 0; i < pp.local.n; i++)
			VEC_PUSH(s->arena, *defined, pp.local.v[i]);
	return ok;
}
