// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The module around the handlers (runtime/transport/stp_script.h): the
 * globals block in the shared region and its set-up, one C function per
 * probe, the marker registration a target runs when the module is loaded
 * into it, and the description stapmark reads with stp_script().
 *
 * Each handler takes the locks of every global it (or a function it calls)
 * uses, in declaration order: shared for reads and for '<<<', exclusive for
 * writes, as stap does.
 */
#include <stdlib.h>
#include <string.h>

#include "cg.h"
#include "print.h"

/* Access to each global: 0 none, 1 read (or <<<), 2 write. */
typedef unsigned char access_t;

struct usage {
	access_t *globals;
	int maxarg; /* highest marker argument used; nargs for $$parms */
	unsigned used; /* bit i-1: marker argument i is read */
};

static int global_index(const struct program *p, const struct symbol *s)
{
	for (int i = 0; i < p->globals.n; i++)
		if (p->globals.v[i] == s)
			return i;
	return -1;
}

static void use(struct usage *u, const struct program *p, const struct symbol *s, access_t how)
{
	int i;

	if (!s || s->kind != SYM_GLOBAL || s->counter || (i = global_index(p, s)) < 0)
		return;
	if (u->globals[i] < how)
		u->globals[i] = how;
}

static void usage_stmt(struct usage *u, const struct program *p, const struct stmt *st,
		       struct function **seen, int *nseen);

static void usage_function(struct usage *u, const struct program *p, struct function *f,
			   struct function **seen, int *nseen)
{
	for (int i = 0; i < *nseen; i++)
		if (seen[i] == f)
			return;
	if (*nseen < 256)
		seen[(*nseen)++] = f;
	usage_stmt(u, p, f->decl->body, seen, nseen);
}

static void usage_expr(struct usage *u, const struct program *p, const struct expr *x, access_t how,
		       struct function **seen, int *nseen)
{
	if (!x)
		return;
	switch (x->kind) {
	case EX_SYMBOL:
		use(u, p, x->sym, how);
		break;
	case EX_INDEX:
		if (x->a->kind == EX_SYMBOL)
			use(u, p, x->a->sym, how);
		else
			usage_expr(u, p, x->a, 1, seen, nseen);
		break;
	case EX_ASSIGN:
		usage_expr(u, p, x->a, x->op == OP_AGG_ASSIGN ? 1 : 2, seen, nseen);
		usage_expr(u, p, x->b, 1, seen, nseen);
		for (int i = 0; x->a->kind == EX_INDEX && i < x->a->args.n; i++)
			usage_expr(u, p, x->a->args.v[i], 1, seen, nseen);
		return;
	case EX_PREINC:
	case EX_POSTINC:
		usage_expr(u, p, x->a, 2, seen, nseen);
		for (int i = 0; x->a->kind == EX_INDEX && i < x->a->args.n; i++)
			usage_expr(u, p, x->a->args.v[i], 1, seen, nseen);
		return;
	case EX_CALL:
		if (x->fn)
			usage_function(u, p, x->fn, seen, nseen);
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
	usage_expr(u, p, x->a, 1, seen, nseen);
	usage_expr(u, p, x->b, 1, seen, nseen);
	usage_expr(u, p, x->c, 1, seen, nseen);
	for (int i = 0; i < x->args.n; i++)
		usage_expr(u, p, x->args.v[i], 1, seen, nseen);
}

static void usage_stmt(struct usage *u, const struct program *p, const struct stmt *st,
		       struct function **seen, int *nseen)
{
	if (!st)
		return;
	if (st->kind == ST_DELETE) {
		usage_expr(u, p, st->e, 2, seen, nseen);
		for (int i = 0; st->e->kind == EX_INDEX && i < st->e->args.n; i++)
			usage_expr(u, p, st->e->args.v[i], 1, seen, nseen);
	} else {
		usage_expr(u, p, st->e, 1, seen, nseen);
	}
	usage_expr(u, p, st->init, 1, seen, nseen);
	usage_expr(u, p, st->step, 1, seen, nseen);
	usage_expr(u, p, st->limit, 1, seen, nseen);
	if (st->kind == ST_FOREACH && st->array->kind == EX_STAT) {
		usage_expr(u, p, st->array, 1, seen, nseen);
	} else if (st->kind == ST_FOREACH) {
		const struct expr *arr = st->array;
		const struct symbol *a = arr->kind == EX_INDEX ? arr->a->sym : arr->sym;

		/* foreach over statistics aggregates into the array: a write. */
		use(u, p, a, a && a->type == TYPE_STATS ? 2 : 1);
		for (int i = 0; arr->kind == EX_INDEX && i < arr->args.n; i++)
			usage_expr(u, p, arr->args.v[i], 1, seen, nseen);
		for (int i = 0; i < st->keys.n; i++)
			use(u, p, st->keys.v[i].sym, 2);
		use(u, p, st->value_sym, 2);
	}
	use(u, p, st->catch_sym, 2);
	usage_stmt(u, p, st->body, seen, nseen);
	usage_stmt(u, p, st->other, seen, nseen);
	for (int i = 0; i < st->stmts.n; i++)
		usage_stmt(u, p, st->stmts.v[i], seen, nseen);
}

static struct usage raw_usage(struct cg *g, const struct derived_probe *pr)
{
	struct usage u = {arena_alloc(g->a, g->prog->globals.n + 1), 0, 0};
	struct function *seen[256];
	int nseen = 0;

	usage_expr(&u, g->prog, pr->cond, 1, seen, &nseen);
	usage_stmt(&u, g->prog, pr->body, seen, &nseen);
	if (u.maxarg > pr->nargs)
		u.maxarg = pr->nargs;
	return u;
}

/* Probes that run while others may: marker handlers (in every target
 * thread) and timers (in stapmark), all during RUNNING.  begin runs before
 * any of them, error and end after the targets are detached and the timers
 * stopped, one at a time. */
static bool concurrent_kind(enum probe_kind k)
{
	return k != PK_BEGIN && k != PK_END && k != PK_ERROR && k != PK_NEVER;
}

/*
 * The locks a probe takes.  A lock only orders a probe against the others
 * running at the same time, so: begin, error and end probes take none; a
 * concurrent probe locks a global only when some concurrent probe writes
 * it (a global written in begin or end alone is read lock-free, and '<<<'
 * into a statistic nobody aggregates concurrently needs just its slot's
 * lock, inside the runtime).
 */
static struct usage probe_usage(struct cg *g, const struct derived_probe *pr)
{
	struct usage u = raw_usage(g, pr);
	/* Which globals concurrent probes write: the same for every probe of
	 * the program, so worked out once per program. */
	static const struct program *cached_for;
	static unsigned char *written;

