// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tapset: reading the traced program's memory.  Every read goes through
 * the host's fault-safe copy, so a bad address is a runtime error (or a
 * default value), never a crash of the target.
 */
#include "tapset.h"
#include "printf.h"
#include "stp_lib.h"

int stp_fn_user_string_n(struct stp_context *c, char *dst, int64_t addr, int64_t n)
{
	int64_t size = n + 1 < 1 ? 1 : n + 1 > MAXSTRINGLEN - 1 ? MAXSTRINGLEN - 1 : n + 1;
	long rc = stp_host_read_string(dst, (uintptr_t)addr, (size_t)size);

	if (rc < 0) {
		stp_strlcpy(dst, "<unknown>", MAXSTRINGLEN);
		return stp_errorf(c, "user string copy fault %ld at 0x%lx [man error::fault]", rc,
				  (unsigned long)addr);
	}
	return 0;
}

int stp_fn_user_string(struct stp_context *c, char *dst, int64_t addr)
{
	return stp_fn_user_string_n(c, dst, addr, MAXSTRINGLEN);
}

void stp_fn_user_string2(char *dst, int64_t addr, const char *err_msg)
{
	if (stp_host_read_string(dst, (uintptr_t)addr, MAXSTRINGLEN - 1) < 0)
		stp_strlcpy(dst, err_msg, MAXSTRINGLEN);
}

void stp_fn_user_string_warn(struct stp_context *c, char *dst, int64_t addr)
{
	long rc = stp_host_read_string(dst, (uintptr_t)addr, MAXSTRINGLEN - 1);

	if (rc < 0) {
		char msg[128];

		stp_snprintf(msg, sizeof(msg),
			     "user string copy fault %ld at 0x%lx [man error::fault]", rc,
			     (unsigned long)addr);
		stp_warn(c, msg);
		dst[0] = '\0';
	}
}

void stp_fn_user_string_quoted(char *dst, int64_t addr)
{
	char tmp[MAXSTRINGLEN];

	if (stp_host_read_string(tmp, (uintptr_t)addr, MAXSTRINGLEN - 1) < 0)
		stp_snprintf(dst, MAXSTRINGLEN, "0x%llx", (unsigned long long)addr);
	else
		stp_fn_string_quoted(dst, tmp);
}

static int read_long(int64_t addr, int size, int is_signed, int64_t *out)
{
	union {
		int8_t i8;
		int16_t i16;
		int32_t i32;
		int64_t i64;
		uint8_t u8;
		uint16_t u16;
		uint32_t u32;
	} u;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return -1;
	if (stp_host_read_bytes(&u, (uintptr_t)addr, (size_t)size) < 0)
		return -1;
	switch (size) {
	case 1:
		*out = is_signed ? (int64_t)u.i8 : (int64_t)u.u8;
		break;
	case 2:
		*out = is_signed ? (int64_t)u.i16 : (int64_t)u.u16;
		break;
	case 4:
		*out = is_signed ? (int64_t)u.i32 : (int64_t)u.u32;
		break;
	default:
		*out = u.i64;
		break;
	}
	return 0;
}

int64_t stp_fn_user_long(int64_t addr, int size, int is_signed)
{
	int64_t v;

	return read_long(addr, size, is_signed, &v) < 0 ? 0 : v;
}

int stp_fn_user_long_error(struct stp_context *c, int64_t addr, int size, int is_signed,
			   int64_t *out)
{
	if (read_long(addr, size, is_signed, out) < 0) {
		*out = 0;
		return stp_errorf(c, "read fault [man error::fault] at 0x%lx", (unsigned long)addr);
	}
	return 0;
}
