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
		VEC_PUSH(a, *v, ((struct func_sym){arena_strndup(a, name, len), addr, 0}));
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

/* "ADDR TYPE NAME [module]" lines; text symbols are types t and T. */
static bool read_map(struct arena *a, const char *path, funcsym_vec *v)
{
	FILE *f = fopen(path, "r");
	char line[1024], name[512], type;
	unsigned long long addr;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %511s", &addr, &type, name) == 3 &&
		    (type == 't' || type == 'T'))
			add_sym(a, v, name, addr);
	fclose(f);
	return v->n > 0;
}

const funcsym_vec *symtab_kernel(struct session *s, const char **err)
{
	struct symtab_cache *c = s->kernel_syms;
	struct utsname u;

	if (c) {
		*err = c->err;
		return c->err ? NULL : &c->syms;
	}
	s->kernel_syms = c = arena_alloc(s->arena, sizeof(*c));
	uname(&u);
	if (read_map(s->arena, arena_printf(s->arena, "%s/System.map", s->kernel_build_dir),
		     &c->syms) ||
	    read_map(s->arena, arena_printf(s->arena, "/boot/System.map-%s", s->kernel_release),
		     &c->syms) ||
	    (!strcmp(u.release, s->kernel_release) &&
	     read_map(s->arena, "/proc/kallsyms", &c->syms))) {
		*err = NULL;
		return &c->syms;
	}
	*err = c->err =
		arena_printf(s->arena, "no kernel symbol table (%s/System.map, /proc/kallsyms)",
			     s->kernel_build_dir);
	return NULL;
}
