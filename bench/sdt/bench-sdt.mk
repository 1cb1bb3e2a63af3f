# The SDT benchmark (bench/sdt/run, from bench/run): { n++ } on python3's
# audit probe through stapmark -c/-x/system-wide, bpftrace and stap
# --runtime=bpf (which needs the script benchmark's memlock shim).
.PHONY: sdt-bench
sdt-bench: $(B)/bench/script/memlock-shim.so
BENCH_PREREQS += sdt-bench
