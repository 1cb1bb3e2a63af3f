/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host interface of the handler runtime: everything runtime/stp needs
 * from its environment.  the runtime/stp sources call nothing else (no libc), so the
 * same files build into a user-space probe module and a kernel module.
 *
 * A host provides "stp_host_types.h" on the include path (integer types,
 * size_t, va_list, bool and stp_host_rwlock_t) and implements the functions
 * below.  The user-space implementation is runtime/stp/user/host.c.
 */
#ifndef STP_HOST_H
#define STP_HOST_H

#include "stp_host_types.h"

struct stp_context;

/* Locks living in the shared region.  init makes the lock usable from every
 * process that maps the region, at whatever address; the try functions
 * return 0 when the lock was taken and never block. */
void stp_host_rwlock_init(stp_host_rwlock_t *l);
int stp_host_rwlock_tryrdlock(stp_host_rwlock_t *l);
int stp_host_rwlock_trywrlock(stp_host_rwlock_t *l);
void stp_host_rwlock_unlock(stp_host_rwlock_t *l);
/* Back off for about us microseconds between lock attempts. */
void stp_host_delay_us(unsigned int us);

/* The statistics slot of the caller (CPU number, or thread slot).  Any value
 * is accepted: the runtime reduces it modulo the region's slot count and
 * guards each slot with its own small lock, so a shared slot is still safe,
 * only slower. */
unsigned int stp_host_slot(void);

/* The caller's probe context (per thread, or per CPU with preemption off):
 * zero-filled on first use, kept for the thread's life.  NULL when none can
 * be had (the hit is then skipped and counted). */
struct stp_context *stp_host_context(void);
/* The end of a hit that stp_host_context() began (the kernel enables
 * preemption again; user space has nothing to do). */
void stp_host_context_put(struct stp_context *c);

/* The caller's counter block cell (counter.h): per thread or per CPU, 0
 * until the runtime stores the offset of the block it allocated.  A host
 * may define it inline in stp_host_types.h (and STP_HOST_COUNTER_CELL). */
#ifndef STP_HOST_COUNTER_CELL
uint64_t *stp_host_counter_cell(void);
#endif

/* The caller thread's @entry stack of return probe id (entry.h), its
 * frames (STP_ENTRY_DEPTH of frame_size bytes) allocated on first use;
 * NULL when the host keeps none. */
struct stp_entry_stack;
struct stp_entry_stack *stp_host_entry_stack(int id, size_t frame_size);

/* Regular expressions (stp_regex.h): compile r->re into r->compiled (0, or -1
 * with a message in err), match (1, 0), free. */
struct stp_regex;
int stp_host_regex_compile(struct stp_regex *r, char *err, size_t errlen);
int stp_host_regex_match(const struct stp_regex *r, const char *s);
void stp_host_regex_free(struct stp_regex *r);

/* Process-local scratch memory for foreach snapshots; NULL on failure. */
void *stp_host_alloc(size_t size);
void stp_host_free(void *p);

/* Clocks, in nanoseconds: wall clock since the epoch, and a monotonic clock
 * (local_clock).  get_cycles: the CPU's cycle counter, or the best stand-in. */
int64_t stp_host_gettimeofday_ns(void);
int64_t stp_host_local_clock_ns(void);
int64_t stp_host_get_cycles(void);

/* Identity of the current task. */
int64_t stp_host_pid(void);
int64_t stp_host_tid(void);
int64_t stp_host_ppid(void);
int64_t stp_host_uid(void);
int64_t stp_host_euid(void);
int64_t stp_host_gid(void);
int64_t stp_host_egid(void);
int64_t stp_host_cpu(void);
/* The task's command name, NUL-terminated within size bytes. */
void stp_host_execname(char *buf, size_t size);
/* The value of environment variable name in the current process, "" when
 * it has none or it cannot be read here. */
void stp_host_env_var(char *buf, size_t size, const char *name);
/* Whether the hit interrupted user-mode code (user_mode()). */
int stp_host_user_mode(void);
/* addr(): the address the hit is at (a function probe's probed address,
 * the interrupted one of a timer interrupt, a marker's call site), 0 when
 * there is none. */
int64_t stp_host_addr(struct stp_context *c);

/*
 * User stacks and symbols (ubacktrace(), usymname()...).  The return
 * addresses of the current process's stack at the hit, innermost first (a
 * function probe's first is the probed address), at most max: 0 when the
 * hit has no user stack of its own (begin, end and timer probes), -1 when
 * this host cannot unwind one.
 */
int stp_host_ubacktrace(struct stp_context *c, uint64_t *pcs, int max);
/* The symbol and mapped object around a user address of the current
 * process: 0, with what is known in *u; -1 when this host cannot tell. */
struct stp_usym {
	int has_name, has_module;
	char name[128];
	char module[256]; /* the object's path */
	uint64_t start, size; /* the symbol's */
	uint64_t mod_start, mod_size; /* the object's lowest address and span */
};
int stp_host_usym(uint64_t addr, struct stp_usym *u);

/*
 * Registers a function probe's hit saved (the uregs its handler gets): by
 * name ("rax", "rdi", "rip"...; 0 when the name is unknown here), the
 * n-th integer argument at function entry (1-based; 0 when it is not in a
 * register), the integer return value, and the instruction address.
 */
int stp_host_uregs_get(const void *uregs, const char *name, int64_t *out);
int stp_host_uregs_arg(const void *uregs, int n, int64_t *out);
int64_t stp_host_uregs_return(const void *uregs);
int64_t stp_host_uregs_pc(const void *uregs);
int64_t stp_host_uregs_sp(const void *uregs);

/* Output of one complete record (everything one handler printed, or one
 * print item when a handler prints more than a buffer holds) to the
 * script's output (stdout or -o FILE).  The host must not split it or
 * interleave it with another record. */
void stp_host_output(const char *buf, size_t len);
/* One complete diagnostic ("WARNING: ...\n", "ERROR: ...\n") for stderr. */
void stp_host_message(const char *buf, size_t len);
/* exit() was called or MAXERRORS/MAXSKIPPED reached: the session state in
 * the region already says STOPPING; this wakes the driver up. */
void stp_host_request_exit(void);

/* Fault-safe reads from an arbitrary address: never crash on a bad one.
 * read_string copies up to size-1 bytes, stops after a NUL, always
 * terminates dst, and returns the length copied or -STP_HOST_EFAULT when
 * the first byte (or any byte before the NUL) cannot be read.
 * read_bytes copies exactly n bytes or returns -STP_HOST_EFAULT. */
long stp_host_read_string(char *dst, uintptr_t addr, size_t size);
int stp_host_read_bytes(void *dst, uintptr_t addr, size_t n);
/* The same for kernel memory (kernel_string(), a kernel marker's %s): the
 * user-space host reads its own process, as read_string. */
long stp_host_read_kernel_string(char *dst, uintptr_t addr, size_t size);
int stp_host_read_kernel_bytes(void *dst, uintptr_t addr, size_t n);

#endif /* STP_HOST_H */
