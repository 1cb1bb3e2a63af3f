// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pass 5 for the kernel (run_kernel.h).  The module's side of the session
 * is runtime/stp/kernel; this side follows stp_kernel_abi.h:
 *
 *   load       finit_module(2); a module of the same name that a killed
 *              stapmark left (its session orphaned, its reader gone) is
 *              unloaded first, as every stale session of /proc/stapmark is
 *   claim      open control for writing (the session is then ours)
 *   target     "target PID" for -x PID, or for -c CMD, which is forked
 *              first and held before its exec, so that target() is valid
 *              in begin probes and no event of the command is missed
 *   start      begin probes, probes armed, timers started
 *   run        a reader thread copies output records to stdout (or -o)
 *              and messages to stderr; the main thread polls the status
 *              line for exit() and MAXERRORS, and waits for a signal, the
 *              end of the target, or -T
 *   stop       probes detached, error and end probes run; the reader
 *              reads to the end of the output
 *   unload     delete_module(2)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build_kernel.h"
#include "kernel/stp_kernel_abi.h"
#include "pass_clock.h"
#include "region.h"
#include "run.h"
#include "run_kernel.h"
#include "stp_attach.h"

#define POLL_MS 20 /* the main loop's look at the session */
#define READ_NAP_MS 5 /* the reader's, while no record is there */
#define UNLOAD_TRIES 100 /* of POLL_MS each, while the module is busy */
#define READ_BUF (4 * STP_KREC_MAX)

struct kstatus {
	int state; /* enum stp_session_state */
	long long errors, skipped, dropped;
	int reader, orphaned;
};

struct krun {
	struct session *s;
	struct arena *a;
	const char *ko, *name;
	int kmsg_fd, ctl_fd, data_fd, out_fd;
	bool loaded;
	pthread_t reader;
	bool reader_up;
	atomic_bool reader_quit, out_broken;
	int read_error;
	pid_t pid; /* -c's command or -x's process; 0: none */
	int pidfd;
	bool child, target_gone;
	int child_status;
	int go_fd; /* -c: a byte lets the command exec; -1 once it did */
	bool released; /* the command was let go */
	const char *stop_file; /* --remote=guest: the host's Ctrl-C */
};

static volatile sig_atomic_t krun_signals, krun_pipe;

static void on_signal(int sig)
{
	if (sig == SIGPIPE)
		krun_pipe = 1;
	else
		krun_signals++;
}

static void catch_signals(bool on)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
	/* SA_RESTART: a signal must not cut a control command short. */
	struct sigaction sa = {.sa_handler = on ? on_signal : SIG_DFL,
			       .sa_flags = on ? SA_RESTART : 0};

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void nap_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *session_file(struct arena *a, const char *name, const char *file)
{
	return arena_printf(a, "%s/%s/%s", STP_KPROC_DIR, name, file);
}

static int read_status(struct arena *a, const char *name, struct kstatus *st)
{
	int fd = open(session_file(a, name, STP_KCONTROL), O_RDONLY | O_CLOEXEC);
	char buf[256];
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return sscanf(buf, STP_KSTATUS_FMT, &st->state, &st->errors, &st->skipped, &st->dropped,
		      &st->reader, &st->orphaned) == 6
		       ? 0
		       : -1;
}

/* Why nobody will end the session of st (a killed stapmark's), or NULL.
 * A module loaded and never claimed is another stapmark's on its way to
 * claiming it, unless it has the name of the one we load (own). */
static const char *stale_reason(struct arena *a, const struct kstatus *st, bool own)
{
	if (st->orphaned)
		return "orphaned: its stapmark went away";
	if (st->reader > 0 && kill(st->reader, 0) < 0 && errno == ESRCH)
		return arena_printf(a, "its stapmark, pid %d, is gone", st->reader);
	if (st->reader == 0 && st->state == STP_SESSION_STOPPED)
		return "stopped";
	if (own && st->reader == 0 && st->state == STP_SESSION_STARTING)
		return "never started";
	return NULL;
}

/* delete_module(2), waiting a little while the module is still in use. */
static int unload_module(const char *name)
{
	for (int i = 0;; i++) {
		if (syscall(SYS_delete_module, name, O_NONBLOCK) == 0 || errno == ENOENT)
			return 0;
		if ((errno != EAGAIN && errno != EBUSY) || i == UNLOAD_TRIES)
			return -errno;
		nap_ms(POLL_MS);
	}
}

static int unload_stale(struct krun *r, const char *name, const char *why)
{
	int err;

	if (r->s->verbose)
		fprintf(stderr, "stapmark: unloading stale module %s (%s)\n", name, why);
	err = unload_module(name);
	if (err)
		fprintf(stderr, "stapmark: cannot unload stale module %s: %s\n", name,
			strerror(-err));
	return err;
}

