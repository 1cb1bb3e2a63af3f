// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sys/sdt.h and process.function probes in pass 5 (run_sdt.h).
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
 *
 * process("PATH").function("F")[.return] probes take the same road (a
 * uprobe or uretprobe with the object's stp_func_hit, same ring, same
 * counts): measured here, a `{ n++ }` hit cost ~4.8 us through the old
 * trap into the process (a perf uprobe per thread with sigtrap), ~6x
 * bpftrace's uprobe, and ~0.75 us this way, no more than bpftrace's, which
 * also serves -x on any process and system-wide mode (bench/ufunc).  The handler gets the
 * registers the hit copied as a ucontext_t, which is what the user-space
 * host's register readers (uregs.c) take.
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
#include <ucontext.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "run_load.h"
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
	int nslots; /* SDT probes, then function probes (sdt_event.h) */
	uint64_t *counted; /* per slot: hits counted in the kernel, handled */
	/* Function probes on one site (file, offset, entry or return) share
	 * one attachment, that of the first (its leader), and run in the
	 * script's order at each hit: fnext[i] is the next probe of i's
	 * site (-1: none), fcount[i] a leader's site is counted in the
	 * kernel (each of its probes only counts). */
	int *fnext;
	bool *fleader, *fcount;
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

/* The registers as a ucontext_t (uregs.c reads its gregs), from the
 * x86-64 struct pt_regs order the hit copied them in. */
static void fill_ucontext(ucontext_t *uc, const unsigned long long *pt)
{
	static const int to[STP_FUNC_NREGS] = {
		REG_R15, REG_R14,	   REG_R13, REG_R12,	 REG_RBP, REG_RBX, REG_R11,
		REG_R10, REG_R9,	   REG_R8,  REG_RAX,	 REG_RCX, REG_RDX, REG_RSI,
		REG_RDI, -1 /* orig_ax */, REG_RIP, -1 /* cs */, REG_EFL, REG_RSP, -1 /* ss */};

	memset(&uc->uc_mcontext, 0, sizeof(uc->uc_mcontext));
	for (int i = 0; i < STP_FUNC_NREGS; i++)
		if (to[i] >= 0)
			uc->uc_mcontext.gregs[to[i]] = (greg_t)pt[i];
}

