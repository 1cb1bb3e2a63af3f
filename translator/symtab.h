/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_SYMTAB_H
#define STAPMARK_SYMTAB_H
/*
 * Function symbols for symbol-table-only function probes
 * (process("PATH").function("SYM"), kernel.function("SYM")): no DWARF, so
 * no parameters and no line numbers, just names and addresses.
 */
#include <stdint.h>

#include "arena.h"
#include "session.h"

struct func_sym {
	const char *name;
	uint64_t addr;
	/* ELF files: where the function's first byte is in the file (what a
	 * uprobe takes); 0 when no loadable segment holds it. */
	uint64_t offset;
};

typedef VEC(struct func_sym) funcsym_vec;

/* Defined functions of an ELF file (.symtab, else .dynsym), cached per
 * path.  NULL with *err set when the file cannot be read. */
const funcsym_vec *symtab_process(struct session *s, const char *path, const char **err);

/* Kernel text symbols: System.map of the build tree, else /proc/kallsyms
 * when the session targets the running kernel.  NULL with *err when
 * neither is there. */
const funcsym_vec *symtab_kernel(struct session *s, const char **err);
#endif
