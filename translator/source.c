// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "source.h"

int diag_errors;
FILE *diag_file;

static FILE *diag_out(void)
{
	return diag_file ? diag_file : stderr;
}

struct source *source_from_string(struct arena *a, const char *name, const char *text, size_t len)
{
	struct source *s = arena_alloc(a, sizeof(*s));

	s->name = arena_strndup(a, name, strlen(name));
	s->text = arena_strndup(a, text, len);
	s->len = len;
	return s;
}

struct source *source_from_file(struct arena *a, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(diag_out(), "stapmark: cannot read %s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			/* Grow in the arena: the old buffer is simply abandoned. */
			size_t ncap = cap ? cap * 2 : 16384;
			char *nb = arena_alloc(a, ncap + 1);

			if (len)
				memcpy(nb, buf, len);
			buf = nb;
			cap = ncap;
		}
		size_t n = fread(buf + len, 1, cap - len, f);

		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(diag_out(), "stapmark: cannot read %s: %s\n", path, strerror(errno));
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[len] = 0;

	struct source *s = arena_alloc(a, sizeof(*s));

	s->name = arena_strndup(a, path, strlen(path));
	s->text = buf;
	s->len = len;
	return s;
}

/* Print line `line` of src and a caret under byte column col. */
static void show_line(const struct source *src, int line, int col)
{
	const char *p = src->text, *end = src->text + src->len;

	for (int l = 1; l < line && p < end; p++)
		if (*p == '\n')
			l++;
	const char *eol = p;

	while (eol < end && *eol && *eol != '\n')
		eol++;
	fprintf(diag_out(), "    %.*s\n    ", (int)(eol - p), p);
	/* Keep tabs so the caret lines up with what the terminal shows. */
	for (int i = 1; i < col && p + i - 1 < eol; i++)
		fputc(p[i - 1] == '\t' ? '\t' : ' ', diag_out());
	fputs("^\n", diag_out());
}

static void diag_vprint(struct srcpos pos, const char *kind, const char *fmt, va_list ap)
{
	if (pos.src)
		fprintf(diag_out(), "%s:%d:%d: %s: ", pos.src->name, pos.line, pos.col, kind);
	else
		fprintf(diag_out(), "stapmark: %s: ", kind);
	vfprintf(diag_out(), fmt, ap);
	fputc('\n', diag_out());
	if (pos.src)
		show_line(pos.src, pos.line, pos.col);
}

/* "in expansion of macro @NAME" for each macro the position lies in. */
static void diag_expansions(struct srcpos pos)
{
	for (const struct expansion *x = pos.exp; x; x = x->site.exp) {
		fprintf(diag_out(), "%s:%d:%d: note: in expansion of macro @%s\n",
			x->site.src->name, x->site.line, x->site.col, x->macro);
		show_line(x->site.src, x->site.line, x->site.col);
	}
}

bool diag_no_warnings;
int diag_warnings;
/* Whether the last message was shown, so that its notes follow it or not. */
static bool diag_last_shown;

void diag_warning(struct srcpos pos, const char *fmt, ...)
{
	va_list ap;

	diag_last_shown = false;
	if (diag_no_warnings || ++diag_warnings > DIAG_MAX_SHOWN)
		return;
	diag_last_shown = true;
	va_start(ap, fmt);
	diag_vprint(pos, "warning", fmt, ap);
	va_end(ap);
	diag_expansions(pos);
}

void diag_note(struct srcpos pos, const char *fmt, ...)
{
	va_list ap;

	if (!diag_last_shown)
		return;
	va_start(ap, fmt);
	diag_vprint(pos, "note", fmt, ap);
	va_end(ap);
}

void diag_error(struct srcpos pos, const char *kind, const char *fmt, ...)
{
	va_list ap;

	diag_last_shown = false;
	if (++diag_errors > DIAG_MAX_SHOWN)
		return;
	diag_last_shown = true;
	va_start(ap, fmt);
	diag_vprint(pos, kind, fmt, ap);
	va_end(ap);
	diag_expansions(pos);
}