static void unload_stale_sessions(struct krun *r)
{
	DIR *dh = opendir(STP_KPROC_DIR);
	struct dirent *de;

	while (dh && (de = readdir(dh))) {
		struct kstatus st;
		const char *why;

		if (de->d_name[0] == '.' || read_status(r->a, de->d_name, &st))
			continue;
		why = stale_reason(r->a, &st, false);
		if (why)
			unload_stale(r, de->d_name, why);
	}
	if (dh)
		closedir(dh);
}

/* The kernel log from now on: what the module loader and markers.ko say
 * when a load or a start fails. */
static void kmsg_open(struct krun *r)
{
	r->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->kmsg_fd >= 0)
		lseek(r->kmsg_fd, 0, SEEK_END);
}

/* Print the new kernel log lines (all of them, else those of markers.ko
 * or the module) but taint notices; how many. */
static int kmsg_show(struct krun *r, bool all)
{
	char rec[8192];
	int shown = 0;
	ssize_t n;

	while (r->kmsg_fd >= 0 &&
	       ((n = read(r->kmsg_fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE))) {
		char *text;

		if (n < 0)
			continue; /* records overwritten before we read them */
		rec[n] = 0;
		/* "PRIORITY,SEQUENCE,TIME,FLAGS;TEXT\n" */
		if (!(text = strchr(rec, ';')))
			continue;
		text++;
		text[strcspn(text, "\n")] = 0;
		if (strstr(text, "taints kernel") || strstr(text, "tainting kernel"))
			continue;
		if (all || strstr(text, "markers:") || strstr(text, r->name)) {
			fprintf(stderr, "  kernel: %s\n", text);
			shown++;
		}
	}
	return shown;
}

static int load_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc, err;

	if (fd < 0)
		return -1;
	rc = (int)syscall(SYS_finit_module, fd, "", 0);
	err = errno;
	close(fd);
	errno = err;
	return rc;
}

static int load_failed(struct krun *r, const char *what)
{
	int err = errno;

	fprintf(stderr, "stapmark: cannot load %s: %s\n", what, strerror(err));
	if (!kmsg_show(r, true) && (err == ENOEXEC || err == EINVAL))
		fprintf(stderr, "stapmark: (built for another kernel?  the kernel log says "
				"why: dmesg)\n");
	return 1;
}

/* markers.ko, unless it is there: the build tree's, else an installed one. */
static int load_markers(struct krun *r)
{
	const char *ko = kernel_markers_ko(r->s);

	if (access("/proc/markers", F_OK) == 0)
		return 0;
	if (ko) {
		if (load_file(ko) && errno != EEXIST)
			return load_failed(r, ko);
	} else if (build_run((char *[]){"modprobe", "markers", NULL}, "/dev/null")) {
		fprintf(stderr, "stapmark: markers.ko is not loaded, not in the build tree, and "
				"`modprobe markers` failed: build it first (make)\n");
		return 1;
	}
	if (r->s->verbose)
		fprintf(stderr, "stapmark: loaded markers.ko%s%s\n", ko ? " from " : "",
			ko ? ko : "");
	if (access("/proc/markers", F_OK)) {
		fprintf(stderr, "stapmark: markers.ko loaded but /proc/markers is missing\n");
		return 1;
	}
	return 0;
}

static int load_script_module(struct krun *r)
{
	struct kstatus st;
	const char *why;

	if (load_file(r->ko) == 0) {
		r->loaded = true;
		return 0;
	}
	if (errno != EEXIST)
		return load_failed(r, r->ko);
	if (read_status(r->a, r->name, &st)) {
		fprintf(stderr,
			"stapmark: a module named %s is loaded already, and it has no stapmark "
			"session (%s/%s)\n",
			r->name, STP_KPROC_DIR, r->name);
		return 1;
	}
	why = stale_reason(r->a, &st, true);
	if (!why) {
		fprintf(stderr,
			"stapmark: module %s is loaded already and its session is in use (by "
			"stapmark pid %d)\n",
			r->name, st.reader);
		return 1;
	}
	if (unload_stale(r, r->name, why))
		return 1;
	if (load_file(r->ko))
		return load_failed(r, r->ko);
	r->loaded = true;
	return 0;
}

