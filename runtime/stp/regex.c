// SPDX-License-Identifier: GPL-2.0-or-later
/* =~: a pattern the host compiled before any probe ran (regex.h). */
#include "stp_regex.h"
#include "context.h"

int stp_regex_match(struct stp_context *c, const struct stp_regex *r, const char *s, int64_t *out)
{
	if (!r->compiled)
		return stp_errorf(c, "invalid regular expression %s", r->re);
	*out = stp_host_regex_match(r, s) == 1;
	return 0;
}
