// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The BPF programs behind every sys/sdt.h probe of a script and every
 * process.function probe (stp_func_hit, at the end).  libbpf's
 * bpf_program__attach_usdt() puts it on each probe site (a uprobe, with the
 * semaphore raised through ref_ctr_offset) with a cookie that says which
 * probe it is and what to capture (sdt_event.h).  It copies the hit into
 * a ring buffer; stapmark runs the script's handler from that record.
 *
 * Wakeups: none per event (BPF_RB_NO_WAKEUP; stapmark polls with a short
 * timeout), unless the ring is filling up, then one, so that a burst is
 * drained before it overflows.  A record that finds no room is counted in
 * `drops` (one slot per CPU) and reported at the end like dropped output.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>

#include "sdt_event.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* stapmark may set another size */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* Hits of the count-only probes, by probe index, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STP_SDT_MAXCOUNTED);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

/* Wake stapmark when more than this many bytes wait: a quarter of the ring. */
#define WAKEUP_BYTES (1 << 22)

/*
 * -c CMD: the hits of the command and of its descendants only (a shell
 * line runs its programs as children).  stapmark puts the command's pid in
 * `targets`; each fork of a process in it adds the child.  Set before
 * load (the only variable of .rodata): filter on, and where task_struct
 * keeps tgid (from the kernel's BTF, so no vmlinux.h is needed here).
 */
const volatile struct stp_sdt_config cfg = {0};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} targets SEC(".maps");

SEC("raw_tp/sched_process_fork")
int stp_sdt_fork(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 parent = bpf_get_current_pid_tgid() >> 32, child;
	__u8 one = 1;

	if (!cfg.filter || !bpf_map_lookup_elem(&targets, &parent))
		return 0;
	if (bpf_probe_read_kernel(&child, sizeof(child), (char *)ctx->args[1] + cfg.tgid_offset))
		return 0;
	bpf_map_update_elem(&targets, &child, &one, BPF_ANY);
	return 0;
}

static __always_inline void dropped(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&drops, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
}

/* -c: a process outside the command's tree (the command itself without a
 * map lookup). */
static __always_inline int not_traced(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	return cfg.filter && tgid != cfg.root && !bpf_map_lookup_elem(&targets, &tgid);
}

/* A probe whose handler only adds constants: counted in this CPU's own
 * slot, no record (stapmark runs the handler once per count). */
static __always_inline int counted_in_kernel(long long cookie)
{
	__u32 idx = STP_SDT_COOKIE_INDEX(cookie);
	__u64 *n;

	if (!STP_SDT_COOKIE_COUNT(cookie))
		return 0;
	n = bpf_map_lookup_elem(&counts, &idx);
	if (n)
		(*n)++;
	return 1;
}

static __always_inline void fill(struct pt_regs *ctx, struct stp_sdt_event *e, long long cookie)
{
	__u64 id = bpf_get_current_pid_tgid();
	unsigned int want = STP_SDT_COOKIE_NARGS(cookie);
	int have = want ? bpf_usdt_arg_cnt(ctx) : 0;

	e->index = STP_SDT_COOKIE_INDEX(cookie);
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->cpu = bpf_get_smp_processor_id();
	e->nstr = 0;
	if (have < 0)
		have = 0;
	if (want > (unsigned int)have)
		want = have;
	e->nargs = want;
	e->comm[0] = 0;
	for (int i = 0; i < STP_SDT_MAXARGS; i++) {
		long v = 0;

		if (i >= want)
			break;
		if (bpf_usdt_arg(ctx, i, &v))
			v = 0;
		e->args[i] = v;
	}
	if (STP_SDT_COOKIE_COMM(cookie))
		bpf_get_current_comm(e->comm, sizeof(e->comm));
}

static __always_inline long wake_flags(void)
{
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);

	/* A ring smaller than the default ($STAPMARK_SDT_RING): at half of it. */
	return avail > WAKEUP_BYTES || avail > bpf_ringbuf_query(&events, BPF_RB_RING_SIZE) / 2
		       ? BPF_RB_FORCE_WAKEUP
		       : BPF_RB_NO_WAKEUP;
}

