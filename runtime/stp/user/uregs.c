// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Registers of a function probe's hit in user space: the ucontext_t the
 * SIGTRAP handler got (libmarkers' uprobe.c).  x86-64 names and the System
 * V calling convention: integer arguments 1-6 in rdi, rsi, rdx, rcx, r8,
 * r9 at the function's first instruction, the result in rax.
 */
#include <string.h>
#include <ucontext.h>

#include "../stp.h"

#if defined(__x86_64__)
static const struct {
	const char *name;
	int reg;
} names[] = {
	{"rax", REG_RAX},
	{"rbx", REG_RBX},
	{"rcx", REG_RCX},
	{"rdx", REG_RDX},
	{"rsi", REG_RSI},
	{"rdi", REG_RDI},
	{"rbp", REG_RBP},
	{"rsp", REG_RSP},
	{"r8", REG_R8},
	{"r9", REG_R9},
	{"r10", REG_R10},
	{"r11", REG_R11},
	{"r12", REG_R12},
	{"r13", REG_R13},
	{"r14", REG_R14},
	{"r15", REG_R15},
	{"rip", REG_RIP},
	/* stap's i386-style aliases */
	{"ax", REG_RAX},
	{"bx", REG_RBX},
	{"cx", REG_RCX},
	{"dx", REG_RDX},
	{"si", REG_RSI},
	{"di", REG_RDI},
	{"bp", REG_RBP},
	{"sp", REG_RSP},
	{"ip", REG_RIP},
};
static const int arg_regs[] = {REG_RDI, REG_RSI, REG_RDX, REG_RCX, REG_R8, REG_R9};

static int64_t reg(const void *uregs, int r)
{
	return (int64_t)((const ucontext_t *)uregs)->uc_mcontext.gregs[r];
}

int stp_host_uregs_get(const void *uregs, const char *name, int64_t *out)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, name)) {
			*out = reg(uregs, names[i].reg);
			return 1;
		}
	return 0;
}

int stp_host_uregs_arg(const void *uregs, int n, int64_t *out)
{
	if (n < 1 || n > (int)(sizeof(arg_regs) / sizeof(arg_regs[0])))
		return 0;
	*out = reg(uregs, arg_regs[n - 1]);
	return 1;
}

int64_t stp_host_uregs_return(const void *uregs)
{
	return reg(uregs, REG_RAX);
}

int64_t stp_host_uregs_pc(const void *uregs)
{
	return reg(uregs, REG_RIP);
}

int64_t stp_host_uregs_sp(const void *uregs)
{
	return reg(uregs, REG_RSP);
}
#else
/* Elsewhere function probes do not run (libmarkers' uprobes are x86-64). */
int stp_host_uregs_get(const void *uregs, const char *name, int64_t *out)
{
	(void)uregs, (void)name, (void)out;
	return 0;
}

int stp_host_uregs_arg(const void *uregs, int n, int64_t *out)
{
	(void)uregs, (void)n, (void)out;
	return 0;
}

int64_t stp_host_uregs_return(const void *uregs)
{
	(void)uregs;
	return 0;
}

int64_t stp_host_uregs_pc(const void *uregs)
{
	(void)uregs;
	return 0;
}

int64_t stp_host_uregs_sp(const void *uregs)
{
	(void)uregs;
	return 0;
}
#endif
