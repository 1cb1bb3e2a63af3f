# The handler runtime (runtime/stp): host-agnostic C plus the user-space
# host, as static libraries for probe modules and the unit tests:
#   $(B)/lib/libstp-user.a, and ASan+UBSan / TSan builds under $(B)/asan,
#   $(B)/tsan; $(B)/obj/stp-user/module.o, the module entry points.
# runtime/stp/kernel/ is the kernel host: stapmark's pass 4 builds it into
# each kernel script module with kbuild.
# The host-agnostic files build freestanding (no libc headers on the
# include path at all), which keeps them usable in a kernel module.
STP_DIR := runtime/stp
STP_CORE_SRCS := $(sort $(wildcard $(STP_DIR)/*.c))
STP_USER_SRCS := $(addprefix $(STP_DIR)/user/,host.c output.c uregs.c regex.c entry.c usyms.c)
STP_HDRS := $(wildcard $(STP_DIR)/*.h $(STP_DIR)/user/*.h)
STP_GCC_INC := $(shell $(CC) -print-file-name=include)
STP_CFLAGS = $(BASE_CFLAGS) -I$(STP_DIR) -I$(STP_DIR)/user -fPIC
STP_FREESTANDING = -ffreestanding -nostdinc -isystem $(STP_GCC_INC)
STP_CORE_OBJS = $(patsubst $(STP_DIR)/%.c,%.o,$(STP_CORE_SRCS))
STP_USER_OBJS = $(patsubst $(STP_DIR)/user/%.c,%.o,$(STP_USER_SRCS))

# $(call stp_variant,DIR,EXTRA_CFLAGS)
define stp_variant
$(1)/obj/stp-core/%.o: $(STP_DIR)/%.c $$(STP_HDRS)
	@mkdir -p $$(@D)
	$$(CC) $$(STP_CFLAGS) $$(STP_FREESTANDING) $(2) -c $$< -o $$@

$(1)/obj/stp-user/%.o: $(STP_DIR)/user/%.c $$(STP_HDRS)
	@mkdir -p $$(@D)
	$$(CC) $$(STP_CFLAGS) $(2) -c $$< -o $$@

$(1)/lib/libstp-user.a: $$(addprefix $(1)/obj/stp-core/,$$(STP_CORE_OBJS)) \
		$$(addprefix $(1)/obj/stp-user/,$$(STP_USER_OBJS))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
endef

# user/module.c: a script module's entry points over its program
# descriptor; an object of its own, linked into every module (an archive
# member nobody references would never be pulled in, nor exported).
$(B)/obj/stp-user/module.o: $(STP_DIR)/user/module.c $(STP_HDRS) $(wildcard runtime/transport/*.h)
	@mkdir -p $(@D)
	$(CC) $(STP_CFLAGS) -Iruntime/transport -fvisibility=hidden -c $< -o $@

$(eval $(call stp_variant,$(B),))
$(eval $(call stp_variant,$(B)/asan,$(SANITIZE_ASAN)))
$(eval $(call stp_variant,$(B)/tsan,$(SANITIZE_TSAN)))

.PHONY: libstp
libstp: $(B)/lib/libstp-user.a $(B)/obj/stp-user/module.o
ALL_TARGETS += $(B)/lib/libstp-user.a $(B)/obj/stp-user/module.o
