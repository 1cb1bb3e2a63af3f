// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading a string at an address the program handed to a marker, which may
 * be anything: NULL, freed, garbage.  The safe way, process_vm_readv() on
 * ourselves, costs two system calls (about half a microsecond here) per
 * argument.  This is the fast way: copy with plain loads while a SIGSEGV /
 * SIGBUS handler of ours is armed for this thread; a fault jumps back out
 * of the copy, which then reports -EFAULT, as the kernel's exception tables
 * do for copy_from_user.  On x86-64 the copy is a small assembly loop and
 * the handler recognises a fault by its instruction address and resumes at
 * the loop's fixup, exactly like those tables: no sigsetjmp per copy (it
 * cost ~2 ns of a ~40 ns statistics handler) and no per-thread state.
 * Elsewhere the copy arms a per-thread sigjmp_buf.
 *
 * libmarkers owns the handler because it stays loaded for the life of the
 * process (script modules come and go).  It is installed on first use, in
 * front of whatever handler the program had, and every fault that is not
 * ours goes to that handler exactly as before (or to the default action).
 * A program that installs its own handler later takes ours out; copies
 * notice within RECHECK_EVERY reads and fall back to the system call from
 * then on.  (The program's handler flags are honoured as far as calling it
 * goes; SA_RESETHAND and its mask are not re-applied.)
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "marker_host.h"

#define MARKER_API_EXPORT __attribute__((visibility("default")))

/* How many guarded copies may pass between two checks that our handler is
 * still the one installed.  A check is two sigaction() calls (~250 ns
 * here): every 256 copies it was ~1 ns of each copy. */
#define RECHECK_EVERY 1024

#if defined(__x86_64__)
#define MARKER_COPY_FIXUP 1
#include <ucontext.h>

/*
 * long marker_copy_loop(char *dst, const char *src, size_t max): copy at most
 * max bytes up to and including a NUL, terminate dst; the length copied.
 * Only the load at marker_copy_load can fault on a bad src; the handler then
 * resumes at marker_copy_fixup, which terminates dst and returns -EFAULT.
 */
long marker_copy_loop(char *dst, const char *src, size_t max) __attribute__((visibility("hidden")));
extern const char marker_copy_load[] __attribute__((visibility("hidden")));
extern const char marker_copy_fixup[] __attribute__((visibility("hidden")));
__asm__(".text\n"
	".p2align 4\n"
	".globl marker_copy_loop\n"
	".hidden marker_copy_loop\n"
	".type marker_copy_loop, @function\n"
	"marker_copy_loop:\n"
	"	.cfi_startproc\n"
	"	xorl %eax, %eax\n"
	"	testq %rdx, %rdx\n"
	"	je 2f\n"
	"1:\n"
	".globl marker_copy_load\n"
	".hidden marker_copy_load\n"
	"marker_copy_load:\n"
	"	movzbl (%rsi,%rax), %ecx\n"
	"	movb %cl, (%rdi,%rax)\n"
	"	testb %cl, %cl\n"
	"	je 3f\n"
	"	incq %rax\n"
	"	cmpq %rdx, %rax\n"
	"	jb 1b\n"
	"2:	movb $0, (%rdi,%rax)\n"
	"3:	ret\n"
	".globl marker_copy_fixup\n"
	".hidden marker_copy_fixup\n"
	"marker_copy_fixup:\n"
	"	movb $0, (%rdi)\n"
	"	movq $-14, %rax\n" /* -EFAULT */
	"	ret\n"
	"	.cfi_endproc\n"
	".size marker_copy_loop, .-marker_copy_loop\n");
_Static_assert(EFAULT == 14, "the fixup returns -14");
#endif

static struct sigaction prev_segv, prev_bus;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int guard_state; /* 1: installed, -1: unusable (STAPMARK_FAULT_GUARD=0 or failure) */
#ifndef MARKER_COPY_FIXUP
static __thread sigjmp_buf *guard_jmp __attribute__((tls_model("initial-exec")));
#endif
/* Per thread: a shared counter would be a locked instruction per copy. */
static __thread unsigned int copies_since_check __attribute__((tls_model("initial-exec")));

static void on_fault(int sig, siginfo_t *si, void *uc);

