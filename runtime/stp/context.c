// SPDX-License-Identifier: GPL-2.0-or-later
/* Probe context: prologue/epilogue, runtime errors, output buffering. */
#include "context.h"
#include "printf.h"
#include "stp_lib.h"

void stp_count_skip(struct stp_region *r)
{
	if (__atomic_add_fetch(&r->skipped_count, 1, __ATOMIC_RELAXED) == MAXSKIPPED + 1) {
		static const char msg[] = "ERROR: Skipped too many probes, check MAXSKIPPED or "
					  "try again with stap -t for more details.\n";

		stp_host_message(msg, sizeof(msg) - 1);
		stp_session_request_exit(r);
	}
}

struct stp_context *stp_context_enter(struct stp_region *r, const char *probe_point, int state)
{
	struct stp_context *c;

	if (stp_session_state(r) != state)
		return (struct stp_context *)0;
	c = stp_host_context();
	if (stp_unlikely(!c)) {
		stp_count_skip(r);
		return (struct stp_context *)0;
	}
	/* A marker hit from inside a handler (a handler calling instrumented
	 * code, or a signal) must not reuse the busy context: skip it. */
	if (stp_unlikely(c->busy)) {
		stp_host_context_put(c);
		if (STP_COUNT_REENTRANT)
			stp_count_skip(r);
		return (struct stp_context *)0;
	}
	/* The context is private to this thread (or CPU): only a signal or
	 * interrupt on the same one can come in between, and it runs to its
	 * end before we resume, so a plain store ordered against such
	 * handlers is enough -- no atomic read-modify-write. */
	c->busy = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	c->r = r;
	c->probe_point = probe_point;
	c->probe_func = (const char *)0;
	c->uregs = (const void *)0;
	c->is_return = 0;
	c->last_stmt = (const char *)0;
	c->last_error = (const char *)0;
	c->nesting = 0;
	c->actionremaining = MAXACTION;
	c->outlen = 0;
	return c;
}

void stp_context_claim_slot(struct stp_context *c)
{
	struct stp_region *r = c->r;
	uint32_t n = __atomic_fetch_add(&r->slot_claims, 1, __ATOMIC_RELAXED);

	c->slot_owned = n < r->nslots - 1;
	c->slot = c->slot_owned ? n : r->nslots - 1;
	c->slot_instance = r->instance;
}

void stp_context_exit(struct stp_context *c)
{
	struct stp_region *r = c->r;

	stp_out_flush(c);
	if (c->last_error) {
		char msg[2 * MAXSTRINGLEN + 32];
		int n;

		if (c->last_stmt)
			n = stp_snprintf(msg, sizeof(msg), "ERROR: %s near %s\n", c->last_error,
					 c->last_stmt);
		else
			n = stp_snprintf(msg, sizeof(msg), "ERROR: %s\n", c->last_error);
		if (msg[n - 1] != '\n')
			msg[n - 1] = '\n';
		stp_host_message(msg, (size_t)n);
		if (__atomic_add_fetch(&r->error_count, 1, __ATOMIC_RELAXED) > MAXERRORS)
			stp_session_request_exit(r);
		c->last_error = (const char *)0;
	}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	c->busy = 0;
	stp_host_context_put(c);
}

int stp_error(struct stp_context *c, const char *stmt, const char *msg)
{
	if (!c->last_error) {
		c->last_error = msg;
		if (stmt)
			c->last_stmt = stmt;
	}
	return 1;
}

int stp_errorf(struct stp_context *c, const char *fmt, ...)
{
	va_list ap;

	if (c->last_error)
		return 1;
	va_start(ap, fmt);
	stp_vsnprintf(c->error_buffer, sizeof(c->error_buffer), fmt, ap);
	va_end(ap);
	c->last_error = c->error_buffer;
	return 1;
}

int stp_div(struct stp_context *c, int64_t a, int64_t b, int64_t *out)
{
	if (stp_unlikely(b == 0))
		return stp_error(c, (const char *)0, "division by 0");
	*out = (b == -1) ? (int64_t)(0 - (uint64_t)a) : a / b;
	return 0;
}

int stp_mod(struct stp_context *c, int64_t a, int64_t b, int64_t *out)
{
	if (stp_unlikely(b == 0))
		return stp_error(c, (const char *)0, "division by 0");
	*out = (b == -1) ? 0 : a % b;
	return 0;
}

void stp_warn(struct stp_context *c, const char *msg)
{
	char buf[MAXSTRINGLEN + 16];
	int n = stp_snprintf(buf, sizeof(buf), "WARNING: %s", msg);

	(void)c;
	/* stap's _stp_warn adds the newline unless the message has one. */
	if (n == 0 || buf[n - 1] != '\n') {
		if ((size_t)n + 1 >= sizeof(buf))
			n--;
		buf[n++] = '\n';
		buf[n] = '\0';
	}
	stp_host_message(buf, (size_t)n);
}

void stp_out_flush(struct stp_context *c)
{
	if (c->outlen) {
		stp_host_output(c->outbuf, c->outlen);
		c->outlen = 0;
	}
}

void stp_out_write(struct stp_context *c, const char *buf, size_t len)
{
	if (c->outlen + len > sizeof(c->outbuf))
		stp_out_flush(c);
	if (len > sizeof(c->outbuf)) {
		/* Larger than any record we buffer: it goes out on its own. */
		stp_host_output(buf, len);
		return;
	}
	stp_memcpy(c->outbuf + c->outlen, buf, len);
	c->outlen += len;
}
