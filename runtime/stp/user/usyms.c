// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * User-space host: user stacks and symbols for ubacktrace(), usymname()
 * and friends (stp_host.h).  Handlers run inside the target, so its stack
 * is the stack we are on: glibc's backtrace() unwinds it (the unwinder of
 * libgcc, over the .eh_frame every Debian object has), and the frames of
 * the probe itself (this module and libmarkers' dispatch) are dropped, so
 * the first address is in the function that holds the marker.  A function
 * probe's handler runs in the SIGTRAP handler: the trace starts at the
 * probed address the signal frame saved.
 *
 * Symbols come from the object's own symbol table (.symtab, else
 * .dynsym) read with libelf, found through dl_iterate_phdr (the main
 * program included, which dladdr cannot name), and kept per object.
 */
#include <elf.h>
#include <execinfo.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../stp.h"
#include "../stp_lib.h"
#include "stp_user.h"

#define USYM_OBJECTS 64
#define USYM_DEPTH 64

struct usym_entry {
	uint64_t start, size;
	const char *name;
};

/* One mapped object: its path, load bias and span, and its symbols by
 * address. */
struct usym_object {
	char path[PATH_MAX];
	uint64_t bias, lo, hi;
	struct usym_entry *syms;
	int nsyms;
	char *names; /* the symbol names, one block */
};

static struct usym_object objects[USYM_OBJECTS];
static int nobjects;
static pthread_mutex_t usym_lock = PTHREAD_MUTEX_INITIALIZER;

static int by_start(const void *a, const void *b)
{
	const struct usym_entry *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The function and object symbols of one section, added to o. */
static void read_symbols(struct usym_object *o, Elf *elf, Elf_Scn *scn, GElf_Shdr *sh)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0, names = 0, used = 0;
	GElf_Sym sym;

	if (!data)
		return;
	for (size_t i = 0; i < n; i++)
		if (gelf_getsym(data, (int)i, &sym) && sym.st_value &&
		    (GELF_ST_TYPE(sym.st_info) == STT_FUNC ||
		     GELF_ST_TYPE(sym.st_info) == STT_OBJECT)) {
			const char *name = elf_strptr(elf, sh->sh_link, sym.st_name);

			names += name ? strlen(name) + 1 : 0;
		}
	o->syms = calloc(n ? n : 1, sizeof(*o->syms));
	o->names = malloc(names ? names : 1);
	if (!o->syms || !o->names)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *name;

		if (!gelf_getsym(data, (int)i, &sym) || !sym.st_value ||
		    (GELF_ST_TYPE(sym.st_info) != STT_FUNC &&
		     GELF_ST_TYPE(sym.st_info) != STT_OBJECT))
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		strcpy(o->names + used, name);
		o->syms[o->nsyms++] =
			(struct usym_entry){sym.st_value + o->bias, sym.st_size, o->names + used};
		used += strlen(name) + 1;
	}
	qsort(o->syms, (size_t)o->nsyms, sizeof(*o->syms), by_start);
}

static void load_symbols(struct usym_object *o)
{
	int fd = open(o->path, O_RDONLY | O_CLOEXEC);
	Elf *elf;
	Elf_Scn *scn = NULL, *dyn = NULL, *tab = NULL;
	GElf_Shdr sh, dynsh, tabsh;

	if (fd < 0)
		return;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && (scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			tab = scn, tabsh = sh;
		else if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_DYNSYM)
			dyn = scn, dynsh = sh;
	if (tab)
		read_symbols(o, elf, tab, &tabsh);
	else if (dyn)
		read_symbols(o, elf, dyn, &dynsh);
	if (elf)
		elf_end(elf);
	close(fd);
}

struct find {
	uint64_t addr;
	struct usym_object found;
	int ok;
};

static int find_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct find *f = arg;
	uint64_t lo = UINT64_MAX, hi = 0;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD)
			continue;
		if (info->dlpi_addr + ph->p_vaddr < lo)
			lo = info->dlpi_addr + ph->p_vaddr;
		if (info->dlpi_addr + ph->p_vaddr + ph->p_memsz > hi)
			hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
	}
	if (f->addr < lo || f->addr >= hi)
		return 0;
	f->found.bias = info->dlpi_addr;
	f->found.lo = lo;
	f->found.hi = hi;
	if (info->dlpi_name && *info->dlpi_name) {
		stp_strlcpy(f->found.path, info->dlpi_name, sizeof(f->found.path));
	} else { /* the main program */
		ssize_t n = readlink("/proc/self/exe", f->found.path, sizeof(f->found.path) - 1);

		f->found.path[n > 0 ? n : 0] = '\0';
	}
	f->ok = 1;
	return 1;
}

