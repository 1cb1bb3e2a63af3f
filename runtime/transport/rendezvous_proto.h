/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rendezvous of system-wide sessions (stapmark without -c or -x, on
 * programs that link libmarkers): how a process that starts while a
 * session traces its executable finds that session and waits for it.
 * Server: runtime/transport/rendezvous.c (stapmark); client:
 * runtime/user/rendezvous.c (libmarkers, at load).
 *
 * Layout, all of it per user (the effective uid of both sides):
 *
 *   RUNDIR                    $STAPMARK_RUNDIR, else /tmp/stapmark-<euid>;
 *                             mode 0700
 *   RUNDIR/exe-<dev>-<ino>/   one per traced executable, named by the
 *                             file's identity (st_dev, st_ino in hex): a
 *                             path has many spellings and links, while
 *                             /proc/self/exe stats to exactly this
 *   RUNDIR/exe-.../<pid>      one listening SOCK_SEQPACKET Unix socket per
 *                             session, named by stapmark's pid
 *
 * A starting libmarkers process stats /proc/self/exe and opens its
 * exe-<dev>-<ino> directory (ENOENT, the common case: no session, done,
 * two system calls).  It trusts the directory only when it is owned by
 * its euid and writable by nobody else.  It connects to each socket in it
 * (refused: a stale socket of a stapmark that was killed, skipped), checks
 * that the peer runs as its euid, and waits for one struct stp_rdv_reply,
 * which stapmark sends once it has attached the session's module through
 * the control socket (control_proto.h): so the program's main() starts
 * with the session's handlers in place.  The wait is bounded:
 * STAPMARK_ATTACH_WAIT_MS in the environment (default
 * STP_RDV_WAIT_MS_DEFAULT) for all sessions together; 0 turns the
 * rendezvous off.
 */
#ifndef STAPMARK_TRANSPORT_RENDEZVOUS_PROTO_H
#define STAPMARK_TRANSPORT_RENDEZVOUS_PROTO_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define STP_RDV_MAGIC 0x56445253u /* "SRDV" */
#define STP_RDV_ENV_DIR "STAPMARK_RUNDIR"
#define STP_RDV_ENV_WAIT "STAPMARK_ATTACH_WAIT_MS"
#define STP_RDV_WAIT_MS_DEFAULT 2000

/* stapmark -> the starting process, once, then the connection closes. */
struct stp_rdv_reply {
	uint32_t magic; /* STP_RDV_MAGIC */
	int32_t status; /* 0: attached; else -errno (the process runs untraced) */
};

/* RUNDIR into buf; the length snprintf returns (>= len: too long). */
static inline int stp_rdv_dir(char *buf, size_t len)
{
	const char *env = getenv(STP_RDV_ENV_DIR);

	if (env && env[0])
		return snprintf(buf, len, "%s", env);
	return snprintf(buf, len, "/tmp/stapmark-%u", (unsigned)geteuid());
}

/* RUNDIR/exe-<dev>-<ino> into buf; as stp_rdv_dir. */
static inline int stp_rdv_exe_dir(char *buf, size_t len, uint64_t dev, uint64_t ino)
{
	int n = stp_rdv_dir(buf, len);

	if (n < 0 || (size_t)n >= len)
		return n < 0 ? n : (int)len;
	return n + snprintf(buf + n, len - (size_t)n, "/exe-%llx-%llx", (unsigned long long)dev,
			    (unsigned long long)ino);
}

#endif /* STAPMARK_TRANSPORT_RENDEZVOUS_PROTO_H */
