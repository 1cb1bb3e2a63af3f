/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A translated script as data: what pass 3 emits after the handlers, one
 * `const struct stp_program stp_script_program`, and what each host's
 * runtime drives.  The generated code holds only what is the script's own
 * (its globals block, functions, handlers, the globals' set-up); every
 * fixed step of a session -- create or attach the region, run begin probes,
 * register and arm marker probes, run timers, detach, run error and end
 * probes, print the globals never read -- is runtime code:
 *
 *   program.c               host-agnostic steps (this header)
 *   user/module.c           user space: stp_script() for stapmark, and
 *                           stp_module_attach()/detach() for targets
 *   kernel/                 the kernel: module init/exit, procfs control
 *
 * Session order, on every host:
 *   stp_program_create      region, globals (create_globals), STARTING
 *   stp_program_run_begin   begin probes by priority, then RUNNING
 *   attach                  marker probes (stp_program_attach_marks), function
 *                           probes and timers, by the host
 *   ... handlers run ...    exit(), MAXERRORS, a signal: STOPPING
 *   detach                  no handler runs after it (the host's grace period)
 *   stp_program_run_error   error probes, when the session saw errors
 *   stp_program_run_end     end probes, never-read globals, STOPPED
 */
#ifndef STP_PROGRAM_H
#define STP_PROGRAM_H

#include "stp_host.h"

#define STP_PROGRAM_ABI 3

struct stp_region;
struct stp_context;
struct stp_regex;

typedef void stp_probe_fn(void);
/* The marker probe signature (<stapmark/marker.h>, 2.6.25). */
typedef void stp_mark_fn(void *probe_private, void *call_private, const char *fmt, va_list *args);
/* A function probe's handler: uregs is what the host saved at the hit. */
typedef void stp_func_fn(void *probe_private, void *uregs);

/* probe kernel.mark("name") / process("...").mark("name"). */
struct stp_prog_mark {
	const char *name, *format;
	stp_mark_fn *fn;
	int kernel; /* a kernel marker (markers.ko); else a process one (libmarkers) */
	const char *path; /* a process marker: the ELF file it is in (system-wide mode) */
};

/* probe process("path").function("f")[.return]: libmarkers' uprobes. */
struct stp_prog_func {
	const char *path;
	uint64_t offset; /* in the file */
	int ret;
	stp_func_fn *fn;
	const char *function;
};

/* probe process("path").mark("name") on a sys/sdt.h probe (a
 * .note.stapsdt of a program not built with stapmark): the host attaches
 * to it from outside (stapmark: a BPF program per site, libbpf) and calls
 * fn with the hit's arguments, as identity and memory of the process hit
 * (stp_user_set_remote). */
typedef void stp_sdt_fn(const int64_t *args);
struct stp_prog_sdt {
	const char *path; /* the ELF file holding the notes */
	const char *provider, *name;
	stp_sdt_fn *fn;
	int nargs; /* arguments the handler reads: $arg1..$argN */
	unsigned strings; /* those it passes to user_string (bit k-1: $argk) */
	const char *pp;
	int comm; /* it calls execname(): the hit copies the thread's name */
	/* It only adds constants to counters: hits may be counted by the
	 * host and fn run once per hit later, with no arguments. */
	int count_only;
};

/* probe kernel.function("f")[.return], kprobe.*: the kernel's kprobes and
 * kretprobes, by name (the kernel resolves module:symbol when it
 * registers), or at an absolute address.  A return probe's entry_fn, when
 * set, runs at the function's entry with entry_size bytes of per-call
 * storage that its return then finds (@entry values; entry.h). */
struct stp_prog_kprobe {
	const char *module; /* NULL: vmlinux */
	const char *symbol; /* NULL: at addr */
	uint64_t addr;
	int ret;
	int maxactive; /* 0: the kernel's default */
	int optional; /* a probe the kernel refuses is a warning, not an error */
	stp_func_fn *fn;
	stp_func_fn *entry_fn;
	uint32_t entry_size;
	const char *pp;
};

/* timer.s(N) and friends: every period_ns (+ a random 0..randomize_ns), or
 * hz times a second when hz is non-zero; timer.profile: every period_ns on
 * every CPU (the kernel host). */
struct stp_prog_timer {
	int64_t period_ns;
	int64_t randomize_ns;
	int64_t hz;
	stp_probe_fn *fn;
	int per_cpu;
};

/* A global written but never read, which the end of a session prints as
 * stap does ("n=3", "a[1,\"x\"]=2", "s @count=..."). */
struct stp_prog_global {
	const char *name;
	uint32_t offset; /* of its value in the globals block */
	uint8_t type; /* STP_LONG, STP_STRING or STP_STAT (value.h) */
	uint8_t arity; /* 0: a scalar (the value in place; a statistic: its stp_off_t) */
	uint8_t key_types[9]; /* STP_LONG or STP_STRING */
	int8_t counter; /* a counter global (counter.h): its index; else -1 */
};

struct stp_program {
	uint32_t abi; /* STP_PROGRAM_ABI */
	const char *name; /* the module name (-m, or stap_<hash>) */

	/* The globals block and where the generated code looks for the
	 * region and for the block: the host sets both before anything runs. */
	uint64_t globals_size;
	struct stp_region **region;
	void **globals;
	/* Locks, maps, statistics and initial values of the globals, in a
	 * new region (the creator side only).  0, or -1 with a message. */
	int (*create_globals)(char *err, int errlen);
	int ncounters; /* counter globals: indexes 0..ncounters-1 */

	const struct stp_prog_mark *marks;
	int nmarks;
	const struct stp_prog_func *funcs;
	int nfuncs;
	const struct stp_prog_sdt *sdts;
	int nsdts;
	const struct stp_prog_kprobe *kprobes;
	int nkprobes;
	const struct stp_prog_timer *timers;
	int ntimers;
	/* By priority, then declaration order. */
	stp_probe_fn *const *begin;
	int nbegin;
	stp_probe_fn *const *end;
	int nend;
	stp_probe_fn *const *error;
	int nerror;
	/* In the order stap prints them (first use). */
	const struct stp_prog_global *unread;
	int nunread;
	/* The patterns of =~ and !~, compiled by the host at create/attach. */
	struct stp_regex *const *regexes;
	int nregexes;
};

/* The program of a translated script (pass 3 defines it). */
extern const struct stp_program stp_script_program;

/*
 * Creator: make a region in zero-filled memory (base, size) with nslots
 * statistics slots, allocate and set up the globals, set *p->region and
 * *p->globals, and leave the session STARTING.  0, or -1 and a message.
 */
int stp_program_create(const struct stp_program *p, void *base, size_t size, unsigned int nslots,
		       char *err, int errlen);
/* Another process of the session: use the region the creator made.  0,
 * or -1 when base holds no region of this runtime. */
int stp_program_attach_region(const struct stp_program *p, void *base, size_t size);

/* Register and arm every marker probe of one side (kernel != 0: the kernel
 * ones) through the marker API (markers.ko and libmarkers export the same).
 * On failure undoes what it did and returns the marker API's error; the
 * marker runtime says why (format mismatch...). */
int stp_program_attach_marks(const struct stp_program *p, int kernel);
/* Disarm and unregister them, then marker_synchronize_unregister(): no
 * handler of p runs after it returns. */
void stp_program_detach_marks(const struct stp_program *p, int kernel);

/* The begin probes; then RUNNING, unless one of them called exit(). */
void stp_program_run_begin(const struct stp_program *p);
/* Timer probe i. */
void stp_program_run_timer(const struct stp_program *p, int i);
/* The error probes (the session is STOPPING after them). */
void stp_program_run_error(const struct stp_program *p);
/* The end probes, then the globals never read; STOPPED after it. */
void stp_program_run_end(const struct stp_program *p);
/* SIGINT, the end of -c, a stop request: STARTING or RUNNING -> STOPPING. */
void stp_program_request_stop(const struct stp_program *p);

#endif /* STP_PROGRAM_H */