	if (cached_for != g->prog) {
		written = arena_alloc(g->a, g->prog->globals.n + 1);
		for (int i = 0; i < g->prog->probes.n; i++) {
			const struct derived_probe *q = g->prog->probes.v[i];

			if (!concurrent_kind(q->kind))
				continue;
			struct usage w = raw_usage(g, q);

			for (int k = 0; k < g->prog->globals.n; k++)
				written[k] |= w.globals[k] == 2;
		}
		cached_for = g->prog;
	}
	for (int k = 0; k < g->prog->globals.n; k++)
		if (!concurrent_kind(pr->kind) || !written[k])
			u.globals[k] = 0;
	return u;
}

/*
 * Counters: long scalar globals that every write only adds to (++, --,
 * +=, -=).  They need no lock: atomic adds and loads keep every update, as
 * the lock would, for a fraction of its cost on the hot path.
 */
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
}

/*
 * Statistics read while other probes add to them: any use of a statistics
 * global in a concurrent probe (or a function it calls) other than as the
 * target of '<<<' -- extractors, foreach, 'in', delete, print of a
 * histogram.  The others are read only by begin, end and error probes,
 * which never run beside an add, so a thread owning its slot adds without
 * the slot's lock (the runtime's no_concurrent_read).
 */
bool cg_calls_enter(struct cg_calls *c, const struct function *f)
{
	for (int i = 0; i < c->n; i++)
		if (c->v[i] == f)
			return false;
	if (c->n == CG_MAX_CALLS) {
		c->full = true;
		return false;
	}
	c->v[c->n++] = f;
	return true;
}

