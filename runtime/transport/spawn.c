// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Starting a -c command with the probe module preloaded (stp_attach.h).
 * The segment fd is created close-on-exec; posix_spawn's dup2 of an fd onto
 * itself clears that flag in the child only (glibc >= 2.29), so the command
 * inherits exactly that fd and stapmark's other fds stay private.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stp_attach.h"
#include "stp_module.h"

extern char **environ;

static int is_var(const char *entry, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(entry, name, n) && entry[n] == '=';
}

char **stp_preload_env(char *const env[], const char *module_path, const struct stp_segment *seg)
{
	char path[PATH_MAX];
	const char *old_preload = NULL;
	size_t n = 0, k = 0, i;
	char **out;

	if (!env)
		env = environ;
	if (!realpath(module_path, path))
		return NULL;
	while (env[n])
		n++;
	out = calloc(n + 4, sizeof(*out));
	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		if (is_var(env[i], "LD_PRELOAD")) {
			old_preload = env[i] + strlen("LD_PRELOAD=");
			continue;
		}
		if (is_var(env[i], STP_ENV_SEGMENT_FD) || is_var(env[i], STP_ENV_SESSION))
			continue;
		if (!(out[k++] = strdup(env[i])))
			goto fail;
	}
	/* Ours first, so its constructor runs before the program's own
	 * preloads could fire markers. */
	if (asprintf(&out[k++], "LD_PRELOAD=%s%s%s", path, old_preload && *old_preload ? ":" : "",
		     old_preload ? old_preload : "") < 0 ||
	    asprintf(&out[k++], STP_ENV_SEGMENT_FD "=%d", seg->fd) < 0 ||
	    asprintf(&out[k++], STP_ENV_SESSION "=%016" PRIx64, seg->hdr->session_id) < 0) {
		out[k - 1] = NULL;
		goto fail;
	}
	return out;
fail:
	stp_free_env(out);
	return NULL;
}

void stp_free_env(char **env)
{
	size_t i;

	if (!env)
		return;
	for (i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

int stp_spawn_preloaded(pid_t *pid, char *const argv[], char *const env[], const char *module_path,
			const struct stp_segment *seg)
{
	posix_spawn_file_actions_t fa;
	char **penv;
	int err;

	if (seg->fd < 0)
		return -EBADF;
	penv = stp_preload_env(env, module_path, seg);
	if (!penv)
		return errno ? -errno : -ENOMEM;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, seg->fd, seg->fd);
	err = posix_spawnp(pid, argv[0], &fa, NULL, argv, penv);
	posix_spawn_file_actions_destroy(&fa);
	stp_free_env(penv);
	return -err;
}

/* Whether sh may exec cmd in its own place ("exec CMD"): a leading
 * assignment would be taken for the program's name. */
static bool simple_command(const char *cmd)
{
	size_t first = strcspn(cmd, " \t");

	return !strpbrk(cmd, ";&|()`\n") && !memchr(cmd, '=', first);
}

char *stp_spawn_shell_line(const char *cmd)
{
	char *line;

	return asprintf(&line, "%s%s", simple_command(cmd) ? "exec " : "", cmd) < 0 ? NULL : line;
}

int stp_spawn_command(pid_t *pid, const char *cmd, const char *module_path,
		      const struct stp_segment *seg)
{
	char *line, *argv[4];
	int err;

	if (!(line = stp_spawn_shell_line(cmd)))
		return -ENOMEM;
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = line;
	argv[3] = NULL;
	err = stp_spawn_preloaded(pid, argv, NULL, module_path, seg);
	free(line);
	return err;
}
