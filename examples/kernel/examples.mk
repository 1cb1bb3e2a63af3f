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

# The marker table of markers.ko (the bridges) and the examples, in the
# format modpost wrote (name<TAB>module<TAB>format), so the translator can
# resolve kernel.mark without booting: stapmark -r $(B)/kernel reads
# DIR/Module.markers.  The module column is the module's name, as modpost
# and stapmark's own .ko scan name it, so the two sources agree.
KEX_MODULE_MARKERS := $(B)/kernel/Module.markers
$(KEX_MODULE_MARKERS): $(KMOD_KO) $(KEX_KOS) $(B)/bin/stapmark
	set -o pipefail; for ko in $(KMOD_KO) $(KEX_KOS); do \
		$(B)/bin/stapmark --dump-markers $$ko | \
		awk -F'\t' -v OFS='\t' -v m=$$(basename $$ko .ko | tr - _) '{ $$2 = m; print }' || exit 1; \
	done >$@.tmp
	mv $@.tmp $@
	@# The release these modules are for, as in a kernel build tree (-r DIR).
	mkdir -p $(B)/kernel/include/config
	echo $(GUEST_KREL) >$(B)/kernel/include/config/kernel.release

.PHONY: kernel-examples
ifeq ($(KMOD_SKIP),)
kernel-examples: $(KEX_KOS) $(KEX_MODULE_MARKERS)
else
kernel-examples:
	@echo "kernel examples skipped: $(KMOD_SKIP)"
endif

ALL_TARGETS += kernel-examples
CHECK_PREREQS += kernel-examples
