// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sys/sdt.h notes (sdt_table.h).  A note in section .note.stapsdt, owner
 * "stapsdt", type 3, has the descriptor
 *   [pc][base][semaphore]  (ELF-class sized addresses, file byte order)
 *   provider\0 name\0 argument-spec\0
 * where base is the address .stapsdt.base had when the note was written:
 * a tool that finds the section elsewhere (prelink) moves pc and the
 * semaphore by the difference.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdt_table.h"

#define SDT_NOTE_SECTION ".note.stapsdt"
#define SDT_NOTE_OWNER "stapsdt"
#define SDT_NOTE_TYPE 3

struct sdt_cache {
	struct sdt_cache *next;
	const char *path;
	sdt_vec table;
	const char *err;
};

/* The registers libbpf 1.1 knows on x86-64 (usdt.c, calc_pt_regs_off). */
static bool known_register(const char *r, size_t len)
{
	static const char *const regs[] = {
		"rip",	"eip",	"rax",	"eax",	"ax",	"al",	"rbx",	"ebx",	"bx",	"bl",
		"rcx",	"ecx",	"cx",	"cl",	"rdx",	"edx",	"dx",	"dl",	"rsi",	"esi",
		"si",	"sil",	"rdi",	"edi",	"di",	"dil",	"rbp",	"ebp",	"bp",	"bpl",
		"rsp",	"esp",	"sp",	"spl",	"r8",	"r8d",	"r8w",	"r8b",	"r9",	"r9d",
		"r9w",	"r9b",	"r10",	"r10d", "r10w", "r10b", "r11",	"r11d", "r11w", "r11b",
		"r12",	"r12d", "r12w", "r12b", "r13",	"r13d", "r13w", "r13b", "r14",	"r14d",
		"r14w", "r14b", "r15",	"r15d", "r15w", "r15b"};

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (strlen(regs[i]) == len && !strncmp(regs[i], r, len))
			return true;
	return false;
}

bool sdt_arg_supported(const char *spec)
{
	const char *p = spec;
	char *end;
	long size = strtol(p, &end, 10);

	if (end == p || *end != '@' ||
	    (labs(size) != 1 && labs(size) != 2 && labs(size) != 4 && labs(size) != 8))
		return false;
	p = end + 1;
	if (*p == '$') { /* a constant */
		strtol(p + 1, &end, 10);
		return end != p + 1 && !*end;
	}
	if (*p == '%') /* a register */
		return known_register(p + 1, strlen(p + 1));
	if (*p != '(') { /* offset(%reg): a number, not a symbol */
		strtol(p, &end, 10);
		if (end == p || *end != '(')
			return false;
		p = end;
	}
	/* (%reg) only: (%base,%index,scale) is not decoded by libbpf 1.1 */
	if (p[0] != '(' || p[1] != '%')
		return false;
	const char *close = strchr(p, ')');

	return close && !close[1] && known_register(p + 2, (size_t)(close - p - 2));
}

static uint64_t get_addr(const unsigned char *p, int size, bool big)
{
	uint64_t v = 0;

	for (int i = 0; i < size; i++)
		v = v << 8 | p[big ? i : size - 1 - i];
	return v;
}

static void parse_args(struct arena *a, struct sdt_note *n)
{
	const char *p = n->args;

	while (*p) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		size_t len = strcspn(p, " \t");
		const char *spec = arena_strndup(a, p, len);

		n->nargs++;
		if (!n->bad_arg && !sdt_arg_supported(spec)) {
			n->bad_arg = n->nargs;
			n->bad_spec = spec;
		}
		p += len;
	}
}

static const char *scan(struct arena *a, Elf *elf, const char *path, sdt_vec *t)
{
	GElf_Ehdr eh;
	size_t shstrndx;
	Elf_Scn *scn = NULL, *notes = NULL;
	uint64_t base_addr = 0;
	bool have_base = false;

	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		return arena_printf(a, "%s: not an ELF file", path);
	if (elf_getshdrstrndx(elf, &shstrndx))
		return arena_printf(a, "%s: %s", path, elf_errmsg(-1));
	int asize = eh.e_ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;
	bool big = eh.e_ident[EI_DATA] == ELFDATA2MSB;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
			continue;
		if (sh.sh_type == SHT_NOTE && !strcmp(name, SDT_NOTE_SECTION))
			notes = scn;
		if (!strcmp(name, ".stapsdt.base")) {
			base_addr = sh.sh_addr;
			have_base = true;
		}
	}
	if (!notes)
		return NULL;
	Elf_Data *d = NULL;

	while ((d = elf_getdata(notes, d))) {
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;

		while (off < d->d_size && (off = gelf_getnote(d, off, &nh, &name_off, &desc_off))) {
			const unsigned char *desc = (const unsigned char *)d->d_buf + desc_off;
			const char *owner = (const char *)d->d_buf + name_off;

			if (nh.n_type != SDT_NOTE_TYPE || nh.n_namesz != sizeof(SDT_NOTE_OWNER) ||
			    memcmp(owner, SDT_NOTE_OWNER, sizeof(SDT_NOTE_OWNER)) ||
			    nh.n_descsz < (size_t)3 * asize + 3)
				continue;
			const char *s = (const char *)desc + 3 * asize,
				   *end = (const char *)desc + nh.n_descsz;
			const char *prov = s, *name = prov ? memchr(prov, 0, end - prov) : NULL;
			const char *args = name ? memchr(name + 1, 0, end - name - 1) : NULL;

			if (!name || !args || !memchr(args + 1, 0, end - args - 1))
				return arena_printf(a, "%s: malformed note in %s", path,
						    SDT_NOTE_SECTION);
			struct sdt_note n = {
				.provider = arena_strndup(a, prov, strlen(prov)),
				.name = arena_strndup(a, name + 1, strlen(name + 1)),
				.args = arena_strndup(a, args + 1, strlen(args + 1)),
				.pc = get_addr(desc, asize, big),
				.semaphore = get_addr(desc + 2 * asize, asize, big),
			};
			uint64_t base = get_addr(desc + asize, asize, big);

			if (have_base && base) {
				n.pc += base_addr - base;
				if (n.semaphore)
					n.semaphore += base_addr - base;
			}
			parse_args(a, &n);
			VEC_PUSH(a, *t, n);
		}
	}
	return NULL;
}

