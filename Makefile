# stapmark - GNU make.  Every output goes under build/; `rm -rf build` cleans.
#   make          build libmarkers, stapmark and the examples
#   make demo     build and run the examples: scripts on user-space markers,
#                 then kernel.mark scripts in the qemu guest
#   make check    the whole DejaGnu testsuite; ends with "N passed, N failed"
#   make bench    the dispatch microbenchmark
#   make install  PREFIX=/usr/local DESTDIR=
SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

# configure writes config.mk; make runs it (installing Debian packages as
# needed) when config.mk is missing, then restarts with it.
-include config.mk
config.mk: configure scripts/install-deps
	./configure --install-deps

B := build
ABS_B := $(abspath $(B))
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra
BASE_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -Iinclude $(CFLAGS)
# Programs built in the tree find the tree's libmarkers without installing.
TREE_RPATH := -Wl,-rpath,$(ABS_B)/lib
SANITIZE_ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SANITIZE_TSAN := -fsanitize=thread

# Fragments add to these: what `all` builds, what `check` and `bench` need.
ALL_TARGETS :=
CHECK_PREREQS :=
BENCH_PREREQS :=

include runtime/user/libmarkers.mk
include translator/translator.mk
include examples/user/examples.mk
include bench/bench.mk
# Components added as they land (each fragment owns its variables' prefix).
-include $(wildcard tapset/tapset.mk runtime/stp/stp.mk runtime/transport/transport.mk runtime/kernel/kernel.mk \
	guest/guest.mk examples/kernel/examples.mk bench/kernel/bench-kernel.mk bench/script/bench-script.mk bench/sdt/bench-sdt.mk)
include testsuite/testsuite.mk
include doc/doc.mk

.PHONY: all demo check bench install clean format
all: libmarkers stapmark examples $(ALL_TARGETS)

demo: all
	@$(SHELL) examples/user/demo.sh $(B)
	@$(SHELL) examples/kernel/demo.sh $(B)

check: all testsuite-programs $(CHECK_PREREQS)
	@$(SHELL) testsuite/run-check $(B) $(RUNTEST)

bench: all bench-programs $(BENCH_PREREQS)
	@$(SHELL) bench/run $(B)

clean:
	rm -rf $(B)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')
