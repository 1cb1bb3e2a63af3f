// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The steps of a session that every host takes the same way (program.h):
 * setting up the region, running begin, timer, error and end probes,
 * registering the marker probes through the marker API (libmarkers and
 * markers.ko export the same), and printing the globals never read.
 */
#define STAPMARK_NO_SDT
#include <stapmark/marker.h>

#include "program.h"
#include "stp.h"
#include "counter.h"
#include "stp_regex.h"
#include "stp_lib.h"

/* Compile the patterns of =~ in this process; a bad one stays NULL and
 * is an error when a probe uses it (pass 2 checked them all already, so
 * the host's message is not kept). */
static void compile_regexes(const struct stp_program *p)
{
	char err[128];

	for (int i = 0; i < p->nregexes; i++)
		if (!p->regexes[i]->compiled)
			stp_host_regex_compile(p->regexes[i], err, sizeof(err));
}

int stp_program_create(const struct stp_program *p, void *base, size_t size, unsigned int nslots,
		       char *err, int errlen)
{
	struct stp_region *r;
	void *g;

	if (p->abi != STP_PROGRAM_ABI)
		return stp_snprintf(err, (size_t)errlen,
				    "the module was built for another runtime"),
		       -1;
	r = stp_region_init(base, size, nslots);
	g = r ? stp_ptr(r, stp_region_set_root(r, p->globals_size)) : (void *)0;
	if (!g)
		return stp_snprintf(err, (size_t)errlen, "the region has no room for the globals"),
		       -1;
	r->ncounters = (uint32_t)p->ncounters;
	*p->region = r;
	*p->globals = g;
	if (p->create_globals(err, errlen))
		return -1;
	compile_regexes(p);
	stp_session_set_state(r, STP_SESSION_STARTING);
	return 0;
}

int stp_program_attach_region(const struct stp_program *p, void *base, size_t size)
{
	struct stp_region *r = stp_region_attach(base, size);

	if (!r)
		return -1;
	*p->region = r;
	*p->globals = stp_region_root(r);
	compile_regexes(p);
	return 0;
}

/* How many of p's marks (of each side) attach_marks registered, in order:
 * one program per module, so one count per side. */
static int nattached[2];

void stp_program_detach_marks(const struct stp_program *p, int kernel)
{
	int side = !!kernel;

	while (nattached[side] > 0) {
		const struct stp_prog_mark *m = &p->marks[--nattached[side]];

		if (!!m->kernel != side)
			continue;
		marker_disarm(m->name);
		marker_probe_unregister(m->name, m->fn, (void *)0);
	}
	marker_synchronize_unregister();
}

int stp_program_attach_marks(const struct stp_program *p, int kernel)
{
	int side = !!kernel;

	for (nattached[side] = 0; nattached[side] < p->nmarks; nattached[side]++) {
		const struct stp_prog_mark *m = &p->marks[nattached[side]];
		int rc;

		if (!!m->kernel != side)
			continue;
		rc = marker_probe_register(m->name, m->format, m->fn, (void *)0);
		if (!rc && (rc = marker_arm(m->name)))
			marker_probe_unregister(m->name, m->fn, (void *)0);
		if (rc) {
			stp_program_detach_marks(p, kernel);
			return rc;
		}
	}
	return 0;
}

static void run_all(stp_probe_fn *const *fns, int n)
{
	for (int i = 0; i < n; i++)
		fns[i]();
}

void stp_program_run_begin(const struct stp_program *p)
{
	struct stp_region *r = *p->region;

	run_all(p->begin, p->nbegin);
	if (stp_session_state(r) == STP_SESSION_STARTING)
		stp_session_set_state(r, STP_SESSION_RUNNING);
}

void stp_program_run_timer(const struct stp_program *p, int i)
{
	if (i >= 0 && i < p->ntimers)
		p->timers[i].fn();
}

void stp_program_request_stop(const struct stp_program *p)
{
	struct stp_region *r = *p->region;

	if (stp_session_state(r) < STP_SESSION_STOPPING)
		stp_session_set_state(r, STP_SESSION_STOPPING);
}

void stp_program_run_error(const struct stp_program *p)
{
	stp_program_request_stop(p);
	run_all(p->error, p->nerror);
}

/* How stap 4.8 prints a statistic that is never read (its %#d is decimal). */
#define UNREAD_STAT_FMT " @count=%d @min=%d @max=%d @sum=%d @avg=%d\n"

static int stat_vals(union stp_val *v, const struct stp_stat_data *d)
{
	v[0] = STP_N(d->count);
	v[1] = STP_N(d->min);
	v[2] = STP_N(d->max);
	v[3] = STP_N(d->sum);
	v[4] = STP_N(d->count ? d->sum / d->count : 0);
	return 5;
}

