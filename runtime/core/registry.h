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

#endif /* STAPMARK_CORE_REGISTRY_H */
