// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture: the second part of a kernel-module-shaped object (ET_REL with a
 * .modinfo section), linked with reloc.o by `ld -r` as kernel modules are.
 * It is built as user-space C: the reader cares about the ELF, not the host.
 */
#include <stapmark/marker.h>

static const char elf_modinfo[] __attribute__((section(".modinfo"), used)) = "license=GPL";

int elf_module_init(int arg);

int elf_module_init(int arg)
{
	trace_mark(elf_module_init, "arg %d", arg);
	return 0;
}
