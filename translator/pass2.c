// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pass 2 driver: tapsets, probes, names, types, checks (elab_internal.h
 * says which file does what), and the -p2 printout.
 */
#include <string.h>

#include "elab_internal.h"
#include "parse.h"
#include "print.h"
#include <stdlib.h>

static struct elab *elab_new(struct session *s, struct script *user, const macro_vec *macros)
{
	struct elab *e = arena_alloc(s->arena, sizeof(*e));

	e->s = s;
	e->a = s->arena;
	e->macros = macros;
	e->prog = arena_alloc(s->arena, sizeof(*e->prog));
	e->prog->s = s;
	for (int k = 0; k < user->decls.n; k++)
		user->decls.v[k]->file = user;
	VEC_PUSH(e->a, e->units, ((struct unit){user, false, false}));
	library_load(e);
	library_include(e, user);
	return e;
}

/* Used functions in a stable order: by file, then as declared. */
static void collect_functions(struct elab *e)
{
	for (int u = 0; u < e->units.n; u++) {
		const struct script *sc = e->units.v[u].script;

		for (int k = 0; k < sc->decls.n; k++) {
			struct decl *d = sc->decls.v[k];

			if (d->kind == DECL_FUNCTION && d->fn && d->fn->used) {
				d->fn->id = e->prog->functions.n;
				VEC_PUSH(e->a, e->prog->functions, d->fn);
			}
		}
	}
}

struct program *pass2(struct session *s, struct script *user, const macro_vec *macros)
{
	int errors = diag_errors;

	diag_no_warnings = s->suppress_warnings;
	struct elab *e = elab_new(s, user, macros);

	if (diag_errors != errors)
		return NULL;
	resolve_program(e);
	collect_functions(e);
	if (diag_errors == errors)
		check_alias_variables(e);
	if (diag_errors != errors)
		return NULL;
	infer_types(e);
	if (diag_errors != errors)
		return NULL;
	check_program(e);
	if (!e->prog->probes.n)
		diag_error((struct srcpos){0}, "semantic error", "no probes found");
	if (diag_errors != errors)
		return NULL;
	analyse_usage(e->prog);
	return diag_errors == errors ? e->prog : NULL;
}

static void print_symbol(FILE *f, const struct symbol *s, const char *indent)
{
	fprintf(f, "%s%s:%s", indent, s->name, type_name[s->type]);
	if (s->arity > 0) {
		fputs(" [", f);
		for (int k = 0; k < s->arity && k < ELAB_MAX_KEYS; k++)
			fprintf(f, "%s%s", k ? ", " : "", type_name[s->keys[k]]);
		fputc(']', f);
	}
	fputc('\n', f);
}

static void print_locals(FILE *f, const symbol_vec *v)
{
	if (!v->n)
		return;
	fputs("  # locals\n", f);
	for (int i = 0; i < v->n; i++)
		print_symbol(f, v->v[i], "  ");
}

