// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * User-space host of the handler runtime: process-shared locks, thread
 * slots and contexts, clocks, identity, and fault-safe reads through
 * process_vm_readv on our own process (a bad address fails the call, it
 * cannot fault).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../stp.h"
#include "../stp_lib.h"
#include "stp_user.h"

/* The rwlock word: the writer bit, or the count of readers.  Trying costs
 * one compare-and-swap; glibc's process-shared pthread_rwlock_t costs
 * three to four times as much here, on the path of every hit. */
#define STP_RWLOCK_WRITER 0x80000000u

void stp_host_rwlock_init(stp_host_rwlock_t *l)
{
	__atomic_store_n(&l->word, 0, __ATOMIC_RELEASE);
}

int stp_host_rwlock_tryrdlock(stp_host_rwlock_t *l)
{
	uint32_t w = __atomic_load_n(&l->word, __ATOMIC_RELAXED);

	do {
		if (w & STP_RWLOCK_WRITER)
			return EBUSY;
	} while (!__atomic_compare_exchange_n(&l->word, &w, w + 1, 1, __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return 0;
}

int stp_host_rwlock_trywrlock(stp_host_rwlock_t *l)
{
	uint32_t w = 0;

	return __atomic_compare_exchange_n(&l->word, &w, STP_RWLOCK_WRITER, 0, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED)
		       ? 0
		       : EBUSY;
}

void stp_host_rwlock_unlock(stp_host_rwlock_t *l)
{
	/* While the writer bit is set no reader holds the lock, so the
	 * caller is the writer. */
	if (__atomic_load_n(&l->word, __ATOMIC_RELAXED) == STP_RWLOCK_WRITER)
		__atomic_store_n(&l->word, 0, __ATOMIC_RELEASE);
	else
		__atomic_fetch_sub(&l->word, 1, __ATOMIC_RELEASE);
}

void stp_host_delay_us(unsigned int us)
{
	struct timespec ts = {0, (long)us * 1000};

	nanosleep(&ts, NULL);
}

/* Each thread takes the next slot number once; the runtime folds it into
 * the region's slot count. */
static unsigned int next_slot;
/* initial-exec: the module is -fPIC, and a dynamic TLS lookup on every hit
 * costs more than the rest of the prologue; two small variables fit the
 * static TLS glibc reserves for modules loaded later. */
static __thread unsigned int my_slot_plus1 __attribute__((tls_model("initial-exec")));

unsigned int stp_host_slot(void)
{
	if (!my_slot_plus1)
		my_slot_plus1 = __atomic_fetch_add(&next_slot, 1, __ATOMIC_RELAXED) + 1;
	return my_slot_plus1 - 1;
}

static pthread_key_t ctx_key;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static __thread struct stp_context *my_ctx __attribute__((tls_model("initial-exec")));

/* Counter blocks (counter.h): a thread's own, as the context (the cell's
 * accessor is inline, in stp_host_types.h). */
__thread uint64_t stp_user_counter_block __attribute__((tls_model("initial-exec")));

/* In a forked child the forking thread's context is a new thread's, and
 * it adds into counter blocks of its own. */
static void ctx_after_fork_child(void)
{
	if (my_ctx)
		stp_context_after_fork(my_ctx);
	stp_user_counter_block = 0;
}

static void ctx_free(void *p)
{
	munmap(p, sizeof(struct stp_context));
}

static void ctx_make_key(void)
{
	pthread_key_create(&ctx_key, ctx_free);
	pthread_atfork(NULL, NULL, ctx_after_fork_child);
}

void stp_user_context_init(void)
{
	pthread_once(&ctx_once, ctx_make_key);
}

/*
 * A thread's first hit may come in a signal handler (a marker fired there,
 * a function probe's SIGTRAP) that interrupted malloc: the context comes
 * from mmap, which is async-signal-safe, not from calloc.  (The key was
 * made at attach, stp_user_context_init.)
 */
struct stp_context *stp_host_context(void)
{
	void *p;

	if (__builtin_expect(my_ctx != NULL, 1))
		return my_ctx;
	pthread_once(&ctx_once, ctx_make_key);
	p = mmap(NULL, sizeof(*my_ctx), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	my_ctx = p;
	pthread_setspecific(ctx_key, my_ctx);
	return my_ctx;
}

void stp_host_context_put(struct stp_context *c)
{
	(void)c;
}

void *stp_host_alloc(size_t size)
{
	return malloc(size ? size : 1);
}

void stp_host_free(void *p)
{
	free(p);
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t stp_host_gettimeofday_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

int64_t stp_host_local_clock_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

int64_t stp_host_get_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return (int64_t)__builtin_ia32_rdtsc();
#else
	return clock_ns(CLOCK_MONOTONIC);
#endif
}

/* The hit a handler runs for, when it is another process's (stp_user.h). */
static __thread const struct stp_user_remote *remote __attribute__((tls_model("initial-exec")));

void stp_user_set_remote(const struct stp_user_remote *hit)
{
	remote = hit;
}

const struct stp_user_remote *stp_user_remote(void)
{
	return remote;
}

int64_t stp_host_tid(void)
{
	if (remote)
		return remote->tid;
	return syscall(SYS_gettid);
}

int64_t stp_host_ppid(void)
{
	return getppid();
}

int64_t stp_host_uid(void)
{
	return getuid();
}

int64_t stp_host_euid(void)
{
	return geteuid();
}

int64_t stp_host_gid(void)
{
	return getgid();
}

int64_t stp_host_egid(void)
{
	return getegid();
}

int64_t stp_host_cpu(void)
{
	if (remote)
		return remote->cpu;
	int cpu = sched_getcpu();

	return cpu < 0 ? 0 : cpu;
}

void stp_host_execname(char *buf, size_t size)
{
	char comm[17] = "";

	/* The calling thread's comm, as current->comm in the kernel. */
	if (remote)
		memcpy(comm, remote->comm, sizeof(remote->comm));
	else
		prctl(PR_GET_NAME, comm, 0, 0, 0);
	comm[16] = '\0';
	if (size) {
		strncpy(buf, comm, size - 1);
		buf[size - 1] = '\0';
	}
}

/*
 * Our pid, without a getpid() call per read: kept in a page the kernel
 * zeroes in a forked child (MADV_WIPEONFORK), so a child never uses its
 * parent's.  Where that advice is not available, getpid() every time.
 */
static pid_t *pid_page;
static pthread_once_t pid_once = PTHREAD_ONCE_INIT;

static void pid_page_init(void)
{
	void *p = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	if (madvise(p, (size_t)sysconf(_SC_PAGESIZE), MADV_WIPEONFORK) < 0) {
		munmap(p, (size_t)sysconf(_SC_PAGESIZE));
		return;
	}
	pid_page = p;
}

static pid_t self_pid(void)
{
	pid_t pid;

	pthread_once(&pid_once, pid_page_init);
	if (!pid_page)
		return getpid();
	pid = __atomic_load_n(pid_page, __ATOMIC_RELAXED);
	if (!pid) {
		pid = getpid();
		__atomic_store_n(pid_page, pid, __ATOMIC_RELAXED);
	}
	return pid;
}

int64_t stp_host_pid(void)
{
	return remote ? remote->pid : self_pid();
}

/* Our own memory, or the remote hit's process's. */
static ssize_t read_self(void *dst, uintptr_t addr, size_t n)
{
	struct iovec local = {dst, n}, there = {(void *)addr, n};

	return process_vm_readv(remote ? remote->pid : self_pid(), &local, 1, &there, 1, 0);
}

/* A string the remote hit copied when it happened: its length, or -1 when
 * it has none for addr (or its copy was cut: then read the process). */
static long remote_string(char *dst, uintptr_t addr, size_t size)
{
	for (int i = 0; i < remote->nstr; i++) {
		size_t len;

		if (remote->str_addr[i] != addr)
			continue;
		if (remote->str_len[i] <= 0)
			return -STP_HOST_EFAULT;
		if (remote->str_len[i] >= remote->str_cap && size > (size_t)remote->str_cap)
			return -1;
		len = (size_t)remote->str_len[i] - 1;
		if (len > size - 1)
			len = size - 1;
		memcpy(dst, remote->str[i], len);
		dst[len] = '\0';
		return (long)len;
	}
	return -1;
}

/* libmarkers' fault-guarded copy (runtime/user/fault.c), when the module
 * runs in a process that has libmarkers: a few ns instead of two system
 * calls.  Weak, so that programs without libmarkers still link. */
extern long __marker_copy_string(char *dst, const char *src, size_t size) __attribute__((weak));

long stp_host_read_string(char *dst, uintptr_t addr, size_t size)
{
	size_t got = 0;
	long page;

	if (!size)
		return 0;
	if (remote) {
		long n = remote_string(dst, addr, size);

		if (n != -1)
			return n;
	} else if (__marker_copy_string) {
		long n = __marker_copy_string(dst, (const char *)addr, size);

		if (n != -ENOSYS)
			return n < 0 ? -STP_HOST_EFAULT : n;
	}
	page = sysconf(_SC_PAGESIZE);
	/* A page at a time: a string may end just before unmapped memory. */
	while (got < size - 1) {
		size_t chunk = (size_t)page - ((addr + got) % (size_t)page);
		char *nul;

		if (chunk > size - 1 - got)
			chunk = size - 1 - got;
		if (addr + got < addr ||
		    read_self(dst + got, addr + got, chunk) != (ssize_t)chunk) {
			dst[got] = '\0';
			return -STP_HOST_EFAULT;
		}
		nul = memchr(dst + got, '\0', chunk);
		if (nul)
			return nul - dst;
		got += chunk;
	}
	dst[got] = '\0';
	return (long)got;
}

int stp_host_read_bytes(void *dst, uintptr_t addr, size_t n)
{
	if (!n)
		return 0;
	if (addr + n < addr || read_self(dst, addr, n) != (ssize_t)n)
		return -STP_HOST_EFAULT;
	return 0;
}

/* In a process, its own memory is all there is to read. */
long stp_host_read_kernel_string(char *dst, uintptr_t addr, size_t size)
{
	return stp_host_read_string(dst, addr, size);
}

int stp_host_read_kernel_bytes(void *dst, uintptr_t addr, size_t n)
{
	return stp_host_read_bytes(dst, addr, n);
}

void *stp_user_region_memfd(size_t size, int *fd)
{
	void *base;

	*fd = memfd_create("stapmark-region", MFD_CLOEXEC);
	if (*fd < 0)
		return NULL;
	if (ftruncate(*fd, (off_t)size) < 0) {
		close(*fd);
		*fd = -1;
		return NULL;
	}
	base = stp_user_map(*fd, size);
	if (!base) {
		close(*fd);
		*fd = -1;
	}
	return base;
}

void *stp_user_map(int fd, size_t size)
{
	void *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return base == MAP_FAILED ? NULL : base;
}

void stp_user_unmap(void *base, size_t size)
{
	munmap(base, size);
}

unsigned int stp_user_default_slots(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n < 1 ? 1 : n > 1024 ? 1024 : (unsigned int)n;
}

int stp_user_hit_is_remote(void)
{
	return remote != NULL;
}

/* A remote hit's process environment, from /proc/PID/environ (NAME=VALUE
 * entries, each ending in a NUL). */
static void remote_env_var(char *buf, size_t size, const char *name, size_t n)
{
	char path[64], block[8192];
	ssize_t got;
	int fd;

	stp_snprintf(path, sizeof(path), "/proc/%d/environ", remote->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	got = read(fd, block, sizeof(block) - 1);
	close(fd);
	if (got <= 0)
		return;
	block[got] = '\0';
	for (char *e = block; e < block + got; e += strlen(e) + 1)
		if (!strncmp(e, name, n) && e[n] == '=') {
			stp_strlcpy(buf, e + n + 1, size);
			return;
		}
}

void stp_host_env_var(char *buf, size_t size, const char *name)
{
	extern char **environ;
	size_t n = strlen(name);

	/* The environment of the process the handler runs in: the target's
	 * for its probes, stapmark's for begin, end and timer probes; a
	 * sys/sdt.h hit's process's, read from /proc. */
	if (!size)
		return;
	buf[0] = '\0';
	if (remote) {
		if (n)
			remote_env_var(buf, size, name, n);
		return;
	}
	for (char **e = environ; n && e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=') {
			strncpy(buf, *e + n + 1, size - 1);
			buf[size - 1] = '\0';
			return;
		}
}

int stp_host_user_mode(void)
{
	return 1; /* every handler of this host runs in a process */
}

void stp_user_set_time_zone(struct stp_region *r)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm))
		return;
	r->tz_gmtoff = -(int64_t)tm.tm_gmtoff; /* seconds west, as stap's */
	stp_strlcpy(r->tz_name, tm.tm_zone ? tm.tm_zone : "", sizeof(r->tz_name));
}
