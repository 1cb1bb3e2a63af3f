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
	/* Kernel functions the kernel refuses to probe (NOKPROBE_SYMBOL,
	 * entry and noinstr text): why, as the kernel's blacklist names the
	 * range; NULL when probing is allowed or not known to be refused. */
	const char *nokprobe;
};

typedef VEC(struct func_sym) funcsym_vec;

/* Defined functions of an ELF file (.symtab, else .dynsym), cached per
 * path.  NULL with *err set when the file cannot be read. */
const funcsym_vec *symtab_process(struct session *s, const char *path, const char **err);

/*
 * Kernel text symbols of vmlinux, from the first of: the build tree's
 * System.map, /boot/System.map-REL (Debian's is a stub, skipped), the one
 * guest/kernel-symbols read off the guest (session_own_kernel_file), a
 * vmlinux (/usr/lib/debug/boot/vmlinux-REL of linux-image-REL-dbg, or the
 * build tree's), /proc/kallsyms when the session targets the running
 * kernel.  Each symbol's nokprobe is set from the kprobe blacklist read
 * with the same map, else from the map's own NOKPROBE_SYMBOL records and
 * text sections.  *from names the table read; NULL with *err when there
 * is none.
 */
const funcsym_vec *symtab_kernel(struct session *s, const char **from, const char **err);

#endif
