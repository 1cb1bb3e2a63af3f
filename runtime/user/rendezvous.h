/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libmarkers' side of the system-wide rendezvous (../transport/rendezvous_proto.h). */
#ifndef STAPMARK_USER_RENDEZVOUS_H
#define STAPMARK_USER_RENDEZVOUS_H

/* At load, once the control server listens: if system-wide sessions trace
 * this executable, tell each and wait (bounded) until it has attached. */
void marker_rendezvous_at_start(void);

#endif /* STAPMARK_USER_RENDEZVOUS_H */
