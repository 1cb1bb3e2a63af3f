#!/bin/bash
# Output rate of a script module in the guest (a measurement, not a test):
#   guest/run -B BUILD -t 600 -- testsuite/stapmark.kernel/kruntime/rate.sh [BUFSIZES]
# after build.sh BUILD.  kr_rate's probe prints N lines per hit ("rate %d %d\n",
# two conversions; k=-2: printf of a constant line; k=-1: the line written
# without printf, the host's own floor), kreader copies them to a file in
# /tmp.  Per buffer size (stp_bufsize) and shape: lines/s while the hits
# fire, lines delivered, records dropped.
set -u
TOP=${STAPMARK_TOPDIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
B=${STAPMARK_BUILD:-$TOP/build}
K=$B/testsuite/kruntime
now() { local t; read -r t _ </proc/uptime; echo "$t"; }
insmod "$B/kernel/markers/markers.ko" 2>/dev/null
insmod "$K/fire/kr-fire.ko" || exit 1
for bs in ${1:-262144 1048576 4194304}; do
	for k in 7 -2 -1; do
		for rep in 1 2 3; do
			insmod "$K/kruntime_test/kruntime_test.ko" stp_bufsize=$bs || exit 1
			"$K/kreader" run kruntime_test /tmp/rate.out /tmp/rate.err >/tmp/rate.res &
			rp=$!
			sleep 0.3
			t0=$(now)
			echo "rate $k 1000 1000" >/proc/kr-fire
			t1=$(now)
			kill -INT $rp
			wait $rp
			lines=$(grep -c '^rate' /tmp/rate.out)
			st=$(tail -1 /tmp/rate.res)
			dropped=${st#*dropped }
			echo "stp_bufsize $bs k=$k: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", 1000000 / (b - a) }') lines/s, $lines delivered, ${dropped%% *} records dropped"
			rmmod kruntime_test
		done
	done
done
rmmod kr_fire
