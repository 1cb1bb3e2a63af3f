/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel host of the handler runtime: what its files (khost.c, kring.c,
 * ktimer.c, kproc.c, kmodule.c) share.  Not for the runtime/stp sources,
 * which see only stp_host.h.
 *
 * Everything a handler touches is allocated at module init and indexed by
 * CPU: the probe context, the counter cell, a scratch stack for foreach
 * snapshots and an output ring.  A handler runs with preemption disabled
 * (stp_host_context .. stp_host_context_put), so "this CPU's" is stable
 * for the whole hit; an interrupt on the same CPU finds the context busy
 * and is skipped by the runtime.
 */
#ifndef STP_KERNEL_KSTP_H
#define STP_KERNEL_KSTP_H

#include <linux/types.h>

#include "stp.h"
#include "program.h"
#include "stp_kernel_abi.h"

/* Compile-time defaults of the module parameters (STP_DEFINES may set them). */
#ifndef STP_KREGION_SIZE
#define STP_KREGION_SIZE (16UL << 20) /* the script's region (maps, statistics) */
#endif
/* Output ring per CPU; 0: 4 MiB, or less on many CPUs (64 MiB in all, at
 * least 1 MiB each).  Measured in the TCG guest (README): a 1 MiB ring
 * drops records at ~1 M lines/s when the host deschedules the reader's
 * CPU for a while, 4 MiB did not. */
#ifndef STP_KBUF_SIZE
#define STP_KBUF_SIZE 0
#endif
#define STP_KBUF_AUTO_MAX (4UL << 20)
#define STP_KBUF_AUTO_MIN (1UL << 20)
#define STP_KBUF_AUTO_TOTAL (64UL << 20)
/* foreach snapshots per CPU: m->num * 2 * sizeof(stp_off_t) each (iter.c).
 * 0: room for four nested loops over the script's largest array (its
 * declared size, or MAXMAPENTRIES), known once the globals exist. */
#define STP_KSCRATCH_FOR(entries) (4UL * (entries)*2 * sizeof(stp_off_t) + 4096)
#ifndef STP_KSCRATCH_SIZE
#define STP_KSCRATCH_SIZE 0
#endif
/* 1: handlers run with preemption off, interrupts on (an interrupt's hit
 * while a handler runs on the CPU is skipped, as in stap); 0: with
 * interrupts off too (stap's -DINTERRUPTIBLE=0). */
#ifndef INTERRUPTIBLE
#define INTERRUPTIBLE 1
#endif
/* Shortest timer period accepted: shorter ones run at this one. */
#ifndef STP_KTIMER_MIN_NS
#define STP_KTIMER_MIN_NS 10000
#endif

/* module parameters (kmodule.c) */
extern unsigned long stp_bufsize, stp_regionsize, stp_scratchsize;

/* khost.c: per-CPU contexts, counter cells and scratch stacks. */
int kstp_host_init(void);
/* The foreach scratch stacks, after the globals: max_map_entries is the
 * largest array's capacity (the region's max_map_entries). */
int kstp_host_scratch_init(unsigned long max_map_entries);
void kstp_host_exit(void);
/* Free what the host compiled for p's regular expressions. */
void kstp_regex_free_all(const struct stp_program *p);

/* kring.c: per-CPU output rings and their reader. */
int kstp_ring_init(size_t bufsize);
void kstp_ring_exit(void);
/* A record into this CPU's ring, or dropped (and counted in the region). */
void kstp_ring_write(u16 kind, const char *buf, size_t len);
/* Read whole records into ubuf (count bytes): > 0 bytes, 0 at end of
 * file, -EAGAIN (nonblock), -EINVAL (count cannot hold the next record),
 * -EFAULT, -ERESTARTSYS, -ENODEV (module going). */
ssize_t kstp_ring_read(char __user *ubuf, size_t count, bool nonblock);
/* Wake blocked readers (process context). */
void kstp_ring_wake(void);
/* Records written into a full buffer and lost. */
s64 kstp_ring_dropped(void);
/* The module is going: blocked readers return. */
void kstp_ring_shutdown(void);

/* ktimer.c: the program's timer probes as hrtimers. */
int kstp_timers_init(const struct stp_program *p);
void kstp_timers_start(void);
void kstp_timers_stop(void);
void kstp_timers_exit(void);

/* kkprobes.c: the program's kernel function probes as kprobes/kretprobes.
 * start: 0, or the first error of a probe that is not optional (nothing
 * stays registered then). */
int kstp_kprobes_init(const struct stp_program *p);
int kstp_kprobes_start(void);
void kstp_kprobes_stop(void);
void kstp_kprobes_exit(void);
/* /proc/stapmark/NAME/kprobes, when the program has kernel probes. */
struct proc_dir_entry;
int kstp_kprobes_proc(struct proc_dir_entry *dir);

/* kproc.c: /proc/stapmark/NAME/{control,output} and the session. */
int kstp_proc_init(const char *name);
void kstp_proc_exit(void);
/* Module exit: stop a session still running, without end probes. */
void kstp_session_exit(void);

/* The region of the script (kmodule.c). */
extern struct stp_region *kstp_region;

#endif /* STP_KERNEL_KSTP_H */
