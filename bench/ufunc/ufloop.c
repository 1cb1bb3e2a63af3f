// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ufloop: the function-probe benchmark's workload (bench/ufunc/run), a
 * program that knows nothing of stapmark (no libmarkers, no markers): a
 * tight loop of calls to uf_func, the function the tools probe.  It times
 * itself on this thread's CPU clock, which counts what a probe costs the
 * traced program (the trap, the BPF program, the copy into a ring).
 *
 *   ufloop N RESULT [--held]
 *
 * N calls, 5 times; RESULT gets "ns=BEST events=5N" (best loop, ns a
 * call).  --held: print "up" and wait for a byte on stdin first, so that
 * a tool can attach (-x, system-wide) before the loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Not inlined, and kept: each call is one hit of a probe on it.  Built
 * without optimisation so that it starts with push %rbp, as a function
 * with a frame does: the kernel's uprobes emulate that instruction, where
 * an optimised leaf's first one (lea) would be single-stepped (~10 us a
 * hit here, for every tool alike). */
__attribute__((noinline, optimize("O0"))) long uf_func(long a, long b)
{
	__asm__ volatile("" : "+r"(a));
	return a + b;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[1]) : 0, sum = 0;
	double best = -1;
	char c;

	if (n <= 0) {
		fprintf(stderr, "usage: ufloop N RESULT [--held]\n");
		return 2;
	}
	if (argc > 3 && !strcmp(argv[3], "--held")) {
		printf("up\n");
		fflush(stdout);
		if (read(0, &c, 1) != 1)
			return 1;
	}
	for (int rep = 0; rep < 5; rep++) {
		double t0 = now_ns();

		for (long i = 0; i < n; i++)
			sum += uf_func(i, rep);
		double ns = (now_ns() - t0) / (double)n;

		if (best < 0 || ns < best)
			best = ns;
	}
	FILE *f = fopen(argv[2], "w");

	if (!f)
		return 1;
	fprintf(f, "ns=%.1f events=%ld sum=%ld\n", best, 5 * n, sum);
	return fclose(f) != 0;
}
