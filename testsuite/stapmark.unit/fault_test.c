// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libmarkers' fault-guarded string copy (runtime/user/fault.c): bad
 * addresses give -EFAULT and never kill the program, and the program's own
 * SIGSEGV handling is what it was -- a handler it installed before or after
 * sees its real faults, and without one a real fault still kills.
 * (No sanitizer build: the copy is not instrumented anyway, and
 * AddressSanitizer's own SIGSEGV handling hangs now and then in the forked
 * children this test makes.)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"

long __marker_copy_string(char *dst, const char *src, size_t size);

static sigjmp_buf program_jmp;
/* Behind a volatile, so the compiler sees no constant bad address. */
static volatile uintptr_t bad_address = 8;
static volatile sig_atomic_t program_faults;

static void program_handler(int sig)
{
	(void)sig;
	program_faults++;
	siglongjmp(program_jmp, 1);
}

/* A real fault of the program's own (not inside a copy). */
static void program_fault(void)
{
	if (!sigsetjmp(program_jmp, 1))
		*(volatile int *)bad_address = 1;
}

static void copies(void)
{
	char buf[64];
	long page = sysconf(_SC_PAGESIZE);

	CHECK_EQ(__marker_copy_string(buf, "hello", sizeof(buf)), 5L, "copy of a valid string");
	CHECK(!strcmp(buf, "hello"), "the copy holds the string");
	CHECK_EQ(__marker_copy_string(buf, "truncated string", 6), 5L, "copy cut to size - 1");
	CHECK(!strcmp(buf, "trunc"), "the cut copy is terminated");
	CHECK_EQ(__marker_copy_string(buf, NULL, sizeof(buf)), (long)-EFAULT, "NULL is -EFAULT");
	CHECK_EQ(__marker_copy_string(buf, (const char *)1, sizeof(buf)), (long)-EFAULT,
		 "address 1 is -EFAULT");
	CHECK(buf[0] == '\0', "a failed copy leaves an empty string");
	CHECK_EQ(__marker_copy_string(buf, "x", 1), 0L, "a one-byte buffer holds the empty string");
	CHECK(buf[0] == '\0', "and it is terminated");

	/* Faults one after the other: each handler return leaves the signal
	 * deliverable for the next (a blocked SIGSEGV would kill us). */
	int efaults = 0;

	for (int i = 0; i < 1000; i++)
		efaults +=
			__marker_copy_string(buf, (const char *)(uintptr_t)(8 + i), 8) == -EFAULT;
	CHECK_EQ(efaults, 1000, "a thousand faulting copies in a row are each -EFAULT");
	CHECK_EQ(__marker_copy_string(buf, "after", sizeof(buf)), 5L,
		 "a valid copy after them still works");

	/* A string running into an unmapped page. */
	char *two =
		mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (two == MAP_FAILED) {
		unit_untested("mmap failed");
		return;
	}
	munmap(two + page, page);
	memcpy(two + page - 3, "abc", 3); /* no NUL before the hole */
	CHECK_EQ(__marker_copy_string(buf, two + page - 3, sizeof(buf)), (long)-EFAULT,
		 "a string into unmapped memory is -EFAULT");
	memcpy(two + page - 3, "ab", 3); /* ends just before it */
	CHECK_EQ(__marker_copy_string(buf, two + page - 3, sizeof(buf)), 2L,
		 "a string ending just before unmapped memory is read");
	munmap(two, page);
}

/* Run f in a child, which exits with status_if_returns if f returns; its
 * wait status. */
static int run_child(void (*f)(void), int status_if_returns)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		f();
		_exit(status_if_returns);
	}
	waitpid(pid, &status, 0);
	return status;
}

/* Run f in a child: whether it died of the fault (under AddressSanitizer,
 * whose own handler reports the fault and exits, a failing exit). */
static bool dies_of_segv(void (*f)(void))
{
	int status = run_child(f, 0);

#ifdef __SANITIZE_ADDRESS__
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return true;
#endif
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

static void copy_then_real_fault(void)
{
	char buf[8];

	__marker_copy_string(buf, NULL, sizeof(buf));
	*(volatile int *)bad_address = 1; /* no handler of the program's: this must kill */
}

static void copy_then_sent_segv(void)
{
	char buf[8];

	__marker_copy_string(buf, NULL, sizeof(buf));
	kill(getpid(), SIGSEGV);
	pause();
}

/* The program's handler was there first: the guard goes in front of it,
 * and passes it the program's real faults.  Exit status 0 when all holds. */
static void handler_first(void)
{
	struct sigaction sa;
	char buf[8];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = program_handler;
	sigaction(SIGSEGV, &sa, NULL);
	if (__marker_copy_string(buf, (const char *)16, sizeof(buf)) != -EFAULT)
		_exit(2);
	program_fault();
	_exit(program_faults == 1 ? 0 : 3);
}

static int child_status(void (*f)(void))
{
	int status = run_child(f, 1);

	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(void)
{
	CHECK_EQ(child_status(handler_first), 0,
		 "a handler installed before the guard still gets the program's faults");
	struct sigaction sa;

	/* Without a handler of the program's. */
	copies();
	CHECK(dies_of_segv(copy_then_real_fault),
	      "after a guarded copy, a real fault still kills (default action)");
	CHECK(dies_of_segv(copy_then_sent_segv), "a sent SIGSEGV still kills");

	/* The program installs its handler after ours: copies stop using the
	 * guard (within a bounded number), and its handler sees its faults. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = program_handler;
	sigaction(SIGSEGV, &sa, NULL);
	program_fault();
	CHECK_EQ((int)program_faults, 1, "the program's own handler sees its fault");
	for (int i = 0; i < 2100; i++) { /* 2 x RECHECK_EVERY + some */
		char buf[8];
		long n = __marker_copy_string(buf, "x", sizeof(buf));

		if (n == -ENOSYS)
			break;
		if (i == 2099)
			CHECK(0, "copies noticed that the program replaced the handler");
	}
	char buf[8];

	CHECK_EQ(__marker_copy_string(buf, NULL, sizeof(buf)), (long)-ENOSYS,
		 "with the program's handler in place the guard steps aside");
	CHECK_EQ((int)program_faults, 1, "no fault reached the program's handler from a copy");
	/* program_handler jumps into main's frame: not after main returns. */
	signal(SIGSEGV, SIG_DFL);
	return UNIT_EXIT();
}
