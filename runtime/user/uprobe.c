// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Function probes with in-process handlers (stapmark/uprobe.h): a perf
 * uprobe event per thread, opened with sigtrap, so that the kernel sends
 * the thread that hits the function a synchronous SIGTRAP carrying our
 * cookie (si_perf_data); the handler below finds the probe and calls it
 * with the thread's registers.
 *
 * The handler lives in libmarkers, which stays loaded for the life of the
 * process, not in the probe module (unloaded at detach while a late
 * SIGTRAP may still be pending).  It is installed once, in front of the
 * program's SIGTRAP handler, and passes on every SIGTRAP that is not ours.
 * Probes are published under the RCU read side like marker probes; the
 * cookie carries a generation so that a late signal of a removed probe
 * never runs a newer probe that reuses its slot.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core/host.h"
#include <stapmark/uprobe.h>

#define MAX_UPROBES 4096
/* si_perf_data: magic (16 bits), generation (16), slot (32). */
#define COOKIE_MAGIC 0x5354ull
#define COOKIE(gen, id) (COOKIE_MAGIC << 48 | (uint64_t)(gen) << 32 | (uint32_t)(id))
/* glibc 2.36 has neither TRAP_PERF nor si_perf_data (Linux 5.13 uapi):
 * si_code 6, and the data is the first word after si_addr. */
#define SI_TRAP_PERF 6

struct marker_uprobe {
	marker_uprobe_func *probe;
	void *probe_private;
	uint32_t id;
	uint16_t gen;
	int nfds;
	int *fds;
	pid_t *tids;
};

static struct marker_uprobe *table[MAX_UPROBES];
static uint16_t generation[MAX_UPROBES];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t trap_once = PTHREAD_ONCE_INIT;
static int trap_state; /* 1 installed, -1 failed */
static struct sigaction prev_trap;
static unsigned long dropped;
/* This thread runs a uprobe handler: a hit inside it is dropped. */
static __thread int in_handler __attribute__((tls_model("initial-exec")));

static uint64_t perf_data(const siginfo_t *si)
{
	uint64_t v;

	memcpy(&v, (const char *)&si->si_addr + sizeof(void *), sizeof(v));
	return v;
}

/* Someone else's SIGTRAP: what the program would have seen. */
static void chain(int sig, siginfo_t *si, void *uc)
{
	if (prev_trap.sa_flags & SA_SIGINFO) {
		prev_trap.sa_sigaction(sig, si, uc);
	} else if (prev_trap.sa_handler == SIG_IGN) {
		return;
	} else if (prev_trap.sa_handler != SIG_DFL) {
		prev_trap.sa_handler(sig);
	} else {
		/* The default action (a core dump), as if we were not here. */
		signal(sig, SIG_DFL);
		raise(sig);
	}
}

static void on_trap(int sig, siginfo_t *si, void *uc)
{
	struct host_dispatch d;
	struct marker_uprobe *u;
	uint64_t data;

	if (si->si_code != SI_TRAP_PERF || (data = perf_data(si)) >> 48 != COOKIE_MAGIC) {
		chain(sig, si, uc);
		return;
	}
	if ((uint32_t)data >= MAX_UPROBES)
		return;
	if (in_handler) {
		__atomic_add_fetch(&dropped, 1, __ATOMIC_RELAXED);
		return;
	}
	in_handler = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (host_dispatch_enter(&d)) {
		u = host_dereference(table[(uint32_t)data]);
		if (u && u->gen == (uint16_t)(data >> 32))
			u->probe(u->probe_private, uc);
		host_dispatch_exit(&d);
	} else {
		__atomic_add_fetch(&dropped, 1, __ATOMIC_RELAXED);
	}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	in_handler = 0;
}

static void install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_trap;
	/* NODEFER: a probed function called by a handler traps again at once
	 * and is dropped, rather than pending and trapping after every
	 * handler, for ever. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESTART | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	trap_state = sigaction(SIGTRAP, &sa, &prev_trap) == 0 ? 1 : -1;
}

/* The uprobe PMU's type and the config bit that makes a return probe. */
static int uprobe_pmu(int *type, int *retbit)
{
	FILE *f = fopen("/sys/bus/event_source/devices/uprobe/type", "r");
	int ok;

	if (!f)
		return -ENOSYS;
	ok = fscanf(f, "%d", type) == 1;
	fclose(f);
	if (!ok)
		return -ENOSYS;
	*retbit = 0;
	f = fopen("/sys/bus/event_source/devices/uprobe/format/retprobe", "r");
	if (f) {
		if (fscanf(f, "config:%d", retbit) != 1)
			*retbit = 0;
		fclose(f);
	}
	return 0;
}

