/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the handler-runtime unit tests: a region in a memfd, output and
 * message capture through the user host's hooks, and a handler wrapper.
 */
#ifndef STP_TEST_H
#define STP_TEST_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stp.h"
#include "stp_user.h"
#include "unit.h"

#define REGION_SIZE (64u << 20)

static char test_out[1 << 20];
static size_t test_outlen;
static char test_msg[1 << 16];
static size_t test_msglen;
static int test_exit_requests;
static pthread_mutex_t test_io_lock = PTHREAD_MUTEX_INITIALIZER;

static void cap_out(const char *buf, size_t len, void *arg)
{
	(void)arg;
	pthread_mutex_lock(&test_io_lock);
	if (test_outlen + len < sizeof(test_out)) {
		memcpy(test_out + test_outlen, buf, len);
		test_outlen += len;
		test_out[test_outlen] = '\0';
	}
	pthread_mutex_unlock(&test_io_lock);
}

static void cap_msg(const char *buf, size_t len, void *arg)
{
	(void)arg;
	pthread_mutex_lock(&test_io_lock);
	if (test_msglen + len < sizeof(test_msg)) {
		memcpy(test_msg + test_msglen, buf, len);
		test_msglen += len;
		test_msg[test_msglen] = '\0';
	}
	pthread_mutex_unlock(&test_io_lock);
}

static void cap_exit(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&test_exit_requests, 1, __ATOMIC_RELAXED);
}

static inline void test_reset_io(void)
{
	test_outlen = test_msglen = 0;
	test_out[0] = test_msg[0] = '\0';
}

static inline void test_capture(void)
{
	struct stp_user_hooks h = {cap_out, cap_msg, cap_exit, NULL};

	stp_user_set_hooks(&h);
	test_reset_io();
}

/* A fresh running region of REGION_SIZE bytes with nslots slots. */
static inline struct stp_region *test_region(unsigned int nslots, int *fd)
{
	int dummy;
	void *base = stp_user_region_memfd(REGION_SIZE, fd ? fd : &dummy);
	struct stp_region *r = stp_region_init(base, REGION_SIZE, nslots);

	if (!r) {
		fprintf(stderr, "cannot create a region\n");
		exit(2);
	}
	stp_session_set_state(r, STP_SESSION_RUNNING);
	return r;
}

static inline struct stp_context *test_enter(struct stp_region *r)
{
	struct stp_context *c = stp_context_enter(r, "test.probe", STP_SESSION_RUNNING);

	if (!c) {
		fprintf(stderr, "cannot enter a context\n");
		exit(2);
	}
	return c;
}

/* Check that s equals the expected text, showing both when not. */
#define CHECK_STR(actual, expected, what)                                                        \
	do {                                                                                     \
		const char *__a = (actual), *__e = (expected);                                   \
		unit_check(strcmp(__a, __e) == 0, "%s (got \"%s\", expected \"%s\")", what, __a, \
			   __e);                                                                 \
	} while (0)

#endif /* STP_TEST_H */
