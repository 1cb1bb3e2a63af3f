/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The C of the kernel's own tapsets (the .stp files of tapset/linux/): tasks by
 * address, the current command line, kernel symbols, allocation flags and
 * signal names.  Only kernel modules have these (ktapset.c); pass 2 keeps a
 * user-space program from calling the tapset functions that use them.
 *
 * A task is an address (stap's task_current() value): every field is read
 * fault-safe, so a bad address is an error of the hit, never an oops.
 * Functions returning int give 0, or -1 when the address cannot be read.
 */
#ifndef STP_KTAPSET_H
#define STP_KTAPSET_H

#include "stp_host_types.h"

enum stp_ktask_field {
	STP_KTASK_PID, /* thread group id */
	STP_KTASK_TID,
	STP_KTASK_PARENT, /* the real parent's address */
	STP_KTASK_STATE,
	STP_KTASK_PRIO,
	STP_KTASK_UID, /* real uid in the initial namespace */
};

int64_t stp_ktask_current(void);
int stp_ktask_field(int64_t task, enum stp_ktask_field field, int64_t *out);
/* The task's command name, NUL-terminated within size bytes. */
int stp_ktask_execname(int64_t task, char *dst, size_t size);
/* The current process's arguments, separated by spaces ("" for a kernel
 * thread); -1 when its memory cannot be read without faulting. */
int stp_ktask_cmdline(char *dst, size_t size);
/* "name" (or "name+0x1c/0x80" with offset) for a kernel address;
 * the address in hex when no symbol covers it. */
void stp_ksymname(int64_t addr, int offset, char *dst, size_t size);
/* GFP flags as the kernel prints them: "GFP_KERNEL|__GFP_ZERO". */
void stp_kgfp_str(int64_t flags, char *dst, size_t size);
/* "SIGUSR1"; NULL for a number that is not a signal. */
const char *stp_ksignal_name(int64_t sig);

#endif
