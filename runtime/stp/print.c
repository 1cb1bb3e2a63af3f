// SPDX-License-Identifier: GPL-2.0-or-later
/* print/printf into the hit's output buffer, one item at a time. */
#include "print.h"
#include "stp_lib.h"

int stp_printf(struct stp_context *c, const char *fmt, const union stp_val *args, int nargs)
{
	size_t room = sizeof(c->outbuf) - c->outlen;
	int n = stp_format(c, c->outbuf + c->outlen, room, fmt, args, nargs);

	/* Did not fit after what is buffered: flush, then format again into
	 * the whole buffer, so the item stays in one piece. */
	if (n >= 0 && (size_t)n + 1 >= room && c->outlen) {
		stp_out_flush(c);
		n = stp_format(c, c->outbuf, sizeof(c->outbuf), fmt, args, nargs);
	}
	if (n < 0)
		return 1;
	c->outlen += (size_t)n;
	return 0;
}

int stp_sprintf(struct stp_context *c, char *dst, const char *fmt, const union stp_val *args,
		int nargs)
{
	return stp_format(c, dst, MAXSTRINGLEN, fmt, args, nargs) < 0;
}

void stp_print_s(struct stp_context *c, const char *s)
{
	stp_out_write(c, s, stp_strlen(s));
}

void stp_print_n(struct stp_context *c, int64_t n)
{
	char buf[24];

	stp_out_write(c, buf, (size_t)stp_ltoa(buf, sizeof(buf), n));
}

void stp_println_s(struct stp_context *c, const char *s)
{
	size_t len = stp_strlen(s);

	if (c->outlen + len + 1 > sizeof(c->outbuf))
		stp_out_flush(c);
	if (len + 1 > sizeof(c->outbuf)) {
		stp_out_write(c, s, len);
		stp_out_write(c, "\n", 1);
		return;
	}
	stp_memcpy(c->outbuf + c->outlen, s, len);
	c->outbuf[c->outlen + len] = '\n';
	c->outlen += len + 1;
}

void stp_println_n(struct stp_context *c, int64_t n)
{
	char buf[24];
	int len = stp_ltoa(buf, sizeof(buf), n);

	buf[len++] = '\n';
	stp_out_write(c, buf, (size_t)len);
}

void stp_sprint_n(char *dst, int64_t n)
{
	stp_ltoa(dst, MAXSTRINGLEN, n);
}
