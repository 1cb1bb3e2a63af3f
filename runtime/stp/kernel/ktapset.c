// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's tapset functions (ktapset.h): what the .stp files of tapset/linux/
 * need from the kernel beyond the host interface.
 */
#include <linux/cred.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm_types.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#include "stp_host.h"
#include "ktapset.h"

int64_t stp_ktask_current(void)
{
	return (int64_t)(uintptr_t)current;
}

/* Read the field f of the task at address t (no dereference of t itself). */
#define READ_TASK(t, f, out)                                                                       \
	({                                                                                         \
		typeof(((struct task_struct *)0)->f) v_;                                           \
		int r_ = stp_host_read_kernel_bytes(                                               \
			&v_, (uintptr_t) & ((struct task_struct *)(uintptr_t)(t))->f, sizeof(v_)); \
		if (!r_)                                                                           \
			*(out) = (int64_t)v_;                                                      \
		r_ ? -1 : 0;                                                                       \
	})

int stp_ktask_field(int64_t task, enum stp_ktask_field field, int64_t *out)
{
	const struct cred *cred;
	kuid_t uid;

	if (!task)
		return -1;
	switch (field) {
	case STP_KTASK_PID:
		return READ_TASK(task, tgid, out);
	case STP_KTASK_TID:
		return READ_TASK(task, pid, out);
	case STP_KTASK_PARENT:
		return READ_TASK(task, real_parent, out);
	case STP_KTASK_STATE:
		return READ_TASK(task, __state, out);
	case STP_KTASK_PRIO:
		/* stap's task_prio: the nice-relative priority, as ps shows it. */
		if (READ_TASK(task, prio, out))
			return -1;
		*out -= MAX_RT_PRIO;
		return 0;
	case STP_KTASK_UID:
		if (stp_host_read_kernel_bytes(
			    &cred, (uintptr_t) & ((struct task_struct *)(uintptr_t)task)->real_cred,
			    sizeof(cred)) ||
		    !cred || stp_host_read_kernel_bytes(&uid, (uintptr_t)&cred->uid, sizeof(uid)))
			return -1;
		*out = from_kuid_munged(&init_user_ns, uid);
		return 0;
	}
	return -1;
}

int stp_ktask_execname(int64_t task, char *dst, size_t size)
{
	char comm[TASK_COMM_LEN];
	size_t n;

	if (!size)
		return 0;
	dst[0] = 0;
	if (!task ||
	    stp_host_read_kernel_bytes(
		    comm, (uintptr_t)((struct task_struct *)(uintptr_t)task)->comm, sizeof(comm)))
		return -1;
	comm[TASK_COMM_LEN - 1] = 0;
	n = min(strlen(comm), size - 1);
	memcpy(dst, comm, n);
	dst[n] = 0;
	return 0;
}

int stp_ktask_cmdline(char *dst, size_t size)
{
	struct mm_struct *mm = current->mm;
	unsigned long start, end;
	size_t n;

	if (!size)
		return 0;
	dst[0] = 0;
	/* A kernel thread, or a task past exit_mm: no arguments. */
	if (!mm || (current->flags & PF_KTHREAD))
		return 0;
	start = READ_ONCE(mm->arg_start);
	end = READ_ONCE(mm->arg_end);
	if (end <= start)
		return 0;
	n = min_t(size_t, end - start, size - 1);
	if (stp_host_read_bytes(dst, start, n))
		return -1;
	dst[n] = 0;
	/* The arguments are NUL-separated; the last NUL ends the line. */
	while (n && !dst[n - 1])
		dst[--n] = 0;
	for (size_t i = 0; i < n; i++)
		if (!dst[i])
			dst[i] = ' ';
	return 0;
}

void stp_ksymname(int64_t addr, int offset, char *dst, size_t size)
{
	/* %ps/%pS look the address up in kallsyms (no lock, any context)
	 * and print the address itself when no symbol covers it. */
	if (offset)
		snprintf(dst, size, "%pS", (void *)(uintptr_t)addr);
	else
		snprintf(dst, size, "%ps", (void *)(uintptr_t)addr);
}

void stp_kgfp_str(int64_t flags, char *dst, size_t size)
{
	gfp_t gfp = (__force gfp_t)(unsigned int)flags;

	snprintf(dst, size, "%pGg", &gfp);
}

const char *stp_ksignal_name(int64_t sig)
{
	/* Linux's numbering on x86 and the generic ABI (asm-generic/signal.h). */
	static const char *const names[] = {
		[SIGHUP] = "SIGHUP",	   [SIGINT] = "SIGINT",	      [SIGQUIT] = "SIGQUIT",
		[SIGILL] = "SIGILL",	   [SIGTRAP] = "SIGTRAP",     [SIGABRT] = "SIGABRT",
		[SIGBUS] = "SIGBUS",	   [SIGFPE] = "SIGFPE",	      [SIGKILL] = "SIGKILL",
		[SIGUSR1] = "SIGUSR1",	   [SIGSEGV] = "SIGSEGV",     [SIGUSR2] = "SIGUSR2",
		[SIGPIPE] = "SIGPIPE",	   [SIGALRM] = "SIGALRM",     [SIGTERM] = "SIGTERM",
		[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD",     [SIGCONT] = "SIGCONT",
		[SIGSTOP] = "SIGSTOP",	   [SIGTSTP] = "SIGTSTP",     [SIGTTIN] = "SIGTTIN",
		[SIGTTOU] = "SIGTTOU",	   [SIGURG] = "SIGURG",	      [SIGXCPU] = "SIGXCPU",
		[SIGXFSZ] = "SIGXFSZ",	   [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
		[SIGWINCH] = "SIGWINCH",   [SIGIO] = "SIGIO",	      [SIGPWR] = "SIGPWR",
		[SIGSYS] = "SIGSYS",
	};

	if (sig > 0 && sig < (int64_t)ARRAY_SIZE(names) && names[sig])
		return names[sig];
	return NULL;
}
