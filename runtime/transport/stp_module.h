/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The contract between a probe module (the .so stapmark builds in pass 4)
 * and whatever loads it into a target: libmarkers' control server (-x PID)
 * or the dynamic loader through LD_PRELOAD (-c CMD).
 *
 * A module defines both entry points (default visibility; everything else
 * in it should be hidden, so that two modules in one process never bind to
 * each other's symbols):
 *
 *   int stp_module_attach(const struct stp_attach_info *info);
 *	Map the segment (stp_transport_attach(info->seg_fd)), register and arm
 *	the module's probes.  Returns 0 or a negative errno, after undoing
 *	what it did.  info->seg_fd is only valid during the call.
 *
 *   void stp_module_detach(void);
 *	Unregister and disarm every probe, call
 *	marker_synchronize_unregister(), then stp_transport_detach().  After
 *	it returns no code of the module runs any more: the loader may
 *	dlclose it.  Called at most once per successful attach.
 *
 * Both are called from one thread at a time (the control server's thread,
 * or the loader's for -c).  For -c the module also carries
 * runtime/transport/preload.c, whose constructor calls stp_module_attach
 * with the segment named by the environment below.
 */
#ifndef STAPMARK_TRANSPORT_MODULE_H
#define STAPMARK_TRANSPORT_MODULE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STP_ATTACH_VERSION 1

/* How the module was loaded (stp_attach_info.how). */
#define STP_ATTACH_CONTROL 1 /* by libmarkers' control server, for -x */
#define STP_ATTACH_PRELOAD 2 /* by LD_PRELOAD, for -c */

struct stp_attach_info {
	uint32_t version; /* STP_ATTACH_VERSION */
	uint32_t how; /* STP_ATTACH_* */
	int seg_fd; /* the session's segment (memfd) */
	uint64_t session_id; /* the segment's session_id; 0 if unknown */
};

#define STP_MODULE_ATTACH_SYM "stp_module_attach"
#define STP_MODULE_DETACH_SYM "stp_module_detach"

typedef int stp_module_attach_fn(const struct stp_attach_info *info);
typedef void stp_module_detach_fn(void);

__attribute__((visibility("default"))) int stp_module_attach(const struct stp_attach_info *info);
__attribute__((visibility("default"))) void stp_module_detach(void);

/*
 * Environment of a -c command (set by stp_spawn_preloaded):
 *   LD_PRELOAD            the module (prepended to any existing list)
 *   STAPMARK_SEGMENT_FD   decimal fd number of the segment, inherited
 *   STAPMARK_SESSION      session_id of the segment, 16 hex digits; the
 *                         module checks it, so an fd number reused by the
 *                         program for something else is never mistaken
 *                         for the segment
 * Both stay set, and the fd stays open, so that the command's children
 * (a shell running the real program) attach too: one session, one segment.
 */
#define STP_ENV_SEGMENT_FD "STAPMARK_SEGMENT_FD"
#define STP_ENV_SESSION "STAPMARK_SESSION"

#ifdef __cplusplus
}
#endif

#endif /* STAPMARK_TRANSPORT_MODULE_H */
