// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reader of the marker table of an ELF file (.note.stapmark notes).
 *
 * A note's descriptor is [site address][semaphore address][name\0][format\0],
 * the addresses 8 or 4 bytes by ELF class and in the file's byte order.
 * libelf bounds each note inside its section and converts the note headers;
 * the descriptor is raw bytes, so its addresses are decoded here and its
 * strings must end inside it.  Any malformed marker note fails the file: a
 * table that is partly garbage cannot be trusted for the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "markers_elf.h"

/* A record still pointing into the section data, before it is copied out. */
struct note_ref {
	uint64_t site;
	uint64_t semaphore;
	const char *name;
	size_t name_len;
	const char *format;
	size_t format_len;
};

struct reader {
	const char *path;
	char *err;
	size_t errlen;
	int has_elf_magic; /* the file starts with \177ELF */
	size_t addr_size;
	int big_endian;
	struct note_ref *refs;
	size_t n;
	size_t cap;
};

static int __attribute__((format(printf, 2, 3))) fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (!r->errlen)
		return -1;
	len = snprintf(r->err, r->errlen, "%s: ", r->path);
	if (len >= 0 && (size_t)len < r->errlen) {
		va_start(ap, fmt);
		vsnprintf(r->err + len, r->errlen - len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int fail_elf(struct reader *r, const char *what)
{
	return fail(r, "%s: %s", what, elf_errmsg(-1));
}

/* libelf ends a walk and reports an error both with NULL; its error number,
 * which elf_errno() reads and clears, tells them apart. */
static int check_elf(struct reader *r, const char *what)
{
	int error = elf_errno();

	return error ? fail(r, "%s: %s", what, elf_errmsg(error)) : 0;
}

static uint64_t decode_addr(const struct reader *r, const unsigned char *p)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < r->addr_size; i++) {
		size_t byte = r->big_endian ? i : r->addr_size - 1 - i;

		v = v << 8 | p[byte];
	}
	return v;
}

static int add_ref(struct reader *r, const struct note_ref *ref)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		struct note_ref *refs;

		if (cap > SIZE_MAX / sizeof(*refs))
			return fail(r, "too many markers");
		refs = realloc(r->refs, cap * sizeof(*refs));
		if (!refs)
			return fail(r, "%s", strerror(ENOMEM));
		r->refs = refs;
		r->cap = cap;
	}
	r->refs[r->n++] = *ref;
	return 0;
}

/* One marker note's descriptor: desc[0..size) lies inside the section data. */
static int parse_desc(struct reader *r, const unsigned char *desc, size_t size, size_t note_off)
{
	struct note_ref ref;
	const char *end;
	size_t left;

	if (size < 2 * r->addr_size)
		return fail(r, "malformed marker note at offset 0x%zx: descriptor too short",
			    note_off);
	ref.site = decode_addr(r, desc);
	ref.semaphore = decode_addr(r, desc + r->addr_size);

	ref.name = (const char *)desc + 2 * r->addr_size;
	left = size - 2 * r->addr_size;
	end = memchr(ref.name, '\0', left);
	if (!end)
		return fail(r, "malformed marker note at offset 0x%zx: name not NUL-terminated",
			    note_off);
	ref.name_len = end - ref.name;
	if (!ref.name_len)
		return fail(r, "malformed marker note at offset 0x%zx: empty name", note_off);

	ref.format = end + 1;
	left -= ref.name_len + 1;
	end = memchr(ref.format, '\0', left);
	if (!end)
		return fail(r, "malformed marker note at offset 0x%zx: format not NUL-terminated",
			    note_off);
	ref.format_len = end - ref.format;
	/* Bytes after the format are left for later versions of the note. */
	return add_ref(r, &ref);
}

static int all_zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

static int scan_data(struct reader *r, Elf_Data *data)
{
	const unsigned char *buf = data->d_buf;
	size_t off = 0;

	while (off < data->d_size) {
		size_t name_off, desc_off;
		GElf_Nhdr nhdr;
		size_t next = gelf_getnote(data, off, &nhdr, &name_off, &desc_off);

		if (!next) {
			/* Zero padding up to a larger section alignment is not a note. */
			if (all_zero(buf + off, data->d_size - off))
				break;
			return fail(r, "malformed note at offset 0x%zx in section %s", off,
				    MARKERS_ELF_NOTE_SECTION);
		}
		if (nhdr.n_type == MARKERS_ELF_NOTE_TYPE &&
		    nhdr.n_namesz == sizeof(MARKERS_ELF_NOTE_OWNER) &&
		    !memcmp(buf + name_off, MARKERS_ELF_NOTE_OWNER,
			    sizeof(MARKERS_ELF_NOTE_OWNER)) &&
		    parse_desc(r, buf + desc_off, nhdr.n_descsz, off))
			return -1;
		off = next;
	}
	return 0;
}

