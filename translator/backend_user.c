// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The user-space backend (stap's "dyninst" runtime, in name only): pass 4
 * builds a shared object (build.c), pass 5 loads it into stapmark and the
 * -c/-x targets (run.c).
 */
#include <signal.h>
#include <unistd.h>

#include "backend.h"
#include "run.h"

static const char *user_refuses(struct session *s, const struct derived_probe *p)
{
	(void)s;
	if (p->kind == PK_KERNEL_MARK || p->kind == PK_KERNEL_FUNCTION)
		return "kernel probes need the kernel backend (--runtime=kernel); the "
		       "user-space backend runs process, begin, end, error and timer probes";
	if (p->kind == PK_TIMER && p->profile)
		return "timer.profile fires on every CPU: it needs the kernel backend "
		       "(--runtime=kernel)";
	return NULL;
}

/* -T SECONDS: a SIGINT then, which run.c takes as the first interrupt (end
 * probes run; a second one exits at once), unless its run is over. */
static void on_timeout(int sig)
{
	struct sigaction sa;

	(void)sig;
	if (sigaction(SIGINT, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL &&
	    sa.sa_handler != SIG_IGN)
		kill(getpid(), SIGINT);
}

static int user_run(struct session *s, const char *module_path)
{
	struct sigaction sa = {.sa_handler = on_timeout};
	int rc;

	if (s->timeout_s > 0) {
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
		alarm((unsigned int)s->timeout_s);
	}
	rc = pass5_run(s, module_path);
	if (s->timeout_s > 0) {
		alarm(0);
		signal(SIGALRM, SIG_DFL);
	}
	return rc;
}

const struct backend backend_user = {
	.name = "user",
	.runtime = "dyninst",
	.refuses = user_refuses,
	.prepare = build_prepare,
	.build = build_compile,
	.run = user_run,
};
