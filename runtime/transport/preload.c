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
 * the new thread covers itself first (marker_uprobe_pthread_create), then
 * runs the program's function.  Programs that link libmarkers have its own
 * wrapper too (covering twice is harmless); loaded by dlopen for -x, this
 * one interposes nothing.
 */
__attribute__((visibility("default"))) int
pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	static marker_pthread_create_func *next;
	marker_pthread_create_func *create = __atomic_load_n(&next, __ATOMIC_RELAXED);

	if (!create) {
		create = (marker_pthread_create_func *)dlsym(RTLD_NEXT, "pthread_create");
		if (!create)
			return EAGAIN;
		__atomic_store_n(&next, create, __ATOMIC_RELAXED);
	}
	return marker_uprobe_pthread_create(create, thread, attr, fn, arg);
}
