/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User-space host: the types the handler runtime takes from its host.  The
 * kernel host provides a header of the same name with kernel types.  Only
 * freestanding headers here, so the runtime/stp sources still use no libc.
 */
#ifndef STP_HOST_TYPES_H
#define STP_HOST_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A reader-writer lock that works in memory shared by several processes
 * mapped at different addresses: one word, no pointers.  The runtime only
 * ever tries it (and skips the hit when it cannot have it), so it needs no
 * waiting queue; see host.c. */
typedef struct {
	uint32_t word; /* STP_RWLOCK_WRITER, or the number of readers */
} stp_host_rwlock_t;

#define STP_HOST_EFAULT 14

/* The thread's counter block cell (counter.h), inline: it is on the path of
 * every `n++` of a counter global.  initial-exec: the module is -fPIC, and
 * a dynamic TLS lookup would cost more than the add. */
extern __thread uint64_t stp_user_counter_block __attribute__((tls_model("initial-exec")));
#define STP_HOST_COUNTER_CELL
static inline uint64_t *stp_host_counter_cell(void)
{
	return &stp_user_counter_block;
}

#endif /* STP_HOST_TYPES_H */
