// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sys/sdt.h probes in pass 5 (run_sdt.h).
 *
 * Why BPF and not perf samples: a uprobe whose BPF program copies the
 * arguments into a ring costs about what bpftrace's usdt costs, while a
 * tracefs uprobe event plus a perf ring measured more than twice that, and
 * a trap into the process (SIGTRAP, as process.function does) more still.
 * libbpf decodes the notes' argument specs, raises semaphores through the
 * uprobe's ref_ctr_offset and handles shared libraries.
 *
 * The reader polls with a short timeout instead of being woken per hit
 * (the program asks for a wakeup only when the ring fills up), and runs
 * each record's handler, so a busy probe costs one system call per batch.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "run_sdt.h"
#include "sdt_event.h"
#include "stp_attach.h"
#include "stp_user.h"

#define POLL_MS 10

/* The BPF object, linked into stapmark (sdt_blob.S). */
extern const char stp_sdt_bpf_obj[], stp_sdt_bpf_obj_end[];

struct sdt_run {
	const struct stp_script *sc;
	struct bpf_object *obj;
	struct bpf_link **links;
	int nlinks;
	struct ring_buffer *rb;
	int drops_fd, counts_fd;
	uint64_t *counted; /* per probe: hits counted in the kernel, handled */
	uint64_t *percpu; /* scratch: one probe's per-CPU counts */
	int ncpu;
	struct bpf_link *fork_link;
	pthread_t thread;
	bool started;
	volatile int stop;
};

/* libbpf's own messages (why an attach failed: no ref_ctr_offset support,
 * an argument spec it cannot parse...), kept for our error message. */
static char bpf_msg[512];

static int on_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	size_t len = strlen(bpf_msg);

	if (len < sizeof(bpf_msg) - 1)
		vsnprintf(bpf_msg + len, sizeof(bpf_msg) - len, fmt, ap);
	return 0;
}

/* The last line libbpf wrote, without its "libbpf: " and newline. */
static const char *libbpf_said(void)
{
	char *end = bpf_msg + strlen(bpf_msg);

	while (end > bpf_msg && end[-1] == '\n')
		*--end = 0;
	char *line = strrchr(bpf_msg, '\n');

	line = line ? line + 1 : bpf_msg;
	if (!strncmp(line, "libbpf: ", 8))
		line += 8;
	return line;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct sdt_run *r = ctx;
	const struct stp_sdt_event *e = data;
	struct stp_user_remote hit = {.pid = (int)e->pid, .tid = (int)e->tid, .cpu = (int)e->cpu};
	int64_t args[STP_SDT_MAXARGS] = {0};

	if (size < sizeof(*e) || e->index >= (unsigned int)r->sc->nsdt)
		return 0;
	memcpy(hit.comm, e->comm, sizeof(hit.comm));
	for (unsigned int i = 0; i < e->nargs && i < STP_SDT_MAXARGS; i++)
		args[i] = e->args[i];
	if (e->nstr && e->nstr <= STP_SDT_NSTR && size >= STP_SDT_EVENT_STR_SIZE(e->nstr)) {
		const struct stp_sdt_event_str *s = data;

		hit.str_cap = STP_SDT_STRLEN;
		for (unsigned int i = 0; i < e->nstr && i < STP_SDT_NSTR; i++) {
			hit.str_addr[i] = (unsigned long long)e->args[s->str_arg[i]];
			hit.str[i] = s->str[i];
			hit.str_len[i] = s->str_len[i];
		}
		hit.nstr = (int)e->nstr;
	}
	r->sc->run_sdt((int)e->index, args, &hit);
	return 0;
}

/* Whether probe i is counted in the kernel (its handler only adds
 * constants to counters). */
static bool counted(const struct stp_script *sc, int i)
{
	return sc->sdt[i].count_only && i < STP_SDT_MAXCOUNTED;
}

/* Run the count-only handlers once per hit counted since the last time. */
static void run_counted(struct sdt_run *r)
{
	struct stp_user_remote none = {0};

	for (int i = 0; r->counts_fd >= 0 && i < r->sc->nsdt; i++) {
		uint32_t key = (uint32_t)i;
		uint64_t sum = 0;

		if (!counted(r->sc, i) || bpf_map_lookup_elem(r->counts_fd, &key, r->percpu))
			continue;
		for (int c = 0; c < r->ncpu; c++)
			sum += r->percpu[c];
		for (; r->counted[i] < sum; r->counted[i]++)
			r->sc->run_sdt(i, NULL, &none);
	}
}

