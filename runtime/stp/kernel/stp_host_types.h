/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel host: the types the handler runtime takes from its host (the
 * user-space host has a header of the same name with <stdint.h> types).
 * Kbuild.script puts this directory first on the include path, so every
 * runtime/stp source of a script module sees these.
 */
#ifndef STP_HOST_TYPES_H
#define STP_HOST_TYPES_H

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/stdarg.h>
#include <linux/limits.h>

/* One word, as the user host's: the writer bit or the count of readers.
 * The runtime only ever tries it (stap's trylock-and-skip), see khost.c. */
typedef struct {
	u32 word;
} stp_host_rwlock_t;

#define STP_HOST_EFAULT 14

/* Handlers run with interrupts on (INTERRUPTIBLE, the default, as stap):
 * an interrupt's hit that finds this CPU's context busy is dropped, not
 * counted as skipped (stap counts it only with -DINTERRUPTIBLE=0). */
#if !defined(STP_COUNT_REENTRANT) && (!defined(INTERRUPTIBLE) || INTERRUPTIBLE)
#define STP_COUNT_REENTRANT 0
#endif

/* <stdint.h> limits the runtime uses and the kernel names otherwise. */
#ifndef INT8_MIN
#define INT8_MIN S8_MIN
#define INT8_MAX S8_MAX
#define UINT8_MAX U8_MAX
#define INT16_MIN S16_MIN
#define INT16_MAX S16_MAX
#define UINT16_MAX U16_MAX
#define INT32_MIN S32_MIN
#define INT32_MAX S32_MAX
#define UINT32_MAX U32_MAX
#define INT64_MIN S64_MIN
#define INT64_MAX S64_MAX
#define UINT64_MAX U64_MAX
#endif
#ifndef INTPTR_MAX
#define INTPTR_MAX LONG_MAX
#define UINTPTR_MAX ULONG_MAX
#endif

#endif /* STP_HOST_TYPES_H */
