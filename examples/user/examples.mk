# Examples: instrumented programs and hand-written probe modules, built
# against the tree's libmarkers (found at run time through the rpath).
#   marker-example, probe-example.so   the user-space samples/markers
#   kvdemo, kvdemo-probe.so            a key-value store under load, and a
#                                      probe module that counts what it does
# The testsuite builds them again with sanitizers (stapmark.examples/build.mk).
EX_DIR := examples/user
EX_OUT := $(B)/examples/user
EX_HDRS := include/stapmark/marker.h $(wildcard $(EX_DIR)/*/*.h)
EX_LIBS = -L$(B)/lib -lmarkers $(TREE_RPATH) -pthread
KVDEMO_SRCS := $(addprefix $(EX_DIR)/kvdemo/,main.c store.c loadgen.c keys.c)

EXAMPLES := $(EX_OUT)/marker-example $(EX_OUT)/probe-example.so $(EX_OUT)/kvdemo \
	$(EX_OUT)/kvdemo-probe.so

# $(call example_variant,OUT,OBJ,LIBDIR,LINK,EXTRA_CFLAGS): the examples
# built into OUT with objects under OBJ, linked with LINK against
# LIBDIR/libmarkers.so.
define example_variant
$(2)/%.o: $(EX_DIR)/%.c $$(EX_HDRS) config.mk
	@mkdir -p $$(@D)
	$$(CC) $$(BASE_CFLAGS) $(5) -pthread -c $$< -o $$@

# Probe modules are shared objects: position-independent code.
$(2)/%.pic.o: $(EX_DIR)/%.c $$(EX_HDRS) config.mk
	@mkdir -p $$(@D)
	$$(CC) $$(BASE_CFLAGS) $(5) -fPIC -pthread -c $$< -o $$@

$(1)/marker-example: $(2)/markers/marker-example.o $(3)/libmarkers.so
	@mkdir -p $$(@D)
	$$(CC) $(5) -o $$@ $$(filter %.o,$$^) $(4) -ldl

$(1)/probe-example.so: $(2)/markers/probe-example.pic.o $(3)/libmarkers.so
	@mkdir -p $$(@D)
	$$(CC) $(5) -shared -o $$@ $$(filter %.o,$$^) $(4)

$(1)/kvdemo: $$(patsubst $(EX_DIR)/%.c,$(2)/%.o,$$(KVDEMO_SRCS)) $(3)/libmarkers.so
	@mkdir -p $$(@D)
	$$(CC) $(5) -o $$@ $$(filter %.o,$$^) $(4) -lm

$(1)/kvdemo-probe.so: $(2)/kvdemo/kvdemo-probe.pic.o $(3)/libmarkers.so
	@mkdir -p $$(@D)
	$$(CC) $(5) -shared -o $$@ $$(filter %.o,$$^) $(4)
endef

$(eval $(call example_variant,$(EX_OUT),$(B)/obj/examples/user,$(B)/lib,$$(EX_LIBS),))

.PHONY: examples
examples: $(EXAMPLES)
