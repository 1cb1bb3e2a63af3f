/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_BUILD_H
#define STAPMARK_BUILD_H
/*
 * Pass 4: build the generated C into a script module (a shared object)
 * with the compiler, in a cache keyed by everything that goes into it, so
 * that the same script run again skips passes 3 and 4.
 *
 * The cache is $STAPMARK_CACHE, else $XDG_CACHE_HOME/stapmark, else
 * $HOME/.cache/stapmark; one directory per key holds module.c, module.so
 * and the compiler's log.
 */
#include <stdbool.h>

#include "elab.h"

struct build {
	const char *key; /* hex digest of the inputs */
	const char *dir; /* the cache entry */
	const char *c_file, *so_file;
	bool cached; /* module.so was there already */
};

/* Find the runtime, compute the key and the cache entry of prog; fills b.
 * Returns 0, or 1 after reporting why not. */
int build_prepare(struct session *s, const struct program *prog, struct build *b);

/* Compile b->c_file (written by pass 3) into b->so_file.  0 or 1. */
int build_compile(struct session *s, struct build *b);
#endif
