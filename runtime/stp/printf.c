// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * printf engine.  One parser drives two argument sources: script values
 * (union stp_val, all numbers 64-bit) and C varargs (for the runtime's own
 * messages).  Output goes to a bounded sink that counts what it kept.
 */
#include "printf.h"
#include "context.h"
#include "stp_lib.h"

enum {
	F_LEFT = 1,
	F_PLUS = 2,
	F_SPACE = 4,
	F_SPECIAL = 8,
	F_ZEROPAD = 16,
	F_SIGN = 32,
	F_LARGE = 64,
};

struct sink {
	char *buf;
	size_t size; /* including the terminating NUL */
	size_t len;
};

static inline void put(struct sink *s, char ch)
{
	if (s->len + 1 < s->size)
		s->buf[s->len++] = ch;
}

static void put_n(struct sink *s, char ch, int n)
{
	while (n-- > 0)
		put(s, ch);
}

/* An integer as stap's runtime prints it (the kernel's number()). */
static void put_number(struct sink *s, uint64_t num, int base, int width, int precision, int flags)
{
	const char *digits = (flags & F_LARGE) ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[66], sign = 0;
	int i = 0;

	if (flags & F_LEFT)
		flags &= ~F_ZEROPAD;
	if (flags & F_SIGN) {
		if ((int64_t)num < 0) {
			sign = '-';
			num = -num;
			width--;
		} else if (flags & F_PLUS) {
			sign = '+';
			width--;
		} else if (flags & F_SPACE) {
			sign = ' ';
			width--;
		}
	}
	if (flags & F_SPECIAL)
		width -= base == 16 ? 2 : base == 8 ? 1 : 0;
	do {
		tmp[i++] = digits[num % (unsigned int)base];
		num /= (unsigned int)base;
	} while (num);
	if (precision < i)
		precision = i;
	width -= precision;
	if (!(flags & (F_ZEROPAD | F_LEFT))) {
		put_n(s, ' ', width);
		width = 0;
	}
	if (sign)
		put(s, sign);
	if ((flags & F_SPECIAL) && base == 8)
		put(s, '0');
	if ((flags & F_SPECIAL) && base == 16) {
		put(s, '0');
		put(s, (flags & F_LARGE) ? 'X' : 'x');
	}
	if (!(flags & F_LEFT)) {
		put_n(s, (flags & F_ZEROPAD) ? '0' : ' ', width);
		width = 0;
	}
	put_n(s, '0', precision - i);
	while (i > 0)
		put(s, tmp[--i]);
	put_n(s, ' ', width);
}

/* %c; with '#', unprintable characters and quotes become C escapes. */
static void put_char(struct sink *s, unsigned char c, int width, int flags)
{
	int size = 1;
	char esc = 0;

	if ((flags & F_SPECIAL) && (!stp_isprint(c) || c == '\'' || c == '\\')) {
		esc = stp_escape_char(c, '\'');
		size = esc ? 2 : 4;
	}
	if (!(flags & F_LEFT)) {
		put_n(s, ' ', width - size);
		width = 0;
	}
	if (size == 1) {
		put(s, (char)c);
	} else {
		put(s, '\\');
		if (esc) {
			put(s, esc);
		} else {
			put(s, (char)('0' + ((c >> 6) & 3)));
			put(s, (char)('0' + ((c >> 3) & 7)));
			put(s, (char)('0' + (c & 7)));
		}
	}
	put_n(s, ' ', width - size);
}

static void put_string(struct sink *s, const char *str, int width, int precision, int flags)
{
	size_t len = stp_strnlen(str, precision < 0 ? (size_t)-1 : (size_t)precision);
	size_t i;

	if (!(flags & F_LEFT))
		put_n(s, ' ', width - (int)len);
	for (i = 0; i < len; i++)
		put(s, str[i]);
	if (flags & F_LEFT)
		put_n(s, ' ', width - (int)len);
	/* stap's runtime ends a zero-padded %s with a NUL byte (binary
	 * output of strings, "%0s"). */
	if (flags & F_ZEROPAD)
		put(s, '\0');
}

static int binary_size(int n)
{
	return (n == 1 || n == 2 || n == 4 || n == 8) ? n : -1;
}

/* %b: the value's low bytes in host order; width and precision pick 1, 2, 4
 * or 8 bytes (each defaults to the other, both to 8), extra width is NULs. */
