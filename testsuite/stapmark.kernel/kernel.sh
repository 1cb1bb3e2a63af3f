#!/bin/bash
# The kernel test group: runs inside the guest (testsuite/lib/guest.exp,
# stapmark_guest_group), as root, with STAPMARK_TOPDIR and STAPMARK_BUILD
# set.  One boot covers: the example flow, /proc/markers, pending
# registration, format mismatches, probes attached and detached under fire,
# rmmod under fire, and every tracepoint bridge.
set -u
TOP=${STAPMARK_TOPDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
B=${STAPMARK_BUILD:-$TOP/build}
. "$TOP/guest/group.sh"

SRC=$TOP/testsuite/stapmark.kernel
KO=$B/kernel/markers/markers.ko
EX=$B/examples/kernel
KT=$B/testsuite/kernel
CTL=/proc/test-probe
TAB=$'\t'

# Every exec is slow in a TCG guest (binaries come over 9p): the helpers
# below use bash builtins only.
log() { echo "$*" >&2; }
section() { log "== $* (at ${SECONDS}s)"; }
klog() { dmesg | sed 's/^\[[^]]*\] //'; }
# nap SECS: sleep without an exec (read times out on a fifo nobody writes).
fifo=/tmp/stapmark-kernel.fifo
rm -f $fifo && mkfifo $fifo && exec 9<>$fifo
nap() { read -r -t "$1" -u 9 _ || true; }
# ctl CMD...: one command to test-probe; fails as the API call did.
ctl() { echo "$*" >$CTL; }
# slot N: the test-probe line of slot N:
#   N NAME hits=H matched=M last=FIELD=VALUE,FIELD=VALUE...
slot() {
	local l
	while IFS= read -r l; do
		[[ $l == "$1 "* ]] && { echo "$l"; return; }
	done <$CTL
}
# Parsed from a slot line: matched count, and a field of the last event.
line_matched() { [[ $1 =~ \ matched=([0-9]+)\  ]] && echo "${BASH_REMATCH[1]}"; }
line_field() {
	local kv last=${1#*last=}
	local IFS=,
	for kv in $last; do
		[[ $kv == "$2="* ]] && { echo "${kv#*=}"; return; }
	done
}
matched() { line_matched "$(slot "$1")"; }
field() { line_field "$(slot "$1")" "$2"; }
is_num() { [[ $1 =~ ^-?[0-9]+$ ]]; }

for f in "$KO" "$EX/marker-example.ko" "$EX/probe-example.ko" "$EX/kprobe-example.ko" \
	"$KT/marker-stress.ko" "$KT/probe-stress.ko" "$KT/test-probe.ko"; do
	if [ ! -f "$f" ]; then
		fail "modules built" "missing $f"
		exit 0
	fi
done
dmesg -C

# ---- markers.ko and /proc/markers ----
section "markers.ko and /proc/markers"
check "insmod markers.ko" insmod "$KO"
[ -r /proc/markers ] || { fail "/proc/markers exists"; exit 0; }
bridges="sched_switch sched_wakeup sched_process_fork sched_process_exec sched_process_exit
	sys_enter sys_exit irq_handler_entry irq_handler_exit softirq_entry kmalloc kfree
	block_rq_issue block_rq_complete net_dev_xmit net_dev_queue netif_receive_skb signal_generate"
missing=
for b in $bridges; do
	[[ $(marker_line "$b") == "$b${TAB}markers${TAB}off${TAB}0${TAB}"?* ]] || missing="$missing $b"
done
if [ -z "$missing" ]; then pass "/proc/markers lists every bridge, dormant"; else
	fail "/proc/markers lists every bridge, dormant" "missing or wrong:$missing"; cat /proc/markers >&2; fi
expect_output "/proc/markers: sched_switch line" \
	"sched_switch${TAB}markers${TAB}off${TAB}0${TAB}prev_comm %s prev_pid %d prev_prio %d prev_state %u next_comm %s next_pid %d next_prio %d preempt %d prev_tgid %d next_tgid %d next_state %u" \
	marker_line sched_switch
expect_output "/proc/markers: sys_enter format" \
	"sys_enter${TAB}markers${TAB}off${TAB}0${TAB}id %ld a1 %lx a2 %lx a3 %lx a4 %lx a5 %lx a6 %lx" \
	marker_line sys_enter

# ---- the example flow (both load orders), with its expected kernel log ----
section "the example flow (both load orders), with its expected kernel log"
{
	insmod "$EX/probe-example.ko" && insmod "$EX/marker-example.ko" &&
		cat /proc/marker-example && rmmod probe_example &&
		insmod "$EX/probe-example.ko" && cat /proc/marker-example &&
		rmmod marker_example && insmod "$EX/marker-example.ko" &&
		insmod "$EX/kprobe-example.ko" && cat /proc/marker-example &&
		rmmod kprobe_example && rmmod probe_example && rmmod marker_example
} >"$B/testsuite/kernel-example.out" 2>&1
status=$?
klog | grep '^probe-example:' >"$B/testsuite/kernel-example.log"
if [ $status != 0 ]; then
	fail "example flow runs" "(status $status)"; cat "$B/testsuite/kernel-example.out" >&2
else
	pass "example flow runs"
fi
if diff -u "$SRC/example.expected" "$B/testsuite/kernel-example.log" >&2; then
	pass "example flow: expected probe-example output"
else
	fail "example flow: expected probe-example output"
fi
expect_output "example flow: /proc/marker-example" \
	"marker-example: fired subsystem_event once and subsystem_eventb 10 times" \
	sort -u "$B/testsuite/kernel-example.out"
klog | grep -q '^kprobe-example: marker_example_event: integer 123 string example string$' &&
	pass "kprobe-example: kprobe on the marker's path" ||
	fail "kprobe-example: kprobe on the marker's path"
left=$(while read -r m _; do [[ $m == *_example ]] && echo "$m"; done </proc/modules)
[ -z "$left" ] && pass "example modules unloaded" || fail "example modules unloaded" "($left)"

# ---- pending registration, then module load ----
section "pending registration, then module load"
check "insmod test-probe.ko" insmod "$KT/test-probe.ko"
ctl register 0 subsystem_event integer %d string %s && ctl arm subsystem_event
expect_output "pending: /proc/markers before load" \
	"subsystem_event${TAB}-${TAB}pending${TAB}1${TAB}integer %d string %s" marker_line subsystem_event
insmod "$EX/marker-example.ko"
expect_output "pending: /proc/markers after load" \
	"subsystem_event${TAB}marker_example${TAB}on${TAB}1${TAB}integer %d string %s" marker_line subsystem_event
expect_output "pending: /proc/markers, other marker of the module" \
	"subsystem_eventb${TAB}marker_example${TAB}off${TAB}0${TAB} " marker_line subsystem_eventb
: </proc/marker-example # opening it fires the markers
expect_output "pending: probe called after load" "1" matched 0
expect_output "pending: probe got integer" "123" field 0 integer
expect_output "pending: probe got string" "example string" field 0 string

# ---- format mismatch ----
section "format mismatch"
dmesg -C
if ctl register 1 subsystem_event integer %s 2>/dev/null; then
	fail "mismatch: registration refused"
else
	pass "mismatch: registration refused"
fi
klog | grep -qF 'markers: Format mismatch for probe subsystem_event (integer %s), marker (integer %d string %s)' &&
	pass "mismatch: message in the kernel log" ||
	{ fail "mismatch: message in the kernel log"; klog >&2; }
# A pending probe with another format: the site loads but stays off.
rmmod marker_example
ctl register 2 subsystem_eventb "x %d" && ctl arm subsystem_eventb
dmesg -C
insmod "$EX/marker-example.ko"
klog | grep -qF 'markers: Format mismatch for probe subsystem_eventb (x %d), marker ( ) in marker_example' &&
	pass "mismatch at module load: message in the kernel log" ||
	{ fail "mismatch at module load: message in the kernel log"; klog >&2; }
expect_output "mismatch at module load: /proc/markers" \
	"subsystem_eventb${TAB}marker_example${TAB}mismatch${TAB}1${TAB} " marker_line subsystem_eventb
: </proc/marker-example # opening it fires the markers
expect_output "mismatch at module load: probe not called" "0" matched 2
expect_output "mismatch at module load: the good marker still works" "2" matched 0
ctl disarm subsystem_eventb; ctl unregister 2
ctl disarm subsystem_event; ctl unregister 0; ctl sync
rmmod marker_example
expect_output "unregistered names leave /proc/markers" "" marker_line subsystem_event

# ---- many probes attached and detached while a kthread fires ----
section "many probes attached and detached while a kthread fires"
check "insmod marker-stress.ko" insmod "$KT/marker-stress.ko"
dmesg -C
# marker-stress fires from the last CPU; attach and detach from the first.
pin=
command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ] && pin="taskset -c 0"
$pin insmod "$KT/probe-stress.ko" rounds=40
res=$(klog | grep '^probe-stress: \(PASS\|FAIL\)')
log "$res"
case $res in
"probe-stress: PASS"*) pass "attach/detach under fire" ;; # details in the log (stderr)
*) fail "attach/detach under fire" "${res:-no result}" ;;
esac
# probe-stress left two probes; add a third from test-probe.
ctl register 3 stress_event - && ctl arm stress_event
nap 0.3
n1=$(matched 3)
is_num "$n1" && [ "$n1" -gt 0 ] && pass "third probe receives events" ||
	fail "third probe receives events" "(matched $n1)"
