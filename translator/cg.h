/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_CG_H
#define STAPMARK_CG_H
/*
 * Pass 3, code generation: the elaborated program (elab.h) as C over the
 * handler runtime (runtime/stp).  Shared by cg_expr.c (expressions),
 * cg_stmt.c (statements, functions, handlers) and cg_module.c (the module
 * around them: globals, session, marker registration, stp_script()).
 *
 * Expressions are flattened: generating one emits the statements that
 * compute its parts (anything that may fail is followed by a jump to the
 * handler's exit) and returns a side-effect-free C expression for its
 * value: an int64_t, or a const char * for strings that stays valid until
 * the end of the enclosing C block.
 */
#include <stdio.h>

#include "elab.h"

#define CG_MAX_LOOPS 64

struct cg {
	struct session *s;
	struct program *prog;
	struct arena *a;
	FILE *f; /* where the current function's body goes */
	int ind;
	int tmp; /* temporaries made so far (unique names) */
	struct derived_probe *probe; /* the handler being generated, or NULL */
	struct function *fn; /* the function being generated, or NULL */
	/* Active foreach iterators (innermost last): an exit from inside a
	 * loop must end them first. */
	const char *iters[CG_MAX_LOOPS];
	int niters;
	/* Loop nesting where break/continue need an iterator ended first. */
	int loop_iters[CG_MAX_LOOPS];
	int nloops;
	const char *exit_label; /* "out" */
	/* The expression evaluated for its effect only (its value unused). */
	const struct expr *unused_value;
};

/* A line of C at the current indentation. */
void cg_line(struct cg *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A fresh name: prefix + number. */
const char *cg_tmp(struct cg *g, const char *prefix);
/* The C statement that leaves the handler or function after an error
 * (ending active iterators first). */
const char *cg_fail(struct cg *g);
/* A C string literal for value: only printable ASCII is written as is, so
 * no script text can change the generated C. */
const char *cg_cstr(struct arena *a, const char *value);
/* probefunc() of a function probe: its function, or an absolute address. */
const char *probe_func(struct cg *g, const struct derived_probe *p);
/* The stmt text errors are reported "near" ("operator '/' at f.stp:3:9"). */
const char *cg_where(struct cg *g, const char *what, struct srcpos pos);

/* cg_expr.c */
const char *cg_expr(struct cg *g, struct expr *x);
/* The keys of an array element as a C union stp_val array (its name). */
const char *cg_keys(struct cg *g, expr_vec *args);
/* The runtime's STP_STAT_* for an aggregate name (NULL: @count). */
const char *cg_stat_op(const char *name);
/* Evaluate x for its effects only. */
void cg_effect(struct cg *g, struct expr *x);
/* C names of variables. */
const char *cg_var(struct cg *g, const struct symbol *s);
const char *cg_map(struct cg *g, const struct symbol *s);
const char *cg_stat(struct cg *g, const struct symbol *s);
/* The combined data of a statistic (global or element): its C name; *hist
 * gets the C expression of its histogram descriptor. */
const char *cg_stat_data(struct cg *g, struct expr *a, const char **hist);
/* Store value (C code of type t) into the target expression. */
void cg_assign(struct cg *g, struct expr *target, const char *value);

/* cg_stmt.c */
void cg_stmt(struct cg *g, struct stmt *st);
void cg_function(struct cg *g, struct function *fn);
const char *cg_function_name(struct cg *g, const struct function *fn);
/* Declarations of locals, zeroed. */
void cg_locals(struct cg *g, const symbol_vec *locals);
/* The C declaration of a function (for forward declarations). */
void cg_function_proto(struct cg *g, FILE *f, const struct function *fn);

/* cg_entry.c: @entry(...) in process().function().return probes. */
/* Number the @entry expressions of probe p (0 when none, or not a return
 * probe of a process function). */
int cg_entry_collect(struct cg *g, struct derived_probe *p);
/* Frame type, per-thread stack and entry handler stpm_probe_INDEX_entry. */
void cg_entry_handler(struct cg *g, struct derived_probe *p, int index);
/* The return handler's first lines: this call's frame as stpm_e_. */
void cg_entry_pop(struct cg *g, int index);
/* The C value of @entry(...) x inside the return handler. */
const char *cg_entry_value(struct cg *g, const struct expr *x);

/* cg_module.c */
int pass3_translate(struct session *s, struct program *p, FILE *out);
#endif
