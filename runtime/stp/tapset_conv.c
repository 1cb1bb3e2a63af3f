// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tapset: reading the traced program's memory.  Every read goes through
 * the host's fault-safe copy, so a bad address is a runtime error (or a
 * default value), never a crash of the target.
 */
#include "tapset.h"
#include "printf.h"
#include "stp_lib.h"

/* The two address spaces a probe reads: the traced process's (user_*) and
 * the kernel's (kernel_*; in user space the same as the process's). */
enum space { USER, KERNEL };

static long read_str(enum space sp, char *dst, int64_t addr, size_t size)
{
	return sp == KERNEL ? stp_host_read_kernel_string(dst, (uintptr_t)addr, size)
			    : stp_host_read_string(dst, (uintptr_t)addr, size);
}

static int read_mem(enum space sp, void *dst, int64_t addr, size_t n)
{
	return sp == KERNEL ? stp_host_read_kernel_bytes(dst, (uintptr_t)addr, n)
			    : stp_host_read_bytes(dst, (uintptr_t)addr, n);
}

static int string_n(enum space sp, struct stp_context *c, char *dst, int64_t addr, int64_t n)
{
	int64_t size = n + 1 < 1 ? 1 : n + 1 > MAXSTRINGLEN - 1 ? MAXSTRINGLEN - 1 : n + 1;
	long rc = read_str(sp, dst, addr, (size_t)size);

	if (rc < 0) {
		stp_strlcpy(dst, "<unknown>", MAXSTRINGLEN);
		if (sp == KERNEL) /* stap's kernel_string says no errno */
			return stp_errorf(c, "kernel string copy fault at 0x%lx [man error::fault]",
					  (unsigned long)addr);
		return stp_errorf(c, "user string copy fault %ld at 0x%lx [man error::fault]", rc,
				  (unsigned long)addr);
	}
	return 0;
}

int stp_fn_user_string_n(struct stp_context *c, char *dst, int64_t addr, int64_t n)
{
	return string_n(USER, c, dst, addr, n);
}

int stp_fn_kernel_string_n(struct stp_context *c, char *dst, int64_t addr, int64_t n)
{
	return string_n(KERNEL, c, dst, addr, n);
}

int stp_fn_kernel_string(struct stp_context *c, char *dst, int64_t addr)
{
	return string_n(KERNEL, c, dst, addr, MAXSTRINGLEN);
}

void stp_fn_kernel_string2(char *dst, int64_t addr, const char *err_msg)
{
	if (read_str(KERNEL, dst, addr, MAXSTRINGLEN - 1) < 0)
		stp_strlcpy(dst, err_msg, MAXSTRINGLEN);
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

static void string_quoted(enum space sp, char *dst, int64_t addr)
{
	char tmp[MAXSTRINGLEN];

	if (read_str(sp, tmp, addr, MAXSTRINGLEN - 1) < 0)
		stp_snprintf(dst, MAXSTRINGLEN, "0x%llx", (unsigned long long)addr);
	else
		stp_fn_string_quoted(dst, tmp);
}

void stp_fn_user_string_quoted(char *dst, int64_t addr)
{
	string_quoted(USER, dst, addr);
}

void stp_fn_kernel_string_quoted(char *dst, int64_t addr)
{
	string_quoted(KERNEL, dst, addr);
}

static int read_long(enum space sp, int64_t addr, int size, int is_signed, int64_t *out)
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
	if (read_mem(sp, &u, addr, (size_t)size) < 0)
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

	return read_long(USER, addr, size, is_signed, &v) < 0 ? 0 : v;
}

static int long_error(enum space sp, struct stp_context *c, int64_t addr, int size, int is_signed,
		      int64_t *out)
{
	if (read_long(sp, addr, size, is_signed, out) < 0) {
		*out = 0;
		return stp_errorf(c, "%sread fault [man error::fault] at 0x%lx",
				  sp == KERNEL ? "kernel " : "", (unsigned long)addr);
	}
	return 0;
}

int stp_fn_user_long_error(struct stp_context *c, int64_t addr, int size, int is_signed,
			   int64_t *out)
{
	return long_error(USER, c, addr, size, is_signed, out);
}

int stp_fn_kernel_long_error(struct stp_context *c, int64_t addr, int size, int is_signed,
			     int64_t *out)
{
	return long_error(KERNEL, c, addr, size, is_signed, out);
}
