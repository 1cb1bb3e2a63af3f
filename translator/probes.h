/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_PROBES_H
#define STAPMARK_PROBES_H
/*
 * Deriving probes from probe points (pass 2): what probes.c (aliases,
 * begin/end/timers, process and kernel markers, process functions) shares
 * with probes_kernel.c (kernel functions, kprobes, kernel.trace).
 */
#include "elab_internal.h"
#include "marker_table.h"

/* Aliases may refer to aliases; a cycle stops here. */
#define MAX_ALIAS_DEPTH 32

struct deriving {
	struct elab *e;
	const struct decl *user; /* the probe declaration */
	const char *written;
	struct srcpos pos;
	int found; /* derived probes made from the current user point */
	int total; /* derived probes made from the declaration */
	const struct decl *chain[MAX_ALIAS_DEPTH]; /* aliases being expanded */
	int nchain;
	bool failed; /* an expansion error: stop expanding this declaration */
};

/* The string argument of c, NULL when it has none. */
const char *comp_string(struct elab *e, const struct probe_comp *c);
bool comp_is(const struct probe_comp *c, const char *name);
/* The number argument of c into *v; false when it has none. */
bool number_arg(const struct probe_comp *c, int64_t *v);
/* A C-string literal of s, for canonical points. */
const char *quoted(struct arena *a, const char *s);
/* A new derived probe of dv's declaration with its own copy of body. */
struct derived_probe *new_probe(struct deriving *dv, enum probe_kind kind, const char *pp,
				struct stmt *body, struct expr *cond);
/* " (did you mean: a, b?)" over the names of t, or "". */
void suggest(struct arena *a, const mark_vec *t, const char *name, const char **text);
/* A marker probe's arguments from its format; false after an error. */
bool marker_args(struct derived_probe *p, struct srcpos pos);

/* probes_kernel.c: kernel.function, module().function, kprobe.*; false
 * when pt is none of them. */
bool derive_kernel_function(struct deriving *dv, const struct probe_point *pt, struct stmt *body,
			    struct expr *cond);
/* kernel.trace("NAME"); false when pt is not one. */
bool derive_kernel_trace(struct deriving *dv, const struct probe_point *pt, struct stmt *body,
			 struct expr *cond);
/* probes_perf.c: perf.type(N).config(M)...: checked as stap checks it,
 * then refused (no backend opens perf events); false when pt is none. */
bool derive_perf(struct deriving *dv, const struct probe_point *pt);

#endif
