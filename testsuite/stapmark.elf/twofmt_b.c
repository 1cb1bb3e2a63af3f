// SPDX-License-Identifier: GPL-2.0-or-later
/* Fixture: the second translation unit of twofmt (see twofmt_a.c). */
#include <stapmark/marker.h>

void twofmt_b(const char *s, int v);

void twofmt_b(const char *s, int v)
{
	trace_mark(elf_dup, "name %s", s);
	trace_mark(elf_same, "v %d", v);
}
