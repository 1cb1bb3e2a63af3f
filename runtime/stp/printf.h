/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Formatting with SystemTap's printf semantics.
 *
 * Script printf/sprintf: conversions %d %i %u %x %X %o %c %s %p %b %m %M %%,
 * flags - + space # 0, width and precision as digits or '*' (taking the next
 * argument), length modifiers h l ll L accepted and ignored (script numbers
 * are all 64-bit).  Behaviour follows stap's runtime: '#' gives 0x/0 prefixes
 * even for zero, %p is %#x, the 0 flag still pads when a precision is given,
 * %c with '#' escapes unprintable characters, %b writes the value in binary
 * (width/precision 1, 2, 4 or 8 bytes, default 8), %m writes 'precision'
 * bytes (default 1) read from the address argument, %M writes them in hex,
 * and an unknown conversion is copied through.
 */
#ifndef STP_PRINTF_H
#define STP_PRINTF_H

#include "value.h"

struct stp_context;

/* Format a script printf into buf (size bytes, always terminated).  args
 * holds the values in order, '*' widths included; the generated code checked
 * their types against the format.  Returns the length of the output (bytes
 * beyond size-1 are dropped), or -1 after a runtime error set on c (a bad
 * %m/%M address; c may be NULL, then the error is only the return value). */
int stp_format(struct stp_context *c, char *buf, size_t size, const char *fmt,
	       const union stp_val *args, int nargs);

/* C-style formatting for the runtime's own messages: the same conversions
 * with C argument types (h hh l ll z j t length modifiers), NULL %s printed
 * as "<NULL>".  Returns the length written (truncated like stap's, never the
 * would-be length). */
int stp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int stp_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Decimal text of a long (sprint, print of a long); returns the length. */
int stp_ltoa(char *buf, size_t size, int64_t n);

#endif /* STP_PRINTF_H */
