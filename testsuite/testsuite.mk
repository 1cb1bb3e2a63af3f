# Test programs.  Each test directory may have a build.mk that adds its
# programs to TESTSUITE_PROGRAMS (built under build/testsuite/).
TESTSUITE_PROGRAMS :=
TB := $(B)/testsuite
# Flags for C test programs linked against the tree's libmarkers.
TEST_CFLAGS = $(BASE_CFLAGS) -Itestsuite/lib -Iruntime/core -pthread
TEST_LIBS = -L$(B)/lib -lmarkers $(TREE_RPATH) -pthread -ldl

include $(wildcard testsuite/*/build.mk)

.PHONY: testsuite-programs
testsuite-programs: libmarkers $(TESTSUITE_PROGRAMS)
