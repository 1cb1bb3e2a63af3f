/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a script's kernel module (stap_<hash>.ko, or -m NAME) and stapmark's
 * pass 5 (our staprun) say to each other.  Included by both sides: only
 * fixed-width types here.
 *
 * markers.ko creates the directory /proc/stapmark at load (and exports it
 * as stapmark_proc_dir); each script module adds /proc/stapmark/NAME/ with
 * two files, root only (0600):
 *
 *   control   write: one command a write(2), a line of text
 *               "target PID"  target() for the script (before "start")
 *               "tz SECS NAME" tz_gmtoff() (seconds west of UTC) and
 *                             tz_name() (before "start")
 *               "start"       begin probes, then marker probes registered and
 *                             armed and timers started; the write returns
 *                             when that is done: its length, or -errno
 *                             (-EPERM: a marker's format does not match the
 *                             probe's, markers.ko's log says which)
 *               "stop"        STARTING/RUNNING -> STOPPING, probes and timers
 *                             detached (after a grace period no handler runs),
 *                             error probes, end probes, never-read globals;
 *                             returns when the session is STOPPED
 *             read: one status line, STP_KSTATUS_FMT
 *             Opening it for writing claims the session (-EBUSY when a
 *             writer holds it); the writer's pid is the reader pid of the
 *             status.  Closing it while the session is not STOPPED (stapmark
 *             was killed) detaches the probes and stops the timers without
 *             running end probes: the module is then "orphaned" and the next
 *             stapmark run unloads it (stap's staprun -d).
 *   output    read: whole records (struct stp_krec + len bytes), never a
 *             part of one; merged from the per-CPU buffers in time order.
 *             A read blocks until at least one record is there, or returns
 *             0 (end of file) once the session is STOPPED and every buffer
 *             is empty.  O_NONBLOCK: -EAGAIN instead of blocking.  The
 *             buffer must hold at least STP_KREC_MAX bytes.
 *
 * A handler never blocks and never wakes anyone up (it may run under the
 * scheduler's locks): the reader polls (a few ms) while a buffer is less
 * than half full.  A full buffer drops the record and counts it.
 */
#ifndef STP_KERNEL_ABI_H
#define STP_KERNEL_ABI_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define STP_KPROC_DIR "/proc/stapmark"
#define STP_KCONTROL "control"
#define STP_KOUTPUT "output"
/* Kernel function probes and where each is: "PP<TAB>on ftrace|optimized|int3
 * |pending|failed ERR|off<TAB>missed N" per line (only with such probes). */
#define STP_KKPROBES "kprobes"

/* One output record, followed by len bytes (no NUL, no padding). */
struct stp_krec {
	uint32_t len;
	uint16_t kind; /* STP_KREC_* */
	uint16_t cpu;
	uint64_t stamp_ns; /* local_clock() when written */
};

#define STP_KREC_OUTPUT 1 /* print/printf: the script's output (stdout or -o) */
#define STP_KREC_MESSAGE 2 /* "WARNING: ...\n", "ERROR: ...\n": stderr */

/* The largest record (header included) the module writes. */
#define STP_KREC_MAX (16 * 1024)

/*
 * The status line: session state (enum stp_session_state of
 * runtime/stp/region.h), errors, skipped hits, records dropped because a
 * buffer was full, the reader's pid (0: none) and whether the module is
 * orphaned (its reader went away before the session STOPPED).
 */
#define STP_KSTATUS_FMT "state %d errors %lld skipped %lld dropped %lld reader %d orphaned %d\n"

/* Module parameter: bytes of output buffer per CPU (stap's -s, in MiB
 * there; here bytes, rounded up to a power of two, at least 64 KiB;
 * default (0): 4 MiB, less on many CPUs -- 64 MiB in all, 1 MiB at least). */
#define STP_KPARAM_BUFSIZE "stp_bufsize"

#endif /* STP_KERNEL_ABI_H */