struct stat_reads {
	struct cg_calls calls; /* full: assume every statistic read */
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
	if (x->kind == EX_CALL && x->fn && cg_calls_enter(&w->calls, x->fn))
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

static const char *ctype(enum type t)
{
	return t == TYPE_STRING ? "STP_STRING" : t == TYPE_STATS ? "STP_STAT" : "STP_LONG";
}

static void prelude(struct cg *g)
{
	FILE *f = g->f;

	fputs("/* Generated by stapmark (pass 3): do not edit. */\n"
	      "#include <stddef.h>\n#include <stdint.h>\n#include <stdarg.h>\n#include <stdlib.h>\n"
	      "#include <sys/mman.h>\n#include <regex.h>\n#include <pthread.h>\n#include "
	      "<wchar.h>\n"
	      "#include <sys/types.h>\n\n"
	      "#include <stapmark/marker.h>\n#include <stapmark/uprobe.h>\n\n"
	      "#include \"stp.h\"\n#include \"stp_lib.h\"\n#include \"stp_user.h\"\n#include "
	      "\"stp_module.h\"\n"
	      "#include \"stp_script.h\"\n#include \"stp_transport.h\"\n\n",
	      f);
	fputs("struct stpm_globals {\n", f);
	for (int i = 0; i < g->prog->globals.n; i++) {
		const struct symbol *s = g->prog->globals.v[i];

		fprintf(f, "\tstp_host_rwlock_t l%d_%s;\n", s->id, s->name);
		if (s->arity > 0 || s->type == TYPE_STATS)
			fprintf(f, "\tstp_off_t g%d_%s;\n", s->id, s->name);
		else if (s->type == TYPE_STRING)
			fprintf(f, "\tchar g%d_%s[MAXSTRINGLEN];\n", s->id, s->name);
		else
			fprintf(f, "\tint64_t g%d_%s;\n", s->id, s->name);
	}
	fputs("\tstp_off_t cblocks; /* per-thread counter blocks (a list) */\n"
	      "\tint unused_;\n};\n\n"
	      "static struct stp_region *stpm_r;\n"
	      "static struct stpm_globals *stpm_g;\n\n",
	      f);
	/*
	 * Counters (find_counters): each thread adds into a block of its own
	 * in the region, with plain stores -- no locked instruction on the hot
	 * path; a read sums the blocks.  A forked child starts a block of its
	 * own (the fork handler; glibc drops it when the module is unloaded).
	 * When the region is full, atomic adds on the global itself.
	 */
	fprintf(f, "struct stpm_cblock {\n\tstp_off_t next;\n\tint64_t c[%d];\n};\n\n",
		g->prog->globals.n ? g->prog->globals.n : 1);
	fputs("static __thread struct stpm_cblock *stpm_my "
	      "__attribute__((tls_model(\"initial-exec\")));\n\n"
	      "static void stpm_forked(void)\n{\n\tstpm_my = NULL;\n}\n\n"
	      "static __attribute__((unused)) struct stpm_cblock *stpm_cblock(void)\n{\n"
	      "\tstruct stpm_cblock *b = stpm_my;\n"
	      "\tstp_off_t off, head;\n\n"
	      "\tif (__builtin_expect(b != NULL, 1))\n\t\treturn b;\n"
	      "\toff = stp_region_alloc(stpm_r, sizeof(*b), 64);\n"
	      "\tif (!off)\n\t\treturn NULL;\n"
	      "\tb = stp_ptr(stpm_r, off);\n"
	      "\thead = __atomic_load_n(&stpm_g->cblocks, __ATOMIC_RELAXED);\n"
	      "\tdo\n\t\tb->next = head;\n"
	      "\twhile (!__atomic_compare_exchange_n(&stpm_g->cblocks, &head, off, 1, "
	      "__ATOMIC_RELEASE,\n"
	      "\t\t\t\t\t      __ATOMIC_RELAXED));\n"
	      "\tstpm_my = b;\n\treturn b;\n}\n\n",
	      f);
	fputs("static __attribute__((unused)) void stpm_counter_add(int i, int64_t *g, int64_t "
	      "d)\n{\n"
	      "\tstruct stpm_cblock *b = stpm_cblock();\n\n"
	      "\tif (b)\n"
	      "\t\t__atomic_store_n(&b->c[i], (int64_t)((uint64_t)__atomic_load_n(&b->c[i], "
	      "__ATOMIC_RELAXED) + (uint64_t)d), __ATOMIC_RELAXED);\n"
	      "\telse\n\t\t__atomic_add_fetch(g, d, __ATOMIC_RELAXED);\n}\n\n"
	      "static __attribute__((unused)) int64_t stpm_counter_read(int i, int64_t *g)\n{\n"
	      "\tuint64_t v = (uint64_t)__atomic_load_n(g, __ATOMIC_RELAXED);\n\n"
	      "\tfor (stp_off_t o = __atomic_load_n(&stpm_g->cblocks, __ATOMIC_ACQUIRE); o;) {\n"
	      "\t\tstruct stpm_cblock *b = stp_ptr(stpm_r, o);\n\n"
	      "\t\tv += (uint64_t)__atomic_load_n(&b->c[i], __ATOMIC_RELAXED);\n"
	      "\t\to = b->next;\n\t}\n\treturn (int64_t)v;\n}\n\n",
	      f);
	/* Top-level embedded C of the script (-g) and of the tapsets used. */
	for (int i = 0; i < g->prog->embeds.n; i++)
		fprintf(f, "%s\n", g->prog->embeds.v[i]->code);
	/* Regular expressions (=~): POSIX extended, compiled on first use. */
	fputs("struct stpm_regex {\n\tconst char *re;\n\tint state; /* 0 new, 1 compiled, -1 bad "
	      "*/\n"
	      "\tregex_t rx;\n};\n\n"
	      "static pthread_mutex_t stpm_regex_lock = PTHREAD_MUTEX_INITIALIZER;\n\n"
	      "/* Compiled on first use, once, whichever thread gets there first. */\n"
	      "static __attribute__((unused)) int stpm_regex_match(struct stp_context *c,\n"
	      "\t\tstruct stpm_regex *r, const char *s, int64_t *out)\n{\n"
	      "\tint state = __atomic_load_n(&r->state, __ATOMIC_ACQUIRE);\n\n"
	      "\tif (!state) {\n"
	      "\t\tpthread_mutex_lock(&stpm_regex_lock);\n"
	      "\t\tif (!(state = r->state)) {\n"
	      "\t\t\tstate = regcomp(&r->rx, r->re, REG_EXTENDED | REG_NOSUB) ? -1 : 1;\n"
	      "\t\t\t__atomic_store_n(&r->state, state, __ATOMIC_RELEASE);\n\t\t}\n"
	      "\t\tpthread_mutex_unlock(&stpm_regex_lock);\n\t}\n"
	      "\tif (state < 0)\n"
	      "\t\treturn stp_errorf(c, \"invalid regular expression %s\", r->re);\n"
	      "\t*out = regexec(&r->rx, s, 0, NULL, 0) == 0;\n\treturn 0;\n}\n\n",
	      f);
}

/* Sets global s from the region allocation call, or fails the module's
 * initialisation with a message naming s. */
static void global_new(struct cg *g, const struct symbol *s, const char *call)
{
	cg_line(g, "if (!(stpm_g->g%d_%s = %s))", s->id, s->name, call);
	cg_line(g, "\treturn stp_snprintf(err, errlen, \"%s\"), -1;",
		arena_printf(g->a, "no room in the region for %s", s->name));
}

/* The histogram of a statistic, as the runtime describes it. */
static void hist_init(struct cg *g, const struct symbol *s, const char *h);

static void hist_desc(struct cg *g, const struct symbol *s, const char *h)
{
	hist_init(g, s, h);
	if (!s->variance) /* the runtime then skips its divisions per value */
		cg_line(g, "%s.no_variance = 1;", h);
	if (!s->read_concurrently) /* and a thread owning its slot, its lock */
		cg_line(g, "%s.no_concurrent_read = 1;", h);
}

static void hist_init(struct cg *g, const struct symbol *s, const char *h)
{
	const struct expr *x = s->hist;
	int64_t a, b, c;

	if (!x) {
		cg_line(g, "stp_hist_none_init(&%s);", h);
	} else if (!strcmp(x->name, "hist_log")) {
		cg_line(g, "stp_hist_log_init(&%s);", h);
	} else if (x->args.n == 3 && expr_const_number(x->args.v[0], &a) &&
		   expr_const_number(x->args.v[1], &b) && expr_const_number(x->args.v[2], &c)) {
		cg_line(g, "if (stp_hist_linear_init(&%s, %lldLL, %lldLL, %lldLL))", h,
			(long long)a, (long long)b, (long long)c);
		cg_line(g, "\treturn stp_snprintf(err, errlen, \"%s\"), -1;",
			arena_printf(g->a, "bad @hist_linear parameters for %s", s->name));
	} else {
		diag_error(x->pos, "semantic error",
			   "@hist_linear needs (value, start, stop, interval)");
	}
}

static void globals_init(struct cg *g)
{
	cg_line(g, "static int stpm_create_globals(char *err, int errlen)");
	cg_line(g, "{");
	g->ind = 1;
	cg_line(g, "(void)err;");
	cg_line(g, "(void)errlen;");
	for (int i = 0; i < g->prog->globals.n; i++) {
		const struct symbol *s = g->prog->globals.v[i];
		const struct decl *d = s->decl;
		int64_t v;

		cg_line(g, "stp_lock_init(&stpm_g->l%d_%s);", s->id, s->name);
		if (s->arity > 0) {
			const char *keys = "";

			for (int k = 0; k < s->arity && k < ELAB_MAX_KEYS; k++)
				keys = arena_printf(g->a, "%s%s%s", keys, k ? ", " : "",
						    ctype(s->keys[k]));
			cg_line(g, "{");
			g->ind++;
			cg_line(g,
				"struct stp_map_desc d = {.name = %s, .nkeys = %d, .key_types = "
				"{%s}, "
				".val_type = %s, .max_entries = %lld, .wrap = %d};",
				cg_cstr(g->a, s->name), s->arity, keys, ctype(s->type),
				(long long)d->size, d->wrap);
			if (s->type == TYPE_STATS)
				hist_desc(g, s, "d.h");
			global_new(g, s, "stp_map_new(stpm_r, &d)");
			g->ind--;
			cg_line(g, "}");
		} else if (s->type == TYPE_STATS) {
			cg_line(g, "{");
			g->ind++;
			cg_line(g, "struct stp_hist_desc h;");
			hist_desc(g, s, "h");
			global_new(g, s, "stp_stat_new(stpm_r, &h)");
			g->ind--;
			cg_line(g, "}");
		} else if (s->type == TYPE_STRING && d->init && d->init->kind == EX_STRING) {
			cg_line(g, "stp_strlcpy(stpm_g->g%d_%s, %s, MAXSTRINGLEN);", s->id, s->name,
				cg_cstr(g->a, string_value(g->a, d->init->str)));
		} else if (d->init && expr_const_number(d->init, &v)) {
			cg_line(g, "stpm_g->g%d_%s = %lldLL;", s->id, s->name, (long long)v);
		}
	}
	cg_line(g, "return 0;");
	g->ind = 0;
	cg_line(g, "}");
	cg_line(g, "%s", "");
}

/* Marker arguments 1..n from the va_list: each with its own va_arg type,
 * then narrowed as the conversion says; strings through a fault-safe copy. */
static void unpack_args(struct cg *g, const struct derived_probe *p, int n, unsigned used)
{
	for (int i = 0; i < n; i++) {
		const struct marker_arg *a = &p->args[i];
		const char *type = marker_va_type_name(a->va_type);
		int k = i + 1;

		/* A '*' precision bounds the string after it (%.*s): it may have
		 * no NUL within reach, so it is read even when the script does
		 * not use it. */
		bool bounds_next = a->role == MARKER_ROLE_PRECISION && i + 1 < n &&
				   p->args[i + 1].va_type == MARKER_VA_STRING &&
				   (used & (1u << (i + 1)));

		if (!(used & (1u << i)) && !bounds_next) { /* only to get past it */
			cg_line(g, "(void)va_arg(*args, %s);", type);
			continue;
		}
		switch (a->va_type) {
		case MARKER_VA_STRING:
			cg_line(g, "stp_string_t m_arg%d;", k);
			cg_line(g, "stp_set_stmt(c, %s);",
				cg_cstr(g->a, arena_printf(g->a, "marker argument $%s of %s",
							   a->name, p->mark)));
			if (i > 0 && p->args[i - 1].role == MARKER_ROLE_PRECISION)
				/* At most precision bytes (all of it when negative). */
				cg_line(g,
					"if (m_arg%d >= 0 ? stp_fn_user_string_n(c, m_arg%d, "
					"(int64_t)(uintptr_t)va_arg(*args, const char *), m_arg%d) "
					": stp_fn_user_string(c, m_arg%d, "
					"(int64_t)(uintptr_t)va_arg(*args, "
					"const char *)))",
					k - 1, k, k - 1, k);
			else
				cg_line(g,
					"if (stp_fn_user_string(c, m_arg%d, "
					"(int64_t)(uintptr_t)va_arg(*args, const char *)))",
					k);
			cg_line(g, "\tgoto nolock;");
			break;
		case MARKER_VA_DOUBLE:
		case MARKER_VA_LDOUBLE:
			cg_line(g, "int64_t m_arg%d;", k);
			cg_line(g, "{");
			cg_line(g, "\tdouble d_ = (double)va_arg(*args, %s);", type);
			cg_line(g, "\t__builtin_memcpy(&m_arg%d, &d_, sizeof(d_));", k);
			cg_line(g, "}");
			break;
		case MARKER_VA_POINTER:
		case MARKER_VA_WSTRING:
			cg_line(g, "int64_t m_arg%d = (int64_t)(uintptr_t)va_arg(*args, %s);", k,
				type);
			break;
		case MARKER_VA_INT:
		case MARKER_VA_UINT: {
			/* Promoted to int for va_arg, then back to the conversion's width. */
			const char *narrow =
				a->size == 1   ? (a->is_signed ? "signed char" : "unsigned char")
				: a->size == 2 ? (a->is_signed ? "short" : "unsigned short")
					       : (a->is_signed ? "int" : "unsigned int");

			cg_line(g, "int64_t m_arg%d = (int64_t)(%s)va_arg(*args, %s);", k, narrow,
				type);
			break;
		}
		default:
			cg_line(g, "int64_t m_arg%d = (int64_t)va_arg(*args, %s);", k, type);
			break;
		}
	}
}

static const char *probe_state(enum probe_kind k)
{
	return k == PK_BEGIN		      ? "STP_SESSION_STARTING"
	       : k == PK_END || k == PK_ERROR ? "STP_SESSION_STOPPING"
					      : "STP_SESSION_RUNNING";
}

/* A handler that only adds constants or integer arguments to counters
 * needs no context, lock or budget: it is the counter updates alone. */
static bool lite_expr(const struct expr *x)
{
	if ((x->kind == EX_PREINC || x->kind == EX_POSTINC) && x->a->kind == EX_SYMBOL)
		return x->a->sym && x->a->sym->counter;
	if (x->kind != EX_ASSIGN || (x->op != OP_ADD_ASSIGN && x->op != OP_SUB_ASSIGN) ||
	    x->a->kind != EX_SYMBOL || !x->a->sym || !x->a->sym->counter)
		return false;
	return x->b->kind == EX_NUMBER || (x->b->kind == EX_TARGET && x->b->ctx == CTX_ARG &&
					   x->b->type == TYPE_LONG && !x->b->comps.n);
}

static bool lite_stmt(const struct stmt *st)
{
	if (st->kind == ST_EXPR)
		return lite_expr(st->e);
	if (st->kind != ST_BLOCK)
		return false;
	for (int i = 0; i < st->stmts.n; i++)
		if (!lite_stmt(st->stmts.v[i]))
			return false;
	return true;
}

static void lite_emit(struct cg *g, const struct stmt *st)
{
	if (st->kind == ST_BLOCK) {
		for (int i = 0; i < st->stmts.n; i++)
			lite_emit(g, st->stmts.v[i]);
		return;
	}
	const struct expr *x = st->e;
	const char *neg = x->op == OP_SUB_ASSIGN ? "-" : "";
	const char *delta = x->kind != EX_ASSIGN ? (x->op == OP_INC ? "1" : "-1")
			    : x->b->kind == EX_NUMBER
				    ? arena_printf(g->a, "%s%lldLL", neg, (long long)x->b->num)
				    : arena_printf(g->a, "%sm_arg%d", neg, x->b->ctx_arg);

	cg_line(g, "stpm_counter_add(%d, &%s, %s);", x->a->sym->id, cg_var(g, x->a->sym), delta);
}

static void handler(struct cg *g, struct derived_probe *p, int index)
{
	bool mark = p->kind == PK_PROCESS_MARK;
	bool func = p->kind == PK_PROCESS_FUNCTION;
	struct usage u = probe_usage(g, p);
	const char *locks = "";
	int nlocks = 0;

	bool entries = func && cg_entry_collect(g, p) > 0;

	if (entries)
		cg_entry_handler(g, p, index);
	g->probe = p;
	g->fn = NULL;
	g->niters = 0;
	g->exit_label = "out";
	if (mark)
		cg_line(g,
			"static void stpm_probe_%d(void *probe_private, void *call_private, "
			"const char *fmt, va_list *args)",
			index);
	else if (func) /* libmarkers' uprobes (stapmark/uprobe.h) */
		cg_line(g, "static void stpm_probe_%d(void *probe_private, void *uc)", index);
	else
		cg_line(g, "static void stpm_probe_%d(void)", index);
	cg_line(g, "{");
	g->ind = 1;
	bool any_lock = false;

	for (int i = 0; i < g->prog->globals.n; i++)
		any_lock |= u.globals[i] != 0;
	if (mark && !p->cond && !any_lock && lite_stmt(p->body)) {
		cg_line(g, "(void)probe_private;");
		cg_line(g, "(void)call_private;");
		cg_line(g, "(void)fmt;");
		cg_line(g, "if (__atomic_load_n(&stpm_r->state, __ATOMIC_RELAXED) != "
			   "STP_SESSION_RUNNING)");
		cg_line(g, "\treturn;");
		unpack_args(g, p, u.maxarg, u.used);
		lite_emit(g, p->body);
		g->ind = 0;
		cg_line(g, "}\n");
		g->probe = NULL;
		return;
	}
	if (entries) /* before the context: a skipped hit still pops its frame */
		cg_entry_pop(g, index);
	cg_line(g, "struct stp_context *c = stp_context_enter(stpm_r, %s, %s);",
		cg_cstr(g->a, p->pp), probe_state(p->kind));
	if (mark) {
		cg_line(g, "(void)probe_private;");
		cg_line(g, "(void)call_private;");
		cg_line(g, "(void)fmt;");
	}
	if (func)
		cg_line(g, "(void)probe_private;");
	cg_line(g, "if (!c)");
	cg_line(g, "\treturn;");
	if (mark)
		unpack_args(g, p, u.maxarg, u.used);
	if (func) {
		cg_line(g, "c->uregs = uc;");
		cg_line(g, "c->probe_func = %s;", cg_cstr(g->a, p->function));
	}
	for (int i = 0; i < g->prog->globals.n; i++)
		if (u.globals[i]) {
			locks = arena_printf(g->a, "%s%s{&stpm_g->l%d_%s, %d}", locks,
					     nlocks ? ", " : "", i, g->prog->globals.v[i]->name,
					     u.globals[i] == 2);
			nlocks++;
		}
	cg_line(g, "{");
	g->ind++;
	if (nlocks) {
		cg_line(g, "struct stp_lockreq locks_[%d] = {%s};", nlocks, locks);
		cg_line(g, "if (stp_lock_globals(c, locks_, %d))", nlocks);
		cg_line(g, "\tgoto nolock;");
	}
	cg_locals(g, &p->locals);
	if (p->cond) {
		const char *cond = cg_expr(g, p->cond);

		cg_line(g, "if (!%s)", cond);
		cg_line(g, "\tgoto out;");
	}
	cg_stmt(g, p->body);
	g->ind--;
	cg_line(g, "out: __attribute__((unused));");
	g->ind++;
	if (nlocks)
		cg_line(g, "stp_unlock_globals(c, locks_, %d);", nlocks);
	else
		cg_line(g, ";");
	g->ind--;
	cg_line(g, "}");
	if (mark || nlocks) {
		g->ind = 0;
		cg_line(g, "nolock: __attribute__((unused));");
		g->ind = 1;
	}
	cg_line(g, "stp_context_exit(c);");
	g->ind = 0;
	cg_line(g, "}");
	cg_line(g, "%s", "");
	g->probe = NULL;
}

/* At the end, globals written but never read are printed, as stap does. */
static int by_first_use(const void *x, const void *y)
{
	const struct symbol *a = *(const struct symbol *const *)x,
			    *b = *(const struct symbol *const *)y;

	return (a->first_use > b->first_use) - (a->first_use < b->first_use);
}

/* How stap prints a statistic that is never read (its %#d is decimal):
 * the format's tail and the values, from stp_stat_data d. */
#define UNREAD_STAT_FMT " @count=%%d @min=%%d @max=%%d @sum=%%d @avg=%%d\n"
#define UNREAD_STAT_VALS                                                 \
	"STP_N(d->count), STP_N(d->min), STP_N(d->max), STP_N(d->sum), " \
	"STP_N(d->count ? d->sum / d->count : 0)"

/* Globals written and never read, printed at the end in the order of
 * their first use, as stap 4.8 does. */
static void print_unread(struct cg *g)
{
	const char *locks = "";
	int nlocks = 0, nunread = 0;
	const struct symbol **unread =
		arena_alloc(g->a, sizeof(*unread) * (size_t)(g->prog->globals.n + 1));

	cg_line(g, "static void stpm_print_unread(void)");
	cg_line(g, "{");
	g->ind = 1;
	g->niters = 0;
	g->exit_label = "out";
	for (int i = 0; i < g->prog->globals.n; i++) {
		const struct symbol *s = g->prog->globals.v[i];

		if (s->written && !s->read) {
			locks = arena_printf(g->a, "%s%s{&stpm_g->l%d_%s, %d}", locks,
					     nlocks ? ", " : "", s->id, s->name,
					     s->type == TYPE_STATS);
			nlocks++;
		}
	}
	if (!nlocks) {
		g->ind = 0;
		cg_line(g, "}\n");
		return;
	}
	cg_line(g, "struct stp_context *c = stp_context_enter(stpm_r, \"end\", "
		   "STP_SESSION_STOPPING);");
	cg_line(g, "if (!c)");
	cg_line(g, "\treturn;");
	cg_line(g, "struct stp_lockreq locks_[%d] = {%s};", nlocks, locks);
	cg_line(g, "if (stp_lock_globals(c, locks_, %d))", nlocks);
	cg_line(g, "\tgoto nolock;");
	for (int i = 0; i < g->prog->globals.n; i++)
		if (g->prog->globals.v[i]->written && !g->prog->globals.v[i]->read)
			unread[nunread++] = g->prog->globals.v[i];
	qsort(unread, (size_t)nunread, sizeof(*unread), by_first_use);
	for (int i = 0; i < nunread; i++) {
		const struct symbol *s = unread[i];

		cg_line(g, "{");
		g->ind++;
		if (s->arity > 0) {
			/* stap 4.8: foreach ([k...] in a-) printf("a[%#d,\"%#s\"]=%d\n"...):
			 * by value, decreasing; string keys and values escaped. */
			const char *m = cg_map(g, s);
			const char *fmt = arena_printf(g->a, "%s[", s->name), *vals = "";
			int nvals = s->arity;

			cg_line(g, "struct stp_map *m = %s;", m);
			cg_line(g, "struct stp_iter it;");
			cg_line(g, "if (stp_map_iter_start(c, &it, m, 0, -1, STP_STAT_COUNT, -1))");
			cg_line(g, "\tgoto out;");
			cg_line(g, "for (struct stp_mnode *e; (e = stp_map_iter_next(&it));) {");
			for (int k = 0; k < s->arity; k++) {
				bool str = s->keys[k] == TYPE_STRING;

				fmt = arena_printf(g->a, "%s%s%s", fmt, k ? "," : "",
						   str ? "\"%s\"" : "%d");
				if (str) {
					cg_line(g, "\tstp_string_t q%d;", k);
					cg_line(g,
						"\tstp_fn_text_str(q%d, stp_mnode_key_s(m, e, "
						"%d));",
						k, k);
					vals = arena_printf(g->a, "%s, STP_S(q%d)", vals, k);
				} else {
					vals = arena_printf(g->a,
							    "%s, STP_N(stp_mnode_key_n(m, e, %d))",
							    vals, k);
				}
			}
			if (s->type == TYPE_STATS) {
				fmt = arena_printf(g->a, "%s]" UNREAD_STAT_FMT, fmt);
				cg_line(g,
					"\tconst struct stp_stat_data *d = stp_mnode_stat(m, e);");
				vals = arena_printf(g->a, "%s, " UNREAD_STAT_VALS, vals);
				nvals += 5;
			} else if (s->type == TYPE_STRING) {
				fmt = arena_printf(g->a, "%s]=\"%%s\"\n", fmt);
				cg_line(g, "\tstp_string_t qv;");
				cg_line(g, "\tstp_fn_text_str(qv, stp_mnode_val_s(m, e));");
				vals = arena_printf(g->a, "%s, STP_S(qv)", vals);
				nvals++;
			} else {
				fmt = arena_printf(g->a, "%s]=%%d\n", fmt);
				vals = arena_printf(g->a, "%s, STP_N(stp_mnode_val_n(m, e))", vals);
				nvals++;
			}
			cg_line(g, "\tunion stp_val v[] = {%s};", vals + 2);
			cg_line(g, "\tstp_printf(c, %s, v, %d);", cg_cstr(g->a, fmt), nvals);
			cg_line(g, "}");
			cg_line(g, "stp_map_iter_end(&it);");
		} else if (s->type == TYPE_STATS) {
			/* And a literal "@count=0x0" when empty, as stap. */
			cg_line(g, "const struct stp_stat_data *d = stp_stat_read(c, %s);",
				cg_stat(g, s));
			cg_line(g, "union stp_val v[] = {" UNREAD_STAT_VALS "};");
			cg_line(g, "stp_printf(c, d->count ? %s : %s, v, d->count ? 5 : 0);",
				cg_cstr(g->a, arena_printf(g->a, "%s" UNREAD_STAT_FMT, s->name)),
				cg_cstr(g->a, arena_printf(g->a, "%s @count=0x0\n", s->name)));
		} else if (s->type == TYPE_STRING) {
			/* Escaped, as stap's %#s prints it. */
			cg_line(g, "stp_string_t q;");
			cg_line(g, "stp_fn_text_str(q, %s);", cg_var(g, s));
			cg_line(g, "union stp_val v[] = {STP_S(q)};");
			cg_line(g, "stp_printf(c, %s, v, 1);",
				cg_cstr(g->a, arena_printf(g->a, "%s=\"%%s\"\n", s->name)));
		} else {
			if (s->counter)
				cg_line(g,
					"union stp_val v[] = {STP_N(stpm_counter_read(%d, &%s))};",
					s->id, cg_var(g, s));
			else
				cg_line(g, "union stp_val v[] = {STP_N(%s)};", cg_var(g, s));
			cg_line(g, "stp_printf(c, %s, v, 1);",
				cg_cstr(g->a, arena_printf(g->a, "%s=%%d\n", s->name)));
		}
		g->ind--;
		cg_line(g, "}");
	}
	g->ind = 0;
	cg_line(g, "out:");
	cg_line(g, "\tstp_unlock_globals(c, locks_, %d);", nlocks);
	cg_line(g, "nolock:");
	cg_line(g, "\tstp_context_exit(c);");
	cg_line(g, "}");
	cg_line(g, "%s", "");
}

static int cmp_priority(const void *x, const void *y)
{
	const struct derived_probe *a = *(struct derived_probe *const *)x;
	const struct derived_probe *b = *(struct derived_probe *const *)y;

	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	return a < b ? -1 : a > b; /* stable: declaration order */
}

/* run_begin, run_end, run_error: the probes of one kind by priority. */
static void runner(struct cg *g, const char *name, enum probe_kind kind, const char *before,
		   const char *after)
{
	struct derived_probe **list = arena_alloc(g->a, sizeof(*list) * (g->prog->probes.n + 1));
	int n = 0;

	for (int i = 0; i < g->prog->probes.n; i++)
		if (g->prog->probes.v[i]->kind == kind)
			list[n++] = g->prog->probes.v[i];
	qsort(list, n, sizeof(*list), cmp_priority);
	cg_line(g, "static void %s(void)", name);
	cg_line(g, "{");
	if (before)
		cg_line(g, "%s", before);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < g->prog->probes.n; k++)
			if (g->prog->probes.v[k] == list[i])
				cg_line(g, "\tstpm_probe_%d();", k);
	if (after)
		cg_line(g, "%s", after);
	cg_line(g, "}");
	cg_line(g, "%s", "");
}

