# Man pages and install.
.PHONY: install install-doc
install-doc:
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man3 \
		$(DESTDIR)$(PREFIX)/share/stapmark/tapset
	install -m 644 $(wildcard doc/*.1) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 $(wildcard doc/*.3) $(DESTDIR)$(PREFIX)/share/man/man3/
	cp -R tapset/. $(DESTDIR)$(PREFIX)/share/stapmark/tapset/
install: install-libmarkers install-stapmark install-doc
