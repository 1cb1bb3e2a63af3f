#!/bin/bash
# The kruntime test group: the kernel host of the handler runtime
# (runtime/stp/kernel) driving script modules through /proc/stapmark, in
# one boot of the guest (testsuite/lib/guest.exp, stapmark_guest_group).
# The modules come from kruntime/build.sh (run by kruntime.exp on the
# host): kruntime_test.ko (kruntime/module.c, hand-written in pass 3's
# shape), kruntime_exitb.ko (exit() in begin), kruntime_gen.ko (the same
# script through stapmark's passes 1-4, when it builds one), kr-fire.ko
# (markers fired on demand) and kreader (a small pass 5).
set -u
TOP=${STAPMARK_TOPDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
B=${STAPMARK_BUILD:-$TOP/build}
. "$TOP/guest/group.sh"

K=$B/testsuite/kruntime
EX=$B/examples/kernel
T=$B/testsuite/kruntime-run
P=/proc/stapmark
FIRE=/proc/kr-fire
TAB=$'\t'
rm -rf "$T"
mkdir -p "$T"

log() { echo "$*" >&2; }
section() { log "== $* (at ${SECONDS}s)"; }
klog() { dmesg | sed 's/^\[[^]]*\] //'; }
fifo=/tmp/kruntime.fifo
rm -f $fifo && mkfifo $fifo && exec 9<>$fifo
nap() { read -r -t "$1" -u 9 _ || true; }
fire() { echo "$*" >$FIRE; }
# status NAME: the session's status line.
status() { local l; read -r l <"$P/$1/control" && echo "$l"; }
# field LINE NAME: a number of a status line.
field() { [[ $1 =~ (^| )$2\ (-?[0-9]+) ]] && echo "${BASH_REMATCH[2]}"; }
# wait_state NAME STATE: until the session is in STATE (10 s at most).
wait_state() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(field "$(status "$1")" state)" = "$2" ] && return 0
		nap 0.05
	done
	return 1
}
# wait_gone PID SECS: until PID has exited.
wait_gone() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		nap 0.05
	done
	return 1
}
# wait_line FILE LINE: until FILE has LINE (10 s at most).
wait_line() {
	local i l
	for ((i = 0; i < 200; i++)); do
		while IFS= read -r l; do [ "$l" = "$2" ] && return 0; done <"$1"
		nap 0.05
	done
	return 1
}
# reader NAME TAG [OPTIONS]: kreader in the background, files $T/TAG.*.
reader() {
	local name=$1 tag=$2
	shift 2
	rm -f "$T/$tag.out.started"
	"$K/kreader" run "$name" "$T/$tag.out" "$T/$tag.err" "$@" >"$T/$tag.res" 2>"$T/$tag.log" &
	rpid=$!
}
# started TAG: until the reader's "start" has returned (the state is
# RUNNING while the probes are still being attached), or it has exited.
started() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -e "$T/$1.out.started" ] && return 0
		kill -0 $rpid 2>/dev/null || return 1
		nap 0.05
	done
	return 1
}
# finish TAG: stop the reader (SIGINT: it says "stop") and wait for it.
finish() {
	kill -INT $rpid
	wait $rpid
	rstatus=$?
	log "$1: $(cat "$T/$1.res" "$T/$1.log")"
}
# count FILE PATTERN: lines of FILE matching the glob PATTERN (small files:
# a builtin loop, no exec).
count() {
	local n=0 l
	while IFS= read -r l; do [[ $l == $2 ]] && n=$((n + 1)); done <"$1"
	echo $n
}
# middle FILE: the marker probes' lines (neither begin, timer nor end's).
middle() {
	sed -n '4,$p' "$1" | grep -v -e '^timer fired' -e '^error probe$' -e '^end ' -e '^evs\[' \
		-e '^where ' -e '^hits>0 ' -e '^profile cpus ' -e '^unread_n='
}
# The begin probe's lines (target() TARGET) and the end probe's.
begin_lines() { printf 'begin 1\nbegin 2 two\ntarget %s' "$1"; }
end_lines() { printf 'end count=%s\nwhere %s\nhits>0 %s sw>0 %s hz>0 %s\nprofile cpus %s\nunread_n=7' "$@"; }
# no_probes MARKER: the marker has no probe registered any more.
no_probes() {
	local l
	l=$(marker_line "$1")
	[ -z "$l" ] || [[ $l == "$1${TAB}"*"${TAB}0${TAB}"* ]]
}

