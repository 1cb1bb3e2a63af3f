// SPDX-License-Identifier: LGPL-2.1-or-later
/* The floor's dispatcher (floor.h), in its own translation unit so the
 * compiler cannot inline it into the site or specialise it for the probe. */
#include <stddef.h>

#include "floor.h"

void floor_dispatch(const struct floor_probe *p, long value)
{
	do {
		p->func(p->probe_private, value);
	} while ((++p)->func);
}
