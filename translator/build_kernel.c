// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pass 4 for the kernel (build_kernel.h).  The build directory is kbuild's
 * M=DIR: module.c from pass 3, Kbuild (a copy of runtime/stp/kernel/
 * Kbuild.script) and a symlink to every C file of runtime/stp and of
 * runtime/stp/kernel, side by side, since kbuild builds objects next
 * to their sources.  It runs as runtime/kernel/kernel.mk runs it for
 * markers.ko: without our make's variables in the environment, without
 * BTF for modules (the headers package has no vmlinux to take it from),
 * with markers.ko's Module.symvers for the marker API's symbol versions.
 *
 * The cache key adds to what every module's has (build.c) the kernel it
 * is for: the release, the identity of its build tree (Makefile, .config,
 * Module.symvers, the generated headers), markers.ko's Module.symvers, the
 * compiler, and the runtime sources.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_kernel.h"
#include "marker_table.h"

/* What a kbuild of a script module needs; found again by each step. */
struct kbuild {
	const char *top; /* STAPMARK_SRC: runtime/ and include/ */
	const char *kdir; /* the kernel build tree */
	const char *symvers; /* markers.ko's Module.symvers */
};

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* The sources of the runtime: the tree stapmark was built from
 * (BUILD/bin/stapmark), else an installation (PREFIX/share/stapmark). */
static const char *kernel_runtime_top(struct session *s)
{
	const char *exe = session_exe_dir(s);
	const char *tops[] = {"%s/../..", "%s/../share/stapmark"};

	for (size_t i = 0; exe && i < sizeof(tops) / sizeof(tops[0]); i++) {
		const char *top = arena_printf(s->arena, tops[i], exe);

		if (readable(arena_printf(s->arena, "%s/runtime/stp/kernel/Kbuild.script", top)))
			return top;
	}
	return NULL;
}

const char *kernel_markers_ko(struct session *s)
{
	const char *exe = session_exe_dir(s);
	const char *ko =
		exe ? arena_printf(s->arena, "%s/../kernel/markers/markers.ko", exe) : NULL;
	const char *installed =
		exe ? arena_printf(s->arena, "%s/../lib/stapmark/kernel/%s/markers.ko", exe,
				   s->kernel_release)
		    : NULL;

	return ko && readable(ko) ? ko : installed && readable(installed) ? installed : NULL;
}

const char *kernel_modinfo(struct arena *a, const char *path, const char *key)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	const char *value = NULL;
	size_t klen = strlen(key);
	Elf *e;

	if (fd < 0)
		return NULL;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (e && elf_getshdrstrndx(e, &shstrndx) == 0)
		while (!value && (scn = elf_nextscn(e, scn))) {
			GElf_Shdr sh;
			const char *name;
			Elf_Data *d;

			if (!gelf_getshdr(scn, &sh) ||
			    !(name = elf_strptr(e, shstrndx, sh.sh_name)) ||
			    strcmp(name, ".modinfo") || !(d = elf_getdata(scn, NULL)) || !d->d_buf)
				continue;
			/* NUL-separated "key=value" strings. */
			for (size_t off = 0; off < d->d_size;) {
				const char *p = (const char *)d->d_buf + off;
				size_t n = strnlen(p, d->d_size - off);

				if (n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
					value = arena_strndup(a, p + klen + 1, n - klen - 1);
					break;
				}
				off += n + 1;
			}
		}
	if (e)
		elf_end(e);
	close(fd);
	return value;
}

/* The release a module was built for: the first word of its vermagic. */
static const char *module_release(struct arena *a, const char *ko)
{
	const char *vm = kernel_modinfo(a, ko, "vermagic");

	return vm ? arena_strndup(a, vm, strcspn(vm, " ")) : NULL;
}

/* A build tree has a Makefile; -r DIR may also name a stand-in tree (a
 * marker table and a release, as BUILD/kernel), whose release's installed
 * tree then builds. */
static const char *kernel_tree(struct session *s)
{
	const char *kdir = s->kernel_build_dir;

	if (kdir && readable(arena_printf(s->arena, "%s/Makefile", kdir)))
		return kdir;
	kdir = arena_printf(s->arena, "/lib/modules/%s/build", s->kernel_release);
	return readable(arena_printf(s->arena, "%s/Makefile", kdir)) ? kdir : NULL;
}

