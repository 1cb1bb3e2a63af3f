// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Function probes through perf uprobes (stapmark/uprobe.h): entry and
 * return handlers see the registers of the hit, every thread is covered
 * (those that existed before, and those created after that cover
 * themselves), the main thread stays covered after they exit, a probed function
 * called by a handler is dropped rather than recursing, unregistering
 * stops the probe, and the program's own SIGTRAP handler still gets the
 * SIGTRAPs that are not ours, and a function's first probe that fails for
 * want of memory leaves no events open.  UNTESTED where the kernel has no uprobe
 * PMU or perf events are not allowed.
 */
#include <dirent.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include <stapmark/uprobe.h>
#include "unit.h"

__attribute__((noinline)) long probed_add(long a, long b)
{
	__asm__ volatile("" ::: "memory");
	return a + b;
}

__attribute__((noinline)) long probed_inner(long a)
{
	__asm__ volatile("" ::: "memory");
	return a;
}

static long entries, entry_arg_sum, return_sum, inner_hits, program_traps, second_entries;

static void on_entry(void *priv, void *uc)
{
	const ucontext_t *u = uc;

	(void)priv;
	errno = EDOM; /* the handler must not leak it into the program */
	__atomic_add_fetch(&entries, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&entry_arg_sum, (long)u->uc_mcontext.gregs[REG_RDI], __ATOMIC_RELAXED);
}

static void on_second_entry(void *priv, void *uc)
{
	(void)priv;
	(void)uc;
	__atomic_add_fetch(&second_entries, 1, __ATOMIC_RELAXED);
}

static void on_return(void *priv, void *uc)
{
	const ucontext_t *u = uc;

	(void)priv;
	__atomic_add_fetch(&return_sum, (long)u->uc_mcontext.gregs[REG_RAX], __ATOMIC_RELAXED);
}

/* Calls the probed function itself: that hit must be dropped. */
static void on_inner(void *priv, void *uc)
{
	(void)uc;
	__atomic_add_fetch(&inner_hits, 1, __ATOMIC_RELAXED);
	probed_inner((long)(intptr_t)priv);
}

static void program_handler(int sig)
{
	(void)sig;
	program_traps++;
}

/* The file offset of code at addr in this executable (what a uprobe
 * takes), from the program headers of the running image. */
struct lookup {
	uintptr_t addr;
	long offset;
};

static int find_offset(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct lookup *l = arg;

	(void)size;
	if (info->dlpi_name && info->dlpi_name[0]) /* only the main program */
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + p->p_vaddr;

		if (p->p_type == PT_LOAD && l->addr >= start && l->addr < start + p->p_memsz) {
			l->offset = (long)(l->addr - start + p->p_offset);
			return 1;
		}
	}
	return 0;
}

static long offset_of(void *fn)
{
	struct lookup l = {(uintptr_t)fn, -1};

	dl_iterate_phdr(find_offset, &l);
	return l.offset;
}

static volatile int go;

/* While set, the probe array of a function's first probe (calloc(2, sizeof
 * pointer)) cannot be allocated.  The program's calloc is the one
 * libmarkers calls. */
static int fail_probe_array;
extern void *__libc_calloc(size_t nmemb, size_t size);

