// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Probe points to derived probes.  A point names either a probe alias (of
 * the script or of any tapset file; wildcards match alias names component
 * by component) or a builtin family:
 *   begin[(N)]  end[(N)]  error[(N)]  never
 *   timer.ms(N) .s .sec .us .ns .hz .jiffies, optionally .randomize(M)
 *   process("PATH").mark("GLOB")[.format("GLOB")]   process.mark with -c
 *   process("PATH").function("GLOB")[.return]
 *   kernel.mark("GLOB")[.format("GLOB")]
 *   kernel.function, module().function, kprobe.*, kernel.trace: probes_kernel.c
 * Alias bodies wrap the user's: `=` puts the alias body before it, `+=`
 * after.  Each derived probe gets its own copy of the body, so that its
 * locals and context variables are its own.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "elab_internal.h"
#include "marker_table.h"
#include "probes.h"
#include "sdt_probes.h"
#include "print.h"
#include "symtab.h"

/* Aliases may fan out; past this many probes from one declaration the
 * script is refused rather than expanded for ever. */
#define MAX_DERIVED 10000

const char *point_text(struct arena *a, const struct probe_point *pt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return "?";
	print_point(f, pt);
	fclose(f);
	const char *s = arena_strndup(a, buf, len);

	free(buf);
	return s;
}

const char *comp_string(struct elab *e, const struct probe_comp *c)
{
	return c->arg && c->arg->kind == EX_STRING ? string_value(e->a, c->arg->str) : NULL;
}

bool comp_is(const struct probe_comp *c, const char *name)
{
	return !strcmp(c->name, name);
}

/* A C-string literal for a derived probe's canonical point. */
const char *quoted(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, strlen(s) * 4 + 3), *o = out;

	*o++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += sprintf(o, "\\%03o", c);
		} else {
			*o++ = (char)c;
		}
	}
	*o++ = '"';
	*o = 0;
	return out;
}

static struct expr *and_cond(struct arena *a, struct expr *x, struct expr *y)
{
	if (!x || !y)
		return x ? x : y;
	struct expr *b = expr_new(a, EX_BINARY, x->pos);

	b->op = OP_LAND;
	b->a = x;
	b->b = y;
	return b;
}

struct derived_probe *new_probe(struct deriving *dv, enum probe_kind kind, const char *pp,
				struct stmt *body, struct expr *cond)
{
	struct derived_probe *p = arena_alloc(dv->e->a, sizeof(*p));

	p->kind = kind;
	p->pp = pp;
	p->written = dv->written;
	p->alias = dv->nchain ? dv->chain[0] : NULL;
	p->pos = dv->pos;
	if (++dv->total == MAX_DERIVED) {
		diag_error(dv->pos, "semantic error", "this probe expands to more than %d probes",
			   MAX_DERIVED);
		dv->failed = true;
	}
	p->body = stmt_clone(dv->e->a, body);
	p->cond = expr_clone(dv->e->a, cond);
	VEC_PUSH(dv->e->a, dv->e->prog->probes, p);
	dv->found++;
	return p;
}

bool number_arg(const struct probe_comp *c, int64_t *v)
{
	if (!c->arg || c->arg->kind != EX_NUMBER)
		return false;
	*v = c->arg->num;
	return true;
}

/* begin, end, error, never and timers; false when pt is none of them. */
static bool derive_simple(struct deriving *dv, const struct probe_point *pt, struct stmt *body,
			  struct expr *cond)
{
	struct elab *e = dv->e;
	const struct probe_comp *c = pt->comps.v;
	int n = pt->comps.n;
	static const struct {
		const char *name;
		enum probe_kind kind;
	} simple[] = {
		{"begin", PK_BEGIN}, {"end", PK_END}, {"error", PK_ERROR}, {"never", PK_NEVER}};

