/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_MARKER_TABLE_H
#define STAPMARK_MARKER_TABLE_H
/*
 * The markers a probe point can name: those of one ELF file for
 * process("PATH").mark, those of the kernel for kernel.mark.  One entry per
 * distinct (name, format, object): the many sites of a marker are one
 * entry, since a probe attaches to a name.
 */
#include "arena.h"
#include "session.h"

struct mark_entry {
	const char *name;
	const char *format;
	const char *object; /* ELF path, or kernel module name ("vmlinux") */
};

typedef VEC(struct mark_entry) mark_vec;

/*
 * The markers of the ELF file at path.  Returns NULL and sets *err to a
 * message when the file cannot be read; an ELF file without markers gives
 * an empty table.  Tables are cached per path for the session.
 */
const mark_vec *marker_table_process(struct session *s, const char *path, const char **err);

/*
 * The kernel's markers, from every source found (see marker_table.c): the
 * live /proc/markers when the session targets the running kernel, then the
 * build tree's Module.markers, vmlinux and .ko files, and the installed
 * out-of-tree modules of that release.  *sources says what was read (for
 * an error message when nothing was).
 */
const mark_vec *marker_table_kernel(struct session *s, const char **sources);

/* Up to max names of t nearest to name by edit distance (only reasonably
 * near ones), best first; returns how many. */
int marker_suggest(const mark_vec *t, const char *name, const char **out, int max);

/* Edit distance (Levenshtein) of two strings, capped at cap+1. */
int edit_distance(const char *a, const char *b, int cap);

/* The absolute path of the program PATH names, as stap resolves
 * process("PATH"): a path with '/' relative to the working directory,
 * otherwise searched in $PATH.  NULL when not found. */
const char *resolve_program_path(struct session *s, const char *path);

#endif