static int open_session(struct krun *r)
{
	const char *ctl = session_file(r->a, r->name, STP_KCONTROL);

	r->ctl_fd = open(ctl, O_WRONLY | O_CLOEXEC);
	if (r->ctl_fd < 0) {
		int err = errno;

		if (err == EBUSY)
			fprintf(stderr, "stapmark: the session of %s is held by another stapmark\n",
				r->name);
		else
			fprintf(stderr, "stapmark: %s: %s (%s)\n", ctl, strerror(err),
				err == ENOENT ? "not a stapmark script module, or markers.ko is "
						"older than it"
					      : "cannot claim the session");
		return 1;
	}
	r->data_fd =
		open(session_file(r->a, r->name, STP_KOUTPUT), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->data_fd < 0) {
		fprintf(stderr, "stapmark: %s: %s\n", session_file(r->a, r->name, STP_KOUTPUT),
			strerror(errno));
		return 1;
	}
	return 0;
}

/* One control command, a line; 0 or -errno (the module's answer). */
static int command(struct krun *r, const char *cmd)
{
	size_t n = strlen(cmd);
	ssize_t w;

	do
		w = write(r->ctl_fd, cmd, n);
	while (w < 0 && errno == EINTR);
	return w == (ssize_t)n ? 0 : w < 0 ? -errno : -EIO;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Records of one read: output to out_fd, messages to stderr, each after
 * the output that came before it. */
static void deliver(struct krun *r, const char *buf, size_t n, char *out)
{
	size_t off = 0, nout = 0;

	while (off + sizeof(struct stp_krec) <= n) {
		struct stp_krec h;

		memcpy(&h, buf + off, sizeof(h));
		const char *body = buf + off + sizeof(h);

		if (h.len > n - off - sizeof(h)) {
			fprintf(stderr, "stapmark: a malformed output record (%u bytes)\n", h.len);
			break;
		}
		off += sizeof(h) + h.len;
		if (h.kind == STP_KREC_OUTPUT && !atomic_load(&r->out_broken)) {
			memcpy(out + nout, body, h.len);
			nout += h.len;
		} else if (h.kind == STP_KREC_MESSAGE) {
			if (nout && write_all(r->out_fd, out, nout))
				atomic_store(&r->out_broken, true);
			nout = 0;
			if (write_all(2, body, h.len))
				break;
		}
	}
	if (nout && !atomic_load(&r->out_broken) && write_all(r->out_fd, out, nout))
		atomic_store(&r->out_broken, true);
}

static void *reader_main(void *arg)
{
	struct krun *r = arg;
	char *buf = malloc(READ_BUF), *out = malloc(READ_BUF);

	while (buf && out && krun_signals <= RUN_INTERRUPTS_TOLERATED) {
		ssize_t n = read(r->data_fd, buf, READ_BUF);

		if (n > 0) {
			deliver(r, buf, (size_t)n, out);
			continue;
		}
		if (n == 0)
			break; /* STOPPED, every buffer empty */
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			r->read_error = errno;
			break;
		}
		if (atomic_load(&r->reader_quit))
			break;
		nap_ms(READ_NAP_MS);
	}
	free(buf);
	free(out);
	return NULL;
}

/* -c: forked now, exec'd once the session started (go_fd). */
static int spawn_held(struct krun *r)
{
	/* target() is the command's own pid when it is a simple command. */
	char *line = stp_spawn_shell_line(r->s->target_cmd);
	int p[2];

	if (!line) {
		fprintf(stderr, "stapmark: out of memory\n");
		return 1;
	}
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		fprintf(stderr, "stapmark: pipe: %s\n", strerror(errno));
		free(line);
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "stapmark: cannot start '%s': %s\n", r->s->target_cmd,
			strerror(errno));
		close(p[0]);
		close(p[1]);
		free(line);
		return 1;
	}
	if (pid == 0) {
		char go;

		close(p[1]);
		if (read(p[0], &go, 1) != 1)
			_exit(127); /* the session never started */
		execl("/bin/sh", "sh", "-c", line, (char *)NULL);
		_exit(127);
	}
	free(line);
	close(p[0]);
	r->go_fd = p[1];
	r->pid = pid;
	r->child = true;
	return 0;
}

static void release_child(struct krun *r, bool go)
{
	if (r->go_fd < 0)
		return;
	if (go && write(r->go_fd, "g", 1) != 1)
		fprintf(stderr, "stapmark: cannot start '%s'\n", r->s->target_cmd);
	r->released = go;
	close(r->go_fd);
	r->go_fd = -1;
}

/* tz_gmtoff() and tz_name(): our local time zone, as staprun gives stap's
 * module its own ("tz SECS-WEST NAME"). */
