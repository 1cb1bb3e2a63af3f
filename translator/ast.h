/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_AST_H
#define STAPMARK_AST_H
/*
 * The syntax tree of a script.  Every node carries its file:line:col so that
 * elaboration (pass 2) can point at it; `type` is left for pass 2 to fill.
 * Nodes live in the session's arena.
 */
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "source.h"

enum type { TYPE_UNKNOWN, TYPE_LONG, TYPE_STRING, TYPE_STATS };

/* Filled by pass 2 (elab.h); NULL after pass 1. */
struct symbol;
struct function;
extern const char *const type_name[];

/* Operators of unary, binary and assignment expressions. */
enum op {
	OP_NONE,
	/* binary, by precedence group */
	OP_LOR,
	OP_LAND,
	OP_BOR,
	OP_BXOR,
	OP_BAND,
	OP_EQ,
	OP_NE,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_MATCH,
	OP_NOMATCH,
	OP_SHL,
	OP_SHR,
	OP_CONCAT,
	OP_ADD,
	OP_SUB,
	OP_MUL,
	OP_DIV,
	OP_MOD,
	/* unary */
	OP_NEG,
	OP_PLUS,
	OP_NOT,
	OP_BNOT,
	OP_ADDR,
	OP_INC,
	OP_DEC,
	/* assignment: = and compound forms, <<< (aggregate) */
	OP_ASSIGN,
	OP_ADD_ASSIGN,
	OP_SUB_ASSIGN,
	OP_MUL_ASSIGN,
	OP_DIV_ASSIGN,
	OP_MOD_ASSIGN,
	OP_AND_ASSIGN,
	OP_OR_ASSIGN,
	OP_XOR_ASSIGN,
	OP_SHL_ASSIGN,
	OP_SHR_ASSIGN,
	OP_CONCAT_ASSIGN,
	OP_AGG_ASSIGN,
	OP_COUNT_
};
extern const char *const op_text[OP_COUNT_];

enum expr_kind {
	EX_NUMBER, /* num */
	EX_STRING, /* str (raw, escapes as written) */
	EX_SYMBOL, /* name: a variable or array */
	EX_INDEX, /* a[args]: a is a symbol or a histogram; NULL arg = '*' */
	EX_CALL, /* name(args), print family included */
	EX_TARGET, /* $name / $$vars... + comps (&$x is OP_ADDR of it) */
	EX_CAST, /* @cast(a, str [, str2]) + comps */
	EX_ATVAR, /* @var(str [, str2]) + comps */
	EX_AT_OP, /* name(args): @entry @defined @probewrite @kregister
		     @uregister @perf @const -- name without '@' */
	EX_STAT, /* @name(a [, args]): @count @sum @min @max @avg
		    @variance @hist_linear @hist_log */
	EX_UNARY, /* op a */
	EX_PREINC, /* op a (OP_INC/OP_DEC) */
	EX_POSTINC, /* a op */
	EX_BINARY, /* a op b */
	EX_ASSIGN, /* a op b */
	EX_TERNARY, /* a ? b : c */
	EX_IN, /* [args] in a */
	EX_EMBEDDED, /* %{ str %} */
};

enum comp_kind { COMP_FIELD, COMP_INDEX, COMP_PRETTY };

/* One step after a target variable: ->name, [index] or $ / $$. */
struct target_comp {
	enum comp_kind kind;
	struct srcpos pos;
	const char *name; /* COMP_FIELD */
	struct expr *index; /* COMP_INDEX */
	int pretty; /* COMP_PRETTY: how many $ ($ or $$; more is judged in pass 2) */
};

typedef VEC(struct expr *) expr_vec;

struct expr {
	enum expr_kind kind;
	struct srcpos pos;
	enum type type;
	enum op op;
	const char *name; /* symbol, function, target or @-operator name */
	const char *str; /* string / embedded text; @cast type; @var name */
	const char *str2; /* @cast / @var module */
	int64_t num;
	struct expr *a, *b, *c;
	expr_vec args;
	VEC(struct target_comp) comps;
	/* Pass 2: the variable or function named, the context value of a
	 * target expression (enum context_kind) and its argument number. */
	struct symbol *sym;
	struct function *fn;
	int ctx, ctx_arg;
	/* Pass 2, =~ and !~: the pattern's place in program.regexes. */
	int regex_id;
};

enum stmt_kind {
	ST_NULL,
	ST_BLOCK,
	ST_EXPR,
	ST_IF,
	ST_WHILE,
	ST_FOR,
	ST_FOREACH,
	ST_DELETE,
	ST_NEXT,
	ST_BREAK,
	ST_CONTINUE,
	ST_RETURN,
	ST_TRY,
};