line=$(marker_line stress_event)
[[ $line == "stress_event${TAB}marker_stress${TAB}on${TAB}3${TAB}seq %lu cpu %d" ]] &&
	pass "/proc/markers: three probes on stress_event" ||
	fail "/proc/markers: three probes on stress_event" "($line)"

# ---- rmmod of the instrumented module under fire, then reload ----
section "rmmod of the instrumented module under fire, then reload"
check "rmmod marker-stress with probes attached" rmmod marker_stress
expect_output "its marker is pending again" \
	"stress_event${TAB}-${TAB}pending${TAB}3${TAB}seq %lu cpu %d" marker_line stress_event
n1=$(matched 3)
check "reinsmod marker-stress" insmod "$KT/marker-stress.ko"
nap 0.3
n2=$(matched 3)
is_num "$n2" && [ "$n2" -gt "$n1" ] && pass "probes attached again on reload" ||
	fail "probes attached again on reload" "($n1 -> $n2)"

# ---- rmmod of probe modules while the markers fire ----
section "rmmod of probe modules while the markers fire"
check "rmmod probe-stress under fire" rmmod probe_stress
klog | grep -q '^probe-stress: removed' && pass "probe-stress exit ran" || fail "probe-stress exit ran"
check "rmmod test-probe under fire" rmmod test_probe
expect_output "stress_event dormant after its probe modules left" \
	"stress_event${TAB}marker_stress${TAB}off${TAB}0${TAB}seq %lu cpu %d" marker_line stress_event

