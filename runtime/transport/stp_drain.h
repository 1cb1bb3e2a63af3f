/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stapmark's side of the output transport: a drainer that empties every
 * thread ring of a segment into a file descriptor (stdout or -o FILE).
 *
 * Order: records of one thread come out in the order they were written.
 * Across threads and processes, each pass takes what every ring has
 * published and merges it by the records' CLOCK_MONOTONIC stamps, so output
 * is in global time order except for a record published after a pass has
 * already emitted later-stamped ones from other rings (a writer preempted
 * between stamping and publishing, or a pass boundary): stap makes no
 * cross-CPU ordering promise either.
 *
 * Pacing: the drainer thread sleeps on a futex in the segment between
 * passes, 1 ms while output flows and backing off to 50 ms when idle; a
 * writer whose ring passes half full wakes it at once.  Output is copied
 * from the rings into a large staging buffer (freeing ring space
 * immediately) and written with few large write(2) calls.
 */
#ifndef STAPMARK_TRANSPORT_DRAIN_H
#define STAPMARK_TRANSPORT_DRAIN_H

#include <stdint.h>
#include <stdio.h>

#include "stp_segment.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stp_drain_config {
	int out_fd; /* where output goes */
	int err_fd; /* where messages go (stp_transport_write_msg); 0: stderr */
	size_t buf_size; /* staging buffer; 0: 1 MiB */
	long min_sleep_ns; /* sleep between passes while output flows; 0: 1 ms */
	long max_sleep_ns; /* idle sleep after backing off; 0: 50 ms */
	/* Called once, from the drainer thread, when a target's script
	 * calls exit() (the segment's exit_request). */
	void (*on_exit_request)(void *arg, int code);
	void *arg;
};

struct stp_drain_stats {
	uint64_t records; /* output records written out */
	uint64_t messages; /* messages written to err_fd */
	uint64_t bytes; /* payload bytes written out */
	uint64_t passes; /* passes that found output */
	uint64_t corrupt; /* rings found inconsistent (a target overwrote them) */
	uint64_t write_errors; /* output lost because write(2) failed */
	uint64_t wakeups; /* sleeps cut short by a writer past its watermark */
	uint64_t max_gap_ns; /* longest time between two passes of the thread */
};

struct stp_drainer;

/* A drainer for seg (which must stay mapped until stp_drainer_free). */
struct stp_drainer *stp_drainer_new(const struct stp_segment *seg,
				    const struct stp_drain_config *cfg);

/* One pass on the caller's thread: write out what the rings hold now.
 * Returns the number of records (output and messages) written.  Not while
 * the thread runs. */
size_t stp_transport_drain(struct stp_drainer *d);

/* Drain in a background thread until stp_drainer_stop.  0 or -errno. */
int stp_drainer_start(struct stp_drainer *d);

/* Stop the thread after a final pass that empties every ring (what dead
 * targets wrote included: the segment outlives them).  Also usable
 * without a thread, as a final flush. */
void stp_drainer_stop(struct stp_drainer *d);

/* Statistics: from the thread calling stp_transport_drain, or after stop. */
void stp_drainer_stats(const struct stp_drainer *d, struct stp_drain_stats *st);
void stp_drainer_free(struct stp_drainer *d);

/* At exit: "WARNING: N events dropped" on f when N > 0 (the wording;
 * stap's own is "There were N transport failures").  Returns N. */
uint64_t stp_transport_report_drops(const struct stp_segment *seg, FILE *f);

#ifdef __cplusplus
}
#endif

#endif /* STAPMARK_TRANSPORT_DRAIN_H */
