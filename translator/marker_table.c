// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Marker tables for probe-point resolution.  User-space tables come from
 * the .note.stapmark notes of one ELF file.  The kernel table is gathered
 * from what describes the target kernel, in this order:
 *   1. /proc/markers, when the session targets the running kernel and
 *      markers.ko is loaded there (the live truth, bridges included);
 *   2. DIR/Module.markers (name<TAB>module<TAB>format per line, as modpost
 *      wrote it), DIR being the build tree of -r or /lib/modules/REL/build;
 *      and the Module.markers of the stapmark tree that runs, when it built
 *      markers.ko and the examples for REL (BUILD/kernel: the bridges);
 *   3. DIR/vmlinux and the .ko files under DIR, and the out-of-tree modules
 *      installed for REL (/lib/modules/REL/extra and updates), read from
 *      their marker notes.  The thousands of in-tree modules of a stock
 *      kernel are not scanned: they hold no markers of ours.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "marker_table.h"
#include "markers_elf.h"

struct table_cache {
	struct table_cache *next;
	const char *path;
	mark_vec table;
	const char *err;
};

static void add_entry(struct arena *a, mark_vec *t, const char *name, const char *format,
		      const char *object)
{
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name) && !strcmp(t->v[i].format, format) &&
		    !strcmp(t->v[i].object, object))
			return;
	VEC_PUSH(a, *t,
		 ((struct mark_entry){arena_strndup(a, name, strlen(name)),
				      arena_strndup(a, format, strlen(format)), object}));
}

