// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * New threads and function probes (stapmark/uprobe.h): each thread has
 * uprobe events of its own, so a thread created after a probe was
 * registered must open them before it runs its code.
 *
 * libmarkers wraps pthread_create for the programs that link it: its
 * definition carries glibc's version (GLIBC_2.34) and libmarkers comes
 * before libc in the lookup order, so the program's calls reach it; it
 * passes the call on to libc's with a start routine that covers the new
 * thread first.  With no probe registered that is a flag test.  Programs
 * that do not link libmarkers get the same from stapmark's preloaded
 * module (-c), through marker_uprobe_pthread_create.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <stapmark/uprobe.h>

struct thread_start {
	void *(*fn)(void *);
	void *arg;
};

static void *covered_start(void *p)
{
	struct thread_start s = *(struct thread_start *)p;

	free(p);
	marker_uprobe_cover_self();
	return s.fn(s.arg);
}

/*
 * Whether a sanitizer runtime intercepts pthread_create above us: its start
 * routine must then run first in the new thread (ThreadSanitizer crashes on
 * a free() before it), so we pass such threads on uncovered.
 */
static int under_sanitizer(void)
{
	static int state; /* 0 unknown, 1 no, 2 yes */
	int s = __atomic_load_n(&state, __ATOMIC_RELAXED);

	if (!s) {
		s = dlsym(RTLD_DEFAULT, "__tsan_init") || dlsym(RTLD_DEFAULT, "__asan_init") ||
				    dlsym(RTLD_DEFAULT, "__msan_init") ||
				    dlsym(RTLD_DEFAULT, "__hwasan_init")
			    ? 2
			    : 1;
		__atomic_store_n(&state, s, __ATOMIC_RELAXED);
	}
	return s == 2;
}

int marker_uprobe_pthread_create(marker_pthread_create_func *create, pthread_t *thread,
				 const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	struct thread_start *s;
	int rc;

	if (under_sanitizer())
		return create(thread, attr, fn, arg);
	s = malloc(sizeof(*s));
	if (!s) /* the thread then runs uncovered rather than not at all */
		return create(thread, attr, fn, arg);
	s->fn = fn;
	s->arg = arg;
	rc = create(thread, attr, covered_start, s);
	if (rc)
		free(s);
	return rc;
}

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
/* libmarkers' pthread_create@@GLIBC_2.34 (libmarkers.map): libc's,
 * through marker_uprobe_pthread_create. */
__attribute__((visibility("default"))) int marker_wrapped_pthread_create(pthread_t *thread,
									 const pthread_attr_t *attr,
									 void *(*fn)(void *),
									 void *arg)
{
	static marker_pthread_create_func *libc_create;
	marker_pthread_create_func *create = __atomic_load_n(&libc_create, __ATOMIC_RELAXED);

	if (!create) {
		create = (marker_pthread_create_func *)dlvsym(RTLD_NEXT, "pthread_create",
							      "GLIBC_2.34");
		if (!create)
			return EAGAIN;
		__atomic_store_n(&libc_create, create, __ATOMIC_RELAXED);
	}
	return marker_uprobe_pthread_create(create, thread, attr, fn, arg);
}
__asm__(".symver marker_wrapped_pthread_create, pthread_create@@GLIBC_2.34");
#endif
