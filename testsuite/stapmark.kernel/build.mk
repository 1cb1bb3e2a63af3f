# Kernel test modules, built with kbuild in $(TB)/kernel (needs kernel.mk):
#   marker-stress.ko  a kthread firing markers on another CPU
#   probe-stress.ko   probes attached and detached under fire, checked in-kernel
#   test-probe.ko     probes driven from the shell through /proc/test-probe
# test-probe compiles the core's format parser (runtime/core/format.c) in.
KTEST_DIR := testsuite/stapmark.kernel/modules
KTEST_OUT := $(TB)/kernel
KTEST_SRCS := $(addprefix $(KTEST_DIR)/,marker-stress.c probe-stress.c test-probe-main.c) \
	runtime/core/format.c
KTEST_KOS := $(addprefix $(KTEST_OUT)/,marker-stress.ko probe-stress.ko test-probe.ko)

$(firstword $(KTEST_KOS)): $(KTEST_SRCS) $(KTEST_DIR)/Kbuild include/stapmark/marker.h \
		runtime/core/format.h $(KMOD_KO)
	@mkdir -p $(KTEST_OUT)
	ln -sf $(CURDIR)/$(KTEST_DIR)/Kbuild $(addprefix $(CURDIR)/,$(KTEST_SRCS)) $(KTEST_OUT)/
	$(KMOD_KBUILD) M=$(abspath $(KTEST_OUT)) KBUILD_EXTRA_SYMBOLS=$(KMOD_EXTRA_SYMBOLS) modules
$(wordlist 2,$(words $(KTEST_KOS)),$(KTEST_KOS)): $(firstword $(KTEST_KOS))

.PHONY: kernel-test-modules
ifeq ($(KMOD_SKIP),)
kernel-test-modules: $(KTEST_KOS) kernel-examples
else
kernel-test-modules:
	@echo "kernel test modules skipped: $(KMOD_SKIP)"
endif
CHECK_PREREQS += kernel-test-modules

# Only the kernel group: make check-kernel (the guest boots once).
.PHONY: check-kernel
check-kernel: kernel-test-modules
	@RUNTESTFLAGS=kernel.exp $(SHELL) testsuite/run-check $(B) $(RUNTEST)
