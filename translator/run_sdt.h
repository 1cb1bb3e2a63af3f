/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_RUN_SDT_H
#define STAPMARK_RUN_SDT_H
/*
 * Pass 5 for sys/sdt.h probes (run_sdt.c): one BPF program (sdt.bpf.c,
 * built into stapmark) attached with libbpf to every site of every SDT
 * probe of the script, for one process (-c, -x) or all (pid -1); its ring
 * read by a thread of stapmark that runs each hit's handler as that
 * process (stp_user_set_remote).
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "stp_script.h"

struct sdt_run;

/* Load the BPF object and attach every SDT probe of sc to pid (-1: every
 * process; descendants: pid and the processes it starts, for -c).  0, or
 * -1 with a message in err. */
int sdt_run_open(struct sdt_run **out, const struct stp_script *sc, pid_t pid, bool descendants,
		 char *err, size_t errlen);
/* Start running handlers (after the begin probes). 0 or -errno. */
int sdt_run_start(struct sdt_run *r);
/* Detach every probe, run the handlers of every hit still in the ring,
 * and stop the reader thread: afterwards no SDT handler runs.  Call it
 * before the session leaves RUNNING, so no hit already made is lost. */
void sdt_run_finish(struct sdt_run *r);
/* Hits the BPF program found no room for in the ring. */
uint64_t sdt_run_drops(const struct sdt_run *r);
void sdt_run_close(struct sdt_run *r);

/* -c with SDT probes: start CMD (sh -c, with the module preloaded as
 * stp_spawn_command does) held before its exec, so that the probes can be
 * attached to its pid first; sdt_spawn_release lets it go.  0 or -errno. */
struct stp_segment;
int sdt_spawn_held(pid_t *pid, int *gate, const char *cmd, const char *module_path,
		   const struct stp_segment *seg);
void sdt_spawn_release(int gate);

#endif
