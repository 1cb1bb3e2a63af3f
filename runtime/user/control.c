// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libmarkers' control server: lets `stapmark -x PID` load a probe module
 * into this process and remove it again (protocol: runtime/transport/
 * control_proto.h; module contract: runtime/transport/stp_module.h).
 *
 * How it starts, and why: a listener thread created when libmarkers is
 * loaded, blocked in poll(2) on an abstract Unix socket.  It costs no CPU
 * and no wakeups until someone connects, one fd, and a 256 KiB stack of
 * which only touched pages are real.  The alternatives change the program
 * more: starting the thread on first use has no "use" to hook (dormant
 * markers never call the library), and a signal-triggered start (the JVM's
 * attach) takes a signal number away from the program and needs a handler
 * the program may replace.  The thread blocks every signal, so it never
 * receives one meant for the program.  STAPMARK_CONTROL=0 in the
 * environment turns the server off.
 *
 * Why the abstract namespace: the name disappears with the socket, even
 * when the process is killed, so there is nothing stale to clean up and no
 * directory that must exist and be writable.  It has no file permissions,
 * so the peer's uid is checked (SO_PEERCRED) on every connection.  The
 * name carries the pid as this process sees it, which is what stapmark
 * sees when both share a pid namespace (and the abstract namespace is per
 * network namespace): attaching across containers is not supported.
 *
 * fork(): the child closes the parent's sockets and starts its own server
 * under its own pid.  Modules the parent had loaded stay attached in the
 * child (their probes are registered there too), owned by no connection:
 * an UNLOAD sent to the child's server removes them.
 */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <stapmark/marker.h>
#include "../transport/control_proto.h"
#include "../transport/stp_module.h"
#include "rendezvous.h"

#define MAX_CLIENTS 16
#define MAX_MODULES 32
#define STACK_SIZE (256 << 10)

struct module {
	uint32_t id; /* 0: entry free */
	int owner; /* index in clients[] of the connection that loaded it; -1 none */
	void *handle;
	stp_module_detach_fn *detach;
	char path[STP_CTL_PATH_MAX];
};

static struct module modules[MAX_MODULES];
static uint32_t next_id = 1;
static int listen_fd = -1;
static int clients[MAX_CLIENTS];
/* Guards modules[] against fork() copying it half-edited.  Never held
 * while calling into a module or the marker registry: fork's prepare
 * handlers take the registry lock before this one. */
static pthread_mutex_t modules_lock = PTHREAD_MUTEX_INITIALIZER;

static void reply_msg(struct stp_ctl_reply *r, int status, const char *fmt, const char *arg)
{
	r->status = status;
	snprintf(r->msg, sizeof(r->msg), fmt, arg ? arg : "");
}

static int count_on(const struct marker_info *info, void *arg)
{
	if (info->site && info->state)
		(*(uint32_t *)arg)++;
	return 0;
}

static void fill_status(struct stp_ctl_reply *r)
{
	int i;

	r->nmodules = 0;
	pthread_mutex_lock(&modules_lock);
	for (i = 0; i < MAX_MODULES; i++)
		if (modules[i].id)
			r->nmodules++;
	pthread_mutex_unlock(&modules_lock);
	r->sites_on = 0;
	marker_for_each(count_on, &r->sites_on);
}

/* Detach and unload one module, outside the lock. */
static void unload(struct module m)
{
	m.detach();
	/* Whatever the module did, no thread may still run its code when it
	 * is unmapped. */
	marker_synchronize_unregister();
	dlclose(m.handle);
}