static int set_time_zone(struct krun *r)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm))
		return 0;
	int err = command(r, arena_printf(r->a, "tz %ld %s\n", -(long)tm.tm_gmtoff,
					  tm.tm_zone && *tm.tm_zone ? tm.tm_zone : "UTC"));

	if (err) {
		fprintf(stderr, "stapmark: setting the time zone of %s: %s\n", r->name,
			strerror(-err));
		return 1;
	}
	return 0;
}

static int set_target(struct krun *r)
{
	if (r->s->target_pid > 0) {
		r->pid = r->s->target_pid;
		if (kill(r->pid, 0) < 0 && errno == ESRCH) {
			fprintf(stderr, "stapmark: no process %d\n", (int)r->pid);
			return 1;
		}
	} else if (r->s->target_cmd) {
		if (spawn_held(r))
			return 1;
	} else {
		return 0;
	}
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	int err = command(r, arena_printf(r->a, "target %d\n", (int)r->pid));

	if (err) {
		fprintf(stderr, "stapmark: setting the target of %s: %s\n", r->name,
			strerror(-err));
		return 1;
	}
	return 0;
}

/* Has the target ended?  Its pidfd says (a -c command is then reaped),
 * else waitpid or kill. */
static bool target_ended(struct krun *r)
{
	struct pollfd p = {.fd = r->pidfd, .events = POLLIN};
	bool gone;

	if (!r->pid || r->target_gone)
		return r->target_gone;
	if (r->pidfd >= 0)
		gone = poll(&p, 1, 0) > 0 &&
		       (!r->child || waitpid(r->pid, &r->child_status, 0) > 0);
	else if (r->child)
		gone = waitpid(r->pid, &r->child_status, WNOHANG) == r->pid;
	else
		gone = kill(r->pid, 0) < 0 && errno == ESRCH;
	return r->target_gone = gone;
}

static int start(struct krun *r)
{
	int err = command(r, "start\n");

	if (!err)
		return 0;
	fprintf(stderr, "stapmark: starting %s failed: %s\n", r->name, strerror(-err));
	if (!kmsg_show(r, false))
		fprintf(stderr, "stapmark: (%sthe kernel log says why: dmesg)\n",
			err == -EPERM ? "a marker's format differs from the probe's? " : "");
	return 1;
}

static void main_loop(struct krun *r)
{
	int64_t deadline = r->s->timeout_s ? now_ms() + (int64_t)r->s->timeout_s * 1000 : 0;
	struct kstatus st;

	while (!krun_signals && !krun_pipe && !atomic_load(&r->out_broken)) {
		if (read_status(r->a, r->name, &st) == 0 && st.state != STP_SESSION_STARTING &&
		    st.state != STP_SESSION_RUNNING)
			break; /* exit(), or too many errors */
		if (target_ended(r) || (deadline && now_ms() >= deadline))
			break;
		if (r->stop_file && access(r->stop_file, F_OK) == 0)
			break;
		nap_ms(POLL_MS);
	}
}

/* The -c command's end, as the user-space run reports it: a crash is
 * said; the shell's "cannot run" statuses (126, 127) fail the run. */
static int report_child(struct krun *r)
{
	int st = r->child_status, code = WIFEXITED(st) ? WEXITSTATUS(st) : 0;

	if (!r->child || !target_ended(r))
		return 0;
	if (WIFSIGNALED(st))
		fprintf(stderr, "stapmark: '%s' killed by signal %d\n", r->s->target_cmd,
			WTERMSIG(st));
	return code == 126 || code == 127;
}

/* Stop the session (end probes), read the rest of the output, report as
 * stap does.  The exit status. */
static int finish(struct krun *r)
{
	struct kstatus st = {0};
	int rc = 0, err = 0;

	if (krun_signals <= RUN_INTERRUPTS_TOLERATED && (err = command(r, "stop\n"))) {
		fprintf(stderr, "stapmark: stopping %s failed: %s\n", r->name, strerror(-err));
		kmsg_show(r, false);
		rc = 1;
	}
	if (err || krun_signals > RUN_INTERRUPTS_TOLERATED)
		atomic_store(&r->reader_quit, true);
	pthread_join(r->reader, NULL);
	r->reader_up = false;
	if (krun_signals > RUN_INTERRUPTS_TOLERATED) {
		fprintf(stderr, "stapmark: interrupted again, exiting without end probes\n");
		return 1;
	}
	if (r->read_error) {
		fprintf(stderr, "stapmark: reading the output of %s: %s\n", r->name,
			strerror(r->read_error));
		rc = 1;
	}
	rc |= report_child(r);
	if (read_status(r->a, r->name, &st) == 0) {
		if (st.dropped)
			fprintf(stderr, "WARNING: %lld events dropped\n", st.dropped);
		if (st.errors || st.skipped)
			fprintf(stderr, "WARNING: Number of errors: %lld, skipped probes: %lld\n",
				st.errors, st.skipped);
		rc |= st.errors > 0;
	}
	return rc;
}

