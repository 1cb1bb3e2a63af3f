// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stapmark: command-line entry.  For now it offers the marker-table dump;
 * the SystemTap-language translator grows here (see translator/).
 */
#include <stdio.h>
#include <string.h>

#include "dump_markers.h"

#define STAPMARK_VERSION "0.1.0"

static void usage(FILE *f)
{
	fprintf(f, "Usage: stapmark --dump-markers [-v] FILE...\n"
		   "       stapmark --version | --help\n"
		   "\n"
		   "  --dump-markers FILE...  list the markers of ELF files, one per line:\n"
		   "                          name<TAB>object<TAB>format (Module.markers)\n"
		   "  -v                      with --dump-markers: add the site address\n");
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--dump-markers")) {
		int verbose = argc >= 3 && !strcmp(argv[2], "-v");

		return cmd_dump_markers(argc - 2 - verbose, argv + 2 + verbose, verbose);
	}
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("stapmark %s\n", STAPMARK_VERSION);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 1;
}
