/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_SOURCE_H
#define STAPMARK_SOURCE_H
/*
 * Script sources and the error messages that point into them:
 *   file:line:col: parse error: MESSAGE
 *       the source line
 *       ^
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "arena.h"

struct source {
	const char *name; /* file name, "<input>" for -e, "command line argument $N" */
	const char *text; /* NUL-terminated (an embedded NUL just ends a line early) */
	size_t len;
};

struct expansion;

struct srcpos {
	const struct source *src;
	int line, col; /* from 1; col counts bytes, tabs as one */
	/* Set on the tokens of a macro's body: where that body was expanded,
	 * so that a message inside it can say which use it came from. */
	const struct expansion *exp;
};

/* One macro expansion: the macro's name and the @NAME that expanded it. */
struct expansion {
	const char *macro;
	struct srcpos site;
};

struct source *source_from_string(struct arena *a, const char *name, const char *text, size_t len);
/* Returns NULL and prints "stapmark: cannot read NAME: REASON" on failure. */
struct source *source_from_file(struct arena *a, const char *path);

/* Count of errors reported so far (all sources); the driver exits 1 if any. */
extern int diag_errors;
/* Where messages go; NULL means stderr (the fuzzer silences them). */
extern FILE *diag_file;
/* Stop printing after this many errors (they are still counted). */
#define DIAG_MAX_SHOWN 20

/* "file:line:col: KIND: message" + source line + caret. */
void diag_error(struct srcpos pos, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "file:line:col: warning: message" + line + caret; nothing with -w
 * (diag_no_warnings).  Not counted as an error. */
extern bool diag_no_warnings;
extern int diag_warnings;
void diag_warning(struct srcpos pos, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A follow-up to the last error or warning ("first inferred here"). */
void diag_note(struct srcpos pos, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
