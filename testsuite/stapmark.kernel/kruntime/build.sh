#!/bin/bash
# Build the kruntime test modules exactly as stapmark's pass 4 builds a
# script module (runtime/stp/kernel/Kbuild.script states the contract):
#
#   build.sh BUILD_DIR
#
# makes, under BUILD_DIR/testsuite/kruntime,
#   kruntime_test/   module.c (the hand-written stand-in for generated code),
#                    Kbuild (a copy of Kbuild.script), symlinks to every
#                    runtime/stp/*.c and runtime/stp/kernel/*.c; kruntime_test.ko
#   kruntime_exitb/  the same with exit() in its begin probe; kruntime_exitb.ko
#   kruntime_noirq/  the same with interrupts off in handlers (-DINTERRUPTIBLE=0)
#   fire/            kr-fire.ko, the instrumented module the tests fire markers in
#   kreader          the controller and reader (a small pass 5)
#   kruntime_gen.ko  kruntime.stp through stapmark's passes 1-4 (-p4), when
#                    the translator builds it (else kruntime_gen.why says why),
#                    with a marker table of markers.ko, marker-example.ko and
#                    kr-fire.ko (ktree/, a stand-in -r tree)
set -eu
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
B=$(cd "${1:-$TOP/build}" && pwd)
SRC=$TOP/testsuite/stapmark.kernel/kruntime
OUT=$B/testsuite/kruntime
KDIR=$(sed -n 's/^GUEST_KDIR = //p' "$TOP/config.mk")
SYMVERS=$B/kernel/markers/Module.symvers
[ -n "$KDIR" ] && [ -f "$KDIR/Makefile" ] || { echo "build.sh: no kernel build tree (GUEST_KDIR)" >&2; exit 2; }
[ -f "$SYMVERS" ] || { echo "build.sh: no $SYMVERS (build markers.ko first)" >&2; exit 2; }
mkdir -p "$OUT"

kbuild() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$KDIR" M="$1" STAPMARK_SRC="$TOP" \
		KBUILD_EXTRA_SYMBOLS="$SYMVERS" CONFIG_DEBUG_INFO_BTF_MODULES= "${@:2}" modules
}

# script_module NAME DEFINES: pass 4's steps.
script_module() {
	local dir=$OUT/$1 f
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$SRC/module.c" "$dir/module.c"
	cp "$TOP/runtime/stp/kernel/Kbuild.script" "$dir/Kbuild"
	for f in "$TOP"/runtime/stp/*.c "$TOP"/runtime/stp/kernel/*.c; do
		ln -s "$f" "$dir/"
	done
	# Until the regex engine lands, its interface only (no pattern is used).
	[ -e "$TOP/runtime/stp/ere.c" ] || ln -s "$SRC/ere_stub.c" "$dir/"
	kbuild "$dir" STP_MODNAME="$1" STP_DEFINES="$2"
}

DEFS="-DMAXERRORS=1000 -DMAXACTION=20000 -DMAXSKIPPED=1000000"
script_module kruntime_test "$DEFS"
script_module kruntime_exitb "$DEFS -DKR_EXIT_IN_BEGIN"
script_module kruntime_noirq "$DEFS -DINTERRUPTIBLE=0"

rm -rf "$OUT/fire"
mkdir -p "$OUT/fire"
ln -s "$SRC/kr-fire.c" "$OUT/fire/"
printf 'obj-m := kr-fire.o\nccflags-y := -I$(STAPMARK_SRC)/include\n' >"$OUT/fire/Kbuild"
kbuild "$OUT/fire"

# The same program from the translator, when it can.
rm -f "$OUT/kruntime_gen.ko" "$OUT/kruntime_gen.why"
gen_module() {
	local tree=$OUT/ktree ko m
	[ -x "$B/bin/stapmark" ] || { echo "no $B/bin/stapmark"; return 1; }
	mkdir -p "$tree/include/config"
	sed -n 's/^GUEST_KREL = //p' "$TOP/config.mk" >"$tree/include/config/kernel.release"
	for ko in "$B/kernel/markers/markers.ko" "$B/examples/kernel/marker-example.ko" \
		"$OUT/fire/kr-fire.ko"; do
		m=$(basename "$ko" .ko)
		"$B/bin/stapmark" --dump-markers "$ko" | awk -F'\t' -v OFS='\t' -v m="${m//-/_}" '{ $2 = m; print }'
	done >"$tree/Module.markers" || return 1
	ko=$("$B/bin/stapmark" --runtime=kernel -r "$tree" -p4 -m kruntime_gen $DEFS "$SRC/kruntime.stp" 2>&1) &&
		cp "${ko##*$'\n'}" "$OUT/kruntime_gen.ko" || { echo "$ko" | tail -3; return 1; }
}
gen_module >"$OUT/kruntime_gen.why" 2>&1 && rm -f "$OUT/kruntime_gen.why"

${CC:-gcc} -O2 -Wall -Wextra -pthread -I"$TOP/runtime/stp/kernel" -o "$OUT/kreader" "$SRC/kreader.c"
