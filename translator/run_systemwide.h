/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_RUN_SYSTEMWIDE_H
#define STAPMARK_RUN_SYSTEMWIDE_H
/*
 * Pass 5 without -c or -x: process(PATH).mark probes on every process of
 * the executable PATH that links libmarkers (run.c drives it).
 *
 *   sysw_start    before the begin probes: listen at the rendezvous of
 *                 each executable (so that a process starting from now on
 *                 announces itself and waits), then scan /proc and attach
 *                 the module to each process of it running already, as -x
 *                 does (not a stopped one: it could not answer).
 *                 Processes running now see hits from when the
 *                 attach lands (and the session is RUNNING); processes
 *                 started later see every hit of their main().
 *   sysw_pollfds  what the main loop polls besides its own: the
 *                 rendezvous sockets and the attached processes'
 *                 control connections (they hang up when a process ends)
 *   sysw_events   after the poll: attach announced processes, let them go
 *                 on, forget the ones that ended
 *   sysw_stop     stop listening, then detach every process still attached
 *
 * Only processes of our own uid are seen (as -x), in our pid namespace.
 */
#include <poll.h>
#include <stdbool.h>
#include <sys/types.h>

#include "stp_attach.h"
#include "stp_rendezvous.h"

struct sysw_target {
	pid_t pid;
	struct stp_attachment att;
};

struct sysw {
	const char *module; /* the session's module copy */
	const struct stp_segment *seg;
	bool verbose;
	struct stp_rendezvous *rv;
	int nrv;
	struct sysw_target *t;
	int nt, cap;
	unsigned long attached_total; /* processes attached over the session */
};

/* 0, or 1 after reporting a setup failure on stderr. */
int sysw_start(struct sysw *w, const char *const *paths, int npaths, const char *module,
	       const struct stp_segment *seg, bool verbose);

/* Fill p (room for max) and return how many; sysw_events gets them back. */
int sysw_pollfds(const struct sysw *w, struct pollfd *p, int max);
int sysw_nfds(const struct sysw *w);
void sysw_events(struct sysw *w, const struct pollfd *p, int n);

void sysw_stop(struct sysw *w);
#endif
