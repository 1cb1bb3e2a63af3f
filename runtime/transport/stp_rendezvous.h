/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stapmark's side of the system-wide rendezvous (rendezvous_proto.h): one
 * listening socket per traced executable, where processes of it that start
 * during the session announce themselves and wait until they are attached.
 */
#ifndef STAPMARK_TRANSPORT_RENDEZVOUS_H
#define STAPMARK_TRANSPORT_RENDEZVOUS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rendezvous_proto.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stp_rendezvous {
	int fd; /* the listening socket (non-blocking); -1 when closed */
	uint64_t dev, ino; /* the executable's identity */
	char dir[PATH_MAX]; /* RUNDIR/exe-<dev>-<ino> */
	char sock[PATH_MAX]; /* dir/<our pid> */
};

/*
 * Listen for starting processes of the executable exe: creates RUNDIR
 * (0700; refused when it is not ours or others may write it) and the
 * executable's directory, removes stale sockets of dead sessions there and
 * binds our own.  0, or -errno with msg (msglen bytes) saying why.
 */
int stp_rendezvous_open(struct stp_rendezvous *rv, const char *exe, char *msg, size_t msglen);

/* One process waiting to be attached: its connection (answer it with
 * stp_rendezvous_answer) and *pid, or -EAGAIN when none waits.  Peers of
 * another uid are turned away here. */
int stp_rendezvous_accept(struct stp_rendezvous *rv, pid_t *pid);

/* Let the process behind conn go on (status 0: attached) and close conn. */
void stp_rendezvous_answer(int conn, int status);

/* Whether pid's executable is rv's (/proc/PID/exe).  0 or 1. */
int stp_rendezvous_matches(const struct stp_rendezvous *rv, pid_t pid);

/* Stop listening: remove the socket, and the directory when no other
 * session uses it. */
void stp_rendezvous_close(struct stp_rendezvous *rv);

#ifdef __cplusplus
}
#endif

#endif /* STAPMARK_TRANSPORT_RENDEZVOUS_H */
