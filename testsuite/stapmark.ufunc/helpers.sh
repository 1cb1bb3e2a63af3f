# Shell helpers for ufunc.exp (sourced; $BUILD is the build directory).
# UFUNC_STAPMARK: another stapmark to run (the ASan build, copied next to
# the real one so that it finds the tapsets).
S=${UFUNC_STAPMARK:-$BUILD/bin/stapmark}
T=$BUILD/testsuite/ufunc/uf_target
. "$(dirname "${BASH_SOURCE[0]}")/../lib/case-dir.sh"
case_dir ufunc

# started NAME [ARGS]: a process of $T waiting for SIGUSR1 (its pid in
# $NAME, output in $D/NAME).
started() {
	local name=$1
	shift
	"$T" "$@" >"$D/$name" 2>&1 &
	printf -v "$name" %d $!
	pids+=($!)
	wait_for "$D/$name" '^ready'
}

# Names for pids in stapmark's output: "NNN" -> "NAME".
name_pids() {
	local args=() n
	for n in "$@"; do args+=(-e "s/\\<${!n}\\>/$n/g"); done
	sed "${args[@]}"
}
