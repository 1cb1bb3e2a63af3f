// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Attaching probe modules to running programs through libmarkers' control
 * socket, as stapmark -x does, and preloading one as stapmark -c does:
 * records arrive, two sessions attach at once, detaching leaves the program
 * running with its marker dormant, another uid is refused, a session whose
 * stapmark dies is detached by the target itself.
 *
 *   control_test TARGET MODULE_A MODULE_B NOT_A_MODULE
 * CTL_NO_PRELOAD=1 skips the -c part (for sanitized targets).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stp_attach.h"
#include "stp_drain.h"
#include "unit.h"

static const char *target_path, *mod_a, *mod_b, *not_module;

/* One stapmark session: a segment drained into a memfd. */
struct session {
	struct stp_segment seg;
	struct stp_drainer *d;
	int out;
};

static void session_open(struct session *s)
{
	struct stp_segment_config cfg = {.nslots = 8, .ring_size = 65536, .globals_size = 4096};
	struct stp_drain_config dc = {.min_sleep_ns = 1000000, .max_sleep_ns = 5000000};

	if (stp_segment_create(&s->seg, &cfg)) {
		printf("segment create failed\n");
		exit(2);
	}
	s->out = dc.out_fd = memfd_create("out", 0);
	s->d = stp_drainer_new(&s->seg, &dc);
	stp_drainer_start(s->d);
}

static void session_close(struct session *s)
{
	stp_drainer_stop(s->d);
	stp_drainer_free(s->d);
	stp_segment_unmap(&s->seg);
	close(s->out);
}

static off_t out_size(struct session *s)
{
	return lseek(s->out, 0, SEEK_END);
}

/* Wait until the session's output contains what (up to ms). */
static int wait_output(struct session *s, const char *what, int ms)
{
	char buf[65536];
	ssize_t n;

	for (; ms > 0; ms -= 10) {
		n = pread(s->out, buf, sizeof(buf) - 1, 0);
		if (n > 0) {
			buf[n] = '\0';
			if (strstr(buf, what))
				return 1;
		}
		usleep(10000);
	}
	return 0;
}

/* Output stopped growing: same size over 200 ms (after the drainer's pass). */
static int output_stopped(struct session *s)
{
	off_t before;

	usleep(50000);
	before = out_size(s);
	usleep(200000);
	return out_size(s) == before;
}

struct target {
	pid_t pid;
	FILE *out; /* its stdout */
};

static void target_ready(struct target *t)
{
	char line[64];

	if (!fgets(line, sizeof(line), t->out) || strcmp(line, "ready\n")) {
		printf("target did not start\n");
		exit(2);
	}
}

static void target_start(struct target *t, char *const env[])
{
	char *argv[] = {(char *)target_path, NULL};
	int p[2];

	if (pipe(p))
		exit(2);
	t->pid = fork();
	if (t->pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		if (env)
			execve(target_path, argv, env);
		else
			execv(target_path, argv);
		_exit(127);
	}
	close(p[1]);
	t->out = fdopen(p[0], "r");
	target_ready(t);
}

static void target_stop(struct target *t)
{
	kill(t->pid, SIGKILL);
	waitpid(t->pid, NULL, 0);
	fclose(t->out);
}

/* Ask the target whether its marker is enabled: 1, 0, or -1 (no answer). */
static int target_enabled(struct target *t)
{
	struct pollfd p = {.fd = fileno(t->out), .events = POLLIN};
	char line[64];
	int v;

	kill(t->pid, SIGUSR1);
	if (poll(&p, 1, 5000) != 1 || !fgets(line, sizeof(line), t->out) ||
	    sscanf(line, "enabled=%d", &v) != 1)
		return -1;
	return v;
}

static int wait_server(pid_t pid)
{
	int i, err = -1;

	for (i = 0; i < 500 && err; i++) {
		err = stp_control_status(pid, NULL);
		if (err)
			usleep(10000);
	}
	return err;
}

static int wait_nmodules(pid_t pid, uint32_t n)
{
	struct stp_ctl_reply r;
	int i;

	for (i = 0; i < 300; i++) {
		if (stp_control_status(pid, &r) == 0 && r.nmodules == n)
			return 1;
		usleep(10000);
	}
	return 0;
}

