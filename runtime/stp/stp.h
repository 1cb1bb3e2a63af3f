/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The handler runtime, all of it: what generated probe modules include.
 *
 *   stp_config.h  limits (MAXSTRINGLEN, MAXACTION, MAXMAPENTRIES, ...; -D)
 *   stp_host.h    what a host (user space, kernel) provides
 *   region.h      the shared region: offsets, allocator, session state
 *   lock.h        global locks (trylock, skip) and per-slot locks
 *   context.h     per-hit context: prologue/epilogue, errors, MAXACTION
 *   value.h       script values: long, string
 *   stat.h        statistics and histograms
 *   map.h         associative arrays, statistics arrays, foreach
 *   printf.h      stap's printf engine
 *   print.h       print/printf/sprintf into the hit's output
 *   tapset.h      tapset functions in C (stp_fn_*)
 *
 * Setting up (stapmark, before any handler runs): map a zero-filled region,
 * stp_region_init(base, size, nslots), allocate the generated globals block
 * with stp_region_set_root(r, sizeof(struct globals)), and fill it: locks
 * (stp_lock_init), maps (stp_map_new), statistics (stp_stat_new), scalar
 * globals initialised in place; then stp_session_set_state(r, RUNNING).
 * A target maps the same memory anywhere, stp_region_attach(base, size), and
 * finds the globals with stp_region_root(r).  Offsets stored in the globals
 * block become pointers with stp_ptr(r, off) in each process.
 */
#ifndef STP_H
#define STP_H

#include "stp_config.h"
#include "stp_host.h"
#include "region.h"
#include "lock.h"
#include "value.h"
#include "context.h"
#include "stat.h"
#include "map.h"
#include "printf.h"
#include "print.h"
#include "tapset.h"

#endif /* STP_H */
