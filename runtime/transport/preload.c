// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Linked into every probe module: for -c CMD the module is in LD_PRELOAD and
 * attaches itself before main, from the segment the environment names
 * (stp_module.h).  Loaded any other way (dlopen by the control server, or a
 * child that lost the fd) it does nothing here.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stapmark/uprobe.h>

#include "stp_module.h"
#include "stp_segment.h"

/* The session the environment names, or 0 when it names none. */
static int env_segment(int *fd, uint64_t *session)
{
	const char *s_fd = getenv(STP_ENV_SEGMENT_FD);
	const char *s_id = getenv(STP_ENV_SESSION);
	char *end;
	long n;

	if (!s_fd || !s_id)
		return 0;
	n = strtol(s_fd, &end, 10);
	if (*end || n < 0 || n > 1 << 24 || fcntl((int)n, F_GETFD) < 0)
		return 0;
	*session = strtoull(s_id, &end, 16);
	if (*end)
		return 0;
	*fd = (int)n;
	return 1;
}

static void __attribute__((constructor)) stp_preload_attach(void)
{
	struct stp_attach_info info = {.version = STP_ATTACH_VERSION, .how = STP_ATTACH_PRELOAD};
	int err;

	if (!env_segment(&info.seg_fd, &info.session_id))
		return;
	err = stp_module_attach(&info);
	/* -ESTALE/-EINVAL: the fd is not this session's segment (the program
	 * reused the number, or closed it and opened something else): a
	 * process of the command that lost the segment just runs untraced. */
	if (err && err != -ESTALE && err != -EINVAL)
		fprintf(stderr, "stapmark: probe module failed to attach: %s\n", strerror(-err));
}

/*
 * Function probes (libmarkers' uprobes) cover each thread with events of
 * its own, so a new thread must open them before it runs its code.  With
 * -c this module is preloaded and its pthread_create comes before libc's:
 * the new thread covers itself first, then runs the program's function.
 * (Loaded by dlopen for -x, it interposes nothing: threads the program
 * creates after the attach are not covered; stapmark(1) says so.)
 */
struct stp_thread_start {
	void *(*fn)(void *);
	void *arg;
};

static void *stp_thread_trampoline(void *p)
{
	struct stp_thread_start s = *(struct stp_thread_start *)p;

	free(p);
	marker_uprobe_cover_self();
	return s.fn(s.arg);
}

__attribute__((visibility("default"))) int
pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	struct stp_thread_start *s;
	int rc;

	if (!real) {
		real = (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
				void *))dlsym(RTLD_NEXT, "pthread_create");
		if (!real)
			return EAGAIN;
	}
	s = malloc(sizeof(*s));
	if (!s) /* the thread then runs uncovered rather than not at all */
		return real(thread, attr, fn, arg);
	s->fn = fn;
	s->arg = arg;
	rc = real(thread, attr, stp_thread_trampoline, s);
	if (rc)
		free(s);
	return rc;
}
