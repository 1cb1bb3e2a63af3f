// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The system-wide rendezvous, stapmark's side (stp_rendezvous.h; layout
 * and protocol in rendezvous_proto.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "stp_rendezvous.h"

/* A directory we may trust: ours and writable by nobody else. */
static int check_dir(const char *path, char *msg, size_t msglen)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		int err = -errno;

		snprintf(msg, msglen, "%s: %s", path, strerror(-err));
		return err;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022)) {
		snprintf(msg, msglen, "%s: not a directory of ours that only we may write", path);
		return -EPERM;
	}
	return 0;
}

static int make_dir(const char *path, char *msg, size_t msglen)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		int err = -errno;

		snprintf(msg, msglen, "cannot create %s: %s", path, strerror(-err));
		return err;
	}
	return check_dir(path, msg, msglen);
}

static int fill_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		return -ENAMETOOLONG;
	memcpy(a->sun_path, path, strlen(path) + 1);
	return 0;
}

/* Sockets of sessions that died without closing (SIGKILL) cost every
 * start of the executable a refused connect: remove them.  Stale means
 * refused and its stapmark (the name) gone: a session that is starting
 * too refuses between its bind and its listen. */
static void remove_stale(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		struct sockaddr_un a;
		char path[PATH_MAX];
		int fd;

		if (e->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    fill_addr(&a, path))
			continue;
		fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			continue;
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno == ECONNREFUSED &&
		    kill((pid_t)atoi(e->d_name), 0) < 0 && errno == ESRCH)
			unlink(path);
		close(fd);
	}
	closedir(d);
}

int stp_rendezvous_open(struct stp_rendezvous *rv, const char *exe, char *msg, size_t msglen)
{
	char top[PATH_MAX];
	struct sockaddr_un a;
	struct stat st;
	int n, err, tries;

	memset(rv, 0, sizeof(*rv));
	rv->fd = -1;
	if (stat(exe, &st) < 0) {
		err = -errno;
		snprintf(msg, msglen, "%s: %s", exe, strerror(-err));
		return err;
	}
	rv->dev = (uint64_t)st.st_dev;
	rv->ino = (uint64_t)st.st_ino;
	n = stp_rdv_dir(top, sizeof(top));
	if (n < 0 || (size_t)n >= sizeof(top) ||
	    stp_rdv_exe_dir(rv->dir, sizeof(rv->dir), rv->dev, rv->ino) >= (int)sizeof(rv->dir) ||
	    snprintf(rv->sock, sizeof(rv->sock), "%s/%d", rv->dir, (int)getpid()) >=
		    (int)sizeof(rv->sock) ||
	    fill_addr(&a, rv->sock)) {
		snprintf(msg, msglen, "rendezvous path too long under %s (%s)", top,
			 STP_RDV_ENV_DIR);
		return -ENAMETOOLONG;
	}
	err = make_dir(top, msg, msglen);
	if (err)
		return err;
	rv->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (rv->fd < 0) {
		err = -errno;
		snprintf(msg, msglen, "socket: %s", strerror(-err));
		return err;
	}
	/* Another session may remove the directory when it ends, between our
	 * mkdir and our bind: make it again. */
	for (tries = 0; tries < 5; tries++) {
		err = make_dir(rv->dir, msg, msglen);
		if (err)
			break;
		remove_stale(rv->dir);
		unlink(rv->sock); /* ours by name: a dead stapmark that had our pid */
		if (bind(rv->fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			break;
		err = -errno;
		snprintf(msg, msglen, "cannot bind %s: %s", rv->sock, strerror(errno));
		if (err != -ENOENT)
			break;
	}
	if (!err && listen(rv->fd, SOMAXCONN) < 0) {
		err = -errno;
		snprintf(msg, msglen, "listen: %s", strerror(errno));
		unlink(rv->sock);
	}
	if (err) {
		close(rv->fd);
		rv->fd = -1;
	}
	return err;
}

int stp_rendezvous_accept(struct stp_rendezvous *rv, pid_t *pid)
{
	for (;;) {
		struct ucred cred;
		socklen_t len = sizeof(cred);
		int c = accept4(rv->fd, NULL, NULL, SOCK_CLOEXEC);

		if (c < 0)
			return errno == EINTR ? -EAGAIN : -errno;
		if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
		    cred.uid == geteuid() && cred.pid > 0) {
			*pid = cred.pid;
			return c;
		}
		stp_rendezvous_answer(c, -EPERM);
	}
}

void stp_rendezvous_answer(int conn, int status)
{
	struct stp_rdv_reply r = {.magic = STP_RDV_MAGIC, .status = status};

	while (send(conn, &r, sizeof(r), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno == EINTR)
		;
	close(conn);
}

int stp_rendezvous_matches(const struct stp_rendezvous *rv, pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	return stat(path, &st) == 0 && (uint64_t)st.st_dev == rv->dev &&
	       (uint64_t)st.st_ino == rv->ino;
}

void stp_rendezvous_close(struct stp_rendezvous *rv)
{
	if (rv->fd < 0)
		return;
	unlink(rv->sock);
	close(rv->fd);
	rv->fd = -1;
	rmdir(rv->dir); /* ENOTEMPTY: another session still listens there */
}
