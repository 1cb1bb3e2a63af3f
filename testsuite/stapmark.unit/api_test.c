// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libmarkers API semantics in one process: error codes of register,
 * unregister, arm and disarm; refcounted arming; probe order and removal;
 * format mismatch; argument passing for every kind of conversion;
 * call_private; DEFINE_MARKER; marker_enabled; arguments evaluated only when
 * on and only once; the nesting bound; listing with marker_for_each; a
 * signal handler firing a marker inside a probe, and a thread firing one
 * after liburcu-bp has let it go at exit.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stapmark/marker.h>
#include "unit.h"
#include "va_render.h"

/* ---- capture of log messages ---- */
static char last_log[1024];
static int nlogs;
static void capture_log(const char *msg)
{
	snprintf(last_log, sizeof(last_log), "%s", msg);
	nlogs++;
}

/* ---- probes that record their calls ---- */
static char trail[4096];
static void record_probe(void *probe_private, void *call_private, const char *fmt, va_list *args)
{
	char buf[512];

	va_render(fmt, args, buf, sizeof(buf));
	snprintf(trail + strlen(trail), sizeof(trail) - strlen(trail), "%s[%s%s%s]",
		 (const char *)probe_private, buf, call_private ? " cp=" : "",
		 call_private ? (const char *)call_private : "");
}

static void reset(void)
{
	trail[0] = '\0';
}

/* Sites */
static void fire_simple(int i, const char *s)
{
	trace_mark(api_simple, "integer %d string %s", i, s);
}

static void fire_order(int i)
{
	trace_mark(api_order, "v %d", i);
}

static void fire_mismatch(int i)
{
	trace_mark(api_mismatch, "a %d", i);
}

static void fire_private(int i)
{
	__trace_mark(api_private, "cpdata", "v %d", i);
}

static void fire_noargs(void)
{
	trace_mark(api_noargs, MARK_NOARGS);
}

static void fire_types(void)
{
	signed char c = -5;
	short h = -300;
	const char *str = "text";

	trace_mark(api_types, "c %hhd h %hd i %d l %ld ll %lld z %zu p %p s %s ch %c f %f w %*d", c,
		   h, -70000, -5000000000L, 1LL << 40, (size_t)123456789012ULL, (void *)0x1234, str,
		   'Q', 2.5, 7, 42);
}

static void fire_more_types(void)
{
	trace_mark(api_types2,
		   "uc %hhu us %hu u %u lu %lu llu %llu j %jd t %td x %x prec %.*s L %Lg",
		   (unsigned char)250, (unsigned short)65000, 4000000000U, 18000000000000000000UL,
		   18000000000000000001ULL, (intmax_t)-9, (ptrdiff_t)-3, 0xbeefU, 3, "abcdef",
		   (long double)1.25);
}

DEFINE_MARKER(api_defined, "n %d");
static void fire_defined(int n)
{
	trace_mark_defined(api_defined, n);
}

static int evaluations;
static int side_effect(void)
{
	return ++evaluations;
}

static void fire_side_effect(void)
{
	trace_mark(api_side_effect, "n %d", side_effect());
}

static int nest_calls;
static void fire_nest(int depth);
static void nest_probe(void *pp, void *cp, const char *fmt, va_list *args)
{
	int depth = va_arg(*args, int);

	(void)pp;
	(void)cp;
	(void)fmt;
	nest_calls++;
	fire_nest(depth + 1); /* a probe firing its own marker */
}

static void fire_nest(int depth)
{
	trace_mark(api_nest, "depth %d", depth);
}

/* A signal handler firing the marker whose probe it interrupted. */
static int sig_calls, sig_depth_seen;
static void fire_sig(int depth);
static void sig_handler(int sig)
{
	(void)sig;
	fire_sig(1);
}

static void sig_probe(void *pp, void *cp, const char *fmt, va_list *args)
{
	int depth = va_arg(*args, int);

	(void)pp;
	(void)cp;
	(void)fmt;
	sig_calls++;
	sig_depth_seen |= 1 << depth;
	if (depth == 0)
		raise(SIGUSR1);
}

static void fire_sig(int depth)
{
	trace_mark(api_signal, "depth %d", depth);
}

/* A thread's last markers, fired from a thread-specific-data destructor. */
static pthread_key_t exit_key;
static int exit_calls, exit_reader_gone = -1;
static void exit_probe(void *pp, void *cp, const char *fmt, va_list *args)
{
	(void)pp;
	(void)cp;
	(void)fmt;
	(void)va_arg(*args, int);
	__atomic_add_fetch(&exit_calls, 1, __ATOMIC_RELAXED);
}

static void fire_exit(int n)
{
	trace_mark(api_thread_exit, "n %d", n);
}