static int on_func_record(struct sdt_run *r, const struct stp_func_event *e, size_t size)
{
	int i = (int)(e->index & ~STP_FUNC_EVENT) - r->sc->nsdt;
	struct stp_user_remote hit = {.pid = (int)e->pid, .tid = (int)e->tid, .cpu = (int)e->cpu};
	ucontext_t uc;

	if (size < sizeof(*e) || i < 0 || i >= r->sc->nufunc)
		return 0;
	memcpy(hit.comm, e->comm, sizeof(hit.comm));
	if (e->nstr && e->nstr <= STP_SDT_NSTR && size >= STP_FUNC_EVENT_STR_SIZE(e->nstr)) {
		const struct stp_func_event_str *s = (const void *)e;

		hit.str_cap = STP_SDT_STRLEN;
		for (unsigned int k = 0; k < e->nstr; k++) {
			hit.str_addr[k] = e->regs[STP_FUNC_ARG_REG(s->str_arg[k] % 6 + 1)];
			hit.str[k] = s->str[k];
			hit.str_len[k] = s->str_len[k];
		}
		hit.nstr = (int)e->nstr;
	}
	fill_ucontext(&uc, e->regs);
	for (; i >= 0; i = r->fnext[i])
		r->sc->run_ufunc(i, &uc, &hit);
	return 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct sdt_run *r = ctx;
	const struct stp_sdt_event *e = data;

	if (size >= sizeof(e->index) && (e->index & STP_FUNC_EVENT))
		return on_func_record(r, data, size);
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

/* Whether slot i is counted in the kernel (its handler only adds
 * constants to counters). */
static bool counted(const struct stp_script *sc, int i)
{
	if (i >= STP_SDT_MAXCOUNTED)
		return false;
	return i < sc->nsdt ? sc->sdt[i].count_only : false;
}

/* Whether slot i is counted in the kernel, for this run. */
static bool run_counts(const struct sdt_run *r, int i)
{
	return i < r->sc->nsdt ? counted(r->sc, i) : r->fcount[i - r->sc->nsdt];
}

/* Run the count-only handlers once per hit counted since the last time. */
static void run_counted(struct sdt_run *r)
{
	struct stp_user_remote none = {0};

	for (int i = 0; r->counts_fd >= 0 && i < r->nslots; i++) {
		uint32_t key = (uint32_t)i;
		uint64_t sum = 0;

		if (!run_counts(r, i) || bpf_map_lookup_elem(r->counts_fd, &key, r->percpu))
			continue;
		for (int c = 0; c < r->ncpu; c++)
			sum += r->percpu[c];
		for (; r->counted[i] < sum; r->counted[i]++)
			if (i < r->sc->nsdt)
				r->sc->run_sdt(i, NULL, &none);
			else
				for (int f = i - r->sc->nsdt; f >= 0; f = r->fnext[f])
					r->sc->run_ufunc(f, NULL, &none);
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
		return run_fail(err, errlen,
				"STAPMARK_SDT_RING=%s: not a power of 2 between %ld and 1 GiB", v,
				page);
	if (bpf_map__set_max_entries(bpf_object__find_map_by_name(r->obj, "events"),
				     (uint32_t)size))
		return run_fail(err, errlen, "cannot size the BPF ring: %s", strerror(errno));
	return 0;
}

/* -c: the command's pid and its descendants (the fork program adds them). */
static int set_filter(struct sdt_run *r, pid_t root, char *err, size_t errlen)
{
	struct bpf_map *m;
	int off = tgid_offset();

	if (off < 0)
		return run_fail(err, errlen,
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
	return run_fail(err, errlen, "the BPF program has no settings (.rodata)");
}

static bool same_site(const struct stp_script_ufunc *a, const struct stp_script_ufunc *b)
{
	return a->offset == b->offset && !a->ret == !b->ret && !strcmp(a->path, b->path);
}

/* fnext, fleader and fcount of the n function probes.  0 or -1. */
static int group_functions(struct sdt_run *r, int n)
{
	const struct stp_script_ufunc *f = r->sc->ufunc;

	r->fnext = calloc((size_t)n + 1, sizeof(*r->fnext));
	r->fleader = calloc((size_t)n + 1, sizeof(*r->fleader));
	r->fcount = calloc((size_t)n + 1, sizeof(*r->fcount));
	if (!r->fnext || !r->fleader || !r->fcount)
		return -1;
	for (int i = 0; i < n; i++) {
		int last = -1;

		r->fnext[i] = -1;
		for (int k = 0; k < i && last < 0; k++)
			if (r->fleader[k] && same_site(&f[k], &f[i]))
				last = k;
		r->fleader[i] = last < 0;
		r->fcount[i] = last < 0 && r->sc->nsdt + i < STP_SDT_MAXCOUNTED && f[i].count_only;
		if (last < 0)
			continue;
		r->fcount[last] &= f[i].count_only != 0;
		while (r->fnext[last] >= 0)
			last = r->fnext[last];
		r->fnext[last] = i;
	}
	return 0;
}

int sdt_run_open(struct sdt_run **out, const struct stp_script *sc, pid_t pid, bool descendants,
		 char *err, size_t errlen)
{
	struct sdt_run *r = calloc(1, sizeof(*r));
	struct bpf_program *prog, *fprog;
	int nufunc = sc->run_ufunc ? sc->nufunc : 0;

	*out = r;
	if (!r)
		return run_fail(err, errlen, "%s", strerror(ENOMEM));
	r->sc = sc;
	r->nslots = sc->nsdt + nufunc;
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
		return run_fail(err, errlen,
				"cannot load the BPF program for process probes: %s%s%s",
				strerror(errno), bpf_msg[0] ? ": " : "", libbpf_said());
	if (descendants) {
		uint32_t key = (uint32_t)pid;
		uint8_t one = 1;

		if (bpf_map_update_elem(bpf_object__find_map_fd_by_name(r->obj, "targets"), &key,
					&one, BPF_ANY))
			return run_fail(err, errlen, "cannot note process %d: %s", (int)pid,
					strerror(errno));
		r->fork_link = bpf_program__attach(
			bpf_object__find_program_by_name(r->obj, "stp_sdt_fork"));
		if (!r->fork_link)
			return run_fail(err, errlen, "cannot follow the forks of process %d: %s",
					(int)pid, strerror(errno));
		pid = -1; /* every process; the program keeps those of targets */
	}
	prog = bpf_object__find_program_by_name(r->obj, "stp_sdt_hit");
	fprog = bpf_object__find_program_by_name(r->obj, "stp_func_hit");
	r->links = calloc((size_t)r->nslots + 1, sizeof(*r->links));
	if (!prog || !fprog || !r->links)
		return run_fail(err, errlen, "%s", strerror(ENOMEM));
	for (int i = 0; i < sc->nsdt; i++) {
		const struct stp_script_sdt *p = &sc->sdt[i];
		LIBBPF_OPTS(bpf_usdt_opts, uo,
			    .usdt_cookie = STP_SDT_COOKIE(i, p->nargs, p->comm != 0, counted(sc, i),
							  p->strings));

		bpf_msg[0] = 0;
		r->links[i] =
			bpf_program__attach_usdt(prog, pid, p->path, p->provider, p->name, &uo);
		if (!r->links[i])
			return run_fail(err, errlen, "cannot attach %s%s%s: %s%s%s", p->pp,
					pid > 0 ? " to process " : "",
					pid > 0 ? (snprintf(bpf_msg + 400, 32, "%d", (int)pid),
						   bpf_msg + 400)
						: "",
					strerror(errno), bpf_msg[0] ? " (libbpf: " : "",
					bpf_msg[0] ? libbpf_said() : "");
		r->nlinks = i + 1;
	}
	if (group_functions(r, nufunc))
		return run_fail(err, errlen, "%s", strerror(ENOMEM));
	for (int i = 0; i < nufunc; i++) {
		const struct stp_script_ufunc *f = &sc->ufunc[i];
		int slot = sc->nsdt + i, comm = 0;
		unsigned strings = 0;

		if (!r->fleader[i])
			continue;
		for (int k = i; k >= 0; k = r->fnext[k]) {
			comm |= sc->ufunc[k].comm != 0;
			strings |= sc->ufunc[k].strings & 0x3f;
		}
		LIBBPF_OPTS(bpf_uprobe_opts, uo, .retprobe = f->ret != 0,
			    .bpf_cookie = STP_SDT_COOKIE(slot, 0, comm, r->fcount[i], strings));

		bpf_msg[0] = 0;
		r->links[slot] = bpf_program__attach_uprobe_opts(fprog, pid, f->path,
								 (size_t)f->offset, &uo);
		if (!r->links[slot])
			return run_fail(err, errlen, "cannot attach %s: %s%s%s", f->pp,
					strerror(errno), bpf_msg[0] ? " (libbpf: " : "",
					bpf_msg[0] ? libbpf_said() : "");
		r->nlinks = slot + 1;
	}
	r->rb = ring_buffer__new(bpf_object__find_map_fd_by_name(r->obj, "events"), on_record, r,
				 NULL);
	r->drops_fd = bpf_object__find_map_fd_by_name(r->obj, "drops");
	r->counts_fd = bpf_object__find_map_fd_by_name(r->obj, "counts");
	r->ncpu = libbpf_num_possible_cpus();
	r->counted = calloc((size_t)r->nslots + 1, sizeof(*r->counted));
	r->percpu = calloc(r->ncpu > 0 ? (size_t)r->ncpu : 1, sizeof(*r->percpu));
	if (!r->counted || !r->percpu || r->ncpu <= 0)
		return run_fail(err, errlen, "%s", strerror(ENOMEM));
	if (!r->rb)
		return run_fail(err, errlen, "cannot map the BPF ring: %s", strerror(errno));
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
	free(r->fnext);
	free(r->fleader);
	free(r->fcount);
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
