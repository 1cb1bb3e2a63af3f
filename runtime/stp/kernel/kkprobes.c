// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The program's kernel function probes (program.h: stp_prog_kprobe) as the
 * kernel's kprobes and kretprobes.  The kernel picks the mechanism: an
 * ftrace-based kprobe at a function's fentry site, else int3, which its
 * optimizer turns into a jump some time after registration.
 *
 * A probe on a module that is not loaded at start is pending: a module
 * notifier registers it when the module comes and unregisters it when the
 * module goes, as markers.ko does for markers.  /proc/stapmark/NAME/kprobes
 * says which probe is where ("on", "pending", "failed ERR", hits missed).
 *
 * @entry: a return probe with entry values is a kretprobe with an entry
 * handler and entry_size bytes of per-instance data; both handlers see
 * that data as a one-frame entry stack (entry.h), which
 * stp_host_entry_stack returns while they run.
 *
 * Registration and unregistration run in process context under
 * kkp_mutex (the control writer's task, or the module loader's in the
 * notifier); the handlers take nothing.
 */
#include <linux/errno.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "kstp.h"
#include "entry.h"

enum kp_state { KP_OFF, KP_ON, KP_PENDING, KP_FAILED };

struct kstp_kp {
	const struct stp_prog_kprobe *pk;
	struct kretprobe rp; /* rp.kp is the kprobe of an entry probe too */
	char symbol[MODULE_NAME_LEN + KSYM_NAME_LEN + 2]; /* "module:symbol" */
	enum kp_state state;
	int err; /* KP_FAILED: the kernel's answer */
	unsigned long missed; /* hits missed by registrations that ended */
	bool leaving; /* kp_unregister: in this batch */
};

static DEFINE_MUTEX(kkp_mutex);
/* Under kkp_mutex: */
static struct kstp_kp *kps;
static int nkps;
static bool kkp_armed; /* between start and stop: modules coming get probes */
static bool kkp_notifier_on;

/* The entry stack of the kretprobe instance whose handler runs on this
 * CPU (handlers run with preemption off; a nested one restores it). */
static DEFINE_PER_CPU(struct stp_entry_stack *, kentry_cur);

struct stp_entry_stack *stp_host_entry_stack(int id, size_t frame_size)
{
	return this_cpu_read(kentry_cur);
}

static int kp_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct kstp_kp *k = container_of(kp, struct kstp_kp, rp.kp);

	k->pk->fn(NULL, regs);
	return 0;
}

/* One of a kretprobe's handlers with ri's data as its entry frame. */
static void with_frame(struct kretprobe_instance *ri, int entered, stp_func_fn *fn,
		       struct pt_regs *regs)
{
	struct stp_entry_stack st = {.frames = ri->data, .n = entered}, *prev;

	preempt_disable();
	prev = this_cpu_read(kentry_cur);
	this_cpu_write(kentry_cur, &st);
	fn(NULL, regs);
	this_cpu_write(kentry_cur, prev);
	preempt_enable();
}

static int krp_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kstp_kp *k = container_of(get_kretprobe(ri), struct kstp_kp, rp);

	with_frame(ri, 0, k->pk->entry_fn, regs);
	return 0;
}

static int krp_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kstp_kp *k = container_of(get_kretprobe(ri), struct kstp_kp, rp);

	if (k->pk->entry_fn)
		with_frame(ri, 1, k->pk->fn, regs);
	else
		k->pk->fn(NULL, regs);
	return 0;
}

/* A fresh kprobe/kretprobe for k (the kernel keeps state in them). */
static void kp_prepare(struct kstp_kp *k)
{
	const struct stp_prog_kprobe *pk = k->pk;

	memset(&k->rp, 0, sizeof(k->rp));
	if (pk->symbol)
		k->rp.kp.symbol_name = k->symbol;
	else
		k->rp.kp.addr = (kprobe_opcode_t *)(unsigned long)pk->addr;
	if (pk->ret) {
		k->rp.handler = krp_return;
		k->rp.maxactive = pk->maxactive;
		if (pk->entry_fn) {
			k->rp.entry_handler = krp_entry;
			k->rp.data_size = pk->entry_size;
		}
	} else {
		k->rp.kp.pre_handler = kp_pre;
	}
}

