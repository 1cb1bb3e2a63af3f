// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pass 5, the run driver (run.h).  Everything runs on the main thread
 * except the drainer (runtime/transport): begin, timer, error and end
 * probes, and the wait for what ends a session, which is one of
 *   exit() in any probe, or too many errors: the session leaves RUNNING
 *     (seen in the shared region; a target's exit() also wakes us through
 *     the drainer's on_exit_request),
 *   SIGINT, SIGTERM, SIGHUP, SIGPIPE: a third SIGINT or SIGTERM exits at
 *     once, without end probes, as staprun does after more than two
 *     interrupts (a shell or a harness often sends two: one to the process
 *     group and one to the pid; the end probes must still run),
 *   the -c command or the -x process exiting (pidfd, else polling).
 * Then the targets are detached, so that no marker handler runs any more,
 * the error and end probes run, and the drainer writes out every record
 * still in the rings before the closing reports.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pass_clock.h"
#include "region.h"
#include "run.h"
#include "run_load.h"
#include "run_sdt.h"
#include "run_systemwide.h"
#include "stp_attach.h"
#include "stp_drain.h"
#include "stp_segment.h"

#define POLL_CAP_NS 100000000 /* re-check the session at least this often */

struct run {
	struct session *s;
	struct script_module mod;
	const struct stp_script *sc;
	struct stp_segment seg;
	bool have_seg, session_up; /* segment created; session_init done */
	struct stp_drainer *drainer;
	int out_fd;
	pid_t pid; /* the -c command or the -x process; 0 when none */
	int pidfd; /* -1: poll with kill(pid, 0) */
	bool child, target_gone;
	int child_status;
	struct stp_attachment att;
	bool attached;
	/* Neither -c nor -x: every process of the marks' files (libmarkers). */
	bool systemwide;
	struct sysw sysw;
	struct pollfd *pfd; /* wait_events' poll set */
	int npfd;
	int64_t *next_due; /* per timer, CLOCK_MONOTONIC ns */
	struct sdt_run *sdt; /* sys/sdt.h probes: attached from stapmark */
	unsigned int seed;
};

/* For the signal handler: what it wakes, and what it removes when a third
 * interrupt makes stapmark exit at once. */
static volatile sig_atomic_t run_signals;
static int run_wake_fd = -1;
static char run_tmp_path[PATH_MAX];

static void wake(void)
{
	uint64_t one = 1;
	ssize_t n;

	if (run_wake_fd >= 0)
		n = write(run_wake_fd, &one, sizeof(one));
	(void)n;
}

static void on_signal(int sig)
{
	static const char msg[] = "stapmark: interrupted again, exiting without end probes\n";
	int saved = errno;

	if (++run_signals > RUN_INTERRUPTS_TOLERATED && (sig == SIGINT || sig == SIGTERM)) {
		if (run_tmp_path[0])
			unlink(run_tmp_path);
		if (write(2, msg, sizeof(msg) - 1) < 0)
			_exit(1);
		_exit(1);
	}
	wake();
	errno = saved;
}

static void on_exit_request(void *arg, int code)
{
	(void)arg;
	(void)code;
	wake();
}

/* Handlers, not SIG_IGN, so that the -c command starts with the default
 * dispositions (exec resets handlers but keeps ignored signals). */
static void catch_signals(bool on)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
	struct sigaction sa = {.sa_handler = on ? on_signal : SIG_DFL};

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int setup_error(const char *what, const char *detail)
{
	fprintf(stderr, "stapmark: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	return 1;
}

/* Timers: timer.hz(N) every 1e9/N ns, else every period_ns plus a random
 * 0..randomize_ns each time. */
static int64_t timer_interval(struct run *r, int i)
{
	const struct stp_script_timer *t = &r->sc->timers[i];
	int64_t ns = t->hz > 0 ? 1000000000 / t->hz : t->period_ns;

	if (t->randomize_ns > 0)
		ns += (int64_t)(((uint64_t)rand_r(&r->seed) << 31 | (uint64_t)rand_r(&r->seed)) %
				((uint64_t)t->randomize_ns + 1));
	return ns > 0 ? ns : 1;
}

static int start_timers(struct run *r)
{
	int64_t now = now_ns();

	if (!r->sc->ntimers)
		return 0;
	r->next_due = calloc(r->sc->ntimers, sizeof(*r->next_due));
	if (!r->next_due)
		return -1;
	r->seed = (unsigned int)(now ^ getpid());
	for (int i = 0; i < r->sc->ntimers; i++)
		r->next_due[i] = now + timer_interval(r, i);
	return 0;
}

/* Run the timers that are due; returns when the next one is due. */
static int64_t run_timers(struct run *r)
{
	int64_t now = now_ns(), next = INT64_MAX;

	for (int i = 0; i < r->sc->ntimers; i++) {
		if (now >= r->next_due[i]) {
			r->sc->run_timer(i);
			now = now_ns();
			r->next_due[i] += timer_interval(r, i);
			/* Fell behind (a slow handler, a stopped stapmark):
			 * skip the missed periods rather than fire a burst. */
			if (r->next_due[i] <= now)
				r->next_due[i] = now + timer_interval(r, i);
		}
		if (r->next_due[i] < next)
			next = r->next_due[i];
	}
	return next;
}

static bool running(const struct run *r)
{
	int st = r->sc->session_state();

	return st == STP_SESSION_STARTING || st == STP_SESSION_RUNNING;
}

/* Has the target ended?  A -c command is reaped here. */
static bool target_ended(struct run *r)
{
	if (!r->pid || r->target_gone)
		return r->target_gone;
	if (r->child) {
		pid_t w = waitpid(r->pid, &r->child_status, WNOHANG);

		r->target_gone = w == r->pid || (w < 0 && errno == ECHILD);
	} else if (r->pidfd >= 0) {
		struct pollfd p = {.fd = r->pidfd, .events = POLLIN};

		r->target_gone = poll(&p, 1, 0) > 0;
	} else {
		r->target_gone = kill(r->pid, 0) < 0 && errno == ESRCH;
	}
	return r->target_gone;
}

/* Room for n entries in r->pfd (the poll set of system-wide mode, whose
 * size changes as processes come and go).  false without memory. */
static bool grow_pollfds(struct run *r, int n)
{
	struct pollfd *p;

	if (n <= r->npfd)
		return true;
	p = realloc(r->pfd, (size_t)n * sizeof(*p));
	if (!p)
		return false;
	r->pfd = p;
	r->npfd = n;
	return true;
}

/* Sleep until something happens or the deadline (CLOCK_MONOTONIC ns):
 * a wake-up, the target ending, and in system-wide mode a process
 * announcing itself at the rendezvous or an attached one ending. */
static void wait_events(struct run *r, int64_t deadline)
{
	struct pollfd fixed[2], *p = fixed;
	int extra = r->systemwide ? sysw_nfds(&r->sysw) : 0, n = 0, first;
	int64_t ns = deadline - now_ns();
	struct timespec ts;
	uint64_t v;

	if (extra && grow_pollfds(r, 2 + extra))
		p = r->pfd;
	else
		extra = 0; /* no memory: the next round tries again */
	if (ns > POLL_CAP_NS)
		ns = POLL_CAP_NS;
	if (ns < 0)
		ns = 0;
	ts.tv_sec = ns / 1000000000;
	ts.tv_nsec = ns % 1000000000;
	p[n++] = (struct pollfd){.fd = run_wake_fd, .events = POLLIN};
	if (r->pidfd >= 0 && !r->target_gone)
		p[n++] = (struct pollfd){.fd = r->pidfd, .events = POLLIN};
	first = n;
	if (extra)
		n += sysw_pollfds(&r->sysw, p + n, extra);
	if (ppoll(p, (nfds_t)n, &ts, NULL) <= 0)
		return;
	if ((p[0].revents & POLLIN) && read(run_wake_fd, &v, sizeof(v)) < 0)
		v = 0;
	if (extra && running(r))
		sysw_events(&r->sysw, p + first, n - first);
}

static void main_loop(struct run *r)
{
	while (running(r) && !run_signals && !target_ended(r)) {
		int64_t next = r->sc->ntimers ? run_timers(r) : INT64_MAX;

		if (!running(r))
			break;
		wait_events(r, next);
	}
}

/* sys/sdt.h probes of process pid (-1: of every process). */
static int attach_sdt(struct run *r, pid_t pid)
{
	char err[1024];

	if (sdt_run_open(&r->sdt, r->sc, pid, r->child, err, sizeof(err))) {
		fprintf(stderr, "stapmark: %s\n", err);
		return 1;
	}
	if (r->s->verbose)
		fprintf(stderr, "Pass 5: attached %d sys/sdt.h probe%s to %s\n", r->sc->nsdt,
			r->sc->nsdt == 1 ? "" : "s",
			pid < 0	   ? "every process"
			: r->child ? "the command and its descendants"
				   : "the process");
	return 0;
}

/* -x: before the begin probes, so that a process we cannot attach to is a
 * setup failure (no script output); its handlers wait for RUNNING. */
static int attach_target(struct run *r)
{
	/* Only sys/sdt.h probes: nothing to load into the process (which
	 * need not link libmarkers); stapmark attaches to it from outside. */
	if (r->sc->nsdt && !r->sc->nprocess_probes) {
		r->pid = r->s->target_pid;
		if (r->sc->set_target)
			r->sc->set_target(r->pid);
		r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
		return attach_sdt(r, r->pid);
	}
	int err = stp_attach_pid(r->s->target_pid, r->mod.path, &r->seg, &r->att);

	if (err) {
		fprintf(stderr, "stapmark: cannot attach to process %d: %s\n", r->s->target_pid,
			r->att.msg);
		return 1;
	}
	r->attached = true;
	r->pid = r->s->target_pid;
	if (r->sc->set_target)
		r->sc->set_target(r->pid);
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	return r->sc->nsdt ? attach_sdt(r, r->pid) : 0;
}

/* The SDT handlers run from here on (the session is RUNNING). */
static int start_sdt(struct run *r)
{
	int e = r->sdt ? sdt_run_start(r->sdt) : 0;

	if (e)
		return setup_error("cannot start the sys/sdt.h reader", strerror(-e));
	return 0;
}

/* System-wide: like -x, the processes running now are attached before the
 * begin probes; those that start later, whenever they do. */
static int start_systemwide(struct run *r)
{
	if (sysw_start(&r->sysw, r->sc->process_paths, r->sc->nprocess_paths, r->mod.path, &r->seg,
		       r->s->verbose > 1)) {
		sysw_stop(&r->sysw);
		r->systemwide = false;
		return 1;
	}
	return 0;
}

/* -c: after the begin probes, so that no event of the command is missed. */
static int spawn_target(struct run *r)
{
	int err, gate;

	if (r->sc->nsdt) { /* held before its exec until the probes are on */
		err = sdt_spawn_held(&r->pid, &gate, r->s->target_cmd, r->mod.path, &r->seg);
		if (!err) {
			r->child = true;
			if (attach_sdt(r, r->pid)) {
				kill(r->pid, SIGKILL);
				close(gate);
				return 1;
			}
			if (r->sc->set_target)
				r->sc->set_target(r->pid);
			r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
			sdt_spawn_release(gate);
			return start_sdt(r);
		}
	} else {
		err = stp_spawn_command(&r->pid, r->s->target_cmd, r->mod.path, &r->seg);
	}

	if (err) {
		fprintf(stderr, "stapmark: cannot start '%s': %s\n", r->s->target_cmd,
			strerror(-err));
		return 1;
	}
	r->child = true;
	if (r->sc->set_target)
		r->sc->set_target(r->pid);
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	return 0;
}

/* No marker handler of this session may run once this returns. */
static bool gone_away(int err)
{
	return err == -ECONNRESET || err == -EPIPE || err == -ECONNREFUSED || err == -ESRCH ||
	       err == -ENOENT;
}

static void detach_target(struct run *r)
{
	char msg[256];
	int err;

	/* Handlers of a target we cannot reach (a -c command's children, a
	 * wedged control server) check this and the session state. */
	stp_segment_request_detach(&r->seg);
	if (r->systemwide) {
		sysw_stop(&r->sysw);
		r->systemwide = false;
	} else if (r->attached) {
		err = stp_detach_pid(&r->att);
		if (err && !target_ended(r))
			fprintf(stderr, "stapmark: detaching from process %d: %s\n", (int)r->pid,
				r->att.msg);
		r->attached = false;
	} else if (r->child && !target_ended(r)) {
		err = stp_detach_preloaded(r->pid, r->mod.path, msg, sizeof(msg));
		/* A command on its way out closes its control socket before it
		 * can be reaped: that is no failure to report. */
		if (err && !gone_away(err) && !target_ended(r))
			fprintf(stderr, "stapmark: detaching from '%s': %s\n", r->s->target_cmd,
				msg);
	}
}

/* What the -c command's end says: a crash is reported, its output kept;
 * the shell's "cannot run" statuses mean the target never started. */
static int report_child(struct run *r)
{
	int st = r->child_status;

	if (!r->child || !r->target_gone)
		return 0;
	if (WIFSIGNALED(st)) {
		fprintf(stderr, "stapmark: '%s' killed by signal %d\n", r->s->target_cmd,
			WTERMSIG(st));
		return 0;
	}
	return WIFEXITED(st) && (WEXITSTATUS(st) == 126 || WEXITSTATUS(st) == 127);
}

static int open_out(struct run *r)
{
	const char *f = r->s->output_file;

	r->out_fd = f ? open(f, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666) : 1;
	if (r->out_fd < 0)
		return setup_error(f, strerror(errno));
	return 0;
}

static int setup(struct run *r, const char *module_path)
{
	struct stp_drain_config dc = {.err_fd = 2, .on_exit_request = on_exit_request};
	struct stp_segment_config cfg = {0};
	char err[512];
	int e;

	if (script_module_load(&r->mod, module_path, err, sizeof(err)))
		return setup_error(err, NULL);
	snprintf(run_tmp_path, sizeof(run_tmp_path), "%s", r->mod.path);
	r->sc = r->mod.sc;
	if (r->sc->nprocess_probes && !r->s->target_cmd && r->s->target_pid <= 0) {
		if (r->sc->nprocess_functions > 0)
			return setup_error("process(...).function probes need -c CMD or -x PID",
					   NULL);
		if (r->sc->nprocess_paths <= 0)
			return setup_error("process(...).mark probes need -c CMD or -x PID", NULL);
		r->systemwide = true;
	}
	if (r->sc->nkernel_probes)
		return setup_error("kernel probes cannot run in user space", NULL);
	if (open_out(r))
		return 1;
	/* globals_size is what the globals need at least; maps grow into
	 * the rest, so never less than the default. */
	cfg.globals_size = r->sc->globals_size > STP_SEG_DEFAULT_GLOBALS ? r->sc->globals_size
									 : STP_SEG_DEFAULT_GLOBALS;
	e = stp_segment_create(&r->seg, &cfg);
	if (e)
		return setup_error("cannot create the shared segment", strerror(-e));
	r->have_seg = true;
	dc.out_fd = r->out_fd;
	r->drainer = stp_drainer_new(&r->seg, &dc);
	if (!r->drainer || (e = stp_drainer_start(r->drainer)))
		return setup_error("cannot start the output drainer",
				   strerror(r->drainer ? -e : ENOMEM));
	if (r->sc->session_init(r->seg.fd, r->seg.hdr->session_id, err, sizeof(err)))
		return setup_error("cannot start the script", err);
	r->session_up = true;
	if (start_timers(r))
		return setup_error("cannot start the timers", strerror(ENOMEM));
	if (r->s->target_pid > 0)
		return attach_target(r);
	if (r->systemwide && start_systemwide(r))
		return 1;
	/* Neither -c nor -x: sys/sdt.h probes of every process, now and later. */
	return r->sc->nsdt && !r->s->target_cmd ? attach_sdt(r, -1) : 0;
}

/* Closing reports, as stap prints them, after all output is written. */
static int finish(struct run *r)
{
	int64_t errors = r->sc->errors(), skipped = r->sc->skipped();
	uint64_t lost = sdt_run_drops(r->sdt); /* sys/sdt.h hits the ring had no room for */

	stp_drainer_stop(r->drainer);
	stp_transport_report_drops(&r->seg, stderr);
	if (lost)
		fprintf(stderr, "WARNING: %llu sys/sdt.h probe hits dropped (BPF ring full)\n",
			(unsigned long long)lost);
	if (errors || skipped)
		fprintf(stderr, "WARNING: Number of errors: %lld, skipped probes: %lld\n",
			(long long)errors, (long long)skipped);
	return errors > 0;
}

static void cleanup(struct run *r)
{
	sdt_run_close(r->sdt);
	if (r->session_up)
		r->sc->session_exit();
	if (r->drainer) {
		stp_drainer_stop(r->drainer);
		stp_drainer_free(r->drainer);
	}
	if (r->have_seg)
		stp_segment_unmap(&r->seg);
	if (r->out_fd > 2)
		close(r->out_fd);
	if (r->pidfd >= 0)
		close(r->pidfd);
	if (r->systemwide)
		sysw_stop(&r->sysw);
	free(r->pfd);
	free(r->next_due);
	script_module_unload(&r->mod);
	run_tmp_path[0] = '\0';
}

int pass5_run(struct session *s, const char *module_path)
{
	struct run r = {.s = s, .out_fd = -1, .pidfd = -1};
	struct pass_clock clk;
	int rc;

	clock_start(&clk);
	if (s->verbose)
		fprintf(stderr, "Pass 5: starting run.\n");
	run_signals = 0;
	run_wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (run_wake_fd < 0)
		return setup_error("eventfd", strerror(errno));
	catch_signals(true);
	rc = setup(&r, module_path);
	if (rc)
		goto out;
	r.sc->run_begin();
	if (running(&r) && !run_signals && s->target_cmd)
		rc = spawn_target(&r);
	else if (running(&r))
		rc = start_sdt(&r);
	if (!rc)
		main_loop(&r);
	/* Every SDT hit already made runs its handler before the stop. */
	sdt_run_finish(r.sdt);
	/* Marker handlers see STOPPING and return at once; then detach. */
	r.sc->request_stop();
	detach_target(&r);
	rc |= report_child(&r);
	if (r.sc->errors() > 0 && r.sc->run_error)
		r.sc->run_error();
	r.sc->run_end();
	rc |= finish(&r);
out:
	cleanup(&r);
	catch_signals(false);
	close(run_wake_fd);
	run_wake_fd = -1;
	if (s->verbose) {
		fprintf(stderr, "Pass 5: run completed ");
		clock_report(&clk);
	}
	return rc;
}