	for (size_t i = 0; n == 1 && i < sizeof(simple) / sizeof(simple[0]); i++) {
		int64_t prio = 0;

		if (!comp_is(c, simple[i].name))
			continue;
		if (c->arg && (simple[i].kind == PK_NEVER || !number_arg(c, &prio))) {
			diag_error(c->pos, "semantic error", "'%s' takes %s", c->name,
				   simple[i].kind == PK_NEVER ? "no argument"
							      : "only a number argument");
			return true;
		}
		struct derived_probe *p = new_probe(
			dv, simple[i].kind,
			c->arg ? arena_printf(e->a, "%s(%lld)", c->name, (long long)prio) : c->name,
			body, cond);
		p->priority = prio;
		return true;
	}
	if (n < 2 || n > 3 || !comp_is(c, "timer") || c->arg)
		return false;
	/* timer.profile (stap 4.8: timer.profile.tick, else a cpu-clock
	 * sample every 1 ms): on every CPU, every millisecond. */
	if (comp_is(&c[1], "profile") && (n == 2 || (comp_is(&c[2], "tick") && !c[2].arg)) &&
	    !c[1].arg) {
		struct derived_probe *p = new_probe(dv, PK_TIMER, "timer.profile.tick", body, cond);

		p->period_ns = 1000000;
		p->profile = true;
		return true;
	}

	static const struct {
		const char *unit;
		int64_t ns; /* 0: a rate (hz) */
	} units[] = {{"ns", 1},		  {"us", 1000}, {"ms", 1000000},     {"s", 1000000000},
		     {"sec", 1000000000}, {"hz", 0},	{"jiffies", 4000000}}; /* jiffies at HZ=250,
										  Debian's */
	int64_t v, r = 0;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!comp_is(&c[1], units[i].unit))
			continue;
		if (!number_arg(&c[1], &v) || v <= 0) {
			diag_error(c[1].pos, "semantic error",
				   "timer.%s needs a positive number: timer.%s(N)", units[i].unit,
				   units[i].unit);
			return true;
		}
		if (n == 3 && (!comp_is(&c[2], "randomize") || !number_arg(&c[2], &r) || r < 0)) {
			diag_error(c[2].pos, "semantic error",
				   "expected .randomize(N) after timer.%s(%lld)", units[i].unit,
				   (long long)v);
			return true;
		}
		if (units[i].ns && r >= v) {
			diag_error(c[2].pos, "semantic error",
				   "randomization (%lld) must be smaller than the period (%lld)",
				   (long long)r, (long long)v);
			return true;
		}
		const char *pp = arena_printf(e->a, "timer.%s(%lld)", units[i].unit, (long long)v);

		if (n == 3)
			pp = arena_printf(e->a, "%s.randomize(%lld)", pp, (long long)r);
		struct derived_probe *p = new_probe(dv, PK_TIMER, pp, body, cond);

		if (units[i].ns) {
			p->period_ns = v * units[i].ns;
			p->randomize_ns = r * units[i].ns;
		} else {
			p->hz = v;
		}
		return true;
	}
	diag_error(c[1].pos, "semantic error",
		   "unknown timer unit '%s' (timer.ns, us, ms, s, hz, jiffies or profile)",
		   c[1].name);
	return true;
}

/* Fill a marker probe's arguments from its format. */
bool marker_args(struct derived_probe *p, struct srcpos pos)
{
	struct marker_format_iter it;
	struct marker_arg arg;
	int r;

	marker_format_begin(&it, p->format);
	while ((r = marker_format_next(&it, &arg)) > 0) {
		if (p->nargs == ELAB_MAX_MARKER_ARGS) {
			diag_error(pos, "semantic error", "marker %s has more than %d arguments",
				   p->mark, ELAB_MAX_MARKER_ARGS);
			return false;
		}
		p->args[p->nargs++] = arg;
	}
	if (r < 0)
		diag_error(pos, "semantic error", "marker %s has a malformed format \"%s\": %s",
			   p->mark, p->format, it.error);
	return r == 0;
}

