#!/bin/bash
# bench/kernel/guest.sh BUILD_DIR: the kernel benchmark's cases, run inside
# the guest by bench/kernel/run (one boot).  Writes the raw results, one
# case per line ("CASE LOOPS ROUNDS MEDIAN_PS MIN_PS MAX_PS [CALLS]"), to
# BUILD_DIR/bench/kernel.raw; bench/kernel/run makes the table.
# Any case that fails or whose probes did not fire ends it with status 1.
set -u
B=$1
raw=$B/bench/kernel.raw
ctl=/proc/stapmark-bench
kplist=/sys/kernel/debug/kprobes/list
kpopt=/proc/sys/debug/kprobes-optimization

die() {
	echo "bench/kernel: $*" >&2
	dmesg | grep -E 'stapmark-bench|markers:' | tail -5 >&2
	exit 1
}

# cmd COMMAND [NAME]: one command to bench-kmod.ko; prints its result line,
# renamed NAME when given (the kprobe cases share the command "kprobe").
cmd() {
	local line
	echo "$1" >"$ctl" || die "'$1' failed"
	line=$(cat "$ctl")
	if [ $# -gt 1 ]; then
		line="$2 ${line#* }"
	fi
	echo "$line"
}

# The state of our kprobe in the kprobes list: FTRACE, OPTIMIZED or trap.
kprobe_state() {
	local line
	line=$(grep -m1 'marker_example_event' "$kplist") || die "our kprobe is not in $kplist"
	case $line in
	*'[FTRACE]'*) echo FTRACE ;;
	*'[OPTIMIZED]'*) echo OPTIMIZED ;;
	*) echo trap ;;
	esac
}

syscall_loop() {
	local line
	line=$("$B/bench/kernel/syscall-loop") || die "syscall-loop failed"
	echo "$1 ${line#getppid }"
}

insmod "$B/kernel/markers/markers.ko" || die "cannot load markers.ko"
insmod "$B/examples/kernel/marker-example.ko" || die "cannot load marker-example.ko"
insmod "$B/bench/kernel/bench-kmod.ko" || die "cannot load bench-kmod.ko"
[ -r "$kplist" ] || die "no $kplist (debugfs)"
[ -w "$kpopt" ] || die "no $kpopt (CONFIG_OPTPROBES)"

# A stapmark script on the marker (bench/kernel/count.stp, built on the host
# by run): bench-kmod times the calls while it runs, and its count must be
# the number of calls.
script_case() {
	local name=stap_bench_count out=$B/bench/kernel-script.out line calls n sp
	"$B/bin/stapmark" --run-module "$STAPMARK_BENCH_SCRIPT_KO" -o "$out" 2>"$out.err" &
	sp=$!
	for _ in $(seq 300); do
		grep -q '^state 1 ' "/proc/stapmark/$name/control" 2>/dev/null && break
		sleep 0.1
	done
	if ! line=$(cmd external script_count); then
		kill -INT $sp
		wait $sp
		exit 1
	fi
	kill -INT $sp
	wait $sp || die "the script failed: $(cat "$out.err")"
	calls=${line##* }
	n=$(sed -n 's/^n //p' "$out")
	[ "$n" = "$calls" ] || die "the script counted $n of $calls events"
	echo "$line"
}

# One pass over every case.  The passes interleave the cases, so a slow
# spell of the host (other jobs on its cores) hits several of them rather
# than all rounds of one; run makes each case's figure the median of its
# passes' medians.
one_pass() {
	local armed hits calls seen
	cmd floor
	cmd dormant
	cmd armed1
	cmd armed4
	script_case

	# At the function's entry (its ftrace call) a kprobe rides ftrace.
	cmd "kprobe_on ftrace" kprobe_ftrace_site
	[ "$(kprobe_state)" = FTRACE ] || die "entry kprobe is not [FTRACE]: $(grep marker_example_event "$kplist")"
	cmd kprobe kprobe_ftrace
	cmd kprobe_off

	# Past the ftrace call: an int3 trap, held so by turning the optimizer
	# off (otherwise it replaces the trap with a jump some time later) ...
	echo 0 >"$kpopt"
	cmd "kprobe_on trap" kprobe_site
	[ "$(kprobe_state)" = trap ] || die "fresh kprobe is not a trap: $(grep marker_example_event "$kplist")"
	cmd kprobe kprobe_int3
	[ "$(kprobe_state)" = trap ] || die "kprobe was optimized during the int3 case"
	# ... then the same kprobe once the optimizer has made it a jump.
	t0=$(date +%s%N)
	echo 1 >"$kpopt"
	for _ in $(seq 600); do
		[ "$(kprobe_state)" = OPTIMIZED ] && break
		sleep 0.1
	done
	[ "$(kprobe_state)" = OPTIMIZED ] || die "kprobe not optimized after 60 s: $(grep marker_example_event "$kplist")"
	echo "optimized_after_ms $((($(date +%s%N) - t0) / 1000000))"
	cmd kprobe kprobe_opt
	cmd kprobe_off

	# A stock tracepoint through its bridge: getppid() with sys_enter's
	# bridge dormant (tracepoint off), then with a probe on its marker,
	# which must have seen every getppid() of that run.
	syscall_loop sys_dormant
	cmd bridge_on
	armed=$(syscall_loop sys_armed) || exit 1
	echo "$armed"
	hits=$(cmd bridge_off) || exit 1
	echo "$hits"
	calls=$(echo "$armed" | awk '{ print $7 }')
	seen=${hits#sys_enter_hits }
	[ "$seen" -ge "$calls" ] 2>/dev/null || die "sys_enter bridge saw $seen of $calls getppid calls"
}

passes=${STAPMARK_BENCH_PASSES:-3}
{
	echo "krel $(uname -r)"
	echo "cpus $(nproc)"
	echo "passes $passes"
	for _ in $(seq "$passes"); do
		one_pass
	done
} >"$raw.tmp" || exit 1
rmmod bench_kmod marker_example markers || die "rmmod failed"
mv "$raw.tmp" "$raw"
