/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One sys/sdt.h probe hit as the BPF program (sdt.bpf.c) writes it into its
 * ring buffer and stapmark reads it back (translator/sdt_run.c).  Shared by
 * a BPF object and user space, so only plain C types.
 *
 * The BPF cookie of each attachment (libbpf's usdt_cookie) says what to
 * capture, so a hit costs no more than the script needs:
 *   bits  0..15  the probe's index in the program's SDT table
 *   bits 16..19  how many arguments to read ($arg1..$argN the script uses)
 *   bit  20      copy the thread's comm (the script calls execname(): the
 *                copy costs about as much as the rest of the record)
 *   bit  21      only count the hit (in `counts`, per CPU, at the probe's
 *                index): the handler just adds constants to counters, so
 *                stapmark runs it once per hit counted, no record needed
 *   bits 32..43  the arguments whose strings to copy at the hit (the script
 *                passes them to user_string()): the process may be gone, or
 *                have changed the memory, by the time stapmark runs the
 *                handler; bit k-1 for $argk, at most STP_SDT_NSTR of them.
 */
#ifndef STAPMARK_SDT_EVENT_H
#define STAPMARK_SDT_EVENT_H

#define STP_SDT_MAXARGS 12 /* sys/sdt.h's limit */
#define STP_SDT_NSTR 4
#define STP_SDT_STRLEN 256 /* a string this long (with its NUL) is cut: read the rest */

#define STP_SDT_COOKIE(index, nargs, comm, count, strmask)                      \
	((unsigned long long)(index) | (unsigned long long)(nargs) << 16 |      \
	 (unsigned long long)(comm) << 20 | (unsigned long long)(count) << 21 | \
	 (unsigned long long)(strmask) << 32)
#define STP_SDT_COOKIE_INDEX(c) ((unsigned int)((c)&0xffff))
#define STP_SDT_COOKIE_NARGS(c) ((unsigned int)(((c) >> 16) & 0xf))
#define STP_SDT_COOKIE_COMM(c) ((unsigned int)(((c) >> 20) & 1))
#define STP_SDT_COOKIE_COUNT(c) ((unsigned int)(((c) >> 21) & 1))
#define STP_SDT_MAXCOUNTED 1024 /* probes that can be counted in the kernel */
#define STP_SDT_COOKIE_STRMASK(c) ((unsigned int)(((c) >> 32) & 0xfff))

/* The BPF program's settings (its .rodata, written before load). */
struct stp_sdt_config {
	unsigned int filter; /* only the processes in the targets map */
	unsigned int tgid_offset; /* of tgid in struct task_struct */
	unsigned int root; /* the command's pid: in targets, and checked first */
};

struct stp_sdt_event {
	unsigned int index; /* the probe (cookie bits 0..15) */
	unsigned int pid, tid, cpu;
	unsigned int nargs; /* arguments read (args[0..nargs)) */
	unsigned int nstr; /* strings captured (a struct stp_sdt_event_str) */
	long long args[STP_SDT_MAXARGS];
	char comm[16];
};

/* A hit with captured strings: str[i] is the string at args[str_arg[i]].
 * A record holds only the nstr strings it copies (STP_SDT_EVENT_STR_SIZE). */
struct stp_sdt_event_str {
	struct stp_sdt_event e;
	unsigned char str_arg[STP_SDT_NSTR];
	int str_len[STP_SDT_NSTR]; /* bytes copied with the NUL; <= 0: unreadable */
	char str[STP_SDT_NSTR][STP_SDT_STRLEN];
};
#define STP_SDT_EVENT_STR_SIZE(n) \
	(__builtin_offsetof(struct stp_sdt_event_str, str) + (n)*STP_SDT_STRLEN)

#endif
