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

# The script cases' modules, built on the host by run (pass 4 in the guest
# would take minutes under TCG): "CASE PATH" lines.  A case whose module is
# missing is left out, and run says why.
modules=$B/bench/kernel/modules.list
module_of() { awk -v c="$1" '$1 == c { print $2 }' "$modules" 2>/dev/null; }

# tool_start NAME OUT CMD...: start a tracing tool in the background and
# wait until its begin probe printed "ready" to OUT (bpftrace, staprun and
# stapmark alike).  Sets tool_pid.
tool_start() {
	local name=$1 out=$2
	shift 2
	"$@" >"$out" 2>"$out.err" </dev/null &
	tool_pid=$!
	for _ in $(seq 1800); do
		grep -q '^ready' "$out" 2>/dev/null && return 0
		kill -0 $tool_pid 2>/dev/null || die "$name exited before it was ready: $(tail -3 "$out.err")"
		sleep 0.1
	done
	kill -INT $tool_pid
	die "$name not ready after 180 s: $(tail -3 "$out.err")"
}

# tool_stop CASE OUT: ours must exit cleanly (else the benchmark fails); a
# peer that did not is reported as failed (status 1), with its message.
tool_stop() {
	kill -INT $tool_pid
	wait $tool_pid && return 0
	case $1 in
	stap_* | bpf_*)
		echo "failed $1 it exited with an error: $(grep -m1 -E 'ERROR|error' "$2.err" || tail -1 "$2.err")"
		return 1
		;;
	esac
	die "$1 failed: $(tail -3 "$2.err")"
}

# tool_count OUT: the count a tool printed at its end ("n N", bpftrace "@n: N").
tool_count() {
	sed -n -e 's/^n \([0-9]*\).*/\1/p' -e 's/^@n: \([0-9]*\)$/\1/p' "$1" | tail -1
}

# check_count CASE GOT WANT: a case measures nothing unless its probe saw
# every event.
check_count() {
	[ -n "$2" ] && [ "$2" = "$3" ] || die "$1: the probe counted ${2:-nothing} of $3 events"
}

# A stapmark script module, started with stapmark --run-module.
stapmark_start() { # CASE OUT [stapmark options]
	local c=$1 out=$2 ko
	shift 2
	ko=$(module_of "$c")
	tool_start "$c" "$out" "$B/bin/stapmark" --run-module "$ko" "$@" -o "$out"
}

# run_external CASE START...: a tool on marker_example_event (started by
# START, which takes CASE and the output file), timed by bench-kmod.ko
# ("external"); its count must be the number of calls.  Prints the case line.
run_external() {
	local c=$1 out=$B/bench/kernel-$1.out line calls n
	shift
	"$@" "$c" "$out"
	line=$(cmd external "$c") || {
		kill -INT $tool_pid
		exit 1
	}
	# Which mechanism the kernel chose for a kprobe (FTRACE at the entry).
	if grep -q marker_example_event "$kplist"; then
		echo "kprobe_state $c $(kprobe_state)"
	fi
	tool_stop "$c" "$out" || return 0
	calls=${line##* }
	n=$(tool_count "$out")
	peer_check "$c" "$n" "$calls" || return 0
	echo "$line"
}

# peer_check CASE GOT WANT: ours must count every event (else the benchmark
# fails); a peer that does not is reported as failed, with its counts.
peer_check() {
	case $1 in
	stap_* | bpf_*)
		if [ "$2" != "$3" ]; then
			echo "failed $1 its probe counted ${2:-nothing} of $3 events ($(tail -1 "$B/bench/kernel-$1.out.err"))"
			return 1
		fi
		;;
	*) check_count "$1" "$2" "$3" ;;
	esac
}

