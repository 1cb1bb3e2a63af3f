/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Script values as the runtime takes them: a long (int64_t) or a string
 * (NUL-terminated, at most MAXSTRINGLEN bytes with the NUL).  Map keys and
 * printf arguments are passed as arrays of union stp_val; the generated code
 * knows each one's type statically.
 */
#ifndef STP_VALUE_H
#define STP_VALUE_H

#include "stp_host.h"
#include "stp_config.h"

enum stp_type {
	STP_LONG = 1,
	STP_STRING = 2,
	STP_STAT = 3,
};

union stp_val {
	int64_t n;
	const char *s;
};

/* Locals and temporaries of string type. */
typedef char stp_string_t[MAXSTRINGLEN];

#define STP_N(x) ((union stp_val){.n = (int64_t)(x)})
#define STP_S(x) ((union stp_val){.s = (x)})

#endif /* STP_VALUE_H */
