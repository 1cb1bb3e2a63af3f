/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Printing from handlers.  Everything a hit prints collects in its
 * context's buffer and goes out as one record when the handler ends
 * (stp_context_exit); one printf is never split across records.
 *
 * What the generated code emits:
 *	print(x), println(x)     stp_print_n / stp_print_s / stp_println_n / stp_println_s
 *	printf(fmt, ...)         union stp_val a[] = { ... }; stp_printf(c, fmt, a, n)
 *	sprintf(fmt, ...)        stp_sprintf(c, dst, fmt, a, n)      dst: stp_string_t
 *	sprint(x), sprintln(x)   stp_sprint_n(dst, x) / stp_strlcpy, then "\n"
 *	printd(d, x, y), printdln(d, ...), sprintd: a format the translator builds
 *	                         ("%d" d "%s" ...; '%' in d doubled), then stp_printf
 *	print(@hist_log(s))      stp_stat_print_hist(c, &s->h, stp_stat_read(c, s))
 */
#ifndef STP_PRINT_H
#define STP_PRINT_H

#include "context.h"
#include "printf.h"

/* Non-zero after a runtime error (a bad %m address). */
int stp_printf(struct stp_context *c, const char *fmt, const union stp_val *args, int nargs);
int stp_sprintf(struct stp_context *c, char *dst, const char *fmt, const union stp_val *args,
		int nargs);

void stp_print_s(struct stp_context *c, const char *s);
void stp_print_n(struct stp_context *c, int64_t n);
void stp_println_s(struct stp_context *c, const char *s);
void stp_println_n(struct stp_context *c, int64_t n);
/* sprint of a long into dst (MAXSTRINGLEN bytes). */
void stp_sprint_n(char *dst, int64_t n);

#endif /* STP_PRINT_H */