void suggest(struct arena *a, const mark_vec *t, const char *name, const char **text)
{
	const char *near[3];
	int n = marker_suggest(t, name, near, 3);

	*text = "";
	for (int i = 0; i < n; i++)
		*text = arena_printf(a, "%s%s%s", *text, i ? ", " : " (did you mean: ", near[i]);
	if (n)
		*text = arena_printf(a, "%s?)", *text);
}

static void derive_marks(struct deriving *dv, const struct probe_point *pt, const mark_vec *t,
			 const char *object_desc, const char *prefix, enum probe_kind kind,
			 struct stmt *body, struct expr *cond)
{
	struct elab *e = dv->e;
	const struct probe_comp *mc = &pt->comps.v[1];
	const char *glob = comp_string(e, mc);
	const char *fglob = pt->comps.n == 3 ? comp_string(e, &pt->comps.v[2]) : NULL;
	int named = 0, before = dv->found;

	for (int i = 0; i < t->n; i++) {
		const struct mark_entry *m = &t->v[i];

		if (fnmatch(glob, m->name, 0))
			continue;
		named++;
		if (fglob && fnmatch(fglob, m->format, 0))
			continue;
		/* stap named kernel markers with their format; user-space marks
		 * keep the short form stap uses for process(...).mark. */
		const char *pp = arena_printf(e->a, "%s.mark(%s)", prefix, quoted(e->a, m->name));

		if (kind == PK_KERNEL_MARK)
			pp = arena_printf(e->a, "%s.format(%s)", pp, quoted(e->a, m->format));
		struct derived_probe *p = new_probe(dv, kind, pp, body, cond);

		p->path = m->object;
		p->mark = m->name;
		p->format = m->format;
		if (!marker_args(p, mc->pos))
			return;
	}
	if (pt->optional || dv->found > before)
		return;
	if (!named) {
		const char *hint;

		suggest(e->a, t, glob, &hint);
		diag_error(mc->arg->pos, "semantic error", "no marker matches \"%s\" in %s%s", glob,
			   object_desc, hint);
	} else {
		diag_error(
			pt->comps.v[2].arg->pos, "semantic error",
			".format(\"%s\") matches no format of the %d marker%s named \"%s\" in %s",
			fglob, named, named == 1 ? "" : "s", glob, object_desc);
	}
}

static void derive_functions(struct deriving *dv, const struct probe_point *pt,
			     const funcsym_vec *syms, const char *path, const char *prefix,
			     struct stmt *body, struct expr *cond)
{
	struct elab *e = dv->e;
	const struct probe_comp *fc = &pt->comps.v[1];
	const char *glob = comp_string(e, fc);
	bool ret = pt->comps.n == 3;
	int before = dv->found, first = e->prog->probes.n;

	for (int i = 0; i < syms->n; i++) {
		const struct func_sym *f = &syms->v[i];
		bool dup = false;

		if (fnmatch(glob, f->name, 0))
			continue;
		/* Local functions of several files may share a name: one probe. */
		for (int k = first; k < e->prog->probes.n && !dup; k++)
			dup = !strcmp(e->prog->probes.v[k]->function, f->name);
		if (dup)
			continue;
		struct derived_probe *p =
			new_probe(dv, PK_PROCESS_FUNCTION,
				  arena_printf(e->a, "%s.function(%s)%s", prefix,
					       quoted(e->a, f->name), ret ? ".return" : ""),
				  body, cond);

		p->path = path;
		p->function = f->name;
		p->address = f->addr;
		p->file_offset = f->offset;
		p->is_return = ret;
	}
	if (dv->found == before && !pt->optional)
		diag_error(fc->arg->pos, "semantic error", "no function matches \"%s\" in %s", glob,
			   path);
}

/*
 * process("PATH")...mark("GLOB"): the program's stapmark markers and its
 * sys/sdt.h probes (sdt_probes.c); .library and .provider name SDT probes
 * only, as does nothing with .format.  No match in either: one error, with
 * suggestions over both kinds.
 */
