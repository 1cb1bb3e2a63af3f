/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals of markers.ko shared by its files (not for other modules). */
#ifndef STAPMARK_KERNEL_MARKERS_KERNEL_H
#define STAPMARK_KERNEL_MARKERS_KERNEL_H

struct marker;
struct proc_dir_entry;

/* host.c: the module being registered, for host_object_name(). */
extern const char *marker_host_registering;

/* bridges.c: find the stock tracepoints; detach everything at exit. */
int marker_bridges_init(void);
void marker_bridges_exit(void);

/* procfs.c: /proc/markers, and /proc/stapmark (exported: the script
 * modules' directories go there). */
extern struct proc_dir_entry *stapmark_proc_dir;
int marker_proc_init(void);
void marker_proc_exit(void);

#endif