static void *reader(void *arg)
{
	struct sdt_run *r = arg;
	sigset_t all;

	/* Signals are the main thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	while (!r->stop) {
		if (ring_buffer__poll(r->rb, POLL_MS) < 0 && errno != EINTR)
			break;
		run_counted(r);
	}
	return NULL;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Where struct task_struct keeps tgid, from the kernel's BTF; -1 when
 * there is no BTF to say. */
static int tgid_offset(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int off = -1;

	if (!btf)
		return -1;
	int id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	const struct btf_member *m = t ? btf_members(t) : NULL;

	for (int i = 0; t && i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, m[i].name_off), "tgid"))
			off = (int)(btf_member_bit_offset(t, i) / 8);
	btf__free(btf);
	return off;
}

/* $STAPMARK_SDT_RING: the ring's size in bytes (a power of 2, at least a
 * page), else the program's 16 MiB. */
static int set_ring_size(struct sdt_run *r, char *err, size_t errlen)
{
	const char *v = getenv("STAPMARK_SDT_RING");
	char *end;
	unsigned long size = v ? strtoul(v, &end, 0) : 0;
	long page = sysconf(_SC_PAGESIZE);

	if (!v || !*v)
		return 0;
	if (*end || size < (unsigned long)page || (size & (size - 1)) || size > 1ul << 30)
		return fail(err, errlen,
			    "STAPMARK_SDT_RING=%s: not a power of 2 between %ld and 1 GiB", v,
			    page);
	if (bpf_map__set_max_entries(bpf_object__find_map_by_name(r->obj, "events"),
				     (uint32_t)size))
		return fail(err, errlen, "cannot size the BPF ring: %s", strerror(errno));
	return 0;
}

/* -c: the command's pid and its descendants (the fork program adds them). */
static int set_filter(struct sdt_run *r, pid_t root, char *err, size_t errlen)
{
	struct bpf_map *m;
	int off = tgid_offset();

	if (off < 0)
		return fail(err, errlen,
			    "the kernel has no BTF (/sys/kernel/btf/vmlinux) to follow the "
			    "command's children with");
	bpf_object__for_each_map(m, r->obj)
	{
		size_t size;
		const char *name = bpf_map__name(m);
		size_t len = strlen(name);
		struct stp_sdt_config *cfg;

		if (len < 7 || strcmp(name + len - 7, ".rodata"))
			continue;
		/* libbpf 1.1 returns it const; before load it is ours to set. */
		cfg = (struct stp_sdt_config *)bpf_map__initial_value(m, &size);
		if (!cfg || size < sizeof(*cfg))
			break;
		cfg->filter = 1;
		cfg->tgid_offset = (unsigned int)off;
		cfg->root = (unsigned int)root;
		return 0;
	}
	return fail(err, errlen, "the BPF program has no settings (.rodata)");
}

int sdt_run_open(struct sdt_run **out, const struct stp_script *sc, pid_t pid, bool descendants,
		 char *err, size_t errlen)
{
	struct sdt_run *r = calloc(1, sizeof(*r));
	struct bpf_program *prog;

	*out = r;
	if (!r)
		return fail(err, errlen, "%s", strerror(ENOMEM));
	r->sc = sc;
	r->drops_fd = r->counts_fd = -1;
	bpf_msg[0] = 0;
	libbpf_set_print(on_libbpf_print);
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "stapmark_sdt");
	r->obj = bpf_object__open_mem(stp_sdt_bpf_obj,
				      (size_t)(stp_sdt_bpf_obj_end - stp_sdt_bpf_obj), &oo);
	if (r->obj && descendants && set_filter(r, pid, err, errlen))
		return -1;
	if (r->obj && set_ring_size(r, err, errlen))
		return -1;
	if (!r->obj || bpf_object__load(r->obj))
		return fail(err, errlen, "cannot load the BPF program for sys/sdt.h probes: %s%s%s",
			    strerror(errno), bpf_msg[0] ? ": " : "", libbpf_said());
	if (descendants) {
		uint32_t key = (uint32_t)pid;
		uint8_t one = 1;

		if (bpf_map_update_elem(bpf_object__find_map_fd_by_name(r->obj, "targets"), &key,
					&one, BPF_ANY))
			return fail(err, errlen, "cannot note process %d: %s", (int)pid,
				    strerror(errno));
		r->fork_link = bpf_program__attach(
			bpf_object__find_program_by_name(r->obj, "stp_sdt_fork"));
		if (!r->fork_link)
			return fail(err, errlen, "cannot follow the forks of process %d: %s",
				    (int)pid, strerror(errno));
		pid = -1; /* every process; the program keeps those of targets */
	}
	prog = bpf_object__find_program_by_name(r->obj, "stp_sdt_hit");
	r->links = calloc((size_t)sc->nsdt + 1, sizeof(*r->links));
	if (!prog || !r->links)
		return fail(err, errlen, "%s", strerror(ENOMEM));
	for (int i = 0; i < sc->nsdt; i++) {
		const struct stp_script_sdt *p = &sc->sdt[i];
		LIBBPF_OPTS(bpf_usdt_opts, uo,
			    .usdt_cookie = STP_SDT_COOKIE(i, p->nargs, p->comm != 0, counted(sc, i),
							  p->strings));

		bpf_msg[0] = 0;
		r->links[i] =
			bpf_program__attach_usdt(prog, pid, p->path, p->provider, p->name, &uo);
		if (!r->links[i])
			return fail(err, errlen, "cannot attach %s%s%s: %s%s%s", p->pp,
				    pid > 0 ? " to process " : "",
				    pid > 0 ? (snprintf(bpf_msg + 400, 32, "%d", (int)pid),
					       bpf_msg + 400)
					    : "",
				    strerror(errno), bpf_msg[0] ? " (libbpf: " : "",
				    bpf_msg[0] ? libbpf_said() : "");
		r->nlinks = i + 1;
	}
	r->rb = ring_buffer__new(bpf_object__find_map_fd_by_name(r->obj, "events"), on_record, r,
				 NULL);
	r->drops_fd = bpf_object__find_map_fd_by_name(r->obj, "drops");
	r->counts_fd = bpf_object__find_map_fd_by_name(r->obj, "counts");
	r->ncpu = libbpf_num_possible_cpus();
	r->counted = calloc((size_t)sc->nsdt + 1, sizeof(*r->counted));
	r->percpu = calloc(r->ncpu > 0 ? (size_t)r->ncpu : 1, sizeof(*r->percpu));
	if (!r->counted || !r->percpu || r->ncpu <= 0)
		return fail(err, errlen, "%s", strerror(ENOMEM));
	if (!r->rb)
		return fail(err, errlen, "cannot map the BPF ring: %s", strerror(errno));
	return 0;
}

