// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libmarkers' side of the system-wide rendezvous (protocol and layout:
 * runtime/transport/rendezvous_proto.h).  Runs once, from the control
 * server's constructor, before the program's main().
 *
 * Why wait at start rather than let stapmark attach whenever it notices
 * the process: a late starter then sees every hit of its main(), so a
 * script can count exactly across processes that come and go, and a
 * short-lived process is never missed.  The price is paid only while a
 * session traces this very executable (one failed open(2) otherwise), and
 * is bounded by STAPMARK_ATTACH_WAIT_MS, so a stopped or wedged stapmark
 * delays a start by at most that and never blocks it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../transport/rendezvous_proto.h"
#include "rendezvous.h"

static long wait_budget_ms(void)
{
	const char *env = getenv(STP_RDV_ENV_WAIT);
	char *end;
	long ms;

	if (!env || !env[0])
		return STP_RDV_WAIT_MS_DEFAULT;
	ms = strtol(env, &end, 10);
	return *end || ms < 0 ? STP_RDV_WAIT_MS_DEFAULT : ms;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One session: connect, check the peer, wait for its reply until deadline.
 * Returns 1 when the session answered, 0 when it was stale or refused us,
 * -1 when the wait ran out. */
static int meet(const char *dir, const char *name, long long deadline)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct stp_rdv_reply r;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct timeval tv;
	long long left;
	int fd, n, got = 0;

	n = snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(addr.sun_path))
		return 0;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	/* connect(2) blocks while the session's backlog is full: bounded too. */
	left = deadline - now_ms();
	tv.tv_sec = left > 0 ? left / 1000 : 0;
	tv.tv_usec = left > 0 ? (left % 1000) * 1000 : 1;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 || cred.uid != geteuid()) {
		close(fd);
		return 0;
	}
	for (;;) {
		ssize_t k;

		left = deadline - now_ms();
		if (left <= 0)
			break;
		tv.tv_sec = left / 1000;
		tv.tv_usec = (left % 1000) * 1000;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		k = recv(fd, &r, sizeof(r), 0);
		if (k < 0 && errno == EINTR)
			continue;
		/* Any answer, or the session closing on us (it stopped), ends
		 * the wait for this session. */
		got = k >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK) ? 1 : -1;
		break;
	}
	close(fd);
	return got ? got : -1;
}

static void rendezvous(void)
{
	long budget = wait_budget_ms();
	char dir[PATH_MAX];
	struct stat st;
	struct dirent *e;
	long long deadline;
	DIR *d;
	int n, dfd;

	if (budget == 0 || stat("/proc/self/exe", &st) < 0)
		return;
	n = stp_rdv_exe_dir(dir, sizeof(dir), (uint64_t)st.st_dev, (uint64_t)st.st_ino);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return; /* no session traces this executable */
	/* Sockets another user could have put there are not ours to meet. */
	if (fstat(dfd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022) ||
	    !(d = fdopendir(dfd))) {
		close(dfd);
		return;
	}
	deadline = now_ms() + budget;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (meet(dir, e->d_name, deadline) < 0) {
			fprintf(stderr,
				"libmarkers: stapmark session %s did not attach within %ld ms; "
				"running on (%s)\n",
				e->d_name, budget, STP_RDV_ENV_WAIT);
			break;
		}
	}
	closedir(d);
}

void marker_rendezvous_at_start(void)
{
	int saved = errno; /* the program's main() may look at it */

	rendezvous();
	errno = saved;
}
