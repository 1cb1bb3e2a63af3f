// SPDX-License-Identifier: GPL-2.0-or-later
/* A shared library with markers, loaded and unloaded by dlopen_test. */
#include <stapmark/marker.h>

void dlmark_fire(int v)
{
	trace_mark(dl_event, "value %d", v);
	trace_mark(dl_shared, "x %s", "from the library"); /* the program has x %d */
}