static int find_kbuild(struct session *s, struct kbuild *k)
{
	const char *exe = session_exe_dir(s);
	struct arena *a = s->arena;

	if (s->remote && !s->kernel_build_dir && !session_guest_release(s)) {
		fprintf(stderr, "stapmark: cannot tell the guest's kernel release (GUEST_KREL in "
				"config.mk: run ./configure, or give -r KRELEASE)\n");
		return 1;
	}
	k->top = kernel_runtime_top(s);
	if (!k->top) {
		fprintf(stderr, "stapmark: cannot find the kernel runtime "
				"(runtime/stp/kernel/Kbuild.script of the source tree or the "
				"installation)\n");
		return 1;
	}
	k->kdir = kernel_tree(s);
	if (!k->kdir) {
		fprintf(stderr,
			"stapmark: no kernel build tree for %s at /lib/modules/%s/build (install "
			"linux-headers-%s, or give a build tree with -r DIR)\n",
			s->kernel_release, s->kernel_release, s->kernel_release);
		return 1;
	}
	const char *built =
		exe ? arena_printf(a, "%s/../kernel/markers/Module.symvers", exe) : NULL;
	const char *installed = exe ? arena_printf(a, "%s/../lib/stapmark/kernel/%s/Module.symvers",
						   exe, s->kernel_release)
				    : NULL;

	k->symvers = built && readable(built)		? built
		     : installed && readable(installed) ? installed
							: NULL;
	if (!k->symvers) {
		fprintf(stderr,
			"stapmark: no Module.symvers of markers.ko (%s): build markers.ko first: "
			"make\n",
			built ? built : "BUILD/kernel/markers");
		return 1;
	}
	/* Symbol versions of another kernel would make the module fail to
	 * load: say so now. */
	const char *ko = kernel_markers_ko(s);
	const char *rel = ko && k->symvers == built ? module_release(a, ko) : NULL;

	if (rel && strcmp(rel, s->kernel_release)) {
		fprintf(stderr,
			"stapmark: %s is built for kernel %s, not %s: rebuild it for %s (make, "
			"with GUEST_KREL in config.mk) or give -r %s\n",
			ko, rel, s->kernel_release, s->kernel_release, rel);
		return 1;
	}
	return 0;
}

int build_kernel_prepare(struct session *s, const struct program *prog, struct build *b)
{
	struct arena *a = s->arena;
	struct kbuild k;
	struct digest d;

	memset(b, 0, sizeof(*b));
	if (find_kbuild(s, &k))
		return 1;
	digest_init(&d);
	if (build_digest_program(s, prog, &d))
		return 1;
	digest_str(&d, "kernel");
	digest_str(&d, s->kernel_release);
	digest_str(&d, k.kdir);
	static const char *const tree_files[] = {
		"Makefile",
		".config",
		"Module.symvers",
		"include/generated/autoconf.h",
		"include/generated/utsrelease.h",
		"include/config/kernel.release",
	};
	for (size_t i = 0; i < sizeof(tree_files) / sizeof(tree_files[0]); i++)
		digest_file(&d, arena_printf(a, "%s/%s", k.kdir, tree_files[i]));
	digest_file(&d, k.symvers);
	const char *cc = resolve_program_path(s, "gcc");

	digest_file(&d, cc ? cc : "gcc");
	static const char *const runtime_dirs[] = {"runtime/stp", "runtime/stp/kernel",
						   "runtime/core", "include/stapmark"};
	for (size_t i = 0; i < sizeof(runtime_dirs) / sizeof(runtime_dirs[0]); i++)
		digest_dir(&d, a, arena_printf(a, "%s/%s", k.top, runtime_dirs[i]));
	build_set_key(s, &d, b);
	b->name = s->module_name ? s->module_name : arena_printf(a, "stap_%.16s", b->key);
	return build_entry(s, b, arena_printf(a, "%s.ko", b->name));
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	char buf[8192];
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	while (out >= 0 && (n = read(in, buf, sizeof(buf))) >= 0) {
		if (n == 0) {
			rc = 0;
			break;
		}
		if (write(out, buf, (size_t)n) != n)
			break;
	}
	if (out >= 0 && close(out))
		rc = -1;
	close(in);
	return rc;
}

/* Link every *.c of src into dir under its own name; a name taken twice
 * (by the generated module.c, or by both runtime directories) would build
 * the wrong file: refused. */
