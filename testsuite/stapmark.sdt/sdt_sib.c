// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sys/sdt.h probes whose argument specs are written by hand: sdtdemo:sib
 * has a base+index*scale operand, which libbpf 1.1 cannot decode (stapmark
 * must refuse it clearly); sdtdemo:plain has the forms it can.  Never run.
 */
#include <sys/sdt.h>

int main(void)
{
	/* The specs are assembler text: clang-format must not space them. */
	// clang-format off
	__asm__ __volatile__(STAP_PROBE_ASM(sdtdemo, sib, 8@-8(%rbp,%rax,8)));
	__asm__ __volatile__(STAP_PROBE_ASM(sdtdemo, plain, 8@%rdi -4@$5 8@-16(%rbp) 8@(%rax)));
	// clang-format on
	return 0;
}
