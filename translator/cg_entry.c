// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * @entry(EXPR) in a process().function().return probe: EXPR is evaluated
 * when the function is entered and its value used at the return.
 *
 * The return probe gets an entry handler on the same function.  It pushes
 * a frame of the values onto a stack per thread (runtime/stp/entry.h),
 * which the return handler pops: calls nest, so entries and returns pair
 * up last in, first out.  A frame is pushed even when its values could not
 * be computed (an error, a busy context) and then marks the return as one
 * to skip, so the pairing never slips.  A call left by longjmp() leaves its
 * frame behind; the next entry drops every frame at or below its own stack
 * position, which such calls held.  Deeper than STP_ENTRY_DEPTH calls, the
 * returns are skipped.
 */
#include <string.h>

#include "cg.h"

static bool is_entry(const struct expr *x)
{
	return x->kind == EX_AT_OP && !strcmp(x->name, "entry") && x->args.n == 1;
}

struct collect {
	struct cg *g;
	struct derived_probe *p;
};

/*
 * Whether x reads a global, itself or through the script functions it
 * calls: the entry handler takes no locks, so @entry refuses those (it is
 * meant for what the entry alone knows: arguments, clocks, the thread).
 */
struct globals_walk {
	struct call_set calls;
	const struct expr *found;
};

static void globals_expr(void *arg, const struct expr *x);

static void globals_stmt(void *arg, const struct stmt *st)
{
	stmt_children(st, globals_expr, globals_stmt, arg);
}

static void globals_expr(void *arg, const struct expr *x)
{
	struct globals_walk *w = arg;

	if (w->found)
		return;
	if (x->sym && x->sym->kind == SYM_GLOBAL) {
		w->found = x;
		return;
	}
	if (x->kind == EX_CALL && x->fn && x->fn->decl->body && call_set_enter(&w->calls, x->fn))
		globals_stmt(w, x->fn->decl->body);
	expr_children(x, globals_expr, arg);
}

static void collect_expr(void *arg, const struct expr *cx);

static void collect_stmt(void *arg, const struct stmt *st)
{
	stmt_children(st, collect_expr, collect_stmt, arg);
}

static void collect_expr(void *arg, const struct expr *cx)
{
	struct collect *k = arg;
	struct expr *x = (struct expr *)cx;

	if (is_entry(x)) {
		struct globals_walk w = {.calls = {.n = 0}, .found = NULL};

		globals_expr(&w, x->args.v[0]);
		if (w.found)
			diag_error(
				w.found->pos, "semantic error",
				"@entry(...) may not read globals ('%s'): it is evaluated at the "
				"function's entry, without the script's locks",
				w.found->sym->name);
		else if (w.calls.full)
			diag_error(x->pos, "semantic error",
				   "@entry(...) calls more than %d script functions: too many to "
				   "check that none reads a global",
				   ELAB_MAX_CALLS);
		x->ctx_arg = k->p->entries.n;
		VEC_PUSH(k->g->a, k->p->entries, x);
		return; /* an @entry inside @entry adds nothing */
	}
	expr_children(x, collect_expr, arg);
}

int cg_entry_collect(struct cg *g, struct derived_probe *p)
{
	struct collect k = {g, p};

	if ((p->kind != PK_PROCESS_FUNCTION && p->kind != PK_KERNEL_FUNCTION) || !p->is_return ||
	    p->entries.n)
		return p->entries.n;
	if (p->cond)
		collect_expr(&k, p->cond);
	if (p->body)
		collect_stmt(&k, p->body);
	return p->entries.n;
}

/* The frame type, the per-thread stack and the entry handler of return
 * probe index. */
void cg_entry_handler(struct cg *g, struct derived_probe *p, int index)
{
	cg_line(g, "struct stpm_entry_%d {", index);
	cg_line(g, "\tstruct stp_entry_frame h;");
	for (int k = 0; k < p->entries.n; k++) {
		if (p->entries.v[k]->type == TYPE_STRING)
			cg_line(g, "\tstp_string_t v%d;", k);
		else
			cg_line(g, "\tint64_t v%d;", k);
	}
	cg_line(g, "};");
	cg_line(g, "static void stpm_probe_%d_entry(void *probe_private, void *uc)", index);
	cg_line(g, "{");
	g->ind = 1;
	cg_line(g, "struct stpm_entry_%d *f = (struct stpm_entry_%d *)stp_entry_push(", index,
		index);
	cg_line(g, "\t%d, sizeof(*f), (uint64_t)stp_host_uregs_sp(uc));", index);
	cg_line(g, "%s", "");
	cg_line(g, "(void)probe_private;");
	cg_line(g, "struct stp_context *c = stp_context_enter(stpm_r, %s, STP_SESSION_RUNNING);",
		cg_cstr(g->a, p->pp));
	cg_line(g, "if (!c)");
	cg_line(g, "\treturn;");
	cg_line(g, "c->uregs = uc;");
	cg_line(g, "c->probe_func = %s;", cg_cstr(g->a, probe_func(g, p)));
	cg_line(g, "if (f) {");
	g->ind++;
	g->probe = p;
	g->exit_label = "out";
	g->niters = 0;
	for (int k = 0; k < p->entries.n; k++) {
		struct expr *x = p->entries.v[k];
		const char *v = cg_expr(g, x->args.v[0]);

		if (x->type == TYPE_STRING)
			cg_line(g, "stp_strlcpy(f->v%d, %s, MAXSTRINGLEN);", k, v);
		else
			cg_line(g, "f->v%d = %s;", k, v);
	}
	cg_line(g, "f->h.valid = 1;");
	g->ind--;
	cg_line(g, "}");
	g->probe = NULL;
	g->ind = 0;
	cg_line(g, "out: __attribute__((unused));");
	cg_line(g, "\tstp_context_exit(c);");
	cg_line(g, "}\n");
}

/* The start of the return handler: pop this call's frame into stpm_e_, or
 * leave (no entry seen, or its values missing). */
void cg_entry_pop(struct cg *g, int index)
{
	cg_line(g, "struct stpm_entry_%d *stpm_e_ =", index);
	cg_line(g, "\t(struct stpm_entry_%d *)stp_entry_pop(%d, sizeof(*stpm_e_));", index, index);
	cg_line(g, "if (!stpm_e_)");
	cg_line(g, "\treturn;");
}

const char *cg_entry_value(struct cg *g, const struct expr *x)
{
	return arena_printf(g->a, "stpm_e_->v%d", x->ctx_arg);
}
