// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The last step of pass 2: what each probe uses and how, which pass 3 only
 * reads.
 *
 *   counters   long scalar globals that every write only adds to (++, --,
 *              +=, -=): per-thread or per-CPU blocks, no lock
 *   locks      per probe, the globals it (or a function it calls) uses and
 *              how, as stap locks them: shared for reads and '<<<',
 *              exclusive for writes; only against the probes that may run
 *              at the same time
 *   stat reads statistics read while others add to them
 *   arguments  which marker arguments a probe reads ($$parms: all)
 *   regexes    every =~ / !~ pattern, numbered, for the program descriptor
 *   unread     globals written and never read, printed at the end as stap
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "elab.h"

bool call_set_enter(struct call_set *c, const struct function *f)
{
	for (int i = 0; i < c->n; i++)
		if (c->v[i] == f)
			return false;
	if (c->n == ELAB_MAX_CALLS) {
		c->full = true;
		return false;
	}
	c->v[c->n++] = f;
	return true;
}

/* Probes that run while others may: marker and function handlers (in
 * every target thread, or on every CPU) and timers, all during RUNNING.
 * begin runs before any of them, error and end after they are detached
 * and the timers stopped, one at a time. */
static bool concurrent_kind(enum probe_kind k)
{
	return k != PK_BEGIN && k != PK_END && k != PK_ERROR && k != PK_NEVER;
}

/* --- locks and marker arguments --- */

struct usage {
	const struct program *p;
	unsigned char *globals; /* 0 none, 1 read (or <<<), 2 write */
	int maxarg;
	unsigned used;
	unsigned strings; /* $argN passed straight to user_string*() (bit N-1) */
	bool comm; /* execname() is called */
	struct call_set calls;
};

static int global_index(const struct program *p, const struct symbol *s)
{
	for (int i = 0; i < p->globals.n; i++)
		if (p->globals.v[i] == s)
			return i;
	return -1;
}

static void use(struct usage *u, const struct symbol *s, unsigned char how)
{
	int i;

	if (!s || s->kind != SYM_GLOBAL || s->counter || (i = global_index(u->p, s)) < 0)
		return;
	if (u->globals[i] < how)
		u->globals[i] = how;
}

static void usage_stmt(struct usage *u, const struct stmt *st);
static void usage_expr(struct usage *u, const struct expr *x, unsigned char how);

static void usage_function(struct usage *u, struct function *f)
{
	if (call_set_enter(&u->calls, f))
		usage_stmt(u, f->decl->body);
	else if (u->calls.full) /* too many to follow: the worst */
		for (int i = 0; i < u->p->globals.n; i++)
			use(u, u->p->globals.v[i], 2);
}

static void usage_keys(struct usage *u, const struct expr *x)
{
	for (int i = 0; x->kind == EX_INDEX && i < x->args.n; i++)
		usage_expr(u, x->args.v[i], 1);
}

static void usage_expr(struct usage *u, const struct expr *x, unsigned char how)
{
	if (!x)
		return;
	switch (x->kind) {
	case EX_SYMBOL:
		use(u, x->sym, how);
		break;
	case EX_INDEX:
		if (x->a->kind == EX_SYMBOL)
			use(u, x->a->sym, how);
		else
			usage_expr(u, x->a, 1);
		break;
	case EX_ASSIGN:
		usage_expr(u, x->a, x->op == OP_AGG_ASSIGN ? 1 : 2);
		usage_expr(u, x->b, 1);
		usage_keys(u, x->a);
		return;
	case EX_PREINC:
	case EX_POSTINC:
		usage_expr(u, x->a, 2);
		usage_keys(u, x->a);
		return;
	case EX_CALL:
		/* A sys/sdt.h probe's hit copies these strings at once (the
		 * process may be gone when the handler runs in stapmark). */
		if (!strncmp(x->name, "user_string", 11) && x->args.n >= 1 &&
		    x->args.v[0]->kind == EX_TARGET && x->args.v[0]->ctx == CTX_ARG)
			u->strings |= 1u << (x->args.v[0]->ctx_arg - 1);
		if (!strcmp(x->name, "execname"))
			u->comm = true;
		if (x->fn)
			usage_function(u, x->fn);
		break;
	case EX_TARGET:
		if (x->ctx == CTX_ARG && x->ctx_arg > u->maxarg)
			u->maxarg = x->ctx_arg;
		if (x->ctx == CTX_ARG)
			u->used |= 1u << (x->ctx_arg - 1);
		if (x->ctx == CTX_PARMS)
			u->maxarg = ELAB_MAX_MARKER_ARGS, u->used = ~0u;
		break;
	default:
		break;
	}
	usage_expr(u, x->a, 1);
	usage_expr(u, x->b, 1);
	usage_expr(u, x->c, 1);
	for (int i = 0; i < x->args.n; i++)
		usage_expr(u, x->args.v[i], 1);
}