static void do_load(int client, const struct stp_ctl_request *q, int fd, struct stp_ctl_reply *r)
{
	struct stp_attach_info info = {.version = STP_ATTACH_VERSION,
				       .how = STP_ATTACH_CONTROL,
				       .seg_fd = fd,
				       .session_id = q->session_id};
	stp_module_attach_fn *attach;
	stp_module_detach_fn *detach;
	void *h;
	int i, slot = -1, err;

	if (fd < 0)
		return reply_msg(r, -EBADF, "no segment fd passed", NULL);
	if (q->path[0] != '/')
		return reply_msg(r, -EINVAL, "module path is not absolute: %.200s", q->path);
	h = dlopen(q->path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return reply_msg(r, -ENOEXEC, "%.240s", dlerror());
	attach = (stp_module_attach_fn *)dlsym(h, STP_MODULE_ATTACH_SYM);
	detach = (stp_module_detach_fn *)dlsym(h, STP_MODULE_DETACH_SYM);
	if (!attach || !detach) {
		dlclose(h);
		return reply_msg(r, -ENOEXEC, "not a stapmark probe module: %.200s", q->path);
	}
	pthread_mutex_lock(&modules_lock);
	for (i = 0; i < MAX_MODULES; i++) {
		if (modules[i].id && modules[i].handle == h)
			break;
		if (!modules[i].id && slot < 0)
			slot = i;
	}
	if (i == MAX_MODULES && slot >= 0)
		modules[slot].id = (uint32_t)-1; /* reserved while attaching */
	pthread_mutex_unlock(&modules_lock);
	if (i < MAX_MODULES || slot < 0) {
		dlclose(h); /* drops only the reference this dlopen took */
		return reply_msg(r, i < MAX_MODULES ? -EEXIST : -ENOSPC,
				 i < MAX_MODULES ? "module already attached: %.200s"
						 : "too many modules attached",
				 q->path);
	}
	err = attach(&info);
	pthread_mutex_lock(&modules_lock);
	if (err) {
		modules[slot].id = 0;
	} else {
		modules[slot] = (struct module){
			.id = next_id++, .owner = client, .handle = h, .detach = detach};
		memcpy(modules[slot].path, q->path, sizeof(modules[slot].path));
		r->id = modules[slot].id;
	}
	pthread_mutex_unlock(&modules_lock);
	if (err) {
		dlclose(h);
		return reply_msg(r, err, "module attach failed: %.200s", strerror(-err));
	}
	r->status = 0;
}

static void do_unload(const struct stp_ctl_request *q, struct stp_ctl_reply *r)
{
	struct module m = {0};
	void *h;
	int i;

	pthread_mutex_lock(&modules_lock);
	for (i = 0; i < MAX_MODULES; i++) {
		if (!modules[i].id || modules[i].id == (uint32_t)-1)
			continue;
		if (q->id ? modules[i].id == q->id : !strcmp(modules[i].path, q->path)) {
			m = modules[i];
			modules[i].id = 0;
			break;
		}
	}
	pthread_mutex_unlock(&modules_lock);
	if (m.id) {
		unload(m);
		r->status = 0;
		return;
	}
	if (q->id || q->path[0] != '/')
		return reply_msg(r, -ENOENT, "no such module attached", NULL);
	/* A module the loader preloaded for -c: detach it; it stays mapped. */
	h = dlopen(q->path, RTLD_NOW | RTLD_NOLOAD);
	if (!h)
		return reply_msg(r, -ENOENT, "module not loaded: %.200s", q->path);
	m.detach = (stp_module_detach_fn *)dlsym(h, STP_MODULE_DETACH_SYM);
	if (m.detach) {
		m.handle = h;
		unload(m); /* its dlclose balances our RTLD_NOLOAD reference */
		r->status = 0;
	} else {
		dlclose(h);
		reply_msg(r, -ENOEXEC, "not a stapmark probe module: %.200s", q->path);
	}
}

static void handle(int client, const struct stp_ctl_request *q, int fd, struct stp_ctl_reply *r)
{
	switch (q->op) {
	case STP_CTL_PING:
		r->status = 0;
		return;
	case STP_CTL_STATUS:
		r->status = 0;
		break;
	case STP_CTL_LOAD:
		do_load(client, q, fd, r);
		break;
	case STP_CTL_UNLOAD:
		do_unload(q, r);
		break;
	default:
		reply_msg(r, -EOPNOTSUPP, "unknown request", NULL);
		return;
	}
	fill_status(r);
}

static void send_reply(int sock, const struct stp_ctl_reply *r)
{
	while (send(sock, r, sizeof(*r), MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

/* Receive one request and the fd that came with it (-1 if none). */
static ssize_t recv_request(int sock, struct stp_ctl_request *q, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = {q, sizeof(*q)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int), k, got;

			for (k = 0; k < nfd; k++) {
				memcpy(&got, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
				if (*fd < 0)
					*fd = got;
				else
					close(got); /* one fd per request */
			}
		}
	}
	return n;
}

/* The connection at clients[i] closed: detach what it loaded. */
static void drop_client(int i)
{
	int k;

	close(clients[i]);
	clients[i] = -1;
	for (k = 0; k < MAX_MODULES; k++) {
		struct module m = {0};

		pthread_mutex_lock(&modules_lock);
		if (modules[k].id && modules[k].id != (uint32_t)-1 && modules[k].owner == i) {
			m = modules[k];
			modules[k].id = 0;
		}
		pthread_mutex_unlock(&modules_lock);
		if (m.id)
			unload(m);
	}
}

static void serve_client(int i)
{
	struct stp_ctl_request q;
	struct stp_ctl_reply r = {.magic = STP_CTL_MAGIC, .version = STP_CTL_VERSION};
	ssize_t n;
	int fd;

	n = recv_request(clients[i], &q, &fd);
	if (n <= 0) {
		if (fd >= 0)
			close(fd);
		drop_client(i);
		return;
	}
	r.pid = getpid();
	if (n != sizeof(q) || q.magic != STP_CTL_MAGIC || q.version != STP_CTL_VERSION) {
		reply_msg(&r, -EPROTO, "bad request", NULL);
	} else {
		q.path[sizeof(q.path) - 1] = '\0';
		handle(i, &q, fd, &r);
	}
	if (fd >= 0)
		close(fd); /* the module mapped it, if it wanted it */
	send_reply(clients[i], &r);
}

static int peer_allowed(int sock)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return 0;
	return cred.uid == geteuid() || cred.uid == 0;
}

static void accept_client(int fd)
{
	struct stp_ctl_reply r = {.magic = STP_CTL_MAGIC, .version = STP_CTL_VERSION};
	int sock = accept4(fd, NULL, NULL, SOCK_CLOEXEC), i;

	if (sock < 0)
		return;
	r.pid = getpid();
	if (!peer_allowed(sock)) {
		char junk[64];

		reply_msg(&r, -EPERM, "permission denied: not the same user", NULL);
		send_reply(sock, &r);
		/* Closing with a request unread makes the peer's next read
		 * fail with ECONNRESET: discard what already arrived. */
		while (recv(sock, junk, sizeof(junk), MSG_DONTWAIT | MSG_TRUNC) > 0)
			;
		close(sock);
		return;
	}
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i] < 0) {
			clients[i] = sock;
			return;
		}
	}
	reply_msg(&r, -EBUSY, "too many connections", NULL);
	send_reply(sock, &r);
	close(sock);
}

