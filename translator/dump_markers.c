// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stapmark --dump-markers [-v] FILE...
 *
 * Module.markers lists markers, not sites: a name+format with several sites
 * in one file is printed once, at its first site.  -v prints every site with
 * its address instead.  Control characters and backslashes in names and
 * formats are printed as C escapes, so that a format holding "\n" or "\t"
 * cannot break the one-line, tab-separated record.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump_markers.h"
#include "markers_elf.h"

struct site_info {
	size_t name_first; /* index of the first record with this name */
	int first_of_format; /* first record with this name and format */
};

/* By name, then format, then file order, so the first of a group comes first. */
static int cmp_index(const void *a, const void *b, void *records)
{
	const struct marker_record *rec = records;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct marker_record *x = &rec[i], *y = &rec[j];
	int c = strcmp(x->name, y->name);

	if (!c)
		c = strcmp(x->format, y->format);
	if (!c)
		c = (i > j) - (i < j);
	return c;
}

/* Fill info[] for n records; O(n log n) since kernels have thousands of sites. */
static int classify(const struct marker_record *rec, size_t n, struct site_info *info)
{
	size_t *order = malloc(n * sizeof(*order));
	size_t start, k;

	if (!order)
		return -1;
	for (k = 0; k < n; k++)
		order[k] = k;
	qsort_r(order, n, sizeof(*order), cmp_index, (void *)rec);
	for (start = 0; start < n; start = k) {
		size_t first = order[start];

		for (k = start; k < n && !strcmp(rec[order[k]].name, rec[order[start]].name); k++)
			if (order[k] < first)
				first = order[k];
		for (k = start; k < n && !strcmp(rec[order[k]].name, rec[order[start]].name); k++) {
			info[order[k]].name_first = first;
			info[order[k]].first_of_format =
				k == start ||
				strcmp(rec[order[k]].format, rec[order[k - 1]].format);
		}
	}
	free(order);
	return 0;
}

static void put_escaped(const char *s, int quote, FILE *f)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\\' || (quote && c == '"'))
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\%03o", c);
		else
			putc(c, f);
	}
}

static void print_record(const struct marker_record *rec, const char *file, int verbose)
{
	put_escaped(rec->name, 0, stdout);
	printf("\t%s\t", file);
	put_escaped(rec->format, 0, stdout);
	if (verbose)
		printf("\t0x%" PRIx64, rec->site);
	putchar('\n');
}

static void warn_two_formats(const char *file, const struct marker_record *a,
			     const struct marker_record *b)
{
	fprintf(stderr, "stapmark: warning: %s: marker ", file);
	put_escaped(a->name, 1, stderr);
	fputs(" has two formats: \"", stderr);
	put_escaped(a->format, 1, stderr);
	fputs("\" and \"", stderr);
	put_escaped(b->format, 1, stderr);
	fputs("\"\n", stderr);
}

static int dump_file(const char *file, int verbose)
{
	struct marker_record *rec;
	struct site_info *info;
	char err[512];
	size_t n, i;

	if (markers_elf_read(file, &rec, &n, err, sizeof(err))) {
		fprintf(stderr, "stapmark: %s\n", err);
		return 1;
	}
	if (!n)
		return 0;
	info = calloc(n, sizeof(*info));
	if (!info || classify(rec, n, info)) {
		fprintf(stderr, "stapmark: %s: out of memory\n", file);
		free(info);
		markers_elf_free(rec);
		return 1;
	}
	for (i = 0; i < n; i++) {
		/* Warn once per extra format, at its first site, against the
		 * format the name was first seen with. */
		if (info[i].first_of_format && info[i].name_first != i)
			warn_two_formats(file, &rec[info[i].name_first], &rec[i]);
		if (verbose || info[i].first_of_format)
			print_record(&rec[i], file, verbose);
	}
	free(info);
	markers_elf_free(rec);
	return 0;
}

int cmd_dump_markers(int nfiles, char **files, int verbose)
{
	int status = 0;
	int i;

	if (nfiles < 1) {
		fprintf(stderr, "stapmark: --dump-markers needs at least one FILE\n");
		return 1;
	}
	for (i = 0; i < nfiles; i++) {
		if (dump_file(files[i], verbose))
			status = 1;
		/* Keep stdout in step with the errors on stderr. */
		fflush(stdout);
	}
	if (ferror(stdout)) {
		fprintf(stderr, "stapmark: error writing the marker list\n");
		status = 1;
	}
	return status;
}