static void put_binary(struct sink *s, int64_t num, int width, int precision, int flags)
{
	unsigned char bytes[8];
	int i;

	precision = binary_size(precision);
	if (width < 0) {
		if (precision < 0)
			precision = 8;
		width = precision;
	} else if (precision < 0) {
		precision = binary_size(width);
		if (precision < 0)
			precision = 8;
	}
	if (!(flags & F_LEFT)) {
		put_n(s, '\0', width - precision);
		width = precision;
	}
	switch (precision) {
	case 1: {
		int8_t v = (int8_t)num;
		stp_memcpy(bytes, &v, 1);
		break;
	}
	case 2: {
		int16_t v = (int16_t)num;
		stp_memcpy(bytes, &v, 2);
		break;
	}
	case 4: {
		int32_t v = (int32_t)num;
		stp_memcpy(bytes, &v, 4);
		break;
	}
	default:
		stp_memcpy(bytes, &num, 8);
		break;
	}
	for (i = 0; i < precision; i++)
		put(s, (char)bytes[i]);
	put_n(s, '\0', width - precision);
}

/* %m and %M: 'precision' bytes (default 1) read fault-safely from addr. */
static int put_memory(struct stp_context *c, struct sink *s, uintptr_t addr, int width,
		      int precision, char conv, int flags)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char chunk[64];
	int len = precision > 0 ? precision : 1;
	int shown = conv == 'M' ? 2 * len : len;
	int done = 0;

	if (!(flags & F_LEFT))
		put_n(s, ' ', width - shown);
	while (done < len) {
		int n = len - done < (int)sizeof(chunk) ? len - done : (int)sizeof(chunk);
		int i;

		if (stp_host_read_bytes(chunk, addr + (uintptr_t)done, (size_t)n) < 0) {
			if (c)
				stp_errorf(c, "read fault [man error::fault] at 0x%lx",
					   (unsigned long)(addr + (uintptr_t)done));
			return -1;
		}
		for (i = 0; i < n; i++) {
			if (conv == 'M') {
				put(s, hex[chunk[i] >> 4]);
				put(s, hex[chunk[i] & 15]);
			} else {
				put(s, (char)chunk[i]);
			}
		}
		done += n;
	}
	if (flags & F_LEFT)
		put_n(s, ' ', width - shown);
	return 0;
}

/* Where the arguments come from: script values or a C va_list. */
struct args {
	const union stp_val *v;
	int n, i;
	va_list *ap;
};

static int64_t arg_int(struct args *a)
{
	if (a->ap)
		return va_arg(*a->ap, int);
	return a->i < a->n ? a->v[a->i++].n : 0;
}

static int64_t arg_long(struct args *a, int qual, int sign)
{
	if (!a->ap)
		return a->i < a->n ? a->v[a->i++].n : 0;
	switch (qual) {
	case 'H':
		return sign ? (signed char)va_arg(*a->ap, int) : (unsigned char)va_arg(*a->ap, int);
	case 'h':
		return sign ? (short)va_arg(*a->ap, int) : (unsigned short)va_arg(*a->ap, int);
	case 'l':
		return sign ? va_arg(*a->ap, long) : (int64_t)va_arg(*a->ap, unsigned long);
	case 'L':
		return va_arg(*a->ap, long long);
	case 'z':
		return (int64_t)va_arg(*a->ap, size_t);
	case 'p':
		return (int64_t)(uintptr_t)va_arg(*a->ap, void *);
	default:
		return sign ? va_arg(*a->ap, int) : (int64_t)va_arg(*a->ap, unsigned int);
	}
}

static const char *arg_str(struct args *a)
{
	const char *s;

	if (a->ap)
		s = va_arg(*a->ap, const char *);
	else
		s = a->i < a->n ? a->v[a->i++].s : "";
	return s ? s : (a->ap ? "<NULL>" : "");
}

static int clamp_int(int64_t v, int64_t hi)
{
	return v < 0 ? 0 : v > hi ? (int)hi : (int)v;
}