SEC("usdt")
int stp_sdt_hit(struct pt_regs *ctx)
{
	long long cookie = bpf_usdt_cookie(ctx);
	unsigned int strmask = STP_SDT_COOKIE_STRMASK(cookie);

	if (not_traced() || counted_in_kernel(cookie))
		return 0;
	if (!strmask) {
		struct stp_sdt_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

		if (!e) {
			dropped();
			return 0;
		}
		fill(ctx, e, cookie);
		bpf_ringbuf_submit(e, wake_flags());
		return 0;
	}
	/* Room for as many strings as the probe copies, no more: a record is
	 * memory the hit writes and stapmark reads. */
	unsigned int want = __builtin_popcount(strmask);
	struct stp_sdt_event_str *s;

	if (want <= 1)
		s = bpf_ringbuf_reserve(&events, STP_SDT_EVENT_STR_SIZE(1), 0);
	else if (want == 2)
		s = bpf_ringbuf_reserve(&events, STP_SDT_EVENT_STR_SIZE(2), 0);
	else if (want == 3)
		s = bpf_ringbuf_reserve(&events, STP_SDT_EVENT_STR_SIZE(3), 0);
	else
		s = bpf_ringbuf_reserve(&events, STP_SDT_EVENT_STR_SIZE(4), 0);

	if (!s) {
		dropped();
		return 0;
	}
	fill(ctx, &s->e, cookie);
	unsigned int n = 0;

	for (int i = 0; i < STP_SDT_MAXARGS; i++) {
		if (!(strmask & (1u << i)) || i >= s->e.nargs || n >= STP_SDT_NSTR || n >= want)
			continue;
		s->str_arg[n & (STP_SDT_NSTR - 1)] = i;
		s->str_len[n & (STP_SDT_NSTR - 1)] = bpf_probe_read_user_str(
			s->str[n & (STP_SDT_NSTR - 1)], STP_SDT_STRLEN, (const void *)s->e.args[i]);
		n++;
	}
	s->e.nstr = n;
	bpf_ringbuf_submit(s, wake_flags());
	return 0;
}

/*
 * process("PATH").function("F")[.return]: a uprobe or uretprobe on the
 * function (bpf_program__attach_uprobe_opts, cookie as for SDT probes).
 * The record carries the whole of the registers, so that every tapset
 * function reading them (register(), pointer_arg(), returnval()...) works
 * on the copy in stapmark: 168 bytes copied cost less than deciding per
 * probe which registers the handler reads.  Strings at the argument
 * registers the handler passes to user_string*() are copied too.
 */
static __always_inline void fill_func(struct pt_regs *ctx, struct stp_func_event *e,
				      long long cookie)
{
	__u64 id = bpf_get_current_pid_tgid();

	e->index = STP_FUNC_EVENT | STP_SDT_COOKIE_INDEX(cookie);
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->cpu = bpf_get_smp_processor_id();
	e->nstr = 0;
	e->comm[0] = 0;
	if (STP_SDT_COOKIE_COMM(cookie))
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	__builtin_memcpy(e->regs, ctx, sizeof(e->regs));
}

_Static_assert(sizeof(struct pt_regs) == STP_FUNC_NREGS * 8, "x86-64 pt_regs");

SEC("uprobe")
int stp_func_hit(struct pt_regs *ctx)
{
	long long cookie = bpf_get_attach_cookie(ctx);
	unsigned int strmask = STP_SDT_COOKIE_STRMASK(cookie) & 0x3f;

	if (not_traced() || counted_in_kernel(cookie))
		return 0;
	if (!strmask) {
		struct stp_func_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

		if (!e) {
			dropped();
			return 0;
		}
		fill_func(ctx, e, cookie);
		bpf_ringbuf_submit(e, wake_flags());
		return 0;
	}
	unsigned int want = __builtin_popcount(strmask);
	struct stp_func_event_str *s;

	if (want <= 1)
		s = bpf_ringbuf_reserve(&events, STP_FUNC_EVENT_STR_SIZE(1), 0);
	else if (want == 2)
		s = bpf_ringbuf_reserve(&events, STP_FUNC_EVENT_STR_SIZE(2), 0);
	else if (want == 3)
		s = bpf_ringbuf_reserve(&events, STP_FUNC_EVENT_STR_SIZE(3), 0);
	else
		s = bpf_ringbuf_reserve(&events, STP_FUNC_EVENT_STR_SIZE(4), 0);
	if (!s) {
		dropped();
		return 0;
	}
	fill_func(ctx, &s->e, cookie);
	unsigned int n = 0;

	for (int i = 0; i < 6; i++) {
		if (!(strmask & (1u << i)) || n >= STP_SDT_NSTR || n >= want)
			continue;
		s->str_arg[n & (STP_SDT_NSTR - 1)] = i;
		s->str_len[n & (STP_SDT_NSTR - 1)] =
			bpf_probe_read_user_str(s->str[n & (STP_SDT_NSTR - 1)], STP_SDT_STRLEN,
						(const void *)s->e.regs[STP_FUNC_ARG_REG(i + 1)]);
		n++;
	}
	s->e.nstr = n;
	bpf_ringbuf_submit(s, wake_flags());
	return 0;
}
