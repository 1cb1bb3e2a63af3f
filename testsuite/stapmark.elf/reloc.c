// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture: a relocatable object.  Its notes hold unrelocated,
 * section-relative addresses, which the reader must take as they are.
 */
#include <stapmark/marker.h>

void elf_reloc_event(long id, unsigned int flags);
void elf_reloc_odd(long id);

void elf_reloc_event(long id, unsigned int flags)
{
	trace_mark(elf_reloc_event, "id %ld flags %#x", id, flags);
}

void elf_reloc_odd(long id)
{
	trace_mark(elf_reloc_odd, "id %ld", id);
}
