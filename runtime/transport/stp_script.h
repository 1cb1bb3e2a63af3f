/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a script module (the .so stapmark builds from a script in pass 4)
 * offers stapmark itself, besides the target-side entry points of
 * stp_module.h.  One module serves both sides of a session:
 *
 *   in each target (-c: preloaded; -x: loaded by libmarkers' control
 *   server), stp_module_attach() maps the segment, finds the script's
 *   globals in it and registers the marker handlers;
 *
 *   in stapmark, which dlopen()s the same file, stp_script() describes the
 *   script, and its session_init() creates the globals in the segment, then
 *   begin, timer, end and error probes run in stapmark's own threads,
 *   seeing what the marker handlers in the targets wrote.
 *
 * Every print of either side goes through the segment's per-thread rings
 * (runtime/transport), which stapmark's drainer writes out.
 */
#ifndef STAPMARK_TRANSPORT_SCRIPT_H
#define STAPMARK_TRANSPORT_SCRIPT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STP_SCRIPT_ABI 2
#define STP_SCRIPT_SYM "stp_script"

/* A timer probe: every period_ns (+ a random 0..randomize_ns), or hz times
 * a second when hz is non-zero. */
struct stp_script_timer {
	int64_t period_ns;
	int64_t randomize_ns;
	int64_t hz;
};

/* A sys/sdt.h probe that stapmark attaches to from outside the process
 * and whose handler it runs itself (run_sdt). */
struct stp_script_sdt {
	const char *path, *provider, *name, *pp;
	int nargs; /* $arg1..$argN are read */
	unsigned strings; /* the arguments to copy as strings at the hit */
	int comm; /* the handler calls execname() */
	int count_only; /* it only adds constants to counters (program.h) */
};

struct stp_user_remote;

struct stp_script {
	uint32_t abi; /* STP_SCRIPT_ABI */
	const char *name; /* the module name (-m, or stapmark_<hash>) */
	/* What the script probes: process marks need a target (-c or -x). */
	int nprocess_probes;
	int nkernel_probes;
	int ntimers;
	const struct stp_script_timer *timers;
	int has_begin, has_end, has_error;
	/* Bytes of region the globals need at least (maps grow into the rest). */
	uint64_t globals_size;

	/*
	 * stapmark's side, in this order:
	 *   session_init   map the segment (seg_fd, checked against
	 *                  session_id), create the region and the globals in
	 *                  its globals area, attach this module's output to the
	 *                  segment.  0, or -1 with a message in err (errlen).
	 *   run_begin      the begin probes, by priority; then the session is
	 *                  RUNNING (unless one of them called exit())
	 *   run_timer(i)   timer probe i, each time it is due
	 *   run_error      the error probes, when the session saw errors
	 *   run_end        the end probes, then the globals written but never
	 *                  read are printed, as stap does; the session is
	 *                  STOPPED after it
	 *   session_exit   detach this module's output; nothing runs after it
	 * The run_* functions return at once when the session is not in a state
	 * where they apply (exit() in a begin probe skips the timers...).
	 */
	int (*session_init)(int seg_fd, uint64_t session_id, char *err, int errlen);
	void (*run_begin)(void);
	void (*run_timer)(int i);
	void (*run_error)(void);
	void (*run_end)(void);
	void (*session_exit)(void);

	/* Session state for the driver's loop (enum stp_session_state of
	 * runtime/stp/region.h), and a request to stop (SIGINT, end of -c):
	 * moves a STARTING or RUNNING session to STOPPING. */
	int (*session_state)(void);
	void (*request_stop)(void);
	/* Errors and skipped hits so far, for the closing summary. */
	int64_t (*errors)(void);
	int64_t (*skipped)(void);
	/* The process of -x or -c, for the script's target(): set as soon as
	 * it is known (-x: before begin; -c: when it is started). */
	void (*set_target)(int64_t pid);

	/* Without -c or -x (system-wide): the distinct files the process
	 * marks are in, and how many process.function probes there are
	 * (those need a target).  Zero in a module that predates them. */
	int nprocess_paths;
	const char *const *process_paths;
	int nprocess_functions;
	/* sys/sdt.h probes: run_sdt runs probe i's handler for one hit, in
	 * stapmark, as the process hit (its pid, tid, execname, cpu; its
	 * memory for user_string(); stp_user.h). */
	int nsdt;
	const struct stp_script_sdt *sdt;
	void (*run_sdt)(int i, const int64_t *args, const struct stp_user_remote *hit);
};

typedef const struct stp_script *stp_script_fn(void);
__attribute__((visibility("default"))) const struct stp_script *stp_script(void);

#ifdef __cplusplus
}
#endif

#endif /* STAPMARK_TRANSPORT_SCRIPT_H */
