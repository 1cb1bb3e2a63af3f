// SPDX-License-Identifier: GPL-2.0-or-later
/* Tapset: string functions, with the semantics of stap's string tapset. */
#include "tapset.h"
#include "printf.h"
#include "stp_lib.h"

int64_t stp_fn_strlen(const char *s)
{
	return (int64_t)stp_strlen(s);
}

void stp_fn_substr(char *dst, const char *s, int64_t start, int64_t length)
{
	int64_t size = length + 1 < 0 ? 0 : length + 1 > MAXSTRINGLEN ? MAXSTRINGLEN : length + 1;

	dst[0] = '\0';
	if (start >= 0 && start < (int64_t)stp_strlen(s) && size > 0)
		stp_strlcpy(dst, s + start, (size_t)size);
}

int stp_fn_stringat(struct stp_context *c, const char *s, int64_t pos, int64_t *out)
{
	if (pos >= 0 && pos < (int64_t)stp_strlen(s)) {
		*out = s[pos];
		return 0;
	}
	*out = 0;
	return stp_error(c, (const char *)0, "Position out of bounds");
}

int64_t stp_fn_isinstr(const char *s1, const char *s2)
{
	return stp_strstr(s1, s2) != (const char *)0;
}

int64_t stp_fn_strpos(const char *s1, const char *s2)
{
	const char *p = stp_strstr(s1, s2);

	return p ? (int64_t)(p - s1) : -1;
}

void stp_fn_str_replace(char *dst, const char *s, const char *srch, const char *rplc)
{
	size_t n = stp_strlen(srch), len = 0;
	const char *p;

	if (!n) {
		stp_strlcpy(dst, s, MAXSTRINGLEN);
		return;
	}
	dst[0] = '\0';
	while ((p = stp_strstr(s, srch))) {
		size_t seg = (size_t)(p - s);

		if (len + seg >= MAXSTRINGLEN)
			seg = MAXSTRINGLEN - 1 - len;
		stp_memcpy(dst + len, s, seg);
		len += seg;
		dst[len] = '\0';
		len = stp_strlcat(dst, rplc, MAXSTRINGLEN);
		if (len >= MAXSTRINGLEN)
			len = MAXSTRINGLEN - 1;
		s = p + n;
	}
	stp_strlcat(dst, s, MAXSTRINGLEN);
}

int64_t stp_fn_isdigit(const char *s)
{
	return stp_isdigit((unsigned char)s[0]);
}

/* strsep(): split at the first delimiter; 'pos' -1 means nothing left. */
static int next_piece(struct stp_context *c, const char *delim, int *start)
{
	int p;

	*start = c->tok_pos;
	if (c->tok_pos < 0)
		return 0;
	for (p = c->tok_pos; c->tok_str[p]; p++) {
		if (stp_strchr(delim, c->tok_str[p]) && c->tok_str[p]) {
			c->tok_str[p] = '\0';
			c->tok_pos = p + 1;
			return 1;
		}
	}
	c->tok_pos = -1;
	return 1;
}

void stp_fn_tokenize(struct stp_context *c, char *dst, const char *input, const char *delim)
{
	int start = -1;

	dst[0] = '\0';
	if (input[0]) {
		stp_strlcpy(c->tok_str, input, MAXSTRINGLEN);
		c->tok_pos = 0;
		c->tok_end = (int)stp_strlen(c->tok_str);
	}
	/* Empty pieces (adjacent delimiters) are skipped. */
	while (next_piece(c, delim, &start) && !c->tok_str[start])
		;
	if (start >= 0 && c->tok_str[start])
		stp_strlcpy(dst, c->tok_str + start, MAXSTRINGLEN);
}

static int digit_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A' + 10;
	return 99;
}