static int link_sources(struct session *s, const char *src, const char *dir)
{
	DIR *dh = opendir(src);
	struct dirent *de;
	int rc = 0;

	if (!dh) {
		fprintf(stderr, "stapmark: %s: %s\n", src, strerror(errno));
		return 1;
	}
	while (!rc && (de = readdir(dh))) {
		size_t n = strlen(de->d_name);

		if (n < 3 || strcmp(de->d_name + n - 2, ".c"))
			continue;
		const char *from = arena_printf(s->arena, "%s/%s", src, de->d_name);
		const char *to = arena_printf(s->arena, "%s/%s", dir, de->d_name);

		if (symlink(from, to)) {
			fprintf(stderr, "stapmark: cannot link %s into the build directory: %s\n",
				from,
				errno == EEXIST ? "another source has its name" : strerror(errno));
			rc = 1;
		}
	}
	closedir(dh);
	return rc;
}

/* Without -k the entry keeps the module, its C and kbuild's log. */
static void remove_intermediates(struct session *s, const char *dir, const struct build *b)
{
	const char *ko = strrchr(b->so_file, '/') + 1;
	DIR *dh = opendir(dir);
	struct dirent *de;

	while (dh && (de = readdir(dh))) {
		const char *n = de->d_name;

		if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "module.c") ||
		    !strcmp(n, "build.log") || !strcmp(n, ko))
			continue;
		const char *path = arena_printf(s->arena, "%s/%s", dir, n);

		if (unlink(path) && errno == EISDIR)
			build_run((char *[]){"rm", "-rf", (char *)path, NULL}, "/dev/null");
	}
	if (dh)
		closedir(dh);
}

int build_kernel_compile(struct session *s, struct build *b)
{
	struct arena *a = s->arena;
	char *tmpdir = arena_strndup(a, b->c_file, strrchr(b->c_file, '/') - b->c_file);
	const char *log = arena_printf(a, "%s/build.log", tmpdir);
	const char *ko = strrchr(b->so_file, '/') + 1;
	VEC(char *) argv = {0};
	struct kbuild k;

	if (find_kbuild(s, &k))
		return 1;
	if (copy_file(arena_printf(a, "%s/runtime/stp/kernel/Kbuild.script", k.top),
		      arena_printf(a, "%s/Kbuild", tmpdir))) {
		fprintf(stderr, "stapmark: cannot copy Kbuild.script into %s: %s\n", tmpdir,
			strerror(errno));
		return 1;
	}
	if (link_sources(s, arena_printf(a, "%s/runtime/stp", k.top), tmpdir) ||
	    link_sources(s, arena_printf(a, "%s/runtime/stp/kernel", k.top), tmpdir))
		return 1;
	/* kbuild makes NAME.ko of NAME.o, which it links from the objects:
	 * a source of that name would be taken for it. */
	if (readable(arena_printf(a, "%s/%s.c", tmpdir, b->name))) {
		fprintf(stderr,
			"stapmark: the module name '%s' is the name of a runtime source: "
			"choose another (-m NAME)\n",
			b->name);
		return 1;
	}
	const char *defines = "";

	for (int i = 0; i < s->defines.n; i++)
		defines = arena_printf(a, "%s%s-D%s", defines, i ? " " : "", s->defines.v[i]);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
#define ARG(...) VEC_PUSH(a, argv, arena_printf(a, __VA_ARGS__))
	ARG("env");
	ARG("-u");
	ARG("MAKEFLAGS");
	ARG("-u");
	ARG("MFLAGS");
	ARG("-u");
	ARG("MAKELEVEL");
	ARG("make");
	ARG("-j%ld", cpus > 0 ? cpus : 1);
	ARG("-C");
	ARG("%s", k.kdir);
	/* kbuild runs in the kernel tree: M= must not be relative (a relative
	 * STAPMARK_CACHE). */
	char absdir[PATH_MAX];

	ARG("M=%s", realpath(tmpdir, absdir) ? absdir : tmpdir);
	ARG("STP_MODNAME=%s", b->name);
	ARG("STAPMARK_SRC=%s", k.top);
	ARG("STP_DEFINES=%s", defines);
	ARG("KBUILD_EXTRA_SYMBOLS=%s", k.symvers);
	ARG("CONFIG_DEBUG_INFO_BTF_MODULES=");
	if (s->verbose >= 3)
		ARG("V=1");
	ARG("modules");
#undef ARG
	VEC_PUSH(a, argv, NULL);
	if (build_tool(s, argv.v, log) || !readable(b->so_file)) {
		fprintf(stderr, "stapmark: building the kernel module %s failed (log: %s)\n", ko,
			log);
		return 1;
	}
	if (!s->keep_tmpdir)
		remove_intermediates(s, tmpdir, b);
	build_install(s, tmpdir, b, ko);
	return 0;
}