static void derive_process_marks(struct deriving *dv, const struct probe_point *pt,
				 const mark_vec *own, const char *path, const char *prefix,
				 const struct probe_comp *lib, const struct probe_comp *prov,
				 struct stmt *body, struct expr *cond)
{
	struct elab *e = dv->e;
	const struct probe_comp *mc = &pt->comps.v[pt->comps.n - 1];
	bool format = comp_is(mc, "format");
	struct probe_point quiet = *pt;
	int before = dv->found;
	mark_vec names = {0};

	if (format)
		mc--;
	quiet.optional = true;
	if (!lib && !prov) {
		derive_marks(dv, &quiet, own, path, prefix, PK_PROCESS_MARK, body, cond);
		for (int i = 0; i < own->n; i++)
			VEC_PUSH(e->a, names, own->v[i]);
	}
	if (!format && !dv->failed) {
		struct sdt_query q = {.exe = path,
				      .prefix = prefix,
				      .library = lib ? comp_string(e, lib) : NULL,
				      .provider = prov ? comp_string(e, prov) : NULL,
				      .glob = comp_string(e, mc),
				      .own = own,
				      .pos = mc->arg->pos};

		sdt_derive(dv, &q, &names, body, cond);
	}
	if (dv->found > before || pt->optional || dv->failed)
		return;
	if (format) { /* its own error: no name, or no format of the name */
		derive_marks(dv, pt, own, path, prefix, PK_PROCESS_MARK, body, cond);
		return;
	}
	const char *glob = comp_string(e, mc), *hint;

	suggest(e->a, &names, glob, &hint);
	diag_error(mc->arg->pos, "semantic error", "no marker matches \"%s\" in %s%s%s%s", glob,
		   lib ? "the libraries of " : "", path,
		   prov ? arena_printf(e->a, " with provider \"%s\"", comp_string(e, prov)) : "",
		   hint);
}

/* process(...) and kernel points; false when pt is neither. */
static bool derive_target(struct deriving *dv, const struct probe_point *pt, struct stmt *body,
			  struct expr *cond)
{
	struct elab *e = dv->e;
	const struct probe_comp *c = pt->comps.v;
	int n = pt->comps.n;
	bool process = comp_is(c, "process"), kernel = comp_is(c, "kernel");
	/* .library(...) and .provider(...) before .mark: sys/sdt.h probes */
	int sdt_lib = 0, sdt_prov = 0, k = 1;

	if (process && n >= 3 && comp_is(&c[k], "library"))
		sdt_lib = k++;
	if (process && n >= 3 && k < n - 1 && comp_is(&c[k], "provider"))
		sdt_prov = k++;
	if (k > 1) {
		if (k != n - 1 || !comp_is(&c[k], "mark"))
			return false;
		for (int i = 1; i < k; i++)
			if (!c[i].arg || c[i].arg->kind != EX_STRING) {
				diag_error(c[i].pos, "semantic error",
					   "%s needs a string: %s(\"NAME\")", c[i].name, c[i].name);
				return true;
			}
	} else if ((!process && !kernel) || n < 2 || n > 3) {
		return false;
	}
	const struct probe_comp *mc = &c[k]; /* .mark or .function */
	bool mark = comp_is(&mc[0], "mark"), function = comp_is(&mc[0], "function");

	/* kernel.function: probes_kernel.c */
	if (!mark && !(function && process))
		return false;
	if (kernel && c->arg)
		return false;
	if (process && c->arg && c->arg->kind != EX_STRING)
		return false;
	if (!mc[0].arg || mc[0].arg->kind != EX_STRING) {
		diag_error(mc[0].pos, "semantic error", "%s needs a string: %s(\"NAME\")",
			   mc[0].name, mc[0].name);
		return true;
	}
	if (k == 1 && n == 3 &&
	    !(mark && comp_is(&mc[1], "format") && mc[1].arg && mc[1].arg->kind == EX_STRING) &&
	    !(function && comp_is(&mc[1], "return") && !mc[1].arg))
		return false;