static void *serve(void *arg)
{
	int fd = (int)(long)arg;

	for (;;) {
		struct pollfd p[1 + MAX_CLIENTS];
		int i, n = 0, map[MAX_CLIENTS];

		p[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
		for (i = 0; i < MAX_CLIENTS; i++) {
			if (clients[i] >= 0) {
				map[n - 1] = i;
				p[n++] = (struct pollfd){.fd = clients[i], .events = POLLIN};
			}
		}
		if (poll(p, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (p[0].revents & (POLLERR | POLLNVAL))
			return NULL; /* the program closed our fd: stop serving */
		for (i = 1; i < n; i++)
			if (p[i].revents)
				serve_client(map[i - 1]);
		if (p[0].revents & POLLIN)
			accept_client(fd);
	}
}

static void start_server(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t t;
	socklen_t len;
	int fd, i;

	for (i = 0; i < MAX_CLIENTS; i++)
		clients[i] = -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	/* sun_path[0] stays '\0': the abstract namespace. */
	len = offsetof(struct sockaddr_un, sun_path) + 1 +
	      snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1, STP_CTL_NAME_FMT, getpid());
	if (bind(fd, (struct sockaddr *)&addr, len) < 0 || listen(fd, 8) < 0) {
		close(fd); /* taken (another copy of libmarkers): no server */
		return;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_SIZE);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	listen_fd = fd; /* before the thread: fork's child handler reads it */
	if (pthread_create(&t, &attr, serve, (void *)(long)fd) == 0) {
		pthread_setname_np(t, "stapmark-ctl");
	} else {
		listen_fd = -1;
		close(fd);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
}

static void before_fork(void)
{
	pthread_mutex_lock(&modules_lock);
}

static void after_fork_parent(void)
{
	pthread_mutex_unlock(&modules_lock);
}

static void after_fork_child(void)
{
	int i;

	/* The parent's sockets are the parent's: serve our own pid. */
	if (listen_fd >= 0)
		close(listen_fd);
	listen_fd = -1;
	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i] >= 0)
			close(clients[i]);
	for (i = 0; i < MAX_MODULES; i++) {
		if (modules[i].id == (uint32_t)-1)
			modules[i].id = 0; /* was being attached by the parent */
		modules[i].owner = -1;
	}
	pthread_mutex_unlock(&modules_lock);
	start_server();
}

static void __attribute__((constructor)) control_init(void)
{
	const char *env = getenv("STAPMARK_CONTROL");

	if (env && !strcmp(env, "0"))
		return;
	pthread_atfork(before_fork, after_fork_parent, after_fork_child);
	start_server();
	/* A system-wide session attaches through the server: meet it only
	 * once the server listens.  (Not after fork(): the child keeps what
	 * the parent had attached.) */
	if (listen_fd >= 0)
		marker_rendezvous_at_start();
}
