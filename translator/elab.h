/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_ELAB_H
#define STAPMARK_ELAB_H
/*
 * Pass 2, elaboration: what the parsed script means.  The result is a
 * `struct program`: the probes to attach (aliases expanded, wildcards
 * matched, markers found in their tables), the globals and the functions
 * actually used, every expression typed and every name bound to its
 * symbol.  Pass 3 generates code from exactly this.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ast.h"
#include "format.h"
#include "preprocess.h"
#include "session.h"

/* Array keys a global may have (stap's limit). */
#define ELAB_MAX_KEYS 9
/* Arguments a marker may carry (include/stapmark/marker.h). */
#define ELAB_MAX_MARKER_ARGS 12

enum sym_kind { SYM_LOCAL, SYM_PARAM, SYM_GLOBAL };

struct symbol {
	enum sym_kind kind;
	const char *name;
	struct srcpos pos; /* declaration, or first use of a local */
	enum type type; /* of the value (of the elements for an array) */
	struct srcpos type_pos; /* where the type was first inferred */
	int arity; /* -1: not known yet, 0: scalar, N: array with N keys */
	struct srcpos arity_pos;
	enum type keys[ELAB_MAX_KEYS];
	struct srcpos key_pos[ELAB_MAX_KEYS];
	struct decl *decl; /* SYM_GLOBAL */
	bool read, written; /* the program reads / writes it */
	int first_use; /* resolution order of its first use (0: unused) */
	const struct expr *hist; /* the first @hist_* of this statistic */
	bool variance; /* some code asks @variance of this statistic */
	int variance_shift; /* @variance(s, N): N (0..62; 0 until one is given) */
	struct srcpos variance_shift_at; /* where that N was given */
	bool reported; /* its unresolved type was reported */
	int uses; /* references left after elision (locals) */
	int id; /* globals: position in program.globals (unique C names) */
	bool counter; /* a long only ever added to: no lock (usage.c) */
	int counter_id; /* its index among the counters */
	/* statistics: some probe that runs while others do (marker, timer)
	 * reads it; otherwise '<<<' may skip its slot lock (usage.c) */
	bool read_concurrently;
};

typedef VEC(struct symbol *) symbol_vec;

struct function {
	struct decl *decl;
	const char *name;
	symbol_vec params;
	symbol_vec locals;
	enum type ret;
	struct srcpos ret_pos;
	bool used; /* reached from a probe */
	int id; /* position in program.functions (unique C names) */
	bool resolved; /* its body has been bound */
	/* Whether calling it has an effect stap's optimizer keeps (effects.c). */
	enum { FX_UNKNOWN, FX_JUDGING, FX_NONE, FX_SOME } effects;
};

enum probe_kind {
	PK_BEGIN,
	PK_END,
	PK_ERROR,
	PK_NEVER,
	PK_TIMER,
	PK_PROCESS_MARK,
	PK_KERNEL_MARK,
	PK_PROCESS_FUNCTION,
	PK_KERNEL_FUNCTION,
};

/* What a target expression ($arg1, $name...) stands for. */
enum context_kind {
	CTX_NONE,
	CTX_ARG, /* marker argument ctx_arg (1-based) */
	CTX_NAME, /* $name: the marker's name */
	CTX_FORMAT, /* $format: the marker's format */
	CTX_PARMS, /* $$parms / $$vars: "name=value ..." */
	CTX_RETURN, /* $return of a .return function probe */
	CTX_PROVIDER, /* $$provider of a sys/sdt.h probe */
};