static void output_hooks(struct cg *g)
{
	cg_line(g, "static void stpm_output(const char *buf, size_t len, void *arg)\n{\n"
		   "\t(void)arg;\n\tstp_transport_write(buf, len);\n}\n\n"
		   "static void stpm_message(const char *buf, size_t len, void *arg)\n{\n"
		   "\t(void)arg;\n\tstp_transport_write_msg(buf, len);\n}\n\n"
		   "static void stpm_request_exit(void *arg)\n{\n"
		   "\t(void)arg;\n\tstp_transport_request_exit(0);\n}\n\n"
		   "static const struct stp_user_hooks stpm_hooks = {stpm_output, stpm_message,\n"
		   "\t\t\t\t\t\t stpm_request_exit, NULL};\n");
}

static void target_side(struct cg *g)
{
	const struct program *p = g->prog;

	cg_line(g,
		"struct stpm_mark {\n\tconst char *name, *format;\n\tmarker_probe_func *fn;\n};\n");
	cg_line(g, "static const struct stpm_mark stpm_marks[] = {");
	for (int i = 0; i < p->probes.n; i++)
		if (p->probes.v[i]->kind == PK_PROCESS_MARK)
			cg_line(g, "\t{%s, %s, stpm_probe_%d},",
				cg_cstr(g->a, p->probes.v[i]->mark),
				cg_cstr(g->a, p->probes.v[i]->format), i);
	cg_line(g, "\t{NULL, NULL, NULL}\n};\n");
	/* Function probes: libmarkers' uprobes, by file and offset. */
	cg_line(g, "struct stpm_func {\n\tconst char *path;\n\tunsigned long offset;\n"
		   "\tint ret;\n\tmarker_uprobe_func *fn;\n};\n");
	cg_line(g, "static const struct stpm_func stpm_funcs[] = {");
	int nfuncs = 0;

	for (int i = 0; i < p->probes.n; i++) {
		const struct derived_probe *pr = p->probes.v[i];

		if (pr->kind != PK_PROCESS_FUNCTION)
			continue;
		cg_line(g, "\t{%s, %#llxUL, %d, stpm_probe_%d}, /* %s */", cg_cstr(g->a, pr->path),
			(unsigned long long)pr->file_offset, pr->is_return, i, pr->function);
		nfuncs++;
		if (pr->entries.n) { /* its @entry values, taken at the entry */
			cg_line(g, "\t{%s, %#llxUL, 0, stpm_probe_%d_entry}, /* %s, @entry */",
				cg_cstr(g->a, pr->path), (unsigned long long)pr->file_offset, i,
				pr->function);
			nfuncs++;
		}
	}
	cg_line(g, "\t{NULL, 0, 0, NULL}\n};\n");
	cg_line(g, "static struct marker_uprobe *stpm_uprobes[%d];", nfuncs + 1);
	cg_line(g, "static int stpm_nuprobes;\n");
	cg_line(g, "static int stpm_nregistered;\n");
	cg_line(g, "static void stpm_unregister(void)\n{\n"
		   "\twhile (stpm_nuprobes > 0)\n"
		   "\t\tmarker_uprobe_unregister(stpm_uprobes[--stpm_nuprobes]);\n"
		   "\twhile (stpm_nregistered > 0) {\n"
		   "\t\tconst struct stpm_mark *m = &stpm_marks[--stpm_nregistered];\n\n"
		   "\t\tmarker_disarm(m->name);\n"
		   "\t\tmarker_probe_unregister(m->name, m->fn, NULL);\n"
		   "\t}\n"
		   "\tmarker_synchronize_unregister();\n}\n");
	cg_line(g, "int stp_module_attach(const struct stp_attach_info *info)\n{\n"
		   "\tsize_t size;\n\tvoid *base;\n\tint rc;\n\n"
		   "\tif (info->version != STP_ATTACH_VERSION)\n\t\treturn -22;\n"
		   "\trc = stp_transport_attach_session(info->seg_fd, info->session_id);\n"
		   "\tif (rc)\n\t\treturn rc < 0 ? rc : -22;\n"
		   "\tbase = stp_transport_globals(&size);\n"
		   "\tstpm_r = base ? stp_region_attach(base, size) : NULL;\n"
		   "\tif (!stpm_r) {\n\t\tstp_transport_detach();\n\t\treturn -5; /* EIO */\n\t}\n"
		   "\tstpm_g = stp_region_root(stpm_r);\n"
		   "\tstp_user_set_hooks(&stpm_hooks);\n"
		   "\tpthread_atfork(NULL, NULL, stpm_forked);\n"
		   "\tfor (stpm_nregistered = 0; stpm_marks[stpm_nregistered].name; "
		   "stpm_nregistered++) {\n"
		   "\t\tconst struct stpm_mark *m = &stpm_marks[stpm_nregistered];\n\n"
		   "\t\trc = marker_probe_register(m->name, m->format, m->fn, NULL);\n"
		   "\t\tif (!rc && (rc = marker_arm(m->name)))\n"
		   "\t\t\tmarker_probe_unregister(m->name, m->fn, NULL);\n"
		   "\t\tif (rc) {\n\t\t\tstpm_unregister();\n\t\t\tstp_transport_detach();\n"
		   "\t\t\t/* libmarkers said why (format mismatch...); not EINVAL,\n"
		   "\t\t\t * which the loader takes for a foreign segment. */\n"
		   "\t\t\treturn rc == -22 ? -5 : rc;\n\t\t}\n\t}\n"
		   "\tfor (stpm_nuprobes = 0; stpm_funcs[stpm_nuprobes].path; stpm_nuprobes++) {\n"
		   "\t\tconst struct stpm_func *f = &stpm_funcs[stpm_nuprobes];\n\n"
		   "\t\trc = marker_uprobe_register(f->path, f->offset, f->ret, f->fn, NULL,\n"
		   "\t\t\t\t\t    &stpm_uprobes[stpm_nuprobes]);\n"
		   "\t\tif (rc) {\n\t\t\tstpm_unregister();\n\t\t\tstp_transport_detach();\n"
		   "\t\t\treturn rc == -22 ? -5 : rc;\n\t\t}\n\t}\n"
		   "\treturn 0;\n}\n");
	cg_line(g, "void stp_module_detach(void)\n{\n\tstpm_unregister();\n"
		   "\tstp_transport_detach();\n}\n");
}

