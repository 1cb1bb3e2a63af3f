# stapmark, the translator (for now: --dump-markers).
STAPMARK_SRCS := $(wildcard translator/*.c) runtime/core/format.c
STAPMARK_HDRS := $(wildcard translator/*.h) runtime/core/format.h
STAPMARK_CFLAGS = $(BASE_CFLAGS) $(ELF_CFLAGS) -Iruntime/core -Itranslator

$(B)/obj/stapmark/%.o: %.c $(STAPMARK_HDRS) config.mk
	@mkdir -p $(@D)
	$(CC) $(STAPMARK_CFLAGS) -c $< -o $@

# Pass 5 (translator/run*.c) drives the output transport and loads script
# modules, whose session states it reads (runtime/stp/region.h).
STAPMARK_RUN_OBJS := $(foreach d,$(B) $(B)/asan,\
	$(patsubst %.c,$(d)/obj/stapmark/%.o,$(wildcard translator/run*.c)))
$(STAPMARK_RUN_OBJS): STAPMARK_CFLAGS += -Iruntime/transport -Iruntime/stp -Iruntime/stp/user \
	-Iruntime/sdt $(BPF_CFLAGS)
$(STAPMARK_RUN_OBJS): $(wildcard runtime/transport/*.h runtime/stp/*.h runtime/stp/user/*.h \
	runtime/sdt/*.h)
STAPMARK_LIBS = $(ELF_LIBS) $(BPF_LIBS) -ldl -pthread

# sys/sdt.h probes: one BPF program, built here and linked into stapmark
# (run_sdt.c loads it from memory).  The uapi struct pt_regs is all that
# <bpf/usdt.bpf.h> needs: no vmlinux.h.
SDT_BPF_OBJ := $(B)/obj/sdt/sdt.bpf.o
$(SDT_BPF_OBJ): runtime/sdt/sdt.bpf.c runtime/sdt/sdt_event.h config.mk
	@mkdir -p $(@D)
	$(BPF_CC) -O2 -g -target bpf -D__TARGET_ARCH_x86 -I/usr/include/$(shell $(CC) -print-multiarch) \
		-Iruntime/sdt $(BPF_CFLAGS) -Wall -c $< -o $@
$(B)/obj/sdt/sdt_blob.o: runtime/sdt/sdt_blob.S $(SDT_BPF_OBJ)
	$(CC) -DSDT_BPF_OBJ='"$(abspath $(SDT_BPF_OBJ))"' -c $< -o $@

$(B)/bin/stapmark: $(patsubst %.c,$(B)/obj/stapmark/%.o,$(STAPMARK_SRCS)) $(B)/obj/sdt/sdt_blob.o \
		$(B)/lib/libstp-transport.a
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(STAPMARK_LIBS)

.PHONY: stapmark install-stapmark
stapmark: $(B)/bin/stapmark
install-stapmark: stapmark
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(B)/bin/stapmark $(DESTDIR)$(PREFIX)/bin/

# Fuzzing the parser with libFuzzer (clang): make fuzz [FUZZ_SECONDS=60].
# Seed corpus: a copy of the parse tests; new inputs the fuzzer finds stay in
# build/fuzz/corpus, crashes land in build/fuzz/ (crash-*, leak-*, timeout-*).
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_SRCS := $(filter-out translator/main.c translator/dump_markers.c translator/run%.c \
	translator/backend%.c,\
	$(wildcard translator/*.c)) runtime/core/format.c translator/fuzz/parse_fuzz.c

$(B)/fuzz/parse_fuzz: $(FUZZ_SRCS) $(STAPMARK_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 $(WARN) -D_GNU_SOURCE -Iinclude -Itranslator -Iruntime/core \
		$(ELF_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined $(FUZZ_SRCS) -o $@ $(ELF_LIBS)

.PHONY: fuzz
fuzz: $(B)/fuzz/parse_fuzz
	@mkdir -p $(B)/fuzz/corpus
	@# Seed a copy: libFuzzer writes into the corpus directories it is given.
	cp -n testsuite/parseok/*.stp testsuite/parseko/*.stp testsuite/semok/*.stp \
		testsuite/semko/*.stp $(B)/fuzz/corpus/ 2>/dev/null || true
	cd $(B)/fuzz && ./parse_fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=2048 -max_len=8192 corpus

# stapmark under AddressSanitizer+UBSan (leaks included), for the testsuite's
# "no input crashes or leaks" runs over every parse and semantic case.
$(B)/asan/obj/stapmark/%.o: %.c $(STAPMARK_HDRS) config.mk
	@mkdir -p $(@D)
	$(CC) $(STAPMARK_CFLAGS) $(SANITIZE_ASAN) -c $< -o $@

$(B)/asan/bin/stapmark: $(patsubst %.c,$(B)/asan/obj/stapmark/%.o,$(STAPMARK_SRCS)) \
		$(B)/obj/sdt/sdt_blob.o $(B)/asan/lib/libstp-transport.a
	@mkdir -p $(@D)
	$(CC) $(SANITIZE_ASAN) -o $@ $^ $(STAPMARK_LIBS)

CHECK_PREREQS += $(B)/asan/bin/stapmark
