# System-wide mode (process(PATH).mark without -c or -x): a libmarkers
# program that fires a marker, started before and after stapmark; and the
# same code as a shared library (which system-wide mode warns about).
SYSW_DIR := testsuite/stapmark.systemwide
SYSW_DEPS := $(SYSW_DIR)/sysw_target.c testsuite/lib/loop_options.h include/stapmark/marker.h \
	$(B)/lib/libmarkers.so

$(TB)/systemwide/sysw_target: $(SYSW_DEPS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LIBS)

$(TB)/systemwide/libsysw.so: $(SYSW_DEPS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -fPIC -shared -o $@ $< $(TEST_LIBS)

TESTSUITE_PROGRAMS += $(TB)/systemwide/sysw_target $(TB)/systemwide/libsysw.so