void print_program(FILE *f, const struct program *p, bool bodies)
{
	if (p->globals.n)
		fputs("# globals\n", f);
	for (int i = 0; i < p->globals.n; i++)
		print_symbol(f, p->globals.v[i], "");
	if (p->functions.n)
		fputs("# functions\n", f);
	for (int i = 0; i < p->functions.n; i++) {
		const struct function *fn = p->functions.v[i];

		fprintf(f, "%s:%s (", fn->name, type_name[fn->ret]);
		for (int k = 0; k < fn->params.n; k++)
			fprintf(f, "%s%s:%s", k ? ", " : "", fn->params.v[k]->name,
				type_name[fn->params.v[k]->type]);
		fputs(")\n", f);
		print_locals(f, &fn->locals);
		if (bodies && fn->decl->code)
			fprintf(f, "%%{%s%%}\n", fn->decl->code);
		else if (bodies && fn->decl->body)
			print_stmt(f, fn->decl->body, 0), fputc('\n', f);
	}
	fputs("# probes\n", f);
	for (int i = 0; i < p->probes.n; i++) {
		const struct derived_probe *pr = p->probes.v[i];

		fprintf(f, "%s /* <- %s */\n", pr->pp, pr->written);
		if (pr->sdt) {
			fprintf(f, "  # sys/sdt.h probe %s:%s in %s, %d argument%s\n", pr->provider,
				pr->mark, pr->path, pr->nargs, pr->nargs == 1 ? "" : "s");
		} else if (pr->kind == PK_PROCESS_MARK || pr->kind == PK_KERNEL_MARK) {
			fprintf(f, "  # marker \"%s\" in %s, format \"%s\"\n", pr->mark, pr->path,
				pr->format);
		}
		print_locals(f, &pr->locals);
		if (bodies) {
			if (pr->cond) {
				fputs("if (", f);
				print_expr(f, pr->cond);
				fputs(") ", f);
			}
			print_stmt(f, pr->body, 0);
			fputc('\n', f);
		}
	}
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "$myint:long $mystring:string" for -L. */
static const char *probe_vars(struct arena *a, const struct derived_probe *p)
{
	const char *s = "";

	for (int i = 0; i < p->nargs; i++) {
		const char *name = p->args[i].name;

		/* $name and $format are the marker's own: such fields read as $argN. */
		if (!strcmp(name, "name") || !strcmp(name, "format"))
			name = arena_printf(a, "arg%d", i + 1);
		s = arena_printf(a, "%s $%s:%s", s, name,
				 p->args[i].script_type == MARKER_STYPE_STRING ? "string" : "long");
	}
	if (p->is_return)
		s = arena_printf(a, "%s $return:long", s);
	return s;
}

/*
 * -L on an alias: its name and the variables it sets, typed, as stap lists
 * them ("scheduler.ctxswitch name:string next_pid:long ...").  The alias is
 * elaborated as a probe of its own, unoptimized so that its assignments
 * stay although nothing reads them.
 */
static const char *alias_vars(struct session *s, const macro_vec *macros, const char *alias)
{
	const char *text = arena_printf(s->arena, "probe %s {}", alias);
	struct source *src =
		source_from_string(s->arena, "command line argument -L", text, strlen(text));
	struct script *sc = parse_script(s, src, macros, false);
	bool unoptimized = s->unoptimized;
	VEC(const char *) vars = {0};
	const char *line = alias;

	if (!sc)
		return line;
	s->unoptimized = true;
	struct program *prog = pass2(s, sc, macros);

	s->unoptimized = unoptimized;
	if (!prog || !prog->probes.n)
		return line;
	const struct derived_probe *p = prog->probes.v[0];

	for (int i = 0; i < p->locals.n; i++)
		VEC_PUSH(s->arena, vars,
			 arena_printf(s->arena, "%s:%s", p->locals.v[i]->name,
				      type_name[p->locals.v[i]->type]));
	if (vars.n)
		qsort(vars.v, vars.n, sizeof(*vars.v), cmp_line);
	for (int i = 0; i < vars.n; i++)
		line = arena_printf(s->arena, "%s %s", line, vars.v[i]);
	return line;
}

int list_probes(struct session *s, const macro_vec *macros)
{
	const char *text = arena_printf(s->arena, "probe %s {}", s->list_probe);
	struct source *src =
		source_from_string(s->arena, "command line argument -L/-l", text, strlen(text));
	struct script *sc = parse_script(s, src, macros, false);
	VEC(const char *) lines = {0};

	if (!sc)
		return 1;
	diag_no_warnings = s->suppress_warnings;
	struct elab *e = elab_new(s, arena_alloc(s->arena, sizeof(struct script)), macros);
	const struct decl *d = sc->decls.v[0];

	/* Aliases list as their own names (as stap -l does); the rest as the
	 * probes they derive. */
	for (int i = 0; i < d->points.n; i++) {
		bool alias = false;

		for (int u = 0; u < e->units.n; u++)
			for (int k = 0; k < e->units.v[u].script->decls.n; k++) {
				const struct decl *a = e->units.v[u].script->decls.v[k];

				if (a->kind == DECL_ALIAS &&
				    alias_matches(d->points.v[i], a->alias)) {
					const char *name = point_text(s->arena, a->alias);

					VEC_PUSH(s->arena, lines,
						 s->list_with_vars ? alias_vars(s, macros, name)
								   : name);
					alias = true;
				}
			}
		if (alias)
			continue;
		struct script one = {.src = src};
		struct decl probe = *d;

		probe.points.n = 1;
		probe.points.v = &d->points.v[i];
		probe.file = &one;
		VEC_PUSH(s->arena, one.decls, &probe);
		VEC_PUSH(s->arena, e->units, ((struct unit){&one, true, false}));
		int first = e->prog->probes.n;

		derive_probes(e);
		e->units.n--;
		for (int k = first; k < e->prog->probes.n; k++) {
			const struct derived_probe *p = e->prog->probes.v[k];

			VEC_PUSH(s->arena, lines,
				 s->list_with_vars ? arena_printf(s->arena, "%s%s", p->pp,
								  probe_vars(s->arena, p))
						   : p->pp);
		}
	}
	if (diag_errors)
		return 1;
	if (lines.n)
		qsort(lines.v, lines.n, sizeof(*lines.v), cmp_line);
	for (int i = 0; i < lines.n; i++)
		if (!i || strcmp(lines.v[i], lines.v[i - 1]))
			puts(lines.v[i]);
	return 0;
}