for f in "$B/kernel/markers/markers.ko" "$EX/marker-example.ko" "$K/fire/kr-fire.ko" \
	"$K/kruntime_test/kruntime_test.ko" "$K/kruntime_exitb/kruntime_exitb.ko" \
	"$K/kruntime_noirq/kruntime_noirq.ko" "$K/kreader"; do
	if [ ! -f "$f" ]; then
		fail "modules built" "missing $f"
		exit 0
	fi
done
dmesg -C
ncpus=$(nproc)

section "markers.ko and /proc/stapmark"
check "insmod markers.ko" insmod "$B/kernel/markers/markers.ko"
[ -d $P ] && pass "/proc/stapmark exists" || fail "/proc/stapmark exists"

section "module parameters and the session files"
if insmod "$K/kruntime_test/kruntime_test.ko" stp_regionsize=1000 2>/dev/null; then
	fail "a region too small is refused"
	rmmod kruntime_test
else
	klog | grep -q '^kruntime_test: stp_regionsize 1000 is out of range' &&
		pass "a region too small is refused, with a message" ||
		fail "a region too small is refused, with a message" "($(klog | tail -2))"
fi
check "insmod kruntime_test.ko" insmod "$K/kruntime_test/kruntime_test.ko"
expect_output "control and output are root only" "600
600" \
	stat -c %a "$P/kruntime_test/control" "$P/kruntime_test/output"
expect_output "status before start" "state 0 errors 0 skipped 0 dropped 0 reader 0 orphaned 0" \
	status kruntime_test
expect_output "non-blocking read of an empty output" "read: Resource temporarily unavailable" \
	"$K/kreader" read kruntime_test
check "rmmod a module never started" rmmod kruntime_test
[ ! -e $P/kruntime_test ] && pass "its directory is gone" || fail "its directory is gone"

# session NAME TAG: the main scenario, on the hand-written module or the
# generated one; exact output.  The error messages' "near ..." statement
# differs between the two: the generated module's are checked without it.
session() {
	local name=$1 tag=$2 st out err ko=$K/$1/$1.ko
	[ -f "$ko" ] || ko=$K/$name.ko
	section "$tag: a session"
	check "$tag: insmod" insmod "$ko"
	reader "$name" "$tag" -t $$
	wait_state "$name" 1 && started "$tag" && pass "$tag: started (RUNNING)" || fail "$tag: started (RUNNING)" "($(status "$name"))"
	expect_output "$tag: a second controller is refused" "claim: Device or resource busy" \
		"$K/kreader" claim "$name"
	[ "$(field "$(status "$name")" reader)" = $rpid ] && pass "$tag: status names the reader" ||
		fail "$tag: status names the reader" "($(status "$name"))"
	[[ $(marker_line kr_str) == "kr_str${TAB}-${TAB}pending${TAB}1${TAB}"* ]] &&
		pass "$tag: probes on markers not loaded yet are pending" ||
		fail "$tag: probes on markers not loaded yet are pending" "($(marker_line kr_str))"
	insmod "$EX/marker-example.ko"
	: </proc/marker-example
	insmod "$K/fire/kr-fire.ko"
	fire str
	fire div 0
	fire div 5
	fire loop
	fire user hello
	fire ctx 1000
	fire foreach
	nap 0.1
	# rmmod of an instrumented module while probes are attached, and back
	check "$tag: rmmod marker_example with probes attached" rmmod marker_example
	[[ $(marker_line subsystem_event) == "subsystem_event${TAB}-${TAB}pending${TAB}1${TAB}"* ]] &&
		pass "$tag: its marker is pending again" ||
		fail "$tag: its marker is pending again" "($(marker_line subsystem_event))"
	insmod "$EX/marker-example.ko"
	: </proc/marker-example
	finish "$tag"
	[ $rstatus = 0 ] && pass "$tag: reader: whole records, in order per CPU, end of file" ||
		fail "$tag: reader: whole records, in order per CPU, end of file" "(status $rstatus)"
	st=$(tail -1 "$T/$tag.res")
	# Timer hits that came while a marker probe ran on their CPU were
	# dropped, not counted: nothing is skipped.
	[ "$st" = "state 4 errors 8 skipped 0 dropped 0 reader $rpid orphaned 0" ] &&
		pass "$tag: status after stop" || fail "$tag: status after stop" "($st)"
	out=$T/$tag.out
	expect_output "$tag: begin output" "$(begin_lines $$)" head -3 "$out"
	expect_output "$tag: the timer fired" 1 count "$out" "timer fired 3 times"
	expect_output "$tag: marker probes' output, in order" "event 123 example string
regex matched
str 0 good string
bad 1
bad 2
bad 3
bad 4
bad 5
str 9 after
div 20 by bash pid $$ tid $$ ppid $PPID uid 0 cpu_ok 1
user hello
foreach example string example string 1
event 123 example string
regex matched" middle "$out"
	expect_output "$tag: error, end probes and never-read globals" "error probe
end count=2
evs[example string] count=2 sum=246
$(end_lines 2 "1000 1000 1000" 1 1 1 "$ncpus" | tail -4)" tail -7 "$out"
	err="ERROR: kernel string copy fault at 0x0 [man error::fault]
ERROR: kernel string copy fault at 0x1 [man error::fault]
ERROR: kernel string copy fault at 0x10000 [man error::fault]
ERROR: kernel string copy fault at 0xffffec0000000000 [man error::fault]
ERROR: kernel string copy fault at 0xdead000000000000 [man error::fault]
ERROR: division by 0
ERROR: MAXACTION exceeded
ERROR: user string copy fault -14 at 0x10 [man error::fault]"
	expect_output "$tag: bad pointers, division by 0 and MAXACTION are errors of their hits" \
		"$err" sed 's/ near .*//' "$T/$tag.err"
	if [ "$name" = kruntime_test ]; then
		expect_output "$tag: errors name their statement" "8" count "$T/$tag.err" "* near *"
		expect_output "$tag: a bad %s is the error of the expression reading it" "5" \
			count "$T/$tag.err" "*near identifier '\$s' at kruntime.stp:12:*"
	fi
	no_probes kr_str && no_probes subsystem_event && pass "$tag: no probe left on the markers" ||
		fail "$tag: no probe left on the markers" "($(marker_line kr_str) $(marker_line subsystem_event))"
	check "$tag: rmmod" rmmod "$name"
	rmmod kr_fire marker_example
}

