// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/stapmark/NAME/{control,output} (stp_kernel_abi.h) and the session
 * they drive: start (begin probes, marker probes, kprobes, timers), stop (detach,
 * error and end probes), the writer's claim, and the orphan clean-up when
 * the writer goes away before the session is STOPPED.
 *
 * Every step of the session runs in the control writer's task (or in the
 * module's exit), under kctl_mutex; handlers never wait for it.
 */
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kstp.h"

/* markers.ko: /proc/stapmark. */
extern struct proc_dir_entry *stapmark_proc_dir;

static DEFINE_MUTEX(kctl_mutex);
/* Under kctl_mutex: */
static pid_t kwriter; /* the claiming task's tgid, 0: none */
static bool kstarted, kmarks_on, kkprobes_on, ktimers_on, korphaned;

static struct proc_dir_entry *kdir;

static const struct stp_program *prog(void)
{
	return &stp_script_program;
}

/* Probes off: timers cancelled, marker probes unregistered and waited
 * for; no handler of ours runs after this (kctl_mutex held). */
static void detach_all(void)
{
	stp_program_request_stop(prog());
	if (ktimers_on)
		kstp_timers_stop();
	ktimers_on = false;
	if (kkprobes_on)
		kstp_kprobes_stop();
	kkprobes_on = false;
	if (kmarks_on)
		stp_program_detach_marks(prog(), 1);
	kmarks_on = false;
}

/* kctl_mutex held.  end_probes: the error probes (when the session saw
 * errors) and end probes; else STOPPED at once (orphan, module exit). */
static void session_stop(bool end_probes)
{
	struct stp_region *r = kstp_region;

	if (stp_session_state(r) == STP_SESSION_STOPPED)
		return;
	detach_all();
	if (end_probes && kstarted) {
		if (stp_session_errors(r))
			stp_program_run_error(prog());
		stp_program_run_end(prog());
	}
	/* Never started: no begin probe ran, so no end probe runs either. */
	stp_session_set_state(r, STP_SESSION_STOPPED);
	kstp_ring_wake();
}

static int session_start(void)
{
	struct stp_region *r = kstp_region;
	int rc;

	if (kstarted || stp_session_state(r) != STP_SESSION_STARTING)
		return -EBUSY;
	kstarted = true;
	stp_program_run_begin(prog());
	/* exit() in a begin probe: STOPPING already, nothing to attach; the
	 * controller sees it in the status line and says "stop". */
	if (stp_session_state(r) != STP_SESSION_RUNNING)
		return 0;
	rc = stp_program_attach_marks(prog(), 1);
	if (rc) {
		/* The marker API undid what it did and logged why; "stop"
		 * runs the end probes of the begin probes that ran. */
		pr_err("%s: marker probes not attached (%d)\n", KBUILD_MODNAME, rc);
		stp_program_request_stop(prog());
		return rc;
	}
	kmarks_on = true;
	rc = kstp_kprobes_start();
	if (rc) {
		/* kkprobes.c logged which probe and why. */
		stp_program_request_stop(prog());
		return rc;
	}
	kkprobes_on = true;
	kstp_timers_start();
	ktimers_on = true;
	return 0;
}

void kstp_session_exit(void)
{
	mutex_lock(&kctl_mutex);
	if (kstp_region)
		session_stop(false);
	mutex_unlock(&kctl_mutex);
}

/* ---- control ---- */

static int control_open(struct inode *inode, struct file *file)
{
	int rc = 0;

	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	mutex_lock(&kctl_mutex);
	if (kwriter) {
		rc = -EBUSY;
	} else {
		kwriter = task_tgid_nr(current);
		kstp_region->stapmark_pid = kwriter;
	}
	mutex_unlock(&kctl_mutex);
	return rc;
}

/*
 * The writer's close.  A session that has started and is not STOPPED has
 * lost its controller (stapmark was killed): detach everything, no end
 * probes, and stay "orphaned" until the module is unloaded.  Before
 * "start" nothing ran: the claim is just released.
 */
