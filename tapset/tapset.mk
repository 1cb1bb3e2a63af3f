# Generated tapsets, under $(B)/tapset/ (stapmark searches it after the
# tree's tapset/; make install merges both): the x86_64 system call names
# of tapset/linux/syscall_any.stp, from the guest kernel's unistd header,
# else the C library's copy of it.
TAPSET_GEN := $(B)/tapset/linux/x86_64/syscall_table.stp
TAPSET_UNISTD := $(firstword \
	$(wildcard $(GUEST_KDIR)/arch/x86/include/generated/uapi/asm/unistd_64.h) \
	$(wildcard /usr/include/x86_64-linux-gnu/asm/unistd_64.h))

ifneq ($(TAPSET_UNISTD),)
$(TAPSET_GEN): scripts/gen-syscall-table $(TAPSET_UNISTD)
	@mkdir -p $(@D)
	$(SHELL) scripts/gen-syscall-table $(TAPSET_UNISTD) >$@.tmp
	mv $@.tmp $@

ALL_TARGETS += $(TAPSET_GEN)
endif
