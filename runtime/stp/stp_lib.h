/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The few string and memory primitives the runtime needs, so that it calls
 * no libc.  memcpy/memset go through the compiler builtins, which every host
 * (libc or kernel) backs.
 */
#ifndef STP_LIB_H
#define STP_LIB_H

#include "stp_host.h"

#define stp_memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define stp_memset(d, c, n) __builtin_memset((d), (c), (n))

#define stp_likely(x) __builtin_expect(!!(x), 1)
#define stp_unlikely(x) __builtin_expect(!!(x), 0)

static inline size_t stp_strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

static inline size_t stp_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Copy at most size-1 bytes and terminate; returns strlen(src) as BSD does. */
static inline size_t stp_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = stp_strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		stp_memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static inline size_t stp_strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = stp_strnlen(dst, size);

	if (dlen == size)
		return dlen + stp_strlen(src);
	return dlen + stp_strlcpy(dst + dlen, src, size - dlen);
}

static inline int stp_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

static inline int stp_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

static inline const char *stp_strstr(const char *hay, const char *needle)
{
	size_t n = stp_strlen(needle);

	if (!n)
		return hay;
	for (; *hay; hay++)
		if (*hay == *needle && !stp_memcmp(hay, needle, n))
			return hay;
	return (const char *)0;
}

static inline const char *stp_strchr(const char *s, int c)
{
	for (; *s; s++)
		if (*s == (char)c)
			return s;
	return c ? (const char *)0 : s;
}

static inline int stp_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int stp_isprint(int c)
{
	return c >= 0x20 && c < 0x7f;
}

/* The letter of c's short C escape (\n -> 'n'), the quote itself for quote
 * and backslash, 0 when c has none (it needs an octal or hex escape). */
static inline char stp_escape_char(int c, char quote)
{
	switch (c) {
	case '\a':
		return 'a';
	case '\b':
		return 'b';
	case '\f':
		return 'f';
	case '\n':
		return 'n';
	case '\r':
		return 'r';
	case '\t':
		return 't';
	case '\v':
		return 'v';
	case '\\':
		return '\\';
	}
	return c == quote ? quote : 0;
}

#endif /* STP_LIB_H */