static bool handler_is_ours(int sig)
{
	struct sigaction cur;

	return sigaction(sig, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
	       cur.sa_sigaction == on_fault;
}

/* A fault that is not a guarded copy's: what the program would have seen. */
static void chain(int sig, siginfo_t *si, void *uc)
{
	const struct sigaction *prev = sig == SIGSEGV ? &prev_segv : &prev_bus;

	if (prev->sa_flags & SA_SIGINFO) {
		prev->sa_sigaction(sig, si, uc);
		return;
	}
	if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
		prev->sa_handler(sig);
		return;
	}
	/* The default action: put it back; a real fault then recurs when we
	 * return and kills the process as it would have; a sent signal is
	 * sent again. */
	signal(sig, SIG_DFL);
	if (si->si_code <= 0)
		raise(sig);
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
#ifdef MARKER_COPY_FIXUP
	greg_t *pc = &((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];

	/* A real fault (not a sent signal) at the copy's load: resume at the
	 * fixup when we return. */
	if (si->si_code > 0 && *pc == (greg_t)(uintptr_t)marker_copy_load) {
		*pc = (greg_t)(uintptr_t)marker_copy_fixup;
		return;
	}
#else
	sigjmp_buf *j = guard_jmp;

	if (j && si->si_code > 0) /* a real fault inside a guarded copy */
		siglongjmp(*j, 1);
#endif
	chain(sig, si, uc);
}

static void install(void)
{
	struct sigaction sa;
	const char *env = getenv("STAPMARK_FAULT_GUARD");

	guard_state = -1;
	if (env && !strcmp(env, "0"))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	/* NODEFER: the jump out of the handler leaves the signal unblocked. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &prev_segv) < 0)
		return;
	if (sigaction(SIGBUS, &sa, &prev_bus) < 0) {
		sigaction(SIGSEGV, &prev_segv, NULL);
		return;
	}
	__atomic_store_n(&guard_state, 1, __ATOMIC_RELEASE);
}

/* Whether a guarded copy may run now. */
static bool guard_ready(void)
{
	int state = __atomic_load_n(&guard_state, __ATOMIC_ACQUIRE);

	if (__builtin_expect(!state, 0)) {
		pthread_once(&install_once, install);
		state = __atomic_load_n(&guard_state, __ATOMIC_ACQUIRE);
	}
	if (state != 1)
		return false;
	if (copies_since_check++ % RECHECK_EVERY == 0 &&
	    (!handler_is_ours(SIGSEGV) || !handler_is_ours(SIGBUS))) {
		/* The program put its own handler in: leave it alone. */
		__atomic_store_n(&guard_state, -1, __ATOMIC_RELEASE);
		return false;
	}
	return true;
}

/*
 * Copy the NUL-terminated string at src into dst (size bytes, terminated):
 * its length, or -EFAULT when it could not be read, or -ENOSYS when the
 * guard is not available (the caller then uses its slow, safe way).
 */
/* Not instrumented by sanitizers: reading wild addresses is its job.
 * -Wclobbered: dst and src are never changed after sigsetjmp, so they keep
 * their values across the jump (C11 7.13.2.1); the fault path uses only
 * the volatile copies anyway. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wclobbered"
#ifdef MARKER_COPY_FIXUP
MARKER_API_EXPORT long __marker_copy_string(char *dst, const char *src, size_t size)
{
	if (!size)
		return 0;
	if (!guard_ready())
		return -ENOSYS;
	return marker_copy_loop(dst, src, size - 1);
}
#else
MARKER_API_EXPORT
__attribute__((no_sanitize_address, no_sanitize_thread, no_sanitize_undefined)) long
__marker_copy_string(char *dst, const char *src, size_t size)
{
	sigjmp_buf jb;
	size_t n;

	if (!size)
		return 0;
	if (!guard_ready())
		return -ENOSYS;
	/* What the fault path needs, kept where the jump cannot lose it.  A
	 * marker in a signal handler may interrupt a copy: nest. */
	sigjmp_buf *volatile saved = guard_jmp;
	char *volatile out = dst;

	if (sigsetjmp(jb, 0)) {
		guard_jmp = saved;
		out[0] = '\0';
		return -EFAULT;
	}
	guard_jmp = &jb;
	/* The fences keep the loads of the copy between arming and disarming. */
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	for (n = 0; n < size - 1 && (dst[n] = src[n]); n++)
		;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	guard_jmp = saved;
	dst[n] = '\0';
	return (long)n;
}
#endif
#pragma GCC diagnostic pop
