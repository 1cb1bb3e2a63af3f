// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A script module written by hand the way pass 3 generates one, to test
 * pass 5 (stapmark --run-module) on its own.  It stands for:
 *
 *	global counts, n, ticks
 *	probe begin { println("begin") }
 *	probe process("target").mark("run_tick") {     // "i %ld key %ld"
 *		counts[$key]++; n++
 *		if (@error_at >= 0) x = 100 / ($i - @error_at)
 *		if (!@quiet) printf("tick i=%d key=%d\n", $i, $key)
 *		if (@exit_after > 0 && n >= @exit_after) exit()
 *	}
 *	probe timer.ms(10) { ticks++; if (@show_ticks) println("timer") ... }
 *	probe error { println("error probe") }
 *	probe end { printf("end n=%d\n", n); foreach (k+ in counts) ... }
 *
 * where the @ parameters come from the environment of stapmark (FAKE_*),
 * read when the globals are created.  Built with -DFAKE_NO_MARKERS it has
 * no process probe (a begin/timer/end script).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stapmark/marker.h>
#include "stp.h"
#include "stp_user.h"
#include "stp_module.h"
#include "stp_script.h"
#include "stp_transport.h"

#define PP_TICK "process(\"target\").mark(\"run_tick\")"

struct globals {
	stp_host_rwlock_t lock_counts, lock_n, lock_ticks;
	stp_off_t counts; /* counts[key] */
	int64_t n; /* events seen */
	int64_t ticks; /* timer hits */
	/* Parameters, set once by session_init from FAKE_* variables. */
	int64_t exit_after; /* > 0: exit() after that many events */
	int64_t error_at; /* >= 0: division by zero when $i == error_at */
	int64_t quiet; /* no line per event */
	int64_t show_ticks; /* timer lines, ticks at the end */
	int64_t exit_ticks; /* > 0: exit() from the timer after that many */
};

static struct stp_region *region;
static struct globals *g;
static int attached;

/* The handler runtime's output goes to the session's segment. */
static void out_hook(const char *buf, size_t len, void *arg)
{
	(void)arg;
	stp_transport_write(buf, len);
}

static void msg_hook(const char *buf, size_t len, void *arg)
{
	(void)arg;
	stp_transport_write_msg(buf, len);
}

static void exit_hook(void *arg)
{
	(void)arg;
	stp_transport_request_exit(0);
}

static const struct stp_user_hooks hooks = {out_hook, msg_hook, exit_hook, NULL};

static void probe_run_tick(void *probe_private, void *call_private, const char *fmt, va_list *args)
{
	int64_t i = va_arg(*args, long), key = va_arg(*args, long), q;
	struct stp_lockreq locks[] = {{&g->lock_counts, 1}, {&g->lock_n, 1}};
	struct stp_context *c = stp_context_enter(region, PP_TICK, STP_SESSION_RUNNING);

	(void)probe_private;
	(void)call_private;
	(void)fmt;
	if (!c)
		return;
	if (stp_lock_globals(c, locks, 2))
		goto out;
	if (stp_action(c, 5))
		goto unlock;
	{
		union stp_val k[1] = {STP_N(key)};

		stp_set_stmt(c, "operator '++' at fake.stp:3:14");
		if (stp_map_add_n(c, stp_ptr(region, g->counts), k, 1, NULL))
			goto unlock;
	}
	g->n++;
	if (g->error_at >= 0) {
		stp_set_stmt(c, "operator '/' at fake.stp:4:34");
		if (stp_div(c, 100, i - g->error_at, &q))
			goto unlock;
	}
	if (!g->quiet)
		stp_printf(c, "tick i=%d key=%d\n", (union stp_val[]){STP_N(i), STP_N(key)}, 2);
	if (g->exit_after > 0 && g->n >= g->exit_after)
		stp_fn_exit(c);
unlock:
	stp_unlock_globals(c, locks, 2);
out:
	stp_context_exit(c);
}

static void probe_begin(void)
{
	struct stp_context *c = stp_context_enter(region, "begin", STP_SESSION_STARTING);

	if (!c)
		return;
	stp_println_s(c, "begin");
	stp_context_exit(c);
}

static void probe_timer(void)
{
	struct stp_lockreq locks[] = {{&g->lock_ticks, 1}};
	struct stp_context *c = stp_context_enter(region, "timer.ms(10)", STP_SESSION_RUNNING);

	if (!c)
		return;
	if (stp_lock_globals(c, locks, 1))
		goto out;
	g->ticks++;
	if (g->show_ticks)
		stp_println_s(c, "timer");
	if (g->exit_ticks > 0 && g->ticks >= g->exit_ticks)
		stp_fn_exit(c);
	stp_unlock_globals(c, locks, 1);
out:
	stp_context_exit(c);
}

static void probe_error(void)
{
	struct stp_context *c = stp_context_enter(region, "error", STP_SESSION_STOPPING);

	if (!c)
		return;
	stp_println_s(c, "error probe");
	stp_context_exit(c);
}

