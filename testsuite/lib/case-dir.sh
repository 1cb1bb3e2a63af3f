# Shell helpers shared by the run tests (sourced by testsuite/stapmark.run
# and stapmark.scripts helpers.sh): a private directory per case, also
# TMPDIR, and the processes a case starts, killed when it ends.
#   case_dir NAME        create $D (NAME in its name) and set the EXIT trap
#   pids+=(PID)          a process to kill at the end
#   wait_for FILE REGEX [SECONDS]
case_dir() {
	D=$(mktemp -d "${TMPDIR:-/tmp}/stapmark-$1.XXXXXX")
	export TMPDIR=$D
	ulimit -c 0
	pids=()
	trap case_cleanup EXIT
}

case_cleanup() {
	# (Reaped here, so that bash reports no "Killed" job.)
	for p in "${pids[@]}"; do { kill -KILL "$p" && wait "$p"; } 2>/dev/null; done
	rm -rf "$D"
}

# wait_for FILE REGEX [SECONDS]: until a line of FILE matches (default 60 s).
wait_for() {
	local i
	for ((i = 0; i < ${3:-60} * 20; i++)); do
		grep -aEq "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timeout waiting for '$2' in $1"
	return 1
}