static void test_attach_detach(void)
{
	struct session a, b, c;
	struct stp_attachment att_a, att_b, att_c;
	struct stp_ctl_reply r;
	struct target t;
	off_t size_b;
	int err;

	target_start(&t, NULL);
	CHECK_EQ(wait_server(t.pid), 0, "ping: the target serves its control socket");
	memset(&r, 0, sizeof(r));
	CHECK(stp_control_status(t.pid, &r) == 0 && r.pid == (uint32_t)t.pid && r.nmodules == 0 &&
		      r.sites_on == 0,
	      "status: no module, marker dormant");
	CHECK_EQ(target_enabled(&t), 0, "before attach: marker_enabled is false");

	session_open(&a);
	err = stp_attach_pid(t.pid, mod_a, &a.seg, &att_a);
	CHECK(err == 0, "attach: module a loads (%s)", err ? att_a.msg : "ok");
	CHECK(wait_output(&a, "a tick", 5000), "attach: module a's records arrive");
	CHECK_EQ(target_enabled(&t), 1, "attached: marker_enabled is true");
	CHECK(stp_control_status(t.pid, &r) == 0 && r.nmodules == 1 && r.sites_on >= 1,
	      "status: one module, marker on");

	session_open(&b);
	err = stp_attach_pid(t.pid, mod_b, &b.seg, &att_b);
	CHECK(err == 0, "two sessions: module b loads too (%s)", err ? att_b.msg : "ok");
	CHECK(wait_output(&b, "b tick", 5000), "two sessions: module b's records arrive");
	CHECK(!wait_output(&b, "a tick", 0) && !wait_output(&a, "b tick", 0),
	      "two sessions: each session gets only its own records");
	CHECK(stp_control_status(t.pid, &r) == 0 && r.nmodules == 2, "status: two modules");

	session_open(&c);
	err = stp_attach_pid(t.pid, mod_a, &c.seg, &att_c);
	CHECK(err == -EEXIST, "the same module file twice is refused: %s", att_c.msg);
	session_close(&c);

	CHECK_EQ(stp_detach_pid(&att_a), 0, "detach a");
	CHECK(output_stopped(&a), "detach a: its records stop");
	size_b = out_size(&b);
	usleep(100000);
	CHECK(out_size(&b) > size_b, "detach a: module b keeps printing");
	CHECK_EQ(target_enabled(&t), 1, "detach a: the marker stays on for b");

	CHECK_EQ(stp_detach_pid(&att_b), 0, "detach b");
	CHECK(output_stopped(&b), "detach b: its records stop");
	CHECK(stp_control_status(t.pid, &r) == 0 && r.nmodules == 0 && r.sites_on == 0,
	      "detached: no module, no site on");
	CHECK_EQ(target_enabled(&t), 0, "detached: the target runs with marker_enabled false");
	CHECK(kill(t.pid, 0) == 0, "detached: the target is still running");

	/* Attach again after a full detach: the module's state was reset. */
	err = stp_attach_pid(t.pid, mod_a, &a.seg, &att_a);
	CHECK(err == 0, "re-attach after detach (%s)", err ? att_a.msg : "ok");
	CHECK_EQ(stp_detach_pid(&att_a), 0, "re-attach: detach again");

	session_close(&a);
	session_close(&b);
	target_stop(&t);
}

static void test_refused(void)
{
	struct stp_attachment att;
	struct session s;
	struct target t;
	int status, err;
	pid_t pid;

	target_start(&t, NULL);
	wait_server(t.pid);
	session_open(&s);
	pid = fork();
	if (pid == 0) {
		struct stp_ctl_reply r;
		int st;

		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(10);
		st = stp_control_status(t.pid, &r);
		err = stp_attach_pid(t.pid, mod_a, &s.seg, &att);
		if (st != -EPERM || err != -EPERM)
			printf("as nobody: status %d, attach %d (%s)\n", st, err, att.msg);
		_exit(st == -EPERM && err == -EPERM ? 0 : 20 + (st == -EPERM));
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 10)
		unit_untested("refused: cannot become nobody to test another uid");
	else
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "refused: another uid gets -EPERM for status and attach (exit %d)",
		      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	CHECK(wait_nmodules(t.pid, 0), "refused: nothing was loaded");

	/* A stapmark that dies without detaching: the target detaches. */
	pid = fork();
	if (pid == 0)
		_exit(stp_attach_pid(t.pid, mod_a, &s.seg, &att) == 0 ? 0 : 1);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "dead stapmark: its attach worked");
	CHECK(wait_nmodules(t.pid, 0), "dead stapmark: the target detached the module itself");
	CHECK_EQ(target_enabled(&t), 0, "dead stapmark: marker dormant again");

	err = stp_attach_pid(t.pid, not_module, &s.seg, &att);
	CHECK(err == -ENOEXEC, "a library without the entry points is refused: %s", att.msg);
	err = stp_attach_pid(t.pid, "/nonexistent/module.so", &s.seg, &att);
	CHECK(err == -ENOENT, "a missing module file: %s", att.msg);
	session_close(&s);
	target_stop(&t);
}

static void test_no_server(void)
{
	char *env[] = {"STAPMARK_CONTROL=0", NULL};
	struct target t;
	int err;

	target_start(&t, env);
	err = stp_control_status(t.pid, NULL);
	CHECK(err == -ECONNREFUSED, "STAPMARK_CONTROL=0: no control socket (%s)", strerror(-err));
	target_stop(&t);
}

static void test_preload(void)
{
	char *argv[] = {(char *)target_path, NULL};
	struct target t;
	struct session s;
	char msg[256] = "";
	int p[2], saved, err;

	session_open(&s);
	if (pipe(p))
		exit(2);
	/* The target's stdout is the pipe: spawn it with fd 1 redirected. */
	saved = dup(1);
	dup2(p[1], 1);
	err = stp_spawn_preloaded(&t.pid, argv, NULL, mod_a, &s.seg);
	dup2(saved, 1);
	close(saved);
	close(p[1]);
	CHECK_EQ(err, 0, "-c: the command starts with the module preloaded");
	t.out = fdopen(p[0], "r");
	target_ready(&t);
	CHECK(wait_output(&s, "a tick 0\n", 5000), "-c: records from the first marker hit arrive");
	CHECK_EQ(target_enabled(&t), 1, "-c: marker on");
	wait_server(t.pid);
	err = stp_detach_preloaded(t.pid, mod_a, msg, sizeof(msg));
	CHECK(err == 0, "-c: detach the preloaded module early (%s)", err ? msg : "ok");
	CHECK(output_stopped(&s), "-c: its records stop");
	CHECK_EQ(target_enabled(&t), 0, "-c: the command keeps running, marker dormant");
	target_stop(&t);
	session_close(&s);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s TARGET MODULE_A MODULE_B NOT_A_MODULE\n", argv[0]);
		return 2;
	}
	target_path = argv[1];
	mod_a = argv[2];
	mod_b = argv[3];
	not_module = argv[4];
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_attach_detach();
	test_refused();
	test_no_server();
	/* A sanitized target wants its runtime first in the library list:
	 * no preloaded (uninstrumented) module before it. */
	if (!getenv("CTL_NO_PRELOAD"))
		test_preload();
	return UNIT_EXIT();
}
