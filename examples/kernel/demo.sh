#!/bin/bash
# make demo, the kernel part: kernel.mark scripts built on this host for the
# guest's kernel and run in the bundled qemu guest (--remote=guest), which
# this host needs because its own kernel cannot load modules.
#   examples/kernel/demo.sh BUILD_DIR
# 1. the seed example: marker-example.ko's subsystem_event by field name;
# 2. a report of what a small workload did, from markers.ko's bridges;
# 3. one event through its marker and through a kprobe on its function.
# Says why and stops (status 0) when no guest can run here.
set -euo pipefail

build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
stapmark=$build/bin/stapmark
scripts=$top/examples/scripts

heading() {
	printf '\n=== %s ===\n\n' "$1"
}

heading "kernel.mark scripts in the qemu guest (stapmark --remote=guest)"
if [ ! -e "$build/kernel/markers/markers.ko" ]; then
	echo "skipped: markers.ko is not built (no kernel headers: see README)"
	exit 0
fi
if ! why=$("$top/guest/run" -B "$build" --check 2>&1); then
	echo "skipped: no guest can run here: $why"
	exit 0
fi
echo "Passes 1-4 run here for the guest's kernel (the module is cached after"
echo "the first run), pass 5 in the guest: markers.ko is loaded first, then the"
echo "script's module; -c runs in the guest."

heading "stapmark --remote=guest -c 'insmod marker-example.ko; cat /proc/marker-example' kmarker-example.stp"
"$stapmark" --remote=guest \
	-c "sh -c 'insmod $build/examples/kernel/marker-example.ko && cat /proc/marker-example'" \
	"$scripts/kmarker-example.stp"

heading "stapmark --remote=guest -c examples/kernel/workload.sh kernel-report.stp"
"$stapmark" --remote=guest -c "$top/examples/kernel/workload.sh" "$scripts/kernel-report.stp"

heading "stapmark --remote=guest -c '... marker-example ...' kprobe-vs-mark.stp"
echo "The same event through its marker and through a kprobe on its function"
echo "(kprobe.module(...).function(...), arguments by position, no debug info)."
"$stapmark" --remote=guest \
	-c "sh -c 'insmod $build/examples/kernel/marker-example.ko && cat /proc/marker-example && rmmod marker_example'" \
	"$scripts/kprobe-vs-mark.stp"
