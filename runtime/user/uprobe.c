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
 *
 * All probes on one function (file, offset, entry or return) share one
 * set of events and are called in turn from one signal: SIGTRAP is not a
 * queued signal, so two events hit by one instruction would deliver one.
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

/* One function's events and the probes on it (NULL-terminated, RCU). */
struct uprobe_site {
	char *path;
	unsigned long offset;
	int retprobe;
	uint32_t id;
	uint16_t gen;
	int nfds;
	int *fds;
	pid_t *tids;
	struct marker_uprobe **probes;
	int nprobes;
	int pmu_type, pmu_retbit;
};

struct marker_uprobe {
	marker_uprobe_func *probe;
	void *probe_private;
	struct uprobe_site *site;
};

static struct uprobe_site *table[MAX_UPROBES];
static uint16_t generation[MAX_UPROBES];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t trap_once = PTHREAD_ONCE_INIT;
static int trap_state; /* 1 installed, -1 failed */
static struct sigaction prev_trap;
static unsigned long dropped;
static int nsites; /* sites in the table: cover_self has work */
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
	struct uprobe_site *s;
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
	/* The probe may call anything that sets errno; the code it
	 * interrupted must find its own. */
	int saved_errno = errno;

	in_handler = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (host_dispatch_enter(&d)) {
		s = host_dereference(table[(uint32_t)data]);
		if (s && s->gen == (uint16_t)(data >> 32)) {
			struct marker_uprobe **p = host_dereference(s->probes);

			for (; p && *p; p++)
				(*p)->probe((*p)->probe_private, uc);
		}
		host_dispatch_exit(&d);
	} else {
		__atomic_add_fetch(&dropped, 1, __ATOMIC_RELAXED);
	}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	in_handler = 0;
	errno = saved_errno;
}

/* What a probe that could not be taken out of its array becomes. */
static void marker_uprobe_ignore(void *probe_private, void *ucontext)
{
	(void)probe_private;
	(void)ucontext;
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

static int covered(const struct uprobe_site *u, pid_t tid)
{
	for (int i = 0; i < u->nfds; i++)
		if (u->tids[i] == tid)
			return 1;
	return 0;
}

/* Keep fd, thread tid's event for u; 0 or -ENOMEM. */
static int add_event(struct uprobe_site *u, int fd, pid_t tid)
{
	int *fds = realloc(u->fds, sizeof(int) * (size_t)(u->nfds + 1));
	pid_t *tids;

	if (!fds)
		return -ENOMEM;
	u->fds = fds;
	tids = realloc(u->tids, sizeof(pid_t) * (size_t)(u->nfds + 1));
	if (!tids)
		return -ENOMEM;
	u->tids = tids;
	u->fds[u->nfds] = fd;
	u->tids[u->nfds++] = tid;
	return 0;
}

/* One pass over the process's threads: open an event on each one not yet
 * covered.  Returns how many were opened, or -errno. */
static int cover_threads(struct uprobe_site *u, struct perf_event_attr *attr)
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
		if (add_event(u, fd, tid) < 0) {
			close(fd);
			err = -ENOMEM;
			break;
		}
		opened++;
	}
	closedir(dir);
	return err ? err : opened;
}

static void close_events(struct uprobe_site *u)
{
	for (int i = 0; i < u->nfds; i++)
		close(u->fds[i]);
	free(u->fds);
	free(u->tids);
	u->fds = NULL;
	u->tids = NULL;
	u->nfds = 0;
}

/* The event every thread of the process gets for site s. */
static void site_attr(const struct uprobe_site *s, struct perf_event_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = (uint32_t)s->pmu_type;
	attr->config = s->retprobe ? 1ull << s->pmu_retbit : 0;
	attr->config1 = (uint64_t)(uintptr_t)s->path; /* uprobe_path */
	attr->config2 = s->offset; /* probe_offset */
	attr->sample_period = 1;
	attr->sigtrap = 1;
	attr->remove_on_exec = 1; /* sigtrap requires it */
	attr->sig_data = COOKIE(s->gen, s->id);
	/* No inherit: on this kernel (6.18), once a thread that inherited a
	 * sigtrap event exits, the parent event never signals again.  Threads
	 * created later cover themselves (marker_uprobe_cover_self). */
	attr->exclude_kernel = 1;
	attr->exclude_hv = 1;
}

/* Events on every thread of the process for s; 0 or -errno. */
static int open_site(struct uprobe_site *s)
{
	struct perf_event_attr attr;
	int err = 0;

	site_attr(s, &attr);
	/* Until a pass over the threads finds none uncovered (a thread being
	 * created while we look). */
	for (int pass = 0; pass < 16; pass++) {
		err = cover_threads(s, &attr);
		if (err <= 0)
			break;
	}
	if (err < 0 || !s->nfds) {
		close_events(s);
		return err < 0 ? err : -ESRCH;
	}
	return 0;
}

/* The probes of s with p added (or removed, when add is 0), as a new
 * NULL-terminated array; NULL when out of memory. */
