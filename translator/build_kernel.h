/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_BUILD_KERNEL_H
#define STAPMARK_BUILD_KERNEL_H
/*
 * Pass 4 of the kernel backend: the generated C and the kernel runtime
 * (runtime/stp, runtime/stp/kernel) built with kbuild into a module for
 * one kernel release, in the cache as the user-space modules are (build.h):
 * one directory per key holds module.c, NAME.ko and kbuild's log.
 */
#include "build.h"

/* The key, the module's name (-m NAME, else stap_ and the key's first 16
 * hex digits) and the cache entry of prog: b->so_file is NAME.ko.  0, or 1
 * after saying why (no kernel build tree, markers.ko not built). */
int build_kernel_prepare(struct session *s, const struct program *prog, struct build *b);
/* kbuild b->c_file (written by pass 3) into b->so_file.  0, or 1 after
 * showing kbuild's log. */
int build_kernel_compile(struct session *s, struct build *b);

/* markers.ko of the build tree stapmark runs from (BUILD/kernel/markers),
 * or NULL. */
const char *kernel_markers_ko(struct session *s);
/* The value of KEY in the .modinfo section of the module file path
 * ("name", "vermagic"), or NULL. */
const char *kernel_modinfo(struct arena *a, const char *path, const char *key);
#endif
