/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * futex(2) on words of the shared segment.  Not FUTEX_PRIVATE_FLAG: the
 * waiter (stapmark) and the wakers (targets) are different processes that
 * map the word at different addresses; the kernel keys shared futexes by
 * the page behind them.
 */
#ifndef STAPMARK_TRANSPORT_FUTEX_H
#define STAPMARK_TRANSPORT_FUTEX_H

#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Sleep while *word == val, at most timeout_ns (0: no limit). */
static inline void stp_futex_wait(uint32_t *word, uint32_t val, long timeout_ns)
{
	struct timespec ts = {timeout_ns / 1000000000L, timeout_ns % 1000000000L};

	syscall(SYS_futex, word, FUTEX_WAIT, val, timeout_ns ? &ts : NULL, NULL, 0);
}

static inline void stp_futex_wake(uint32_t *word, int n)
{
	syscall(SYS_futex, word, FUTEX_WAKE, n, NULL, NULL, 0);
}

#endif /* STAPMARK_TRANSPORT_FUTEX_H */
