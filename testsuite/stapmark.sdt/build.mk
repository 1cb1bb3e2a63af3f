# sys/sdt.h probes of programs not built with stapmark: an SDT-only C
# program with a semaphore, and a C++ program whose libstdc++ fires them.
SDT_DIR := testsuite/stapmark.sdt
SDTT := $(TB)/sdt
CXX ?= g++

$(SDTT)/sdt_only: $(SDT_DIR)/sdt_only.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -o $@ $<

$(SDTT)/throw: $(SDT_DIR)/throw.cc
	@mkdir -p $(@D)
	$(CXX) -O2 -g -Wall -Wextra -o $@ $<

TESTSUITE_PROGRAMS += $(SDTT)/sdt_only $(SDTT)/throw

$(SDTT)/sdt_sib: $(SDT_DIR)/sdt_sib.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -o $@ $<

TESTSUITE_PROGRAMS += $(SDTT)/sdt_sib