static void stapmark_side(struct cg *g)
{
	const struct program *p = g->prog;
	int ntimers = 0, nprocess = 0, nkernel = 0;
	bool has[3] = {false};

	cg_line(g, "static const struct stp_script_timer stpm_timers[] = {");
	for (int i = 0; i < p->probes.n; i++) {
		const struct derived_probe *pr = p->probes.v[i];

		nprocess += pr->kind == PK_PROCESS_MARK || pr->kind == PK_PROCESS_FUNCTION;
		nkernel += pr->kind == PK_KERNEL_MARK;
		has[0] |= pr->kind == PK_BEGIN;
		has[1] |= pr->kind == PK_END;
		has[2] |= pr->kind == PK_ERROR;
		if (pr->kind == PK_TIMER) {
			cg_line(g, "\t{%lldLL, %lldLL, %lldLL},", (long long)pr->period_ns,
				(long long)pr->randomize_ns, (long long)pr->hz);
			ntimers++;
		}
	}
	cg_line(g, "\t{0, 0, 0}\n};\n");
	cg_line(g, "static void stpm_run_timer(int i)\n{\n\tswitch (i) {");
	for (int i = 0, t = 0; i < p->probes.n; i++)
		if (p->probes.v[i]->kind == PK_TIMER)
			cg_line(g, "\tcase %d:\n\t\tstpm_probe_%d();\n\t\tbreak;", t++, i);
	cg_line(g, "\t}\n}\n");
	runner(g, "stpm_run_begin", PK_BEGIN, NULL,
	       "\tif (stp_session_state(stpm_r) == STP_SESSION_STARTING)\n"
	       "\t\tstp_session_set_state(stpm_r, STP_SESSION_RUNNING);");
	runner(g, "stpm_run_error", PK_ERROR,
	       "\tif (stp_session_state(stpm_r) < STP_SESSION_STOPPING)\n"
	       "\t\tstp_session_set_state(stpm_r, STP_SESSION_STOPPING);",
	       NULL);
	runner(g, "stpm_run_end", PK_END,
	       "\tif (stp_session_state(stpm_r) != STP_SESSION_STOPPING)\n"
	       "\t\tstp_session_set_state(stpm_r, STP_SESSION_STOPPING);",
	       "\tstpm_print_unread();\n\tstp_session_set_state(stpm_r, STP_SESSION_STOPPED);");
	cg_line(g,
		"static int stpm_session_init(int seg_fd, uint64_t session_id, char *err, "
		"int errlen)\n{\n"
		"\tsize_t size;\n\tvoid *base;\n\n"
		"\tif (stp_transport_attach_session(seg_fd, session_id))\n"
		"\t\treturn stp_snprintf(err, errlen, \"cannot map the session segment\"), -1;\n"
		"\tbase = stp_transport_globals(&size);\n"
		"\tstpm_r = base ? stp_region_init(base, size, stp_user_default_slots()) : NULL;\n"
		"\tif (!stpm_r)\n"
		"\t\treturn stp_snprintf(err, errlen, \"the segment has no room for globals\"), "
		"-1;\n"
		"\tstpm_g = stp_ptr(stpm_r, stp_region_set_root(stpm_r, sizeof(*stpm_g)));\n"
		"\tif (!stpm_g)\n"
		"\t\treturn stp_snprintf(err, errlen, \"the segment has no room for globals\"), "
		"-1;\n"
		"\tstp_user_set_hooks(&stpm_hooks);\n"
		"\tpthread_atfork(NULL, NULL, stpm_forked);\n"
		"\tstpm_r->stapmark_pid = stp_host_pid(); /* stp_pid() */\n"
		"\tif (stpm_create_globals(err, errlen))\n\t\treturn -1;\n"
		"\tstp_session_set_state(stpm_r, STP_SESSION_STARTING);\n"
		"\treturn 0;\n}\n");
	cg_line(g, "static void stpm_session_exit(void)\n{\n\tstp_transport_detach();\n}\n");
	cg_line(g, "static int stpm_state(void)\n{\n\treturn stp_session_state(stpm_r);\n}\n");
	cg_line(g, "static void stpm_request_stop(void)\n{\n"
		   "\tif (stp_session_state(stpm_r) < STP_SESSION_STOPPING)\n"
		   "\t\tstp_session_set_state(stpm_r, STP_SESSION_STOPPING);\n}\n");
	cg_line(g,
		"static int64_t stpm_errors(void)\n{\n\treturn stp_session_errors(stpm_r);\n}\n");
	cg_line(g,
		"static int64_t stpm_skipped(void)\n{\n\treturn stp_session_skipped(stpm_r);\n}\n");
	cg_line(g, "static void stpm_set_target(int64_t pid)\n{\n"
		   "\t__atomic_store_n(&stpm_r->target_pid, pid, __ATOMIC_RELEASE);\n}\n");
	cg_line(g,
		"static const struct stp_script stpm_script = {\n"
		"\t.abi = STP_SCRIPT_ABI,\n\t.name = %s,\n"
		"\t.nprocess_probes = %d,\n\t.nkernel_probes = %d,\n"
		"\t.ntimers = %d,\n\t.timers = stpm_timers,\n"
		"\t.has_begin = %d,\n\t.has_end = %d,\n\t.has_error = %d,\n"
		"\t.globals_size = sizeof(struct stpm_globals),\n"
		"\t.session_init = stpm_session_init,\n\t.run_begin = stpm_run_begin,\n"
		"\t.run_timer = stpm_run_timer,\n\t.run_error = stpm_run_error,\n"
		"\t.run_end = stpm_run_end,\n\t.session_exit = stpm_session_exit,\n"
		"\t.session_state = stpm_state,\n\t.request_stop = stpm_request_stop,\n"
		"\t.errors = stpm_errors,\n\t.skipped = stpm_skipped,\n"
		"\t.set_target = stpm_set_target,\n};\n",
		cg_cstr(g->a, g->s->module_name ? g->s->module_name : "stapmark"), nprocess,
		nkernel, ntimers, has[0], has[1], has[2]);
	cg_line(g, "const struct stp_script *stp_script(void)\n{\n\treturn &stpm_script;\n}");
}

