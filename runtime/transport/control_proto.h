/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Wire protocol of libmarkers' control socket (server: runtime/user/
 * control.c; client: runtime/transport/attach.c).
 *
 * The socket is a SOCK_SEQPACKET Unix socket in the abstract namespace,
 * named "\0stapmark-<pid>" (shown as "@stapmark-<pid>" by ss -x).  Each
 * request is one message (struct stp_ctl_request; LOAD carries the segment
 * fd as SCM_RIGHTS) and gets one reply message (struct stp_ctl_reply).
 * The server accepts only peers whose uid (SO_PEERCRED) is its own
 * effective uid, or root; others get one reply with status -EPERM.
 *
 * Modules a connection loaded stay attached while it is open; when it
 * closes (stapmark exited or was killed) the server detaches them, so a
 * target is never left with probes of a dead session.
 */
#ifndef STAPMARK_TRANSPORT_CONTROL_PROTO_H
#define STAPMARK_TRANSPORT_CONTROL_PROTO_H

#include <stdint.h>

#define STP_CTL_MAGIC 0x4c544353u /* "SCTL" */
#define STP_CTL_VERSION 1
#define STP_CTL_NAME_FMT "stapmark-%d" /* after the abstract namespace's NUL */
#define STP_CTL_PATH_MAX 4096

enum stp_ctl_op {
	STP_CTL_PING = 1, /* reply status 0 with pid */
	STP_CTL_STATUS, /* reply with nmodules and sites_on */
	STP_CTL_LOAD, /* dlopen path, stp_module_attach with the fd passed */
	STP_CTL_UNLOAD, /* by id, or by path when id is 0 (incl. a preloaded one) */
};

struct stp_ctl_request {
	uint32_t magic; /* STP_CTL_MAGIC */
	uint32_t version; /* STP_CTL_VERSION */
	uint32_t op; /* enum stp_ctl_op */
	uint32_t id; /* UNLOAD: the id LOAD returned */
	uint64_t session_id; /* LOAD: the segment's session id */
	char path[STP_CTL_PATH_MAX]; /* LOAD, UNLOAD: absolute path, NUL-terminated */
};

struct stp_ctl_reply {
	uint32_t magic;
	uint32_t version;
	int32_t status; /* 0 or -errno */
	uint32_t id; /* LOAD: the module's id in this process */
	uint32_t pid; /* the server's process */
	uint32_t nmodules; /* modules attached through the server */
	uint32_t sites_on; /* marker sites on: probes attached and armed */
	uint32_t pad;
	char msg[256]; /* why, when status != 0 (e.g. dlerror()) */
};

#endif /* STAPMARK_TRANSPORT_CONTROL_PROTO_H */
