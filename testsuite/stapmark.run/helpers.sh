# Shell helpers for run.exp (sourced; $BUILD is the build directory).
S=$BUILD/bin/stapmark
M=$BUILD/testsuite/run/fake_script.so
MT=$BUILD/testsuite/run/fake_timer.so
T=$BUILD/testsuite/run/target
# Every case runs in its own directory, which is also TMPDIR: the private
# module copies must be gone when stapmark returns.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/case-dir.sh"
case_dir run

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
