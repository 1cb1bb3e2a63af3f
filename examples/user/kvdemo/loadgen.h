/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The load generator: worker threads issuing get/set/delete requests on
 * Zipf-popular keys against one store.  A request is what the markers
 * kv_request_start and kv_request_end bracket.
 */
#ifndef KVDEMO_LOADGEN_H
#define KVDEMO_LOADGEN_H

#include "store.h"

struct loadgen_config {
	unsigned long ops; /* total requests over all threads */
	double seconds; /* stop after this long; 0: no time limit */
	unsigned int keys; /* distinct keys */
	unsigned int threads;
	unsigned long long seed; /* with one thread, same seed -> same run */
};

/* What the workers saw, from the return codes of the store. */
struct loadgen_stats {
	unsigned long ops;
	unsigned long gets, hits, misses;
	unsigned long sets, replaced;
	unsigned long deletes, deleted;
	unsigned long corrupt; /* values read back that were not what was stored */
	unsigned long errors; /* out of memory */
};

/* Run the load to completion.  Returns 0, or -1 (with errno) when the
 * threads could not be started. */
int loadgen_run(struct kv_store *store, const struct loadgen_config *cfg,
		struct loadgen_stats *total);

#endif /* KVDEMO_LOADGEN_H */
