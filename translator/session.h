/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_SESSION_H
#define STAPMARK_SESSION_H
/*
 * What one stapmark run knows: the options, the script arguments and the
 * facts about the target that preprocessor conditions ask (kernel version,
 * architecture, kernel config).  Filled by options.c, read by every pass.
 */
#include <stdbool.h>

#include "arena.h"

struct backend;

struct session {
	struct arena *arena;

	/* Options (see options.c for their meaning). */
	const char *script_file; /* NULL with -e */
	const char *script_text; /* -e */
	char **args; /* script arguments: $1 is args[0] */
	int nargs;
	int last_pass; /* -p; 5 when not given */
	int verbose;
	bool keep_tmpdir, guru, unoptimized, suppress_warnings;
	bool as_tapset; /* --as-tapset: parse the script as a tapset file */
	/* --skip-badvars: a context variable that does not resolve reads 0 */
	bool skip_badvars;
	/* -b: stap's per-CPU output files; our output is one merged stream */
	bool bulk_mode;
	const char *run_module; /* --run-module FILE.so: pass 5 of a prebuilt module */
	const char *module_name, *output_file, *target_cmd;
	int target_pid;
	int timeout_s; /* -T SECONDS: pass 5 stops the script then; 0: none */
	const char *list_probe; /* -L or -l argument */
	bool list_with_vars; /* -L */
	VEC(const char *) include_dirs;
	VEC(const char *) defines; /* -D NAME[=VALUE] */

	/* Target facts for %( %) conditions. */
	const char *kernel_release; /* "6.1.0-13-amd64" */
	const char *kernel_build_dir; /* may be NULL */
	const char *arch; /* stap's name: x86_64, i386, arm64, ... */
	const char *runtime; /* %( runtime %): the backend's ("kernel", "dyninst") */
	/* A %( runtime ... %) condition read `runtime`: when pass 2 chooses
	 * a backend whose runtime differs, passes 1 and 2 run again. */
	bool runtime_asked;
	const char *runtime_opt; /* --runtime=NAME, or NULL */
	const char *remote; /* --remote=guest: pass 5 in the bundled qemu guest */
	/* Where the script runs (backend.h): from the options, else chosen
	 * at the end of pass 2. */
	const struct backend *backend;
	/* systemtap_v: the language level we follow, or --compatible's */
	const char *stap_version;
	const char *privilege; /* systemtap_privilege */

	/* Tables read during pass 2, kept for the session (marker_table.c,
	 * symtab.c); they live in the arena like everything else. */
	void *process_marks, *kernel_marks;
	void *process_syms, *kernel_syms, *kernel_modules;
	void *sdt_tables; /* sys/sdt.h notes per file (sdt_table.c) */

	/* Kernel config, read on first use of a CONFIG_ condition. */
	bool config_loaded;
	VEC(const char *) config; /* "CONFIG_X=value" lines */
};

void session_init(struct session *s, struct arena *a);
/* Fill in defaults for what the options left unset (release, arch). */
void session_finish(struct session *s);
/* The first line of file path, without its newline; NULL when the file
 * cannot be read or the line is empty. */
const char *session_read_line(struct arena *a, const char *path);
/* The directory of the stapmark executable (BUILD/bin, PREFIX/bin); NULL
 * when /proc/self/exe cannot be read. */
const char *session_exe_dir(struct session *s);
/* A file of this stapmark's own kernel data for the session's release
 * (Module.markers, System.map, kprobes.blacklist): the build tree's
 * (BUILD/bin/stapmark: BUILD/kernel/NAME, when it was made for that
 * release), else the installed one (PREFIX/lib/stapmark/kernel/REL/NAME);
 * NULL when neither is there. */
const char *session_own_kernel_file(struct session *s, const char *name);
/* The kernel release of the bundled qemu guest (config.mk's GUEST_KREL,
 * else the build tree's kernel/include/config/kernel.release), or NULL. */
const char *session_guest_release(struct session *s);
/* Value of a CONFIG_ option ("y", "m", "\"str\"", "42"), NULL if unset. */
const char *session_kconfig(struct session *s, const char *name, int len);
#endif
