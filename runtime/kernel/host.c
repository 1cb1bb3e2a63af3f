// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel host of the marker core: memory from kmalloc, a mutex for the
 * registry, RCU-sched grace periods (see marker_host.h for why), messages to
 * the kernel log, object names from the module being registered, and the
 * sites' jump labels.
 */
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include "host.h"
#include "markers_kernel.h"

DEFINE_PER_CPU(struct marker_nesting, marker_nesting);
atomic_long_t marker_nested_drops = ATOMIC_LONG_INIT(0);

static DEFINE_MUTEX(registry_mutex);
static void (*log_handler)(const char *message);

/* The name of the module whose markers are being registered (module.c). */
const char *marker_host_registering;

void *host_zalloc(size_t size)
{
	return kzalloc(size, GFP_KERNEL);
}

void host_free(void *p)
{
	kfree(p);
}

char *host_strdup(const char *s)
{
	return kstrdup(s, GFP_KERNEL);
}

void host_registry_lock(void)
{
	mutex_lock(&registry_mutex);
}

void host_registry_unlock(void)
{
	mutex_unlock(&registry_mutex);
}

/*
 * A site's static key follows its state (struct marker.key, tested by
 * __MARKER_SITE_ON).  The core calls this under the registry mutex right
 * after state changed, so keys and states change in one order, and
 * static_branch_enable()/disable() may sleep (CPU hotplug lock, jump label
 * mutex, text_poke_bp's IPIs).  Turning a site on publishes probes and state
 * before the jump exists, and turning it off clears them before the jump
 * goes, so a CPU that still takes the jump finds state 0 or a NULL array.
 *
 * A module's sites are added from markers.ko's MODULE_STATE_COMING notifier,
 * which must run after jump_label's (it records the module's __jump_table,
 * and patches nothing for keys enabled before that): both have priority 1,
 * and a notifier chain calls notifiers of equal priority in registration
 * order, jump_label's (an early initcall) first.  At MODULE_STATE_GOING the
 * module's text is still mapped, and turning its sites off patches it back.
 */
void marker_kernel_site_changed(struct marker *m)
{
	if (m->state)
		static_branch_enable(&m->key);
	else
		static_branch_disable(&m->key);
	marker_bridge_site_changed(m);
}

void host_synchronize(void)
{
	synchronize_rcu(); /* covers preempt-disabled readers (RCU-sched) */
}

void marker_set_log_handler(void (*handler)(const char *message))
{
	WRITE_ONCE(log_handler, handler);
}

void host_log(const char *fmt, ...)
{
	void (*handler)(const char *) = READ_ONCE(log_handler);
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (handler)
		handler(buf);
	else
		pr_warn("markers: %s\n", buf);
}

/* Objects are registered only by module.c, which names the module first
 * (under its own mutex); anything else is the kernel proper. */
char *host_object_name(const void *addr)
{
	return kstrdup(marker_host_registering ? marker_host_registering : "kernel", GFP_KERNEL);
}

unsigned long marker_dropped_nested(void)
{
	return atomic_long_read(&marker_nested_drops);
}