static void cleanup(struct krun *r)
{
	int err;

	if (r->reader_up) {
		atomic_store(&r->reader_quit, true);
		pthread_join(r->reader, NULL);
	}
	release_child(r, false);
	/* Held and never let go, it exits at once; else it is on its own. */
	if (r->child && !r->target_gone)
		waitpid(r->pid, NULL, r->released ? WNOHANG : 0);
	if (r->pidfd >= 0)
		close(r->pidfd);
	/* A session closed before it STOPPED is orphaned: the module takes
	 * its probes down without end probes. */
	if (r->ctl_fd >= 0)
		close(r->ctl_fd);
	if (r->data_fd >= 0)
		close(r->data_fd);
	if (r->out_fd > 2)
		close(r->out_fd);
	if (r->loaded && (err = unload_module(r->name)))
		fprintf(stderr, "stapmark: cannot unload %s: %s\n", r->name, strerror(-err));
	if (r->kmsg_fd >= 0)
		close(r->kmsg_fd);
}

/* The name the module loader gives the module: its .modinfo's. */
static const char *module_name(struct arena *a, const char *ko)
{
	const char *name = kernel_modinfo(a, ko, "name");
	const char *base = strrchr(ko, '/');
	char *n;

	if (name)
		return name;
	base = base ? base + 1 : ko;
	n = arena_strndup(a, base, strcspn(base, "."));
	for (char *p = n; *p; p++)
		if (*p == '-')
			*p = '_';
	return n;
}

static int setup(struct krun *r)
{
	const char *f = r->s->output_file;

	if (access(r->ko, R_OK)) {
		fprintf(stderr, "stapmark: %s: %s\n", r->ko, strerror(errno));
		return 1;
	}
	r->name = module_name(r->a, r->ko);
	/* A module for another kernel cannot load: say so rather than what
	 * the loader says (or, on a kernel without modules, ENOSYS). */
	const char *vm = kernel_modinfo(r->a, r->ko, "vermagic");
	struct utsname u;

	if (vm && uname(&u) == 0 &&
	    (strncmp(vm, u.release, strlen(u.release)) || vm[strlen(u.release)] != ' ')) {
		fprintf(stderr,
			"stapmark: %s is built for kernel %.*s, not this one (%s): run it there, "
			"or "
			"in the bundled guest: --remote=guest\n",
			r->ko, (int)strcspn(vm, " "), vm, u.release);
		return 1;
	}
	kmsg_open(r);
	unload_stale_sessions(r);
	if (load_markers(r) || load_script_module(r))
		return 1;
	r->out_fd = f ? open(f, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666) : 1;
	if (r->out_fd < 0) {
		fprintf(stderr, "stapmark: %s: %s\n", f, strerror(errno));
		return 1;
	}
	if (open_session(r) || set_time_zone(r) || set_target(r))
		return 1;
	if (pthread_create(&r->reader, NULL, reader_main, r)) {
		fprintf(stderr, "stapmark: cannot start the output reader\n");
		return 1;
	}
	r->reader_up = true;
	return 0;
}

int run_kernel(struct session *s, const char *ko_path)
{
	struct krun r = {.s = s,
			 .a = s->arena,
			 .ko = ko_path,
			 .kmsg_fd = -1,
			 .ctl_fd = -1,
			 .data_fd = -1,
			 .out_fd = -1,
			 .pidfd = -1,
			 .go_fd = -1};
	struct pass_clock clk;
	int rc;

	if (geteuid() != 0) {
		fprintf(stderr,
			"stapmark: the kernel backend loads %s, which needs root (or run it in "
			"the bundled guest: --remote=guest)\n",
			ko_path);
		return 1;
	}
	clock_start(&clk);
	if (s->verbose)
		fprintf(stderr, "Pass 5: starting run.\n");
	r.stop_file = getenv("STAPMARK_STOP_FILE");
	krun_signals = krun_pipe = 0;
	catch_signals(true);
	rc = setup(&r);
	if (!rc) {
		/* A start that failed (a marker's format, say) still stops:
		 * the end probes of the begin probes that ran. */
		rc = start(&r);
		if (!rc) {
			release_child(&r, true);
			main_loop(&r);
		}
		rc |= finish(&r);
	}
	cleanup(&r);
	catch_signals(false);
	if (s->verbose) {
		fprintf(stderr, "Pass 5: run completed ");
		clock_report(&clk);
	}
	return rc;
}
