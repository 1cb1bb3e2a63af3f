// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tapset: user backtraces and symbols (stap's tapset::ucontext-unwind and
 * ucontext-symbols) over the host's unwinder and symbol tables
 * (stp_host_ubacktrace, stp_host_usym), in stap's formats: its runtime's
 * _stp_snprint_addr modes NONE (ubacktrace), FULL (print_ubacktrace),
 * SIMPLE (sprint_ubacktrace), BRIEF (print_ubacktrace_brief), DATA
 * (usymdata) and SYMBOL (usymname); addresses as stap's %p, 0x and 16
 * digits.
 */
#include "tapset.h"
#include "print.h"
#include "printf.h"
#include "stp_lib.h"

#define UBT_DEPTH 64

static const char *basename_of(const char *path)
{
	const char *s = path;

	for (const char *p = path; *p; p++)
		if (*p == '/')
			s = p + 1;
	return s;
}

/* One address in a mode; returns the length written (at most size - 1). */
static int addr_text(char *dst, size_t size, uint64_t a, enum stp_usym_mode mode)
{
	struct stp_usym u = {0};
	unsigned long long off, sz;

	if (mode != STP_USYM_NONE && stp_host_usym(a, &u))
		u.has_name = u.has_module = 0;
	off = u.has_name ? a - u.start : a - u.mod_start;
	sz = u.has_name ? u.size : u.mod_size;
	switch (mode) {
	case STP_USYM_NONE:
		break;
	case STP_USYM_SYMBOL:
		if (u.has_name)
			return stp_snprintf(dst, size, "%s", u.name);
		break;
	case STP_USYM_BRIEF:
		if (u.has_name)
			return stp_snprintf(dst, size, "%s+0x%llx\n", u.name, off);
		return stp_snprintf(dst, size, "0x%016llx\n", (unsigned long long)a);
	case STP_USYM_SIMPLE:
		if (u.has_name && u.has_module)
			return stp_snprintf(dst, size, "%s+0x%llx [%s]\n", u.name, off,
					    basename_of(u.module));
		if (u.has_module)
			return stp_snprintf(dst, size, "0x%016llx [%s+0x%llx]\n",
					    (unsigned long long)a, basename_of(u.module), off);
		return stp_snprintf(dst, size, "0x%016llx\n", (unsigned long long)a);
	case STP_USYM_DATA:
		if (u.has_name && u.has_module)
			return stp_snprintf(dst, size, "%s+0x%llx/0x%llx [%s]", u.name, off, sz,
					    u.module);
		if (u.has_module)
			return stp_snprintf(dst, size, "0x%016llx [%s+0x%llx/0x%llx]",
					    (unsigned long long)a, u.module, off, sz);
		break;
	case STP_USYM_FULL:
		if (u.has_name && u.has_module)
			return stp_snprintf(dst, size, " 0x%016llx : %s+0x%llx/0x%llx [%s]\n",
					    (unsigned long long)a, u.name, off, sz, u.module);
		if (u.has_module)
			return stp_snprintf(dst, size, " 0x%016llx [%s+0x%llx/0x%llx]\n",
					    (unsigned long long)a, u.module, off, sz);
		return stp_snprintf(dst, size, " 0x%016llx\n", (unsigned long long)a);
	}
	return stp_snprintf(dst, size, mode == STP_USYM_NONE ? "0x%016llx " : "0x%016llx",
			    (unsigned long long)a);
}

static int no_host(struct stp_context *c, const char *what)
{
	return stp_errorf(c,
			  "%s: this backend has no user-space unwinder or symbols "
			  "(the user-space backend has them)",
			  what);
}

int stp_fn_ubacktrace(struct stp_context *c, char *dst, enum stp_usym_mode mode, int print)
{
	uint64_t pcs[UBT_DEPTH];
	int n = stp_host_ubacktrace(c, pcs, UBT_DEPTH);
	size_t len = 0;

	dst[0] = '\0';
	if (n < 0)
		return no_host(c, print ? "print_ubacktrace" : "ubacktrace");
	for (int i = 0; i < n; i++) {
		char line[MAXSTRINGLEN];
		int k = addr_text(line, sizeof(line), pcs[i], mode);

		if (print) {
			stp_print_s(c, line);
			continue;
		}
		/* Whole lines only, as stap cuts a string backtrace. */
		if (len + (size_t)k >= MAXSTRINGLEN)
			break;
		stp_strlcpy(dst + len, line, MAXSTRINGLEN - len);
		len += (size_t)k;
	}
	return 0;
}

int stp_fn_usym(struct stp_context *c, char *dst, int64_t addr, enum stp_usym_mode mode)
{
	struct stp_usym u;

	if (stp_host_usym((uint64_t)addr, &u))
		return no_host(c, mode == STP_USYM_SYMBOL ? "usymname" : "usymdata");
	addr_text(dst, MAXSTRINGLEN, (uint64_t)addr, mode);
	return 0;
}

int stp_fn_umodname(struct stp_context *c, char *dst, int64_t addr)
{
	struct stp_usym u;

	if (stp_host_usym((uint64_t)addr, &u))
		return no_host(c, "umodname");
	if (!u.has_module) {
		stp_strlcpy(dst, "<unknown>", MAXSTRINGLEN);
		return stp_error(c, (const char *)0, "module cannot be found");
	}
	stp_strlcpy(dst, u.module, MAXSTRINGLEN);
	return 0;
}
