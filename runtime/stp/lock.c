// SPDX-License-Identifier: GPL-2.0-or-later
/* Global locks with stap's trylock-and-skip policy. */
#include "lock.h"
#include "context.h"

static int try_one(const struct stp_lockreq *q)
{
	int tries;

	for (tries = 0; tries < MAXTRYLOCK; tries++) {
		if (!(q->write ? stp_host_rwlock_trywrlock(q->lock)
			       : stp_host_rwlock_tryrdlock(q->lock)))
			return 0;
		stp_host_delay_us(TRYLOCKDELAY);
	}
	return -1;
}

int stp_lock_globals(struct stp_context *c, const struct stp_lockreq *req, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (try_one(&req[i]) < 0) {
			while (i-- > 0)
				stp_host_rwlock_unlock(req[i].lock);
			stp_count_skip(c->r);
			return -1;
		}
	}
	return 0;
}

void stp_unlock_globals(struct stp_context *c, const struct stp_lockreq *req, int n)
{
	(void)c;
	while (n-- > 0)
		stp_host_rwlock_unlock(req[n].lock);
}
