#!/bin/bash
# make demo: show markers at work in user space.
#   examples/user/demo.sh BUILD_DIR
# 1. the project's main job: SystemTap scripts run by stapmark against
#    kvdemo's markers (latency histograms per operation, top keys), and
#    against marker-example;
# 2. the C API underneath: marker-example with the hand-written
#    probe-example.so (LD_PRELOAD is the user-space insmod), kvdemo's marker
#    table, kvdemo with its markers dormant and with kvdemo-probe.so.
set -euo pipefail

build=$(cd "${1:-build}" && pwd)
ex=$build/examples/user

for f in marker-example probe-example.so kvdemo kvdemo-probe.so; do
	if [ ! -e "$ex/$f" ]; then
		echo "demo: $ex/$f is missing; run 'make' first" >&2
		exit 1
	fi
done

heading() {
	printf '\n=== %s ===\n\n' "$1"
}

# Requests per second from kvdemo's summary ("kvdemo: ops N ... elapsed Ts").
rate() {
	sed -n 's/^kvdemo: ops \([0-9]*\) .* elapsed \([0-9.]*\)s$/\1 \2/p' |
		awk '{ printf "%.0f\n", ($2 > 0) ? $1 / $2 : 0 }'
}

top=$(cd "$(dirname "$0")/../.." && pwd)
stapmark=$build/bin/stapmark
scripts=$top/examples/scripts

heading "stapmark -c 'kvdemo --seconds 3' examples/scripts/kv-latency.stp"
"$stapmark" -c "$ex/kvdemo --seconds 3" "$scripts/kv-latency.stp"

heading "stapmark -c 'kvdemo --seconds 2' examples/scripts/kv-topkeys.stp"
"$stapmark" -c "$ex/kvdemo --seconds 2" "$scripts/kv-topkeys.stp"

heading "stapmark -c marker-example examples/scripts/marker-example.stp"
"$stapmark" -c "$ex/marker-example" "$scripts/marker-example.stp"

heading "marker-example, nothing attached: the markers cost a branch each"
"$ex/marker-example"

heading "marker-example with probe-example.so (LD_PRELOAD=probe-example.so)"
echo "The module registers its probes before the program's markers are loaded;"
echo "they stay pending and attach when the program starts."
echo
LD_PRELOAD=$ex/probe-example.so "$ex/marker-example"

if markers=$("$build/bin/stapmark" --dump-markers "$ex/kvdemo" 2>/dev/null); then
	heading "kvdemo's markers, read from the ELF file (stapmark --dump-markers)"
	printf '%s\n' "$markers" | awk -F'\t' '{ printf "  %-18s %s\n", $1, $3 }'
fi

heading "kvdemo for 1 second, markers dormant"
dormant=$("$ex/kvdemo" --seconds 1)
echo "$dormant"

heading "kvdemo for 2 seconds with kvdemo-probe.so attached"
probed=$(LD_PRELOAD=$ex/kvdemo-probe.so "$ex/kvdemo" --seconds 2)
echo "$probed"

heading "Throughput"
r0=$(echo "$dormant" | rate)
r1=$(echo "$probed" | rate)
printf '  markers dormant:          %12s requests per second\n' "$r0"
printf '  kvdemo-probe.so attached: %12s requests per second (3 or 4 events per request)\n' "$r1"
