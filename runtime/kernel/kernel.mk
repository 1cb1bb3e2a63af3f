# markers.ko: the marker core (runtime/core, the same sources as libmarkers)
# with the kernel host (runtime/kernel), built with kbuild against the guest
# kernel's headers (config.mk: GUEST_KDIR).  kbuild writes next to its
# sources, so the sources are linked into $(B)/kernel/markers and built there.
#
# Other kernel modules that use markers (examples/kernel, the tests) build
# with $(KMOD_KBUILD) M=DIR and KMOD_EXTRA_SYMBOLS, see runtime/kernel/README.md.
KMOD_OUT := $(B)/kernel/markers
KMOD_KO := $(KMOD_OUT)/markers.ko
KMOD_CORE_SRCS := runtime/core/format.c runtime/core/registry.c runtime/core/dispatch.c
KMOD_SRCS := $(KMOD_CORE_SRCS) $(addprefix runtime/kernel/,host.c module.c procfs.c bridges.c)
KMOD_HDRS := include/stapmark/marker.h $(wildcard runtime/core/*.h runtime/kernel/*.h)
KMOD_EXTRA_SYMBOLS := $(ABS_B)/kernel/markers/Module.symvers
# Run kbuild without our command-line variables (B=, CFLAGS=) leaking into it.
KMOD_KBUILD = env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(MAKE) -C $(GUEST_KDIR) \
	STAPMARK_SRC=$(CURDIR) CONFIG_DEBUG_INFO_BTF_MODULES=
# Why kernel modules are not built, or empty when they are.
KMOD_SKIP := $(if $(GUEST_KDIR),$(if $(wildcard $(GUEST_KDIR)/Makefile),,no kernel build tree \
	at $(GUEST_KDIR) (install linux-headers-amd64)),GUEST_KDIR is not set in config.mk \
	(configure found no linux-headers-amd64))

$(KMOD_KO): $(KMOD_SRCS) $(KMOD_HDRS) runtime/kernel/Kbuild config.mk
	@mkdir -p $(KMOD_OUT)
	ln -sf $(CURDIR)/runtime/kernel/Kbuild $(addprefix $(CURDIR)/,$(KMOD_SRCS)) $(KMOD_OUT)/
	$(KMOD_KBUILD) M=$(abspath $(KMOD_OUT)) modules

.PHONY: kernel-modules
ifeq ($(KMOD_SKIP),)
kernel-modules: $(KMOD_KO) $(B)/kernel/System.map
else
kernel-modules:
	@echo "kernel modules skipped: $(KMOD_SKIP)"
endif

# The guest kernel's symbols and kprobe blacklist, which pass 2 resolves
# kernel.function/kprobe.function against (guest/kernel-symbols says why
# Debian's own System.map is not enough).
$(B)/kernel/System.map: guest/kernel-symbols config.mk
	@guest/kernel-symbols $(B)

ALL_TARGETS += kernel-modules
CHECK_PREREQS += kernel-modules
