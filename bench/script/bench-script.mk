# The script benchmark (bench/script/run, from bench/run): per-event cost of
# stapmark scripts, bpftrace and stap --runtime=bpf on one instrumented loop,
# turnaround and output rate.  -O2 whatever CFLAGS says, as the others.
SBENCH_OUT := $(B)/bench/script

$(SBENCH_OUT)/loop: bench/script/loop.c include/stapmark/marker.h $(B)/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O2 -o $@ $< -L$(B)/lib -lmarkers $(TREE_RPATH)

$(SBENCH_OUT)/memlock-shim.so: bench/script/memlock-shim.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O2 -fPIC -shared -o $@ $< -ldl

.PHONY: script-bench
script-bench: $(SBENCH_OUT)/loop $(SBENCH_OUT)/memlock-shim.so
BENCH_PREREQS += script-bench
