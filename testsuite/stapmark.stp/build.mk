# Unit tests of the handler runtime (runtime/stp): plain, ASan+UBSan, TSan.
STP_TEST_DIR := testsuite/stapmark.stp
STPT := $(TB)/stp
STP_TEST_CFLAGS = $(TEST_CFLAGS) -Iruntime/stp -Iruntime/stp/user
STP_TEST_DEPS := testsuite/lib/unit.h $(STP_TEST_DIR)/stp_test.h $(STP_HDRS)
STP_TESTS := map_test stat_test printf_test tapset_test limits_test shm_test concurrency_test \
	slots_test ere_test

$(STPT)/%: $(STP_TEST_DIR)/%.c $(STP_TEST_DEPS) $(B)/lib/libstp-user.a
	@mkdir -p $(@D)
	$(CC) $(STP_TEST_CFLAGS) -o $@ $< -L$(B)/lib -lstp-user -pthread

$(STPT)/asan/%: $(STP_TEST_DIR)/%.c $(STP_TEST_DEPS) $(B)/asan/lib/libstp-user.a
	@mkdir -p $(@D)
	$(CC) $(STP_TEST_CFLAGS) $(SANITIZE_ASAN) -o $@ $< -L$(B)/asan/lib -lstp-user -pthread

$(STPT)/tsan/%: $(STP_TEST_DIR)/%.c $(STP_TEST_DEPS) $(B)/tsan/lib/libstp-user.a
	@mkdir -p $(@D)
	$(CC) $(STP_TEST_CFLAGS) $(SANITIZE_TSAN) -o $@ $< -L$(B)/tsan/lib -lstp-user -pthread

# limits_test compiles the runtime with itself under -D overrides, as pass 4
# compiles it with a script's -D options (not program.c, which needs the
# marker API of libmarkers).
STP_LIMITS_SRCS := $(filter-out %/program.c,$(STP_CORE_SRCS)) $(STP_USER_SRCS)
STP_LIMITS_D := -DMAXACTION=50 -DMAXERRORS=2 -DMAXSKIPPED=3 -DMAXSTRINGLEN=32 \
	-DMAXMAPENTRIES=8 -DMAXNESTING=3 -DMAXTRYLOCK=3
$(STPT)/limits_test: $(STP_TEST_DIR)/limits_test.c $(STP_TEST_DEPS) $(STP_LIMITS_SRCS)
	@mkdir -p $(@D)
	$(CC) $(STP_TEST_CFLAGS) $(STP_LIMITS_D) -o $@ $< $(STP_LIMITS_SRCS) -pthread -lelf

$(STPT)/asan/limits_test: $(STP_TEST_DIR)/limits_test.c $(STP_TEST_DEPS) $(STP_LIMITS_SRCS)
	@mkdir -p $(@D)
	$(CC) $(STP_TEST_CFLAGS) $(SANITIZE_ASAN) $(STP_LIMITS_D) -o $@ $< $(STP_LIMITS_SRCS) -pthread -lelf

TESTSUITE_PROGRAMS += $(addprefix $(STPT)/,$(STP_TESTS)) $(addprefix $(STPT)/asan/,$(STP_TESTS)) \
	$(STPT)/tsan/concurrency_test $(STPT)/tsan/shm_test $(STPT)/tsan/slots_test
