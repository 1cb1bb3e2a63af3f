# The dispatch microbenchmark (make bench runs bench/run).  Always -O2,
# whatever CFLAGS says, since unoptimised numbers mean nothing; linked
# against the tree's libmarkers like any instrumented program.
BENCH_SRCS := bench/dispatch.c bench/oldmux.c bench/floor.c
BENCH_HDRS := bench/oldmux.h bench/floor.h include/stapmark/marker.h

$(B)/bench/dispatch: $(BENCH_SRCS) $(BENCH_HDRS) $(B)/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O2 -o $@ $(BENCH_SRCS) -L$(B)/lib -lmarkers $(TREE_RPATH)

.PHONY: bench-programs
bench-programs: $(B)/bench/dispatch
