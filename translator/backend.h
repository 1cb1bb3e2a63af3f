/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_BACKEND_H
#define STAPMARK_BACKEND_H
/*
 * Where a script runs: the one seam between the passes and the two hosts.
 * Pass 3 emits the same host-neutral C for both (globals, functions,
 * handlers, and the program descriptor of runtime/stp/program.h); what a
 * backend decides is
 *
 *   - which probes it serves (checked at the end of pass 2, so that a probe
 *     it cannot run is refused there, at the probe, with the reason),
 *   - the preprocessor's `runtime` (stap's names: "kernel"; "dyninst", the
 *     name stap gives its user-space runtime, for ours),
 *   - how pass 4 builds (a shared object with the compiler / a kbuild
 *     module against a kernel build tree) and what goes into the cache key,
 *   - how pass 5 runs the result (dlopen + attach to targets / load the
 *     module, start it through /proc/stapmark/NAME, read its output).
 *
 *   backend_user.c    libmarkers, the shared segment, -c/-x targets
 *   backend_kernel.c  markers.ko, a .ko per script, --remote=guest
 */
#include <stdbool.h>

#include "build.h"
#include "elab.h"

struct backend {
	const char *name; /* "user", "kernel" (as -v and messages say) */
	const char *runtime; /* %( runtime == "..." %): "dyninst", "kernel" */
	bool kernel; /* runs kernel probes (what the kernel tapsets stand on) */

	/* NULL when the backend serves probe p; else why not, one line. */
	const char *(*refuses)(struct session *s, const struct derived_probe *p);
	/* Pass 4: the cache entry of prog (b->dir, the C file, the module
	 * file; cached when it exists), then the build.  0, or 1 after saying
	 * why. */
	int (*prepare)(struct session *s, const struct program *prog, struct build *b);
	int (*build)(struct session *s, struct build *b);
	/* Pass 5 on a module built by pass 4 or given to --run-module. */
	int (*run)(struct session *s, const char *module_path);
};

extern const struct backend backend_user, backend_kernel;

/*
 * The backend of a session before pass 1: --runtime=NAME, --remote=guest
 * (the kernel), else none yet (s->backend NULL: pass 2 chooses).
 */
void backend_from_options(struct session *s);

/*
 * End of pass 2: choose the backend from the probes when no option did
 * (any kernel probe: the kernel backend; else user space), and refuse, at
 * each probe, what it cannot serve (a script mixing kernel and process
 * probes, a kernel probe under --runtime=dyninst, ...).  Returns false
 * after reporting errors.
 */
bool backend_check(struct session *s, const struct program *prog);

/* The backend of a module file given to --run-module (.ko: the kernel). */
const struct backend *backend_for_module(const char *path);

#endif
