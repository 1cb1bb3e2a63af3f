/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Marker registry internals shared by the core's files and the hosts. */
#ifndef STAPMARK_CORE_REGISTRY_H
#define STAPMARK_CORE_REGISTRY_H

#include <stapmark/marker.h>

/* struct marker.flags */
#define MARKER_SITE_BAD_FORMAT 0x1 /* format did not parse: never armed */
#define MARKER_SITE_MISMATCH 0x2 /* format differs from the probes': not armed */
#define MARKER_SITE_CONFLICT 0x4 /* another site of this name has another format */

/* Free probe arrays retired by updates once this many wait for a grace period. */
#define MARKER_RETIRED_MAX 1024

/*
 * Disconnect every probe for which match(name, probe, probe_private, arg) is
 * nonzero; returns how many.  For a host cleaning up after code that left
 * probes registered when it was unloaded (markers.ko: a probe module).  The
 * caller then waits with marker_synchronize_unregister().
 */
int marker_probe_unregister_matching(int (*match)(const char *name, marker_probe_func *probe,
						  void *probe_private, void *arg),
				     void *arg);

#endif /* STAPMARK_CORE_REGISTRY_H */
