// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pass 4.  The runtime comes from the build tree when stapmark runs from
 * it (build/bin/stapmark: runtime/ and build/lib next to it) or from the
 * installation (PREFIX/share/stapmark/runtime, PREFIX/lib/stapmark).  The
 * prebuilt runtime library has the default limits; with -D the runtime
 * sources are compiled into the module with the same definitions, so that
 * MAXSTRINGLEN and friends agree on both sides.
 *
 * The cache key is a digest of: the elaborated program as -p2 -vv prints
 * it (every probe, marker format, type, function body), the globals'
 * initial values, the embedded C, the script's path and text (positions
 * are in the C), the tapset files, function probes' offsets, the options
 * that change the code, the compiler, and the size and time of the
 * stapmark executable and of every runtime file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build.h"
#include "marker_table.h"
#include "pass1.h"
#include "print.h"

#ifndef STAPMARK_VERSION
#define STAPMARK_VERSION "0.1"
#endif

struct runtime {
	const char *include; /* marker.h's directory */
	const char *stp, *stp_user, *transport; /* header (and source) dirs */
	const char *libdir; /* libmarkers.so */
	const char *libstp, *libtransport, *preload;
	const char *module_obj; /* runtime/stp/user/module.c, compiled */
};

static bool exists(const char *path)
{
	return access(path, R_OK) == 0;
}

static bool find_runtime(struct session *s, struct runtime *rt)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct arena *a = s->arena;

	if (n <= 0)
		return false;
	exe[n] = 0;
	*strrchr(exe, '/') = 0;
	/* The build tree: BUILD/bin/stapmark, the sources two levels up. */
	const char *top = arena_printf(a, "%s/../..", exe);

	if (exists(arena_printf(a, "%s/runtime/stp/stp.h", top)) &&
	    exists(arena_printf(a, "%s/../lib/libstp-user.a", exe))) {
		*rt = (struct runtime){
			.include = arena_printf(a, "%s/include", top),
			.stp = arena_printf(a, "%s/runtime/stp", top),
			.stp_user = arena_printf(a, "%s/runtime/stp/user", top),
			.transport = arena_printf(a, "%s/runtime/transport", top),
			.libdir = arena_printf(a, "%s/../lib", exe),
			.libstp = arena_printf(a, "%s/../lib/libstp-user.a", exe),
			.libtransport = arena_printf(a, "%s/../lib/libstp-transport.a", exe),
			.preload = arena_printf(a, "%s/../transport/obj/preload.o", exe),
			.module_obj = arena_printf(a, "%s/../obj/stp-user/module.o", exe),
		};
		return true;
	}
	/* Installed: PREFIX/bin/stapmark. */
	const char *share = arena_printf(a, "%s/../share/stapmark/runtime", exe);
	const char *lib = arena_printf(a, "%s/../lib", exe);

	*rt = (struct runtime){
		.include = arena_printf(a, "%s/../include", exe),
		.stp = arena_printf(a, "%s/stp", share),
		.stp_user = arena_printf(a, "%s/stp/user", share),
		.transport = arena_printf(a, "%s/transport", share),
		.libdir = lib,
		.libstp = arena_printf(a, "%s/stapmark/libstp-user.a", lib),
		.libtransport = arena_printf(a, "%s/stapmark/libstp-transport.a", lib),
		.preload = arena_printf(a, "%s/stapmark/preload.o", lib),
		.module_obj = arena_printf(a, "%s/stapmark/module.o", lib),
	};
	return exists(arena_printf(a, "%s/stp.h", rt->stp)) && exists(rt->libtransport);
}

/* FNV-1a, twice with different bases: a 128-bit digest (no adversary here:
 * the cache is the user's own). */
void digest_init(struct digest *d)
{
	d->h[0] = 0xcbf29ce484222325ULL;
	d->h[1] = 0x84222325cbf29ce4ULL;
}

void digest_add(struct digest *d, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 2; k++)
			d->h[k] = (d->h[k] ^ p[i]) * 0x100000001b3ULL;
}

void digest_str(struct digest *d, const char *s)
{
	digest_add(d, s, strlen(s) + 1);
}

/* A file's identity: its name, size and modification time. */
void digest_file(struct digest *d, const char *path)
{
	struct stat st;

	digest_str(d, path);
	if (stat(path, &st) == 0) {
		digest_add(d, &st.st_size, sizeof(st.st_size));
		digest_add(d, &st.st_mtim, sizeof(st.st_mtim));
	}
}