void *calloc(size_t nmemb, size_t size)
{
	if (__atomic_load_n(&fail_probe_array, __ATOMIC_RELAXED) && nmemb == 2 &&
	    size == sizeof(void *))
		return NULL;
	return __libc_calloc(nmemb, size);
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void *early_thread(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		usleep(1000);
	for (int i = 0; i < 10; i++)
		probed_add(1000, 1);
	return NULL;
}

static void *late_thread(void *arg)
{
	(void)arg;
	/* Covered with no call of ours: this program links libmarkers, whose
	 * pthread_create covers the thread before it runs this. */
	for (int i = 0; i < 10; i++)
		probed_add(2000, 2);
	return NULL;
}

int main(void)
{
	char path[4096];
	struct marker_uprobe *entry, *ret, *inner;
	long n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	long off_add = offset_of((void *)probed_add), off_inner = offset_of((void *)probed_inner);
	pthread_t early, late;
	int rc;

	if (n <= 0 || off_add < 0 || off_inner < 0) {
		unit_untested("cannot find this program's file offsets");
		return UNIT_EXIT();
	}
	path[n] = '\0';
	signal(SIGTRAP, program_handler);
	pthread_create(&early, NULL, early_thread, NULL);

	rc = marker_uprobe_register(path, (unsigned long)off_add, 0, on_entry, NULL, &entry);
	if (rc == -ENOSYS || rc == -EACCES || rc == -EPERM || rc == -EOPNOTSUPP) {
		unit_untested("no perf uprobes here (%s)", strerror(-rc));
		__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
		pthread_join(early, NULL);
		return UNIT_EXIT();
	}
	CHECK_EQ(rc, 0, "entry probe registered");
	CHECK_EQ(marker_uprobe_register(path, (unsigned long)off_add, 1, on_return, NULL, &ret), 0,
		 "return probe registered");

	errno = 0;
	for (long i = 0; i < 100; i++)
		probed_add(i, 1);
	CHECK_EQ(errno, 0, "the program's errno is kept across the probes");
	CHECK_EQ(entries, 100L, "every call hit the entry probe");
	CHECK_EQ(entry_arg_sum, 4950L, "the entry probe saw the first argument in rdi");
	CHECK_EQ(return_sum, 5050L, "the return probe saw the return value in rax");

	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	pthread_join(early, NULL);
	pthread_create(&late, NULL, late_thread, NULL);
	pthread_join(late, NULL);
	CHECK_EQ(entries, 120L, "a thread from before and one from after were covered");
	CHECK_EQ(entry_arg_sum, 4950L + 10 * 1000 + 10 * 2000, "with their arguments");

	/* Two probes on one function: one SIGTRAP (not a queued signal)
	 * runs both. */
	struct marker_uprobe *second;

	CHECK_EQ(marker_uprobe_register(path, (unsigned long)off_add, 0, on_second_entry, NULL,
					&second),
		 0, "a second entry probe on the same function");
	for (long i = 0; i < 3; i++)
		probed_add(0, 0);
	CHECK_EQ(entries, 123L, "the first probe still sees every call");
	CHECK_EQ(second_entries, 3L, "and so does the second");
	marker_uprobe_unregister(second);
	probed_add(0, 0);
	CHECK_EQ(entries, 124L, "the first stays when the second goes");
	CHECK_EQ(second_entries, 3L, "the second is gone");

	CHECK_EQ(marker_uprobe_register(path, (unsigned long)off_inner, 0, on_inner, (void *)7,
					&inner),
		 0, "probe on a function its own handler calls");
	unsigned long dropped = marker_uprobe_dropped();

	probed_inner(1);
	CHECK_EQ(inner_hits, 1L, "the handler ran once");
	CHECK_EQ(marker_uprobe_dropped(), dropped + 1, "the hit inside the handler was dropped");
	marker_uprobe_unregister(inner);

	marker_uprobe_unregister(entry);
	marker_uprobe_unregister(ret);
	probed_add(5, 5);
	CHECK_EQ(entries, 124L, "no entry hit after unregistering");
	CHECK_EQ(return_sum, 5050L + 10 * 1001 + 10 * 2002, "no return hit after unregistering");

	/* A first probe whose probe array cannot be allocated: the site
	 * made for it, and its events, go again. */
	int fds = open_fds();

	__atomic_store_n(&fail_probe_array, 1, __ATOMIC_RELAXED);
	rc = marker_uprobe_register(path, (unsigned long)off_inner, 0, on_inner, NULL, &inner);
	__atomic_store_n(&fail_probe_array, 0, __ATOMIC_RELAXED);
	CHECK_EQ(rc, -ENOMEM, "a first probe without memory for its array fails");
	CHECK_EQ(open_fds(), fds, "and leaves no event open");
	probed_inner(2);
	CHECK_EQ(inner_hits, 1L, "nothing fires there");

	raise(SIGTRAP);
	CHECK_EQ(program_traps, 1L, "the program's own SIGTRAP handler still gets its signals");
	return UNIT_EXIT();
}
