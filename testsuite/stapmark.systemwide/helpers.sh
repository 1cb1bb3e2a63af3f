# Shell helpers for systemwide.exp (sourced; $BUILD is the build directory).
S=$BUILD/bin/stapmark
T=$BUILD/testsuite/systemwide/sysw_target
. "$(dirname "${BASH_SOURCE[0]}")/../lib/case-dir.sh"
case_dir sysw
# A rendezvous of our own: other sessions on this machine stay out of it.
export STAPMARK_RUNDIR=$D/rdv
# A loaded machine may take a while to attach; the bound is tested apart.
export STAPMARK_ATTACH_WAIT_MS=60000

# early NAME [ARGS]: a process of $T running before stapmark, waiting for
# SIGUSR1 to fire (its pid in $NAME, output in $D/NAME).
early() {
	local name=$1
	shift
	"$T" -r "$@" >"$D/$name" 2>&1 &
	printf -v "$name" %d $!
	pids+=($!)
	wait_for "$D/$name" '^ready'
}

# Names for pids in stapmark's output: "pid NNN" -> "pid NAME".
name_pids() {
	local args=() n
	for n in "$@"; do args+=(-e "s/\\<${!n}\\>/$n/g"); done
	sed "${args[@]}"
}
