#!/bin/bash
# bench/kernel/rate-guest.sh BUILD_DIR MODULE EVENTS ROUNDS: the output-rate
# case in one guest boot (bench/kernel/rate runs it with 1, 2 and 4 vCPUs).
# Each round starts the printf script (MODULE, printf.stp built for the
# guest) with -o FILE, has bench-kmod.ko ("writers N") call marker_example_event()
# EVENTS times on every online CPU at once, and stops the script: every
# event must be a line of the file or a drop stapmark reported.  Prints
#   rate CPUS CALLS WALL_NS LINES DROPS
# per round; any failure ends it with status 1.
set -u
B=$1 ko=$2 events=$3 rounds=$4
ctl=/proc/stapmark-bench

die() {
	echo "bench/kernel/rate: $*" >&2
	exit 1
}

insmod "$B/kernel/markers/markers.ko" || die "cannot load markers.ko"
insmod "$B/examples/kernel/marker-example.ko" || die "cannot load marker-example.ko"
insmod "$B/bench/kernel/bench-kmod.ko" || die "cannot load bench-kmod.ko"
for r in $(seq "$rounds"); do
	out=$B/bench/kernel/rate-$(nproc)-$r.out
	rm -f "$out" "$out.err"
	"$B/bin/stapmark" --run-module "$ko" -o "$out" 2>"$out.err" </dev/null &
	pid=$!
	for _ in $(seq 1800); do
		grep -q '^ready' "$out" 2>/dev/null && break
		kill -0 $pid 2>/dev/null || die "stapmark exited before it was ready: $(tail -3 "$out.err")"
		sleep 0.1
	done
	grep -q '^ready' "$out" || die "the script not ready after 180 s"
	echo "writers $events" >"$ctl" || die "'writers $events' failed"
	line=$(cat "$ctl")
	kill -INT $pid
	wait $pid || die "stapmark failed: $(tail -3 "$out.err")"
	set -- $line # writers CPUS CALLS WALL_NS
	[ "${1:-}" = writers ] || die "bad result from $ctl: $line"
	lines=$(grep -c '^[0-9-]* bench string$' "$out")
	drops=$(sed -n 's/^WARNING: \([0-9]*\) events dropped$/\1/p' "$out.err")
	[ $((lines + ${drops:-0})) = "$3" ] ||
		die "$2 CPUs: $lines lines + ${drops:-0} drops of $3 events"
	echo "rate $2 $3 $4 $lines ${drops:-0}"
	rm -f "$out"
done
rmmod bench_kmod marker_example markers || die "rmmod failed"