static void usage_stmt(struct usage *u, const struct stmt *st)
{
	if (!st)
		return;
	if (st->kind == ST_DELETE) {
		usage_expr(u, st->e, 2);
		usage_keys(u, st->e);
	} else {
		usage_expr(u, st->e, 1);
	}
	usage_expr(u, st->init, 1);
	usage_expr(u, st->step, 1);
	usage_expr(u, st->limit, 1);
	if (st->kind == ST_FOREACH && st->array->kind == EX_STAT) {
		usage_expr(u, st->array, 1);
	} else if (st->kind == ST_FOREACH) {
		const struct expr *arr = st->array;
		const struct symbol *a = arr->kind == EX_INDEX ? arr->a->sym : arr->sym;

		/* foreach over statistics aggregates into the array: a write. */
		use(u, a, a && a->type == TYPE_STATS ? 2 : 1);
		usage_keys(u, arr);
		for (int i = 0; i < st->keys.n; i++)
			use(u, st->keys.v[i].sym, 2);
		use(u, st->value_sym, 2);
	}
	use(u, st->catch_sym, 2);
	usage_stmt(u, st->body);
	usage_stmt(u, st->other);
	for (int i = 0; i < st->stmts.n; i++)
		usage_stmt(u, st->stmts.v[i]);
}

static struct usage *raw_usage(struct arena *a, const struct program *p,
			       const struct derived_probe *pr)
{
	struct usage *u = arena_alloc(a, sizeof(*u));

	u->p = p;
	u->globals = arena_alloc(a, p->globals.n + 1);
	usage_expr(u, pr->cond, 1);
	usage_stmt(u, pr->body);
	if (u->maxarg > pr->nargs)
		u->maxarg = pr->nargs;
	return u;
}

/*
 * The locks a probe takes.  A lock only orders a probe against the others
 * running at the same time, so: begin, error and end probes take none; a
 * concurrent probe locks a global only when some concurrent probe writes
 * it (a global written in begin or end alone is read lock-free, and '<<<'
 * into a statistic nobody aggregates concurrently needs just its slot's
 * lock, inside the runtime).
 */
static void find_locks(struct arena *a, struct program *p)
{
	unsigned char *written = arena_alloc(a, p->globals.n + 1);
	struct usage **u = arena_alloc(a, sizeof(*u) * (size_t)(p->probes.n + 1));

	for (int i = 0; i < p->probes.n; i++) {
		u[i] = raw_usage(a, p, p->probes.v[i]);
		for (int k = 0; concurrent_kind(p->probes.v[i]->kind) && k < p->globals.n; k++)
			written[k] |= u[i]->globals[k] == 2;
	}
	for (int i = 0; i < p->probes.n; i++) {
		struct derived_probe *q = p->probes.v[i];

		for (int k = 0; k < p->globals.n; k++)
			if (!concurrent_kind(q->kind) || !written[k])
				u[i]->globals[k] = 0;
		q->locks = u[i]->globals;
		q->maxarg = u[i]->maxarg;
		q->used_args = u[i]->used;
		q->sdt_strings = u[i]->strings;
		q->sdt_comm = u[i]->comm;
	}
}

/* --- counters --- */

static void no_counter_expr(const struct expr *x);

static void no_counter_target(const struct expr *x)
{
	if (x && x->kind == EX_SYMBOL && x->sym)
		x->sym->counter = false;
}

static void no_counter_child_expr(void *unused, const struct expr *x)
{
	(void)unused;
	no_counter_expr(x);
}

static void no_counter_stmt(const struct stmt *st);

static void no_counter_child_stmt(void *unused, const struct stmt *st)
{
	(void)unused;
	no_counter_stmt(st);
}

static void no_counter_expr(const struct expr *x)
{
	if (!x)
		return;
	if (x->kind == EX_ASSIGN && x->op != OP_ADD_ASSIGN && x->op != OP_SUB_ASSIGN)
		no_counter_target(x->a);
	expr_children(x, no_counter_child_expr, NULL);
}

static void no_counter_stmt(const struct stmt *st)
{
	if (!st)
		return;
	if (st->kind == ST_DELETE)
		no_counter_target(st->e);
	for (int i = 0; i < st->keys.n; i++)
		if (st->keys.v[i].sym)
			st->keys.v[i].sym->counter = false;
	if (st->value_sym)
		st->value_sym->counter = false;
	if (st->catch_sym)
		st->catch_sym->counter = false;
	stmt_children(st, no_counter_child_expr, no_counter_child_stmt, NULL);
}

static void find_counters(struct program *p)
{
	for (int i = 0; i < p->globals.n; i++) {
		struct symbol *s = p->globals.v[i];

		s->counter = s->arity <= 0 && s->type == TYPE_LONG;
	}
	for (int i = 0; i < p->probes.n; i++) {
		no_counter_expr(p->probes.v[i]->cond);
		no_counter_stmt(p->probes.v[i]->body);
	}
	for (int i = 0; i < p->functions.n; i++)
		no_counter_stmt(p->functions.v[i]->decl->body);
	p->ncounters = 0;
	for (int i = 0; i < p->globals.n; i++)
		if (p->globals.v[i]->counter)
			p->globals.v[i]->counter_id = p->ncounters++;
}

