/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_PRINT_FORMAT_H
#define STAPMARK_PRINT_FORMAT_H
/*
 * The formats of the script's printf family, as stap accepts them (which is
 * not C99's): flags "-+ #0", a width and a precision that may be '*' (each
 * '*' takes a long argument), at most the length modifier 'l' (ignored), and
 * the conversions d i u o x X c p b m M (long: %m and %M show the memory at
 * an address), s (string), and %%.  stap
 * rejects anything else at parse time, and so do we.
 */
#include <stdbool.h>

struct print_conv {
	char conv; /* d i u o x X c p b s m M */
	bool star_width, star_precision;
	int offset; /* of the '%' in the format */
};

/*
 * Next conversion of the (unescaped) format at *pos: 1 with *c filled and
 * *pos moved past it, 0 at the end, -1 on an invalid or missing conversion
 * (c->offset says where).
 */
int print_format_next(const char *format, int *pos, struct print_conv *c);

/* Whether conversion conv takes a string (else a long). */
bool print_conv_is_string(char conv);
#endif
