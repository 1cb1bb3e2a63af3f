/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: render a marker's va_list as "name=value ..." by walking its
 * format with the core's parser and calling va_arg with the type the parser
 * gives (then narrowing to the converted size), as generated handlers will.
 */
#ifndef STAPMARK_TEST_VA_RENDER_H
#define STAPMARK_TEST_VA_RENDER_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <wchar.h>

#include "format.h"

static inline long long narrow(long long v, const struct marker_arg *a)
{
	if (a->size == 1)
		return a->is_signed ? (long long)(signed char)v : (long long)(unsigned char)v;
	if (a->size == 2)
		return a->is_signed ? (long long)(short)v : (long long)(unsigned short)v;
	return v;
}

static inline void va_render(const char *fmt, va_list *args, char *out, size_t size)
{
	struct marker_format_iter it;
	struct marker_arg a;
	size_t used = 0;
	char val[256];

	out[0] = '\0';
	marker_format_begin(&it, fmt);
	while (marker_format_next(&it, &a) > 0 && used < size) {
		switch (a.va_type) {
		case MARKER_VA_INT:
			snprintf(val, sizeof(val), "%lld", narrow(va_arg(*args, int), &a));
			break;
		case MARKER_VA_UINT:
			snprintf(val, sizeof(val), "%lld", narrow(va_arg(*args, unsigned int), &a));
			break;
		case MARKER_VA_LONG:
			snprintf(val, sizeof(val), "%ld", va_arg(*args, long));
			break;
		case MARKER_VA_ULONG:
		case MARKER_VA_UPTRDIFF:
			snprintf(val, sizeof(val), "%lu", va_arg(*args, unsigned long));
			break;
		case MARKER_VA_LLONG:
			snprintf(val, sizeof(val), "%lld", va_arg(*args, long long));
			break;
		case MARKER_VA_ULLONG:
			snprintf(val, sizeof(val), "%llu", va_arg(*args, unsigned long long));
			break;
		case MARKER_VA_INTMAX:
			snprintf(val, sizeof(val), "%jd", va_arg(*args, intmax_t));
			break;
		case MARKER_VA_UINTMAX:
			snprintf(val, sizeof(val), "%ju", va_arg(*args, uintmax_t));
			break;
		case MARKER_VA_SSIZE:
			snprintf(val, sizeof(val), "%zd", va_arg(*args, ssize_t));
			break;
		case MARKER_VA_SIZE:
			snprintf(val, sizeof(val), "%zu", va_arg(*args, size_t));
			break;
		case MARKER_VA_PTRDIFF:
			snprintf(val, sizeof(val), "%td", va_arg(*args, ptrdiff_t));
			break;
		case MARKER_VA_WINT:
			snprintf(val, sizeof(val), "%u", (unsigned)va_arg(*args, wint_t));
			break;
		case MARKER_VA_DOUBLE:
			snprintf(val, sizeof(val), "%g", va_arg(*args, double));
			break;
		case MARKER_VA_LDOUBLE:
			snprintf(val, sizeof(val), "%Lg", va_arg(*args, long double));
			break;
		case MARKER_VA_POINTER:
			snprintf(val, sizeof(val), "%p", va_arg(*args, void *));
			break;
		case MARKER_VA_STRING: {
			const char *s = va_arg(*args, const char *);
			snprintf(val, sizeof(val), "\"%s\"", s ? s : "(null)");
			break;
		}
		case MARKER_VA_WSTRING:
			snprintf(val, sizeof(val), "%p", (void *)va_arg(*args, const wchar_t *));
			break;
		}
		used += (size_t)snprintf(out + used, size - used, "%s%s=%s", used ? " " : "",
					 a.name, val);
	}
}

#endif
