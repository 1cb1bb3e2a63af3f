// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A probe module as stapmark's pass 4 will build one, reduced to the
 * attach contract (runtime/transport/stp_module.h): a probe on ctl_tick
 * that prints "TAG tick N" through the transport.  Built twice, with TAG
 * "a" and "b", to attach two sessions to one process.
 */
#include <errno.h>
#include <stdio.h>

#include <stapmark/marker.h>
#include "stp_module.h"
#include "stp_transport.h"

#ifndef TAG
#define TAG "a"
#endif

static int attached;

static void tick_probe(void *probe_private, void *call_private, const char *fmt, va_list *args)
{
	long n = va_arg(*args, long);
	char line[64];
	int len;

	(void)probe_private;
	(void)call_private;
	(void)fmt;
	len = snprintf(line, sizeof(line), TAG " tick %ld\n", n);
	stp_transport_write(line, len);
}

int stp_module_attach(const struct stp_attach_info *info)
{
	int err;

	if (info->version != STP_ATTACH_VERSION)
		return -EINVAL;
	err = stp_transport_attach_session(info->seg_fd, info->session_id);
	if (err)
		return err;
	err = marker_probe_register("ctl_tick", "n %ld", tick_probe, NULL);
	if (!err) {
		err = marker_arm("ctl_tick");
		if (err)
			marker_probe_unregister("ctl_tick", tick_probe, NULL);
	}
	if (err) {
		marker_synchronize_unregister();
		stp_transport_detach();
		return err;
	}
	attached = 1;
	return 0;
}

void stp_module_detach(void)
{
	if (!attached)
		return;
	attached = 0;
	marker_disarm("ctl_tick");
	marker_probe_unregister("ctl_tick", tick_probe, NULL);
	/* No thread may be in tick_probe when the segment goes away. */
	marker_synchronize_unregister();
	stp_transport_detach();
}
