# The kernel dispatch benchmark (bench/kernel/run, from bench/run): the
# in-kernel half, bench-kmod.ko, built with kbuild in $(B)/bench/kernel
# against markers.ko and marker-example.ko (it calls marker_example_event),
# and the user-space half, syscall-loop.  Needs kernel.mk and examples.mk.
KBENCH_OUT := $(B)/bench/kernel
KBENCH_KO := $(KBENCH_OUT)/bench-kmod.ko
KBENCH_SRCS := bench/kernel/bench-main.c bench/kernel/bench-writers.c bench/kernel/bench-kmod.h

# bench-main.c: the dispatch cases and the control file; bench-writers.c:
# the output-rate case's writers.
$(KBENCH_KO): $(KBENCH_SRCS) bench/kernel/Kbuild include/stapmark/marker.h \
		$(KMOD_KO) $(firstword $(KEX_KOS))
	@mkdir -p $(KBENCH_OUT)
	ln -sf $(CURDIR)/bench/kernel/Kbuild $(addprefix $(CURDIR)/,$(KBENCH_SRCS)) $(KBENCH_OUT)/
	$(KMOD_KBUILD) M=$(abspath $(KBENCH_OUT)) \
		KBUILD_EXTRA_SYMBOLS="$(KMOD_EXTRA_SYMBOLS) $(abspath $(KEX_OUT))/Module.symvers" modules

# -O2 whatever CFLAGS says, as for the other benchmarks.
$(KBENCH_OUT)/syscall-loop: bench/kernel/syscall-loop.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O2 -o $@ $<

.PHONY: kernel-bench
ifeq ($(KMOD_SKIP),)
kernel-bench: $(KBENCH_KO) $(KBENCH_OUT)/syscall-loop kernel-examples
else
kernel-bench:
	@echo "kernel benchmark skipped: $(KMOD_SKIP)"
endif
BENCH_PREREQS += kernel-bench