session kruntime_test hand

section "exit() in a handler"
insmod "$K/kruntime_test/kruntime_test.ko"
insmod "$K/fire/kr-fire.ko"
reader kruntime_test exit
wait_state kruntime_test 1 && started exit
wait_line "$T/exit.out" "timer fired 3 times" # a timer and a context switch seen
fire exit
if wait_gone $rpid 20; then
	pass "exit(): the session stops by itself"
else
	fail "exit(): the session stops by itself" "($(status kruntime_test))"
fi
finish exit 2>/dev/null
expect_output "exit(): output" "$(begin_lines 0)
exit 1
end count=0
where 0 0 0
unread_n=7" grep -v -e '^timer fired' -e '^hits>0 ' -e '^profile cpus ' "$T/exit.out"
rmmod kruntime_test

section "exit() in begin: nothing attached"
insmod "$K/kruntime_exitb/kruntime_exitb.ko"
reader kruntime_exitb exitb
wait_gone $rpid 20 && pass "exit() in begin: the session stops by itself" ||
	fail "exit() in begin: the session stops by itself" "($(status kruntime_exitb))"
finish exitb 2>/dev/null
expect_output "exit() in begin: no marker probe or timer ran, end probes did" \
	"$(begin_lines 0)
$(end_lines 0 "0 0 0" 0 0 0 0)" cat "$T/exitb.out"
rmmod kruntime_exitb

section "orphan: the controller is killed"
insmod "$K/kruntime_test/kruntime_test.ko"
reader kruntime_test orphan -p # its records stay in the buffers
wait_state kruntime_test 1 && started orphan
fire div 5
kill -KILL $rpid
wait $rpid 2>/dev/null
st=$(status kruntime_test)
[[ $st == "state 4 errors 0 skipped "*" dropped 0 reader 0 orphaned 1" ]] &&
	pass "orphan: stopped, no reader, orphaned" || fail "orphan: stopped, no reader, orphaned" "($st)"
klog | grep -q '^kruntime_test: its controller went away: probes detached, module orphaned' &&
	pass "orphan: said in the kernel log" || fail "orphan: said in the kernel log"
no_probes kr_div && pass "orphan: its probes are detached" ||
	fail "orphan: its probes are detached" "($(marker_line kr_div))"
timeout 10 cat $P/kruntime_test/output >"$T/orphan.rest"
status=$?
[ $status = 0 ] && grep -aq 'div 20' "$T/orphan.rest" && ! grep -aq 'end count=' "$T/orphan.rest" &&
	pass "orphan: output drained to end of file, no end probe ran" ||
	fail "orphan: output drained to end of file, no end probe ran" "(status $status)"
