// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Registers of a kernel function probe's hit (stp_host.h): the pt_regs a
 * kprobe or kretprobe handler gets.  x86-64 names (and stap's i386-style
 * aliases), and the kernel's calling convention: integer arguments 1-6 in
 * rdi, rsi, rdx, rcx, r8, r9 at the function's entry, the result in rax.
 * uregs is NULL outside function probes: nothing is then available.
 */
#include <linux/kernel.h>
#include <linux/ptrace.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "kstp.h"

#ifdef CONFIG_X86_64
static const struct {
	const char *name;
	size_t offset;
} names[] = {
	{"rax", offsetof(struct pt_regs, ax)},	{"rbx", offsetof(struct pt_regs, bx)},
	{"rcx", offsetof(struct pt_regs, cx)},	{"rdx", offsetof(struct pt_regs, dx)},
	{"rsi", offsetof(struct pt_regs, si)},	{"rdi", offsetof(struct pt_regs, di)},
	{"rbp", offsetof(struct pt_regs, bp)},	{"rsp", offsetof(struct pt_regs, sp)},
	{"r8", offsetof(struct pt_regs, r8)},	{"r9", offsetof(struct pt_regs, r9)},
	{"r10", offsetof(struct pt_regs, r10)}, {"r11", offsetof(struct pt_regs, r11)},
	{"r12", offsetof(struct pt_regs, r12)}, {"r13", offsetof(struct pt_regs, r13)},
	{"r14", offsetof(struct pt_regs, r14)}, {"r15", offsetof(struct pt_regs, r15)},
	{"rip", offsetof(struct pt_regs, ip)},	{"ax", offsetof(struct pt_regs, ax)},
	{"bx", offsetof(struct pt_regs, bx)},	{"cx", offsetof(struct pt_regs, cx)},
	{"dx", offsetof(struct pt_regs, dx)},	{"si", offsetof(struct pt_regs, si)},
	{"di", offsetof(struct pt_regs, di)},	{"bp", offsetof(struct pt_regs, bp)},
	{"sp", offsetof(struct pt_regs, sp)},	{"ip", offsetof(struct pt_regs, ip)},
};

int stp_host_uregs_get(const void *uregs, const char *name, int64_t *out)
{
	size_t i;

	if (!uregs)
		return 0;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(names[i].name, name)) {
			*out = *(const long *)((const char *)uregs + names[i].offset);
			return 1;
		}
	return 0;
}

int stp_host_uregs_arg(const void *uregs, int n, int64_t *out)
{
	const struct pt_regs *r = uregs;
	const unsigned long args[] = {r ? r->di : 0, r ? r->si : 0, r ? r->dx : 0,
				      r ? r->cx : 0, r ? r->r8 : 0, r ? r->r9 : 0};

	if (!r || n < 1 || n > (int)ARRAY_SIZE(args))
		return 0;
	*out = (int64_t)args[n - 1];
	return 1;
}
#else
int stp_host_uregs_get(const void *uregs, const char *name, int64_t *out)
{
	return 0;
}

int stp_host_uregs_arg(const void *uregs, int n, int64_t *out)
{
	return 0;
}
#endif

int64_t stp_host_uregs_return(const void *uregs)
{
	return uregs ? (int64_t)regs_return_value((struct pt_regs *)uregs) : 0;
}

int64_t stp_host_uregs_pc(const void *uregs)
{
	return uregs ? (int64_t)instruction_pointer((struct pt_regs *)uregs) : 0;
}

int64_t stp_host_uregs_sp(const void *uregs)
{
	return uregs ? (int64_t)kernel_stack_pointer((struct pt_regs *)uregs) : 0;
}
