#!/bin/bash
# The known workload of ktapset.exp (run in the guest, traced): a fork, an
# exec and an exit of /usr/bin/true with a known argument, a kill(2) of a
# sleep (SIGUSR1), a direct write to a loop device backed by a file in
# /tmp (block requests: the guest has no disk), and pings on the loopback.
ip link set lo up 2>/dev/null
/usr/bin/true ktapset-arg
sleep 3 & p=$!
sleep 0.3
kill -USR1 $p
wait $p 2>/dev/null # no "User defined signal 1" report
modprobe loop 2>/dev/null
truncate -s 1M /tmp/ktapset.img
dev=$(losetup -f --show /tmp/ktapset.img) &&
	dd if=/dev/zero of="$dev" bs=4k count=8 oflag=direct status=none &&
	losetup -d "$dev"
python3 "$(dirname "$0")/ping.py" 3
