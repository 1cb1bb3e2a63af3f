// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * User-space host: a script module (.so) as stapmark and the targets use
 * it, driven by the program descriptor pass 3 wrote (program.h).  One file
 * serves both sides of a session (runtime/transport/stp_script.h):
 *
 *   in each target, stp_module_attach() maps the segment, finds the
 *   globals in it, and registers the marker probes (libmarkers);
 *
 *   in stapmark, stp_script() describes the script, and its session_init
 *   creates the region and the globals; begin, timer, error and end probes
 *   then run in stapmark's threads, and so do the handlers of sys/sdt.h
 *   and function probes, whose hits stapmark reads from a BPF ring.
 *
 * Linked into every module as an object of its own (not from an archive),
 * so that its three entry points are exported.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <stapmark/marker.h>

#include "../stp.h"
#include "../program.h"
#include "stp_user.h"
#include "stp_module.h"
#include "stp_script.h"
#include "stp_transport.h"

#define P (&stp_script_program)

static void on_output(const char *buf, size_t len, void *arg)
{
	(void)arg;
	stp_transport_write(buf, len);
}

static void on_message(const char *buf, size_t len, void *arg)
{
	(void)arg;
	stp_transport_write_msg(buf, len);
}

static void on_exit_request(void *arg)
{
	(void)arg;
	stp_transport_request_exit(0);
}

static const struct stp_user_hooks hooks = {on_output, on_message, on_exit_request, NULL};

/* --- the target side --- */

static void unregister_all(void)
{
	stp_program_detach_marks(P, 0);
}

/* libmarkers said why (format mismatch...); not EINVAL, which the loader
 * takes for a foreign segment. */
static int attach_failed(int rc)
{
	unregister_all();
	stp_transport_detach();
	return rc == -22 ? -5 : rc;
}

int stp_module_attach(const struct stp_attach_info *info)
{
	size_t size;
	void *base;
	int rc;

	if (info->version != STP_ATTACH_VERSION)
		return -22;
	rc = stp_transport_attach_session(info->seg_fd, info->session_id);
	if (rc)
		return rc < 0 ? rc : -22;
	base = stp_transport_globals(&size);
	if (!base || stp_program_attach_region(P, base, size)) {
		stp_transport_detach();
		return -5; /* EIO */
	}
	stp_user_set_hooks(&hooks);
	/* Function probes are stapmark's (a BPF uprobe each), not ours. */
	rc = stp_program_attach_marks(P, 0);
	if (rc)
		return attach_failed(rc);
	return 0;
}

void stp_module_detach(void)
{
	unregister_all();
	stp_transport_detach();
}

/* --- stapmark's side --- */

static int session_init(int seg_fd, uint64_t session_id, char *err, int errlen)
{
	size_t size;
	void *base;

	if (stp_transport_attach_session(seg_fd, session_id))
		return stp_snprintf(err, (size_t)errlen, "cannot map the session segment"), -1;
	base = stp_transport_globals(&size);
	if (!base)
		return stp_snprintf(err, (size_t)errlen, "the segment has no room for globals"), -1;
	stp_user_set_hooks(&hooks);
	if (stp_program_create(P, base, size, stp_user_default_slots(), err, errlen))
		return -1;
	stp_user_set_time_zone(*P->region);
	(*P->region)->stapmark_pid = stp_host_pid(); /* stp_pid() */
	return 0;
}

static void run_begin(void)
{
	stp_program_run_begin(P);
}

static void run_timer(int i)
{
	stp_program_run_timer(P, i);
}

static void run_error(void)
{
	stp_program_run_error(P);
}

static void run_end(void)
{
	stp_program_run_end(P);
}

static void session_exit(void)
{
	stp_transport_detach();
}

static int session_state(void)
{
	return stp_session_state(*P->region);
}

static void request_stop(void)
{
	stp_program_request_stop(P);
}

static int64_t errors(void)
{
	return stp_session_errors(*P->region);
}

static int64_t skipped(void)
{
	return stp_session_skipped(*P->region);
}

static void set_target(int64_t pid)
{
	__atomic_store_n(&(*P->region)->target_pid, pid, __ATOMIC_RELEASE);
}

/* A sys/sdt.h hit, read from the ring by stapmark: the handler runs here,
 * as the process hit. */
