# The function-probe benchmark (bench/ufunc/run, from bench/run): { n++ }
# on a plain function of a program not built with stapmark, through
# stapmark -c/-x/system-wide, bpftrace's uprobe and stap --runtime=bpf.
# -g: stap's .function needs DWARF.
UBENCH_OUT := $(B)/bench/ufunc

$(UBENCH_OUT)/ufloop: bench/ufunc/ufloop.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O2 -g -o $@ $<

.PHONY: ufunc-bench
ufunc-bench: $(UBENCH_OUT)/ufloop $(B)/bench/script/memlock-shim.so
BENCH_PREREQS += ufunc-bench
