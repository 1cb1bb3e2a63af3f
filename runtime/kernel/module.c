// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * markers.ko: the marker core (runtime/core) with the kernel host, its API
 * exported to modules, and the discovery of instrumented modules.
 *
 * Finding a module's markers.  Since Linux 2.6.32 the module loader no longer
 * records a __markers section, and a .ko is a relocatable object, so the
 * linker defines no __start___markers for it.  But every struct marker has a
 * symbol (__mark_NAME, or __mark_NAME.N for a block-scope site), and with
 * CONFIG_KALLSYMS_ALL the loader keeps a module's data symbols in
 * mod->kallsyms by the time the MODULE_STATE_COMING notifier runs.  So the
 * notifier looks for those symbols, checks that each one is a marker of that
 * name (its name field), and takes the range they span: section __markers
 * holds nothing but struct markers, contiguously.  The module's author does
 * nothing beyond including <stapmark/marker.h>.
 */
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>

#include "host.h"
#include "registry.h"
#include "markers_kernel.h"

#ifndef CONFIG_KALLSYMS_ALL
#error "markers.ko finds a module's markers through its symbols: needs CONFIG_KALLSYMS_ALL"
#endif

MODULE_LICENSE("GPL");
MODULE_AUTHOR("stapmark");
MODULE_DESCRIPTION("Static markers: registry, probes, /proc/markers and tracepoint bridges");

EXPORT_SYMBOL_GPL(marker_probe_register);
EXPORT_SYMBOL_GPL(marker_probe_unregister);
EXPORT_SYMBOL_GPL(marker_probe_unregister_private_data);
EXPORT_SYMBOL_GPL(marker_arm);
EXPORT_SYMBOL_GPL(marker_disarm);
EXPORT_SYMBOL_GPL(marker_synchronize_unregister);
EXPORT_SYMBOL_GPL(marker_for_each);
EXPORT_SYMBOL_GPL(marker_dropped_nested);
EXPORT_SYMBOL_GPL(marker_set_log_handler);
EXPORT_SYMBOL_GPL(__marker_probe_cb);
EXPORT_SYMBOL_GPL(__markers_register_object);
EXPORT_SYMBOL_GPL(__markers_unregister_object);

/* A module whose markers are registered. */
struct marker_module {
	struct list_head list;
	struct module *mod;
	struct marker *start, *stop;
};

static LIST_HEAD(marker_modules);
static DEFINE_MUTEX(marker_modules_mutex); /* also guards marker_host_registering */

#define MARK_PREFIX "__mark_"

/* Is the symbol sym (named symname) the struct marker of its name?  Read
 * without trusting it: another symbol could start with __mark_ too. */
static bool is_marker_symbol(const Elf_Sym *sym, const char *symname)
{
	const struct marker *m = (const struct marker *)sym->st_value;
	const char *name = symname + sizeof(MARK_PREFIX) - 1;
	size_t len = strcspn(name, ".");
	const char *site_name;
	char buf[128];

	if (strncmp(symname, MARK_PREFIX, sizeof(MARK_PREFIX) - 1) || !len || len >= sizeof(buf))
		return false;
	if (sym->st_size != sizeof(struct marker) || !IS_ALIGNED(sym->st_value, 8))
		return false;
	if (copy_from_kernel_nofault(&site_name, &m->name, sizeof(site_name)) || !site_name)
		return false;
	if (copy_from_kernel_nofault(buf, site_name, len + 1))
		return false;
	return !strncmp(buf, name, len) && buf[len] == '\0';
}

