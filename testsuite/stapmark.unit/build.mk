# C unit tests of the marker core and libmarkers (testsuite/stapmark.unit).
UNIT_DIR := testsuite/stapmark.unit
UT := $(TB)/unit
UNIT_DEPS := testsuite/lib/unit.h $(UNIT_DIR)/va_render.h include/stapmark/marker.h include/stapmark/uprobe.h \
	runtime/core/format.h

$(UT)/format_test: $(UNIT_DIR)/format_test.c runtime/core/format.c $(UNIT_DEPS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $(UNIT_DIR)/format_test.c runtime/core/format.c

# Programs linked against libmarkers: plain, ASan+UBSan and TSan builds.
$(UT)/%: $(UNIT_DIR)/%.c runtime/core/format.c $(UNIT_DEPS) $(B)/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< runtime/core/format.c $(TEST_LIBS)

$(UT)/asan/%: $(UNIT_DIR)/%.c $(UNIT_DEPS) $(B)/asan/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(SANITIZE_ASAN) -o $@ $< runtime/core/format.c -L$(B)/asan/lib -lmarkers \
		-Wl,-rpath,$(ABS_B)/asan/lib -pthread -ldl

$(UT)/tsan/%: $(UNIT_DIR)/%.c $(UNIT_DEPS) $(B)/tsan/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(SANITIZE_TSAN) -o $@ $< runtime/core/format.c -L$(B)/tsan/lib -lmarkers \
		-Wl,-rpath,$(ABS_B)/tsan/lib -pthread -ldl

# The same argument checks with every event going through libmarkers'
# __marker_probe_argi/argv instead of the site's own dispatch.
$(UT)/argv_test_ool: $(UNIT_DIR)/argv_test.c runtime/core/format.c $(UNIT_DEPS) $(B)/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -DSTAPMARK_NO_INLINE_DISPATCH -o $@ $< runtime/core/format.c $(TEST_LIBS)

$(UT)/libdlmark.so: $(UNIT_DIR)/dlmark_lib.c include/stapmark/marker.h $(B)/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -fPIC -shared -o $@ $< $(TEST_LIBS)

TESTSUITE_PROGRAMS += $(UT)/format_test $(UT)/api_test $(UT)/dlopen_test $(UT)/libdlmark.so \
	$(UT)/process_test $(UT)/stress_test $(UT)/asan/stress_test $(UT)/tsan/stress_test \
	$(UT)/asan/api_test $(UT)/asan/process_test $(UT)/argv_test $(UT)/asan/argv_test \
	$(UT)/argv_test_ool \
	$(UT)/sdt_prog $(UT)/fault_test $(UT)/uprobe_test
