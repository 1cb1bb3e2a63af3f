/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_SDT_PROBES_H
#define STAPMARK_SDT_PROBES_H
/* sys/sdt.h probes of process("PATH")...mark("NAME") points (sdt_probes.c). */
#include "probes.h"

struct sdt_query {
	const char *exe; /* the program's real path */
	const char *prefix; /* process("EXE") */
	const char *library, *provider; /* globs, NULL when not given */
	const char *glob; /* of the probe name */
	const mark_vec *own; /* exe's stapmark markers (their notes are skipped) */
	struct srcpos pos;
};

/* Derive the probes q names; returns how many were made.  names, when not
 * NULL, receives every SDT probe name seen (for "did you mean"). */
int sdt_derive(struct deriving *dv, const struct sdt_query *q, mark_vec *names, struct stmt *body,
	       struct expr *cond);

#endif
