#!/bin/bash
# A small workload for the kernel example scripts (run in the guest): a few
# programs exec'd, some system calls that fail, context switches between
# two processes, and TCP traffic over the loopback device.
#   examples/kernel/workload.sh [ROUNDS]
rounds=${1:-3}
ip link set lo up 2>/dev/null
for ((i = 0; i < rounds; i++)); do
	ls / >/dev/null
	cat /proc/version >/dev/null
	stat /nonexistent >/dev/null 2>&1
done
# Two processes handing data back and forth: context switches and packets.
python3 - "$rounds" <<'PY'
import socket, sys
n = int(sys.argv[1]) * 20
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
cli = socket.create_connection(srv.getsockname())
peer, _ = srv.accept()
for i in range(n):
    cli.sendall(b"x" * (64 << (i % 6)))
    want = 64 << (i % 6)
    while want:
        want -= len(peer.recv(want))
print("workload: %d round trips over the loopback" % n)
PY
