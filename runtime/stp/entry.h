/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * @entry(EXPR) in a function return probe: an entry probe on the same
 * function evaluates EXPR and pushes the values in a frame onto a stack of
 * the thread's; the return probe pops the frame of its own call.  A frame
 * is the generated code's struct, beginning with struct stp_entry_frame.
 *
 * The host keeps, per thread and per return probe (id), the frames and
 * their count (stp_host_entry_stack); it may have none (NULL: the values
 * are then missing and the return probe skips the hit, as for a call whose
 * entry was not seen).
 */
#ifndef STP_ENTRY_H
#define STP_ENTRY_H

#include "stp_host.h"

/* Frames kept per thread and probe: deeper recursion keeps no values. */
#define STP_ENTRY_DEPTH 64

struct stp_entry_frame {
	uint64_t sp; /* the stack pointer at the entry */
	int valid; /* the entry probe stored its values */
};

struct stp_entry_stack {
	void *frames; /* STP_ENTRY_DEPTH frames of the probe's size */
	int n; /* calls entered and not returned; may pass STP_ENTRY_DEPTH */
};

/* Entry of a call at stack pointer sp: its frame (valid 0), or NULL when
 * none can be kept. */
struct stp_entry_frame *stp_entry_push(int id, size_t frame_size, uint64_t sp);
/* Return: the frame of the call returning, when its values were stored. */
struct stp_entry_frame *stp_entry_pop(int id, size_t frame_size);

#endif /* STP_ENTRY_H */
