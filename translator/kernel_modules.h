/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_KERNEL_MODULES_H
#define STAPMARK_KERNEL_MODULES_H
/*
 * Kernel modules by name, for module("NAME").function(...) and
 * kprobe.module("NAME"): where the .ko of the session's release is, so
 * that its symbol table can be read on this host.
 */
#include "arena.h"
#include "session.h"

typedef VEC(const char *) kmodname_vec;

/*
 * The .ko file of module name ("ext4", "marker_example"; '-' and '_' are
 * one, as the kernel has it; a path ending in .ko is taken as it is):
 * the release's modules.dep (/lib/modules/REL), then this stapmark's own
 * modules (its build tree's or installed ones), then the modules of a
 * build tree with a modules.order (-r DIR).  NULL when none is found.
 */
const char *kernel_module_path(struct session *s, const char *name);

/* Every module name kernel_module_path knows, sorted, each once (for
 * wildcards and "did you mean"). */
const kmodname_vec *kernel_module_names(struct session *s);

/* The kernel's name for a module file or name: basename without ".ko",
 * '-' as '_'. */
const char *kernel_module_name(struct arena *a, const char *path_or_name);

#endif