int64_t stp_fn_strtol(const char *s, int64_t base)
{
	int neg = 0;
	uint64_t v = 0;
	int d;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (base == 0) {
		if (s[0] == '0')
			base = ((s[1] | 0x20) == 'x' && digit_value(s[2]) < 16) ? 16 : 8;
		else
			base = 10;
	}
	if (base < 2 || base > 36)
		return 0;
	if (base == 16 && s[0] == '0' && (s[1] | 0x20) == 'x')
		s += 2;
	while ((d = digit_value(*s)) < base) {
		v = v * (uint64_t)base + (uint64_t)d;
		s++;
	}
	return neg ? (int64_t)(0 - v) : (int64_t)v;
}

/* One character of UTF-8: its code point and length; anything not a
 * well-formed, shortest, non-surrogate sequence is taken byte by byte. */
static int decode_utf8(const unsigned char *s, int size, int *cp)
{
	int n, c, i;

	if ((s[0] & 0xe0) == 0xc0 && size >= 2)
		n = 2, c = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0 && size >= 3)
		n = 3, c = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0 && size >= 4)
		n = 4, c = s[0] & 0x07;
	else
		goto byte;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto byte;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff || c < 0x80 || (n == 3 && c < 0x800) ||
	    (n == 4 && c < 0x10000))
		goto byte;
	*cp = c;
	return n;
byte:
	*cp = s[0];
	return 1;
}

/* stap's _stp_text_str: escape in for printing, reading at most inlen
 * bytes and writing at most outlen characters; quoted output is in double
 * quotes and marked with "..." when cut, never in the middle of an escape. */
static void text_str(char *out, const char *in, int inlen, int outlen, int quoted)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)in;
	char *esc = (char *)0;
	int esc_len = 0, c = 0;

	if (inlen <= 0 || inlen > MAXSTRINGLEN - 1)
		inlen = MAXSTRINGLEN - 1;
	if (outlen <= 0 || outlen > MAXSTRINGLEN - 1)
		outlen = MAXSTRINGLEN - 1;
	if (quoted) {
		outlen = (outlen > 5 ? outlen : 5) - 2;
		*out++ = '"';
	}
	while (inlen > 0) {
		int num = 1, n = decode_utf8(s, inlen, &c), i;

		if (c == 0 || outlen <= 0)
			break;
		s += n;
		inlen -= n;
		if (n > 1) {
			num = c <= 0xffff ? 6 : 10;
			if (!esc && outlen - 3 < num)
				esc = out, esc_len = num;
			if (outlen < num)
				break;
			*out++ = '\\';
			*out++ = c <= 0xffff ? 'u' : 'U';
			for (i = num - 3; i >= 0; i--)
				*out++ = hex[(c >> (i * 4)) & 0xf];
		} else if (stp_isprint(c) && c != '"' && c != '\\') {
			*out++ = (char)c;
		} else {
			char e = stp_escape_char(c, '"');

			num = e ? 2 : 4;
			if (!esc && outlen - 3 < num)
				esc = out, esc_len = num;
			if (outlen < num)
				break;
			*out++ = '\\';
			if (e) {
				*out++ = e;
			} else {
				*out++ = (char)('0' + ((c >> 6) & 3));
				*out++ = (char)('0' + ((c >> 3) & 7));
				*out++ = (char)('0' + (c & 7));
			}
		}
		outlen -= num;
	}
	if (quoted) {
		if (c && inlen > 0) {
			char *cut = out - 3 + outlen;

			out = (esc && esc < cut && cut < esc + esc_len) ? esc : cut;
			*out++ = '"';
			*out++ = '.';
			*out++ = '.';
			*out++ = '.';
		} else {
			*out++ = '"';
		}
	}
	*out = '\0';
}

void stp_fn_text_str(char *dst, const char *s)
{
	text_str(dst, s, 0, 0, 0);
}

void stp_fn_text_strn(char *dst, const char *s, int64_t len, int64_t quoted)
{
	int n = len < 0 ? 0 : len > MAXSTRINGLEN ? MAXSTRINGLEN : (int)len;

	text_str(dst, s, 0, n, quoted != 0);
}

void stp_fn_string_quoted(char *dst, const char *s)
{
	text_str(dst, s, MAXSTRINGLEN, MAXSTRINGLEN, 1);
}
