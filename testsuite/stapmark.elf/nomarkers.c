// SPDX-License-Identifier: GPL-2.0-or-later
/* Fixture: includes the marker API but places no marker: no table at all. */
#include <stapmark/marker.h>

int main(void)
{
	return 0;
}
