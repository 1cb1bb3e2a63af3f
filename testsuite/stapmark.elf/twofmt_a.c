// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture: two translation units use one marker name with two formats (a
 * mistake the dump warns about), and another name with one format twice
 * (which is fine and listed once).
 */
#include <stapmark/marker.h>

void twofmt_b(const char *s, int v);

int main(int argc, char **argv)
{
	trace_mark(elf_dup, "count %d", argc);
	trace_mark(elf_same, "v %d", argc);
	twofmt_b(argv[0], argc);
	return 0;
}
