# Man pages, tapsets and the install target.
MAN1 := $(wildcard doc/*.1)
MAN3 := $(wildcard doc/*.3)
.PHONY: install install-doc
install-doc:
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man3 \
		$(DESTDIR)$(PREFIX)/share/stapmark/tapset
	$(if $(MAN1),install -m 644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/)
	$(if $(MAN3),install -m 644 $(MAN3) $(DESTDIR)$(PREFIX)/share/man/man3/)
	$(if $(wildcard tapset/*),cp -R tapset/. $(DESTDIR)$(PREFIX)/share/stapmark/tapset/)
install: install-libmarkers install-stapmark install-doc
