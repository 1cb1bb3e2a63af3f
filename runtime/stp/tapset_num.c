// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tapset: numbers.  Byte order (big_endian2 ... little_endian8, htonl ...)
 * and string_to_fp, which turns a decimal string into the bits of an IEEE
 * 754 double with integer arithmetic only, since the kernel host may not
 * touch the FPU.
 */
#include "tapset.h"
#include "stp_lib.h"

static uint64_t low_bytes(int64_t v, int bytes)
{
	return bytes >= 8 ? (uint64_t)v : (uint64_t)v & ((1ULL << (8 * bytes)) - 1);
}

static uint64_t swap_bytes(uint64_t v, int bytes)
{
	switch (bytes) {
	case 2:
		return __builtin_bswap16((uint16_t)v);
	case 4:
		return __builtin_bswap32((uint32_t)v);
	default:
		return __builtin_bswap64(v);
	}
}

/* v's low bytes in the byte order asked for (big or little). */
static int64_t in_order(int64_t v, int bytes, int big)
{
	uint64_t u = low_bytes(v, bytes);

	if (big != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__))
		u = swap_bytes(u, bytes);
	return (int64_t)u;
}

int64_t stp_fn_big_endian(int64_t v, int bytes)
{
	return in_order(v, bytes, 1);
}

int64_t stp_fn_little_endian(int64_t v, int bytes)
{
	return in_order(v, bytes, 0);
}

/*
 * A binary floating value m * 2^e kept with m normalized (top bit set), so
 * that scaling by ten loses at most the last of its 64 bits per step:
 * far below the 53 a double keeps.
 */
struct bfloat {
	uint64_t m;
	int e;
};

static int clz128(unsigned __int128 x)
{
	uint64_t hi = (uint64_t)(x >> 64);

	return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

/* Keep the top 64 bits of x * 2^e in f. */
static void set_from_128(struct bfloat *f, unsigned __int128 x, int e)
{
	int lz = clz128(x);

	x <<= lz;
	f->m = (uint64_t)(x >> 64);
	f->e = e + 64 - lz;
}

static void times_ten(struct bfloat *f)
{
	set_from_128(f, (unsigned __int128)f->m * 10, f->e);
}

/* m / 10 by long division in 32-bit steps (no 128-bit division: the
 * kernel has no __udivti3), the quotient with 64 fraction bits. */
static void divided_by_ten(struct bfloat *f)
{
	uint64_t hi = f->m / 10, r = f->m % 10;
	uint64_t mid = (r << 32) / 10;

	r = (r << 32) % 10;
	uint64_t lo = (r << 32) / 10;
	unsigned __int128 q = ((unsigned __int128)hi << 64) | (mid << 32) | lo;

	set_from_128(f, q, f->e - 64);
}

/* The double nearest to f (ties to even; no subnormals: they become 0). */
static uint64_t to_double_bits(struct bfloat f, int negative)
{
	uint64_t sign = negative ? 1ULL << 63 : 0;
	uint64_t mant = f.m >> 11, rest = f.m & 0x7ff;
	int64_t exp = (int64_t)f.e + 63 + 1023;

	if (rest > 0x400 || (rest == 0x400 && (mant & 1)))
		mant++;
	if (mant >> 53) {
		mant >>= 1;
		exp++;
	}
	if (exp >= 0x7ff)
		return sign | 0x7ffULL << 52; /* infinity */
	if (exp <= 0)
		return sign;
	return sign | (uint64_t)exp << 52 | (mant & ((1ULL << 52) - 1));
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int stp_fn_string_to_fp(struct stp_context *c, const char *s, int64_t *out)
{
	const char *p = s;
	int negative = 0, digits = 0, e10 = 0;
	uint64_t m = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '-' || *p == '+')
		negative = *p++ == '-';
	for (int frac = 0;; p++) {
		if (*p == '.' && !frac) {
			frac = 1;
			continue;
		}
		if (!is_digit(*p))
			break;
		digits++;
		if (m < 1000000000000000000ULL)
			m = m * 10 + (uint64_t)(*p - '0'), e10 -= frac;
		else
			e10 += !frac; /* digits past 19 only scale */
	}
	if (!digits) {
		*out = 0;
		return stp_errorf(c, "string_to_fp: not a number: \"%s\"", s);
	}
	if (*p == 'e' || *p == 'E') {
		int eneg = 0, ev = 0;

		p++;
		if (*p == '-' || *p == '+')
			eneg = *p++ == '-';
		while (is_digit(*p)) {
			if (ev < 100000)
				ev = ev * 10 + (*p - '0');
			p++;
		}
		e10 += eneg ? -ev : ev;
	}
	if (m == 0 || e10 < -400) {
		*out = negative ? (int64_t)(1ULL << 63) : 0;
		return 0;
	}
	if (e10 > 400) {
		*out = (int64_t)to_double_bits((struct bfloat){~0ULL, 2000}, negative);
		return 0;
	}
	struct bfloat f;

	set_from_128(&f, m, 0);
	for (; e10 > 0; e10--)
		times_ten(&f);
	for (; e10 < 0; e10++)
		divided_by_ten(&f);
	*out = (int64_t)to_double_bits(f, negative);
	return 0;
}
