/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The on-disk marker table of an ELF file: one record per marker site, read
 * from the .note.stapmark notes (see include/stapmark/marker.h) with libelf.
 *
 * Works on executables, PIE, shared libraries and relocatable objects (.o,
 * kernel modules).  Addresses are taken as stored: link-time addresses in
 * ET_EXEC/ET_DYN, section-relative (unrelocated) values in ET_REL; no
 * relocation is ever applied.  Nothing is deduplicated: several sites of one
 * marker give several records, in file order.
 */
#ifndef STAPMARK_MARKERS_ELF_H
#define STAPMARK_MARKERS_ELF_H

#include <stddef.h>
#include <stdint.h>

/* Note owner and type of a marker-site note. */
#define MARKERS_ELF_NOTE_SECTION ".note.stapmark"
#define MARKERS_ELF_NOTE_OWNER "stapmark"
#define MARKERS_ELF_NOTE_TYPE 1

struct marker_record {
	const char *name;
	const char *format;
	const char *path; /* the path given to markers_elf_read */
	uint64_t site; /* site address; 0 for a DEFINE_MARKER definition */
	uint64_t semaphore; /* address of the SDT semaphore shared by the name */
};

/*
 * Read the marker records of the ELF file at path.  On success returns 0 and
 * sets *out to an array of *n records (*out is NULL when *n is 0: a file
 * without markers is not an error).  On failure returns -1, sets *out to
 * NULL and *n to 0, and writes "PATH: reason" to err (errlen bytes, may be
 * 0).  A file that is missing, not ELF, truncated, or holds a malformed
 * marker note fails as a whole.
 */
int markers_elf_read(const char *path, struct marker_record **out, size_t *n, char *err,
		     size_t errlen);

/* Free what markers_elf_read returned (the strings go with it).  NULL is ok. */
void markers_elf_free(struct marker_record *records);

#endif /* STAPMARK_MARKERS_ELF_H */
