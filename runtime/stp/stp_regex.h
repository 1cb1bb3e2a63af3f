/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Regular expressions (s =~ "re"; named stp_regex.h so that <regex.h> stays
 * libc's): POSIX extended, as stap.  Pass 2 numbers
 * every pattern of the program and checks it; the program descriptor lists
 * them (stp_program.regexes), the host compiles them all before any probe
 * runs (stp_host_regex_compile: glibc's regcomp in user space, the
 * runtime's own engine, ere.c, in the kernel), so a match takes no lock and
 * allocates nothing.
 */
#ifndef STP_STP_REGEX_H
#define STP_STP_REGEX_H

#include "stp_host.h"

struct stp_context;

struct stp_regex {
	const char *re;
	void *compiled; /* the host's, once compiled */
};

/* *out = whether s matches r; an error (non-zero) when r was not compiled. */
int stp_regex_match(struct stp_context *c, const struct stp_regex *r, const char *s, int64_t *out);

#endif /* STP_STP_REGEX_H */
