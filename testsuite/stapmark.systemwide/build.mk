# System-wide mode (process(PATH).mark without -c or -x): a libmarkers
# program that fires a marker, started before and after stapmark.
SYSW_DIR := testsuite/stapmark.systemwide

$(TB)/systemwide/sysw_target: $(SYSW_DIR)/sysw_target.c testsuite/lib/loop_options.h \
		include/stapmark/marker.h $(B)/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LIBS)

TESTSUITE_PROGRAMS += $(TB)/systemwide/sysw_target
