# Fixtures of the marker-table tests (testsuite/stapmark.elf), under build/testsuite/elf.
#   pie, nopie       one site of each kind of format (sites.c), PIE and not
#   libshlib.so      a shared library with markers
#   reloc.o          a relocatable object (unrelocated note addresses)
#   module.ko        reloc.o and module.o linked with ld -r, like a kernel module
#   nomarkers        includes marker.h, places no marker
#   twofmt           one marker name with two formats in two translation units
#   notes64.o        hand-made notes with known addresses (notes.S);
#   notes32.o        the same as a 32-bit object (4-byte address fields)
#   bad-*.o          notes.S with one malformed note
#   notelf.txt       not ELF;  truncated: the first 200 bytes of pie
ELFTEST_DIR := testsuite/stapmark.elf
ELFTEST_TB := $(TB)/elf
ELFTEST_DEPS := include/stapmark/marker.h $(B)/lib/libmarkers.so $(ELFTEST_DIR)/build.mk
ELFTEST_BAD := name format short empty-name size
# Functions in source order, so the expected listings follow the sources
# (gcc reorders them otherwise; clang keeps the order and lacks the flag).
ELFTEST_ORDER := $(shell $(CC) -fno-toplevel-reorder -E -x c /dev/null >/dev/null 2>&1 && \
	echo -fno-toplevel-reorder)
ELFTEST_CFLAGS = $(TEST_CFLAGS) $(ELFTEST_ORDER)

$(ELFTEST_TB)/pie: $(ELFTEST_DIR)/sites.c $(ELFTEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ELFTEST_CFLAGS) -fPIE -pie -o $@ $< $(TEST_LIBS)

$(ELFTEST_TB)/nopie: $(ELFTEST_DIR)/sites.c $(ELFTEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ELFTEST_CFLAGS) -fno-pie -no-pie -o $@ $< $(TEST_LIBS)

$(ELFTEST_TB)/libshlib.so: $(ELFTEST_DIR)/shlib.c $(ELFTEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ELFTEST_CFLAGS) -fPIC -shared -o $@ $< $(TEST_LIBS)

$(ELFTEST_TB)/%.o: $(ELFTEST_DIR)/%.c $(ELFTEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ELFTEST_CFLAGS) -c -o $@ $<

$(ELFTEST_TB)/module.ko: $(ELFTEST_TB)/reloc.o $(ELFTEST_TB)/module.o
	$(CC) -r -nostdlib -o $@ $^

$(ELFTEST_TB)/nomarkers: $(ELFTEST_DIR)/nomarkers.c $(ELFTEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ELFTEST_CFLAGS) -o $@ $< $(TEST_LIBS)

$(ELFTEST_TB)/twofmt: $(ELFTEST_DIR)/twofmt_a.c $(ELFTEST_DIR)/twofmt_b.c $(ELFTEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ELFTEST_CFLAGS) -o $@ $(filter %.c,$^) $(TEST_LIBS)

$(ELFTEST_TB)/notes64.o: $(ELFTEST_DIR)/notes.S
	@mkdir -p $(@D)
	$(CC) -c -o $@ $<

# 32-bit only needs the assembler (as --32), not a 32-bit libc.
$(ELFTEST_TB)/notes32.o: $(ELFTEST_DIR)/notes.S
	@mkdir -p $(@D)
	$(CC) -m32 -c -o $@ $<

# bad-empty-name.o is built with -DBAD_EMPTY_NAME, and so on.
$(ELFTEST_TB)/bad-%.o: $(ELFTEST_DIR)/notes.S
	@mkdir -p $(@D)
	$(CC) -DBAD_$(shell echo '$*' | tr a-z- A-Z_) -c -o $@ $<

$(ELFTEST_TB)/notelf.txt: $(ELFTEST_DIR)/build.mk
	@mkdir -p $(@D)
	echo 'This is not an ELF file.' > $@

$(ELFTEST_TB)/truncated: $(ELFTEST_TB)/pie
	head -c 200 $< > $@

TESTSUITE_PROGRAMS += $(addprefix $(ELFTEST_TB)/,pie nopie libshlib.so reloc.o module.ko nomarkers \
	twofmt notes64.o notes32.o notelf.txt truncated $(ELFTEST_BAD:%=bad-%.o))
