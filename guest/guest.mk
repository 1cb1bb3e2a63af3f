# guest/: the qemu test guest (guest/run).  Its initramfs and unpacked
# kernel are cached under $(B)/guest; guest/run rebuilds them when stale.
# Before `make check`, build them and say whether kernel tests can run:
# they are skipped (UNSUPPORTED, with the reason) when not.
GUEST_RUN := guest/run -B $(B)

.PHONY: guest
guest:
	@$(GUEST_RUN) --check || echo "guest: unavailable; the kernel tests will be skipped"

CHECK_PREREQS += guest
