/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_RUN_H
#define STAPMARK_RUN_H
/*
 * Pass 5: run a script module (the .so of pass 4, or --run-module FILE):
 * load it, run its begin probes, start -c CMD with it preloaded or attach
 * it to -x PID (or, with neither, to every process of the process marks'
 * programs: run_systemwide.h), run its timers, stream its output to stdout or -o FILE
 * until exit(), a signal or the end of the target, then detach, run the
 * end probes and report errors and drops.
 */
#include "session.h"

/* As staprun: interrupts (SIGINT, SIGTERM) up to this many stop the run
 * with its end probes; one more exits at once without them. */
#define RUN_INTERRUPTS_TOLERATED 2

/* stapmark's exit status: 0, or 1 after a runtime error that stopped the
 * script, a target that could not be started or attached, or a setup
 * failure (reported on stderr in one line). */
int pass5_run(struct session *s, const char *module_path);
#endif
