// SPDX-License-Identifier: GPL-2.0-or-later
/* User-space host: =~ through glibc's POSIX extended regular expressions. */
#include <regex.h>
#include <stdlib.h>

#include "../stp.h"
#include "../stp_regex.h"

int stp_host_regex_compile(struct stp_regex *r, char *err, size_t errlen)
{
	regex_t *rx = malloc(sizeof(*rx));
	int rc;

	if (!rx)
		return stp_snprintf(err, errlen, "out of memory"), -1;
	rc = regcomp(rx, r->re, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		regerror(rc, rx, err, errlen);
		free(rx);
		return -1;
	}
	r->compiled = rx;
	return 0;
}

int stp_host_regex_match(const struct stp_regex *r, const char *s)
{
	return regexec(r->compiled, s, 0, NULL, 0) == 0;
}

void stp_host_regex_free(struct stp_regex *r)
{
	if (r->compiled) {
		regfree(r->compiled);
		free(r->compiled);
		r->compiled = NULL;
	}
}
