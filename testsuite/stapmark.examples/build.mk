# The kvdemo example again, built with AddressSanitizer+UBSan against the
# sanitized libmarkers, so that examples.exp can run it with its probe
# module attached and catch memory errors in the store, the load generator,
# the probes or the marker runtime under them (see example_variant in
# examples/user/examples.mk).
EXAMPLES_ASAN := $(TB)/examples/asan
EXAMPLES_ASAN_LIBS = -L$(B)/asan/lib -lmarkers -Wl,-rpath,$(ABS_B)/asan/lib -pthread

$(eval $(call example_variant,$(EXAMPLES_ASAN),$(EXAMPLES_ASAN)/obj,$(B)/asan/lib,\
	$$(EXAMPLES_ASAN_LIBS),$$(SANITIZE_ASAN)))

TESTSUITE_PROGRAMS += $(EXAMPLES_ASAN)/kvdemo $(EXAMPLES_ASAN)/kvdemo-probe.so
