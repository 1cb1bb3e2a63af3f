#!/bin/bash
# Workloads of sdt.exp: each case runs stapmark (and peers) on programs
# not built with stapmark and prints what the .exp file checks.
#   helpers.sh BUILD CASE [ARGS...]
# Synchronisation, never sleeps: a workload says "up" once running and
# waits for a byte on its stdin (a FIFO opened read-write, so opening it
# does not block); a script says "ready" from its begin probe, which runs
# only after every probe is attached; only then is the workload let go.
set -u
build=$1 case=$2
shift 2
stapmark=$build/bin/stapmark
py=/usr/bin/python3.11
bin=$build/testsuite/sdt
work=$(mktemp -d "$build/testsuite/sdt-XXXXXX")
trap 'rm -rf "$work"' EXIT

# wait_for FILE TEXT PID: until FILE holds a line TEXT, written by PID; a
# PID gone first is a failure (its output says why).
wait_for() {
	until grep -qx "$2" "$1" 2>/dev/null; do
		if ! kill -0 "$3" 2>/dev/null; then
			grep -qx "$2" "$1" 2>/dev/null && return 0
			echo "helpers.sh: exited before '$2':"
			cat "$1"
			exit 1
		fi
		sleep 0.02
	done
}

# start_held NAME CMD...: CMD in the background on FIFO NAME, its output in
# $work/NAME.out; returns once it said "up".
start_held() {
	local name=$1
	shift
	mkfifo "$work/$name.fifo"
	"$@" <>"$work/$name.fifo" >"$work/$name.out" 2>&1 &
	eval "pid_$name=$!"
	wait_for "$work/$name.out" up $!
}

release() { printf g >"$work/$1.fifo"; }

# A python script: says up, waits for its byte, then runs BODY.
py_held() {
	cat >"$work/$1.py" <<EOS
import os, sys, gc
print("up", flush=True)
os.read(0, 1)
$2
EOS
}

case $case in
audit-c) # N audit events of the -c command, their name through user_string
	n=$1
	"$stapmark" -c "$py -c 'import sys
for i in range($n): sys.audit(\"myapp.event\", i)'" -e '
global hits
probe process("/usr/bin/python3.11").mark("audit") {
	if (user_string($arg1) == "myapp.event") hits[execname()]++
}
probe end { foreach (e in hits) printf("%s %d\n", e, hits[e]) }'
	;;
crash) # N audit events, then the process aborts: nothing already made is lost
	n=$1
	printf 'import sys, os\nfor i in range(%d): sys.audit("myapp.event", i)\nos.abort()\n' "$n" >"$work/crash.py"
	"$stapmark" -c "$py $work/crash.py" -e '
global hits
probe process("/usr/bin/python3.11").mark("audit") { if (user_string($arg1) == "myapp.event") hits++ }
probe end { printf("hits %d\n", hits) }' 2>&1 | sed 's/^stapmark: .* killed by signal 6$/killed by SIGABRT/'  | sort
	;;
drops) # a ring too small for the hits: those lost are counted, none twice
	n=$1
	# run TAG RING STOP: the held process fires N audit events while
	# stapmark -x reads them; STOP=1 stops stapmark meanwhile, so that the
	# small ring (a dozen records) fills and the rest are lost whatever the
	# scheduling.  Every audit hit is counted; the handler reads a string,
	# so each hit is a ring record (a bare n++ is counted in the kernel).
	run() {
		py_held "$1" "for i in range($n): sys.audit('myapp.event', i)"
		start_held "$1" "$py" "$work/$1.py"
		local p
		eval "p=\$pid_$1"
		STAPMARK_SDT_RING=$2 "$stapmark" -x "$p" -e 'global n
probe begin { printf("ready\n") }
probe process("/usr/bin/python3.11").mark("audit") { if (user_string($arg1) != "") n++ }
probe end { printf("%d\n", n) }' >"$work/$1.stap" 2>&1 &
		local stap=$!
		wait_for "$work/$1.stap" ready $stap
		[ "$3" = 1 ] && kill -STOP $stap
		release "$1"
		wait "$p"
		[ "$3" = 1 ] && kill -CONT $stap
		wait $stap
	}
	run dall $((64 << 20)) 0
	run dsmall 4096 1
	all=$(grep -x '[0-9]*' "$work/dall.stap")
	got=$(grep -x '[0-9]*' "$work/dsmall.stap")
	lost=$(sed -n 's/^WARNING: \([0-9]*\) sys\/sdt.h probe hits dropped (BPF ring full)$/\1/p' "$work/dsmall.stap")
	echo "lost>0 $([ "${lost:-0}" -gt 0 ] && echo yes || echo no)," \
		"handled+lost=all $([ $((got + ${lost:-0})) = "$all" ] && echo yes || echo no)"
	[ "${all:-0}" -ge "$n" ] || cat "$work/dall.stap"
	;;
gc) # gc__start/gc__done around N gc.collect() calls (between two audit events)
	n=$1
	"$stapmark" -c "$py -c 'import sys, gc
