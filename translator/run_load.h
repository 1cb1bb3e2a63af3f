/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_RUN_LOAD_H
#define STAPMARK_RUN_LOAD_H
/*
 * A script module loaded into stapmark for one session, from a private
 * copy of its file: a target refuses to load one file twice, and two
 * sessions of one script must be able to attach to the same process.
 */
#include <limits.h>

#include "stp_script.h"

struct script_module {
	char path[PATH_MAX]; /* the private copy; "" when there is none */
	void *handle;
	const struct stp_script *sc;
};

/* Copy src to a private file and dlopen it.  0, or -1 with a one-line
 * explanation in err (everything undone). */
int script_module_load(struct script_module *m, const char *src, char *err, size_t errlen);

/* The message into err (errlen bytes), then -1: a setup step's failure. */
int run_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* dlclose (after the script's session_exit) and remove the copy. */
void script_module_unload(struct script_module *m);
#endif
