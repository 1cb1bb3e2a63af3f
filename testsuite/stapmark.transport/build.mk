# Tests of the output transport and attach machinery (runtime/transport and
# libmarkers' control server): testsuite/stapmark.transport.
TR_DIR := testsuite/stapmark.transport
TRT := $(TB)/transport
TR_CFLAGS = $(TEST_CFLAGS) -Iruntime/transport
TR_DEPS := testsuite/lib/unit.h $(wildcard runtime/transport/*.h)

# ring_test: the transport alone (no libmarkers), plain and sanitized.
$(TRT)/ring_test: $(TR_DIR)/ring_test.c $(TR_DEPS) $(B)/lib/libstp-transport.a
	@mkdir -p $(@D)
	$(CC) $(TR_CFLAGS) -o $@ $< $(B)/lib/libstp-transport.a -pthread

$(TRT)/asan/ring_test: $(TR_DIR)/ring_test.c $(TR_DEPS) $(B)/asan/lib/libstp-transport.a
	@mkdir -p $(@D)
	$(CC) $(TR_CFLAGS) $(SANITIZE_ASAN) -o $@ $< $(B)/asan/lib/libstp-transport.a -pthread

$(TRT)/tsan/ring_test: $(TR_DIR)/ring_test.c $(TR_DEPS) $(B)/tsan/lib/libstp-transport.a
	@mkdir -p $(@D)
	$(CC) $(TR_CFLAGS) $(SANITIZE_TSAN) -o $@ $< $(B)/tsan/lib/libstp-transport.a -pthread

TESTSUITE_PROGRAMS += $(TRT)/ring_test $(TRT)/asan/ring_test $(TRT)/tsan/ring_test

# Attach through libmarkers' control socket: a target program, a test probe
# module built twice (two sessions at once), and the stapmark side.
$(TRT)/ctl_target: $(TR_DIR)/ctl_target.c include/stapmark/marker.h $(B)/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LIBS)

$(TRT)/ctl_module_%.so: $(TR_DIR)/ctl_module.c $(TR_DEPS) $(B)/lib/libstp-transport.a \
		$(B)/transport/obj/preload.o $(B)/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(TR_CFLAGS) -fPIC -shared -fvisibility=hidden -DTAG='"$*"' -o $@ $< \
		$(B)/transport/obj/preload.o $(B)/lib/libstp-transport.a $(TEST_LIBS)

$(TRT)/control_test: $(TR_DIR)/control_test.c $(TR_DEPS) $(B)/lib/libstp-transport.a
	@mkdir -p $(@D)
	$(CC) $(TR_CFLAGS) -o $@ $< $(B)/lib/libstp-transport.a -pthread

# The target with sanitized libmarkers: the control server under ASan and TSan.
$(TRT)/asan/ctl_target: $(TR_DIR)/ctl_target.c include/stapmark/marker.h $(B)/asan/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(SANITIZE_ASAN) -o $@ $< -L$(B)/asan/lib -lmarkers \
		-Wl,-rpath,$(ABS_B)/asan/lib -pthread -ldl

$(TRT)/tsan/ctl_target: $(TR_DIR)/ctl_target.c include/stapmark/marker.h $(B)/tsan/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(SANITIZE_TSAN) -o $@ $< -L$(B)/tsan/lib -lmarkers \
		-Wl,-rpath,$(ABS_B)/tsan/lib -pthread -ldl

TESTSUITE_PROGRAMS += $(TRT)/ctl_target $(TRT)/ctl_module_a.so $(TRT)/ctl_module_b.so \
	$(TRT)/control_test $(TRT)/asan/ctl_target $(TRT)/tsan/ctl_target
