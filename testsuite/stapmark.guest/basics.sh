# shellcheck shell=sh
# Group script for guest.exp: what a kernel test relies on inside the guest,
# checked in one boot.  Runs under /bin/sh in the guest.
. "$STAPMARK_TOPDIR/guest/group.sh"

expect_output "kernel is the guest kernel" "$STAPMARK_KREL" uname -r
expect_output "working directory is the test directory" "$STAPMARK_BUILD/testsuite" pwd
expect_output "HOME is /root" /root printenv HOME

# The host's userland runs: an interpreter from the shared /usr.
expect_output "host binaries run" 42 python3 -c 'print(6 * 7)'

# The build tree is writable (guest.exp reads the file back on the host);
# the host's /usr is not.
write_to_tree() {
	echo "written in the guest" >"$STAPMARK_BUILD/testsuite/guest/written-by-guest"
}
usr_is_read_only() {
	! touch /usr/stapmark-guest-test 2>/dev/null
}
check "project tree writable" write_to_tree
check "host /usr read-only" usr_is_read_only

# The guest kernel's own modules are reachable and load.
crc8=$(modprobe --show-depends crc8 | sed -n 's/^insmod \([^ ]*\).*/\1/p')
if [ -z "$crc8" ]; then
	untested "stock module loads" "crc8 is not a module of this kernel"
else
	check "stock module loads with insmod" insmod "$crc8"
	check "loaded module is listed" grep -q '^crc8 ' /proc/modules
	check "module unloads" rmmod crc8
fi
check "modprobe finds modules by name" modprobe dummy numdummies=0
check "tracefs mounted" test -e /sys/kernel/tracing/available_events
check "debugfs mounted" test -d /sys/kernel/debug/tracing
check "devtmpfs mounted" test -c /dev/null
loopback_is_up() {
	[ $(($(cat /sys/class/net/lo/flags) & 1)) = 1 ] && ip -4 -o addr show dev lo | grep -q 'inet 127\.0\.0\.1/'
}
check "loopback up" loopback_is_up
# (a fresh name: the project tree itself may be shared in at a path under /tmp)
check "tmp writable" sh -c 'f=$(mktemp /tmp/basics.XXXXXX) && echo x >"$f" && test -s "$f"'