expect_output "orphan: can be claimed again" "claim: ok" "$K/kreader" claim kruntime_test
expect_output "orphan: cannot start again" "cmd: Device or resource busy" \
	"$K/kreader" cmd kruntime_test start
check "orphan: rmmod" rmmod kruntime_test

section "full buffers: records dropped and counted"
insmod "$K/kruntime_test/kruntime_test.ko" stp_bufsize=65536
reader kruntime_test drop -p
wait_state kruntime_test 1 && started drop
fire flood 3000
st=$(status kruntime_test)
dropped=$(field "$st" dropped)
[ "${dropped:-0}" -gt 0 ] && pass "drops: counted in the status line" ||
	fail "drops: counted in the status line" "($st)"
expect_output "drops: a read buffer smaller than a record is refused" "read: Invalid argument" \
	"$K/kreader" read kruntime_test 8
kill -USR1 $rpid
finish drop
flood=$(grep -c '^flood ' "$T/drop.out")
timer=$(count "$T/drop.out" "timer fired 3 times")
st=$(tail -1 "$T/drop.res")
[ $((flood + timer + $(field "$st" dropped))) = 3001 ] && [ "$(field "$st" dropped)" = "$dropped" ] &&
	pass "drops: delivered + dropped = written ($flood + $timer + $dropped)" ||
	fail "drops: delivered + dropped = written" "($flood + $timer + $dropped; $st)"
rmmod kruntime_test

section "many lines, default buffers"
insmod "$K/kruntime_test/kruntime_test.ko"
reader kruntime_test many
wait_state kruntime_test 1 && started many
fire rate 7 1000 200
finish many
st=$(tail -1 "$T/many.res")
expect_output "200000 lines printed in 200 hits: all delivered" 200000 grep -c '^rate 7 ' "$T/many.out"
[ "$(field "$st" dropped)" = 0 ] && pass "200000 lines: none dropped" || fail "200000 lines: none dropped" "($st)"
log "$(head -1 "$T/many.res")"
rmmod kruntime_test

section "rmmod while a session runs"
insmod "$K/kruntime_test/kruntime_test.ko"
reader kruntime_test rmmod
wait_state kruntime_test 1 && started rmmod
check "rmmod with a session running" rmmod kruntime_test
wait_gone $rpid 20 && pass "rmmod: the reader returns" || { fail "rmmod: the reader returns"; kill -KILL $rpid; }
wait $rpid 2>/dev/null
[ ! -e $P/kruntime_test ] && pass "rmmod: its directory is gone" || fail "rmmod: its directory is gone"
no_probes kr_div && pass "rmmod: no probe left" || fail "rmmod: no probe left" "($(marker_line kr_div))"
! grep -q '^end count' "$T/rmmod.out" && pass "rmmod: no end probe ran" || fail "rmmod: no end probe ran"

section "interrupts off in handlers (-DINTERRUPTIBLE=0)"
insmod "$K/kruntime_noirq/kruntime_noirq.ko"
reader kruntime_noirq noirq
wait_state kruntime_noirq 1 && started noirq
for i in 1 2 3; do fire loop; done # long handlers in a task, timers every 1 ms
fire ctx 1000
nap 0.2
finish noirq
st=$(tail -1 "$T/noirq.res")
[[ $st == "state 4 errors 3 skipped 0 dropped 0 "* ]] &&
	pass "INTERRUPTIBLE=0: no hit skipped while interrupts come" ||
	fail "INTERRUPTIBLE=0: no hit skipped while interrupts come" "($st)"
expect_output "INTERRUPTIBLE=0: hits in every context" "where 1000 1000 1000" grep '^where ' "$T/noirq.out"
rmmod kruntime_noirq

if [ -f "$K/kruntime_gen.ko" ]; then
	rmmod kr_fire
	session kruntime_gen generated
else
	untested "generated: a session" "stapmark did not build kruntime.stp ($(cat "$K/kruntime_gen.why" 2>/dev/null))"
fi

rmmod kr_fire 2>/dev/null
check "rmmod markers" rmmod markers
rm -f $fifo
bad=$(klog | grep -E 'BUG|Oops|WARNING|Call Trace' | head -3)
[ -z "$bad" ] && pass "kernel log clean (dmesg)" || fail "kernel log clean (dmesg)" "($bad)"
