// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "print_format.h"

int print_format_next(const char *format, int *pos, struct print_conv *c)
{
	const char *p = format + *pos;

	for (;;) {
		p = strchr(p, '%');
		if (!p)
			return 0;
		if (p[1] != '%')
			break;
		p += 2;
	}
	memset(c, 0, sizeof(*c));
	c->offset = (int)(p - format);
	p++;
	p += strspn(p, "-+ #0");
	if (*p == '*') {
		c->star_width = true;
		p++;
	} else {
		p += strspn(p, "0123456789");
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			c->star_precision = true;
			p++;
		} else {
			p += strspn(p, "0123456789");
		}
	}
	if (*p == 'l')
		p++;
	if (!*p || !strchr("diuoxXcpbsmM", *p))
		return -1;
	c->conv = *p++;
	*pos = (int)(p - format);
	return 1;
}

bool print_conv_is_string(char conv)
{
	return conv == 's'; /* %m and %M take the address of the memory to show */
}