static struct marker_uprobe **probes_with(struct uprobe_site *s, struct marker_uprobe *p, int add)
{
	struct marker_uprobe **v = calloc((size_t)s->nprobes + 2, sizeof(*v));
	int n = 0;

	if (!v)
		return NULL;
	for (int i = 0; i < s->nprobes; i++)
		if (s->probes[i] != p)
			v[n++] = s->probes[i];
	if (add)
		v[n++] = p;
	return v;
}

static void free_site(struct uprobe_site *s)
{
	free(s->probes);
	free(s->path);
	free(s);
}

/* Under table_lock: closes s's events and takes it out of the table.  It
 * is freed once a grace period has passed (a hit may still hold it). */
static void withdraw_site(struct uprobe_site *s)
{
	close_events(s);
	host_assign(table[s->id], NULL);
	__atomic_sub_fetch(&nsites, 1, __ATOMIC_RELAXED);
}

int marker_uprobe_register(const char *path, unsigned long offset, int retprobe,
			   marker_uprobe_func *probe, void *probe_private,
			   struct marker_uprobe **out)
{
	struct marker_uprobe *u, **old, **probes;
	struct uprobe_site *s = NULL;
	int type, retbit, err, id, free_id = -1;

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
	for (id = 0; id < MAX_UPROBES; id++) {
		if (!table[id]) {
			if (free_id < 0)
				free_id = id;
		} else if (table[id]->offset == offset && table[id]->retprobe == !!retprobe &&
			   !strcmp(table[id]->path, path)) {
			s = table[id];
			break;
		}
	}
	if (!s) {
		err = free_id < 0 ? -ENOSPC : -ENOMEM;
		s = free_id < 0 ? NULL : calloc(1, sizeof(*s));
		if (s && !(s->path = strdup(path))) {
			free(s);
			s = NULL;
		}
		if (s) {
			s->offset = offset;
			s->retprobe = !!retprobe;
			s->id = (uint32_t)free_id;
			s->gen = ++generation[free_id];
			s->pmu_type = type;
			s->pmu_retbit = retbit;
			err = open_site(s);
		}
		if (err) {
			pthread_mutex_unlock(&table_lock);
			if (s)
				free_site(s);
			free(u);
			return err;
		}
		/* No probe yet: a hit before the array below is published
		 * finds none. */
		host_assign(table[free_id], s);
		__atomic_add_fetch(&nsites, 1, __ATOMIC_RELAXED);
	}
	probes = probes_with(s, u, 1);
	if (!probes) {
		int created = !s->nprobes; /* made above: it has no probe to keep */

		if (created)
			withdraw_site(s);
		pthread_mutex_unlock(&table_lock);
		if (created) {
			host_synchronize(); /* a hit that found the site has left */
			free_site(s);
		}
		free(u);
		return -ENOMEM;
	}
	old = s->probes;
	host_assign(s->probes, probes);
	s->nprobes++;
	u->site = s;
	pthread_mutex_unlock(&table_lock);
	if (old) { /* a function's first probe replaces no array */
		host_synchronize(); /* nobody reads the old array any more */
		free(old);
	}
	*out = u;
	return 0;
}

void marker_uprobe_unregister(struct marker_uprobe *u)
{
	struct uprobe_site *s, *gone = NULL;
	struct marker_uprobe **old, **probes;

	if (!u)
		return;
	s = u->site;
	pthread_mutex_lock(&table_lock);
	old = s->probes;
	if (s->nprobes == 1) {
		/* The last one: the events go, then the site. */
		withdraw_site(s);
		gone = s;
		old = NULL; /* free_site frees it */
	} else {
		probes = probes_with(s, u, 0);
		if (probes) {
			host_assign(s->probes, probes);
			s->nprobes--;
		} else {
			/* No memory for a smaller array: keep the probe's slot
			 * but make it do nothing. */
			old = NULL;
			__atomic_store_n(&u->probe, marker_uprobe_ignore, __ATOMIC_RELAXED);
		}
	}
	pthread_mutex_unlock(&table_lock);
	/* Handlers that found the old array (or the site) have left. */
	host_synchronize();
	if (old)
		free(old);
	if (gone)
		free_site(gone);
	if (old || gone)
		free(u);
}

void marker_uprobe_cover_self(void)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);

	if (!__atomic_load_n(&nsites, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&table_lock);
	for (int id = 0; id < MAX_UPROBES; id++) {
		struct uprobe_site *s = table[id];
		struct perf_event_attr attr;
		int fd;

		if (!s || covered(s, tid))
			continue;
		site_attr(s, &attr);
		fd = open_event(&attr, 0);
		if (fd >= 0 && add_event(s, fd, tid) < 0)
			close(fd);
	}
	pthread_mutex_unlock(&table_lock);
}

unsigned long marker_uprobe_dropped(void)
{
	return __atomic_load_n(&dropped, __ATOMIC_RELAXED);
}