static void probe_end(void)
{
	struct stp_lockreq locks[] = {{&g->lock_counts, 0}, {&g->lock_n, 0}, {&g->lock_ticks, 0}};
	struct stp_context *c = stp_context_enter(region, "end", STP_SESSION_STOPPING);
	struct stp_map *m;
	struct stp_mnode *e;
	struct stp_iter it;

	if (!c)
		return;
	if (stp_lock_globals(c, locks, 3))
		goto out;
	stp_printf(c, "end n=%d\n", (union stp_val[]){STP_N(g->n)}, 1);
	if (g->show_ticks)
		stp_printf(c, "ticks=%d\n", (union stp_val[]){STP_N(g->ticks)}, 1);
	m = stp_ptr(region, g->counts);
	if (stp_map_iter_start(c, &it, m, 1, 1, 0, -1))
		goto unlock;
	while ((e = stp_map_iter_next(&it)) != NULL) {
		if (stp_action(c, 1))
			break;
		stp_printf(c, "key %d: %d\n",
			   (union stp_val[]){STP_N(stp_mnode_key_n(m, e, 0)),
					     STP_N(stp_mnode_val_n(m, e))},
			   2);
	}
	stp_map_iter_end(&it);
unlock:
	stp_unlock_globals(c, locks, 3);
out:
	stp_context_exit(c);
}

static int64_t env_long(const char *name, int64_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoll(v, NULL, 10) : dflt;
}

static int fake_session_init(int seg_fd, uint64_t session_id, char *err, int errlen)
{
	struct stp_map_desc counts = {
		.name = "counts", .nkeys = 1, .key_types = {STP_LONG}, .val_type = STP_LONG};
	size_t size;
	void *base;
	int e;

	stp_user_set_hooks(&hooks);
	e = stp_transport_attach_session(seg_fd, session_id);
	if (e) {
		snprintf(err, errlen, "cannot map the segment: %s", strerror(-e));
		return -1;
	}
	base = stp_transport_globals(&size);
	region = stp_region_init(base, size, stp_user_default_slots());
	if (!region || !(g = stp_ptr(region, stp_region_set_root(region, sizeof(*g)))))
		goto full;
	stp_lock_init(&g->lock_counts);
	stp_lock_init(&g->lock_n);
	stp_lock_init(&g->lock_ticks);
	g->counts = stp_map_new(region, &counts);
	if (!g->counts)
		goto full;
	g->exit_after = env_long("FAKE_EXIT_AFTER", 0);
	g->error_at = env_long("FAKE_ERROR_AT", -1);
	g->quiet = env_long("FAKE_QUIET", 0);
	g->show_ticks = env_long("FAKE_TICKS", 0);
	g->exit_ticks = env_long("FAKE_EXIT_TICKS", 0);
	region->stapmark_pid = getpid();
	return 0;
full:
	snprintf(err, errlen, "the segment has no room for the globals");
	stp_transport_detach();
	return -1;
}

static void fake_run_begin(void)
{
	probe_begin();
	if (stp_session_state(region) == STP_SESSION_STARTING)
		stp_session_set_state(region, STP_SESSION_RUNNING);
}

static void fake_run_timer(int i)
{
	if (i == 0)
		probe_timer();
}

static void fake_request_stop(void)
{
	stp_session_request_exit(region);
}

static void fake_run_error(void)
{
	probe_error();
}

static void fake_run_end(void)
{
	fake_request_stop();
	probe_end();
	stp_session_set_state(region, STP_SESSION_STOPPED);
}

static void fake_session_exit(void)
{
	stp_transport_detach();
	stp_user_set_hooks(NULL);
}

static int fake_session_state(void)
{
	return stp_session_state(region);
}

static int64_t fake_errors(void)
{
	return stp_session_errors(region);
}

static int64_t fake_skipped(void)
{
	return stp_session_skipped(region);
}

static const struct stp_script_timer timers[] = {{.period_ns = 10000000}};

static const struct stp_script script = {
	.abi = STP_SCRIPT_ABI,
	.name = "fake_script",
#ifdef FAKE_NO_MARKERS
	.nprocess_probes = 0,
#else
	.nprocess_probes = 1,
#endif
	.ntimers = 1,
	.timers = timers,
	.has_begin = 1,
	.has_end = 1,
	.has_error = 1,
	.globals_size = 1 << 20,
	.session_init = fake_session_init,
	.run_begin = fake_run_begin,
	.run_timer = fake_run_timer,
	.run_error = fake_run_error,
	.run_end = fake_run_end,
	.session_exit = fake_session_exit,
	.session_state = fake_session_state,
	.request_stop = fake_request_stop,
	.errors = fake_errors,
	.skipped = fake_skipped,
};

const struct stp_script *stp_script(void)
{
	return &script;
}

/* The target side: map the session, find the globals, arm the marker. */
int stp_module_attach(const struct stp_attach_info *info)
{
	size_t size;
	void *base;
	int err;

	if (info->version != STP_ATTACH_VERSION)
		return -EINVAL;
	err = stp_transport_attach_session(info->seg_fd, info->session_id);
	if (err)
		return err;
	base = stp_transport_globals(&size);
	region = stp_region_attach(base, size);
	g = region ? stp_region_root(region) : NULL;
	if (!g) {
		stp_transport_detach();
		return -EINVAL;
	}
	stp_user_set_hooks(&hooks);
#ifndef FAKE_NO_MARKERS
	err = marker_probe_register("run_tick", "i %ld key %ld", probe_run_tick, NULL);
	if (!err) {
		err = marker_arm("run_tick");
		if (err)
			marker_probe_unregister("run_tick", probe_run_tick, NULL);
	}
	if (err) {
		marker_synchronize_unregister();
		stp_transport_detach();
		return err;
	}
#else
	(void)probe_run_tick;
#endif
	attached = 1;
	return 0;
}

void stp_module_detach(void)
{
	if (!attached)
		return;
	attached = 0;
#ifndef FAKE_NO_MARKERS
	marker_disarm("run_tick");
	marker_probe_unregister("run_tick", probe_run_tick, NULL);
#endif
	/* No thread may be in a handler when the segment goes away. */
	marker_synchronize_unregister();
	stp_transport_detach();
}
