/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stapmark's side of attaching probe modules to targets.
 *
 *   -x PID:  stp_attach_pid() connects to the control socket libmarkers
 *            serves in PID, passes the segment fd and the module path; the
 *            target dlopens the module and calls its stp_module_attach.
 *            Keep the stp_attachment until stp_detach_pid(): its connection
 *            is what keeps the module attached (if stapmark dies, the target
 *            detaches by itself).
 *   -c CMD:  stp_spawn_preloaded() starts CMD with the module in LD_PRELOAD
 *            and the segment named in its environment (stp_module.h); the
 *            module attaches itself before main.  stp_detach_preloaded()
 *            detaches it early (the command keeps running) through the
 *            same control socket.
 */
#ifndef STAPMARK_TRANSPORT_ATTACH_H
#define STAPMARK_TRANSPORT_ATTACH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "control_proto.h"
#include "stp_segment.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stp_attachment {
	int sock; /* connection to the target's control server; -1 when none */
	pid_t pid;
	uint32_t id; /* the module's id in the target */
	char msg[256]; /* the target's or our explanation of the last failure */
};

/*
 * Load module_path (made absolute here) into pid and attach it to seg.
 * 0, or -errno with a->msg explaining: -ECONNREFUSED/-ENOENT (pid does not
 * serve a control socket: not running, not using libmarkers, or
 * STAPMARK_CONTROL=0), -EPERM (another user's process), -ENOEXEC (dlopen
 * failed or not a probe module), -EEXIST (that file is already attached
 * there: give each session its own copy), or the module's own error.
 */
int stp_attach_pid(pid_t pid, const char *module_path, const struct stp_segment *seg,
		   struct stp_attachment *a);

/* Detach the module (the target keeps running, its markers dormant again
 * unless other sessions use them) and close the connection.  0 or -errno. */
int stp_detach_pid(struct stp_attachment *a);

/* Ask pid's control server for its status (PING when status is NULL). */
int stp_control_status(pid_t pid, struct stp_ctl_reply *status);

/* Detach a module a -c command preloaded, by path.  0 or -errno. */
int stp_detach_preloaded(pid_t pid, const char *module_path, char *msg, size_t msglen);

/* Lower level: connect to pid's server (fd or -errno), and one request. */
int stp_control_connect(pid_t pid);
int stp_control_call(int sock, const struct stp_ctl_request *q, int fd, struct stp_ctl_reply *r);

/*
 * Start argv (execvp: searched in PATH) with the module preloaded and the
 * segment's fd inherited (the only fd of stapmark's it gets besides 0-2),
 * named in its environment.  env NULL means the current environment.
 * 0 with *pid set, or -errno.
 */
int stp_spawn_preloaded(pid_t *pid, char *const argv[], char *const env[], const char *module_path,
			const struct stp_segment *seg);

/* The same for stap's -c "CMD": run by /bin/sh -c "exec CMD", so that the
 * pid is the command's own when CMD is a simple command. */
int stp_spawn_command(pid_t *pid, const char *cmd, const char *module_path,
		      const struct stp_segment *seg);

/* The line sh -c runs for stap's -c "CMD": "exec CMD" when CMD is a
 * simple command (no list, pipeline, subshell or command substitution, no
 * leading assignment), so that the process is the command's (target());
 * else CMD, run whole under the shell.  malloc'd; NULL without memory. */
char *stp_spawn_shell_line(const char *cmd);

/* Build the environment stp_spawn_preloaded passes (NULL-terminated,
 * malloc'd; free with stp_free_env).  Exposed for drivers that fork
 * themselves. */
char **stp_preload_env(char *const env[], const char *module_path, const struct stp_segment *seg);
void stp_free_env(char **env);

#ifdef __cplusplus
}
#endif

#endif /* STAPMARK_TRANSPORT_ATTACH_H */