/* What the user-space backend cannot run (yet): said plainly. */
static bool supported(const struct program *p)
{
	bool ok = true;

	for (int i = 0; i < p->probes.n; i++) {
		const struct derived_probe *pr = p->probes.v[i];

		if (pr->kind == PK_KERNEL_MARK || pr->kind == PK_KERNEL_FUNCTION) {
			diag_error(pr->pos, "semantic error",
				   "%s: kernel probes need the kernel backend, which is not "
				   "implemented yet (user-space probes only)",
				   pr->pp);
			ok = false;
		}
	}
	return ok;
}

int pass3_translate(struct session *s, struct program *p, FILE *out)
{
	struct cg g = {.s = s, .prog = p, .a = s->arena, .f = out};
	int errors = diag_errors;

	if (!supported(p))
		return 1;
	find_counters(p);
	find_concurrent_stat_reads(p);
	prelude(&g);
	for (int i = 0; i < p->functions.n; i++) {
		cg_function_proto(&g, out, p->functions.v[i]);
		fputs(";\n", out);
	}
	fputc('\n', out);
	for (int i = 0; i < p->functions.n; i++)
		cg_function(&g, p->functions.v[i]);
	for (int i = 0; i < p->probes.n; i++)
		handler(&g, p->probes.v[i], i);
	globals_init(&g);
	print_unread(&g);
	output_hooks(&g);
	target_side(&g);
	stapmark_side(&g);
	return diag_errors == errors ? 0 : 1;
}
