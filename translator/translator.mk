# stapmark, the translator (for now: --dump-markers).
STAPMARK_SRCS := $(wildcard translator/*.c) runtime/core/format.c
STAPMARK_HDRS := $(wildcard translator/*.h) runtime/core/format.h
STAPMARK_CFLAGS = $(BASE_CFLAGS) $(ELF_CFLAGS) -Iruntime/core -Itranslator

$(B)/obj/stapmark/%.o: %.c $(STAPMARK_HDRS) config.mk
	@mkdir -p $(@D)
	$(CC) $(STAPMARK_CFLAGS) -c $< -o $@

$(B)/bin/stapmark: $(patsubst %.c,$(B)/obj/stapmark/%.o,$(STAPMARK_SRCS))
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(ELF_LIBS)

.PHONY: stapmark install-stapmark
stapmark: $(B)/bin/stapmark
install-stapmark: stapmark
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(B)/bin/stapmark $(DESTDIR)$(PREFIX)/bin/