/* One probe to attach: a probe point after alias expansion and matching. */
struct derived_probe {
	enum probe_kind kind;
	const char *pp; /* canonical point: process("/bin/x").mark("name") */
	const char *written; /* the point(s) as the user wrote them */
	/* The tapset or script alias the user's point named (the outermost
	 * one when aliases chain), or NULL. */
	const struct decl *alias;
	struct srcpos pos; /* of the user's probe point */
	struct stmt *body; /* alias prologues + the user body + epilogues */
	struct expr *cond; /* `if (...)` conditions, and-ed; NULL if none */
	symbol_vec locals;
	int64_t priority; /* begin(N) / end(N) / error(N) */
	/* PK_TIMER: period, or a rate for timer.hz */
	int64_t period_ns, hz, randomize_ns;
	bool profile; /* timer.profile: on every CPU (the kernel backend) */
	/* marks and functions: the ELF file, or the kernel module */
	const char *path;
	const char *mark, *format;
	/* A sys/sdt.h probe (PK_PROCESS_MARK from a .note.stapsdt): its
	 * provider, the file that holds it (path: the program, or the
	 * .library(...) it names), and the arguments whose strings the hit
	 * copies for user_string() (bit k-1: $argk; usage.c). */
	bool sdt;
	const char *provider, *sdt_file;
	unsigned sdt_strings;
	bool sdt_comm; /* it calls execname(), itself or through functions */
	struct marker_arg args[ELAB_MAX_MARKER_ARGS];
	int nargs;
	const char *function;
	uint64_t address; /* function: symbol value; kprobe.statement: the address */
	uint64_t file_offset; /* process function: where a uprobe goes */
	bool is_return;
	/* PK_KERNEL_FUNCTION: the module ("ext4"; NULL: vmlinux), a return
	 * probe's .maxactive(N) (0: the kernel's default), a statement at an
	 * absolute address (function NULL), and whether the point was
	 * optional (a probe the kernel refuses is then a warning). */
	const char *kmodule;
	int64_t maxactive;
	bool absolute, optional;
	expr_vec entries; /* pass 3: the @entry(...) of a .return probe, in order */
	/* What the probe's code (with the functions it calls) uses (usage.c):
	 * per global (program.globals order) the lock it takes -- 0 none, 1
	 * shared (reads, '<<<'), 2 exclusive --; the highest marker argument
	 * it reads, and a bit per argument read (bit i-1: $argi). */
	unsigned char *locks;
	int maxarg;
	unsigned used_args;
};

/* The script functions a walk over code has entered: each body once, so
 * that recursion ends.  Past ELAB_MAX_CALLS different ones, full is set
 * and no more are entered (the walk then assumes the worst). */
#define ELAB_MAX_CALLS 256
struct call_set {
	const struct function *v[ELAB_MAX_CALLS];
	int n;
	bool full;
};
/* Whether a walk reaching a call of f should walk f's body now. */
bool call_set_enter(struct call_set *c, const struct function *f);

struct program {
	struct session *s;
	VEC(struct derived_probe *) probes;
	symbol_vec globals; /* used ones, in declaration order */
	VEC(struct function *) functions; /* used ones */
	VEC(struct decl *) embeds; /* top-level %{ %} of the files used */
	VEC(struct expr *) regexes; /* =~ and !~, numbered (expr.regex_id) */
	symbol_vec unread; /* globals written, never read: first use order */
	int ncounters;
	int nlibrary; /* tapset files parsed */
	int nincluded; /* tapset files the script pulled in */
};

/* Pass 2, with the library macros pass 1 loaded.  Returns NULL after
 * reporting errors. */
struct program *pass2(struct session *s, struct script *user, const macro_vec *macros);

/* End of pass 2 (usage.c): counters, locks, concurrent statistics reads,
 * regular expressions, never-read globals.  False after errors. */
bool analyse_usage(struct program *p);

/* Whether evaluating x may change anything, print, or fail at run time. */
bool expr_has_side_effects(const struct expr *x);
/* effects.c: whether evaluating x has an effect stap's optimizer keeps
 * (locals_count: writing a local of the code around it is one). */
bool expr_effect(const struct expr *x, bool locals_count);
bool function_has_effects(struct function *f);

/* -p2 output (like stap's): globals, functions, probes with their locals;
 * with bodies when verbose (stap prints them at -vv). */
void print_program(FILE *f, const struct program *p, bool bodies);

/* -L / -l: list the probe points matching s->list_probe; exit status. */
int list_probes(struct session *s, const macro_vec *macros);

#endif