static void exit_destructor(void *arg)
{
	(void)arg;
#ifdef __MARKER_ARGV_ABI
	/* Our key was created after liburcu-bp's, so its destructor has run:
	 * the site must not find a reader record any more. */
	exit_reader_gone = !__marker_thread.reader || !*__marker_thread.reader;
#endif
	fire_exit(2);
}

static void *exit_thread(void *arg)
{
	(void)arg;
	fire_exit(1);
	pthread_setspecific(exit_key, &exit_key);
	return NULL;
}

static void test_signal_and_exit(void)
{
	struct sigaction sa;
	pthread_t t;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_handler;
	sigaction(SIGUSR1, &sa, NULL);
	marker_probe_register("api_signal", "depth %d", sig_probe, NULL);
	marker_arm("api_signal");
	fire_sig(0);
	CHECK_EQ(sig_calls, 2, "a signal handler fires a marker inside its probe");
	CHECK_EQ(sig_depth_seen, 3, "both events reach the probe");
	fire_sig(2);
	CHECK_EQ(sig_calls, 3, "and the thread dispatches normally afterwards");
	marker_probe_unregister("api_signal", sig_probe, NULL);
	marker_disarm("api_signal");
	marker_synchronize_unregister();
	signal(SIGUSR1, SIG_DFL);

	pthread_key_create(&exit_key, exit_destructor);
	marker_probe_register("api_thread_exit", "n %d", exit_probe, NULL);
	marker_arm("api_thread_exit");
	pthread_create(&t, NULL, exit_thread, NULL);
	pthread_join(t, NULL);
	CHECK_EQ(exit_calls, 2, "a marker fired while a thread exits reaches the probe");
#ifdef __MARKER_ARGV_ABI
	CHECK_EQ(exit_reader_gone, 1, "a site sees that liburcu-bp let the exiting thread go");
#endif
	marker_probe_unregister("api_thread_exit", exit_probe, NULL);
	marker_disarm("api_thread_exit");
	marker_synchronize_unregister();
	CHECK(1, "grace periods still end after the exited thread's markers");
	pthread_key_delete(exit_key);
}

struct listing {
	int sites, pending, on;
	char object[4096];
};

static int list_one(const struct marker_info *info, void *arg)
{
	struct listing *l = arg;

	if (strncmp(info->name, "api_", 4) && strcmp(info->name, "pending_only"))
		return 0;
	if (!info->site) {
		l->pending++;
		return 0;
	}
	l->sites++;
	l->on += info->state;
	if (!strcmp(info->name, "api_simple"))
		snprintf(l->object, sizeof(l->object), "%s", info->object);
	return 0;
}

static void test_errors(void)
{
	CHECK_EQ(marker_probe_register(NULL, NULL, record_probe, "A"), -EINVAL,
		 "register NULL name");
	CHECK_EQ(marker_probe_register("", NULL, record_probe, "A"), -EINVAL,
		 "register empty name");
	CHECK_EQ(marker_probe_register("api_simple", NULL, NULL, "A"), -EINVAL,
		 "register NULL probe");
	nlogs = 0;
	CHECK_EQ(marker_probe_register("api_simple", "integer %k", record_probe, "A"), -EINVAL,
		 "register with a malformed format");
	CHECK(nlogs == 1 && strstr(last_log, "bad format") &&
		      strstr(last_log, "unknown conversion"),
	      "malformed format is reported: %s", last_log);
	CHECK_EQ(marker_arm("api_nothing"), -ENOENT, "arm a name without probes");
	CHECK_EQ(marker_disarm("api_nothing"), -ENOENT, "disarm a name without probes");
	CHECK_EQ(marker_probe_unregister("api_nothing", record_probe, "A"), -ENOENT,
		 "unregister from an unknown name");
	CHECK_EQ(marker_probe_unregister_private_data(record_probe, "nobody"), -ENOENT,
		 "unregister unknown private data");
}

