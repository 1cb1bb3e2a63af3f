/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Limits of the handler runtime.  The defaults are SystemTap's (runtime
 * defines of stap 4.x on a 64-bit host); each one can be overridden with
 * -D on the stapmark command line, which reaches the compiler unchanged.
 */
#ifndef STP_CONFIG_H
#define STP_CONFIG_H

/* Longest string, including its terminating NUL. */
#ifndef MAXSTRINGLEN
#define MAXSTRINGLEN 512
#endif

/* Statements executed per hit before the handler stops with an error. */
#ifndef MAXACTION
#define MAXACTION 1000
#endif

/* The budget of begin, end, error and timer probes, which stap runs as
 * interruptible probes and lets do ten times as much. */
#ifndef MAXACTION_INTERRUPTIBLE
#define MAXACTION_INTERRUPTIBLE ((int64_t)(MAXACTION) * 10) /* 64 bits: -DMAXACTION may be large */
#endif

/* Default bound of an associative array without a declared size. */
#ifndef MAXMAPENTRIES
#define MAXMAPENTRIES 2048
#endif

/* Runtime errors tolerated; one more and the script exits. */
#ifndef MAXERRORS
#define MAXERRORS 0
#endif

/* Hits skipped (lock timeout, reentrance) tolerated before the script exits. */
#ifndef MAXSKIPPED
#define MAXSKIPPED 100
#endif

/* Whether a hit that finds its context busy (a marker in an interrupt or a
 * signal handler while a handler runs on that CPU or thread) counts as
 * skipped, towards MAXSKIPPED.  stap's kernel runtime counts it only when
 * handlers run with interrupts off (-DINTERRUPTIBLE=0): with interrupts on
 * such hits are expected and only dropped.  A host may set it first. */
#ifndef STP_COUNT_REENTRANT
#define STP_COUNT_REENTRANT 1
#endif

/* Depth of script function calls within one hit. */
#ifndef MAXNESTING
#define MAXNESTING 10
#endif

/* Attempts and delay (microseconds) to take a global's lock before skipping. */
#ifndef MAXTRYLOCK
#define MAXTRYLOCK 100
#endif
#ifndef TRYLOCKDELAY
#define TRYLOCKDELAY 10
#endif

/* Linear histograms: at most this many buckets, under- and overflow included. */
#ifndef STP_MAX_BUCKETS
#define STP_MAX_BUCKETS 128
#endif

/* Width of the bar area of a printed histogram, and how many empty rows
 * around data are kept before the rest are elided with a '~' row. */
#ifndef HIST_WIDTH
#define HIST_WIDTH 50
#endif
#ifndef HIST_ELISION
#define HIST_ELISION 2
#endif

/* Per-context output buffer; one print or printf is never split, so this
 * also bounds the output of a single printf. */
#ifndef STP_OUTBUF_SIZE
#define STP_OUTBUF_SIZE 16384
#endif

/* Most keys of an associative array (stap's limit). */
#define STP_MAX_KEYS 9

/* Log histograms: one bucket per power of two, both signs, and zero. */
#define STP_HIST_LOG_BUCKETS 128
#define STP_HIST_LOG_BUCKET0 64

#if MAXSTRINGLEN < 16
#error "MAXSTRINGLEN is too small"
#endif
#if MAXNESTING < 0
#error "MAXNESTING must not be negative"
#endif

#endif /* STP_CONFIG_H */
