/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_DUMP_MARKERS_H
#define STAPMARK_DUMP_MARKERS_H
/* stapmark --dump-markers [-v] FILE...: print the marker table of each ELF
 * file in Module.markers format; exit status 0, or 1 on any error. */
int cmd_dump_markers(int nfiles, char **files, int verbose);
#endif
