# libmarkers: the marker core with the user-space host.
# Built three times: normal (build/lib), and with AddressSanitizer+UBSan
# (build/asan/lib) and ThreadSanitizer (build/tsan/lib) for the stress tests.
MARKERS_SRCS := runtime/core/format.c runtime/core/registry.c runtime/core/dispatch.c \
	runtime/user/host.c runtime/user/control.c runtime/user/fault.c runtime/user/uprobe.c \
	runtime/user/threads.c runtime/user/rendezvous.c
MARKERS_HDRS := include/stapmark/marker.h include/stapmark/uprobe.h $(wildcard runtime/core/*.h runtime/user/*.h)
MARKERS_CFLAGS = $(BASE_CFLAGS) $(URCU_CFLAGS) -Iruntime/user -fPIC -fvisibility=hidden \
	-ftls-model=initial-exec
MARKERS_LIBS = $(URCU_LIBS) -lpthread -ldl
MARKERS_SOVERSION := 1

# $(call markers_variant,DIR,EXTRA_CFLAGS)
define markers_variant
$(1)/obj/runtime/%.o: runtime/%.c $$(MARKERS_HDRS) config.mk
	@mkdir -p $$(@D)
	$$(CC) $$(MARKERS_CFLAGS) $(2) $$(SANITIZE_EXCEPTIONS) -c $$< -o $$@

$(1)/lib/libmarkers.so.$$(MARKERS_SOVERSION): $$(patsubst %.c,$(1)/obj/%.o,$$(MARKERS_SRCS)) runtime/user/libmarkers.map
	@mkdir -p $$(@D)
	$$(CC) -shared -Wl,-soname,libmarkers.so.$$(MARKERS_SOVERSION) \
		-Wl,--version-script=runtime/user/libmarkers.map $(2) \
		-o $$@ $$(filter %.o,$$^) $$(MARKERS_LIBS)

$(1)/lib/libmarkers.so: $(1)/lib/libmarkers.so.$$(MARKERS_SOVERSION)
	ln -sf libmarkers.so.$$(MARKERS_SOVERSION) $$@
endef

# liburcu-bp 0.13 places its per-thread reader records 32-byte aligned in an
# arena while the type asks for 128 (cache-line padding): harmless, but UBSan
# flags every read-side access, which is inlined into the dispatcher (and
# its slow path in host.c).
$(B)/asan/obj/runtime/core/dispatch.o $(B)/asan/obj/runtime/user/host.o: \
	SANITIZE_EXCEPTIONS := -fno-sanitize=alignment

$(eval $(call markers_variant,$(B),))
$(eval $(call markers_variant,$(B)/asan,$(SANITIZE_ASAN)))
$(eval $(call markers_variant,$(B)/tsan,$(SANITIZE_TSAN)))

$(B)/lib/libmarkers.a: $(patsubst %.c,$(B)/obj/%.o,$(MARKERS_SRCS))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# pkg-config file for the build tree (make install writes one for PREFIX).
$(B)/lib/pkgconfig/libmarkers.pc: runtime/user/libmarkers.pc.in config.mk
	@mkdir -p $(@D)
	sed -e 's|@prefix@|$(ABS_B)|' -e 's|@includedir@|$(CURDIR)/include|' \
		-e 's|@libdir@|$(ABS_B)/lib|' $< > $@

.PHONY: libmarkers libmarkers-sanitized
libmarkers: $(B)/lib/libmarkers.so $(B)/lib/libmarkers.a $(B)/lib/pkgconfig/libmarkers.pc
libmarkers-sanitized: $(B)/asan/lib/libmarkers.so $(B)/tsan/lib/libmarkers.so

install-libmarkers: libmarkers
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/stapmark
	install -m 755 $(B)/lib/libmarkers.so.$(MARKERS_SOVERSION) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libmarkers.so.$(MARKERS_SOVERSION) $(DESTDIR)$(PREFIX)/lib/libmarkers.so
	install -m 644 $(B)/lib/libmarkers.a $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/stapmark/marker.h include/stapmark/uprobe.h $(DESTDIR)$(PREFIX)/include/stapmark/
	sed -e 's|@prefix@|$(PREFIX)|' -e 's|@includedir@|$${prefix}/include|' \
		-e 's|@libdir@|$${prefix}/lib|' runtime/user/libmarkers.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/libmarkers.pc
