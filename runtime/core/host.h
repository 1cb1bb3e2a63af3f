/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host interface: all the marker core needs from its environment.  Each
 * host (runtime/user: libmarkers, runtime/kernel: markers.ko) provides a
 * "marker_host.h" on the include path with the inline parts (read side,
 * nesting guard, string and errno headers) and implements the functions
 * declared here.  The core calls nothing else.
 */
#ifndef STAPMARK_CORE_HOST_H
#define STAPMARK_CORE_HOST_H

#include "marker_host.h"

/* Memory: zeroed allocation, free, string duplicate.  NULL on failure. */
void *host_zalloc(size_t size);
void host_free(void *p);
char *host_strdup(const char *s);

/* The registry mutex (sleeping lock; never taken on the fast path). */
void host_registry_lock(void);
void host_registry_unlock(void);

/* Wait for every reader that entered before the call (an RCU grace period). */
void host_synchronize(void);

/* A message for the user (format mismatches, conflicts). */
void host_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A printable name for the object (executable, library, module) holding addr;
 * allocated with host_zalloc/host_strdup, freed by the core. */
char *host_object_name(const void *addr);

/*
 * Provided inline by marker_host.h:
 *   host_read_lock(), host_read_unlock()        RCU read side
 *   host_dereference(p), host_assign(p, v)      RCU pointer publication
 *   host_nesting_enter() -> 0 when too deep, host_nesting_exit()
 *   host_count_nested_drop()
 * and optionally:
 *   host_site_changed(m)   called under the registry lock right after site m
 *                          went on or off (m->state); the kernel host attaches
 *                          a tracepoint bridge only while its site is on.
 */
#ifndef host_site_changed
#define host_site_changed(m) ((void)(m))
#endif

#endif /* STAPMARK_CORE_HOST_H */
