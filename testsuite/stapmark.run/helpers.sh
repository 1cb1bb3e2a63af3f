# Shell helpers for run.exp (sourced; $BUILD is the build directory).
S=$BUILD/bin/stapmark
M=$BUILD/testsuite/run/fake_script.so
MT=$BUILD/testsuite/run/fake_timer.so
T=$BUILD/testsuite/run/target
# Every case runs in its own directory, which is also TMPDIR: the private
# module copies must be gone when stapmark returns.
D=$(mktemp -d "${TMPDIR:-/tmp}/stapmark-run.XXXXXX")
export TMPDIR=$D
ulimit -c 0
pids=()
cleanup() {
	# (Reaped here, so that bash reports no "Killed" job.)
	for p in "${pids[@]}"; do { kill -KILL "$p" && wait "$p"; } 2>/dev/null; done
	rm -rf "$D"
}
trap cleanup EXIT

# wait_for FILE REGEX [SECONDS]: until a line of FILE matches (default 20 s).
wait_for() {
	local i
	for ((i = 0; i < ${3:-20} * 20; i++)); do
		grep -aEq "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timeout waiting for '$2' in $1"
	return 1
}

# A target that runs until killed, with its output in $D/target.out.
start_target() {
	# Appending, so that target_enabled can empty the file under it.
	"$T" -f -s 1000 -r >>"$D/target.out" 2>&1 &
	tp=$!
	pids+=("$tp")
	wait_for "$D/target.out" '^ready'
}

# Whether anything listens at the target's marker now ("enabled=N").
target_enabled() {
	: >"$D/target.out"
	kill -USR1 "$tp"
	wait_for "$D/target.out" '^enabled=' && grep -a '^enabled=' "$D/target.out"
}

no_copies_left() {
	if ls "$D"/stapmark-*.so >/dev/null 2>&1; then
		echo "module copies left: $(ls "$D"/stapmark-*.so)"
	else
		echo "no copies left"
	fi
}
