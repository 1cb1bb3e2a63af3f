// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel modules by name (kernel_modules.h).  The list is made once per
 * session: the release's modules.dep, this stapmark's own modules, and a
 * build tree's.  The first place that has a name wins, so a module of the
 * release is the one the guest would load with modprobe.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel_modules.h"

struct kmodule {
	const char *name, *path;
};

struct kmodule_list {
	VEC(struct kmodule) v;
	kmodname_vec names;
};

const char *kernel_module_name(struct arena *a, const char *path_or_name)
{
	const char *base = strrchr(path_or_name, '/');
	size_t len;
	char *name;

	base = base ? base + 1 : path_or_name;
	len = strlen(base);
	const char *ko = strstr(base, ".ko");

	if (ko && (ko[3] == 0 || ko[3] == '.'))
		len = (size_t)(ko - base);
	name = arena_strndup(a, base, len);
	for (char *c = name; *c; c++)
		if (*c == '-')
			*c = '_';
	return name;
}

static void add(struct session *s, struct kmodule_list *l, const char *path)
{
	const char *name = kernel_module_name(s->arena, path);

	for (int i = 0; i < l->v.n; i++)
		if (!strcmp(l->v.v[i].name, name))
			return;
	VEC_PUSH(s->arena, l->v, ((struct kmodule){name, path}));
}

static void read_modules_dep(struct session *s, struct kmodule_list *l)
{
	const char *dir = arena_printf(s->arena, "/lib/modules/%s", s->kernel_release);
	FILE *f = fopen(arena_printf(s->arena, "%s/modules.dep", dir), "r");
	char line[4096];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon || colon == line)
			continue;
		*colon = 0;
		add(s, l,
		    line[0] == '/' ? arena_strndup(s->arena, line, strlen(line))
				   : arena_printf(s->arena, "%s/%s", dir, line));
	}
	fclose(f);
}

/* *.ko files under dir, depth levels down. */
static void scan(struct session *s, struct kmodule_list *l, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *p;
		size_t len = strlen(de->d_name);
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		p = arena_printf(s->arena, "%s/%s", dir, de->d_name);
		if (stat(p, &st))
			continue;
		if (S_ISDIR(st.st_mode) && depth > 0)
			scan(s, l, p, depth - 1);
		else if (S_ISREG(st.st_mode) && len > 3 && !strcmp(de->d_name + len - 3, ".ko"))
			add(s, l, p);
	}
	closedir(d);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static struct kmodule_list *modules(struct session *s)
{
	struct kmodule_list *l = s->kernel_modules;
	const char *exe = session_exe_dir(s);

	if (l)
		return l;
	s->kernel_modules = l = arena_alloc(s->arena, sizeof(*l));
	read_modules_dep(s, l);
	/* The build tree's own modules when it built them for this release
	 * (markers.ko, the examples, the tests' modules); else installed. */
	if (exe && session_own_kernel_file(s, "Module.markers")) {
		const char *own[] = {"kernel", "examples/kernel", "testsuite"};

		for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
			scan(s, l, arena_printf(s->arena, "%s/../%s", exe, own[i]), 3);
		scan(s, l,
		     arena_printf(s->arena, "%s/../lib/stapmark/kernel/%s", exe, s->kernel_release),
		     0);
	}
	if (access(arena_printf(s->arena, "%s/modules.order", s->kernel_build_dir), R_OK) == 0)
		scan(s, l, s->kernel_build_dir, 3);
	for (int i = 0; i < l->v.n; i++)
		VEC_PUSH(s->arena, l->names, l->v.v[i].name);
	if (l->names.n)
		qsort(l->names.v, (size_t)l->names.n, sizeof(l->names.v[0]), cmp_name);
	return l;
}

const char *kernel_module_path(struct session *s, const char *name)
{
	struct kmodule_list *l;
	const char *want;
	size_t len = strlen(name);

	if (len > 3 && !strcmp(name + len - 3, ".ko"))
		return access(name, R_OK) == 0 ? name : NULL;
	l = modules(s);
	want = kernel_module_name(s->arena, name);
	for (int i = 0; i < l->v.n; i++)
		if (!strcmp(l->v.v[i].name, want))
			return l->v.v[i].path;
	return NULL;
}

const kmodname_vec *kernel_module_names(struct session *s)
{
	return &modules(s)->names;
}
