/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User-space host of the handler runtime (runtime/stp/user): extras for the
 * programs that use it -- stapmark, probe modules, unit tests.
 *
 * The output functions (stp_host_output, stp_host_message,
 * stp_host_request_exit) are in output.c: by default they write to stdout
 * and stderr; a transport installs its own with stp_user_set_hooks, or
 * replaces output.c altogether.
 */
#ifndef STP_USER_H
#define STP_USER_H

#include <stddef.h>

struct stp_user_hooks {
	/* One complete record of script output. */
	void (*output)(const char *buf, size_t len, void *arg);
	/* One complete WARNING/ERROR message. */
	void (*message)(const char *buf, size_t len, void *arg);
	/* exit() or an error limit: the session is now STOPPING. */
	void (*request_exit)(void *arg);
	void *arg;
};

/* Install hooks (NULL members keep the default); NULL restores all. */
void stp_user_set_hooks(const struct stp_user_hooks *hooks);
/* Prepare per-thread contexts (set_hooks does it): after this a thread's
 * first context comes without any lock or malloc, safe in a signal handler. */
void stp_user_context_init(void);

/* A zero-filled shared memory object of size bytes (memfd) and its first
 * mapping; *fd receives the descriptor, for mapping it again elsewhere
 * (stp_user_map) or handing it to a target.  NULL on failure. */
void *stp_user_region_memfd(size_t size, int *fd);
void *stp_user_map(int fd, size_t size);
void stp_user_unmap(void *base, size_t size);

/*
 * A handler run for another process (a sys/sdt.h hit that stapmark read
 * from its BPF ring): while set on a thread, pid(), tid(), execname() and
 * cpu() are the hit's, and user-memory reads go to that process
 * (process_vm_readv), first to the strings the hit copied at the time
 * (str_addr[i] -> str[i], str_len[i] bytes with the NUL; a copy of
 * str_cap bytes may be cut: the rest is read from the process).
 */
#define STP_USER_REMOTE_NSTR 4
struct stp_user_remote {
	int pid, tid, cpu;
	char comm[16];
	int nstr, str_cap;
	unsigned long long str_addr[STP_USER_REMOTE_NSTR];
	const char *str[STP_USER_REMOTE_NSTR];
	int str_len[STP_USER_REMOTE_NSTR];
};
/* NULL: this process again. */
void stp_user_set_remote(const struct stp_user_remote *hit);
/* The remote hit this thread runs a handler for, or NULL. */
const struct stp_user_remote *stp_user_remote(void);
/* Whether this thread runs a remote hit now (its stack and symbols are
 * not ours: no ubacktrace, addresses unnamed). */
int stp_user_hit_is_remote(void);

struct stp_region;
/* tz_gmtoff() and tz_name() of region r: this process's local time zone
 * now, as staprun hands stap its own at the start. */
void stp_user_set_time_zone(struct stp_region *r);

/* Statistics slots worth creating a region with: the CPU count. */
unsigned int stp_user_default_slots(void);

#endif /* STP_USER_H */