section "module loads and unloads racing with registration"
rmmod marker_stress
insmod "$KT/test-probe.ko"
(
	for ((i = 0; i < 6; i++)); do
		insmod "$KT/marker-stress.ko" && nap 0.05 && rmmod marker_stress
	done
) &
churn=$!
ok=0
for ((i = 0; i < 30; i++)); do
	ctl register 5 stress_event "seq %lu cpu %d" && ctl arm stress_event &&
		ctl disarm stress_event && ctl unregister 5 && ok=$((ok + 1))
done
wait $churn
churn_status=$?
[ $ok = 30 ] && [ $churn_status = 0 ] && pass "register/arm/disarm/unregister while the module comes and goes" ||
	fail "register/arm/disarm/unregister while the module comes and goes" "($ok of 30, loader loop status $churn_status)"
ctl sync
expect_output "nothing left of stress_event" "" marker_line stress_event
rmmod test_probe
insmod "$KT/marker-stress.ko"

section "a probe module that leaves its probes registered"
check "insmod test-probe.ko leak=1" insmod "$KT/test-probe.ko" leak=1
ctl register 0 stress_event - && ctl arm stress_event
nap 0.2
dmesg -C
check "rmmod of a probe module that left its probe, under fire" rmmod test_probe
# The kernel log can lag behind rmmod on a loaded machine: look a few times.
for _ in 1 2 3 4 5 6 7 8 9 10; do
	klog | grep -qF 'markers: module test_probe left a probe on stress_event registered: removed' &&
		break
	nap 0.2
done
klog | grep -qF 'markers: module test_probe left a probe on stress_event registered: removed' &&
	pass "markers.ko removed the left probe" || { fail "markers.ko removed the left probe"; klog >&2; }