/* The object around addr, with its symbols (loaded on first use). */
static const struct usym_object *object_of(uint64_t addr)
{
	struct find f = {.addr = addr};

	for (int i = 0; i < nobjects; i++)
		if (addr >= objects[i].lo && addr < objects[i].hi)
			return &objects[i];
	if (!dl_iterate_phdr(find_object, &f) || !f.ok || nobjects == USYM_OBJECTS)
		return NULL;
	objects[nobjects] = f.found;
	load_symbols(&objects[nobjects]);
	return &objects[nobjects++];
}

int stp_host_usym(uint64_t addr, struct stp_usym *u)
{
	const struct usym_object *o;

	memset(u, 0, sizeof(*u));
	if (stp_user_hit_is_remote()) /* another process's address: unnamed */
		return 0;
	pthread_mutex_lock(&usym_lock);
	o = object_of(addr);
	if (o) {
		const struct usym_entry *best = NULL;
		int lo = 0, hi = o->nsyms;

		u->has_module = 1;
		stp_strlcpy(u->module, o->path, sizeof(u->module));
		u->mod_start = o->lo;
		u->mod_size = o->hi - o->lo;
		while (lo < hi) { /* the last symbol starting at or before addr */
			int mid = (lo + hi) / 2;

			if (o->syms[mid].start <= addr)
				best = &o->syms[mid], lo = mid + 1;
			else
				hi = mid;
		}
		if (best && (addr < best->start + best->size || !best->size)) {
			u->has_name = 1;
			stp_strlcpy(u->name, best->name, sizeof(u->name));
			u->start = best->start;
			u->size = best->size;
		}
	}
	pthread_mutex_unlock(&usym_lock);
	return 0;
}

/* Whether pc is in this module or in libmarkers (its dispatch to the
 * probe): the probe's own frames. */
static int probe_frame(uint64_t pc)
{
	static uint64_t self_lo, self_hi;
	const struct usym_object *o;
	int ours;

	pthread_mutex_lock(&usym_lock);
	if (!self_hi && (o = object_of((uint64_t)(uintptr_t)probe_frame))) {
		self_lo = o->lo;
		self_hi = o->hi;
	}
	o = object_of(pc);
	ours = (pc >= self_lo && pc < self_hi) ||
	       (o && !strncmp(strrchr(o->path, '/') ? strrchr(o->path, '/') + 1 : o->path,
			      "libmarkers.so", 13));
	pthread_mutex_unlock(&usym_lock);
	return ours;
}

int stp_host_ubacktrace(struct stp_context *c, uint64_t *pcs, int max)
{
	void *frames[USYM_DEPTH];
	int n, i = 0, out = 0;

	/* stapmark's own threads run begin, end and timer probes, and the
	 * handlers of sys/sdt.h hits copied from a BPF ring: no stack of the
	 * traced process here (stap: empty). */
	if (stp_user_hit_is_remote() || stp_host_pid() == c->r->stapmark_pid)
		return 0;
	n = backtrace(frames, USYM_DEPTH);
	if (c->uregs) {
		uint64_t pc = (uint64_t)stp_host_uregs_pc(c->uregs);

		/* From the probed address on: the signal frame's. */
		while (i < n && (uint64_t)(uintptr_t)frames[i] != pc)
			i++;
		if (i == n)
			i = 0;
	}
	while (i < n && probe_frame((uint64_t)(uintptr_t)frames[i]))
		i++;
	for (; i < n && out < max; i++)
		pcs[out++] = (uint64_t)(uintptr_t)frames[i];
	return out;
}

int64_t stp_host_addr(struct stp_context *c)
{
	uint64_t pc;

	if (c->uregs)
		return stp_host_uregs_pc(c->uregs);
	/* A marker's call site: the first frame of its stack. */
	return stp_host_ubacktrace(c, &pc, 1) == 1 ? (int64_t)pc : 0;
}
