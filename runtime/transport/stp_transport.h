/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The target side of the output transport: what the handler runtime inside
 * a traced process calls.  Compiled into each probe module (hidden
 * visibility), so two modules attached to one process each write to their
 * own session's segment.
 *
 * stp_transport_write() never blocks and never takes a lock: each thread
 * owns one slot of the segment, a single-producer ring, claimed on its
 * first write.  A record (one printf's whole output) is copied in one
 * piece and published with one store, so it is never split or interleaved
 * with another; when it does not fit it is dropped and counted.
 */
#ifndef STAPMARK_TRANSPORT_H
#define STAPMARK_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "stp_segment.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Map the segment behind fd (the caller keeps fd) and start writing to it.
 * 0, -EBUSY (already attached) or the error of stp_segment_map. */
int stp_transport_attach(int fd);

/* The same, checking that the segment is session_id's (0: any), as a
 * probe module's stp_module_attach does with its stp_attach_info:
 * -ESTALE when it is another session's. */
int stp_transport_attach_session(int fd, uint64_t session_id);

/* Write to a segment this process has already mapped (stapmark's own
 * probes, in-process tests).  The mapping stays the caller's. */
int stp_transport_attach_segment(const struct stp_segment *seg);

/*
 * Stop writing and unmap.  Only once no thread can be inside
 * stp_transport_write any more: after the probes are unregistered and
 * marker_synchronize_unregister() has returned.
 */
void stp_transport_detach(void);

/* Append one record of len bytes.  0, or (the record is dropped and
 * counted) -ENOSPC ring full or no free slot, -EMSGSIZE longer than the
 * segment's max_record, -EDEADLK re-entered from a signal handler on this
 * thread; -ENODEV when not attached (not counted). */
int stp_transport_write(const void *rec, size_t len);

/* The same for a message (WARNING:, ERROR:), which stapmark writes to its
 * stderr, after the output written before it. */
int stp_transport_write_msg(const void *rec, size_t len);

/* The largest record stp_transport_write accepts (0 when not attached). */
size_t stp_transport_max_record(void);

/* Counters and control words of the session (no-ops when not attached). */
void stp_transport_count_error(void);
void stp_transport_count_skipped(void);
void stp_transport_request_exit(int code); /* script exit(): wakes stapmark */
int stp_transport_exit_requested(void);
/* Nonzero once stapmark asked attached handlers to go quiet (detach_gen moved). */
int stp_transport_detach_requested(void);

/* The script-globals region of the segment (NULL when not attached). */
void *stp_transport_globals(size_t *size);

/* The segment as mapped here, or NULL. */
const struct stp_segment *stp_transport_segment(void);

#ifdef __cplusplus
}
#endif

#endif /* STAPMARK_TRANSPORT_H */
