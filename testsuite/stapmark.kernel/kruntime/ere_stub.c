// SPDX-License-Identifier: GPL-2.0-or-later
/* Stand-in for runtime/stp/ere.c until it lands (build.sh links it only
 * then): refuses every pattern, which the test programs do not use. */
#include "ere.h"
#include "printf.h"

int stp_ere_compile(struct stp_ere *e, const char *re, char *err, size_t errlen)
{
	stp_snprintf(err, errlen, "no regular expression engine yet");
	return -1;
}

int stp_ere_match(const struct stp_ere *e, const char *s)
{
	return 0;
}