static void test_arming(void)
{
	reset();
	fire_simple(1, "dormant");
	CHECK(!strcmp(trail, ""), "dormant marker calls nothing");
	CHECK_EQ(marker_probe_register("api_simple", "integer %d string %s", record_probe, "A"), 0,
		 "register");
	CHECK_EQ(marker_probe_register("api_simple", "integer %d string %s", record_probe, "A"),
		 -EEXIST, "register the same probe and data twice");
	fire_simple(2, "registered");
	CHECK(!strcmp(trail, ""), "registered but not armed: no call (2.6.24 semantics)");
	CHECK_EQ(marker_disarm("api_simple"), -EINVAL, "disarm a marker that is not armed");
	CHECK(!marker_enabled(api_simple), "not enabled before arming");
	CHECK_EQ(marker_arm("api_simple"), 0, "arm");
	CHECK(marker_enabled(api_simple), "enabled once armed");
	fire_simple(3, "armed");
	CHECK(!strcmp(trail, "A[integer=3 string=\"armed\"]"), "armed marker calls its probe: %s",
	      trail);
	CHECK_EQ(marker_arm("api_simple"), 0, "arm again (count 2)");
	CHECK_EQ(marker_disarm("api_simple"), 0, "disarm once (count 1)");
	reset();
	fire_simple(4, "still");
	CHECK(!strcmp(trail, "A[integer=4 string=\"still\"]"), "arming is refcounted: %s", trail);
	CHECK_EQ(marker_disarm("api_simple"), 0, "disarm to zero");
	reset();
	fire_simple(5, "off");
	CHECK(!strcmp(trail, ""), "disarmed marker calls nothing");
	CHECK(!marker_enabled(api_simple), "not enabled after disarm");
	CHECK_EQ(marker_probe_unregister("api_simple", record_probe, "A"), 0, "unregister");
	CHECK_EQ(marker_probe_unregister("api_simple", record_probe, "A"), -ENOENT,
		 "unregister twice");
	marker_synchronize_unregister();
}

static void test_order(void)
{
	CHECK_EQ(marker_probe_register("api_order", "v %d", record_probe, "A"), 0, "register A");
	CHECK_EQ(marker_probe_register("api_order", "v %d", record_probe, "B"), 0, "register B");
	CHECK_EQ(marker_probe_register("api_order", NULL, record_probe, "C"), 0,
		 "register C with no format");
	CHECK_EQ(marker_arm("api_order"), 0, "arm");
	reset();
	fire_order(1);
	CHECK(!strcmp(trail, "A[v=1]B[v=1]C[v=1]"), "probes run in registration order: %s", trail);
	CHECK_EQ(marker_probe_unregister("api_order", record_probe, "B"), 0, "remove B");
	reset();
	fire_order(2);
	CHECK(!strcmp(trail, "A[v=2]C[v=2]"), "B removed: %s", trail);
	CHECK_EQ(marker_probe_register("api_order", "v %d", record_probe, "B"), 0, "re-add B");
	reset();
	fire_order(3);
	CHECK(!strcmp(trail, "A[v=3]C[v=3]B[v=3]"), "B re-added last: %s", trail);
	CHECK_EQ(marker_probe_unregister("api_order", record_probe, "A"), 0, "remove A");
	CHECK_EQ(marker_probe_unregister("api_order", record_probe, "C"), 0, "remove C");
	reset();
	fire_order(4);
	CHECK(!strcmp(trail, "B[v=4]"), "single probe left: %s", trail);
	CHECK_EQ(marker_probe_unregister_private_data(record_probe, "B"), 0,
		 "unregister by private data");
	reset();
	fire_order(5);
	CHECK(!strcmp(trail, ""), "no probe left: %s", trail);
	CHECK(!marker_enabled(api_order), "no probe: site dormant though still armed");
	CHECK_EQ(marker_disarm("api_order"), 0, "disarm the emptied marker");
	CHECK_EQ(marker_disarm("api_order"), -EINVAL, "disarm again: not armed");
	marker_synchronize_unregister();
}

static void test_mismatch(void)
{
	CHECK_EQ(marker_probe_register("api_mismatch", "a %d", record_probe, "G"), 0,
		 "register matching probe");
	CHECK_EQ(marker_arm("api_mismatch"), 0, "arm");
	nlogs = 0;
	CHECK_EQ(marker_probe_register("api_mismatch", "a %s", record_probe, "M"), -EPERM,
		 "mismatched format refused");
	CHECK(strstr(last_log, "Format mismatch for probe api_mismatch (a %s), marker (a %d)") !=
		      NULL,
	      "mismatch message: %s", last_log);
	reset();
	fire_mismatch(7);
	CHECK(!strcmp(trail, "G[a=7]"), "marker left as it was: %s", trail);
	CHECK_EQ(marker_probe_unregister("api_mismatch", record_probe, "G"), 0, "cleanup");
	CHECK_EQ(marker_disarm("api_mismatch"), 0, "cleanup disarm");
	/* With no probe, a probe of another format against loaded sites is refused too. */
	CHECK_EQ(marker_probe_register("api_mismatch", "b %d", record_probe, "M"), -EPERM,
		 "format that matches no loaded site refused");
	marker_synchronize_unregister();
}

