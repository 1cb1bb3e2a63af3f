# shellcheck shell=sh
# Helpers for test-group scripts that stapmark_guest_group (testsuite/lib/
# guest.exp) runs inside the guest.  Source it from a group script:
#   . "$STAPMARK_TOPDIR/guest/group.sh"
# Each result is one line on stdout, which the DejaGnu side turns into a
# result of its own:
#   PASS: name             FAIL: name [reason]       UNTESTED: name reason
# Anything else on stdout or stderr only goes to the DejaGnu log.

pass() {
	echo "PASS: $*"
}

fail() {
	echo "FAIL: $*"
}

untested() {
	echo "UNTESTED: $*"
}

# check NAME CMD [ARGS...]: PASS when CMD succeeds, else FAIL with its
# exit status; CMD's own output goes to the log (stderr).
# (POSIX sh has no local variables: the helpers' own are prefixed _g_.)
check() {
	_g_name=$1
	_g_status=0
	shift
	"$@" >&2 || _g_status=$?
	if [ "$_g_status" = 0 ]; then
		pass "$_g_name"
	else
		fail "$_g_name (exit status $_g_status: $*)"
	fi
}

# expect_output NAME EXPECTED CMD [ARGS...]: PASS when CMD succeeds and its
# stdout is exactly EXPECTED (trailing newlines aside).
expect_output() {
	_g_name=$1
	_g_expected=$2
	_g_status=0
	shift 2
	_g_output=$("$@") || _g_status=$?
	if [ "$_g_status" != 0 ]; then
		fail "$_g_name (exit status $_g_status: $*)"
	elif [ "$_g_output" != "$_g_expected" ]; then
		fail "$_g_name (unexpected output)"
		printf 'expected:\n%s\ngot:\n%s\n' "$_g_expected" "$_g_output" >&2
	else
		pass "$_g_name"
	fi
}

# marker_line NAME: the /proc/markers lines of NAME (markers.ko's table:
# NAME<TAB>MODULE<TAB>STATE<TAB>PROBES<TAB>FORMAT), as they are.
marker_line() {
	awk -F '\t' -v name="$1" '$1 == name' /proc/markers
	return 0
}