/* The [start, stop) of mod's __markers section; false when it has none. */
static bool module_markers(struct module *mod, struct marker **start, struct marker **stop)
{
	struct mod_kallsyms *ks;
	unsigned long lo = ULONG_MAX, hi = 0, n = 0;
	unsigned int i;

	preempt_disable();
	ks = rcu_dereference_sched(mod->kallsyms);
	for (i = 0; ks && i < ks->num_symtab; i++) {
		const Elf_Sym *sym = &ks->symtab[i];

		if (!is_marker_symbol(sym, ks->strtab + sym->st_name))
			continue;
		lo = min_t(unsigned long, lo, sym->st_value);
		hi = max_t(unsigned long, hi, sym->st_value);
		n++;
	}
	preempt_enable();
	if (!n)
		return false;
	*start = (struct marker *)lo;
	*stop = (struct marker *)hi + 1;
	/* Our macros give every struct marker a symbol: anything else means the
	 * symbols are not one __markers table, and the range is not to be trusted. */
	if (*stop - *start != n) {
		pr_warn("markers: %s: %lu marker symbols span %ld slots; its markers are ignored\n",
			mod->name, n, (long)(*stop - *start));
		return false;
	}
	return true;
}

static void add_module(struct module *mod)
{
	struct marker_module *mm;
	struct marker *start, *stop;

	if (!module_markers(mod, &start, &stop))
		return;
	mm = kzalloc(sizeof(*mm), GFP_KERNEL);
	if (!mm) {
		pr_warn("markers: %s: out of memory, its markers are ignored\n", mod->name);
		return;
	}
	mm->mod = mod;
	mm->start = start;
	mm->stop = stop;
	mutex_lock(&marker_modules_mutex);
	list_add(&mm->list, &marker_modules);
	marker_host_registering = mod->name;
	__markers_register_object(start, stop);
	marker_host_registering = NULL;
	mutex_unlock(&marker_modules_mutex);
}

static void remove_module(struct module *mod)
{
	struct marker_module *mm, *found = NULL;

	mutex_lock(&marker_modules_mutex);
	list_for_each_entry(mm, &marker_modules, list)
	{
		if (mm->mod == mod) {
			found = mm;
			break;
		}
	}
	if (found) {
		list_del(&found->list);
		/* Sites go off here; the loader's synchronize_rcu() in
		 * free_module() waits for CPUs still inside them before the
		 * module's memory goes. */
		__markers_unregister_object(found->start, found->stop);
	}
	mutex_unlock(&marker_modules_mutex);
	kfree(found);
}

/* A probe (its code or its data) in mod, which is going away. */
static int probe_in_module(const char *name, marker_probe_func *probe, void *probe_private,
			   void *arg)
{
	struct module *mod = arg;

	if (!within_module((unsigned long)probe, mod) &&
	    !within_module((unsigned long)probe_private, mod))
		return 0;
	pr_warn("markers: module %s left a probe on %s registered: removed\n", mod->name, name);
	return 1;
}

static int marker_module_notify(struct notifier_block *nb, unsigned long state, void *data)
{
	struct module *mod = data;

	if (state == MODULE_STATE_COMING)
		add_module(mod);
	else if (state == MODULE_STATE_GOING) {
		remove_module(mod);
		/* A probe module should have unregistered its probes in its exit
		 * function; if it did not, do it before its memory goes. */
		if (marker_probe_unregister_matching(probe_in_module, mod))
			marker_synchronize_unregister();
	}
	return NOTIFY_OK;
}

static struct notifier_block marker_module_nb = {
	.notifier_call = marker_module_notify,
	.priority = 1, /* before most: markers become usable early in the load */
};

static int __init markers_init(void)
{
	int ret;

	ret = marker_bridges_init();
	if (ret)
		return ret;
	/* markers.ko's own markers: the tracepoint bridges. */
	add_module(THIS_MODULE);
	ret = register_module_notifier(&marker_module_nb);
	if (ret)
		goto fail_notifier;
	ret = marker_proc_init();
	if (ret)
		goto fail_proc;
	return 0;

fail_proc:
	unregister_module_notifier(&marker_module_nb);
fail_notifier:
	remove_module(THIS_MODULE);
	marker_bridges_exit();
	return ret;
}

static void __exit markers_exit(void)
{
	marker_proc_exit();
	unregister_module_notifier(&marker_module_nb);
	/* Every module using our symbols is gone: only our own sites remain. */
	remove_module(THIS_MODULE);
	marker_bridges_exit();
	marker_synchronize_unregister();
}

module_init(markers_init);
module_exit(markers_exit);