static int cmp_name(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

void digest_dir(struct digest *d, struct arena *a, const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	VEC(const char *) names = {0};

	if (!dh)
		return;
	/* By name: readdir's order is the file system's, and the same tree
	 * seen through another one (the guest's 9p share) must give the same
	 * key. */
	while ((de = readdir(dh)))
		if (de->d_name[0] != '.')
			VEC_PUSH(a, names, arena_strndup(a, de->d_name, strlen(de->d_name)));
	closedir(dh);
	if (names.n)
		qsort(names.v, (size_t)names.n, sizeof(*names.v), cmp_name);
	for (int i = 0; i < names.n; i++)
		digest_file(d, arena_printf(a, "%s/%s", dir, names.v[i]));
}

static const char *compiler(void)
{
	const char *cc = getenv("STAPMARK_CC");

	return cc && *cc ? cc : "gcc";
}

/* What pass 3 turns into code, as text. */
static char *program_text(const struct program *prog, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	print_program(f, prog, true);
	for (int i = 0; i < prog->globals.n; i++) {
		const struct decl *d = prog->globals.v[i]->decl;

		fprintf(f, "global %s%s[%" PRId64 "] = ", d->name, d->wrap ? "%" : "", d->size);
		if (d->init)
			print_expr(f, d->init);
		fputc('\n', f);
	}
	for (int i = 0; i < prog->embeds.n; i++)
		fprintf(f, "%%{%s%%}\n", prog->embeds.v[i]->code);
	fclose(f);
	return buf;
}

const char *build_cache_dir(struct session *s)
{
	const char *env = getenv("STAPMARK_CACHE"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (env && *env)
		return env;
	if (xdg && *xdg)
		return arena_printf(s->arena, "%s/stapmark", xdg);
	return arena_printf(s->arena, "%s/.cache/stapmark", home && *home ? home : "/tmp");
}

int build_mkdirs(const char *path)
{
	char buf[PATH_MAX];

	if (strlen(path) >= sizeof(buf))
		return -1;
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(buf, 0700) < 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(buf, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int build_digest_program(struct session *s, const struct program *prog, struct digest *d)
{
	size_t len;
	char *text = program_text(prog, &len);

	if (!text)
		return 1;
	digest_str(d, "stapmark " STAPMARK_VERSION);
	/* The translator itself (its pass 3 writes the C): a rebuilt stapmark
	 * never reuses what an older one compiled. */
	digest_file(d, "/proc/self/exe");
	digest_add(d, text, len);
	free(text);
	/* Where the code came from: the C carries file:line:col for its error
	 * messages, which the program text leaves out (an inserted blank line
	 * or another path for the same script must not reuse the module). */
	digest_str(d, s->script_file ? s->script_file : "-e");
	if (s->script_file)
		digest_file(d, s->script_file);
	else if (s->script_text)
		digest_str(d, s->script_text);
	/* Function probes carry the function's offset in its file, which a
	 * rebuilt program moves without changing the program text. */
	for (int i = 0; i < prog->probes.n; i++) {
		const struct derived_probe *p = prog->probes.v[i];

		if (p->kind != PK_PROCESS_FUNCTION && p->kind != PK_KERNEL_FUNCTION)
			continue;
		digest_str(d, p->path ? p->path : "");
		digest_add(d, &p->address, sizeof(p->address));
		digest_add(d, &p->file_offset, sizeof(p->file_offset));
	}
	for (int i = 0; i < s->include_dirs.n; i++) {
		const char *dirs[4];
		int n = pass1_tapset_subdirs(s, s->include_dirs.v[i], dirs);

		for (int k = 0; k < n; k++)
			digest_dir(d, s->arena, dirs[k]);
	}
	for (int i = 0; i < s->defines.n; i++)
		digest_str(d, s->defines.v[i]);
	digest_str(d, s->module_name ? s->module_name : "");
	/* --skip-badvars changes how a marker's bad %s is read. */
	digest_str(d, s->skip_badvars ? "skip-badvars" : "");
	return 0;
}

void build_set_key(struct session *s, const struct digest *d, struct build *b)
{
	b->key = arena_printf(s->arena, "%016" PRIx64 "%016" PRIx64, d->h[0], d->h[1]);
	b->dir = arena_printf(s->arena, "%s/%.2s/%s", build_cache_dir(s), b->key, b->key);
}

static char *build_tmpdir(struct session *s, const struct build *b)
{
	const char *parent = arena_printf(s->arena, "%s/%.2s", build_cache_dir(s), b->key);
	char *tmp = arena_printf(s->arena, "%s/tmp-XXXXXX", parent);

	/* Build in a directory of our own, then move it into place at once:
	 * a concurrent run never sees half a module. */
	if (build_mkdirs(parent) < 0 || !mkdtemp(tmp)) {
		fprintf(stderr, "stapmark: cannot create the cache directory %s: %s\n", parent,
			strerror(errno));
		return NULL;
	}
	return tmp;
}

int build_entry(struct session *s, struct build *b, const char *module_file)
{
	const char *dir = b->dir;

	b->c_file = arena_printf(s->arena, "%s/module.c", dir);
	b->so_file = arena_printf(s->arena, "%s/%s", dir, module_file);
	if (exists(b->so_file)) {
		b->cached = true;
		return 0;
	}
	if (!(dir = build_tmpdir(s, b)))
		return 1;
	b->c_file = arena_printf(s->arena, "%s/module.c", dir);
	b->so_file = arena_printf(s->arena, "%s/%s", dir, module_file);
	return 0;
}

bool build_install(struct session *s, const char *tmpdir, struct build *b, const char *file)
{
	const char *in_place = arena_printf(s->arena, "%s/%s", b->dir, file);

	/* Another run may have put the same module there first. */
	if (rename(tmpdir, b->dir) && errno != ENOTEMPTY && errno != EEXIST)
		return false;
	if (access(in_place, R_OK))
		return false;
	if (strcmp(tmpdir, b->dir) && access(tmpdir, F_OK) == 0)
		build_run((char *[]){"rm", "-rf", (char *)tmpdir, NULL}, "/dev/null");
	b->c_file = arena_printf(s->arena, "%s/module.c", b->dir);
	b->so_file = in_place;
	return true;
}

int build_prepare(struct session *s, const struct program *prog, struct build *b)
{
	struct runtime rt;
	struct digest d;

	memset(b, 0, sizeof(*b));
	if (!find_runtime(s, &rt)) {
		fprintf(stderr, "stapmark: cannot find the handler runtime (runtime/stp and the "
				"libraries of the build tree or the installation)\n");
		return 1;
	}
	digest_init(&d);
	if (build_digest_program(s, prog, &d))
		return 1;
	const char *cc = resolve_program_path(s, compiler());

	digest_file(&d, cc ? cc : compiler());
	digest_file(&d, rt.libstp);
	digest_file(&d, rt.libtransport);
	digest_file(&d, rt.preload);
	digest_file(&d, rt.module_obj);
	digest_file(&d, arena_printf(s->arena, "%s/stapmark/marker.h", rt.include));
	digest_dir(&d, s->arena, rt.stp);
	digest_dir(&d, s->arena, rt.stp_user);
	digest_dir(&d, s->arena, rt.transport);
	build_set_key(s, &d, b);
	return build_entry(s, b, "module.so");
}

/* Run argv, its output into log; returns its exit status (or -1). */
int build_run(char *const argv[], const char *log)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void show_log(const char *log)
{
	FILE *f = fopen(log, "r");
	char line[1024];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fputs(line, stderr);
	fclose(f);
}

int build_tool(struct session *s, char *const argv[], const char *log)
{
	if (s->verbose >= 3) {
		for (int i = 0; argv[i]; i++)
			fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
		fputc('\n', stderr);
	}
	if (build_run(argv, log) == 0)
		return 0;
	show_log(log);
	return 1;
}

int build_compile(struct session *s, struct build *b)
{
	struct runtime rt;
	struct arena *a = s->arena;
	VEC(char *) argv = {0};
	char *tmpdir = arena_strndup(a, b->c_file, strrchr(b->c_file, '/') - b->c_file);
	const char *log = arena_printf(a, "%s/build.log", tmpdir);

	if (!find_runtime(s, &rt))
		return 1;
#define ARG(...) VEC_PUSH(a, argv, arena_printf(a, __VA_ARGS__))
	ARG("%s", compiler());
	ARG("-std=gnu11");
	ARG("-O2");
	ARG("-fPIC");
	ARG("-shared");
	ARG("-pthread");
	ARG("-fvisibility=hidden");
	/* Generated code may leave temporaries unused; nothing else is expected. */
	ARG("-Wno-unused");
	ARG("-Werror=implicit-function-declaration");
	ARG("-D_GNU_SOURCE");
	for (int i = 0; i < s->defines.n; i++)
		ARG("-D%s", s->defines.v[i]);
	ARG("-I%s", rt.include);
	ARG("-I%s", rt.stp);
	ARG("-I%s", rt.stp_user);
	ARG("-I%s", rt.transport);
	ARG("-o");
	ARG("%s", b->so_file);
	ARG("%s", b->c_file);
	if (s->defines.n) {
		/* The runtime with the same limits as the module (-D). */
		const char *dirs[] = {rt.stp, rt.stp_user};

		for (int k = 0; k < 2; k++) {
			DIR *dh = opendir(dirs[k]);
			struct dirent *de;

			while (dh && (de = readdir(dh))) {
				size_t n = strlen(de->d_name);

				if (n > 2 && !strcmp(de->d_name + n - 2, ".c"))
					ARG("%s/%s", dirs[k], de->d_name);
			}
			if (dh)
				closedir(dh);
		}
	} else {
		ARG("%s", rt.module_obj);
		ARG("%s", rt.libstp);
	}
	ARG("%s", rt.libtransport);
	ARG("%s", rt.preload);
	/* The static runtime stays private to the module. */
	ARG("-Wl,--exclude-libs,ALL");
	ARG("-L%s", rt.libdir);
	ARG("-Wl,-rpath,%s", rt.libdir);
	ARG("-lmarkers");
	ARG("-ldl");
	/* ubacktrace() and usymname() read symbol tables in the target. */
	ARG("-lelf");
#undef ARG
	VEC_PUSH(a, argv, NULL);
	if (build_tool(s, argv.v, log)) {
		fprintf(stderr, "stapmark: compiling %s failed (log: %s)\n", b->c_file, log);
		return 1;
	}
	build_install(s, tmpdir, b, "module.so");
	return 0;
}
