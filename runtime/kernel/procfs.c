// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/markers: one line per known marker site, and per pending name (a
 * probe registered on a name no loaded module has yet):
 *
 *   NAME<TAB>MODULE<TAB>STATE<TAB>PROBES<TAB>FORMAT
 *
 * MODULE is "-" for a pending name; STATE is one of
 *   on        probes attached and armed: the site calls them
 *   off       loaded, dormant (no probe, or not armed)
 *   pending   no site loaded yet
 *   mismatch  the probes' format differs from the site's: never called
 *   badformat the site's format does not parse: never called
 * PROBES is the number of probes registered on the name; FORMAT the site's
 * format (for a pending name, the probes' format, or "-").  Sorted by name.
 *
 * Also /proc/stapmark, the directory where each script module (stapmark's
 * kernel backend) adds NAME/{control,output}: created here so that it
 * outlives every script module (they need markers.ko's symbols), exported
 * as stapmark_proc_dir (runtime/stp/kernel/stp_kernel_abi.h).
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "host.h"
#include "registry.h"
#include "markers_kernel.h"

static const char *site_state(const struct marker_info *info)
{
	const struct marker *m = info->site;

	if (!m)
		return "pending";
	if (m->flags & MARKER_SITE_BAD_FORMAT)
		return "badformat";
	if (m->flags & MARKER_SITE_MISMATCH)
		return "mismatch";
	return info->state ? "on" : "off";
}

/* The lines are gathered under the registry lock, then sorted by name. */
struct listing {
	char **lines;
	int n, max;
};

static int count_one(const struct marker_info *info, void *arg)
{
	((struct listing *)arg)->max++;
	return 0;
}

static int format_one(const struct marker_info *info, void *arg)
{
	struct listing *l = arg;
	char *line;

	if (l->n == l->max)
		return 0; /* a marker arrived between the two passes: next read */
	line = kasprintf(GFP_KERNEL, "%s\t%s\t%s\t%d\t%s\n", info->name,
			 info->object ? info->object : "-", site_state(info), info->nprobes,
			 info->format ? info->format : "-");
	if (!line)
		return -ENOMEM;
	l->lines[l->n++] = line;
	return 0;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int markers_show(struct seq_file *s, void *v)
{
	struct listing l = {};
	int i, ret;

	marker_for_each(count_one, &l);
	l.lines = kcalloc(l.max ? l.max : 1, sizeof(*l.lines), GFP_KERNEL);
	if (!l.lines)
		return -ENOMEM;
	ret = marker_for_each(format_one, &l);
	if (!ret) {
		sort(l.lines, l.n, sizeof(*l.lines), cmp_lines, NULL);
		for (i = 0; i < l.n; i++)
			seq_puts(s, l.lines[i]);
	}
	for (i = 0; i < l.n; i++)
		kfree(l.lines[i]);
	kfree(l.lines);
	return ret;
}

static struct proc_dir_entry *proc_markers;

struct proc_dir_entry *stapmark_proc_dir;
EXPORT_SYMBOL_GPL(stapmark_proc_dir);

int marker_proc_init(void)
{
	proc_markers = proc_create_single("markers", 0444, NULL, markers_show);
	if (!proc_markers)
		return -ENOMEM;
	stapmark_proc_dir = proc_mkdir("stapmark", NULL);
	if (!stapmark_proc_dir) {
		proc_remove(proc_markers);
		return -ENOMEM;
	}
	return 0;
}

void marker_proc_exit(void)
{
	proc_remove(stapmark_proc_dir);
	stapmark_proc_dir = NULL;
	proc_remove(proc_markers);
}
