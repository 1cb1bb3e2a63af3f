// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * perf probe points (pass 2), checked as stap 4.8 checks them:
 *
 *   perf.type(N).config(M)[.sample(K) | .hz(F)][.process[("PATH")]][.counter("NAME")]
 *
 * and the aliases of tapset/perf.stp (perf.hw.*, perf.sw.*, perf.hw_cache.*).
 * A malformed point gets stap's verdict and reason; a well-formed one is
 * refused, because neither backend opens perf events: the user-space one
 * runs handlers in the target or in stapmark, the kernel one from markers,
 * kprobes and hrtimers, and none of them has a perf overflow handler.
 */
#include "probes.h"

/* stap's default sample period for a perf.type().config() probe. */
#define PERF_DEFAULT_SAMPLE 1000000

static bool perf_fail(const struct probe_point *pt, struct srcpos pos, const char *why)
{
	if (!pt->optional) /* an optional point that cannot resolve goes quietly */
		diag_error(pos, "semantic error", "%s", why);
	return true;
}

bool derive_perf(struct deriving *dv, const struct probe_point *pt)
{
	struct elab *e = dv->e;
	const struct probe_comp *c = pt->comps.v;
	int n = pt->comps.n, i = 3;
	int64_t type, config, period = PERF_DEFAULT_SAMPLE;
	const char *rate = "sample";

	/* perf.hw.NAME and the like are the tapset's aliases: what matched
	 * none of them is the generic mismatch, with its suggestions. */
	if (n < 2 || !comp_is(&c[0], "perf") || c[0].arg || !comp_is(&c[1], "type"))
		return false;
	if (!number_arg(&c[1], &type))
		return perf_fail(pt, c[1].pos,
				 "probe point mismatch: perf.type needs a number: "
				 "perf.type(N).config(M)");
	if (n == 2)
		return perf_fail(pt, c[1].pos,
				 "probe point truncated: perf.type(N) needs .config(M)");
	if (!comp_is(&c[2], "config") || !number_arg(&c[2], &config))
		return perf_fail(pt, c[2].pos,
				 "probe point mismatch: perf.type(N) needs .config(M) after it");
	if (i < n && (comp_is(&c[i], "sample") || comp_is(&c[i], "hz"))) {
		if (!number_arg(&c[i], &period))
			return perf_fail(
				pt, c[i].pos,
				arena_printf(e->a, "invalid suffix for probe: .%s needs a number",
					     c[i].name));
		if (comp_is(&c[i], "sample") && period <= 0)
			return perf_fail(pt, c[i].pos,
					 arena_printf(e->a, "invalid perf sample period %lld",
						      (long long)period));
		rate = c[i].name;
		i++;
	}
	if (i < n && comp_is(&c[i], "process")) {
		if (c[i].arg && c[i].arg->kind != EX_STRING)
			return perf_fail(pt, c[i].pos,
					 "invalid suffix for probe: .process takes a path");
		if (!c[i].arg && !e->s->target_cmd)
			return perf_fail(
				pt, c[i].pos,
				"unspecified process probe is invalid without a -c COMMAND "
				"[man stapprobes]");
		i++;
	}
	if (i < n && comp_is(&c[i], "counter") && comp_string(e, &c[i]))
		i++;
	if (i < n)
		return perf_fail(pt, c[i].pos,
				 arena_printf(e->a, "invalid suffix for probe: .%s", c[i].name));
	/* At the user's point: an alias of tapset/perf.stp may have led here. */
	return perf_fail(pt, dv->pos,
			 arena_printf(e->a,
				      "perf.type(%lld).config(%lld).%s(%lld) cannot run here: "
				      "neither of stapmark's backends opens perf events (for "
				      "periodic sampling: timer.profile, timer.hz(N))",
				      (long long)type, (long long)config, rate, (long long)period));
}
