/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals of markers.ko shared by its files (not for other modules). */
#ifndef STAPMARK_KERNEL_MARKERS_KERNEL_H
#define STAPMARK_KERNEL_MARKERS_KERNEL_H

struct marker;

/* host.c: the module being registered, for host_object_name(). */
extern const char *marker_host_registering;

/* bridges.c: find the stock tracepoints; detach everything at exit. */
int marker_bridges_init(void);
void marker_bridges_exit(void);

/* procfs.c: /proc/markers. */
int marker_proc_init(void);
void marker_proc_exit(void);

#endif
