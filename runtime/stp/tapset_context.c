// SPDX-License-Identifier: GPL-2.0-or-later
/* Tapset: control, logging, task identity, time, ANSI terminal control. */
#include "tapset.h"
#include "print.h"
#include "stp_lib.h"

void stp_fn_exit(struct stp_context *c)
{
	stp_session_request_exit(c->r);
}

int stp_fn_error(struct stp_context *c, const char *msg)
{
	if (!c->last_error) {
		stp_strlcpy(c->error_buffer, msg, sizeof(c->error_buffer));
		c->last_error = c->error_buffer;
		/* Reported "near" the call, as stap does: the generated code set
		 * the statement to it. */
	}
	return 1;
}

void stp_fn_warn(struct stp_context *c, const char *msg)
{
	stp_warn(c, msg);
}

void stp_fn_log(struct stp_context *c, const char *msg)
{
	stp_println_s(c, msg);
}

int stp_fn_assert(struct stp_context *c, int64_t cond, const char *msg)
{
	if (cond)
		return 0;
	return stp_fn_error(c, msg ? msg : "Assertion failed");
}

int64_t stp_fn_pid(void)
{
	return stp_host_pid();
}

int64_t stp_fn_tid(void)
{
	return stp_host_tid();
}

int64_t stp_fn_ppid(void)
{
	return stp_host_ppid();
}

int64_t stp_fn_uid(void)
{
	return stp_host_uid();
}

int64_t stp_fn_euid(void)
{
	return stp_host_euid();
}

int64_t stp_fn_gid(void)
{
	return stp_host_gid();
}

int64_t stp_fn_egid(void)
{
	return stp_host_egid();
}

int64_t stp_fn_cpu(void)
{
	return stp_host_cpu();
}

void stp_fn_execname(char *dst)
{
	stp_host_execname(dst, MAXSTRINGLEN);
}

const char *stp_fn_pp(struct stp_context *c)
{
	return c->probe_point ? c->probe_point : "";
}

void stp_fn_probefunc(struct stp_context *c, char *dst)
{
	stp_strlcpy(dst, c->probe_func ? c->probe_func : "", MAXSTRINGLEN);
}

static int no_registers(struct stp_context *c)
{
	return stp_error(c, (const char *)0,
			 "cannot access CPU registers in this context (only in function probes)");
}

/* Narrow a register's value as the *_arg and register functions ask:
 * bits 32 or 64, signed or not. */
static int64_t narrow(int64_t v, int bits, int is_signed)
{
	if (bits == 32)
		return is_signed ? (int64_t)(int32_t)v : (int64_t)(uint32_t)v;
	return v;
}

int stp_fn_register(struct stp_context *c, const char *name, int is_signed, int64_t *out)
{
	if (!c->uregs)
		return no_registers(c);
	if (!stp_host_uregs_get(c->uregs, name, out))
		return stp_errorf(c, "unknown register '%s'", name);
	(void)is_signed; /* the named registers here are all 64-bit */
	return 0;
}

int stp_fn_arg(struct stp_context *c, int64_t n, int bits, int is_signed, int64_t *out)
{
	int64_t v;

	if (!c->uregs)
		return no_registers(c);
	if (n < 1 || n > 32 || !stp_host_uregs_arg(c->uregs, (int)n, &v))
		return stp_errorf(c, "argument %lld is not in a register", (long long)n);
	*out = narrow(v, bits, is_signed);
	return 0;
}

int stp_fn_returnval(struct stp_context *c, int64_t *out)
{
	if (!c->uregs)
		return no_registers(c);
	*out = stp_host_uregs_return(c->uregs);
	return 0;
}

int stp_fn_uaddr(struct stp_context *c, int64_t *out)
{
	if (!c->uregs)
		return no_registers(c);
	*out = stp_host_uregs_pc(c->uregs);
	return 0;
}

int64_t stp_fn_target(struct stp_context *c)
{
	return c->r->target_pid;
}

int64_t stp_fn_stp_pid(struct stp_context *c)
{
	return c->r->stapmark_pid;
}

int stp_fn_randint(struct stp_context *c, int64_t n, int64_t *out)
{
	uint64_t x;

	if ((uint64_t)n > 1024 * 1024)
		return stp_error(c, (const char *)0, "range too wide");
	if (!c->rand_state)
		c->rand_state = (uint64_t)stp_host_get_cycles() | 1;
	/* xorshift64*: quality enough for sampling, no shared state. */
	x = c->rand_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->rand_state = x;
	x *= 0x2545f4914f6cdd1dULL;
	*out = n ? (int64_t)((x >> 32) % (uint64_t)n) : 0;
	return 0;
}

