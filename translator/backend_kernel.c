// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel backend: what it runs (kernel.mark, begin, end, error, timer
 * probes), pass 4 (build_kernel.c), pass 5 here (run_kernel.c) or, with
 * --remote=guest, in the bundled qemu guest: guest/run boots it and runs
 * this same stapmark there on the module (--run-module), with the project
 * tree and the build directory shared at their paths.
 *
 * The host's first SIGINT (SIGTERM, SIGHUP) reaches the guest as a file:
 * guest/run runs in a process group of its own, so that the terminal's
 * signal does not make it kill the guest, and the stapmark in the guest
 * watches $STAPMARK_STOP_FILE, a file in the build directory that the
 * host creates; the script then ends as on a SIGINT, with its end probes.
 * A second signal stops the guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "build_kernel.h"
#include "run.h"
#include "run_kernel.h"

static const char *kernel_refuses(struct session *s, const struct derived_probe *p)
{
	switch (p->kind) {
	case PK_PROCESS_MARK:
	case PK_PROCESS_FUNCTION:
		return "process probes need the user-space backend (--runtime=dyninst); the "
		       "kernel backend runs kernel.mark, kernel.trace, kernel.function, kprobe, "
		       "begin, end, error and timer probes";
	case PK_KERNEL_FUNCTION:
		return NULL;
	case PK_KERNEL_MARK:
		for (int i = 0; i < p->nargs; i++) {
			const struct marker_arg *a = &p->args[i];

			if (a->va_type == MARKER_VA_DOUBLE || a->va_type == MARKER_VA_LDOUBLE)
				return arena_printf(
					s->arena,
					"%s: the kernel has no floating point: a kernel "
					"probe cannot read %%%s%c ($%s)",
					p->pp, a->length, a->conversion, a->name);
		}
		return NULL;
	default:
		return NULL;
	}
}

/* --remote=guest */

static volatile sig_atomic_t guest_signals;
static const char *guest_stop_file;
static pid_t guest_pgid;

