// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A program with a semaphore-guarded sys/sdt.h probe and no stapmark in
 * it: says "up" on stdout once running (mapped), waits for one byte on
 * stdin, then fires sdtdemo:tick N times (only while a tool raised the
 * semaphore) and exits.
 *   sdt_only N
 */
#define _SDT_HAS_SEMAPHORES 1
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>
#include <unistd.h>

__extension__ unsigned short sdtdemo_tick_semaphore __attribute__((unused))
__attribute__((section(".probes")));

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10, fired = 0;
	char c;

	printf("up\n");
	fflush(stdout);
	if (read(0, &c, 1) != 1)
		return 1;
	for (long i = 0; i < n; i++)
		if (sdtdemo_tick_semaphore) {
			STAP_PROBE2(sdtdemo, tick, i, n);
			fired++;
		}
	printf("fired %ld\n", fired);
	return 0;
}