# run_syscall CASE START...: the same on the getppid() loop; the tool counts
# getppid entries on sys_enter.
run_syscall() {
	local c=$1 out=$B/bench/kernel-$1.out line calls n
	shift
	"$@" "$c" "$out"
	line=$(syscall_loop "$c") || {
		kill -INT $tool_pid
		exit 1
	}
	tool_stop "$c" "$out" || return 0
	calls=${line##* }
	n=$(tool_count "$out")
	peer_check "$c" "$n" "$calls" || return 0
	echo "$line"
}

start_stapmark() { stapmark_start "$1" "$2"; }
start_staprun() { # SystemTap 4.8's own runtime; optimized kprobes stay on
	tool_start "$1" "$2" env STAP_PR13193_OVERRIDE=1 staprun "$(module_of "$1")"
}
start_bpftrace_kprobe() {
	tool_start "$1" "$2" bpftrace -B line -e \
		'BEGIN { printf("ready\n") } kprobe:marker_example_event { @n = count(); }'
}
start_bpftrace_tracepoint() {
	tool_start "$1" "$2" bpftrace -B line -e \
		'BEGIN { printf("ready\n") } tracepoint:raw_syscalls:sys_enter /args->id == 110/ { @n = count(); }'
}

# timed_external CASE OUT: with CASE's stapmark script running, time the
# calls (bench-kmod's "external") and stop it; sets line and calls.
timed_external() {
	stapmark_start "$1" "$2"
	line=$(cmd external "$1") || {
		kill -INT $tool_pid
		exit 1
	}
	tool_stop "$1" "$2"
	calls=${line##* }
}

# The printf case: every event a line in the -o file, or a counted drop
# ("WARNING: N events dropped" at exit); lines + drops must be the calls.
script_printf() {
	local c=script_printf out=$B/bench/kernel-script_printf.out line calls lines drops
	timed_external "$c" "$out"
	lines=$(grep -c '^[0-9-]* bench string$' "$out")
	drops=$(sed -n 's/^WARNING: \([0-9]*\) events dropped$/\1/p' "$out.err")
	check_count "$c" "$((lines + ${drops:-0}))" "$calls"
	echo "$line"
	echo "printf_drops ${drops:-0} $calls"
}

# The statement probe's module: its address is known only here (modules
# load at a random address each boot), so the host builds it (run watches
# for the request while the guest runs: the build directory is shared).
stmt_ko=
stmt_module() {
	local addr req=$B/bench/kernel/stmt.request resp=$B/bench/kernel/stmt.response
	addr=0x$(awk '$3 == "marker_example_event" { print $1; exit }' /proc/kallsyms)
	addr=$(printf '0x%x' $((addr + 5))) # past the ftrace call: the store
	rm -f "$resp"
	echo "$addr" >"$req.tmp" && mv "$req.tmp" "$req"
	for _ in $(seq 1200); do
		if [ -s "$resp" ] && [ "$(cut -d' ' -f1 "$resp")" = "$addr" ]; then
			cut -d' ' -f2 "$resp"
			return 0
		fi
		sleep 0.1
	done
	die "the host did not build the statement probe for $addr within 120 s"
}

# Our kprobe past the ftrace call (kprobe.statement(ADDR).absolute, built on
# the host for the address the probe boot saw): int3 while the optimizer is
# off, then, in the same run, the optimized jump.
script_kprobe_stmt() {
	local out=$B/bench/kernel-script_kprobe_int3.out l1 l2 n
	[ -n "$stmt_ko" ] || stmt_ko=$(stmt_module) || exit 1
	echo 0 >"$kpopt"
	tool_start script_kprobe_int3 "$out" "$B/bin/stapmark" --run-module "$stmt_ko" -o "$out"
	[ "$(kprobe_state)" = trap ] || die "our statement kprobe is not a trap: $(grep marker_example_event "$kplist")"
	l1=$(cmd external script_kprobe_int3) || exit 1
	[ "$(kprobe_state)" = trap ] || die "our kprobe was optimized during the int3 case"
	echo 1 >"$kpopt"
	for _ in $(seq 600); do
		[ "$(kprobe_state)" = OPTIMIZED ] && break
		sleep 0.1
	done
	[ "$(kprobe_state)" = OPTIMIZED ] || die "our kprobe not optimized after 60 s"
	l2=$(cmd external script_kprobe_opt) || exit 1
	tool_stop script_kprobe_int3 "$out"
	n=$(tool_count "$out")
	check_count script_kprobe "$n" "$((${l1##* } + ${l2##* }))"
	echo "$l1"
	echo "$l2"
}

# The map scaling cases: their count must be the calls, the map must hold
# exactly min(KEYS, calls) keys (the calls pass 0, 1, 2, ...), and its
# counts must add up to the calls.
script_keys() {
	local k=$1 c=script_keys$1 out=$B/bench/kernel-script_keys$1.out line calls keys sum want
	timed_external "$c" "$out"
	check_count "$c" "$(tool_count "$out")" "$calls"
	keys=$(sed -n 's/^n [0-9]* keys \([0-9]*\) sum [0-9]*$/\1/p' "$out")
	sum=$(sed -n 's/^n [0-9]* keys [0-9]* sum \([0-9]*\)$/\1/p' "$out")
	want=$((calls < k ? calls : k))
	[ "$keys" = "$want" ] || die "$c: the map kept ${keys:-no} keys, not $want, after $calls events"
	[ "$sum" = "$calls" ] || die "$c: the map's counts add up to ${sum:-nothing}, not $calls"
	echo "$line"
	echo "keys_checked $k $keys $calls"
}

# Runs "$@" when CASE has a module, else says why not (run reports it).
have() {
	local c=$1
	shift
	if [ -n "$(module_of "$c")" ]; then
		"$@"
	else
		echo "missing $c"
	fi
}

# The script cases, ours and the peers' (bpftrace when it runs here).
script_pass() {
	have script_count run_external script_count start_stapmark
	have script_stat run_external script_stat start_stapmark
	have script_printf script_printf
	have script_kprobe_ftrace run_external script_kprobe_ftrace start_stapmark
	have script_kprobe_int3 script_kprobe_stmt
	have script_sys run_syscall script_sys start_stapmark
	have stap_kprobe run_external stap_kprobe start_staprun
	have stap_trace run_syscall stap_trace start_staprun
	if [ -n "$bpftrace_ok" ]; then
		run_external bpf_kprobe start_bpftrace_kprobe
		run_syscall bpf_tracepoint start_bpftrace_tracepoint
	fi
	for k in 1 1000 100000; do
		have script_keys$k script_keys $k
	done
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
	cmd armed2
	cmd armed4
	cmd armed8

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
	script_pass
}

# bpftrace in the guest: it needs BPF and tracefs, and may not start.
bpftrace_ok=
if command -v bpftrace >/dev/null; then
	if why=$(timeout 300 bpftrace -e 'BEGIN { exit(); }' 2>&1); then
		bpftrace_ok=1
	else
		echo "bpftrace cannot run in the guest: $(echo "$why" | tail -2)" >"$B/bench/kernel-bpftrace.why"
	fi
else
	echo "no bpftrace in the guest's /usr" >"$B/bench/kernel-bpftrace.why"
fi

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
