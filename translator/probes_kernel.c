// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel probe points without debug info (pass 2):
 *
 *   kernel.function("GLOB")[.call][.return[.maxactive(N)]]
 *   module("MGLOB").function("GLOB")[.call][.return[.maxactive(N)]]
 *   kprobe.function("GLOB")[.call][.return[.maxactive(N)]]
 *   kprobe.module("MGLOB").function("GLOB")[.call][.return[.maxactive(N)]]
 *   kprobe.statement(ADDR).absolute, kernel.statement(ADDR).absolute   (-g)
 *   kernel.trace("GLOB"), kernel.trace("SYSTEM:GLOB")
 *
 * Function names come from symbol tables (symtab_kernel for vmlinux, a
 * module's .ko symtab), so only out-of-line functions exist here: that is
 * what stap's .call selects, and the plain form means the same.  What
 * needs DWARF (FUNC@FILE:LINE, inline instances, statements by line,
 * parameters and locals as $vars) is refused with the reason.  The kernel
 * resolves the name again when the probe is registered (kallsyms), so a
 * map from another boot of the same release is good enough.
 *
 * kernel.trace points are the tracepoint bridges of markers.ko: the
 * kernel.mark of the same name, with the bridge's fields as $variables.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_modules.h"
#include "probes.h"
#include "symtab.h"

/* The modifiers after .function(...): [.call][.return[.maxactive(N)]]. */
struct func_mods {
	bool call, ret;
	int64_t maxactive;
};

/* Parse comps[i..n) as modifiers; false (after an error) when they are not. */
static bool function_mods(const struct probe_comp *c, int i, int n, struct func_mods *m)
{
	for (; i < n; i++) {
		if (comp_is(&c[i], "call") && !c[i].arg && !m->call && !m->ret) {
			m->call = true;
		} else if (comp_is(&c[i], "return") && !c[i].arg && !m->call && !m->ret) {
			m->ret = true;
		} else if (comp_is(&c[i], "maxactive") && m->ret && !m->maxactive) {
			if (!number_arg(&c[i], &m->maxactive) || m->maxactive <= 0 ||
			    m->maxactive > 4096) {
				diag_error(c[i].pos, "semantic error",
					   ".maxactive needs a number from 1 to 4096");
				return false;
			}
		} else if (comp_is(&c[i], "inline") || comp_is(&c[i], "exported") ||
			   comp_is(&c[i], "label") || comp_is(&c[i], "callee") ||
			   comp_is(&c[i], "callees")) {
			diag_error(c[i].pos, "semantic error",
				   ".%s needs the kernel's debug info (DWARF), which stapmark does "
				   "not use: symbol tables have only out-of-line functions",
				   c[i].name);
			return false;
		} else {
			diag_error(c[i].pos, "semantic error",
				   "unexpected .%s here (a kernel function probe takes .call, "
				   ".return and .return.maxactive(N))",
				   c[i].name);
			return false;
		}
	}
	return true;
}

/* Names for "did you mean": functions of syms, or modules. */
static const char *near_names(struct arena *a, const char *const *names, int n, const char *want)
{
	mark_vec v = {0};
	const char *hint;

	for (int i = 0; i < n; i++)
		VEC_PUSH(a, v, ((struct mark_entry){names[i], "", ""}));
	suggest(a, &v, want, &hint);
	return hint;
}

static const char *near_functions(struct arena *a, const funcsym_vec *syms, const char *want)
{
	const char **names = arena_alloc(a, sizeof(*names) * ((size_t)syms->n + 1));

	for (int i = 0; i < syms->n; i++)
		names[i] = syms->v[i].name;
	return near_names(a, names, syms->n, want);
}

struct kfunc_point {
	const char *family; /* "kernel", "kprobe" */
	const char *module; /* NULL: vmlinux */
	const char *glob;
	struct srcpos glob_pos;
	struct func_mods mods;
	bool optional;
};

/* The canonical point: as the user spelled the family, one function. */
static const char *kfunc_pp(struct arena *a, const struct kfunc_point *k, const char *func)
{
	const char *pp;

	if (!strcmp(k->family, "kprobe"))
		pp = k->module ? arena_printf(a, "kprobe.module(%s).function(%s)",
					      quoted(a, k->module), quoted(a, func))
			       : arena_printf(a, "kprobe.function(%s)", quoted(a, func));
	else
		pp = k->module ? arena_printf(a, "module(%s).function(%s)", quoted(a, k->module),
					      quoted(a, func))
			       : arena_printf(a, "kernel.function(%s)", quoted(a, func));
	if (k->mods.call)
		pp = arena_printf(a, "%s.call", pp);
	if (k->mods.ret)
		pp = arena_printf(a, "%s.return", pp);
	if (k->mods.maxactive)
		pp = arena_printf(a, "%s.maxactive(%lld)", pp, (long long)k->mods.maxactive);
	return pp;
}

static int cmp_function(const void *a, const void *b)
{
	const struct derived_probe *x = *(struct derived_probe *const *)a;
	const struct derived_probe *y = *(struct derived_probe *const *)b;

	return strcmp(x->function, y->function);
}

/* Functions of one symbol table matching k->glob into probes; how many. */
static int derive_from(struct deriving *dv, const struct kfunc_point *k, const funcsym_vec *syms,
		       struct stmt *body, struct expr *cond)
{
	struct elab *e = dv->e;
	bool wild = strpbrk(k->glob, "*?[") != NULL;
	bool dotted = strchr(k->glob, '.') != NULL;
	int first = e->prog->probes.n, made = 0;

	for (int i = 0; i < syms->n; i++) {
		const struct func_sym *f = &syms->v[i];
		bool dup = false;

		if (fnmatch(k->glob, f->name, 0))
			continue;
		/* A wildcard skips compiler-made parts (foo.cold, foo.isra.0)
		 * unless it names them, and what the kernel refuses. */
		if (wild && ((!dotted && strchr(f->name, '.')) || f->nokprobe))
			continue;
		if (f->nokprobe) {
			if (k->optional)
				diag_warning(k->glob_pos,
					     "kernel function '%s' cannot be probed: the kernel "
					     "refuses kprobes there (blacklisted: %s); skipped",
					     f->name, f->nokprobe);
			else
				diag_error(k->glob_pos, "semantic error",
					   "kernel function '%s' cannot be probed: the kernel "
					   "refuses kprobes there (blacklisted: %s)",
					   f->name, f->nokprobe);
			made++; /* said why: no "no match" after it */
			continue;
		}
		/* Local functions of several files share a name: kallsyms
		 * resolves the first, so one probe per name. */
		for (int j = first; j < e->prog->probes.n && !dup; j++)
			dup = !strcmp(e->prog->probes.v[j]->function, f->name) &&
			      e->prog->probes.v[j]->kmodule == k->module;
		if (dup)
			continue;
		struct derived_probe *p =
			new_probe(dv, PK_KERNEL_FUNCTION, kfunc_pp(e->a, k, f->name), body, cond);

		p->kmodule = k->module;
		p->function = f->name;
		p->address = f->addr;
		p->is_return = k->mods.ret;
		p->maxactive = k->mods.maxactive;
		p->optional = k->optional;
		made++;
	}
	/* In name order, as stap lists them (a map is in address order). */
	if (e->prog->probes.n - first > 1)
		qsort(e->prog->probes.v + first, (size_t)(e->prog->probes.n - first),
		      sizeof(e->prog->probes.v[0]), cmp_function);
	return made;
}

static void derive_vmlinux(struct deriving *dv, struct kfunc_point *k, struct stmt *body,
			   struct expr *cond)
{
	struct elab *e = dv->e;
	const char *from, *err;
	const funcsym_vec *syms = symtab_kernel(e->s, &from, &err);

	if (!syms) {
		diag_error(k->glob_pos, "semantic error", "%s", err);
		return;
	}
	if (!derive_from(dv, k, syms, body, cond) && !k->optional)
		diag_error(k->glob_pos, "semantic error",
			   "no kernel function matches \"%s\" (symbols of %s: %s)%s", k->glob,
			   e->s->kernel_release, from, near_functions(e->a, syms, k->glob));
}

static void derive_modules(struct deriving *dv, struct kfunc_point *k, const char *mglob,
			   struct srcpos mpos, struct stmt *body, struct expr *cond)
{
	struct elab *e = dv->e;
	const kmodname_vec *names = kernel_module_names(e->s);
	int modules = 0, made = 0;
	const char *last_path = NULL;
	const funcsym_vec *last_syms = NULL;

	/* A path names one module file; else a glob over module names. */
	bool one_file = strchr(mglob, '/') != NULL;
	const char *want = kernel_module_name(e->a, mglob);

	for (int i = 0; i < (one_file ? 1 : names->n); i++) {
		const char *name = one_file ? mglob : names->v[i];
		const char *path, *err;

		if (!one_file && fnmatch(want, name, 0))
			continue;
		path = kernel_module_path(e->s, name);
		if (!path)
			continue;
		modules++;
		const funcsym_vec *syms = symtab_process(e->s, path, &err);

		if (!syms) {
			diag_error(mpos, "semantic error", "module %s: %s", name, err);
			return;
		}
		k->module = kernel_module_name(e->a, name);
		made += derive_from(dv, k, syms, body, cond);
		last_path = path;
		last_syms = syms;
		if (dv->failed)
			return;
	}
	if (k->optional || made)
		return;
	if (!modules)
		diag_error(mpos, "semantic error",
			   "no kernel module \"%s\" for %s (modules.dep of /lib/modules/%s, "
			   "stapmark's own modules)%s",
			   mglob, e->s->kernel_release, e->s->kernel_release,
			   near_names(e->a, names->v, names->n, want));
	else
		diag_error(k->glob_pos, "semantic error", "no function matches \"%s\" in %s%s",
			   k->glob, modules == 1 ? last_path : "those modules",
			   modules == 1 ? near_functions(e->a, last_syms, k->glob) : "");
}

/* kprobe.statement(ADDR).absolute, kernel.statement(ADDR).absolute. */
static bool derive_absolute(struct deriving *dv, const struct probe_point *pt, const char *family,
			    struct stmt *body, struct expr *cond)
{
	struct elab *e = dv->e;
	const struct probe_comp *c = pt->comps.v;
	int64_t addr;

	if (pt->comps.n != 3 || !comp_is(&c[2], "absolute") || c[2].arg ||
	    !number_arg(&c[1], &addr)) {
		diag_error(c[1].pos, "semantic error",
			   "%s.statement needs an address: %s.statement(ADDRESS).absolute "
			   "(statements by line need debug info, which stapmark does not use)",
			   family, family);
		return true;
	}
	if (!e->s->guru) {
		diag_error(c[2].pos, "semantic error",
			   "absolute statement probe in unprivileged script; need stapmark -g");
		return true;
	}
	struct derived_probe *p = new_probe(dv, PK_KERNEL_FUNCTION,
					    arena_printf(e->a, "%s.statement(%#llx).absolute",
							 family, (unsigned long long)addr),
					    body, cond);

	p->address = (uint64_t)addr;
	p->absolute = true;
	p->optional = pt->optional;
	return true;
}

bool derive_kernel_function(struct deriving *dv, const struct probe_point *pt, struct stmt *body,
			    struct expr *cond)
{
	struct elab *e = dv->e;
	const struct probe_comp *c = pt->comps.v;
	int n = pt->comps.n, fi;
	struct kfunc_point k = {.optional = pt->optional};
	const char *mglob = NULL;
	struct srcpos mpos = c->pos;

	if (n < 2)
		return false;
	if (comp_is(c, "kprobe") && !c->arg) {
		k.family = "kprobe";
		if (comp_is(&c[1], "statement"))
			return derive_absolute(dv, pt, "kprobe", body, cond);
		fi = comp_is(&c[1], "module") ? 2 : 1;
	} else if (comp_is(c, "kernel") && !c->arg) {
		k.family = "kernel";
		if (comp_is(&c[1], "statement"))
			return derive_absolute(dv, pt, "kernel", body, cond);
		fi = 1;
	} else if (comp_is(c, "module")) {
		k.family = "kernel";
		fi = 1;
		if (!c->arg || c->arg->kind != EX_STRING) {
			diag_error(c->pos, "semantic error",
				   "module needs a name: module(\"NAME\")");
			return true;
		}
		mglob = comp_string(e, c);
		mpos = c->arg->pos;
	} else {
		return false;
	}
	if (fi == 2) {
		if (!c[1].arg || c[1].arg->kind != EX_STRING) {
			diag_error(c[1].pos, "semantic error",
				   "kprobe.module needs a name: kprobe.module(\"NAME\")");
			return true;
		}
		mglob = comp_string(e, &c[1]);
		mpos = c[1].arg->pos;
	}
	if (fi >= n || !comp_is(&c[fi], "function")) {
		if (mglob && fi < n && comp_is(&c[fi], "statement")) {
			diag_error(c[fi].pos, "semantic error",
				   "module statements need debug info (DWARF), which stapmark "
				   "does not use");
			return true;
		}
		return false;
	}
	if (!c[fi].arg || c[fi].arg->kind != EX_STRING) {
		diag_error(c[fi].pos, "semantic error",
			   "function needs a string: function(\"NAME\")");
		return true;
	}
	k.glob = comp_string(e, &c[fi]);
	k.glob_pos = c[fi].arg->pos;
	if (strchr(k.glob, '@') || strchr(k.glob, ':')) {
		diag_error(
			k.glob_pos, "semantic error",
			"\"%s\": FUNCTION@FILE:LINE needs the kernel's debug info (DWARF), which "
			"stapmark does not use; name the function alone",
			k.glob);
		return true;
	}
	if (!function_mods(c, fi + 1, n, &k.mods))
		return true;
	if (mglob)
		derive_modules(dv, &k, mglob, mpos, body, cond);
	else
		derive_vmlinux(dv, &k, body, cond);
	return true;
}

/* ---- kernel.trace ---- */

/* markers.ko's bridges (runtime/kernel/bridges.c) and the tracepoint
 * system each stands for; a guest test checks the systems against the
 * kernel's own (events/SYSTEM/NAME in tracefs). */
static const struct {
	const char *system, *name;
} bridges[] = {
	{"sched", "sched_switch"},
	{"sched", "sched_wakeup"},
	{"sched", "sched_process_fork"},
	{"sched", "sched_process_exec"},
	{"sched", "sched_process_exit"},
	{"raw_syscalls", "sys_enter"},
	{"raw_syscalls", "sys_exit"},
	{"irq", "irq_handler_entry"},
	{"irq", "irq_handler_exit"},
	{"irq", "softirq_entry"},
	{"kmem", "kmalloc"},
	{"kmem", "kfree"},
	{"block", "block_rq_issue"},
	{"block", "block_rq_complete"},
	{"net", "net_dev_xmit"},
	{"net", "net_dev_queue"},
	{"net", "netif_receive_skb"},
	{"signal", "signal_generate"},
};

static const char *bridge_system(const char *name)
{
	for (size_t i = 0; i < sizeof(bridges) / sizeof(bridges[0]); i++)
		if (!strcmp(bridges[i].name, name))
			return bridges[i].system;
	return NULL;
}

bool derive_kernel_trace(struct deriving *dv, const struct probe_point *pt, struct stmt *body,
			 struct expr *cond)
{
	struct elab *e = dv->e;
	const struct probe_comp *c = pt->comps.v;
	const char *glob, *sysglob = "*", *colon, *sources;
	mark_vec names = {0}, bare = {0}; /* "sched:sched_switch", "sched_switch" */
	int before = dv->found;

	if (pt->comps.n != 2 || !comp_is(c, "kernel") || c->arg || !comp_is(&c[1], "trace"))
		return false;
	if (!(glob = comp_string(e, &c[1]))) {
		diag_error(c[1].pos, "semantic error",
			   "trace needs a string: kernel.trace(\"NAME\")");
		return true;
	}
	if ((colon = strchr(glob, ':'))) {
		sysglob = arena_strndup(e->a, glob, (size_t)(colon - glob));
		glob = colon + 1;
	}
	const mark_vec *t = marker_table_kernel(e->s, &sources);

	for (int i = 0; i < t->n; i++) {
		const struct mark_entry *m = &t->v[i];
		const char *sys = strcmp(m->object, "markers") ? NULL : bridge_system(m->name);

		if (!sys)
			continue;
		VEC_PUSH(e->a, names,
			 ((struct mark_entry){arena_printf(e->a, "%s:%s", sys, m->name), "", ""}));
		VEC_PUSH(e->a, bare, ((struct mark_entry){m->name, "", ""}));
		if (fnmatch(sysglob, sys, 0) || fnmatch(glob, m->name, 0))
			continue;
		struct derived_probe *p = new_probe(
			dv, PK_KERNEL_MARK,
			arena_printf(e->a, "kernel.trace(%s)",
				     quoted(e->a, arena_printf(e->a, "%s:%s", sys, m->name))),
			body, cond);

		p->path = m->object;
		p->mark = m->name;
		p->format = m->format;
		if (!marker_args(p, c[1].arg->pos))
			return true;
	}
	if (dv->found > before || pt->optional)
		return true;
	if (!names.n) {
		diag_error(c[1].arg->pos, "semantic error",
			   "kernel.trace needs markers.ko's tracepoint bridges, and the kernel "
			   "marker table of %s has none (%s)",
			   e->s->kernel_release, sources ? sources : "no table found");
		return true;
	}
	const char *hint, *list = "";

	suggest(e->a, colon ? &names : &bare, comp_string(e, &c[1]), &hint);
	for (int i = 0; i < names.n; i++)
		list = arena_printf(e->a, "%s%s%s", list, i ? ", " : "", names.v[i].name);
	diag_error(c[1].arg->pos, "semantic error",
		   "no tracepoint bridge matches \"%s\"%s: stapmark reaches tracepoints through "
		   "markers.ko's bridges, which are: %s",
		   comp_string(e, &c[1]), hint, list);
	return true;
}
