# Man pages, tapsets and the install target.
MAN1 := $(wildcard doc/*.1)
MAN3 := $(wildcard doc/*.3)
MAN4 := $(wildcard doc/*.4)
.PHONY: install install-doc
install-doc:
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man3 \
		$(DESTDIR)$(PREFIX)/share/man/man4 $(DESTDIR)$(PREFIX)/share/stapmark/tapset
	$(if $(MAN1),install -m 644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/)
	$(if $(MAN3),install -m 644 $(MAN3) $(DESTDIR)$(PREFIX)/share/man/man3/)
	$(if $(MAN4),install -m 644 $(MAN4) $(DESTDIR)$(PREFIX)/share/man/man4/)
	$(if $(wildcard tapset/*),cp -R tapset/. $(DESTDIR)$(PREFIX)/share/stapmark/tapset/)
install: install-libmarkers install-stapmark install-runtime install-doc

# What stapmark builds script modules from: the handler runtime and the
# transport (headers and sources: -D rebuilds the runtime with the
# script's limits) and their prebuilt libraries.
RUNTIME_SHARE = $(DESTDIR)$(PREFIX)/share/stapmark/runtime
.PHONY: install-runtime
install-runtime: all
	install -d $(RUNTIME_SHARE)/stp/user $(RUNTIME_SHARE)/transport \
		$(DESTDIR)$(PREFIX)/lib/stapmark
	install -m 644 runtime/stp/*.[ch] $(RUNTIME_SHARE)/stp/
	install -m 644 runtime/stp/user/*.[ch] $(RUNTIME_SHARE)/stp/user/
	install -m 644 runtime/transport/*.h $(RUNTIME_SHARE)/transport/
	install -m 644 $(B)/lib/libstp-user.a $(B)/lib/libstp-transport.a \
		$(B)/transport/obj/preload.o $(B)/obj/stp-user/module.o \
		$(DESTDIR)$(PREFIX)/lib/stapmark/
	install -d $(RUNTIME_SHARE)/stp/kernel $(RUNTIME_SHARE)/../include/stapmark
	install -m 644 runtime/stp/kernel/*.[ch] runtime/stp/kernel/Kbuild.script \
		$(RUNTIME_SHARE)/stp/kernel/
	install -m 644 include/stapmark/*.h $(RUNTIME_SHARE)/../include/stapmark/
	$(if $(KMOD_SKIP),,$(MAKE) -s install-kernel-modules)

# markers.ko for the release it was built for, with what pass 4 links
# script modules against and pass 2 resolves kernel.mark with:
# PREFIX/lib/stapmark/kernel/KREL/{markers.ko,Module.symvers,Module.markers},
# and the guest kernel's System.map and kprobes.blacklist when a guest made them.
KMOD_INSTALL_DIR = $(DESTDIR)$(PREFIX)/lib/stapmark/kernel/$(GUEST_KREL)
.PHONY: install-kernel-modules
install-kernel-modules: kernel-modules
	install -d $(KMOD_INSTALL_DIR)
	install -m 644 $(KMOD_KO) $(B)/kernel/markers/Module.symvers $(B)/kernel/Module.markers \
		$(KMOD_INSTALL_DIR)/
	for f in System.map kprobes.blacklist; do \
		if [ -f $(B)/kernel/$$f ]; then install -m 644 $(B)/kernel/$$f $(KMOD_INSTALL_DIR)/; fi; \
	done