static void test_types(void)
{
	char expect[512];

	CHECK_EQ(marker_probe_register("api_types", NULL, record_probe, "T"), 0, "register");
	CHECK_EQ(marker_arm("api_types"), 0, "arm");
	reset();
	fire_types();
	snprintf(expect, sizeof(expect),
		 "T[c=-5 h=-300 i=-70000 l=-5000000000 ll=1099511627776 z=123456789012 p=%p "
		 "s=\"text\" ch=81 f=2.5 w_width=7 w=42]",
		 (void *)0x1234);
	CHECK(!strcmp(trail, expect), "every conversion through the va_list: %s", trail);
	CHECK_EQ(marker_probe_register("api_types2", NULL, record_probe, "U"), 0, "register 2");
	CHECK_EQ(marker_arm("api_types2"), 0, "arm 2");
	reset();
	fire_more_types();
	CHECK(!strcmp(trail, "U[uc=250 us=65000 u=4000000000 lu=18000000000000000000 "
			     "llu=18000000000000000001 j=-9 t=-3 x=48879 prec_prec=3 "
			     "prec=\"abcdef\" L=1.25]"),
	      "unsigned, intmax, ptrdiff, precision and long double: %s", trail);
	marker_probe_unregister_private_data(record_probe, "T");
	marker_probe_unregister_private_data(record_probe, "U");
	marker_disarm("api_types");
	marker_disarm("api_types2");
}

static void test_misc(void)
{
	int before;

	/* call_private */
	marker_probe_register("api_private", "v %d", record_probe, "P");
	marker_arm("api_private");
	reset();
	fire_private(9);
	CHECK(!strcmp(trail, "P[v=9 cp=cpdata]"), "call_private reaches the probe: %s", trail);
	marker_probe_unregister("api_private", record_probe, "P");
	marker_disarm("api_private");

	/* MARK_NOARGS */
	marker_probe_register("api_noargs", MARK_NOARGS, record_probe, "N");
	marker_arm("api_noargs");
	reset();
	fire_noargs();
	CHECK(!strcmp(trail, "N[]"), "MARK_NOARGS marker fires: %s", trail);
	marker_probe_unregister("api_noargs", record_probe, "N");
	marker_disarm("api_noargs");

	/* DEFINE_MARKER */
	CHECK(!strcmp(GET_MARKER(api_defined).format, "n %d"), "GET_MARKER gives the marker");
	marker_probe_register("api_defined", "n %d", record_probe, "D");
	marker_arm("api_defined");
	reset();
	fire_defined(11);
	CHECK(!strcmp(trail, "D[n=11]"), "DEFINE_MARKER fires: %s", trail);
	marker_probe_unregister("api_defined", record_probe, "D");
	marker_disarm("api_defined");

	/* Arguments are evaluated only when on, and once. */
	evaluations = 0;
	fire_side_effect();
	CHECK_EQ(evaluations, 0, "dormant marker evaluates no argument");
	marker_probe_register("api_side_effect", "n %d", record_probe, "S");
	marker_arm("api_side_effect");
	reset();
	fire_side_effect();
	CHECK_EQ(evaluations, 1, "armed marker evaluates its argument once");
	CHECK(!strcmp(trail, "S[n=1]"), "and passes that value: %s", trail);
	marker_probe_unregister("api_side_effect", record_probe, "S");
	marker_disarm("api_side_effect");

	/* A probe firing its own marker: bounded nesting, drops counted. */
	marker_probe_register("api_nest", "depth %d", nest_probe, NULL);
	marker_arm("api_nest");
	before = (int)marker_dropped_nested();
	nest_calls = 0;
	fire_nest(0);
	CHECK_EQ(nest_calls, MARKER_MAX_NESTING, "recursion stops at MARKER_MAX_NESTING");
	CHECK_EQ((int)marker_dropped_nested() - before, 1, "the refused event is counted");
	nest_calls = 0;
	fire_nest(0);
	CHECK_EQ(nest_calls, MARKER_MAX_NESTING, "nesting depth restored afterwards");
	marker_probe_unregister("api_nest", nest_probe, NULL);
	marker_disarm("api_nest");
	marker_synchronize_unregister();
}

static void test_listing(void)
{
	struct listing l = {0};
	char exe[4096];
	ssize_t n;

	marker_probe_register("pending_only", "x %d", record_probe, "L");
	marker_probe_register("api_simple", NULL, record_probe, "L");
	marker_arm("api_simple");
	marker_for_each(list_one, &l);
	CHECK_EQ(l.pending, 1, "a name with probes and no site is listed as pending");
	CHECK(l.sites >= 10, "every site of this program is listed (%d)", l.sites);
	CHECK_EQ(l.on, 1, "exactly the armed site is on");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	CHECK(!strcmp(l.object, exe), "site object is the executable (%s)", l.object);
	marker_probe_unregister_private_data(record_probe, "L");
	marker_disarm("api_simple");
	marker_synchronize_unregister();
}

int main(void)
{
	marker_set_log_handler(capture_log);
	test_errors();
	test_arming();
	test_order();
	test_mismatch();
	test_types();
	test_misc();
	test_signal_and_exit();
	test_listing();
	return UNIT_EXIT();
}