/* Add the markers of one ELF file; returns -1 with *err set on failure. */
static int add_elf(struct arena *a, mark_vec *t, const char *path, const char *object,
		   const char **err)
{
	struct marker_record *recs;
	size_t n;
	char msg[512];

	if (markers_elf_read(path, &recs, &n, msg, sizeof(msg)) < 0) {
		if (err)
			*err = arena_strndup(a, msg, strlen(msg));
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		add_entry(a, t, recs[i].name, recs[i].format, object);
	markers_elf_free(recs);
	return 0;
}

const mark_vec *marker_table_process(struct session *s, const char *path, const char **err)
{
	struct table_cache *c;

	for (c = s->process_marks; c; c = c->next)
		if (!strcmp(c->path, path))
			break;
	if (!c) {
		c = arena_alloc(s->arena, sizeof(*c));
		c->path = arena_strndup(s->arena, path, strlen(path));
		if (add_elf(s->arena, &c->table, path, c->path, &c->err) < 0 && !c->err)
			c->err = "cannot read";
		c->next = s->process_marks;
		s->process_marks = c;
	}
	if (c->err) {
		*err = c->err;
		return NULL;
	}
	return &c->table;
}

/* "name<TAB>module<TAB>format": the format may itself hold tabs. */
static bool read_module_markers(struct arena *a, mark_vec *t, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (!f)
		return false;
	while ((len = getline(&line, &cap, f)) > 0) {
		line[strcspn(line, "\n")] = 0;
		char *tab1 = strchr(line, '\t');
		char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;

		if (!tab2)
			continue;
		*tab1 = *tab2 = 0;
		add_entry(a, t, line, tab2 + 1, arena_strndup(a, tab1 + 1, strlen(tab1 + 1)));
	}
	free(line);
	fclose(f);
	return true;
}

/*
 * /proc/markers of markers.ko: one marker per line, fields separated by
 * tabs: name, module, state, number of probes, format (last: it may hold
 * tabs itself).  A line with fewer fields is skipped.
 */
static bool read_proc_markers(struct arena *a, mark_vec *t)
{
	FILE *f = fopen("/proc/markers", "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return false;
	while (getline(&line, &cap, f) > 0) {
		char *fields[5], *p = line;
		int k;

		line[strcspn(line, "\n")] = 0;
		for (k = 0; k < 5 && p; k++) {
			fields[k] = p;
			p = k < 4 ? strchr(p, '\t') : NULL;
			if (p)
				*p++ = 0;
		}
		if (k == 5)
			add_entry(a, t, fields[0], fields[4],
				  arena_strndup(a, fields[1], strlen(fields[1])));
	}
	free(line);
	fclose(f);
	return true;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* The module name of a .ko path: its basename without .ko, '-' as '_'. */
static const char *module_name(struct arena *a, const char *path)
{
	const char *base = strrchr(path, '/');
	char *m;

	base = base ? base + 1 : path;
	m = arena_strndup(a, base, strlen(base) - 3);
	for (char *p = m; *p; p++)
		if (*p == '-')
			*p = '_';
	return m;
}

/* Add the markers of every .ko under dir (not following symlinks), at most
 * depth levels down; returns how many modules were read. */
static int scan_modules(struct arena *a, mark_vec *t, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		bool ko = has_suffix(de->d_name, ".ko");

		/* d_type spares a stat of every header of a headers tree (slow
		 * over a network file system); lstat only where it is unknown. */
		if (de->d_type != DT_UNKNOWN && de->d_type != DT_DIR &&
		    !(ko && de->d_type == DT_REG))
			continue;
		char *p = arena_printf(a, "%s/%s", dir, de->d_name);
		struct stat st;

		if (lstat(p, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth > 0)
			n += scan_modules(a, t, p, depth - 1);
		else if (S_ISREG(st.st_mode) && ko &&
			 add_elf(a, t, p, module_name(a, p), NULL) == 0)
			n++;
	}
	closedir(d);
	return n;
}

const mark_vec *marker_table_kernel(struct session *s, const char **sources)
{
	struct arena *a = s->arena;
	struct utsname u;

	struct table_cache *kernel_cache = s->kernel_marks;

	if (kernel_cache) {
		*sources = kernel_cache->err;
		return &kernel_cache->table;
	}
	s->kernel_marks = kernel_cache = arena_alloc(a, sizeof(*kernel_cache));
	mark_vec *t = &kernel_cache->table;
	const char *dir = s->kernel_build_dir;
	const char *read = "";
	int n;

	uname(&u);
	if (!strcmp(u.release, s->kernel_release) && read_proc_markers(a, t))
		read = arena_printf(a, "%s /proc/markers", read);
	const char *mm = arena_printf(a, "%s/Module.markers", dir);

	if (read_module_markers(a, t, mm))
		read = arena_printf(a, "%s %s", read, mm);
	const char *own = session_own_kernel_file(s, "Module.markers");

	if (own && strcmp(own, mm) && read_module_markers(a, t, own))
		read = arena_printf(a, "%s %s", read, own);
	const char *vmlinux = arena_printf(a, "%s/vmlinux", dir);

	if (access(vmlinux, R_OK) == 0 && add_elf(a, t, vmlinux, "vmlinux", NULL) == 0)
		read = arena_printf(a, "%s %s", read, vmlinux);
	/* Modules built in the tree (a full build, or one of M=): it has a
	 * modules.order.  A distribution's headers tree has none. */
	if (access(arena_printf(a, "%s/modules.order", dir), R_OK) == 0 &&
	    (n = scan_modules(a, t, dir, 3)))
		read = arena_printf(a, "%s %s (%d modules)", read, dir, n);
	const char *extra[] = {"extra", "updates"};

	for (int i = 0; i < 2; i++) {
		const char *d = arena_printf(a, "/lib/modules/%s/%s", s->kernel_release, extra[i]);

		if ((n = scan_modules(a, t, d, 3)))
			read = arena_printf(a, "%s %s (%d modules)", read, d, n);
	}
	kernel_cache->err = *read ? read + 1 : NULL;
	*sources = kernel_cache->err;
	return t;
}

int edit_distance(const char *a, const char *b, int cap)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[256];

	if (lb >= sizeof(row) / sizeof(row[0]) || la >= 256)
		return cap + 1;
	if ((int)(la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0], best;

		row[0] = (int)i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int v = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb] > cap ? cap + 1 : row[lb];
}

struct suggestion {
	const char *name;
	int dist;
};

static int cmp_suggestion(const void *x, const void *y)
{
	const struct suggestion *a = x, *b = y;

	return a->dist != b->dist ? a->dist - b->dist : strcmp(a->name, b->name);
}

int marker_suggest(const mark_vec *t, const char *name, const char **out, int max)
{
	/* "Near": within a third of the name's length, and at least 2 edits. */
	int cap = (int)strlen(name) / 3, n = 0, k = 0;
	struct suggestion *c;

	if (cap < 2)
		cap = 2;
	if (!t->n || !(c = malloc(sizeof(*c) * t->n)))
		return 0;
	for (int i = 0; i < t->n; i++) {
		int d = edit_distance(name, t->v[i].name, cap);

		if (d <= cap)
			c[n++] = (struct suggestion){t->v[i].name, d};
	}
	qsort(c, n, sizeof(*c), cmp_suggestion);
	for (int i = 0; i < n && k < max; i++)
		if (!k || strcmp(out[k - 1], c[i].name))
			out[k++] = c[i].name;
	free(c);
	return k;
}

const char *resolve_program_path(struct session *s, const char *path)
{
	char buf[PATH_MAX];

	if (strchr(path, '/'))
		return realpath(path, buf) ? arena_strndup(s->arena, buf, strlen(buf)) : NULL;
	const char *env = getenv("PATH");

	if (!env)
		env = "/usr/local/bin:/usr/bin:/bin";
	while (*env) {
		size_t len = strcspn(env, ":");
		char *cand = arena_printf(s->arena, "%.*s/%s", (int)len, env, path);

		if (len && access(cand, X_OK) == 0 && realpath(cand, buf))
			return arena_strndup(s->arena, buf, strlen(buf));
		env += len + (env[len] == ':');
	}
	return NULL;
}
