# Shell helpers for scripts.exp (sourced; $BUILD is the build directory,
# $F the case's script).  Every case runs in its own directory $D, also
# TMPDIR; processes it starts are killed on exit.
S=$BUILD/bin/stapmark
T=$BUILD/testsuite/scripts/marktest
export STAPMARK_CACHE=$BUILD/testsuite/scripts/cache
. "$(dirname "${BASH_SOURCE[0]}")/../lib/case-dir.sh"
case_dir scr

# A marktest that loops until killed (1 ms between ticks); output in $D/target.out.
start_target() {
	"$T" -f -s 1000 -r loop >>"$D/target.out" 2>&1 &
	tp=$!
	disown $tp
	pids+=("$tp")
	wait_for "$D/target.out" '^ready'
}

# Whether anything listens at the target's mt_tick now ("enabled=N").
target_enabled() {
	: >"$D/target.out"
	kill -USR1 "$tp"
	wait_for "$D/target.out" '^enabled=' && grep -a '^enabled=' "$D/target.out"
}

# run_split ARGS...: run stapmark, then print its status, stdout and stderr
# apart (their relative order is not defined).
run_split() {
	# A hung stapmark is killed: the case then fails on its output.
	timeout -s KILL 60 "$S" "$@" >"$D/out" 2>"$D/err"
	echo "rc=$?"
	cat "$D/out"
	echo "stderr:"
	cat "$D/err"
}