static int scan_section(struct reader *r, Elf_Scn *scn, GElf_Shdr *shdr)
{
	Elf_Data *data = NULL;

	/* Tools may compress non-allocated sections; libelf undoes it in memory. */
	if ((shdr->sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
		return fail_elf(r, "cannot decompress " MARKERS_ELF_NOTE_SECTION);
	elf_errno(); /* clear a stale error, so check_elf sees only ours */
	while ((data = elf_getdata(scn, data)) != NULL)
		if (scan_data(r, data))
			return -1;
	return check_elf(r, "cannot read section " MARKERS_ELF_NOTE_SECTION);
}

static int scan_elf(struct reader *r, Elf *elf)
{
	GElf_Ehdr ehdr;
	Elf_Scn *scn = NULL;
	size_t shnum, shstrndx;

	switch (elf_kind(elf)) {
	case ELF_K_ELF:
		break;
	case ELF_K_AR:
		return fail(r, "an ar archive, not an ELF object (give its members)");
	default:
		/* libelf calls a file cut inside its ELF header "not ELF". */
		if (r->has_elf_magic)
			return fail(r, "truncated ELF file: incomplete ELF header");
		return fail(r, "not an ELF file");
	}
	if (!gelf_getehdr(elf, &ehdr))
		return fail_elf(r, "bad ELF header");
	switch (ehdr.e_ident[EI_CLASS]) {
	case ELFCLASS32:
		r->addr_size = 4;
		break;
	case ELFCLASS64:
		r->addr_size = 8;
		break;
	default:
		return fail(r, "unknown ELF class %d", ehdr.e_ident[EI_CLASS]);
	}
	r->big_endian = ehdr.e_ident[EI_DATA] == ELFDATA2MSB;

	/* libelf shows a section header table past the end of the file as no
	 * sections at all; that is a truncated file, not one without markers. */
	if (elf_getshdrnum(elf, &shnum))
		return fail_elf(r, "truncated or malformed ELF file");
	if (ehdr.e_shoff && !shnum)
		return fail(r, "truncated ELF file: section headers past the end of the file");
	if (!shnum)
		return 0;
	if (elf_getshdrstrndx(elf, &shstrndx))
		return fail_elf(r, "truncated or malformed ELF file");
	elf_errno(); /* as in scan_section */
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr shdr;
		const char *name;

		if (!gelf_getshdr(scn, &shdr))
			return fail_elf(r, "truncated or malformed ELF file");
		if (shdr.sh_type != SHT_NOTE)
			continue;
		name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (!name)
			return fail_elf(r, "truncated or malformed ELF file");
		if (!strcmp(name, MARKERS_ELF_NOTE_SECTION) && scan_section(r, scn, &shdr))
			return -1;
	}
	return check_elf(r, "truncated or malformed ELF file");
}

/* Copy the records and their strings into one block, so one free() frees all. */
static char *copy_str(char **cursor, const char *s, size_t len)
{
	char *dst = *cursor;

	memcpy(dst, s, len);
	dst[len] = '\0';
	*cursor += len + 1;
	return dst;
}

static int copy_out(struct reader *r, struct marker_record **out)
{
	size_t size = r->n * sizeof(**out) + strlen(r->path) + 1;
	struct marker_record *rec;
	const char *path;
	char *cursor;
	size_t i;

	/* Each length is bounded by the file size, so the sum cannot overflow. */
	for (i = 0; i < r->n; i++)
		size += r->refs[i].name_len + r->refs[i].format_len + 2;
	rec = malloc(size);
	if (!rec)
		return fail(r, "%s", strerror(ENOMEM));
	cursor = (char *)(rec + r->n);
	path = copy_str(&cursor, r->path, strlen(r->path));
	for (i = 0; i < r->n; i++) {
		const struct note_ref *ref = &r->refs[i];

		rec[i].name = copy_str(&cursor, ref->name, ref->name_len);
		rec[i].format = copy_str(&cursor, ref->format, ref->format_len);
		rec[i].path = path;
		rec[i].site = ref->site;
		rec[i].semaphore = ref->semaphore;
	}
	*out = rec;
	return 0;
}

static int read_fd(struct reader *r, int fd, struct marker_record **out)
{
	char magic[SELFMAG];
	Elf *elf;
	int ret;

	r->has_elf_magic =
		pread(fd, magic, SELFMAG, 0) == SELFMAG && !memcmp(magic, ELFMAG, SELFMAG);
	/* ELF_C_READ, not mmap: a file truncated while we read it gives an
	 * error instead of SIGBUS. */
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf)
		return fail_elf(r, "cannot read");
	ret = scan_elf(r, elf);
	if (!ret && r->n)
		ret = copy_out(r, out);
	elf_end(elf);
	return ret;
}

int markers_elf_read(const char *path, struct marker_record **out, size_t *n, char *err,
		     size_t errlen)
{
	struct reader r = {.path = path, .err = err, .errlen = errlen};
	struct stat st;
	int fd, ret;

	*out = NULL;
	*n = 0;
	if (errlen)
		err[0] = '\0';
	if (elf_version(EV_CURRENT) == EV_NONE)
		return fail(&r, "libelf: %s", elf_errmsg(-1));

	/* O_NONBLOCK: opening a FIFO must not wait for a writer.  A FIFO or a
	 * device could also block or never end in a read; only files hold tables. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return fail(&r, "%s", strerror(errno));
	if (fstat(fd, &st))
		ret = fail(&r, "%s", strerror(errno));
	else if (S_ISDIR(st.st_mode))
		ret = fail(&r, "%s", strerror(EISDIR));
	else if (!S_ISREG(st.st_mode))
		ret = fail(&r, "not a regular file");
	else
		ret = read_fd(&r, fd, out);
	close(fd);
	free(r.refs);
	if (!ret)
		*n = r.n;
	return ret;
}

void markers_elf_free(struct marker_record *records)
{
	free(records);
}
