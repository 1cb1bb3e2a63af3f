// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Default output of the user-space host: records to stdout, messages to
 * stderr, each with one write() so concurrent records do not interleave
 * (pipes and files keep writes whole up to PIPE_BUF / in O_APPEND).  The
 * transport (runtime/transport) plugs in with stp_user_set_hooks.
 */
#include <errno.h>
#include <unistd.h>

#include "../stp_host.h"
#include "stp_user.h"

static struct stp_user_hooks hooks;

void stp_user_set_hooks(const struct stp_user_hooks *h)
{
	struct stp_user_hooks none = {0};

	hooks = h ? *h : none;
	stp_user_context_init();
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

void stp_host_output(const char *buf, size_t len)
{
	if (hooks.output)
		hooks.output(buf, len, hooks.arg);
	else
		write_all(1, buf, len);
}

void stp_host_message(const char *buf, size_t len)
{
	if (hooks.message)
		hooks.message(buf, len, hooks.arg);
	else
		write_all(2, buf, len);
}

void stp_host_request_exit(void)
{
	if (hooks.request_exit)
		hooks.request_exit(hooks.arg);
}