struct foreach_key {
	struct srcpos pos;
	const char *name;
	struct symbol *sym; /* pass 2 */
};

typedef VEC(struct stmt *) stmt_vec;

struct stmt {
	enum stmt_kind kind;
	struct srcpos pos;
	struct expr *e; /* EXPR, IF/WHILE/FOR condition, RETURN value, DELETE target */
	struct expr *init, *step; /* FOR */
	struct stmt *body; /* IF then, loops, TRY body */
	struct stmt *other; /* IF else, TRY catch block */
	stmt_vec stmts; /* BLOCK */
	/* FOREACH: value, keys in array (may be sliced: a[*, k]) sort, limit */
	VEC(struct foreach_key) keys;
	const char *value; /* NULL without `v = [...]` */
	struct expr *array;
	int sort_col; /* 0 none, -1 the value, 1..n a key */
	int sort_dir; /* +1 ascending, -1 descending */
	const char *sort_agg; /* "sum" for "in a @sum-": sort by that aggregate */
	struct expr *limit;
	bool key_brackets; /* keys were written in [...] */
	const char *catch_var; /* TRY: NULL if none */
	struct symbol *value_sym, *catch_sym; /* pass 2 */
};

/* A probe point: kernel.function("f").return? and its condition. */
struct probe_comp {
	struct srcpos pos;
	const char *name; /* may hold wildcards */
	struct expr *arg; /* literal number or string, or NULL */
};

struct probe_point {
	struct srcpos pos;
	VEC(struct probe_comp) comps;
	bool optional; /* ? */
	bool sufficient; /* ! */
	struct expr *cond;
};

typedef VEC(struct probe_point *) point_vec;

enum decl_kind { DECL_PROBE, DECL_ALIAS, DECL_FUNCTION, DECL_GLOBAL, DECL_EMBED };

struct param {
	struct srcpos pos;
	const char *name;
	enum type type;
};

struct decl {
	enum decl_kind kind;
	struct srcpos pos;
	bool private_;
	/* PROBE: points + body.  ALIAS: alias (one point) = points, append for += */
	point_vec points;
	struct probe_point *alias;
	bool append;
	struct stmt *body;
	struct stmt *epilogue; /* ALIAS: "{ body }, { epilogue }", may be NULL */
	/* FUNCTION */
	const char *name;
	enum type ret;
	VEC(struct param) params;
	bool has_priority;
	int64_t priority;
	const char *code; /* FUNCTION with %{ %} body, or EMBED */
	/* GLOBAL: name, wrap (%), size ([N]), init */
	bool wrap;
	int64_t size; /* 0: none */
	struct expr *init;
	struct function *fn; /* pass 2: FUNCTION */
	const struct script *file; /* the script that holds it */
};

struct script {
	const struct source *src;
	bool library; /* a tapset file: embedded C allowed */
	/* A tapset file of a linux/ directory: the kernel backend's only
	 * (backend_check refuses what a user-space program takes of it). */
	bool kernel_only;
	VEC(struct decl *) decls;
};

struct expr *expr_new(struct arena *a, enum expr_kind kind, struct srcpos pos);
struct stmt *stmt_new(struct arena *a, enum stmt_kind kind, struct srcpos pos);
struct decl *decl_new(struct arena *a, enum decl_kind kind, struct srcpos pos);

/* The value of a string literal as written (stap's escapes undone). */
const char *string_value(struct arena *a, const char *raw);

/* A number literal, possibly negated (-5 parses as a negation): its value
 * in *v (v may be NULL). */
bool expr_const_number(const struct expr *x, int64_t *v);

/* Deep copies (pass 2 gives each derived probe its own body). */
/* Call on_expr for every direct sub-expression of st (condition, for parts,
 * limit, foreach array) and on_stmt for every direct sub-statement, in
 * source order; NULL children are skipped. */
void stmt_children(const struct stmt *st, void (*on_expr)(void *arg, const struct expr *x),
		   void (*on_stmt)(void *arg, const struct stmt *s), void *arg);

/* Call on_expr for every direct operand of x (a, b, c, then the
 * arguments), skipping NULL ones. */
void expr_children(const struct expr *x, void (*on_expr)(void *arg, const struct expr *x),
		   void *arg);

struct expr *expr_clone(struct arena *a, const struct expr *e);
struct stmt *stmt_clone(struct arena *a, const struct stmt *s);
#endif