nap 0.2
line=$(marker_line stress_event)
[[ $line == "stress_event${TAB}marker_stress${TAB}"*"${TAB}0${TAB}seq %lu cpu %d" ]] &&
	pass "no probe left on stress_event" || fail "no probe left on stress_event" "($line)"
check "rmmod marker-stress" rmmod marker_stress

# ---- tracepoint bridges ----
section "tracepoint bridges"
check "insmod test-probe.ko again" insmod "$KT/test-probe.ko"

# bridge NAME SLOT [FIELD VALUE]: attach a probe (the marker's own format)
# with an optional filter, and arm; unbridge NAME SLOT undoes it.
bridge() {
	ctl register "$2" "$1" - && { [ $# -lt 4 ] || ctl filter "$2" "$3" "$4"; } && ctl arm "$1"
}
unbridge() {
	ctl disarm "$1"
	ctl unregister "$2"
}
# expect_fields TEST SLOT FIELD=REGEX...: the slot matched events and its
# last event's fields match.
expect_fields() {
	local name=$1 line n bad= kv f re v
	line=$(slot "$2")
	shift 2
	n=$(line_matched "$line")
	if ! is_num "$n" || [ "$n" -eq 0 ]; then
		fail "$name" "(no event: $line)"
		return
	fi
	for kv in "$@"; do
		f=${kv%%=*} re=${kv#*=}
		v=$(line_field "$line" "$f")
		[[ $v =~ ^($re)$ ]] || bad="$bad $f=$v"
	done
	if [ -z "$bad" ]; then pass "$name"; else fail "$name" "(bad:$bad; $line)"; fi
}

# A probe registered but not armed leaves the bridge detached.
ctl register 0 sys_enter - && ctl filter 0 id 39
kill -0 $$
expect_output "bridge dormant until armed" "0" matched 0
ctl unregister 0

# Syscalls: kill(2) is 62 on x86-64, getpid 39.
section "Syscalls: kill(2)"
bridge sys_enter 0 id 62 && bridge sys_exit 1 id 62
kill -0 $$
unbridge sys_enter 0; unbridge sys_exit 1; ctl sync
pid_hex=$(printf %x $$)
expect_fields "bridge sys_enter: kill(\$\$, 0)" 0 id=62 "a1=$pid_hex" a2=0
expect_fields "bridge sys_exit: kill returns 0" 1 id=62 ret=0
ctl unregister 0 2>/dev/null; ctl unregister 1 2>/dev/null

# fork, exec, exit of /usr/bin/true from this shell.
section "fork, exec, exit of"
bridge sched_process_fork 2 parent_pid $$ && bridge sched_process_exec 3 filename /usr/bin/true &&
	bridge sched_process_exit 4 comm true
/usr/bin/true
nap 0.1
expect_fields "bridge sched_process_fork" 2 "parent_pid=$$" "child_pid=[1-9][0-9]*" "parent_comm=.+"
expect_fields "bridge sched_process_exec" 3 "filename=/usr/bin/true" "pid=[1-9][0-9]*" "old_pid=[1-9][0-9]*"
expect_fields "bridge sched_process_exit" 4 "comm=true" "pid=[1-9][0-9]*" "prio=[0-9]+"
unbridge sched_process_fork 2; unbridge sched_process_exec 3; unbridge sched_process_exit 4

# The scheduler, interrupts, softirqs and the allocator: anything will do.
section "The scheduler, interrupts"
bridge sched_switch 5 && bridge sched_wakeup 6 && bridge irq_handler_entry 7 &&
	bridge irq_handler_exit 8 && bridge softirq_entry 9 && bridge kmalloc 10 && bridge kfree 11
nap 0.2
while read -r _; do :; done <"$0"
unbridge sched_switch 5; unbridge sched_wakeup 6; unbridge irq_handler_entry 7
unbridge irq_handler_exit 8; unbridge softirq_entry 9; unbridge kmalloc 10; unbridge kfree 11
expect_fields "bridge sched_switch" 5 "prev_comm=.+" "prev_pid=[0-9]+" "next_comm=.+" "next_pid=[0-9]+" \
	"prev_prio=[0-9]+" "next_prio=[0-9]+" "preempt=[01]"
expect_fields "bridge sched_wakeup" 6 "comm=.+" "pid=[0-9]+" "target_cpu=[0-9]+"
expect_fields "bridge irq_handler_entry" 7 "irq=[0-9]+" "handler=.+"
expect_fields "bridge irq_handler_exit" 8 "irq=[0-9]+" "handler=.+" "ret=[0-9]+"
expect_fields "bridge softirq_entry" 9 "vec=[0-9]" "action=(HI|TIMER|NET_TX|NET_RX|BLOCK|IRQ_POLL|TASKLET|SCHED|HRTIMER|RCU)"
expect_fields "bridge kmalloc" 10 "call_site=[0-9a-f]+" "ptr=[0-9a-f]+" "bytes_req=[0-9]+" \
	"bytes_alloc=[0-9]+" "node=-?[0-9]+"
expect_fields "bridge kfree" 11 "call_site=[0-9a-f]+" "ptr=[0-9a-f]+"

# Signals: SIGUSR1 (10) to a sleep.
section "Signals: SIGUSR1"
sleep 10 &
victim=$!
for ((i = 0; i < 50; i++)); do # until the child has exec'd sleep
	read -r comm </proc/$victim/comm && [ "$comm" = sleep ] && break
	nap 0.05
done
bridge signal_generate 12 pid $victim
kill -USR1 $victim
wait $victim 2>/dev/null
unbridge signal_generate 12
expect_fields "bridge signal_generate" 12 sig=10 "pid=$victim" comm=sleep errno=0 code=0 result=0

# Network: a UDP datagram on loopback.
section "Network: a UDP"
ip link set lo up 2>/dev/null
bridge net_dev_xmit 13 dev lo && bridge netif_receive_skb 14 dev lo
echo stapmark >/dev/udp/127.0.0.1/9 2>/dev/null
nap 0.1
unbridge net_dev_xmit 13; unbridge netif_receive_skb 14
expect_fields "bridge net_dev_xmit" 13 dev=lo "len=[1-9][0-9]*" rc=0 "skbaddr=[0-9a-f]+"
expect_fields "bridge netif_receive_skb" 14 dev=lo "len=[1-9][0-9]*" "protocol=2048"

# Block: a loop device over a file (the guest has no disk of its own).
section "Block: a loop device"
img=/tmp/stapmark-block.img
loopdev=
if modprobe loop 2>/dev/null && dd if=/dev/zero of=$img bs=64k count=16 2>/dev/null; then
	loopdev=$(losetup -f --show $img 2>/dev/null)
fi
if [ -n "$loopdev" ]; then
	disk=${loopdev#/dev/}
	bridge block_rq_issue 15 disk "$disk" && bridge block_rq_complete 16 disk "$disk"
	section block write
	dd if=/dev/urandom of="$loopdev" bs=4k count=4 seek=8 oflag=direct 2>/dev/null
	sync
	unbridge block_rq_issue 15; unbridge block_rq_complete 16
	expect_fields "bridge block_rq_issue" 15 "disk=$disk" "sector=[0-9]+" "nr_sector=[1-9][0-9]*" \
		"bytes=[1-9][0-9]*" "rwbs=W.*"
	expect_fields "bridge block_rq_complete" 16 "disk=$disk" "sector=[0-9]+" "nr_bytes=[1-9][0-9]*" \
		error=0 "rwbs=W.*"
	losetup -d "$loopdev"
else
	untested "bridge block_rq_issue" "no block device: no loop device could be set up in the guest"
	untested "bridge block_rq_complete" "no block device: no loop device could be set up in the guest"
fi
rm -f $img $fifo
ctl sync

# Every bridge is detached again, and markers.ko leaves cleanly.
section "Every bridge is detached"
on=
for b in $bridges; do
	l=$(marker_line "$b")
	[[ $l == *"${TAB}off${TAB}0${TAB}"* ]] || on="$on $l"
done
[ -z "$on" ] && pass "every bridge dormant again" || fail "every bridge dormant again" "($on)"
check "rmmod test-probe" rmmod test_probe
check "rmmod markers" rmmod markers
bad=$(klog | grep -E 'BUG|Oops|WARNING|Call Trace' | head -3)
[ -z "$bad" ] && pass "kernel log clean (dmesg)" || fail "kernel log clean (dmesg)" "($bad)"