static void run_sdt(int i, const int64_t *args, const struct stp_user_remote *hit)
{
	stp_user_set_remote(hit);
	P->sdts[i].fn(args);
	stp_user_set_remote(NULL);
}

/* A function probe's hit, likewise: uregs is the ucontext_t stapmark
 * made of the registers the hit copied. */
static void run_ufunc(int i, const void *uregs, const struct stp_user_remote *hit)
{
	stp_user_set_remote(hit);
	P->funcs[i].fn(NULL, (void *)uregs);
	stp_user_set_remote(NULL);
}

static struct stp_script script = {
	.abi = STP_SCRIPT_ABI,
	.session_init = session_init,
	.run_begin = run_begin,
	.run_timer = run_timer,
	.run_error = run_error,
	.run_end = run_end,
	.session_exit = session_exit,
	.session_state = session_state,
	.request_stop = request_stop,
	.errors = errors,
	.skipped = skipped,
	.set_target = set_target,
	.run_sdt = run_sdt,
	.run_ufunc = run_ufunc,
};
static pthread_once_t script_once = PTHREAD_ONCE_INIT;

/* The distinct files of the process marks, for system-wide mode. */
static void add_process_paths(void)
{
	const char **v = calloc((size_t)P->nmarks + 1, sizeof(*v));
	int n = 0;

	for (int i = 0; v && i < P->nmarks; i++) {
		const char *p = P->marks[i].path;
		int k;

		if (P->marks[i].kernel || !p)
			continue;
		for (k = 0; k < n && strcmp(v[k], p); k++)
			;
		if (k == n)
			v[n++] = p;
	}
	script.process_paths = v;
	script.nprocess_paths = v ? n : 0;
}

static struct stp_script_timer no_timers;

/* What stapmark's driver wants to know, from the descriptor. */
static void describe(void)
{
	struct stp_script_timer *t = calloc((size_t)P->ntimers + 1, sizeof(*t));

	for (int i = 0; t && i < P->ntimers; i++)
		t[i] = (struct stp_script_timer){P->timers[i].period_ns, P->timers[i].randomize_ns,
						 P->timers[i].hz};
	script.name = P->name;
	for (int i = 0; i < P->nmarks; i++) {
		script.nkernel_probes += P->marks[i].kernel;
		script.nprocess_probes += !P->marks[i].kernel;
	}
	/* Function probes need no target either: stapmark attaches to
	 * them from outside, for one process or for all. */
	struct stp_script_ufunc *uf = calloc((size_t)P->nfuncs + 1, sizeof(*uf));

	for (int i = 0; uf && i < P->nfuncs; i++)
		uf[i] = (struct stp_script_ufunc){P->funcs[i].path,   P->funcs[i].pp,
						  P->funcs[i].offset, P->funcs[i].ret,
						  P->funcs[i].comm,   P->funcs[i].count_only,
						  P->funcs[i].strings};
	script.nufunc = uf ? P->nfuncs : 0;
	script.ufunc = uf;
	add_process_paths();
	/* SDT probes need no target: with neither -c nor -x they are of
	 * every process (stapmark attaches to them, not libmarkers). */
	struct stp_script_sdt *sdt = calloc((size_t)P->nsdts + 1, sizeof(*sdt));

	for (int i = 0; sdt && i < P->nsdts; i++)
		sdt[i] = (struct stp_script_sdt){P->sdts[i].path,  P->sdts[i].provider,
						 P->sdts[i].name,  P->sdts[i].pp,
						 P->sdts[i].nargs, P->sdts[i].strings,
						 P->sdts[i].comm,  P->sdts[i].count_only};
	script.nsdt = sdt ? P->nsdts : 0;
	script.sdt = sdt;
	script.ntimers = t ? P->ntimers : 0;
	script.timers = t ? t : &no_timers;
	script.has_begin = P->nbegin > 0;
	script.has_end = P->nend > 0;
	script.has_error = P->nerror > 0;
	script.globals_size = P->globals_size;
}

/* What describe() allocated, freed when stapmark unloads the module
 * (LeakSanitizer would report it otherwise; never set in a target). */
static void __attribute__((destructor)) undescribe(void)
{
	if (script.timers != &no_timers)
		free((void *)script.timers);
	free((void *)script.process_paths);
	free((void *)script.ufunc);
	free((void *)script.sdt);
}

const struct stp_script *stp_script(void)
{
	pthread_once(&script_once, describe);
	return &script;
}
