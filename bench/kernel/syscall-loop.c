// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscall-loop: the user-space half of the bridged-tracepoint case of the
 * kernel benchmark (bench/kernel/run, in the guest).  Times getppid(2), a
 * syscall that does almost nothing, so what the sys_enter bridge adds when
 * armed stands out against the bare syscall.
 *
 * Prints one line like bench-kmod.ko's cases:
 *   getppid LOOPS ROUNDS MEDIAN_PS MIN_PS MAX_PS CALLS
 * where CALLS is every getppid made (calibration included), which the
 * bridge's probe must have seen.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NROUNDS 11
#define ROUND_NS 20000000ULL
#define MAX_LOOPS (1UL << 24)

/*
 * This thread's CPU time (its system time included, so the syscall, the
 * tracepoint and whatever probe sits on it), not wall time: with one vCPU,
 * the tracing tool's own reader and control threads run between the
 * calls, and under wall time their wake-ups landed on whichever case had a
 * tool attached.  Measured in the guest, our bridge script read 1585 ns a
 * call by wall time and 1038 ns by CPU time in the same boot (bare
 * getppid: 466 and 477).  "syscall-loop wall" measures wall time.
 */
static clockid_t clock_id = CLOCK_THREAD_CPUTIME_ID;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(clock_id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t time_round(unsigned long loops)
{
	uint64_t t0 = now_ns();

	/* syscall(2), not getppid(): no libc may answer from a cache. */
	for (unsigned long i = 0; i < loops; i++)
		syscall(SYS_getppid);
	return now_ns() - t0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "wall"))
		clock_id = CLOCK_MONOTONIC;
	unsigned long loops = 64, calls = 0;
	uint64_t ps[NROUNDS];

	for (;;) {
		uint64_t t = time_round(loops);

		calls += loops;
		if (t >= ROUND_NS || loops >= MAX_LOOPS)
			break;
		loops = t < ROUND_NS / 64 ? loops * 16 : loops * 2;
	}
	for (int r = 0; r < NROUNDS; r++) {
		ps[r] = time_round(loops) * 1000 / loops;
		calls += loops;
	}
	qsort(ps, NROUNDS, sizeof(ps[0]), cmp_u64);
	printf("getppid %lu %d %llu %llu %llu %lu\n", loops, NROUNDS,
	       (unsigned long long)ps[NROUNDS / 2], (unsigned long long)ps[0],
	       (unsigned long long)ps[NROUNDS - 1], calls);
	return 0;
}