static const char *errname(int err)
{
	switch (err) {
	case -ENOENT:
		return "no such symbol in the running kernel";
	case -EINVAL:
		return "the kernel refuses a kprobe there (blacklisted, or not an instruction "
		       "boundary)";
	case -EILSEQ:
		return "not an instruction boundary";
	case -EBUSY:
		return "busy (another probe owns that address?)";
	case -EOPNOTSUPP:
		return "not supported by this kernel";
	default:
		return "registration failed";
	}
}

/*
 * Register k; its state says how it went.  A module's probe whose symbol
 * the kernel does not know is pending: pass 2 found the symbol in the
 * module's file, so the module is not loaded (find_module is not exported
 * to modules; the notifier registers it when the module comes).
 * kkp_mutex held.
 */
static int kp_register(struct kstp_kp *k)
{
	int rc;

	kp_prepare(k);
	rc = k->pk->ret ? register_kretprobe(&k->rp) : register_kprobe(&k->rp.kp);
	if (rc == -ENOENT && k->pk->module) {
		k->state = KP_PENDING;
		pr_info("%s: %s pending: module %s is not loaded\n", KBUILD_MODNAME, k->pk->pp,
			k->pk->module);
		return 0;
	}
	if (rc) {
		k->state = KP_FAILED;
		k->err = rc;
		if (k->pk->optional) {
			char msg[512];
			int n = scnprintf(msg, sizeof(msg),
					  "WARNING: probe %s not attached: %s (%d)\n", k->pk->pp,
					  errname(rc), rc);

			stp_host_message(msg, n);
		} else {
			pr_err("%s: cannot probe %s: %s (%d)\n", KBUILD_MODNAME, k->pk->pp,
			       errname(rc), rc);
		}
		return k->pk->optional ? 0 : rc;
	}
	k->state = KP_ON;
	return 0;
}

/* Unregister every probe selected (module NULL: all; else that
 * module's), in one batch per kind: one grace period for all.
 * kkp_mutex held. */
static void kp_unregister(const char *module, enum kp_state after)
{
	struct kprobe **kpv;
	struct kretprobe **rpv;
	int i, nk = 0, nr = 0;

	kpv = kcalloc(nkps, sizeof(*kpv), GFP_KERNEL);
	rpv = kcalloc(nkps, sizeof(*rpv), GFP_KERNEL);
	for (i = 0; i < nkps; i++) {
		struct kstp_kp *k = &kps[i];

		if (k->state != KP_ON ||
		    (module && (!k->pk->module || strcmp(k->pk->module, module))))
			continue;
		if (!kpv || !rpv) { /* no memory: one at a time */
			if (k->pk->ret)
				unregister_kretprobe(&k->rp);
			else
				unregister_kprobe(&k->rp.kp);
		} else if (k->pk->ret) {
			rpv[nr++] = &k->rp;
		} else {
			kpv[nk++] = &k->rp.kp;
		}
		k->state = after;
		k->leaving = true;
	}
	if (nk)
		unregister_kprobes(kpv, nk);
	if (nr)
		unregister_kretprobes(rpv, nr);
	for (i = 0; i < nkps; i++) {
		struct kstp_kp *k = &kps[i];

		/* Only this batch's: a probe pending already has no live counts. */
		if (k->leaving)
			k->missed += k->rp.kp.nmissed + (k->pk->ret ? k->rp.nmissed : 0);
		k->leaving = false;
	}
	kfree(kpv);
	kfree(rpv);
}

static int kkp_module_event(struct notifier_block *nb, unsigned long event, void *data)
{
	struct module *mod = data;
	int i;

	if (event != MODULE_STATE_COMING && event != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&kkp_mutex);
	if (kkp_armed && event == MODULE_STATE_COMING) {
		for (i = 0; i < nkps; i++)
			if (kps[i].state == KP_PENDING && !strcmp(kps[i].pk->module, mod->name))
				kp_register(&kps[i]);
	} else if (kkp_armed) {
		kp_unregister(mod->name, KP_PENDING);
	}
	mutex_unlock(&kkp_mutex);
	return NOTIFY_DONE;
}

