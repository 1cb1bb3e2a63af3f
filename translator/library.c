// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tapset library: every *.stp file of the tapset search path is parsed
 * (as stap does; ours are small), and a file becomes part of the program
 * only when the script uses something it defines: a function, a global or
 * a probe alias.  Its globals then become visible and its own probes run.
 * Functions are kept one by one, only those called (the rest is elided).
 *
 * Search path: the -I directories, then the tree's or the installed
 * tapset/ (session include_dirs), each with its linux/, ARCH/ and
 * linux/ARCH/ subdirectories.  The first definition of a name wins.
 * linux/ holds the kernel's tapsets (probe aliases on markers.ko's bridges,
 * task functions): parsed always, since their aliases are what makes
 * pass 2 choose the kernel backend, but refused in a user-space program
 * (backend_check).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "elab_internal.h"
#include "marker_table.h"
#include "parse.h"
#include "pass1.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void load_dir(struct elab *e, const char *dir, bool kernel_only)
{
	DIR *d = opendir(dir);
	VEC(char *) names = {0};
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 4 && !strcmp(de->d_name + len - 4, ".stp"))
			VEC_PUSH(e->a, names, arena_printf(e->a, "%s/%s", dir, de->d_name));
	}
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_str);
	for (int i = 0; i < names.n; i++) {
		struct source *src = source_from_file(e->a, names.v[i]);
		struct script *sc;

		if (!src) {
			diag_errors++;
			continue;
		}
		sc = parse_script(e->s, src, e->macros, true);
		if (!sc)
			continue;
		sc->kernel_only = kernel_only;
		for (int k = 0; k < sc->decls.n; k++)
			sc->decls.v[k]->file = sc;
		VEC_PUSH(e->a, e->units, ((struct unit){sc, false, false}));
		e->prog->nlibrary++;
	}
}

void library_load(struct elab *e)
{
	for (int i = 0; i < e->s->include_dirs.n; i++) {
		const char *sub[4];

		pass1_tapset_subdirs(e->s, e->s->include_dirs.v[i], sub);
		/* linux/ and linux/ARCH/: the kernel's tapsets (stap's layout). */
		for (int k = 0; k < 4; k++)
			load_dir(e, sub[k], k == 1 || k == 3);
	}
}

static struct symbol *new_global(struct elab *e, struct decl *d)
{
	struct symbol *g = arena_alloc(e->a, sizeof(*g));

	g->kind = SYM_GLOBAL;
	g->name = d->name;
	g->pos = d->pos;
	g->decl = d;
	/* An initializer makes a scalar; `[N]` or use makes an array. */
	g->arity = d->init ? 0 : -1;
	return g;
}

void library_include(struct elab *e, const struct script *file)
{
	for (int i = 0; i < e->units.n; i++) {
		struct unit *u = &e->units.v[i];

		if (u->script != file || u->included)
			continue;
		u->included = true;
		if (i)
			e->prog->nincluded++;
		for (int k = 0; k < file->decls.n; k++) {
			struct decl *d = file->decls.v[k];

			if (d->kind == DECL_GLOBAL)
				VEC_PUSH(e->a, e->globals, new_global(e, d));
			else if (d->kind == DECL_EMBED)
				VEC_PUSH(e->a, e->prog->embeds, d);
		}
		return;
	}
}

static bool visible(const struct decl *d, const struct script *from)
{
	return !d->private_ || d->file == from;
}

/* The function called name in sc that code of `from` can call; with
 * private_only, only a private one of that very file; with nargs >= 0,
 * only one of that many parameters (stap overloads functions by arity). */
static struct decl *find_function(const struct script *sc, const char *name,
				  const struct script *from, bool private_only, int nargs)
{
	for (int k = 0; k < sc->decls.n; k++) {
		struct decl *d = sc->decls.v[k];

		if (d->kind == DECL_FUNCTION && !strcmp(d->name, name) && visible(d, from) &&
		    (!private_only || d->private_) && (nargs < 0 || d->params.n == nargs))
			return d;
	}
	return NULL;
}

static struct decl *lookup_function(struct elab *e, const char *name, const struct script *from,
				    int nargs)
{
	/* A file's own private function comes before any other of that name. */
	struct decl *d = from ? find_function(from, name, from, true, nargs) : NULL;

	for (int i = 0; i < e->units.n && !d; i++)
		d = find_function(e->units.v[i].script, name, from, false, nargs);
	return d;
}

struct function *library_function(struct elab *e, const char *name, const struct script *from,
				  int nargs)
{
	/* The overload of that arity, else the first of the name (whose
	 * arity error then says what it takes). */
	struct decl *d = lookup_function(e, name, from, nargs);

	if (!d)
		d = lookup_function(e, name, from, -1);
	if (!d)
		return NULL;
	library_include(e, d->file);
	if (!d->fn) {
		struct function *f = arena_alloc(e->a, sizeof(*f));

		f->decl = d;
		f->name = d->name;
		f->ret = d->ret;
		f->ret_pos = d->pos;
		d->fn = f;
	}
	return d->fn;
}

struct symbol *library_global(struct elab *e, const char *name, const struct script *from)
{
	for (int i = 0; i < e->globals.n; i++) {
		struct symbol *g = e->globals.v[i];

		if (!strcmp(g->name, name) && visible(g->decl, from))
			return g;
	}
	/* Not visible yet: a tapset file that defines it joins the program. */
	for (int i = 1; i < e->units.n; i++) {
		const struct script *sc = e->units.v[i].script;

		if (e->units.v[i].included)
			continue;
		for (int k = 0; k < sc->decls.n; k++) {
			struct decl *d = sc->decls.v[k];

			if (d->kind == DECL_GLOBAL && !d->private_ && !strcmp(d->name, name)) {
				library_include(e, sc);
				return library_global(e, name, from);
			}
		}
	}
	return NULL;
}

int library_similar_functions(struct elab *e, const char *name, const char **out, int max)
{
	mark_vec names = {0};

	for (int i = 0; i < e->units.n; i++) {
		const struct script *sc = e->units.v[i].script;

		for (int k = 0; k < sc->decls.n; k++)
			if (sc->decls.v[k]->kind == DECL_FUNCTION && !sc->decls.v[k]->private_)
				VEC_PUSH(e->a, names,
					 ((struct mark_entry){sc->decls.v[k]->name, "", ""}));
	}
	return marker_suggest(&names, name, out, max);
}
