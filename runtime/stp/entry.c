// SPDX-License-Identifier: GPL-2.0-or-later
/* @entry frames (entry.h): a stack per thread and return probe. */
#include "entry.h"

static struct stp_entry_frame *frame(struct stp_entry_stack *st, size_t frame_size, int i)
{
	return (struct stp_entry_frame *)(void *)((char *)st->frames + (size_t)i * frame_size);
}

struct stp_entry_frame *stp_entry_push(int id, size_t frame_size, uint64_t sp)
{
	struct stp_entry_stack *st = stp_host_entry_stack(id, frame_size);
	struct stp_entry_frame *f = (struct stp_entry_frame *)0;
	int n;

	if (!st)
		return f;
	n = st->n;
	/* Calls that ended without their return (longjmp) sat at or below
	 * this one's stack position. */
	while (n > 0 && n <= STP_ENTRY_DEPTH && frame(st, frame_size, n - 1)->sp <= sp)
		n--;
	if (n < STP_ENTRY_DEPTH) {
		f = frame(st, frame_size, n);
		f->sp = sp;
		f->valid = 0;
	}
	st->n = n + 1;
	return f;
}

struct stp_entry_frame *stp_entry_pop(int id, size_t frame_size)
{
	struct stp_entry_stack *st = stp_host_entry_stack(id, frame_size);
	struct stp_entry_frame *f;
	int n;

	if (!st || st->n <= 0)
		return (struct stp_entry_frame *)0;
	n = st->n--;
	if (n > STP_ENTRY_DEPTH)
		return (struct stp_entry_frame *)0;
	f = frame(st, frame_size, n - 1);
	return f->valid ? f : (struct stp_entry_frame *)0;
}
