// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sys/sdt.h probes as stap spells them (pass 2):
 *   process("PATH").mark("GLOB")
 *   process("PATH").provider("GLOB").mark("GLOB")
 *   process("PATH").library("GLOB").mark("GLOB")
 *   process("PATH").library("GLOB").provider("GLOB").mark("GLOB")
 * (process.mark with -c or -x names the target's program).  Each
 * (file, provider, name) is one derived probe, a PK_PROCESS_MARK with
 * sdt set: the notes of all its sites are attached together.  Its
 * arguments are $arg1..$argN, longs, as many as the note's spec has.
 *
 * A stapmark marker site carries an SDT note too (provider "marker", the
 * marker's name; include/stapmark/marker.h): where the file's marker table
 * has that marker, the note is the same site and makes no second probe.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "probes.h"
#include "sdt_probes.h"
#include "sdt_table.h"

#define OWN_PROVIDER "marker"

static bool own_marker(const mark_vec *own, const struct sdt_note *n)
{
	if (strcmp(n->provider, OWN_PROVIDER))
		return false;
	for (int i = 0; own && i < own->n; i++)
		if (!strcmp(own->v[i].name, n->name))
			return true;
	return false;
}

static struct derived_probe *find(struct elab *e, int first, const char *file, const char *prov,
				  const char *name)
{
	for (int k = first; k < e->prog->probes.n; k++) {
		struct derived_probe *p = e->prog->probes.v[k];

		if (p->sdt && !strcmp(p->sdt_file, file) && !strcmp(p->provider, prov) &&
		    !strcmp(p->mark, name))
			return p;
	}
	return NULL;
}

static int derive_file(struct deriving *dv, const struct sdt_query *q, const char *file,
		       const char *prefix, mark_vec *names, struct stmt *body, struct expr *cond)
{
	struct elab *e = dv->e;
	const char *err;
	const sdt_vec *t = sdt_table(e->s, file, &err);
	const mark_vec *own = NULL;
	int made = 0, first = e->prog->probes.n;

	if (!t) {
		diag_error(q->pos, "semantic error", "cannot read the sys/sdt.h notes: %s", err);
		dv->failed = true;
		return 0;
	}
	if (!q->library)
		own = q->own;
	else
		own = marker_table_process(e->s, file, &err);
	for (int i = 0; i < t->n; i++) {
		const struct sdt_note *n = &t->v[i];

		if (own_marker(own, n))
			continue;
		if (names)
			VEC_PUSH(e->a, *names, ((struct mark_entry){n->name, "", file}));
		if (fnmatch(q->glob, n->name, 0) ||
		    (q->provider && fnmatch(q->provider, n->provider, 0)))
			continue;
		if (n->bad_arg) {
			diag_error(q->pos, "semantic error",
				   "sys/sdt.h probe %s:%s in %s: argument %d has the form '%s', "
				   "which stapmark cannot decode (supported on x86-64: %%reg, "
				   "$constant, offset(%%reg), (%%reg); not base+index*scale "
				   "or symbol(%%rip))",
				   n->provider, n->name, file, n->bad_arg, n->bad_spec);
			dv->failed = true;
			return made;
		}
		struct derived_probe *p = find(e, first, file, n->provider, n->name);

		if (p) { /* another site of the same probe */
			if (n->nargs > p->nargs)
				p->nargs = n->nargs;
			continue;
		}
		const char *pp = prefix;

		if (q->library)
			pp = arena_printf(e->a, "%s.library(%s)", pp, quoted(e->a, file));
		if (q->provider)
			pp = arena_printf(e->a, "%s.provider(%s)", pp, quoted(e->a, n->provider));
		pp = arena_printf(e->a, "%s.mark(%s)", pp, quoted(e->a, n->name));
		p = new_probe(dv, PK_PROCESS_MARK, pp, body, cond);
		p->sdt = true;
		p->path = file;
		p->sdt_file = file;
		p->provider = n->provider;
		p->mark = n->name;
		p->format = "";
		p->nargs = n->nargs;
		made++;
	}
	/* Arguments: longs named argN ($$parms prints "arg1=0x..."). */
	for (int k = first; k < e->prog->probes.n; k++) {
		struct derived_probe *p = e->prog->probes.v[k];

		for (int i = 0; p->sdt && i < p->nargs; i++) {
			struct marker_arg *a = &p->args[i];

			memset(a, 0, sizeof(*a));
			a->index = i + 1;
			a->script_type = MARKER_STYPE_LONG;
			a->va_type = MARKER_VA_LONG;
			a->size = 8;
			a->is_signed = 1;
			a->conversion = 'd';
			snprintf(a->name, sizeof(a->name), "arg%d", i + 1);
		}
	}
	return made;
}

int sdt_derive(struct deriving *dv, const struct sdt_query *q, mark_vec *names, struct stmt *body,
	       struct expr *cond)
{
	struct elab *e = dv->e;
	int made = 0;

	if (!q->library)
		return derive_file(dv, q, q->exe, q->prefix, names, body, cond);
	if (strchr(q->library, '/')) { /* a path: as process("PATH") resolves one */
		const char *lib = resolve_program_path(e->s, q->library);

		if (!lib) {
			diag_error(q->pos, "semantic error", "cannot find library '%s'",
				   q->library);
			dv->failed = true;
			return 0;
		}
		return derive_file(dv, q, lib, q->prefix, names, body, cond);
	}
	const char *err;
	int n;
	const char *const *libs = sdt_needed_libraries(e->s, q->exe, &n, &err);

	if (!libs && err) {
		diag_error(q->pos, "semantic error", "%s", err);
		dv->failed = true;
		return 0;
	}
	for (int i = 0; i < n && !dv->failed; i++) {
		const char *base = strrchr(libs[i], '/') + 1;

		/* The glob may name the soname the program asks for
		 * ("libstdc++.so.6") or the file it resolves to. */
		bool match = !fnmatch(q->library, base, 0);
		char soname[256];

		snprintf(soname, sizeof(soname), "%s", base);
		for (char *dot = strrchr(soname, '.'); !match && dot && dot > strstr(soname, ".so");
		     dot = strrchr(soname, '.')) {
			*dot = 0;
			match = !fnmatch(q->library, soname, 0);
		}
		if (match)
			made += derive_file(dv, q, libs[i], q->prefix, names, body, cond);
	}
	return made;
}
