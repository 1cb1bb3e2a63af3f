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
#include <stdint.h>

#include "elab.h"

struct build {
	const char *key; /* hex digest of the inputs */
	const char *dir; /* the cache entry */
	const char *c_file, *so_file; /* so_file: the module (module.so, NAME.ko) */
	const char *name; /* the kernel backend: the module's name */
	bool cached; /* the module was there already */
};

/* Find the runtime, compute the key and the cache entry of prog; fills b.
 * Returns 0, or 1 after reporting why not. */
int build_prepare(struct session *s, const struct program *prog, struct build *b);

/* Compile b->c_file (written by pass 3) into b->so_file.  0 or 1. */
int build_compile(struct session *s, struct build *b);

/*
 * What both backends' pass 4 share (build_kernel.c builds .ko files with
 * them): the digest of the cache key, the cache entry, running a tool.
 */
struct digest {
	uint64_t h[2];
};
void digest_init(struct digest *d);
void digest_add(struct digest *d, const void *data, size_t n);
void digest_str(struct digest *d, const char *s);
/* A file's identity (name, size, modification time), every file of a
 * directory's. */
void digest_file(struct digest *d, const char *path);
void digest_dir(struct digest *d, struct arena *a, const char *dir);
/* The inputs every module has: the program as pass 3 sees it, where it
 * came from, the tapsets, the options that change the code.  0 or 1. */
int build_digest_program(struct session *s, const struct program *prog, struct digest *d);
/* b->key and b->dir (the cache entry) from the digest. */
void build_set_key(struct session *s, const struct digest *d, struct build *b);
/* b->c_file and b->so_file (module_file) in the cache entry, cached when
 * the module is there; else in a fresh directory next to it, which
 * build_install moves into place.  0, or 1 after saying why. */
int build_entry(struct session *s, struct build *b, const char *module_file);
/* Move tmpdir into place as b->dir (or drop it when a concurrent run was
 * first); true when b->dir then holds file, which b->so_file then names
 * (and b->c_file its module.c). */
bool build_install(struct session *s, const char *tmpdir, struct build *b, const char *file);
const char *build_cache_dir(struct session *s);
int build_mkdirs(const char *path);
/* Run argv with its output into log; its exit status, or -1. */
int build_run(char *const argv[], const char *log);
/* The same for a build step: the command at -vvv, the log on stderr when
 * it fails.  0, or 1 when it failed. */
int build_tool(struct session *s, char *const argv[], const char *log);
#endif
