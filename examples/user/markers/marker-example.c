// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * marker-example: a program with two markers, the user-space counterpart of
 * the kernel's samples/markers/marker-example.
 *
 *   marker-example [-p PROBE.so] [COUNT]
 *
 * Each of COUNT rounds (default 3) fires subsystem_event with the round
 * number and a word, does a little work, and fires subsystem_eventb.  With
 * nothing attached both sites are a predicted branch each and the program
 * prints only its own summary.
 *
 * A probe module is attached with LD_PRELOAD (the analogue of insmod before
 * the code runs: its probes are registered before this program's markers
 * are known and stay pending until they are), or with -p, which dlopen()s
 * it after the markers are registered (insmod into a running system).  The
 * events seen must be the same either way.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stapmark/marker.h>

static const char *const words[] = {"hello", "marker", "world", "probe"};

/* The "little work" between events: a checksum the compiler cannot drop,
 * 32 bits wide so that it prints the same everywhere. */
static unsigned int work(unsigned int sum, int round)
{
	int i;

	for (i = 0; i < 1000; i++)
		sum = sum * 31 + (unsigned int)(round ^ i);
	return sum;
}

static void usage(void)
{
	fprintf(stderr, "usage: marker-example [-p PROBE.so] [COUNT]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *probe_module = NULL;
	void *handle = NULL;
	unsigned int sum = 0;
	int count = 3;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-p") && i + 1 < argc) {
			probe_module = argv[++i];
		} else if (argv[i][0] >= '0' && argv[i][0] <= '9') {
			count = atoi(argv[i]);
		} else {
			usage();
		}
	}

	if (probe_module) {
		/* RTLD_NOW: a probe module with a missing symbol should fail here,
		 * not halfway through a probe. */
		handle = dlopen(probe_module, RTLD_NOW);
		if (!handle) {
			fprintf(stderr, "marker-example: %s\n", dlerror());
			return 1;
		}
	}

	for (i = 1; i <= count; i++) {
		trace_mark(subsystem_event, "integer %d string %s", i,
			   words[(i - 1) % (sizeof(words) / sizeof(words[0]))]);
		sum = work(sum, i);
		trace_mark(subsystem_eventb, MARK_NOARGS);
	}

	/* Flush before a probe module's destructor prints its own summary. */
	printf("marker-example: %d rounds, checksum %08x\n", count, sum);
	fflush(stdout);

	if (handle)
		dlclose(handle); /* the analogue of rmmod: runs its destructor */
	return 0;
}
