// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * System-wide mode for libmarkers programs (run_systemwide.h).  Why a
 * rendezvous rather than watching /proc: nothing tells us when a process
 * starts (no inotify on /proc, and the process connector needs
 * CAP_NET_ADMIN), and attaching whenever we happen to notice a process
 * would lose the hits of its first moments, all of them for a short-lived
 * one.  With the rendezvous the starting process itself tells us, and
 * waits, bounded, until its handlers are in (runtime/transport/
 * rendezvous_proto.h); /proc is scanned once, for the processes that
 * started before we listened.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_systemwide.h"

static struct sysw_target *find(struct sysw *w, pid_t pid)
{
	for (int i = 0; i < w->nt; i++)
		if (w->t[i].pid == pid)
			return &w->t[i];
	return NULL;
}

/* Forget t: its process ended (or exec'd: the connection is close-on-exec). */
static void forget(struct sysw *w, struct sysw_target *t)
{
	close(t->att.sock);
	if (w->verbose)
		fprintf(stderr, "stapmark: process %d ended\n", (int)t->pid);
	*t = w->t[--w->nt];
}

/* Whether t's control connection hung up: the server sends nothing
 * unasked, so any event on it means the process is gone. */
static bool hung_up(const struct sysw_target *t)
{
	struct pollfd p = {.fd = t->att.sock, .events = POLLIN};

	return poll(&p, 1, 0) > 0;
}

/* Not ours to report: the process has no control server (not yet
 * listening -- it will announce itself --, STAPMARK_CONTROL=0), or it
 * ended meanwhile. */
static bool quiet_failure(int err)
{
	return err == -ECONNREFUSED || err == -ENOENT || err == -ESRCH || err == -ECONNRESET ||
	       err == -EPIPE;
}

/* Attach the module to pid unless it is attached already.  0 or -errno. */
static int attach(struct sysw *w, pid_t pid)
{
	struct sysw_target *t;
	int err;

	/* Attached already -- unless that was the image the pid had before
	 * an exec whose hang-up we have not seen yet: the new one announces
	 * itself at the rendezvous and needs the module again. */
	t = find(w, pid);
	if (t && !hung_up(t))
		return 0;
	if (t)
		forget(w, t);
	if (w->nt == w->cap) {
		int cap = w->cap ? 2 * w->cap : 16;
		struct sysw_target *n = realloc(w->t, (size_t)cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		w->t = n;
		w->cap = cap;
	}
	t = &w->t[w->nt];
	err = stp_attach_pid(pid, w->module, w->seg, &t->att);
	if (err) {
		if (!quiet_failure(err) || w->verbose)
			fprintf(stderr, "stapmark: cannot attach to process %d: %s\n", (int)pid,
				t->att.msg);
		return err;
	}
	t->pid = pid;
	w->nt++;
	w->attached_total++;
	if (w->verbose)
		fprintf(stderr, "stapmark: attached to process %d\n", (int)pid);
	return 0;
}

/* A stopped process (job control, a debugger) cannot answer its control
 * socket until it is continued: attaching would hang us for the control
 * call's timeout. */
static bool stopped(long pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* "pid (comm) S ...": comm may hold anything, the state follows its
	 * last ')'. */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'T' || p[2] == 't');
}

static void scan_proc(struct sysw *w)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t self = getpid();
	uid_t uid = geteuid();
	struct stat st;
	char dir[64];

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *end;
		long pid;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid == self)
			continue;
		/* Our own uid's processes only, as the rendezvous: root too
		 * leaves other users' programs alone (-x can still attach). */
		snprintf(dir, sizeof(dir), "/proc/%ld", pid);
		if (stat(dir, &st) < 0 || st.st_uid != uid)
			continue;
		for (int i = 0; i < w->nrv; i++) {
			if (!stp_rendezvous_matches(&w->rv[i], (pid_t)pid))
				continue;
			if (stopped(pid))
				fprintf(stderr,
					"WARNING: process %ld is stopped: not attached (it runs "
					"untraced when continued)\n",
					pid);
			else
				attach(w, (pid_t)pid);
			break;
		}
	}
	closedir(d);
}

