/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BPF object of sdt.bpf.c inside stapmark (translator/run_sdt.c). */
	.section .rodata
	.balign 8
	.globl stp_sdt_bpf_obj
	.globl stp_sdt_bpf_obj_end
stp_sdt_bpf_obj:
	.incbin SDT_BPF_OBJ
stp_sdt_bpf_obj_end:
	.section .note.GNU-stack,"",@progbits