/*
 * --- statistics read while other probes add to them ---
 * Any use of a statistics global in a concurrent probe (or a function it
 * calls) other than as the target of '<<<' -- extractors, foreach, 'in',
 * delete, print of a histogram.  The others are read only by begin, end
 * and error probes, which never run beside an add, so a thread owning its
 * slot adds without the slot's lock (the runtime's no_concurrent_read).
 */
struct stat_reads {
	struct call_set calls; /* full: assume every statistic read */
};

static void stat_reads_stmt(struct stat_reads *w, const struct stmt *st);
static void stat_reads_child_expr(void *w, const struct expr *x);

static void stat_read(const struct symbol *s)
{
	if (s && s->kind == SYM_GLOBAL && s->type == TYPE_STATS)
		((struct symbol *)s)->read_concurrently = true;
}

static void stat_reads_expr(struct stat_reads *w, const struct expr *x)
{
	if (!x)
		return;
	if (x->kind == EX_ASSIGN && x->op == OP_AGG_ASSIGN) {
		/* The target's own symbol is an add, not a read; its keys and the
		 * value are expressions like any other. */
		const struct expr *t = x->a;

		if (t->kind == EX_INDEX && t->a->kind == EX_SYMBOL) {
			for (int i = 0; i < t->args.n; i++)
				stat_reads_expr(w, t->args.v[i]);
		} else if (t->kind != EX_SYMBOL) {
			stat_reads_expr(w, t);
		}
		stat_reads_expr(w, x->b);
		return;
	}
	stat_read(x->sym);
	if (x->kind == EX_CALL && x->fn && call_set_enter(&w->calls, x->fn))
		stat_reads_stmt(w, x->fn->decl->body);
	expr_children(x, stat_reads_child_expr, w);
}

static void stat_reads_child_expr(void *w, const struct expr *x)
{
	stat_reads_expr(w, x);
}

static void stat_reads_child_stmt(void *w, const struct stmt *st)
{
	stat_reads_stmt(w, st);
}

static void stat_reads_stmt(struct stat_reads *w, const struct stmt *st)
{
	if (st)
		stmt_children(st, stat_reads_child_expr, stat_reads_child_stmt, w);
}

static void find_concurrent_stat_reads(struct program *p)
{
	for (int i = 0; i < p->probes.n; i++) {
		const struct derived_probe *q = p->probes.v[i];
		struct stat_reads w = {.calls = {.n = 0}};

		if (!concurrent_kind(q->kind))
			continue;
		stat_reads_expr(&w, q->cond);
		stat_reads_stmt(&w, q->body);
		for (int k = 0; w.calls.full && k < p->globals.n; k++)
			stat_read(p->globals.v[k]);
	}
}

/* --- regular expressions --- */

static void regex_stmt(struct program *p, const struct stmt *st);

static void regex_expr(void *arg, const struct expr *x)
{
	struct program *p = arg;

	if (!x)
		return;
	if (x->kind == EX_BINARY && (x->op == OP_MATCH || x->op == OP_NOMATCH) && !x->regex_id) {
		struct arena *a = p->s->arena;
		const char *re = string_value(a, x->b->str);
		regex_t rx;
		int rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB);

		if (rc) {
			char msg[128];

			regerror(rc, &rx, msg, sizeof(msg));
			diag_error(x->b->pos, "semantic error",
				   "invalid regular expression '%s': %s", re, msg);
		} else {
			regfree(&rx);
		}
		VEC_PUSH(a, p->regexes, (struct expr *)x);
		((struct expr *)x)->regex_id = p->regexes.n;
	}
	expr_children(x, regex_expr, p);
}

static void regex_child_stmt(void *p, const struct stmt *st)
{
	regex_stmt(p, st);
}

static void regex_stmt(struct program *p, const struct stmt *st)
{
	if (st)
		stmt_children(st, regex_expr, regex_child_stmt, p);
}

static void find_regexes(struct program *p)
{
	for (int i = 0; i < p->probes.n; i++) {
		regex_expr(p, p->probes.v[i]->cond);
		regex_stmt(p, p->probes.v[i]->body);
	}
	for (int i = 0; i < p->functions.n; i++)
		regex_stmt(p, p->functions.v[i]->decl->body);
}

/* --- globals never read --- */

static int by_first_use(const void *x, const void *y)
{
	const struct symbol *a = *(const struct symbol *const *)x,
			    *b = *(const struct symbol *const *)y;

	return (a->first_use > b->first_use) - (a->first_use < b->first_use);
}

static void find_unread(struct program *p)
{
	for (int i = 0; i < p->globals.n; i++)
		if (p->globals.v[i]->written && !p->globals.v[i]->read)
			VEC_PUSH(p->s->arena, p->unread, p->globals.v[i]);
	if (p->unread.n)
		qsort(p->unread.v, (size_t)p->unread.n, sizeof(*p->unread.v), by_first_use);
}

bool analyse_usage(struct program *p)
{
	int errors = diag_errors;

	find_counters(p);
	find_concurrent_stat_reads(p);
	find_locks(p->s->arena, p);
	find_regexes(p);
	find_unread(p);
	return diag_errors == errors;
}
