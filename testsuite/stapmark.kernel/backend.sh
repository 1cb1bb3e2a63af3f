#!/bin/bash
# The kernel backend's pass 5 in the guest (stapmark_guest_group, from
# backend.exp, which built the modules on the host into
# $STAPMARK_BUILD/testsuite/kbackend/NAME.ko): stapmark --run-module as our
# staprun.  Runs as root with STAPMARK_TOPDIR and STAPMARK_BUILD set.
#
# To add a check: a module in backend.exp's kb_modules, then here
#   sm NAME [OPTIONS...]        run it ($T/out, $T/err, $st)
#   expect "what" STATUS TEXT   its status and exact stdout
#   err_has "what" TEXT         a line of its stderr has TEXT
set -u
TOP=${STAPMARK_TOPDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
B=${STAPMARK_BUILD:-$TOP/build}
. "$TOP/guest/group.sh"

KB=$B/testsuite/kbackend
SM=$B/bin/stapmark
T=/tmp/kbackend
mkdir -p $T

log() { echo "$*" >&2; }
section() { log "== $* (at ${SECONDS}s)"; }
# sm NAME [ARGS...]: stapmark --run-module NAME.ko ARGS.
sm() {
	local m=$1
	shift
	st=0
	"$SM" --run-module "$KB/$m.ko" "$@" >$T/out 2>$T/err </dev/null || st=$?
}
# Start one in the background ($bg: its pid); output as sm's.
sm_bg() {
	local m=$1
	shift
	"$SM" --run-module "$KB/$m.ko" "$@" >$T/out 2>$T/err </dev/null &
	bg=$!
}
show() {
	log "status $st; stdout:"
	cat $T/out >&2
	log "stderr:"
	cat $T/err >&2
}
expect() {
	local got
	got=$(cat $T/out)
	if [ "$st" != "$2" ]; then
		fail "$1" "(status $st, expected $2)"
		show
	elif [ "$got" != "$3" ]; then
		fail "$1" "(unexpected output)"
		printf 'expected:\n%s\n' "$3" >&2
		show
	else
		pass "$1"
	fi
}
err_has() {
	if [[ $(<$T/err) == *"$2"* ]]; then
		pass "$1"
	else
		fail "$1" "(stderr lacks: $2)"
		show
	fi
}
# Every exec is slow in a TCG guest (binaries come over 9p): the waits
# use bash builtins.  nap SECS: sleep without an exec.
fifo=$T/nap.fifo
rm -f $fifo && mkfifo $fifo && exec 9<>$fifo
nap() { read -r -t "$1" -u 9 _ || true; }
# wait_started SECS: until the background run printed "started" (0), or
# it ended or SECS passed (1).
wait_started() {
	local i
	for ((i = 0; i < $1 * 20; i++)); do
		[[ $(<$T/out) == *started* ]] && return 0
		kill -0 $bg 2>/dev/null || return 1
		nap 0.05
	done
	return 1
}
loaded() { [[ $'\n'$(</proc/modules) == *$'\n'"$1 "* ]]; }

for m in kb_hello kb_wait kb_target kb_error kb_mark kb_mismatch; do
	if [ ! -f "$KB/$m.ko" ]; then
		fail "modules built" "(missing $KB/$m.ko)"
		exit 0
	fi
done

section "begin and end"
sm kb_hello
expect "begin and end probes: exact output, status 0" 0 $'hello\n42 x\nend'
if [ -e /proc/markers ]; then pass "markers.ko loaded first"; else fail "markers.ko loaded first"; fi
if loaded kb_hello || [ -e /proc/stapmark/kb_hello ]; then
	fail "the module is unloaded after the run"
else
	pass "the module is unloaded after the run"
fi
sm kb_hello -o $T/o.txt
if [ "$st" = 0 ] && [ ! -s $T/out ] && [ "$(cat $T/o.txt)" = $'hello\n42 x\nend' ]; then
	pass "-o FILE takes the output"
else
	fail "-o FILE takes the output"
	show
fi

section "errors"
sm kb_error
expect "an error: end probes run, status 1" 1 "end"
err_has "an error: its message" "ERROR: boom near identifier 'error' at <input>:1:15"
err_has "an error: the closing warning" "WARNING: Number of errors: 1, skipped probes: 0"

section "SIGINT and -T"
sm_bg kb_wait
if wait_started 60; then
	nap 0.5
	kill -INT $bg
	st=0
	wait $bg || st=$?
	expect "SIGINT ends the script with its end probes" 0 $'started\nend\nticked'
else
	kill -KILL $bg 2>/dev/null
	wait $bg
	fail "SIGINT ends the script with its end probes" "(it never started)"
	show
fi
start=$SECONDS
sm kb_wait -T 1
expect "-T 1 ends the script with its end probes (and timers ran)" 0 $'started\nend\nticked'
if [ $((SECONDS - start)) -ge 1 ]; then pass "-T 1 waits a second"; else fail "-T 1 waits a second"; fi

section "targets"
sm kb_target -c 'echo cmd-out'
if [ "$st" = 0 ] && [ "$(sort $T/out | tr '\n' ' ')" = "cmd-out end target 1 " ]; then
	pass "-c CMD: target() in begin, the command's output, the end when it exits"
else
	fail "-c CMD: target() in begin, the command's output, the end when it exits"
	show
fi
sm kb_target -c '/nonexistent/command'
if [ "$st" = 1 ]; then pass "-c of a command that cannot run: status 1"; else
	fail "-c of a command that cannot run: status 1"; show; fi
sleep 1 &
sleeper=$!
sm kb_target -x $sleeper
expect "-x PID: target() in begin, the end when it exits" 0 $'target 1\nend'

section "kernel markers"
sm kb_mark -T 1
expect "kernel.mark(\"sched_switch\") fires" 0 "switches 1"
sm kb_mismatch
expect "a start that fails still runs the end probes" 1 $'begun\nended'
err_has "a start that fails: the error" "stapmark: starting kb_mismatch failed: Operation not permitted"
err_has "a start that fails: markers.ko's line from the kernel log" \
	"  kernel: markers: Format mismatch for probe sched_switch (prev_comm %s), marker ("

section "stale modules"
sm_bg kb_wait
if wait_started 60; then
	kill -KILL $bg
	wait $bg
	if grep -q 'orphaned 1' /proc/stapmark/kb_wait/control; then
		pass "a killed stapmark leaves its module orphaned"
	else
		fail "a killed stapmark leaves its module orphaned"
		cat /proc/stapmark/kb_wait/control >&2
	fi
	sm kb_hello -v
	expect "the next run works" 0 $'hello\n42 x\nend'
	err_has "the next run says it unloads the stale module" \
		"stapmark: unloading stale module kb_wait (orphaned: its stapmark went away)"
	if loaded kb_wait; then fail "the stale module is gone"; else pass "the stale module is gone"; fi
else
	kill -KILL $bg 2>/dev/null
	fail "a killed stapmark leaves its module orphaned" "(it never started)"
	show
fi
sm_bg kb_wait
if wait_started 60; then
	first=$bg
	sm kb_wait -T 1
	expect "a module in use is not loaded twice" 1 ""
	err_has "a module in use: the reason" \
		"stapmark: module kb_wait is loaded already and its session is in use (by stapmark pid $first)"
	kill -KILL $first
	wait $first
	sm kb_wait -T 1 -v
	expect "a stale module of the same name is replaced" 0 $'started\nend\nticked'
	err_has "a stale module of the same name: said with -v" "stapmark: unloading stale module kb_wait"
else
	kill -KILL $bg 2>/dev/null
	fail "a module in use is not loaded twice" "(it never started)"
	show
fi

section "privileges"
st=0
setpriv --reuid=65534 --regid=65534 --clear-groups "$SM" --run-module "$KB/kb_hello.ko" \
	>$T/out 2>$T/err || st=$?
expect "not root: refused" 1 ""
err_has "not root: the reason" "stapmark: the kernel backend loads $KB/kb_hello.ko, which needs root"

section "the end"
left=$(grep '^kb_' /proc/modules | cut -d' ' -f1 | tr '\n' ' ')
if [ -z "$left" ] && [ -z "$(ls /proc/stapmark)" ]; then
	pass "no script module is left loaded"
else
	fail "no script module is left loaded" "($left; /proc/stapmark: $(ls /proc/stapmark))"
fi
