#!/bin/bash
# Translator speed (a benchmark, not a test), with hyperfine:
#   - stapmark -p2 of a typical marker script with its tapsets (goal < 50 ms);
#   - stapmark -p2 with SystemTap's whole tapset library on the search path,
#     which parses every .stp file in it (goal: parsing all of them < 1 s).
# Usage: bench/translator.sh BUILD_DIR; writes BUILD_DIR/bench/translator.txt.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
stapmark=$build/bin/stapmark
kvdemo=$build/examples/user/kvdemo
stap_tapsets=/usr/share/systemtap/tapset
out=$build/bench/translator.txt
mkdir -p "$build/bench"

if ! command -v hyperfine >/dev/null; then
	echo "translator bench: hyperfine missing (scripts/install-deps installs it)" >&2
	exit 1
fi
cmds=("$stapmark -p2 $top/bench/scripts/kv-typical.stp $kvdemo")
names=("pass 2, typical marker script")
if [ -d "$stap_tapsets" ]; then
	n=$(find "$stap_tapsets" -name '*.stp' | wc -l)
	cmds+=("$stapmark -p2 -I $stap_tapsets -e 'probe begin { exit() }'")
	names+=("pass 2, all $n SystemTap tapset files parsed")
fi
args=()
for i in "${!cmds[@]}"; do
	args+=(-n "${names[$i]}" "${cmds[$i]}")
done
hyperfine -N --warmup 3 --min-runs 20 --style basic --export-markdown "$out.md" "${args[@]}" \
	>"$out.log" 2>&1 || { cat "$out.log"; exit 1; }
{
	echo "# stapmark translator timings (hyperfine, wall time per run)"
	cat "$out.md"
	echo
	echo "Goals: -p2 of a typical script < 50 ms; parsing every SystemTap tapset file < 1 s."
} >"$out"
cat "$out"