static void on_guest_signal(int sig)
{
	int fd;

	(void)sig;
	if (++guest_signals == 1) {
		fd = open(guest_stop_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
	} else if (guest_signals > RUN_INTERRUPTS_TOLERATED && guest_pgid > 0) {
		kill(-guest_pgid, SIGTERM);
	}
}

static void catch_guest_signals(bool on)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa = {.sa_handler = on ? on_guest_signal : SIG_DFL};

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* The trees guest/run shares read-write: the project and the build dir. */
struct guest_paths {
	const char *top, *build, *self, *guest_run;
};

static bool inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

static bool shared(const struct guest_paths *g, const char *path)
{
	return inside(path, g->top) || inside(path, g->build);
}

static const char *real(struct arena *a, const char *path)
{
	char buf[PATH_MAX];

	return realpath(path, buf) ? arena_strndup(a, buf, strlen(buf)) : NULL;
}

static int guest_paths(struct session *s, struct guest_paths *g)
{
	const char *exe = session_exe_dir(s);
	struct arena *a = s->arena;

	g->top = exe ? real(a, arena_printf(a, "%s/../..", exe)) : NULL;
	g->build = exe ? real(a, arena_printf(a, "%s/..", exe)) : NULL;
	g->self = real(a, "/proc/self/exe");
	g->guest_run = g->top ? arena_printf(a, "%s/guest/run", g->top) : NULL;
	if (!g->guest_run || !g->self || access(g->guest_run, X_OK)) {
		fprintf(stderr, "stapmark: --remote=guest needs guest/run of the source tree "
				"(stapmark run from its build tree)\n");
		return 1;
	}
	return 0;
}

static int copy_into(const char *from, const char *to)
{
	return build_run((char *[]){"cp", "-f", (char *)from, (char *)to, NULL}, "/dev/null");
}

/* Kernel trouble in the console log, as the guest tests look for it: how
 * many lines show it; printed (the first ten) when print. */
static int console_trouble(const char *console, bool print)
{
	static const char *const marks[] = {"BUG:", "Oops", "WARNING:", "Call Trace",
					    "general protection"};
	FILE *f = fopen(console, "r");
	char line[1024];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
			if (strstr(line, marks[i])) {
				if (print && n < 10)
					fprintf(stderr, "  | %s", line);
				n++;
				break;
			}
	if (f)
		fclose(f);
	return n;
}

/* What guest/run's status says; stapmark's exit status. */
static int guest_status(struct session *s, int status, const char *console, int timeout_s)
{
	const char *why = NULL;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

	switch (code) {
	case 124:
		why = arena_printf(s->arena, "the guest did not finish within %d s (a hang?)",
				   timeout_s);
		break;
	case 125:
		why = "the guest kernel panicked, or the guest died while the script ran";
		break;
	case 126:
		why = "the guest failed to boot, or could not start stapmark";
		break;
	case 127:
		why = "stapmark was not found in the guest";
		break;
	case 130:
	case 128 + SIGTERM:
		why = "interrupted: the guest was stopped, without end probes";
		break;
	}
	if (why) {
		if (access(console, R_OK) == 0)
			fprintf(stderr, "stapmark: %s; console log kept at %s\n", why, console);
		else
			fprintf(stderr, "stapmark: %s\n", why);
		return 1;
	}
	int rc = code ? 1 : 0;

	int n = console_trouble(console, false);

	if (n) {
		fprintf(stderr,
			"stapmark: the guest kernel reported trouble (%d line%s); console log "
			"kept at %s:\n",
			n, n == 1 ? "" : "s", console);
		console_trouble(console, true);
		return 1;
	}
	if (!s->keep_tmpdir)
		unlink(console);
	return rc;
}

static int guest_timeout(struct session *s)
{
	const char *env = getenv("STAPMARK_GUEST_TIMEOUT");

	if (env && atoi(env) > 0)
		return atoi(env);
	/* Boot and module loads under TCG take seconds, many on a busy host. */
	return s->timeout_s ? s->timeout_s + 300 : 3600;
}

static int run_in_guest(struct session *s, const char *ko_path)
{
	struct arena *a = s->arena;
	struct guest_paths g;
	VEC(char *) argv = {0};
	const char *ko = real(a, ko_path), *copied = NULL, *out = NULL, *guest_out = NULL;
	int status = 0, rc, timeout_s = guest_timeout(s);
	pid_t pid;

	if (guest_paths(s, &g))
		return 1;
	if (!ko) {
		fprintf(stderr, "stapmark: %s: %s\n", ko_path, strerror(errno));
		return 1;
	}
	const char *dir = arena_printf(a, "%s/guest/modules", g.build);
	const char *console =
		arena_printf(a, "%s/guest/stapmark.%d.console.log", g.build, (int)getpid());

	guest_stop_file = arena_printf(a, "%s/guest/stop.%d", g.build, (int)getpid());
	/* The module and -o's file where the guest sees them. */
	if (!shared(&g, ko)) {
		copied = arena_printf(a, "%s/%s", dir, strrchr(ko, '/') + 1);
		if (build_mkdirs(dir) || copy_into(ko, copied)) {
			fprintf(stderr, "stapmark: cannot copy %s into %s\n", ko, dir);
			return 1;
		}
		ko = copied;
	}
	if (s->output_file) {
		const char *slash = strrchr(s->output_file, '/');
		const char *odir =
			real(a, slash ? arena_strndup(a, s->output_file, slash - s->output_file + 1)
				      : ".");

		if (!odir) {
			fprintf(stderr, "stapmark: %s: %s\n", s->output_file, strerror(errno));
			return 1;
		}
		out = arena_printf(a, "%s/%s", odir, slash ? slash + 1 : s->output_file);
		if (!shared(&g, out))
			out = guest_out =
				arena_printf(a, "%s/guest/out.%d", g.build, (int)getpid());
	}
	unlink(guest_stop_file);
#define ARG(...) VEC_PUSH(a, argv, arena_printf(a, __VA_ARGS__))
	ARG("%s", g.guest_run);
	ARG("-B");
	ARG("%s", g.build);
	ARG("-t");
	ARG("%d", timeout_s);
	ARG("--console");
	ARG("%s", console);
	ARG("--stream");
	ARG("-e");
	ARG("STAPMARK_STOP_FILE=%s", guest_stop_file);
	if (s->verbose >= 3)
		ARG("-v");
	ARG("--");
	ARG("%s", g.self);
	ARG("--run-module");
	ARG("%s", ko);
	if (out) {
		ARG("-o");
		ARG("%s", out);
	}
	if (s->target_cmd) {
		ARG("-c");
		ARG("%s", s->target_cmd);
	}
	if (s->timeout_s) {
		ARG("-T");
		ARG("%d", s->timeout_s);
	}
	for (int i = 0; i < s->verbose; i++)
		ARG("-v");
#undef ARG
	VEC_PUSH(a, argv, NULL);
	if (s->verbose) {
		fprintf(stderr, "Pass 5: running in the guest:");
		for (int i = 0; argv.v[i]; i++)
			fprintf(stderr, " %s", argv.v[i]);
		fputc('\n', stderr);
	}
	fflush(NULL);
	guest_signals = 0;
	guest_pgid = 0;
	catch_guest_signals(true);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		catch_guest_signals(false);
		execv(argv.v[0], argv.v);
		_exit(126);
	}
	if (pid > 0) {
		setpgid(pid, pid);
		guest_pgid = pid;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	catch_guest_signals(false);
	guest_pgid = 0;
	unlink(guest_stop_file);
	if (copied)
		unlink(copied);
	if (pid < 0) {
		fprintf(stderr, "stapmark: cannot run %s: %s\n", g.guest_run, strerror(errno));
		return 1;
	}
	rc = guest_status(s, status, console, timeout_s);
	if (guest_out && access(guest_out, F_OK) == 0) {
		if (rename(guest_out, s->output_file) &&
		    (copy_into(guest_out, s->output_file) || unlink(guest_out))) {
			fprintf(stderr, "stapmark: cannot move the output to %s (it is in %s)\n",
				s->output_file, guest_out);
			rc = 1;
		}
	}
	return rc;
}

static int kernel_run(struct session *s, const char *ko_path)
{
	return s->remote ? run_in_guest(s, ko_path) : run_kernel(s, ko_path);
}

const struct backend backend_kernel = {
	.name = "kernel",
	.runtime = "kernel",
	.kernel = true,
	.refuses = kernel_refuses,
	.prepare = build_kernel_prepare,
	.build = build_kernel_compile,
	.run = kernel_run,
};