const sdt_vec *sdt_table(struct session *s, const char *path, const char **err)
{
	struct sdt_cache *c;

	for (c = s->sdt_tables; c; c = c->next)
		if (!strcmp(c->path, path))
			break;
	if (!c) {
		c = arena_alloc(s->arena, sizeof(*c));
		c->path = arena_strndup(s->arena, path, strlen(path));
		c->next = s->sdt_tables;
		s->sdt_tables = c;
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		Elf *elf;

		if (elf_version(EV_CURRENT) == EV_NONE)
			c->err = "libelf is too old";
		else if (fd < 0)
			c->err = arena_printf(s->arena, "%s: %s", path, strerror(errno));
		else if (!(elf = elf_begin(fd, ELF_C_READ, NULL)))
			c->err = arena_printf(s->arena, "%s: %s", path, elf_errmsg(-1));
		else {
			c->err = scan(s->arena, elf, path, &c->table);
			elf_end(elf);
		}
		if (fd >= 0)
			close(fd);
	}
	*err = c->err;
	return c->err ? NULL : &c->table;
}

typedef VEC(const char *) str_vec;

/* DT_NEEDED names and the RUNPATH/RPATH of exe. */
static void dynamic(struct arena *a, Elf *elf, str_vec *needed, const char **runpath)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);

		for (size_t i = 0; d && i < sh.sh_size / (sh.sh_entsize ? sh.sh_entsize : 1); i++) {
			GElf_Dyn dyn;
			const char *str;

			if (!gelf_getdyn(d, (int)i, &dyn))
				break;
			if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RUNPATH &&
			    dyn.d_tag != DT_RPATH)
				continue;
			str = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val);
			if (!str)
				continue;
			if (dyn.d_tag == DT_NEEDED)
				VEC_PUSH(a, *needed, arena_strndup(a, str, strlen(str)));
			else
				*runpath = arena_strndup(a, str, strlen(str));
		}
	}
}

const char *const *sdt_needed_libraries(struct session *s, const char *exe, int *n,
					const char **err)
{
	static const char *const sysdirs =
		"/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:/usr/lib64:/lib:/usr/lib";
	str_vec needed = {0}, out = {0};
	const char *runpath = NULL;
	int fd = open(exe, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	Elf *elf;

	*n = 0;
	if (fd < 0) {
		*err = arena_printf(s->arena, "%s: %s", exe, strerror(errno));
		return NULL;
	}
	elf = elf_version(EV_CURRENT) == EV_NONE ? NULL : elf_begin(fd, ELF_C_READ, NULL);
	if (!elf) {
		close(fd);
		*err = arena_printf(s->arena, "%s: not an ELF file", exe);
		return NULL;
	}
	dynamic(s->arena, elf, &needed, &runpath);
	elf_end(elf);
	close(fd);
	const char *origin = arena_strndup(s->arena, exe, strrchr(exe, '/') - exe);

	for (int i = 0; i < needed.n; i++) {
		const char *dirs =
			runpath ? arena_printf(s->arena, "%s:%s", runpath, sysdirs) : sysdirs;
		char real[PATH_MAX];

		while (*dirs) {
			size_t len = strcspn(dirs, ":");
			const char *dir = arena_strndup(s->arena, dirs, len);

			if (!strncmp(dir, "$ORIGIN", 7))
				dir = arena_printf(s->arena, "%s%s", origin, dir + 7);
			const char *cand = arena_printf(s->arena, "%s/%s", dir, needed.v[i]);

			if (len && realpath(cand, real)) {
				VEC_PUSH(s->arena, out,
					 arena_strndup(s->arena, real, strlen(real)));
				break;
			}
			dirs += len + (dirs[len] == ':');
		}
	}
	*n = out.n;
	return out.v;
}
