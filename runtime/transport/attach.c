// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Client of libmarkers' control socket (protocol in control_proto.h), for
 * stapmark -x PID.  Every call has a timeout: a target that is stopped or
 * wedged must not hang stapmark.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "stp_attach.h"

#define CALL_TIMEOUT_S 30 /* a module's attach may take a while (dlopen, relocations) */

int stp_control_connect(pid_t pid)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct timeval tv = {CALL_TIMEOUT_S, 0};
	socklen_t len;
	int fd;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	len = offsetof(struct sockaddr_un, sun_path) + 1 +
	      snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1, STP_CTL_NAME_FMT, (int)pid);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, len) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int stp_control_call(int sock, const struct stp_ctl_request *q, int fd, struct stp_ctl_reply *r)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {(void *)q, sizeof(*q)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	/* A refused peer is told so and disconnected: read that reply even
	 * when the send failed. */
	/* A server that refuses us replies and closes with our request
	 * unread, which reports ECONNRESET ahead of the queued reply: the
	 * error is reported once, so read again for the reply. */
	for (int reset = 0;;) {
		n = recv(sock, r, sizeof(*r), 0);
		if (n < 0 && (errno == EINTR || (errno == ECONNRESET && !reset++)))
			continue;
		break;
	}
	if (n < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	if (n != sizeof(*r) || r->magic != STP_CTL_MAGIC || r->version != STP_CTL_VERSION)
		return n == 0 ? -ECONNRESET : -EPROTO;
	r->msg[sizeof(r->msg) - 1] = '\0';
	return r->status;
}

static void init_request(struct stp_ctl_request *q, uint32_t op)
{
	memset(q, 0, sizeof(*q));
	q->magic = STP_CTL_MAGIC;
	q->version = STP_CTL_VERSION;
	q->op = op;
}

static void set_msg(char *msg, size_t len, const char *text, int err)
{
	if (!msg || !len)
		return;
	if (text && text[0])
		snprintf(msg, len, "%s", text);
	else
		snprintf(msg, len, "%s", strerror(-err));
}

int stp_attach_pid(pid_t pid, const char *module_path, const struct stp_segment *seg,
		   struct stp_attachment *a)
{
	struct stp_ctl_request *q = malloc(sizeof(*q));
	struct stp_ctl_reply r;
	int err;

	memset(a, 0, sizeof(*a));
	a->sock = -1;
	a->pid = pid;
	if (!q)
		return -ENOMEM;
	init_request(q, STP_CTL_LOAD);
	q->session_id = seg->hdr->session_id;
	if (!realpath(module_path, q->path)) {
		err = -errno;
		snprintf(a->msg, sizeof(a->msg), "%s: %s", module_path, strerror(-err));
		goto out;
	}
	err = stp_control_connect(pid);
	if (err < 0) {
		snprintf(a->msg, sizeof(a->msg),
			 "cannot connect to process %d: %s (is it running and using libmarkers?)",
			 (int)pid, strerror(-err));
		goto out;
	}
	a->sock = err;
	memset(&r, 0, sizeof(r));
	err = stp_control_call(a->sock, q, seg->fd, &r);
	if (err) {
		set_msg(a->msg, sizeof(a->msg), r.magic == STP_CTL_MAGIC ? r.msg : NULL, err);
		close(a->sock);
		a->sock = -1;
		goto out;
	}
	a->id = r.id;
out:
	free(q);
	return err;
}

int stp_detach_pid(struct stp_attachment *a)
{
	struct stp_ctl_request *q;
	struct stp_ctl_reply r;
	int err;

	if (a->sock < 0)
		return -ENOTCONN;
	q = malloc(sizeof(*q));
	if (!q)
		return -ENOMEM;
	init_request(q, STP_CTL_UNLOAD);
	q->id = a->id;
	memset(&r, 0, sizeof(r));
	err = stp_control_call(a->sock, q, -1, &r);
	if (err)
		set_msg(a->msg, sizeof(a->msg), r.magic == STP_CTL_MAGIC ? r.msg : NULL, err);
	/* Closing detaches too, should the request have failed. */
	close(a->sock);
	a->sock = -1;
	free(q);
	return err;
}

int stp_control_status(pid_t pid, struct stp_ctl_reply *status)
{
	struct stp_ctl_request *q = malloc(sizeof(*q));
	struct stp_ctl_reply r;
	int sock, err;

	if (!q)
		return -ENOMEM;
	init_request(q, status ? STP_CTL_STATUS : STP_CTL_PING);
	sock = stp_control_connect(pid);
	if (sock < 0) {
		free(q);
		return sock;
	}
	memset(&r, 0, sizeof(r));
	err = stp_control_call(sock, q, -1, &r);
	if (status)
		*status = r;
	close(sock);
	free(q);
	return err;
}

int stp_detach_preloaded(pid_t pid, const char *module_path, char *msg, size_t msglen)
{
	struct stp_ctl_request *q = malloc(sizeof(*q));
	struct stp_ctl_reply r;
	int sock, err;

	if (!q)
		return -ENOMEM;
	init_request(q, STP_CTL_UNLOAD);
	if (!realpath(module_path, q->path)) {
		err = -errno;
		set_msg(msg, msglen, NULL, err);
		free(q);
		return err;
	}
	sock = stp_control_connect(pid);
	if (sock < 0) {
		set_msg(msg, msglen, NULL, sock);
		free(q);
		return sock;
	}
	memset(&r, 0, sizeof(r));
	err = stp_control_call(sock, q, -1, &r);
	if (err)
		set_msg(msg, msglen, r.magic == STP_CTL_MAGIC ? r.msg : NULL, err);
	close(sock);
	free(q);
	return err;
}