int64_t stp_fn_gettimeofday_s(void)
{
	return stp_host_gettimeofday_ns() / 1000000000;
}

int64_t stp_fn_gettimeofday_ms(void)
{
	return stp_host_gettimeofday_ns() / 1000000;
}

int64_t stp_fn_gettimeofday_us(void)
{
	return stp_host_gettimeofday_ns() / 1000;
}

int64_t stp_fn_gettimeofday_ns(void)
{
	return stp_host_gettimeofday_ns();
}

int64_t stp_fn_local_clock_ns(void)
{
	return stp_host_local_clock_ns();
}

int64_t stp_fn_local_clock_us(void)
{
	return stp_host_local_clock_ns() / 1000;
}

int64_t stp_fn_local_clock_ms(void)
{
	return stp_host_local_clock_ns() / 1000000;
}

int64_t stp_fn_local_clock_s(void)
{
	return stp_host_local_clock_ns() / 1000000000;
}

int64_t stp_fn_get_cycles(void)
{
	return stp_host_get_cycles();
}

void stp_fn_ctime(char *dst, int64_t secs)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int64_t d, rem, y, era, doe, yoe, doy, mp, mday, mon;

	/* stap limits ctime to a signed 32-bit time_t. */
	if (secs > 2147483647LL) {
		stp_strlcpy(dst, "far far in the future...", MAXSTRINGLEN);
		return;
	}
	if (secs < -2147483648LL) {
		stp_strlcpy(dst, "a long, long time ago...", MAXSTRINGLEN);
		return;
	}
	d = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		d--;
	}
	/* Days to civil date (proleptic Gregorian), era-based. */
	d += 719468;
	era = (d >= 0 ? d : d - 146096) / 146097;
	doe = d - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	mday = doy - (153 * mp + 2) / 5 + 1;
	mon = mp < 10 ? mp + 3 : mp - 9;
	if (mon <= 2)
		y++;
	/* 1970-01-01 was a Thursday. */
	d = (d - 719468) % 7;
	d = (d + 4 + 7) % 7;
	stp_snprintf(dst, MAXSTRINGLEN, "%.3s %.3s%3d %.2d:%.2d:%.2d %d", days + 3 * d,
		     months + 3 * (mon - 1), (int)mday, (int)(rem / 3600), (int)(rem / 60 % 60),
		     (int)(rem % 60), (int)y);
}

/* ANSI escape sequences, as the ansi tapset prints them. */
static void ansi(struct stp_context *c, const char *fmt, int64_t a, int64_t b, int64_t d)
{
	union stp_val v[3] = {STP_N(a), STP_N(b), STP_N(d)};

	stp_printf(c, fmt, v, 3);
}

void stp_fn_ansi_clear_screen(struct stp_context *c)
{
	stp_print_s(c, "\033[1;1H\033[J");
}

void stp_fn_ansi_set_color(struct stp_context *c, int64_t fg)
{
	ansi(c, "\033[%dm", fg, 0, 0);
}

void stp_fn_ansi_set_color2(struct stp_context *c, int64_t fg, int64_t bg)
{
	ansi(c, "\033[%d;%dm", bg, fg, 0);
}

void stp_fn_ansi_set_color3(struct stp_context *c, int64_t fg, int64_t bg, int64_t attr)
{
	if (attr)
		ansi(c, "\033[%d;%d;%dm", bg, fg, attr);
	else
		ansi(c, "\033[%d;%dm", bg, fg, 0);
}

void stp_fn_ansi_reset_color(struct stp_context *c)
{
	stp_fn_ansi_set_color3(c, 0, 0, 0);
}

void stp_fn_ansi_new_line(struct stp_context *c)
{
	stp_print_s(c, "\n");
}

void stp_fn_ansi_cursor_move(struct stp_context *c, int64_t x, int64_t y)
{
	ansi(c, "\033[%d;%dH", y, x, 0);
}

void stp_fn_ansi_cursor_hide(struct stp_context *c)
{
	stp_print_s(c, "\033[>5I");
}

void stp_fn_ansi_cursor_save(struct stp_context *c)
{
	stp_print_s(c, "\033[s");
}

void stp_fn_ansi_cursor_restore(struct stp_context *c)
{
	stp_print_s(c, "\033[u");
}

void stp_fn_ansi_cursor_show(struct stp_context *c)
{
	stp_print_s(c, "\033[>5h");
}
