/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_RUN_KERNEL_H
#define STAPMARK_RUN_KERNEL_H
/*
 * Pass 5 of the kernel backend, our staprun: load a script's module (after
 * markers.ko, and after unloading the modules stale sessions left), start
 * it through /proc/stapmark/NAME/control (runtime/stp/kernel/
 * stp_kernel_abi.h), copy its output records to stdout (or -o FILE) and
 * its messages to stderr until exit(), a signal, the end of -c CMD or of
 * -x PID, or -T SECONDS; then stop it (end probes run), report errors and
 * drops as stap does, and unload it.  Needs root.
 */
#include "session.h"

/* 0, or 1 after runtime errors that stopped the script, a -c command that
 * could not be run, or a setup failure (said on stderr). */
int run_kernel(struct session *s, const char *ko_path);
#endif
