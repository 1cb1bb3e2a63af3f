// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Timer probes (timer.s(N), timer.ms(N).randomize(M), timer.hz(N), ...):
 * one hrtimer each, expiring in hardirq context, where the callback runs
 * the probe and re-arms itself; a per-CPU one (timer.profile) has an
 * hrtimer pinned on each online CPU.  Started after the begin probes and
 * the marker probes, cancelled (from process context, which waits for a
 * callback still running) before the end probes.
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "kstp.h"

struct ktimer {
	struct hrtimer t;
	int i; /* in the program's timers */
	int cpu; /* pinned on this CPU; -1: anywhere */
	u64 period_ns, randomize_ns;
};

static const struct stp_program *kprog;
static struct ktimer *ktimers;
static int nktimers;

static u64 next_period(const struct ktimer *kt)
{
	u64 r = 0;

	if (kt->randomize_ns < U32_MAX)
		r = kt->randomize_ns ? get_random_u32() % (u32)(kt->randomize_ns + 1) : 0;
	else
		div64_u64_rem(get_random_u64(), kt->randomize_ns + 1, &r);
	return kt->period_ns + r;
}

static enum hrtimer_restart ktimer_fire(struct hrtimer *t)
{
	struct ktimer *kt = container_of(t, struct ktimer, t);

	stp_program_run_timer(kprog, kt->i);
	/* A restarted timer stays on its CPU's base: pinned ones too. */
	hrtimer_forward_now(t, ns_to_ktime(next_period(kt)));
	return HRTIMER_RESTART;
}

int kstp_timers_init(const struct stp_program *p)
{
	int i, n = 0, cpu;

	kprog = p;
	nktimers = 0;
	for (i = 0; i < p->ntimers; i++)
		n += p->timers[i].per_cpu ? num_possible_cpus() : 1;
	if (!n)
		return 0;
	ktimers = kcalloc(n, sizeof(*ktimers), GFP_KERNEL);
	if (!ktimers) {
		pr_err("%s: out of memory for %d timers\n", KBUILD_MODNAME, n);
		return -ENOMEM;
	}
	for (i = 0; i < p->ntimers; i++) {
		const struct stp_prog_timer *pt = &p->timers[i];
		u64 period = pt->hz > 0		 ? div64_u64(NSEC_PER_SEC, pt->hz)
			     : pt->period_ns > 0 ? pt->period_ns
						 : 0;

		if (period < STP_KTIMER_MIN_NS) {
			pr_warn("%s: timer probe %d: period of %llu ns raised to %d ns\n",
				KBUILD_MODNAME, i, period, STP_KTIMER_MIN_NS);
			period = STP_KTIMER_MIN_NS;
		}
		for_each_possible_cpu(cpu)
		{
			struct ktimer *kt = &ktimers[nktimers++];

			kt->i = i;
			kt->cpu = pt->per_cpu ? cpu : -1;
			kt->period_ns = period;
			kt->randomize_ns = pt->randomize_ns > 0 ? pt->randomize_ns : 0;
			hrtimer_init(&kt->t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
			kt->t.function = ktimer_fire;
			if (!pt->per_cpu)
				break;
		}
	}
	return 0;
}

static void start_one(void *arg)
{
	struct ktimer *kt = arg;

	hrtimer_start(&kt->t, ns_to_ktime(next_period(kt)),
		      kt->cpu < 0 ? HRTIMER_MODE_REL_HARD : HRTIMER_MODE_REL_PINNED_HARD);
}

void kstp_timers_start(void)
{
	int i;

	cpus_read_lock();
	for (i = 0; i < nktimers; i++) {
		struct ktimer *kt = &ktimers[i];

		if (kt->cpu < 0)
			start_one(kt);
		else if (cpu_online(kt->cpu))
			/* Pinned to the CPU it is started on: start it there. */
			smp_call_function_single(kt->cpu, start_one, kt, 1);
	}
	cpus_read_unlock();
}

/* Process context: waits for a callback running on another CPU. */
void kstp_timers_stop(void)
{
	int i;

	for (i = 0; i < nktimers; i++)
		hrtimer_cancel(&ktimers[i].t);
}

void kstp_timers_exit(void)
{
	kstp_timers_stop();
	kfree(ktimers);
	ktimers = NULL;
	nktimers = 0;
}
