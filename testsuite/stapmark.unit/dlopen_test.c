// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Markers in objects loaded later: a probe registered before dlopen stays
 * pending and applies when the library loads; dlclose removes its sites and
 * leaves the name pending again; a name with two formats in one process is
 * reported and only the sites matching the probe's format are armed.
 * argv[1] is the path of the library.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <stapmark/marker.h>
#include "unit.h"

static char logs[4096];
static void capture_log(const char *msg)
{
	snprintf(logs + strlen(logs), sizeof(logs) - strlen(logs), "%s\n", msg);
}

static int hits, last_value;
static void probe(void *pp, void *cp, const char *fmt, va_list *args)
{
	(void)pp;
	(void)cp;
	(void)fmt;
	last_value = va_arg(*args, int);
	hits++;
}

static int shared_hits;
static void shared_probe(void *pp, void *cp, const char *fmt, va_list *args)
{
	(void)pp;
	(void)cp;
	(void)args;
	if (!strcmp(fmt, "x %d"))
		shared_hits++;
	else
		shared_hits += 1000; /* a site of the other format must never be armed */
}

static void program_shared(void)
{
	trace_mark(dl_shared, "x %d", 1);
}

struct count {
	const char *name;
	int sites, pending;
	char object[4096];
};

static int count_sites(const struct marker_info *info, void *arg)
{
	struct count *c = arg;

	if (strcmp(info->name, c->name))
		return 0;
	if (info->site) {
		c->sites++;
		snprintf(c->object, sizeof(c->object), "%s", info->object);
	} else {
		c->pending++;
	}
	return 0;
}

static struct count count_of(const char *name)
{
	struct count c = {.name = name};

	marker_for_each(count_sites, &c);
	return c;
}

int main(int argc, char **argv)
{
	void (*fire)(int);
	struct count c;
	void *h;
	int round;

	if (argc < 2) {
		fprintf(stderr, "usage: dlopen_test LIBRARY\n");
		return 2;
	}
	marker_set_log_handler(capture_log);

	CHECK_EQ(marker_probe_register("dl_event", "value %d", probe, NULL), 0,
		 "register before the library is loaded");
	CHECK_EQ(marker_arm("dl_event"), 0, "arm a pending marker");
	c = count_of("dl_event");
	CHECK(c.sites == 0 && c.pending == 1, "listed as pending with no site");

	CHECK_EQ(marker_probe_register("dl_shared", "x %d", shared_probe, NULL), 0,
		 "register on the program's dl_shared");
	CHECK_EQ(marker_arm("dl_shared"), 0, "arm dl_shared");

	for (round = 1; round <= 3; round++) {
		logs[0] = '\0';
		h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
		CHECK(h != NULL, "round %d: dlopen (%s)", round, h ? "ok" : dlerror());
		if (!h)
			return UNIT_EXIT();
		fire = (void (*)(int))dlsym(h, "dlmark_fire");
		c = count_of("dl_event");
		CHECK(c.sites == 1 && c.pending == 0, "round %d: the library's site is known",
		      round);
		CHECK(strstr(c.object, "libdlmark") != NULL,
		      "round %d: site object is the library (%s)", round, c.object);
		CHECK(strstr(logs, "marker dl_shared has two formats: \"x %d\"") &&
			      strstr(logs, "and \"x %s\""),
		      "round %d: a name with two formats is reported", round);
		CHECK(strstr(logs, "Format mismatch for probe dl_shared (x %d), marker (x %s)") !=
			      NULL,
		      "round %d: the mismatching site is reported", round);

		hits = shared_hits = 0;
		fire(41 + round);
		CHECK(hits == 1 && last_value == 41 + round,
		      "round %d: pending probe applied on load (hits %d value %d)", round, hits,
		      last_value);
		program_shared();
		CHECK_EQ(shared_hits, 1, "only the site with the probe's format is armed");

		CHECK_EQ(dlclose(h), 0, "dlclose");
		c = count_of("dl_event");
		CHECK(c.sites == 0 && c.pending == 1, "round %d: sites gone after dlclose", round);
		c = count_of("dl_shared");
		CHECK_EQ(c.sites, 1, "the program's own dl_shared site stays");
	}
	CHECK_EQ(marker_probe_unregister("dl_event", probe, NULL), 0, "unregister after dlclose");
	CHECK_EQ(marker_disarm("dl_event"), 0, "disarm after dlclose");
	c = count_of("dl_event");
	CHECK(c.sites == 0 && c.pending == 0, "name forgotten when nothing refers to it");
	marker_probe_unregister("dl_shared", shared_probe, NULL);
	marker_disarm("dl_shared");
	marker_synchronize_unregister();
	return UNIT_EXIT();
}
