// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "symtab.h"

struct symtab_cache {
	struct symtab_cache *next;
	const char *path;
	funcsym_vec syms;
	const char *err;
};

static void add_sym(struct arena *a, funcsym_vec *v, const char *name, uint64_t addr)
{
	/* Versioned dynamic names ("memcpy@@GLIBC_2.14") probe as the plain name. */
	size_t len = strcspn(name, "@");

	if (len)
		VEC_PUSH(a, *v,
			 ((struct func_sym){.name = arena_strndup(a, name, len), .addr = addr}));
}

/* FUNC symbols of one symbol table section; returns how many. */
static int read_section(struct arena *a, Elf *elf, Elf_Scn *scn, GElf_Shdr *sh, funcsym_vec *v)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	int n = 0;

	if (!data || !sh->sh_entsize)
		return 0;
	for (size_t i = 0; i < sh->sh_size / sh->sh_entsize; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    sym.st_shndx == SHN_UNDEF)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (name && *name) {
			add_sym(a, v, name, sym.st_value);
			n++;
		}
	}
	return n;
}

/* Each symbol's file offset, through the loadable segment holding it. */
static void file_offsets(Elf *elf, funcsym_vec *v)
{
	size_t nph = 0;

	if (elf_getphdrnum(elf, &nph))
		return;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		for (int k = 0; k < v->n; k++) {
			struct func_sym *f = &v->v[k];

			if (f->addr >= ph.p_vaddr && f->addr < ph.p_vaddr + ph.p_filesz)
				f->offset = f->addr - ph.p_vaddr + ph.p_offset;
		}
	}
}

static const char *read_elf(struct arena *a, const char *path, funcsym_vec *v)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf;
	const char *err = NULL;

	if (fd < 0)
		return arena_printf(a, "%s: cannot open", path);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		err = arena_printf(a, "%s: not an ELF file", path);
	} else {
		/* .symtab has everything; a stripped file still has .dynsym. */
		for (int pass = 0; pass < 2 && !v->n; pass++) {
			Elf_Scn *scn = NULL;
			GElf_Shdr sh;

			while ((scn = elf_nextscn(elf, scn)))
				if (gelf_getshdr(scn, &sh) &&
				    sh.sh_type == (pass ? SHT_DYNSYM : SHT_SYMTAB))
					read_section(a, elf, scn, &sh, v);
		}
		file_offsets(elf, v);
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

const funcsym_vec *symtab_process(struct session *s, const char *path, const char **err)
{
	struct symtab_cache *c;
	struct stat st;

	for (c = s->process_syms; c; c = c->next)
		if (!strcmp(c->path, path))
			break;
	if (!c) {
		c = arena_alloc(s->arena, sizeof(*c));
		c->path = arena_strndup(s->arena, path, strlen(path));
		/* Only regular files: a FIFO or a device would block or never end. */
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			c->err = arena_printf(s->arena, "%s: not a regular file", path);
		else
			c->err = read_elf(s->arena, path, &c->syms);
		c->next = s->process_syms;
		s->process_syms = c;
	}
	*err = c->err;
	return c->err ? NULL : &c->syms;
}

/* Address ranges the kernel refuses kprobes in, with their names. */
struct nokprobe_range {
	uint64_t start, end;
	const char *name;
};
typedef VEC(struct nokprobe_range) range_vec;

/* Text sections no kprobe may go in (kernel/kprobes.c, arch/x86). */
static const char *const nokprobe_sections[] = {"__kprobes_text", "__noinstr_text", "__entry_text",
						"__irqentry_text", "__softirqentry_text"};

/*
 * "ADDR TYPE NAME [module]" lines of vmlinux (System.map, kallsyms); text
 * symbols are types t and T.  The map also says what cannot be probed:
 * NOKPROBE_SYMBOL(f) leaves a data symbol _kbl_addr_f, and the sections
 * above have _start/_end symbols.
 */
static bool read_map(struct arena *a, const char *path, funcsym_vec *v, range_vec *no)
{
	FILE *f = fopen(path, "r");
	char line[1024], name[512], module[256], type;
	unsigned long long addr;
	uint64_t starts[sizeof(nokprobe_sections) / sizeof(nokprobe_sections[0])] = {0};
	VEC(const char *) kbl = {0};

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		int n = sscanf(line, "%llx %c %511s %255s", &addr, &type, name, module);

		if (n != 3)
			continue; /* malformed, or a module's symbol */
		if (type == 't' || type == 'T') {
			add_sym(a, v, name, addr);
			for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
				size_t len = strlen(nokprobe_sections[i]);

				if (strncmp(name, nokprobe_sections[i], len))
					continue;
				if (!strcmp(name + len, "_start"))
					starts[i] = addr;
				else if (!strcmp(name + len, "_end") && starts[i])
					VEC_PUSH(a, *no,
						 ((struct nokprobe_range){starts[i], addr,
									  nokprobe_sections[i]}));
			}
		} else if (!strncmp(name, "_kbl_addr_", 10)) {
			VEC_PUSH(a, kbl, arena_strndup(a, name + 10, strlen(name + 10)));
		}
	}
	fclose(f);
	/* A NOKPROBE_SYMBOL function: the whole of it (to the next symbol). */
	for (int k = 0; k < kbl.n; k++)
		for (int i = 0; i < v->n; i++)
			if (!strcmp(v->v[i].name, kbl.v[k]))
				v->v[i].nokprobe = "NOKPROBE_SYMBOL";
	return v->n > 0;
}