	const char *path = NULL, *prefix = "kernel", *err;

	if (process) {
		const char *given = c->arg ? comp_string(e, c) : NULL;

		if (!given && !e->s->target_cmd && e->s->target_pid <= 0) {
			diag_error(c->pos, "semantic error",
				   "process.%s without a path needs -c CMD or -x PID (or "
				   "process(\"PATH\"))",
				   mc[0].name);
			return true;
		}
		if (!given && !e->s->target_cmd) { /* -x: the program the process runs */
			char exe[64], real[PATH_MAX];
			ssize_t len;

			snprintf(exe, sizeof(exe), "/proc/%d/exe", e->s->target_pid);
			len = readlink(exe, real, sizeof(real) - 1);
			if (len <= 0) {
				/* EACCES: the process is another user's (not ptrace-able
				 * by us); ENOENT: there is none. */
				diag_error(c->pos, "semantic error",
					   "process.%s: cannot read %s: %s", mc[0].name, exe,
					   errno == ENOENT ? arena_printf(e->a, "no process %d",
									  e->s->target_pid)
					   : errno == EACCES || errno == EPERM
						   ? "permission denied (the process is another "
						     "user's)"
						   : strerror(errno));
				return true;
			}
			real[len] = '\0';
			given = arena_strndup(e->a, real, (size_t)len);
		}
		if (!given) { /* the program -c runs: its first word */
			const char *cmd = e->s->target_cmd + strspn(e->s->target_cmd, " \t");

			given = arena_strndup(e->a, cmd, strcspn(cmd, " \t"));
		}
		path = resolve_program_path(e->s, given);
		if (!path) {
			diag_error(c->arg ? c->arg->pos : c->pos, "semantic error",
				   "cannot find executable '%s'", given);
			return true;
		}
		prefix = arena_printf(e->a, "process(%s)", quoted(e->a, path));
	}
	if (mark) {
		const mark_vec *t;
		const char *desc;

		if (process) {
			t = marker_table_process(e->s, path, &err);
			if (!t) {
				diag_error(c->arg ? c->arg->pos : c->pos, "semantic error",
					   "cannot read the marker table: %s", err);
				return true;
			}
			desc = path;
		} else {
			t = marker_table_kernel(e->s, &err);
			if (!err) {
				diag_error(c->pos, "semantic error",
					   "no kernel marker table for %s (no /proc/markers, "
					   "%s/Module.markers, vmlinux or modules with markers)",
					   e->s->kernel_release, e->s->kernel_build_dir);
				return true;
			}
			desc = arena_printf(e->a, "the kernel (%s)", err);
		}
		if (process)
			derive_process_marks(dv, pt, t, path, prefix, sdt_lib ? &c[sdt_lib] : NULL,
					     sdt_prov ? &c[sdt_prov] : NULL, body, cond);
		else
			derive_marks(dv, pt, t, desc, prefix, PK_KERNEL_MARK, body, cond);
		return true;
	}
	const funcsym_vec *syms = symtab_process(e->s, path, &err);

	if (!syms) {
		diag_error(c->pos, "semantic error", "%s", err);
		return true;
	}
	derive_functions(dv, pt, syms, path, prefix, body, cond);
	return true;
}

const char *probe_short_name(struct arena *a, const struct derived_probe *p)
{
	if (p->kind == PK_KERNEL_MARK && p->mark)
		return arena_printf(a, "kernel.mark(\"%s\")", p->mark);
	return p->pp;
}

/* The first n components of pattern match alias's n components. */
static bool alias_prefix_matches(const struct probe_point *pattern, const struct probe_point *alias,
				 int n)
{
	if (pattern->comps.n < n || alias->comps.n != n)
		return false;
	for (int i = 0; i < n; i++) {
		const struct probe_comp *p = &pattern->comps.v[i], *a = &alias->comps.v[i];

		if (fnmatch(p->name, a->name, 0) || !p->arg != !a->arg)
			return false;
		if (p->arg && (p->arg->kind != a->arg->kind ||
			       (p->arg->kind == EX_NUMBER ? p->arg->num != a->arg->num
							  : strcmp(p->arg->str, a->arg->str))))
			return false;
	}
	return true;
}