static int control_release(struct inode *inode, struct file *file)
{
	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	mutex_lock(&kctl_mutex);
	kwriter = 0;
	if (kstarted && stp_session_state(kstp_region) != STP_SESSION_STOPPED) {
		session_stop(false);
		korphaned = true;
		pr_warn("%s: its controller went away: probes detached, module orphaned\n",
			KBUILD_MODNAME);
	}
	mutex_unlock(&kctl_mutex);
	return 0;
}

static ssize_t control_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct stp_region *r = kstp_region;
	char line[160];
	int n;

	n = scnprintf(line, sizeof(line), STP_KSTATUS_FMT, stp_session_state(r),
		      (long long)stp_session_errors(r), (long long)stp_session_skipped(r),
		      (long long)kstp_ring_dropped(), (int)READ_ONCE(kwriter),
		      (int)READ_ONCE(korphaned));
	return simple_read_from_buffer(ubuf, count, ppos, line, n);
}

/* "tz SECS NAME": stapmark's time zone for tz_gmtoff() and tz_name(), as
 * staprun passes its own to stap's module. */
static int set_time_zone(char *arg)
{
	char *name = strchr(arg, ' ');
	long long secs;
	int rc;

	if (!name)
		return -EINVAL;
	*name++ = '\0';
	rc = kstrtoll(arg, 10, &secs);
	if (rc)
		return rc;
	kstp_region->tz_gmtoff = secs;
	strscpy(kstp_region->tz_name, skip_spaces(name), sizeof(kstp_region->tz_name));
	return 0;
}

static ssize_t control_write(struct file *file, const char __user *ubuf, size_t count, loff_t *ppos)
{
	char cmd[64], *s;
	long long pid;
	int rc = 0;

	if (count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	s = strim(cmd);
	mutex_lock(&kctl_mutex);
	if (!strcmp(s, "start")) {
		rc = session_start();
	} else if (!strcmp(s, "stop")) {
		session_stop(true);
	} else if (!strncmp(s, "tz", 2) && isspace(s[2])) {
		rc = set_time_zone(skip_spaces(s + 2));
	} else if (!strncmp(s, "target", 6) && isspace(s[6])) {
		rc = kstrtoll(skip_spaces(s + 6), 10, &pid);
		if (!rc && pid <= 0)
			rc = -EINVAL;
		else if (!rc && kstarted)
			rc = -EBUSY;
		else if (!rc)
			kstp_region->target_pid = pid;
	} else {
		rc = -EINVAL;
	}
	mutex_unlock(&kctl_mutex);
	return rc ? rc : count;
}

static const struct proc_ops control_ops = {
	.proc_open = control_open,
	.proc_release = control_release,
	.proc_read = control_read,
	.proc_write = control_write,
	.proc_lseek = default_llseek,
};

/* ---- output ---- */

static ssize_t output_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	return kstp_ring_read(ubuf, count, file->f_flags & O_NONBLOCK);
}

static const struct proc_ops output_ops = {
	.proc_read = output_read,
	.proc_lseek = noop_llseek,
};

int kstp_proc_init(const char *name)
{
	if (!stapmark_proc_dir) {
		pr_err("%s: no %s (markers.ko too old?)\n", name, STP_KPROC_DIR);
		return -ENODEV;
	}
	kdir = proc_mkdir(name, stapmark_proc_dir);
	if (!kdir) {
		pr_err("%s: cannot create %s/%s\n", name, STP_KPROC_DIR, name);
		return -ENOMEM;
	}
	if (!proc_create(STP_KCONTROL, 0600, kdir, &control_ops) ||
	    !proc_create(STP_KOUTPUT, 0600, kdir, &output_ops) || kstp_kprobes_proc(kdir)) {
		pr_err("%s: cannot create the files of %s/%s\n", name, STP_KPROC_DIR, name);
		proc_remove(kdir);
		kdir = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Blocked readers return, open files are closed (control_release: an
 * orphan clean-up if the session still runs), no new file operation
 * starts. */
void kstp_proc_exit(void)
{
	kstp_ring_shutdown();
	proc_remove(kdir);
	kdir = NULL;
}
