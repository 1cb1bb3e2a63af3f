// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A script's kernel module: init sets everything up that a handler will
 * touch (so that none allocates), creates the region and the script's
 * globals, and publishes /proc/stapmark/NAME; the session then runs when
 * the controller (stapmark's pass 5) says "start" (kproc.c).  Exit stops a
 * session still running without its end probes, detaching first.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/vmalloc.h>

#include "kstp.h"

MODULE_LICENSE("GPL");
MODULE_AUTHOR("stapmark");
MODULE_DESCRIPTION("stapmark script module");

unsigned long stp_bufsize = STP_KBUF_SIZE;
module_param(stp_bufsize, ulong, 0444);
MODULE_PARM_DESC(stp_bufsize, "bytes of output buffer per CPU (rounded up to a power of two; 0: 4 "
			      "MiB, less on many CPUs)");

unsigned long stp_regionsize = STP_KREGION_SIZE;
module_param(stp_regionsize, ulong, 0444);
MODULE_PARM_DESC(stp_regionsize, "bytes for the script's globals, maps and statistics");

unsigned long stp_scratchsize = STP_KSCRATCH_SIZE;
module_param(stp_scratchsize, ulong, 0444);
MODULE_PARM_DESC(stp_scratchsize, "bytes per CPU for foreach snapshots (0: four nested loops over "
				  "the largest array)");

struct stp_region *kstp_region;
static void *kregion_base;

static void kstp_free_all(void)
{
	kstp_timers_exit();
	kstp_kprobes_exit();
	if (kstp_region)
		kstp_regex_free_all(&stp_script_program);
	kstp_region = NULL;
	vfree(kregion_base);
	kregion_base = NULL;
	kstp_ring_exit();
	kstp_host_exit();
}

static int __init kstp_init(void)
{
	const struct stp_program *p = &stp_script_program;
	const char *name = THIS_MODULE->name;
	char err[256] = "";
	int rc;

	if (p->abi != STP_PROGRAM_ABI) {
		pr_err("%s: built for program ABI %u, the runtime has %d\n", name, p->abi,
		       STP_PROGRAM_ABI);
		return -EINVAL;
	}
	if (stp_regionsize < 65536 || stp_regionsize > (1UL << 34)) {
		pr_err("%s: stp_regionsize %lu is out of range (64 KiB..16 GiB)\n", name,
		       stp_regionsize);
		return -EINVAL;
	}
	if (stp_bufsize > (1UL << 30)) {
		pr_err("%s: %s %lu is too large (at most 1 GiB per CPU)\n", name,
		       STP_KPARAM_BUFSIZE, stp_bufsize);
		return -EINVAL;
	}
	rc = kstp_host_init();
	if (rc)
		return rc;
	rc = kstp_ring_init(stp_bufsize ? stp_bufsize
					: clamp_t(unsigned long,
						  STP_KBUF_AUTO_TOTAL / num_possible_cpus(),
						  STP_KBUF_AUTO_MIN, STP_KBUF_AUTO_MAX));
	if (rc)
		goto fail;
	/* Zero-filled, as stp_region_init wants; every page present now, so
	 * no handler ever faults one in. */
	kregion_base = vzalloc(stp_regionsize);
	if (!kregion_base) {
		pr_err("%s: out of memory for a region of %lu bytes (stp_regionsize)\n", name,
		       stp_regionsize);
		rc = -ENOMEM;
		goto fail;
	}
	/* One statistics slot per possible CPU: contexts are per CPU, so each
	 * owns one (the runtime adds a shared one). */
	if (stp_program_create(p, kregion_base, stp_regionsize, num_possible_cpus(), err,
			       sizeof(err))) {
		pr_err("%s: %s\n", name, err[0] ? err : "the script's globals could not be set up");
		rc = -ENOMEM;
		if (*p->region)
			kstp_region = *p->region;
		goto fail;
	}
	kstp_region = *p->region;
	rc = kstp_host_scratch_init(kstp_region->max_map_entries);
	if (rc)
		goto fail;
	rc = kstp_timers_init(p);
	if (rc)
		goto fail;
	rc = kstp_kprobes_init(p);
	if (rc)
		goto fail;
	rc = kstp_proc_init(name);
	if (rc)
		goto fail;
	return 0;

fail:
	kstp_free_all();
	return rc;
}

static void __exit kstp_exit(void)
{
	/* Readers and the controller's files first (a controller still there
	 * is an orphan clean-up), then whatever still runs. */
	kstp_proc_exit();
	kstp_session_exit();
	kstp_free_all();
}

module_init(kstp_init);
module_exit(kstp_exit);