bool alias_matches(const struct probe_point *pattern, const struct probe_point *alias)
{
	return alias_prefix_matches(pattern, alias, pattern->comps.n);
}

/* stap's alias suffixes: ALIAS.SUFFIX is each point of the alias with
 * .SUFFIX after it (perf.sw.cpu_clock.sample(100)); the components of pt
 * past the alias's n are the suffix. */
static const struct probe_point *with_suffix(struct arena *a, const struct probe_point *target,
					     const struct probe_point *pt, int n)
{
	if (pt->comps.n == n)
		return target;
	struct probe_point *q = arena_alloc(a, sizeof(*q));

	*q = *target;
	q->comps.v = NULL;
	q->comps.n = q->comps.cap = 0;
	for (int i = 0; i < target->comps.n; i++)
		VEC_PUSH(a, q->comps, target->comps.v[i]);
	for (int i = n; i < pt->comps.n; i++)
		VEC_PUSH(a, q->comps, pt->comps.v[i]);
	return q;
}

static struct stmt *block_of(struct arena *a, struct srcpos pos, struct stmt *x, struct stmt *y,
			     struct stmt *z)
{
	struct stmt *b = stmt_new(a, ST_BLOCK, pos);

	if (x)
		VEC_PUSH(a, b->stmts, x);
	if (y)
		VEC_PUSH(a, b->stmts, y);
	if (z)
		VEC_PUSH(a, b->stmts, z);
	return b;
}

static void derive_point(struct deriving *dv, const struct probe_point *pt, struct stmt *body,
			 struct expr *cond, int depth);

/* Expand alias d of file sc for pt; false after an error (dv->failed). */
static bool expand_alias(struct deriving *dv, const struct probe_point *pt, struct decl *d,
			 const struct script *sc, struct stmt *body, struct expr *cond, int depth)
{
	struct elab *e = dv->e;

	/* The kernel's tapsets stand on kernel probes: say so before
	 * looking for kernel tables a user-space run has no use for. */
	if (sc->kernel_only && e->s->backend && !e->s->backend->kernel) {
		diag_error(pt->pos, "semantic error",
			   "probe alias '%s' is of the kernel tapsets (%s): the "
			   "user-space backend cannot run it; it needs the kernel "
			   "backend (--runtime=kernel)",
			   point_text(e->a, d->alias), sc->src->name);
		dv->failed = true;
		return false;
	}
	for (int i = 0; i < dv->nchain; i++)
		if (dv->chain[i] == d) {
			diag_error(pt->pos, "semantic error", "probe alias cycle through '%s'",
				   point_text(e->a, d->alias));
			dv->failed = true;
			return false;
		}
	if (depth >= MAX_ALIAS_DEPTH || dv->nchain >= MAX_ALIAS_DEPTH) {
		diag_error(pt->pos, "semantic error", "probe alias expansion is too deep ('%s')",
			   point_text(e->a, d->alias));
		dv->failed = true;
		return false;
	}
	dv->chain[dv->nchain++] = d;
	library_include(e, sc);
	struct stmt *wrapped = d->append ? block_of(e->a, d->pos, body, d->body, NULL)
					 : block_of(e->a, d->pos, d->body, body, d->epilogue);
	struct expr *c = and_cond(e->a, cond, d->alias->cond);

	for (int t = 0; t < d->points.n; t++) {
		const struct probe_point *target =
			with_suffix(e->a, d->points.v[t], pt, d->alias->comps.n);
		int before = dv->found;

		derive_point(dv, target, wrapped, and_cond(e->a, c, target->cond), depth + 1);
		if (dv->failed || (target->sufficient && dv->found > before))
			break;
	}
	dv->nchain--;
	return !dv->failed;
}

