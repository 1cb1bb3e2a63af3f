# Fixture of the pass-2 tests (testsuite/semok, semko): a program whose
# marker table covers every kind of format, under build/testsuite/pass2.
PASS2TEST_TB := $(TB)/pass2

$(PASS2TEST_TB)/marks: testsuite/stapmark.pass2/marks.c include/stapmark/marker.h \
		$(B)/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LIBS)

TESTSUITE_PROGRAMS += $(PASS2TEST_TB)/marks