/* A shared library (ET_DYN without PT_INTERP) is never a process's
 * executable: say so, rather than wait for processes that never come. */
static bool is_shared_library(const char *path)
{
	bool lib = false;
	GElf_Ehdr eh;
	Elf *elf;
	size_t n;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf && gelf_getehdr(elf, &eh) && eh.e_type == ET_DYN && elf_getphdrnum(elf, &n) == 0) {
		lib = true;
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_INTERP)
				lib = false;
		}
	}
	elf_end(elf);
	close(fd);
	return lib;
}

int sysw_start(struct sysw *w, const char *const *paths, int npaths, const char *module,
	       const struct stp_segment *seg, bool verbose)
{
	struct rlimit nofile;
	char msg[512];

	memset(w, 0, sizeof(*w));
	/* One control connection per process attached: allow as many as the
	 * hard limit does, not just the usual soft 1024. */
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	w->module = module;
	w->seg = seg;
	w->verbose = verbose;
	w->rv = calloc((size_t)npaths, sizeof(*w->rv));
	if (!w->rv) {
		fprintf(stderr, "stapmark: %s\n", strerror(ENOMEM));
		return 1;
	}
	for (int i = 0; i < npaths; i++) {
		if (is_shared_library(paths[i]))
			fprintf(stderr,
				"WARNING: %s is a shared library: system-wide mode traces the "
				"processes whose executable is the file named; use -c or -x\n",
				paths[i]);
		if (stp_rendezvous_open(&w->rv[i], paths[i], msg, sizeof(msg))) {
			fprintf(stderr, "stapmark: cannot trace %s system-wide: %s\n", paths[i],
				msg);
			return 1;
		}
		w->nrv++;
	}
	/* Listening first: a process that misses the rendezvous was running
	 * its constructor before it existed, so it is in /proc now. */
	scan_proc(w);
	return 0;
}

int sysw_nfds(const struct sysw *w)
{
	return w->nrv + w->nt;
}

int sysw_pollfds(const struct sysw *w, struct pollfd *p, int max)
{
	int n = 0;

	for (int i = 0; i < w->nrv && n < max; i++)
		p[n++] = (struct pollfd){.fd = w->rv[i].fd, .events = POLLIN};
	for (int i = 0; i < w->nt && n < max; i++)
		p[n++] = (struct pollfd){.fd = w->t[i].att.sock, .events = POLLIN};
	return n;
}

/* A process announced itself at the rendezvous: attach, then let it go on. */
static void accept_all(struct sysw *w, struct stp_rendezvous *rv)
{
	pid_t pid;
	int c;

	while ((c = stp_rendezvous_accept(rv, &pid)) >= 0)
		stp_rendezvous_answer(c, attach(w, pid));
}

void sysw_events(struct sysw *w, const struct pollfd *p, int n)
{
	int nrv = w->nrv < n ? w->nrv : n;

	/* Ended processes first (their control connection hung up: the
	 * server sends nothing unasked), while p still matches w->t. */
	for (int i = w->nt - 1; i >= 0; i--)
		if (nrv + i < n && p[nrv + i].revents)
			forget(w, &w->t[i]);
	for (int i = 0; i < nrv; i++)
		if (p[i].revents & POLLIN)
			accept_all(w, &w->rv[i]);
}

void sysw_stop(struct sysw *w)
{
	/* No new process may wait for us from here on; those already waiting
	 * see the connection reset and run on untraced. */
	for (int i = 0; i < w->nrv; i++)
		stp_rendezvous_close(&w->rv[i]);
	for (int i = 0; i < w->nt; i++) {
		int err = stp_detach_pid(&w->t[i].att);

		if (err && !quiet_failure(err) && kill(w->t[i].pid, 0) == 0)
			fprintf(stderr, "stapmark: detaching from process %d: %s\n",
				(int)w->t[i].pid, w->t[i].att.msg);
	}
	w->nt = 0;
	free(w->t);
	free(w->rv);
	w->t = NULL;
	w->rv = NULL;
	w->nrv = 0;
}
