/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_SDT_TABLE_H
#define STAPMARK_SDT_TABLE_H
/*
 * sys/sdt.h probes of an ELF file: the .note.stapsdt notes that gcc and
 * clang emit for STAP_PROBE*() / DTRACE_PROBE*() (python3, libstdc++,
 * PostgreSQL...), read with libelf, no DWARF.  One entry per note (a
 * probe may have several sites); the attach side (libbpf) reads the notes
 * itself, so what is kept here is what pass 2 needs: names, arguments,
 * and the addresses for -p2 and messages.
 */
#include <stdint.h>

#include "arena.h"
#include "session.h"

#define SDT_MAX_ARGS 12

struct sdt_note {
	const char *provider, *name;
	const char *args; /* the spec as written: "-4@%eax 8@-16(%rbp)" */
	int nargs;
	/* Link-time addresses, adjusted as stap and libbpf do for a file
	 * prelinked after the notes were written (the note's base against
	 * the .stapsdt.base section). */
	uint64_t pc, semaphore;
	/* The first argument whose form the attach side (libbpf 1.1's x86-64
	 * parser) cannot decode, 1-based; 0 when all can. */
	int bad_arg;
	const char *bad_spec;
};

typedef VEC(struct sdt_note) sdt_vec;

/* The notes of the ELF file at path (cached for the session); NULL with
 * *err set when it cannot be read.  A file without notes: an empty table. */
const sdt_vec *sdt_table(struct session *s, const char *path, const char **err);

/* The shared libraries program `exe` needs (DT_NEEDED, found as the
 * dynamic loader would in its RUNPATH/RPATH and the system directories),
 * as real paths; those not found are left out.  NULL with *err when exe
 * cannot be read. */
const char *const *sdt_needed_libraries(struct session *s, const char *exe, int *n,
					const char **err);

/* Whether one argument spec ("8@-16(%rbp)") is a form the attach side
 * decodes: register, $constant, offset(register), (register). */
bool sdt_arg_supported(const char *spec);

#endif