static int format(struct stp_context *c, struct sink *s, const char *fmt, struct args *a)
{
	int limit = s->size > 0x7fffffff ? 0x7fffffff : (int)s->size;

	for (; *fmt; fmt++) {
		int flags = 0, width = -1, precision = -1, qual = 0, base = 10;
		int64_t num;

		if (*fmt != '%') {
			put(s, *fmt);
			continue;
		}
		for (;;) {
			char f = *++fmt;

			if (f == '-')
				flags |= F_LEFT;
			else if (f == '+')
				flags |= F_PLUS;
			else if (f == ' ')
				flags |= F_SPACE;
			else if (f == '#')
				flags |= F_SPECIAL;
			else if (f == '0')
				flags |= F_ZEROPAD;
			else
				break;
		}
		if (stp_isdigit(*fmt)) {
			int64_t w = 0;

			while (stp_isdigit(*fmt))
				w = w < limit ? w * 10 + (*fmt++ - '0') : w;
			width = clamp_int(w, limit);
		} else if (*fmt == '*') {
			int64_t w = arg_int(a);

			fmt++;
			if (w < 0) {
				w = -w;
				flags |= F_LEFT;
			}
			width = clamp_int(w, limit);
		}
		if (*fmt == '.') {
			int64_t p = 0;

			fmt++;
			if (stp_isdigit(*fmt)) {
				while (stp_isdigit(*fmt))
					p = p < limit ? p * 10 + (*fmt++ - '0') : p;
			} else if (*fmt == '*') {
				fmt++;
				p = arg_int(a);
			}
			precision = clamp_int(p, limit);
		}
		/* Length modifiers: meaningful for C arguments only. */
		if (*fmt == 'h') {
			qual = *fmt++;
			if (*fmt == 'h')
				qual = 'H', fmt++;
		} else if (*fmt == 'l') {
			qual = *fmt++;
			if (*fmt == 'l')
				qual = 'L', fmt++;
		} else if (*fmt == 'L' || *fmt == 'j' || *fmt == 'q') {
			qual = 'L', fmt++;
		} else if (*fmt == 'z' || *fmt == 't') {
			qual = 'z', fmt++;
		}
		switch (*fmt) {
		case 'b':
			put_binary(s, arg_long(a, 'L', 1), width, precision, flags);
			continue;
		case 's':
			put_string(s, arg_str(a), width, precision, flags);
			continue;
		case 'm':
		case 'M':
			num = arg_long(a, 'p', 0);
			if (put_memory(c, s, (uintptr_t)num, width, precision, *fmt, flags) < 0)
				return -1;
			continue;
		case 'c':
			put_char(s, (unsigned char)arg_long(a, 0, 1), width, flags);
			continue;
		case '%':
			put(s, '%');
			continue;
		case 'X':
			flags |= F_LARGE;
			/* The attribute, not a comment: the kernel's -Wimplicit-fallthrough=5. */
			__attribute__((__fallthrough__));
		case 'x':
			base = 16;
			break;
		case 'd':
		case 'i':
			flags |= F_SIGN;
			break;
		case 'u':
			break;
		case 'o':
			base = 8;
			break;
		case 'p':
			/* Since stap 1.3, %p is %#x of a 64-bit value. */
			flags |= F_SPECIAL;
			base = 16;
			qual = 'p';
			break;
		default:
			put(s, '%');
			if (*fmt)
				put(s, *fmt);
			else
				fmt--;
			continue;
		}
		num = arg_long(a, qual, flags & F_SIGN);
		put_number(s, (uint64_t)num, base, width, precision, flags);
	}
	return 0;
}

int stp_format(struct stp_context *c, char *buf, size_t size, const char *fmt,
	       const union stp_val *args, int nargs)
{
	struct sink s = {buf, size, 0};
	struct args a = {args, nargs, 0, (va_list *)0};
	int rc = format(c, &s, fmt, &a);

	if (size)
		buf[s.len] = '\0';
	return rc < 0 ? -1 : (int)s.len;
}

int stp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = {buf, size, 0};
	va_list copy;
	struct args a = {(const union stp_val *)0, 0, 0, &copy};

	va_copy(copy, ap);
	format((struct stp_context *)0, &s, fmt, &a);
	va_end(copy);
	if (size)
		buf[s.len] = '\0';
	return (int)s.len;
}

int stp_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = stp_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int stp_ltoa(char *buf, size_t size, int64_t n)
{
	struct sink s = {buf, size, 0};

	put_number(&s, (uint64_t)n, 10, -1, -1, F_SIGN);
	if (size)
		buf[s.len] = '\0';
	return (int)s.len;
}
