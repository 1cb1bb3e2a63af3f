# Pass 5, the run driver (stapmark --run-module): a script module written by
# hand as pass 3 generates one, built as pass 4 builds it (the module's C,
# the handler runtime, the transport, preload.o; runtime symbols kept
# private so that two modules in one process never bind to each other),
# and a traced program.
RUN_DIR := testsuite/stapmark.run
RUNT := $(TB)/run
RUN_MOD_CFLAGS = $(TEST_CFLAGS) -Iruntime/stp -Iruntime/stp/user -Iruntime/transport \
	-fPIC -fvisibility=hidden
RUN_MOD_DEPS := $(wildcard runtime/stp/*.h runtime/stp/user/*.h runtime/transport/*.h)
RUN_MOD_LIBS = $(B)/transport/obj/preload.o $(B)/lib/libstp-user.a $(B)/lib/libstp-transport.a

$(RUNT)/fake_script.so: $(RUN_DIR)/fake_script.c $(RUN_MOD_DEPS) $(RUN_MOD_LIBS) $(B)/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(RUN_MOD_CFLAGS) -shared -Wl,--exclude-libs,ALL -o $@ $< $(RUN_MOD_LIBS) $(TEST_LIBS)

$(RUNT)/fake_timer.so: $(RUN_DIR)/fake_script.c $(RUN_MOD_DEPS) $(RUN_MOD_LIBS) $(B)/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(RUN_MOD_CFLAGS) -DFAKE_NO_MARKERS -shared -Wl,--exclude-libs,ALL -o $@ $< \
		$(RUN_MOD_LIBS) $(TEST_LIBS)

$(RUNT)/target: $(RUN_DIR)/target.c testsuite/lib/loop_options.h include/stapmark/marker.h $(B)/lib/libmarkers.so
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LIBS)

TESTSUITE_PROGRAMS += $(RUNT)/fake_script.so $(RUNT)/fake_timer.so $(RUNT)/target
