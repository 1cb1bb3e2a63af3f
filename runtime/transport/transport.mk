# The user-space output transport and attach machinery (runtime/transport):
#   $(B)/lib/libstp-transport.a    everything, PIC, hidden visibility: stapmark
#                                  links it; probe modules link it too (they
#                                  use the target side: writer.c, segment.c)
#   $(B)/transport/obj/preload.o   linked into every probe module: its
#                                  constructor attaches a -c command (it is
#                                  only a constructor, so an archive would
#                                  never pull it in)
# Sanitizer builds for the stress tests: $(B)/{asan,tsan}/lib/libstp-transport.a.
TRANSPORT_DIR := runtime/transport
TRANSPORT_SRCS := $(addprefix $(TRANSPORT_DIR)/,segment.c writer.c drain.c attach.c spawn.c \
	rendezvous.c)
TRANSPORT_HDRS := $(wildcard $(TRANSPORT_DIR)/*.h)
TRANSPORT_CFLAGS = $(BASE_CFLAGS) -fPIC -fvisibility=hidden -pthread

# $(call transport_variant,OUT,EXTRA_CFLAGS)
define transport_variant
$(1)/transport/obj/%.o: $(TRANSPORT_DIR)/%.c $$(TRANSPORT_HDRS) config.mk
	@mkdir -p $$(@D)
	$$(CC) $$(TRANSPORT_CFLAGS) $(2) -c $$< -o $$@

$(1)/lib/libstp-transport.a: $$(patsubst $(TRANSPORT_DIR)/%.c,$(1)/transport/obj/%.o,$$(TRANSPORT_SRCS))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
endef

$(eval $(call transport_variant,$(B),))
$(eval $(call transport_variant,$(B)/asan,$(SANITIZE_ASAN)))
$(eval $(call transport_variant,$(B)/tsan,$(SANITIZE_TSAN)))

# libmarkers' control server speaks the protocol defined here.
$(B)/obj/runtime/user/control.o $(B)/asan/obj/runtime/user/control.o \
$(B)/tsan/obj/runtime/user/control.o $(B)/obj/runtime/user/rendezvous.o \
$(B)/asan/obj/runtime/user/rendezvous.o $(B)/tsan/obj/runtime/user/rendezvous.o: \
	$(TRANSPORT_DIR)/control_proto.h $(TRANSPORT_DIR)/stp_module.h \
	$(TRANSPORT_DIR)/rendezvous_proto.h

.PHONY: transport
transport: $(B)/lib/libstp-transport.a $(B)/transport/obj/preload.o
ALL_TARGETS += transport

# bench/transport: the 2 M printf lines/s bar (bench/run does not run it yet).
$(B)/bench/transport: bench/transport.c $(TRANSPORT_HDRS) $(B)/lib/libstp-transport.a
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O2 -Iruntime/transport -o $@ $< $(B)/lib/libstp-transport.a -pthread
BENCH_PREREQS += $(B)/bench/transport