int sdt_run_start(struct sdt_run *r)
{
	int e = pthread_create(&r->thread, NULL, reader, r);

	r->started = !e;
	return -e;
}

void sdt_run_finish(struct sdt_run *r)
{
	if (!r)
		return;
	/* No new hits, then every record already made. */
	for (int i = 0; i < r->nlinks; i++)
		bpf_link__destroy(r->links[i]);
	r->nlinks = 0;
	bpf_link__destroy(r->fork_link);
	r->fork_link = NULL;
	r->stop = 1;
	if (r->started)
		pthread_join(r->thread, NULL);
	r->started = false;
	if (r->rb)
		ring_buffer__consume(r->rb);
	run_counted(r);
}

uint64_t sdt_run_drops(const struct sdt_run *r)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t sum = 0, *v;
	uint32_t zero = 0;

	if (!r || r->drops_fd < 0 || ncpu <= 0 || !(v = calloc((size_t)ncpu, sizeof(*v))))
		return 0;
	if (!bpf_map_lookup_elem(r->drops_fd, &zero, v))
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

void sdt_run_close(struct sdt_run *r)
{
	if (!r)
		return;
	sdt_run_finish(r);
	ring_buffer__free(r->rb);
	free(r->links);
	free(r->counted);
	free(r->percpu);
	bpf_object__close(r->obj);
	free(r);
}

extern char **environ;

int sdt_spawn_held(pid_t *pid, int *gate, const char *cmd, const char *module_path,
		   const struct stp_segment *seg)
{
	char *line = stp_spawn_shell_line(cmd);
	char **env = line ? stp_preload_env(environ, module_path, seg) : NULL;
	int fds[2];

	if (!env || pipe2(fds, O_CLOEXEC) < 0) {
		free(line);
		stp_free_env(env);
		return -ENOMEM;
	}
	*pid = fork();
	if (*pid == 0) {
		char c;
		char *argv[] = {"/bin/sh", "-c", line, NULL};

		close(fds[1]);
		/* Held until stapmark has attached; its end of the pipe closing
		 * (stapmark died) also lets it go, into an exit. */
		if (read(fds[0], &c, 1) != 1)
			_exit(127);
		/* The segment fd crosses the exec (stp_spawn_preloaded). */
		fcntl(seg->fd, F_SETFD, 0);
		execve(argv[0], argv, env);
		_exit(127);
	}
	close(fds[0]);
	free(line);
	stp_free_env(env);
	if (*pid < 0) {
		close(fds[1]);
		return -errno;
	}
	*gate = fds[1];
	return 0;
}

void sdt_spawn_release(int gate)
{
	ssize_t n = write(gate, "g", 1);

	(void)n;
	close(gate);
}
