# Kernel examples: marker-example.ko (instrumented), probe-example.ko (its
# probes) and kprobe-example.ko (a kprobe on the same path), built with
# kbuild against GUEST_KDIR in $(B)/examples/kernel.  Needs kernel.mk.
KEX_OUT := $(B)/examples/kernel
KEX_SRCS := $(addprefix examples/kernel/,marker-example.c probe-example.c kprobe-example.c)
KEX_KOS := $(patsubst examples/kernel/%.c,$(KEX_OUT)/%.ko,$(KEX_SRCS))

# One kbuild run builds all three; the first .ko stands for the group.
$(firstword $(KEX_KOS)): $(KEX_SRCS) examples/kernel/Kbuild include/stapmark/marker.h $(KMOD_KO)
	@mkdir -p $(KEX_OUT)
	ln -sf $(CURDIR)/examples/kernel/Kbuild $(addprefix $(CURDIR)/,$(KEX_SRCS)) $(KEX_OUT)/
	$(KMOD_KBUILD) M=$(abspath $(KEX_OUT)) KBUILD_EXTRA_SYMBOLS=$(KMOD_EXTRA_SYMBOLS) modules
$(wordlist 2,$(words $(KEX_KOS)),$(KEX_KOS)): $(firstword $(KEX_KOS))

.PHONY: kernel-examples
ifeq ($(KMOD_SKIP),)
kernel-examples: $(KEX_KOS)
else
kernel-examples:
	@echo "kernel examples skipped: $(KMOD_SKIP)"
endif

ALL_TARGETS += kernel-examples
CHECK_PREREQS += kernel-examples