/* guest/kernel-symbols' kprobes.blacklist: "0xSTART-0xEND<TAB>NAME". */
static void read_blacklist(struct arena *a, const char *path, range_vec *no)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	char line[1024], name[512];
	unsigned long long start, end;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "0x%llx-0x%llx %511s", &start, &end, name) == 3)
			VEC_PUSH(a, *no,
				 ((struct nokprobe_range){start, end,
							  arena_strndup(a, name, strlen(name))}));
	fclose(f);
}

static void mark_nokprobe(funcsym_vec *v, const range_vec *no)
{
	for (int i = 0; i < v->n; i++)
		for (int k = 0; k < no->n && !v->v[i].nokprobe; k++)
			if (v->v[i].addr >= no->v[k].start && v->v[i].addr < no->v[k].end)
				v->v[i].nokprobe = no->v[k].name;
}

const funcsym_vec *symtab_kernel(struct session *s, const char **from, const char **err)
{
	struct symtab_cache *c = s->kernel_syms;
	struct arena *a = s->arena;
	struct utsname u;
	range_vec no = {0};

	if (!c) {
		const char *own = session_own_kernel_file(s, "System.map");
		const char *maps[] = {
			arena_printf(a, "%s/System.map", s->kernel_build_dir),
			arena_printf(a, "/boot/System.map-%s", s->kernel_release),
			own,
		};
		const char *elfs[] = {
			arena_printf(a, "/usr/lib/debug/boot/vmlinux-%s", s->kernel_release),
			arena_printf(a, "%s/vmlinux", s->kernel_build_dir),
		};

		s->kernel_syms = c = arena_alloc(a, sizeof(*c));
		uname(&u);
		for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]) && !c->path; i++)
			if (maps[i] && read_map(a, maps[i], &c->syms, &no))
				c->path = maps[i];
		if (c->path && c->path == own)
			read_blacklist(a, session_own_kernel_file(s, "kprobes.blacklist"), &no);
		for (size_t i = 0; i < sizeof(elfs) / sizeof(elfs[0]) && !c->path; i++)
			if (access(elfs[i], R_OK) == 0 && !read_elf(a, elfs[i], &c->syms) &&
			    c->syms.n)
				c->path = elfs[i];
		if (!c->path && !strcmp(u.release, s->kernel_release) &&
		    read_map(a, "/proc/kallsyms", &c->syms, &no))
			c->path = "/proc/kallsyms";
		mark_nokprobe(&c->syms, &no);
		if (!c->path)
			c->err = arena_printf(
				a,
				"no symbol table for kernel %s: no System.map in %s or /boot "
				"(Debian's "
				"is a stub: install linux-image-%s-dbg), none from the guest "
				"(guest/kernel-symbols), no vmlinux",
				s->kernel_release, s->kernel_build_dir, s->kernel_release);
	}
	*from = c->path;
	*err = c->err;
	return c->err ? NULL : &c->syms;
}