/* Expand the aliases pt names; returns how many matched.  Whole matches
 * first; an alias that matches only the start of pt (the rest a suffix)
 * only when none does, as stap(1) says. */
static int derive_aliases(struct deriving *dv, const struct probe_point *pt, struct stmt *body,
			  struct expr *cond, int depth)
{
	int matched = 0;

	for (int pass = 0; pass < 2 && !matched; pass++)
		for (int u = 0; u < dv->e->units.n; u++) {
			const struct script *sc = dv->e->units.v[u].script;

			for (int k = 0; k < sc->decls.n; k++) {
				struct decl *d = sc->decls.v[k];

				if (d->kind != DECL_ALIAS ||
				    (pass == 0 && d->alias->comps.n != pt->comps.n) ||
				    !alias_prefix_matches(pt, d->alias, d->alias->comps.n))
					continue;
				matched++;
				if (!expand_alias(dv, pt, d, sc, body, cond, depth))
					return matched;
			}
		}
	return matched;
}

/* Names a probe point could have started with, for "did you mean". */
static const char *point_hint(struct elab *e, const struct probe_point *pt)
{
	static const char *const builtin[] = {"begin",	 "end",	   "error",  "never", "timer",
					      "process", "kernel", "kprobe", "module"};
	mark_vec names = {0};

	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		VEC_PUSH(e->a, names, ((struct mark_entry){builtin[i], "", ""}));
	for (int u = 0; u < e->units.n; u++) {
		const struct script *sc = e->units.v[u].script;

		for (int k = 0; k < sc->decls.n; k++)
			if (sc->decls.v[k]->kind == DECL_ALIAS)
				VEC_PUSH(e->a, names,
					 ((struct mark_entry){
						 point_text(e->a, sc->decls.v[k]->alias), "", ""}));
	}
	const char *hint;

	suggest(e->a, &names, point_text(e->a, &(struct probe_point){.comps = pt->comps}), &hint);
	return hint;
}

static void derive_point(struct deriving *dv, const struct probe_point *pt, struct stmt *body,
			 struct expr *cond, int depth)
{
	if (dv->failed)
		return;
	if (derive_aliases(dv, pt, body, cond, depth))
		return;
	if (derive_simple(dv, pt, body, cond) || derive_target(dv, pt, body, cond) ||
	    derive_kernel_function(dv, pt, body, cond) || derive_kernel_trace(dv, pt, body, cond) ||
	    derive_perf(dv, pt))
		return;
	/* An optional point that matches nothing is dropped quietly. */
	if (!pt->optional)
		diag_error(pt->pos, "semantic error", "probe point mismatch: no match for '%s'%s",
			   point_text(dv->e->a, &(struct probe_point){.comps = pt->comps}),
			   point_hint(dv->e, pt));
}

static void derive_decl(struct elab *e, const struct decl *d)
{
	struct deriving dv = {.e = e, .user = d};
	const char *written = "";

	for (int i = 0; i < d->points.n; i++)
		written = arena_printf(e->a, "%s%s%s", written, i ? "," : "",
				       point_text(e->a, d->points.v[i]));
	dv.written = written;
	for (int i = 0; i < d->points.n; i++) {
		const struct probe_point *pt = d->points.v[i];

		dv.pos = pt->pos;
		dv.found = 0;
		derive_point(&dv, pt, d->body, pt->cond, 0);
		if (pt->sufficient && dv.found)
			break;
	}
}

void derive_probes(struct elab *e)
{
	for (int u = 0; u < e->units.n; u++) {
		if (e->units.v[u].derived || !e->units.v[u].included)
			continue;
		e->units.v[u].derived = true;
		const struct script *sc = e->units.v[u].script;

		for (int k = 0; k < sc->decls.n; k++)
			if (sc->decls.v[k]->kind == DECL_PROBE)
				derive_decl(e, sc->decls.v[k]);
	}
}
