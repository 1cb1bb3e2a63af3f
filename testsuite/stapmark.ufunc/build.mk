# process.function probes on a program with nothing of stapmark in it
# (ufunc.exp): -x, system-wide, @entry with longjmp.
$(TB)/ufunc/uf_target: testsuite/stapmark.ufunc/uf_target.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O2 -o $@ $< -lpthread

TESTSUITE_PROGRAMS += $(TB)/ufunc/uf_target