gc.disable()
sys.audit(\"test.begin\")
for i in range($n): gc.collect()
sys.audit(\"test.end\")'" -e '
global on, starts, dones, gen
probe process("/usr/bin/python3.11").mark("audit") {
	e = user_string($arg1); if (e == "test.begin") on = 1; else if (e == "test.end") on = 0
}
probe process("/usr/bin/python3.11").mark("gc__start") { if (on) { starts++; gen[$arg1]++ } }
probe process("/usr/bin/python3.11").mark("gc__done") { if (on && $arg1 >= 0) dones++ }
probe end { printf("start %d done %d gen2 %d\n", starts, dones, gen[2]) }'
	;;
parms) # $$parms, $$name, $$provider of gc__start for gc.collect(1)
	"$stapmark" -c "$py -c 'import sys, gc
gc.disable()
sys.audit(\"test.begin\")
gc.collect(1)
sys.audit(\"test.end\")'" -e '
global on
probe process("/usr/bin/python3.11").mark("audit") {
	e = user_string($arg1); if (e == "test.begin") on = 1; else if (e == "test.end") on = 0
}
probe process("/usr/bin/python3.11").provider("python").mark("gc__start") {
	if (on) printf("%s|%s|%s|%s\n", $$parms, $$vars, $$name, $$provider)
}'
	;;
import) # import__find__load__start with the module's name
	"$stapmark" -c "$py -c 'import json, csv'" -e '
probe process("/usr/bin/python3.11").mark("import__find__load__start") {
	m = user_string($arg1); if (m == "json" || m == "csv") printf("%s %s\n", $$name, m)
}'
	;;
function) # function__entry/return: a generator resumed from C (list()) N times
	# returns twice a run (at its yield, at its end); CPython 3.11 fires
	# function__entry only for frames entered from C, so that count is
	# whatever bpftrace sees too.
	n=$1
	cat >"$work/gen.py" <<EOS
def gen():
    yield 1
for i in range($n):
    list(gen())
    list(map(lambda x: x, [1]))
EOS
	"$stapmark" -c "$py $work/gen.py" -e '
global entry, ret, where
probe process("/usr/bin/python3.11").mark("function__entry") {
	f = user_string($arg2); if (f == "gen" || f == "<lambda>") entry[f]++
}
probe process("/usr/bin/python3.11").mark("function__return") {
	f = user_string($arg2)
	if (f == "gen" || f == "<lambda>") {
		ret[f]++; where[f, user_string($arg1), $arg3]++
	}
}
probe end {
	foreach (f in ret) printf("%s entry %d return %d\n", f, entry[f], ret[f])
	foreach ([f, file, line] in where) printf("%s at %s:%d %d\n", f, file, line, where[f, file, line])
}' | sed "s|$work/||"
	if [ -n "${BPFTRACE:-}" ]; then
		"$BPFTRACE" -q -e 'usdt:/usr/bin/python3.11:python:function__entry { @e[str(arg1)] = count(); }
usdt:/usr/bin/python3.11:python:function__return { @r[str(arg1)] = count(); }' \
			-c "$py $work/gen.py" 2>&1 | sed -n 's/^@\([er]\)\[\(gen\|<lambda>\)\]: \([0-9]*\)$/bpftrace \2 \1 \3/p' | sort
	fi
	;;
cxx) # libstdc++'s throw and catch, N of each, through .library()
	n=$1
	"$stapmark" -c "$bin/throw $n" -e '
global t, c
probe process("'"$bin"'/throw").library("libstdc++.so.6").mark("throw") { t++ }
probe process("'"$bin"'/throw").library("libstdc++.so.6").provider("libstdcxx").mark("catch") { c++ }
probe end { printf("throw %d catch %d\n", t, c) }'
	;;
system) # every process of sdt_only: BEFORE running before the attach, AFTER after
	before=$1 after=$2 n=$3
	for i in $(seq "$before"); do start_held b$i "$bin/sdt_only" "$n"; done
	"$stapmark" -e '
global hits
probe begin { printf("ready\n") }
probe process("'"$bin"'/sdt_only").mark("tick") { hits[pid()]++; if ($arg2 != '"$n"') printf("bad arg2 %d\n", $arg2) }
probe end { foreach (p in hits) { np++; sum += hits[p] }; printf("pids %d hits %d\n", np, sum) }' \
		>"$work/stap.out" 2>&1 &
	stap=$!
	wait_for "$work/stap.out" ready $stap
	for i in $(seq "$after"); do start_held a$i "$bin/sdt_only" "$n"; done
	pids=
	for i in $(seq "$before"); do release b$i; pids="$pids $(eval echo \$pid_b$i)"; done
	for i in $(seq "$after"); do release a$i; pids="$pids $(eval echo \$pid_a$i)"; done
	# shellcheck disable=SC2086
	wait $pids
	kill -INT $stap
	wait $stap
	grep -v '^ready$' "$work/stap.out"
	cat "$work"/[ab]*.out | grep -v '^up$' | sort | uniq -c | sed 's/^ *//'
	;;
x) # -x into a running python3 that does not link libmarkers
	n=$1
	py_held p "for i in range($n): sys.audit('myapp.event', i)"
	start_held p "$py" "$work/p.py"
	"$stapmark" -x "$pid_p" -e '
global hits, wrong, exec
probe begin { printf("ready\n") }
probe process("/usr/bin/python3.11").mark("audit") {
	if (pid() != target() || tid() != target()) wrong++
	if (user_string($arg1) == "myapp.event") { hits++; exec[execname()]++ }
}
probe end { printf("hits %d wrong-pid %d\n", hits, wrong); foreach (e in exec) printf("%s %d\n", e, exec[e]) }' >"$work/stap.out" 2>&1 &
	stap=$!
	wait_for "$work/stap.out" ready $stap
	release p
	wait $stap
	grep -v '^ready$' "$work/stap.out"
	;;
bpftrace-audit) # the same count from bpftrace, the peer
	n=$1
	printf 'import sys\nfor i in range(%d): sys.audit("myapp.event", i)\n' "$n" >"$work/a.py"
	"$BPFTRACE" -q -e 'usdt:/usr/bin/python3.11:python:audit /str(arg0) == "myapp.event"/ { @c = count(); }' \
		-c "$py $work/a.py" 2>&1 | sed -n 's/^@c: /bpftrace /p'
	;;
*)
	echo "helpers.sh: unknown case $case" >&2
	exit 2
	;;
esac
