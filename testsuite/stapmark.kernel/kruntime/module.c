// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kruntime test program, kruntime.stp, written by hand in the shape
 * pass 3 emits (host-neutral: the runtime's headers only, static handlers
 * and one stp_script_program), so that the kernel host is tested whether
 * or not the translator builds kernel modules.  Besides the script:
 * kr_rate's $k < 0 measures (rate.sh): -1 writes each line without printf
 * (the host's own cost), -2 prints it without conversions.
 *
 * -DKR_EXIT_IN_BEGIN adds exit() at the end of the begin probe.
 */
#include "stp.h"
#include "program.h"
#include "counter.h"
#include "stp_regex.h"
#include "stp_lib.h"

struct kr_globals {
	int64_t count, hits, where[3], sw, hz; /* counters 0, 1, 2..4, 5, 6 */
	stp_host_rwlock_t l_evs, l_prof;
	stp_off_t evs, prof;
	int64_t unread_n;
};

enum { C_COUNT, C_HITS, C_WHERE0, C_SW = C_WHERE0 + 3, C_HZ, NCOUNTERS };

static struct stp_region *kr_r;
static struct kr_globals *kr_g;

#define KR_ENTER(pp, state)                                         \
	struct stp_context *c = stp_context_enter(kr_r, pp, state); \
	if (!c)                                                     \
	return

#define KR_MARK_ARGS void *probe_private, void *call_private, const char *fmt, va_list *args

static struct stp_map *evs(void)
{
	return stp_ptr(kr_r, kr_g->evs);
}

static void kr_begin(void)
{
	KR_ENTER("begin", STP_SESSION_STARTING);
	if (stp_action(c, 3))
		goto out;
	stp_set_stmt(c, "identifier 'printf' at kruntime.stp:2:15");
	if (stp_printf(c, "begin 1\n", (union stp_val *)0, 0))
		goto out;
	if (stp_printf(c, "begin %d %s\n", (union stp_val[]){STP_N(2), STP_S("two")}, 2))
		goto out;
	if (stp_printf(c, "target %d\n", (union stp_val[]){STP_N(stp_fn_target(c))}, 1))
		goto out;
	kr_g->unread_n = 7;
#ifdef KR_EXIT_IN_BEGIN
	stp_fn_exit(c);
#endif
out:
	stp_context_exit(c);
}

static void kr_timer(void)
{
	KR_ENTER("timer.ms(5)", STP_SESSION_RUNNING);
	if (stp_action(c, 2))
		goto out;
	stp_counter_add(kr_r, C_HITS, &kr_g->hits, 1);
	if (stp_counter_read(kr_r, C_HITS, &kr_g->hits) == 3)
		stp_printf(c, "timer fired 3 times\n", (union stp_val *)0, 0);
out:
	stp_context_exit(c);
}

/* Counter-only: no context. */
static void kr_timer_hz(void)
{
	if (stp_session_state(kr_r) == STP_SESSION_RUNNING)
		stp_counter_add(kr_r, C_HZ, &kr_g->hz, 1);
}

static struct stp_map *prof(void)
{
	return stp_ptr(kr_r, kr_g->prof);
}

static void kr_profile(void)
{
	struct stp_lockreq lk[1] = {{&kr_g->l_prof, 0}};

	KR_ENTER("timer.profile", STP_SESSION_RUNNING);
	if (stp_lock_globals(c, lk, 1))
		goto out;
	if (stp_action(c, 1))
		goto unlock;
	stp_set_stmt(c, "operator '<<<' at kruntime.stp:5:36");
	stp_map_stat_add(c, prof(), (union stp_val[]){STP_N(stp_fn_cpu())}, 1);
unlock:
	stp_unlock_globals(c, lk, 1);
out:
	stp_context_exit(c);
}

static struct stp_regex kr_re0 = {.re = "^ex[a-z]+ string$"};

static void kr_subsystem_event(KR_MARK_ARGS)
{
	struct stp_lockreq lk[1] = {{&kr_g->l_evs, 0}};
	int64_t a1, m;
	stp_string_t a2;

	KR_ENTER("kernel.mark(\"subsystem_event\")", STP_SESSION_RUNNING);
	a1 = (int64_t)va_arg(*args, int);
	stp_set_stmt(c, "marker argument $string of subsystem_event");
	if (stp_fn_kernel_string(c, a2, (int64_t)(uintptr_t)va_arg(*args, const char *)))
		goto out;
	if (stp_lock_globals(c, lk, 1))
		goto out;
	if (stp_action(c, 3))
		goto unlock;
	stp_counter_add(kr_r, C_COUNT, &kr_g->count, 1);
	stp_set_stmt(c, "operator '<<<' at kruntime.stp:4:66");
	if (stp_map_stat_add(c, evs(), (union stp_val[]){STP_S(a2)}, a1))
		goto unlock;
	stp_set_stmt(c, "identifier 'printf' at kruntime.stp:5:5");
	if (stp_printf(c, "event %d %s\n", (union stp_val[]){STP_N(a1), STP_S(a2)}, 2))
		goto unlock;
	stp_set_stmt(c, "operator '=~' at kruntime.stp:6:19");
	if (stp_regex_match(c, &kr_re0, a2, &m))
		goto unlock;
	if (m)
		stp_printf(c, "regex matched\n", (union stp_val *)0, 0);
unlock:
	stp_unlock_globals(c, lk, 1);
out:
	stp_context_exit(c);
}

static void kr_str(KR_MARK_ARGS)
{
	int64_t n, p;
	stp_string_t s;

	KR_ENTER("kernel.mark(\"kr_str\")", STP_SESSION_RUNNING);
	n = (int64_t)va_arg(*args, int);
	p = (int64_t)(uintptr_t)va_arg(*args, const char *);
	if (stp_action(c, 2))
		goto out;
	if (n > 0 && n < 9) {
		stp_set_stmt(c, "identifier 'printf' at kruntime.stp:11:55");
		stp_printf(c, "bad %d\n", (union stp_val[]){STP_N(n)}, 1);
	}
	/* The string is read where the script reads it: after the line above. */
	stp_set_stmt(c, "identifier '$s' at kruntime.stp:12:28");
	if (stp_fn_kernel_string(c, s, p))
		goto out;
	stp_set_stmt(c, "identifier 'printf' at kruntime.stp:12:2");
	stp_printf(c, "str %d %s\n", (union stp_val[]){STP_N(n), STP_S(s)}, 2);
out:
	stp_context_exit(c);
}

static void kr_div(KR_MARK_ARGS)
{
	int64_t d, q;
	stp_string_t comm;

	KR_ENTER("kernel.mark(\"kr_div\")", STP_SESSION_RUNNING);
	d = (int64_t)va_arg(*args, int);
	if (stp_action(c, 1))
		goto out;
	stp_set_stmt(c, "operator '/' at kruntime.stp:7:55");
	if (stp_div(c, 100, d, &q))
		goto out;
	stp_set_stmt(c, "identifier 'printf' at kruntime.stp:7:33");
	stp_fn_execname(comm);
	stp_printf(c, "div %d by %s pid %d tid %d ppid %d uid %d cpu_ok %d\n",
		   (union stp_val[]){STP_N(q), STP_S(comm), STP_N(stp_fn_pid()),
				     STP_N(stp_fn_tid()), STP_N(stp_fn_ppid()), STP_N(stp_fn_uid()),
				     STP_N(stp_fn_cpu() >= 0)},
		   7);
out:
	stp_context_exit(c);
}

static void kr_loop(KR_MARK_ARGS)
{
	int64_t x = 0;

	KR_ENTER("kernel.mark(\"kr_loop\")", STP_SESSION_RUNNING);
	stp_set_stmt(c, "keyword 'while' at kruntime.stp:8:34");
	for (;;) {
		if (stp_action(c, 1))
			goto out;
		x++;
	}
out:
	(void)x;
	stp_context_exit(c);
}

static void kr_user(KR_MARK_ARGS)
{
	int64_t p, n;
	stp_string_t s;

	KR_ENTER("kernel.mark(\"kr_user\")", STP_SESSION_RUNNING);
	p = (int64_t)(uintptr_t)va_arg(*args, void *);
	n = (int64_t)va_arg(*args, int);
	if (stp_action(c, 1))
		goto out;
	stp_set_stmt(c, "identifier 'user_string_n' at kruntime.stp:15:55");
	if (stp_fn_user_string_n(c, s, p, n))
		goto out;
	stp_printf(c, "user %s\n", (union stp_val[]){STP_S(s)}, 1);
out:
	stp_context_exit(c);
}

static void kr_flood(KR_MARK_ARGS)
{
	int64_t n;

	KR_ENTER("kernel.mark(\"kr_flood\")", STP_SESSION_RUNNING);
	n = (int64_t)va_arg(*args, int);
	if (stp_action(c, 1))
		goto out;
	stp_printf(c,
		   "flood %d ......................................................................"
		   "..........\n",
		   (union stp_val[]){STP_N(n)}, 1);
out:
	stp_context_exit(c);
}

static void kr_rate(KR_MARK_ARGS)
{
	int64_t k, n, i;

	KR_ENTER("kernel.mark(\"kr_rate\")", STP_SESSION_RUNNING);
	k = (int64_t)va_arg(*args, int);
	n = (int64_t)va_arg(*args, int);
	stp_set_stmt(c, "identifier 'printf' at kruntime.stp:11:62");
	for (i = 0; i < n; i++) {
		if (stp_action(c, 1))
			goto out;
		if (k == -1)
			stp_out_write(c, "rate 7 1234\n", 12);
		else if (k == -2) {
			if (stp_printf(c, "rate 7 1234\n", (union stp_val *)0, 0))
				goto out;
		} else if (stp_printf(c, "rate %d %d\n", (union stp_val[]){STP_N(k), STP_N(i)}, 2))
			goto out;
	}
out:
	stp_context_exit(c);
}

/* Counter-only: no context, as pass 3 emits such handlers. */
static void kr_ctx(KR_MARK_ARGS)
{
	int where = va_arg(*args, int);

	if (stp_session_state(kr_r) != STP_SESSION_RUNNING || where < 0 || where > 2)
		return;
	stp_counter_add(kr_r, C_WHERE0 + where, &kr_g->where[where], 1);
}

static void kr_exit(KR_MARK_ARGS)
{
	int64_t n;

	KR_ENTER("kernel.mark(\"kr_exit\")", STP_SESSION_RUNNING);
	n = (int64_t)va_arg(*args, int);
	if (stp_action(c, 2))
		goto out;
	stp_printf(c, "exit %d\n", (union stp_val[]){STP_N(n)}, 1);
	stp_fn_exit(c);
out:
	stp_context_exit(c);
}

static void kr_foreach(KR_MARK_ARGS)
{
	struct stp_lockreq lk[1] = {{&kr_g->l_evs, 1}};
	struct stp_iter ia, ib;
	struct stp_mnode *ea, *eb;

	KR_ENTER("kernel.mark(\"kr_foreach\")", STP_SESSION_RUNNING);
	if (stp_lock_globals(c, lk, 1))
		goto out;
	stp_set_stmt(c, "keyword 'foreach' at kruntime.stp:14:37");
	if (stp_map_iter_start(c, &ia, evs(), 0, 0, STP_STAT_COUNT, -1))
		goto unlock;
	while ((ea = stp_map_iter_next(&ia))) {
		if (stp_action(c, 1) ||
		    stp_map_iter_start(c, &ib, evs(), 0, 0, STP_STAT_COUNT, -1)) {
			stp_map_iter_end(&ia);
			goto unlock;
		}
		while ((eb = stp_map_iter_next(&ib))) {
			if (stp_action(c, 1))
				break;
			stp_printf(c, "foreach %s %s %d\n",
				   (union stp_val[]){STP_S(stp_mnode_key_s(evs(), ea, 0)),
						     STP_S(stp_mnode_key_s(evs(), eb, 0)),
						     STP_N(stp_mnode_stat(evs(), ea)->count)},
				   3);
		}
		stp_map_iter_end(&ib);
	}
	stp_map_iter_end(&ia);
unlock:
	stp_unlock_globals(c, lk, 1);
out:
	stp_context_exit(c);
}

static void kr_sched_switch(KR_MARK_ARGS)
{
	stp_string_t comm;

	KR_ENTER("kernel.mark(\"sched_switch\")", STP_SESSION_RUNNING);
	(void)va_arg(*args, const char *); /* prev_comm */
	(void)va_arg(*args, int); /* prev_pid */
	(void)va_arg(*args, int); /* prev_prio */
	(void)va_arg(*args, unsigned int); /* prev_state */
	stp_set_stmt(c, "marker argument $next_comm of sched_switch");
	if (stp_fn_kernel_string(c, comm, (int64_t)(uintptr_t)va_arg(*args, const char *)))
		goto out;
	if (stp_action(c, 2))
		goto out;
	if (stp_strlen(comm) > 0)
		stp_counter_add(kr_r, C_SW, &kr_g->sw, 1);
out:
	stp_context_exit(c);
}

static void kr_error(void)
{
	KR_ENTER("error", STP_SESSION_STOPPING);
	if (!stp_action(c, 1))
		stp_printf(c, "error probe\n", (union stp_val *)0, 0);
	stp_context_exit(c);
}

static void kr_end(void)
{
	struct stp_iter it;
	struct stp_mnode *e;
	int64_t w[3];
	int i;

	KR_ENTER("end", STP_SESSION_STOPPING);
	if (stp_action(c, 4))
		goto out;
	stp_set_stmt(c, "identifier 'printf' at kruntime.stp:18:15");
	stp_printf(c, "end count=%d\n",
		   (union stp_val[]){STP_N(stp_counter_read(kr_r, C_COUNT, &kr_g->count))}, 1);
	stp_set_stmt(c, "keyword 'foreach' at kruntime.stp:18:55");
	if (stp_map_iter_start(c, &it, evs(), 0, 1, STP_STAT_COUNT, -1))
		goto out;
	while ((e = stp_map_iter_next(&it))) {
		const struct stp_stat_data *d = stp_mnode_stat(evs(), e);

		if (stp_action(c, 1)) {
			stp_map_iter_end(&it);
			goto out;
		}
		stp_printf(c, "evs[%s] count=%d sum=%d\n",
			   (union stp_val[]){STP_S(stp_mnode_key_s(evs(), e, 0)), STP_N(d->count),
					     STP_N(d->sum)},
			   3);
	}
	stp_map_iter_end(&it);
	for (i = 0; i < 3; i++)
		w[i] = stp_counter_read(kr_r, C_WHERE0 + i, &kr_g->where[i]);
	stp_printf(c, "where %d %d %d\n", (union stp_val[]){STP_N(w[0]), STP_N(w[1]), STP_N(w[2])},
		   3);
	stp_printf(c, "hits>0 %d sw>0 %d hz>0 %d\n",
		   (union stp_val[]){STP_N(stp_counter_read(kr_r, C_HITS, &kr_g->hits) > 0),
				     STP_N(stp_counter_read(kr_r, C_SW, &kr_g->sw) > 0),
				     STP_N(stp_counter_read(kr_r, C_HZ, &kr_g->hz) > 0)},
		   3);
	stp_set_stmt(c, "keyword 'foreach' at kruntime.stp:25:9");
	if (stp_map_iter_start(c, &it, prof(), 0, 0, STP_STAT_COUNT, -1))
		goto out;
	for (i = 0; stp_map_iter_next(&it); i++)
		;
	stp_map_iter_end(&it);
	stp_printf(c, "profile cpus %d\n", (union stp_val[]){STP_N(i)}, 1);
out:
	stp_context_exit(c);
}

static int kr_create_globals(char *err, int errlen)
{
	struct stp_map_desc d = {
		.name = "evs", .nkeys = 1, .key_types = {STP_STRING}, .val_type = STP_STAT};

	struct stp_map_desc dp = {
		.name = "prof", .nkeys = 1, .key_types = {STP_LONG}, .val_type = STP_STAT};

	stp_lock_init(&kr_g->l_evs);
	stp_lock_init(&kr_g->l_prof);
	stp_hist_none_init(&d.h);
	stp_hist_none_init(&dp.h);
	kr_g->evs = stp_map_new(kr_r, &d);
	kr_g->prof = stp_map_new(kr_r, &dp);
	if (!kr_g->evs || !kr_g->prof)
		return stp_snprintf(err, (size_t)errlen, "no room in the region for evs"), -1;
	return 0;
}

static const struct stp_prog_mark kr_marks[] = {
	{"subsystem_event", "integer %d string %s", kr_subsystem_event, 1},
	{"kr_str", "n %d s %s", kr_str, 1},
	{"kr_div", "d %d", kr_div, 1},
	{"kr_loop", "n %d", kr_loop, 1},
	{"kr_user", "p %p n %d", kr_user, 1},
	{"kr_flood", "n %d", kr_flood, 1},
	{"kr_rate", "k %d n %d", kr_rate, 1},
	{"kr_ctx", "where %d", kr_ctx, 1},
	{"kr_exit", "n %d", kr_exit, 1},
	{"kr_foreach", "n %d", kr_foreach, 1},
	{"sched_switch",
	 "prev_comm %s prev_pid %d prev_prio %d prev_state %u next_comm %s next_pid %d "
	 "next_prio %d preempt %d prev_tgid %d next_tgid %d next_state %u",
	 kr_sched_switch, 1},
};

static const struct stp_prog_timer kr_timers[] = {
	{.period_ns = 5000000, .fn = kr_timer},
	{.hz = 50, .fn = kr_timer_hz},
	{.period_ns = 1000000, .fn = kr_profile, .per_cpu = 1},
};

static struct stp_regex *const kr_regexes[] = {&kr_re0};

static stp_probe_fn *const kr_begins[] = {kr_begin};
static stp_probe_fn *const kr_ends[] = {kr_end};
static stp_probe_fn *const kr_errors[] = {kr_error};

static const struct stp_prog_global kr_unread[] = {
	{.name = "unread_n",
	 .offset = __builtin_offsetof(struct kr_globals, unread_n),
	 .type = STP_LONG,
	 .arity = 0,
	 .counter = -1},
};

#define KR_N(a) ((int)(sizeof(a) / sizeof((a)[0])))

const struct stp_program stp_script_program = {
	.abi = STP_PROGRAM_ABI,
	.name = "kruntime_test",
	.globals_size = sizeof(struct kr_globals),
	.region = &kr_r,
	.globals = (void **)&kr_g,
	.create_globals = kr_create_globals,
	.ncounters = NCOUNTERS,
	.marks = kr_marks,
	.nmarks = KR_N(kr_marks),
	.timers = kr_timers,
	.ntimers = KR_N(kr_timers),
	.begin = kr_begins,
	.nbegin = 1,
	.end = kr_ends,
	.nend = 1,
	.error = kr_errors,
	.nerror = 1,
	.unread = kr_unread,
	.nunread = KR_N(kr_unread),
	.regexes = kr_regexes,
	.nregexes = KR_N(kr_regexes),
};