static struct notifier_block kkp_notifier = {.notifier_call = kkp_module_event};

int kstp_kprobes_init(const struct stp_program *p)
{
	int i, rc;

	if (!p->nkprobes)
		return 0;
	kps = kcalloc(p->nkprobes, sizeof(*kps), GFP_KERNEL);
	if (!kps)
		return -ENOMEM;
	nkps = p->nkprobes;
	for (i = 0; i < nkps; i++) {
		const struct stp_prog_kprobe *pk = &p->kprobes[i];

		kps[i].pk = pk;
		if (pk->symbol)
			scnprintf(kps[i].symbol, sizeof(kps[i].symbol), "%s%s%s",
				  pk->module ? pk->module : "", pk->module ? ":" : "", pk->symbol);
		kkp_notifier_on |= pk->module != NULL;
	}
	if (kkp_notifier_on) {
		rc = register_module_notifier(&kkp_notifier);
		if (rc) {
			kkp_notifier_on = false;
			kstp_kprobes_exit();
			return rc;
		}
	}
	return 0;
}

int kstp_kprobes_start(void)
{
	int i, rc = 0;

	mutex_lock(&kkp_mutex);
	kkp_armed = true;
	for (i = 0; i < nkps && !rc; i++) {
		rc = kp_register(&kps[i]);
	}
	mutex_unlock(&kkp_mutex);
	if (rc)
		kstp_kprobes_stop();
	return rc;
}

void kstp_kprobes_stop(void)
{
	int i;

	mutex_lock(&kkp_mutex);
	kkp_armed = false;
	kp_unregister(NULL, KP_OFF);
	for (i = 0; i < nkps; i++) {
		struct kstp_kp *k = &kps[i];
		char msg[512];
		int n;

		if (k->state == KP_PENDING)
			k->state = KP_OFF;
		if (!k->missed)
			continue;
		n = scnprintf(msg, sizeof(msg), "WARNING: probe %s missed %lu hits (%s)\n",
			      k->pk->pp, k->missed,
			      k->pk->ret ? "returns beyond .maxactive, or a probe already "
					   "running on the CPU"
					 : "a probe already running on the CPU");
		stp_host_message(msg, n);
		k->missed = 0;
	}
	mutex_unlock(&kkp_mutex);
}

void kstp_kprobes_exit(void)
{
	if (kkp_notifier_on)
		unregister_module_notifier(&kkp_notifier);
	kkp_notifier_on = false;
	kfree(kps);
	kps = NULL;
	nkps = 0;
}

/* ---- /proc/stapmark/NAME/kprobes ---- */

static int kprobes_show(struct seq_file *m, void *v)
{
	static const char *const names[] = {"off", "on", "pending", "failed"};
	int i;

	mutex_lock(&kkp_mutex);
	for (i = 0; i < nkps; i++) {
		struct kstp_kp *k = &kps[i];
		unsigned long missed = k->missed;

		if (k->state == KP_ON)
			missed += k->rp.kp.nmissed + (k->pk->ret ? k->rp.nmissed : 0);
		seq_printf(m, "%s\t%s", k->pk->pp, names[k->state]);
		if (k->state == KP_FAILED)
			seq_printf(m, " %d", k->err);
		if (k->state == KP_ON && !k->pk->ret)
			seq_printf(m, " %s%s",
				   kprobe_ftrace(&k->rp.kp)	 ? "ftrace"
				   : kprobe_optimized(&k->rp.kp) ? "optimized"
								 : "int3",
				   "");
		seq_printf(m, "\tmissed %lu\n", missed);
	}
	mutex_unlock(&kkp_mutex);
	return 0;
}

int kstp_kprobes_proc(struct proc_dir_entry *dir)
{
	if (!nkps)
		return 0;
	return proc_create_single(STP_KKPROBES, 0400, dir, kprobes_show) ? 0 : -ENOMEM;
}
