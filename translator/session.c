// SPDX-License-Identifier: GPL-2.0-or-later
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "session.h"

void session_init(struct session *s, struct arena *a)
{
	memset(s, 0, sizeof(*s));
	s->arena = a;
	s->last_pass = 5;
	s->target_pid = -1;
	s->runtime = "dyninst";
	s->stap_version = "4.8";
	s->privilege = "stapdev";
}

/* uname's machine names to the names stap scripts compare `arch` with. */
static const char *stap_arch(const char *machine)
{
	static const struct {
		const char *machine, *arch;
	} map[] = {
		{"i386", "i386"},  {"i486", "i386"},	   {"i586", "i386"},
		{"i686", "i386"},  {"aarch64", "arm64"},   {"armv7l", "arm"},
		{"armv6l", "arm"}, {"ppc64le", "powerpc"}, {"ppc64", "powerpc"},
		{"s390x", "s390"}, {"riscv64", "riscv"},   {"mips64", "mips"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(machine, map[i].machine))
			return map[i].arch;
	return machine;
}

const char *session_read_line(struct arena *a, const char *path)
{
	char buf[256];
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = 0;
	return buf[0] ? arena_strndup(a, buf, strlen(buf)) : NULL;
}

const char *session_exe_dir(struct session *s)
{
	static char dir[PATH_MAX];

	if (!dir[0]) {
		ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
		char *slash;

		if (n <= 0 || !(slash = memrchr(dir, '/', (size_t)n))) {
			dir[0] = 0;
			return NULL;
		}
		*slash = 0;
	}
	return arena_strndup(s->arena, dir, strlen(dir));
}

const char *session_own_kernel_file(struct session *s, const char *name)
{
	const char *exe = session_exe_dir(s), *rel, *path;

	if (!exe)
		return NULL;
	rel = session_read_line(
		s->arena,
		arena_printf(s->arena, "%s/../kernel/include/config/kernel.release", exe));
	if (rel && !strcmp(rel, s->kernel_release))
		path = arena_printf(s->arena, "%s/../kernel/%s", exe, name);
	else
		path = arena_printf(s->arena, "%s/../lib/stapmark/kernel/%s/%s", exe,
				    s->kernel_release, name);
	return access(path, R_OK) == 0 ? path : NULL;
}

/* A value of the source tree's config.mk ("NAME = value"), when stapmark
 * runs from a build tree (SRC/BUILD/bin/stapmark). */
static const char *config_mk_value(struct session *s, const char *name)
{
	const char *exe = session_exe_dir(s);
	FILE *f = exe ? fopen(arena_printf(s->arena, "%s/../../config.mk", exe), "r") : NULL;
	char line[1024];
	const char *val = NULL;
	size_t n = strlen(name);

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(line, name, n) && !strncmp(line + n, " = ", 3) && line[n + 3])
			val = arena_strndup(s->arena, line + n + 3, strlen(line + n + 3));
	}
	fclose(f);
	return val;
}

const char *session_guest_release(struct session *s)
{
	const char *exe = session_exe_dir(s);
	const char *krel = config_mk_value(s, "GUEST_KREL");

	if (!krel && exe)
		krel = session_read_line(
			s->arena,
			arena_printf(s->arena, "%s/../kernel/include/config/kernel.release", exe));
	return krel;
}

void session_finish(struct session *s)
{
	struct utsname u;

	uname(&u);
	if (!s->arch)
		s->arch =
			arena_strndup(s->arena, stap_arch(u.machine), strlen(stap_arch(u.machine)));
	if (s->kernel_build_dir && !s->kernel_release) {
		const char *p = arena_printf(s->arena, "%s/include/config/kernel.release",
					     s->kernel_build_dir);

		s->kernel_release = session_read_line(s->arena, p);
	}
	/* --remote=guest: the guest's kernel, not the one stapmark runs on. */
	if (!s->kernel_release && s->remote)
		s->kernel_release = session_guest_release(s);
	if (!s->kernel_release)
		s->kernel_release = arena_strndup(s->arena, u.release, strlen(u.release));
	if (!s->kernel_build_dir)
		s->kernel_build_dir =
			arena_printf(s->arena, "/lib/modules/%s/build", s->kernel_release);
}

static bool load_config_stream(struct session *s, FILE *f)
{
	char line[4096];

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(line, "CONFIG_", 7) && strchr(line, '='))
			VEC_PUSH(s->arena, s->config, arena_strndup(s->arena, line, strlen(line)));
	}
	return true;
}

/* The build tree's .config, else the installed one, else the running
 * kernel's own /proc/config.gz when it is the release asked about. */
static void load_config(struct session *s)
{
	const char *paths[] = {
		arena_printf(s->arena, "%s/.config", s->kernel_build_dir),
		arena_printf(s->arena, "/boot/config-%s", s->kernel_release),
	};
	struct utsname u;

	s->config_loaded = true;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		FILE *f = fopen(paths[i], "r");

		if (load_config_stream(s, f)) {
			fclose(f);
			return;
		}
	}
	uname(&u);
	if (!strcmp(u.release, s->kernel_release)) {
		FILE *f = popen("gzip -dc /proc/config.gz 2>/dev/null", "r");

		if (f) {
			load_config_stream(s, f);
			pclose(f);
		}
	}
}

const char *session_kconfig(struct session *s, const char *name, int len)
{
	if (!s->config_loaded)
		load_config(s);
	for (int i = 0; i < s->config.n; i++) {
		const char *l = s->config.v[i];

		if (!strncmp(l, name, len) && l[len] == '=')
			return l + len + 1;
	}
	return NULL;
}
