// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SDT interop at run time (sdt_interop.exp): fires sdt_event ("v %d s %s")
 * with v = 1..1000.  Without arguments no libmarkers probe is attached, so
 * only an external tool raising the site's SDT semaphore (bpftrace through
 * the kernel's uprobe reference counter) can turn the site on; with
 * "probe", a libmarkers probe is attached too and both must see every
 * event.  Prints what the probe saw.
 */
#include <stdio.h>
#include <string.h>

#include <stapmark/marker.h>

static long probe_count, probe_sum;

static void probe(void *probe_private, void *call_private, const char *fmt, va_list *args)
{
	(void)probe_private;
	(void)call_private;
	(void)fmt;
	probe_sum += va_arg(*args, int);
	probe_count++;
}

static void __attribute__((noinline)) fire(int v)
{
	trace_mark(sdt_event, "v %d s %s", v, "x");
}

int main(int argc, char **argv)
{
	int with_probe = argc > 1 && !strcmp(argv[1], "probe");
	int i;

	if (with_probe) {
		marker_probe_register("sdt_event", "v %d s %s", probe, NULL);
		marker_arm("sdt_event");
	}
	for (i = 1; i <= 1000; i++)
		fire(i);
	printf("sdt_prog: probe count %ld sum %ld\n", probe_count, probe_sum);
	return 0;
}
