// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * User-space host of the marker core: memory from malloc, a pthread mutex for
 * the registry, liburcu-bp grace periods, messages to stderr (or a handler),
 * object names from dladdr, and fork() handling: the registry lock and
 * liburcu's own state are taken across fork so the child starts consistent.
 */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../core/host.h"

unsigned long marker_nested_drops;
int marker_urcu_fast;
#ifdef MARKER_TSAN
char marker_tsan_grace;
#endif

#ifdef __MARKER_ARGV_ABI
/*
 * What sites read to dispatch by themselves (marker.h, __marker_dispatch):
 * the address of liburcu-bp's reader pointer of this thread, which
 * liburcu-bp clears when the thread leaves it at exit, so a site never
 * uses a reader record that is gone, and its grace-period counter.
 */
__thread struct __marker_thread __marker_thread;

_Static_assert(offsetof(struct urcu_bp_reader, ctr) == 0, "marker.h: reader count first");
_Static_assert(__MARKER_RCU_NEST_MASK == URCU_BP_GP_CTR_NEST_MASK, "marker.h: nesting mask");
_Static_assert(__MARKER_RCU_COUNT == URCU_BP_GP_COUNT, "marker.h: nesting count unit");

/* Called with the thread registered and liburcu-bp using membarrier(2). */
static void publish_thread_state(void)
{
	__marker_thread.gp_ctr = &urcu_bp_gp.ctr;
	/* A signal handler's site that sees reader set must see gp_ctr too. */
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&__marker_thread.reader,
			 (struct __marker_rcu_reader *const *)&URCU_TLS(urcu_bp_reader),
			 __ATOMIC_RELAXED);
}
#endif

static pthread_mutex_t registry_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static void (*log_handler)(const char *message);

void *host_zalloc(size_t size)
{
	return calloc(1, size);
}

void host_free(void *p)
{
	free(p);
}

char *host_strdup(const char *s)
{
	return strdup(s);
}

static void before_fork(void)
{
	pthread_mutex_lock(&registry_mutex);
	urcu_bp_before_fork();
}

static void after_fork_parent(void)
{
	urcu_bp_after_fork_parent();
	pthread_mutex_unlock(&registry_mutex);
}

static void after_fork_child(void)
{
	urcu_bp_after_fork_child();
	pthread_mutex_unlock(&registry_mutex);
}

static void install_atfork(void)
{
	pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

void host_registry_lock(void)
{
	pthread_once(&atfork_once, install_atfork);
	pthread_mutex_lock(&registry_mutex);
}

void host_registry_unlock(void)
{
	pthread_mutex_unlock(&registry_mutex);
}

void host_synchronize(void)
{
	urcu_bp_synchronize_rcu();
	host_tsan_acquire();
}

void marker_set_log_handler(void (*handler)(const char *message))
{
	__atomic_store_n(&log_handler, handler, __ATOMIC_RELEASE);
}

void host_log(const char *fmt, ...)
{
	void (*handler)(const char *) = __atomic_load_n(&log_handler, __ATOMIC_ACQUIRE);
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (handler)
		handler(buf);
	else
		fprintf(stderr, "libmarkers: %s\n", buf);
}

char *host_object_name(const void *addr)
{
	char path[PATH_MAX];
	Dl_info info;
	ssize_t n;

	if (dladdr(addr, &info) && info.dli_fname && info.dli_fname[0]) {
		/* The main program may be reported by the name it was run as. */
		if (strchr(info.dli_fname, '/') && realpath(info.dli_fname, path))
			return strdup(path);
	}
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n > 0) {
		path[n] = '\0';
		return strdup(path);
	}
	return strdup(info.dli_fname ? info.dli_fname : "?");
}

unsigned long marker_dropped_nested(void)
{
	return __atomic_load_n(&marker_nested_drops, __ATOMIC_RELAXED);
}

/*
 * The uncommon ways into the read side (see marker_host.h): this thread's
 * first marker (liburcu-bp registers it, signal-safely), a marker fired
 * inside a probe or a signal handler interrupting one, and a liburcu-bp
 * without membarrier(2).  Returns 0 when the thread is nested too deep.
 */
int host_dispatch_enter_slow(struct host_dispatch *d)
{
	struct urcu_bp_reader *r = URCU_TLS(urcu_bp_reader);
	unsigned long ctr;

	if (!r) {
		urcu_bp_register();
		r = URCU_TLS(urcu_bp_reader);
	}
	/* Set once liburcu-bp is initialised (registration guarantees it);
	 * the flag never changes afterwards. */
	if (urcu_bp_has_sys_membarrier && !__atomic_load_n(&marker_urcu_fast, __ATOMIC_RELAXED))
		__atomic_store_n(&marker_urcu_fast, 1, __ATOMIC_RELAXED);
#ifdef __MARKER_ARGV_ABI
	if (__atomic_load_n(&marker_urcu_fast, __ATOMIC_RELAXED) &&
	    !__atomic_load_n(&__marker_thread.reader, __ATOMIC_RELAXED))
		publish_thread_state();
#endif
	ctr = __atomic_load_n(&r->ctr, __ATOMIC_RELAXED);
	if ((ctr & URCU_BP_GP_CTR_NEST_MASK) >= MARKER_MAX_NESTING)
		return 0;
	if (!(ctr & URCU_BP_GP_CTR_NEST_MASK)) {
		__atomic_store_n(&r->ctr, __atomic_load_n(&urcu_bp_gp.ctr, __ATOMIC_RELAXED),
				 __ATOMIC_RELAXED);
		urcu_bp_smp_mb_slave();
	} else {
		__atomic_store_n(&r->ctr, ctr + URCU_BP_GP_COUNT, __ATOMIC_RELAXED);
	}
	d->reader = r;
	return 1;
}