/* One key or value of a never-read map entry, as stap prints it: strings
 * escaped in quotes (%#s), numbers in decimal (%#d). */
static void print_item(struct stp_context *c, const char *sep, int type, int64_t n, const char *str)
{
	stp_string_t q; /* one at a time: this may run on a kernel stack */
	union stp_val v[2] = {STP_S(sep), STP_N(n)};

	if (type == STP_STRING) {
		stp_fn_text_str(q, str);
		v[1] = STP_S(q);
		stp_printf(c, "%s\"%s\"", v, 2);
	} else {
		stp_printf(c, "%s%d", v, 2);
	}
}

/* stap 4.8: foreach ([k...] in a-) printf("a[%#d,\"%#s\"]=%d\n", ...):
 * by value, decreasing; string keys and values escaped. */
static int print_unread_map(struct stp_context *c, const struct stp_prog_global *u,
			    struct stp_map *m)
{
	union stp_val v[5];
	struct stp_iter it;

	if (stp_map_iter_start(c, &it, m, 0, -1, STP_STAT_COUNT, -1))
		return 1;
	for (struct stp_mnode *e; (e = stp_map_iter_next(&it));) {
		stp_print_s(c, u->name);
		for (int k = 0; k < u->arity; k++)
			print_item(c, k ? "," : "[", u->key_types[k],
				   u->key_types[k] == STP_STRING ? 0 : stp_mnode_key_n(m, e, k),
				   u->key_types[k] == STP_STRING ? stp_mnode_key_s(m, e, k) : "");
		if (u->type == STP_STAT) {
			stat_vals(v, stp_mnode_stat(m, e));
			stp_printf(c, "]" UNREAD_STAT_FMT, v, 5);
		} else {
			print_item(c, "]=", u->type,
				   u->type == STP_STRING ? 0 : stp_mnode_val_n(m, e),
				   u->type == STP_STRING ? stp_mnode_val_s(m, e) : "");
			stp_print_s(c, "\n");
		}
	}
	stp_map_iter_end(&it);
	return 0;
}

static void print_unread_scalar(struct stp_context *c, const struct stp_prog_global *u, char *slot)
{
	struct stp_region *r = c->r;
	char fmt[sizeof(UNREAD_STAT_FMT) + 64];
	union stp_val v[5];

	if (u->type == STP_STAT) {
		const struct stp_stat_data *d =
			stp_stat_read(c, stp_ptr(r, *(stp_off_t *)(void *)slot));

		stp_strlcpy(fmt, u->name, sizeof(fmt));
		/* A literal "@count=0x0" when empty, as stap. */
		stp_strlcat(fmt, d->count ? UNREAD_STAT_FMT : " @count=0x0\n", sizeof(fmt));
		stp_printf(c, fmt, v, d->count ? stat_vals(v, d) : 0);
	} else if (u->type == STP_STRING) {
		stp_string_t q;

		stp_fn_text_str(q, slot);
		stp_strlcpy(fmt, u->name, sizeof(fmt));
		stp_strlcat(fmt, "=\"%s\"\n", sizeof(fmt));
		v[0] = STP_S(q);
		stp_printf(c, fmt, v, 1);
	} else {
		int64_t *g = (int64_t *)(void *)slot;

		stp_strlcpy(fmt, u->name, sizeof(fmt));
		stp_strlcat(fmt, "=%d\n", sizeof(fmt));
		v[0] = STP_N(u->counter >= 0 ? stp_counter_read(r, u->counter, g) : *g);
		stp_printf(c, fmt, v, 1);
	}
}

/* Globals written and never read, at the end, in the order of their first
 * use, as stap 4.8 does.  Nothing else runs by then: no locks. */
static void print_unread(const struct stp_program *p)
{
	struct stp_region *r = *p->region;
	struct stp_context *c;

	if (!p->nunread || !(c = stp_context_enter(r, "end", STP_SESSION_STOPPING)))
		return;
	stp_context_interruptible(c);
	for (int i = 0; i < p->nunread; i++) {
		const struct stp_prog_global *u = &p->unread[i];
		char *slot = (char *)*p->globals + u->offset;

		if (u->arity > 0) {
			if (print_unread_map(c, u, stp_ptr(r, *(stp_off_t *)(void *)slot)))
				break;
		} else {
			print_unread_scalar(c, u, slot);
		}
	}
	stp_context_exit(c);
}

void stp_program_run_end(const struct stp_program *p)
{
	struct stp_region *r = *p->region;

	if (stp_session_state(r) != STP_SESSION_STOPPING)
		stp_session_set_state(r, STP_SESSION_STOPPING);
	run_all(p->end, p->nend);
	print_unread(p);
	stp_session_set_state(r, STP_SESSION_STOPPED);
}
