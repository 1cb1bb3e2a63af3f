// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which backend runs a script (backend.h): the options say, else the
 * probes do at the end of pass 2; then every probe the backend cannot
 * serve is refused where the script names it.
 */
#include <string.h>

#include "backend.h"
#include "elab_internal.h"
#include "source.h"

void backend_from_options(struct session *s)
{
	if (s->runtime_opt)
		s->backend = strcmp(s->runtime_opt, "kernel") ? &backend_user : &backend_kernel;
	else if (s->remote)
		s->backend = &backend_kernel;
	else
		s->backend = NULL;
	/* Without an option pass 1 starts with user space's name; main.c
	 * runs passes 1 and 2 again when pass 2 chooses the kernel and a
	 * condition asked. */
	s->runtime = (s->backend ? s->backend : &backend_user)->runtime;
}

/* Probes only the kernel serves: kernel markers and functions, and
 * timer.profile, which fires on every CPU. */
static bool kernel_probe(const struct derived_probe *p)
{
	return p->kind == PK_KERNEL_MARK || p->kind == PK_KERNEL_FUNCTION ||
	       (p->kind == PK_TIMER && p->profile);
}

static bool process_probe(const struct derived_probe *p)
{
	return p->kind == PK_PROCESS_MARK || p->kind == PK_PROCESS_FUNCTION;
}

static bool same_pos(struct srcpos a, struct srcpos b)
{
	return a.src == b.src && a.line == b.line && a.col == b.col;
}

/* A refusal of a probe the user named through an alias says what the
 * alias stands on, and where it is defined. */
static const char *through_alias(struct session *s, const struct derived_probe *p, const char *why)
{
	const struct decl *a = p->alias;

	if (!a)
		return why;
	return arena_printf(s->arena, "probe alias '%s' (%s:%d) stands on %s%s: %s",
			    point_text(s->arena, a->alias), a->pos.src ? a->pos.src->name : "?",
			    a->pos.line, probe_short_name(s->arena, p),
			    a->file && a->file->kernel_only ? ", a kernel tapset's" : "", why);
}

/* The user-space backend runs nothing of the kernel's tapsets (linux/):
 * their functions call kernel-only runtime code. */
static void refuse_kernel_tapsets(const struct program *prog)
{
	for (int i = 0; i < prog->functions.n; i++) {
		const struct decl *d = prog->functions.v[i]->decl;

		if (d->file && d->file->kernel_only)
			diag_error(d->pos, "semantic error",
				   "function '%s' is of a kernel tapset (%s): the user-space "
				   "backend cannot run it; it needs the kernel backend "
				   "(--runtime=kernel)",
				   d->name, d->pos.src ? d->pos.src->name : "?");
	}
}

bool backend_check(struct session *s, const struct program *prog)
{
	/* Pass 2 calls it, and main.c when pass 2 did not: once a program. */
	static const struct program *checked;
	static bool checked_ok;
	const struct derived_probe *first_kernel = NULL;
	bool chosen = !s->backend;
	int errors = diag_errors;
	struct srcpos last = {0};
	const char *last_why = "";

	if (prog == checked)
		return checked_ok;
	for (int i = 0; i < prog->probes.n && !first_kernel; i++)
		if (kernel_probe(prog->probes.v[i]))
			first_kernel = prog->probes.v[i];
	if (chosen)
		s->backend = first_kernel ? &backend_kernel : &backend_user;
	for (int i = 0; i < prog->probes.n; i++) {
		const struct derived_probe *p = prog->probes.v[i];
		const char *why;

		if (chosen && first_kernel && process_probe(p))
			why = arena_printf(
				s->arena,
				"a script cannot mix process and kernel probes: process "
				"probes need the user-space backend (--runtime=dyninst), "
				"%s (%s:%d:%d) the kernel one",
				first_kernel->written ? first_kernel->written : first_kernel->pp,
				first_kernel->pos.src ? first_kernel->pos.src->name : "?",
				first_kernel->pos.line, first_kernel->pos.col);
		else
			why = s->backend->refuses(s, p);
		if (why)
			why = through_alias(s, p, why);
		/* A glob derives many probes from one point: say it once. */
		if (!why || (same_pos(p->pos, last) && !strcmp(why, last_why)))
			continue;
		diag_error(p->pos, "semantic error", "%s", why);
		last = p->pos;
		last_why = why;
	}
	if (s->backend == &backend_user)
		refuse_kernel_tapsets(prog);
	checked = prog;
	checked_ok = diag_errors == errors;
	return checked_ok;
}

const struct backend *backend_for_module(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && !strcmp(path + n - 3, ".ko") ? &backend_kernel : &backend_user;
}
