# The SDT benchmark's workload (bench/sdt/run): a tight loop of
# sys.audit() calls, python3's `audit` probe, timed on this thread's CPU
# clock (what the probe costs the traced program: the trap, the BPF
# program, the copy into a ring).
#   workload.py N RESULT [--held] [--sem ADDR]
# --held: say "up" and wait for a byte on stdin before the loop (attach
# first); --sem ADDR: raise the probe's semaphore ourselves, for a tool
# that does not (stap --runtime=bpf 4.8).
import ctypes, os, sys, time

n, result = int(sys.argv[1]), sys.argv[2]
args = sys.argv[3:]
if "--sem" in args:
    sem = ctypes.c_ushort.from_address(int(args[args.index("--sem") + 1], 0))
    sem.value += 1
if "--held" in args:
    print("up", flush=True)
    os.read(0, 1)
best = None
for rep in range(5):
    t0 = time.thread_time_ns()
    for i in range(n):
        sys.audit("bench.event", i)
    ns = (time.thread_time_ns() - t0) / n
    best = ns if best is None or ns < best else best
with open(result, "w") as f:
    f.write("ns=%.1f events=%d\n" % (best, 5 * n))
