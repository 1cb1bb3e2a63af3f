# Traced program of the script run tests (scripts.exp): markers with known
# values of every format conversion, and loop/crash/flood modes.
SCRTEST_TB := $(TB)/scripts

$(SCRTEST_TB)/marktest: testsuite/stapmark.scripts/marktest.c testsuite/lib/loop_options.h include/stapmark/marker.h \
		$(B)/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LIBS)

TESTSUITE_PROGRAMS += $(SCRTEST_TB)/marktest
