/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The probe context: the per-thread (per-CPU in the kernel) state of one
 * handler run -- probe point, action budget, error state, function nesting,
 * tokenize() state and the output buffer.  It is process-local (never in
 * the shared region) and obtained from the host.
 *
 * Shape of a generated handler:
 *
 *	void probe_3(...)
 *	{
 *		struct stp_context *c = stp_context_enter(region, "process(\"kv\").mark(\"put\")",
 *							 STP_SESSION_RUNNING);
 *		if (!c)
 *			return;                  // not running, or skipped (counted)
 *		if (stp_lock_globals(c, locks, nlocks))
 *			goto out;                // lock timeout: skipped (counted)
 *		if (stp_action(c, 2))            // once per statement block
 *			goto unlock;
 *		...  if (b == 0) { stp_error(c, "operator '/' at x.stp:3:9", "division by 0");
 *		        goto unlock; } ...
 *	unlock:
 *		stp_unlock_globals(c, locks, nlocks);
 *	out:
 *		stp_context_exit(c);             // flush output, report the error
 *	}
 *
 * Runtime functions that fail (map overflow, bad read, ...) set the error
 * themselves and return non-zero; the generated code then jumps to its exit
 * label, which skips the rest of the handler as stap does.  Errors name the
 * statement they occurred in: c->last_stmt (set by the generated code, e.g.
 * via stp_error or stp_set_stmt) and are printed as
 * "ERROR: <message> near <statement>".
 */
#ifndef STP_CONTEXT_H
#define STP_CONTEXT_H

#include "region.h"
#include "value.h"

struct stp_context {
	int busy; /* a handler runs in this context (reentrance guard) */
	int nesting; /* script function call depth */
	int64_t actionremaining;
	struct stp_region *r;
	/* The statistics slot of this thread in the region whose instance is
	 * slot_instance (stp_context_slot): claimed once, not worked out on
	 * every '<<<'.  slot_owned: no other thread adds into it. */
	uint64_t slot_instance;
	unsigned int slot;
	int slot_owned;
	const char *probe_point; /* pp() */
	/* Function probes: the function's name (probefunc()) and the registers
	 * of the hit, as the host saved them (register(), uint_arg()...);
	 * NULL elsewhere. */
	const char *probe_func;
	const void *uregs;
	int is_return; /* a .return probe's hit (is_return()) */
	const char *last_stmt; /* "operator '/' at x.stp:3:9" */
	const char *last_error; /* NULL while no error */
	char error_buffer[MAXSTRINGLEN];
	/* tokenize(): the copy being split and where the next token starts. */
	char tok_str[MAXSTRINGLEN];
	int tok_pos; /* -1 when exhausted */
	int tok_end;
	uint64_t rand_state;
	/* Scratch for one aggregated statistic (stp_stat_read results). */
	union {
		int64_t align;
		char bytes[96 + 8 * (STP_HIST_LOG_BUCKETS > STP_MAX_BUCKETS ? STP_HIST_LOG_BUCKETS
									    : STP_MAX_BUCKETS)];
	} stat_tmp;
	/* Output of this hit, written as one record at exit. */
	size_t outlen;
	char outbuf[STP_OUTBUF_SIZE];
};

/* Prologue: NULL when the session is not in 'state' (nothing counted), when
 * the host has no context, or when this context is already running a
 * handler (both skipped and counted; too many skips end the session). */
struct stp_context *stp_context_enter(struct stp_region *r, const char *probe_point, int state);
/* Epilogue: write the output, report an error ("ERROR: ... near ...") and
 * count it (MAXERRORS exceeded: the session stops), release the context. */
void stp_context_exit(struct stp_context *c);

/* Count a skipped hit; past MAXSKIPPED the session stops with an error. */
void stp_count_skip(struct stp_region *r);

/* After stp_context_enter in a begin, end, error or timer probe: the
 * larger budget of stap's interruptible probes. */
static inline void stp_context_interruptible(struct stp_context *c)
{
	c->actionremaining = MAXACTION_INTERRUPTIBLE;
}

/* Count n actions; non-zero (error "MAXACTION exceeded" set) when the
 * budget of MAXACTION per hit (MAXACTION_INTERRUPTIBLE) is spent. */
static inline int stp_action(struct stp_context *c, int n)
{
	c->actionremaining -= n;
	if (__builtin_expect(c->actionremaining <= 0, 0)) {
		if (!c->last_error)
			c->last_error = "MAXACTION exceeded";
		return 1;
	}
	return 0;
}

/*
 * The caller's statistics slot in its region, claimed on the thread's first
 * '<<<' (stp_context_claim_slot) and kept in the context.  Threads claim in
 * turn: the first nslots - 1 of all processes sharing the region own a slot
 * each (c->slot_owned); the rest share the last slot.
 */
void stp_context_claim_slot(struct stp_context *c);

static inline unsigned int stp_context_slot(struct stp_context *c)
{
	if (__builtin_expect(c->slot_instance != c->r->instance, 0))
		stp_context_claim_slot(c);
	return c->slot;
}

/* A forked child is a new thread in the region: it claims a slot of its own
 * (hosts call this in the child for the context fork copied). */
static inline void stp_context_after_fork(struct stp_context *c)
{
	c->slot_instance = 0;
}

/*
 * Whether the caller may add into its slot without the slot's lock: it owns
 * the slot, and no probe reads the statistic while others add to it
 * (h->no_concurrent_read, from the translator), so the only readers run
 * when no thread adds any more.
 */
static inline int stp_context_slot_unlocked(struct stp_context *c, int no_concurrent_read)
{
	return c->slot_owned && no_concurrent_read;
}

/* Script function call depth: enter returns non-zero with the error
 * "MAXNESTING exceeded" when one more call would pass MAXNESTING. */
static inline int stp_nesting_enter(struct stp_context *c)
{
	if (__builtin_expect(c->nesting + 1 > MAXNESTING, 0)) {
		if (!c->last_error)
			c->last_error = "MAXNESTING exceeded";
		return 1;
	}
	c->nesting++;
	return 0;
}

static inline void stp_nesting_exit(struct stp_context *c)
{
	c->nesting--;
}

static inline int stp_has_error(const struct stp_context *c)
{
	return c->last_error != (const char *)0;
}

/* Set the statement later errors are reported "near". */
static inline void stp_set_stmt(struct stp_context *c, const char *stmt)
{
	c->last_stmt = stmt;
}

/* Raise a runtime error near stmt (kept when NULL); the first error of a
 * hit wins.  Always returns 1 so that callers can 'return stp_error(...)'. */
int stp_error(struct stp_context *c, const char *stmt, const char *msg);
int stp_errorf(struct stp_context *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Integer division and modulo as scripts have them: "division by 0" is a
 * runtime error; INT64_MIN / -1 wraps instead of trapping. */
int stp_div(struct stp_context *c, int64_t a, int64_t b, int64_t *out);
int stp_mod(struct stp_context *c, int64_t a, int64_t b, int64_t *out);

/* A warning for stderr: "WARNING: msg\n". */
void stp_warn(struct stp_context *c, const char *msg);

/* Output into the hit's buffer.  Each call is one item, never split: when
 * it does not fit after what is buffered, the buffer is written first. */
void stp_out_write(struct stp_context *c, const char *buf, size_t len);
void stp_out_flush(struct stp_context *c);

#endif /* STP_CONTEXT_H */