static int open_event(struct perf_event_attr *attr, pid_t tid)
{
	long fd = syscall(SYS_perf_event_open, attr, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : (int)fd;
}

static int covered(const struct marker_uprobe *u, pid_t tid)
{
	for (int i = 0; i < u->nfds; i++)
		if (u->tids[i] == tid)
			return 1;
	return 0;
}

/* One pass over the process's threads: open an event on each one not yet
 * covered.  Returns how many were opened, or -errno. */
static int cover_threads(struct marker_uprobe *u, struct perf_event_attr *attr)
{
	DIR *dir = opendir("/proc/self/task");
	struct dirent *de;
	int opened = 0, err = 0;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		pid_t tid = (pid_t)atoi(de->d_name);
		int fd;

		if (tid <= 0 || covered(u, tid))
			continue;
		fd = open_event(attr, tid);
		if (fd == -ESRCH) /* it exited meanwhile */
			continue;
		if (fd < 0) {
			err = fd;
			break;
		}
		int *fds = realloc(u->fds, sizeof(int) * (size_t)(u->nfds + 1));
		pid_t *tids = fds ? realloc(u->tids, sizeof(pid_t) * (size_t)(u->nfds + 1)) : NULL;

		if (fds)
			u->fds = fds;
		if (!tids) {
			close(fd);
			err = -ENOMEM;
			break;
		}
		u->tids = tids;
		u->fds[u->nfds] = fd;
		u->tids[u->nfds++] = tid;
		opened++;
	}
	closedir(dir);
	return err ? err : opened;
}

static void close_events(struct marker_uprobe *u)
{
	for (int i = 0; i < u->nfds; i++)
		close(u->fds[i]);
	free(u->fds);
	free(u->tids);
	u->fds = NULL;
	u->tids = NULL;
	u->nfds = 0;
}

int marker_uprobe_register(const char *path, unsigned long offset, int retprobe,
			   marker_uprobe_func *probe, void *probe_private,
			   struct marker_uprobe **out)
{
	struct perf_event_attr attr;
	struct marker_uprobe *u;
	int type, retbit, err, id;

	if (!path || !probe || !out)
		return -EINVAL;
	err = uprobe_pmu(&type, &retbit);
	if (err)
		return err;
	pthread_once(&trap_once, install);
	if (trap_state != 1)
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->probe = probe;
	u->probe_private = probe_private;

	pthread_mutex_lock(&table_lock);
	for (id = 0; id < MAX_UPROBES && table[id]; id++)
		;
	if (id == MAX_UPROBES) {
		pthread_mutex_unlock(&table_lock);
		free(u);
		return -ENOSPC;
	}
	u->id = (uint32_t)id;
	u->gen = ++generation[id];
	/* Published before any event exists: the first hit finds it. */
	host_assign(table[id], u);

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = (uint32_t)type;
	attr.config = retprobe ? 1ull << retbit : 0;
	attr.config1 = (uint64_t)(uintptr_t)path; /* uprobe_path */
	attr.config2 = offset; /* probe_offset */
	attr.sample_period = 1;
	attr.sigtrap = 1;
	attr.remove_on_exec = 1; /* sigtrap requires it */
	attr.sig_data = COOKIE(u->gen, id);
	/* Threads a covered thread creates later are covered (not forks). */
	attr.inherit = 1;
	attr.inherit_thread = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	/* Until a pass over the threads finds none uncovered (a thread being
	 * created by an uncovered one while we look). */
	for (int pass = 0; pass < 16; pass++) {
		err = cover_threads(u, &attr);
		if (err <= 0)
			break;
	}
	if (err < 0 || !u->nfds) {
		host_assign(table[id], NULL);
		pthread_mutex_unlock(&table_lock);
		close_events(u);
		host_synchronize();
		free(u);
		return err < 0 ? err : -ESRCH;
	}
	pthread_mutex_unlock(&table_lock);
	*out = u;
	return 0;
}

void marker_uprobe_unregister(struct marker_uprobe *u)
{
	if (!u)
		return;
	pthread_mutex_lock(&table_lock);
	close_events(u);
	host_assign(table[u->id], NULL);
	pthread_mutex_unlock(&table_lock);
	/* Handlers that found it have left. */
	host_synchronize();
	free(u);
}

unsigned long marker_uprobe_dropped(void)
{
	return __atomic_load_n(&dropped, __ATOMIC_RELAXED);
}
