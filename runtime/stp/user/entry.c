// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * User-space host: the @entry stacks of a thread (entry.h).  Allocated on
 * the thread's first entry with mmap, not malloc (a handler may run where
 * malloc is not safe).  Freed when the thread exits.
 *
 * A handler that stapmark runs for another process's hit (stp_user.h:
 * function probes come from a BPF ring) uses the stacks of the thread hit,
 * kept in stapmark by its tid: one reader thread runs those handlers, so
 * the table needs no lock.  Its size bounds the threads followed
 * (REMOTE_THREADS; the returns of further threads are skipped, as deeper
 * than STP_ENTRY_DEPTH calls are).  An exited thread's slot is kept: a
 * new thread reusing its tid finds its calls' stack positions above the
 * old frames, which the next entry drops (the longjmp rule of entry.c).
 */
#include <pthread.h>
#include <sys/mman.h>

#include "../stp.h"
#include "../entry.h"
#include "stp_user.h"

/* Return probes with @entry a program may have: each is one id. */
#define MAX_IDS 256

struct thread_stacks {
	struct stp_entry_stack st[MAX_IDS];
	size_t frame_size[MAX_IDS];
};

static __thread struct thread_stacks *my_stacks __attribute__((tls_model("initial-exec")));

#define REMOTE_THREADS 4096 /* a power of 2 */
static struct {
	int tid;
	struct thread_stacks *t;
} remote_stacks[REMOTE_THREADS];
static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void *map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void free_stacks(void *p)
{
	struct thread_stacks *t = p;

	for (int i = 0; i < MAX_IDS; i++)
		if (t->st[i].frames)
			munmap(t->st[i].frames, t->frame_size[i] * STP_ENTRY_DEPTH);
	munmap(t, sizeof(*t));
}

static void make_key(void)
{
	pthread_key_create(&key, free_stacks);
}

/* The slot of the remote hit's thread (open addressing), or NULL when
 * the table is full. */
static struct thread_stacks **remote_slot(int tid)
{
	unsigned int h = (unsigned int)tid * 2654435761u;

	for (int i = 0; i < REMOTE_THREADS; i++) {
		unsigned int k = (h + (unsigned int)i) & (REMOTE_THREADS - 1);

		if (remote_stacks[k].tid == tid)
			return &remote_stacks[k].t;
		if (!remote_stacks[k].tid) {
			remote_stacks[k].tid = tid;
			return &remote_stacks[k].t;
		}
	}
	return NULL;
}

struct stp_entry_stack *stp_host_entry_stack(int id, size_t frame_size)
{
	const struct stp_user_remote *hit = stp_user_remote();
	struct thread_stacks *t = my_stacks, **slot = NULL;

	if (id < 0 || id >= MAX_IDS)
		return NULL;
	if (hit) {
		if (hit->tid <= 0 || !(slot = remote_slot(hit->tid)))
			return NULL;
		t = *slot;
		if (!t && !(t = *slot = map(sizeof(*t))))
			return NULL;
	} else if (__builtin_expect(!t, 0)) {
		pthread_once(&once, make_key);
		if (!(t = map(sizeof(*t))))
			return NULL;
		my_stacks = t;
		pthread_setspecific(key, t);
	}
	if (__builtin_expect(!t->st[id].frames, 0)) {
		if (!(t->st[id].frames = map(frame_size * STP_ENTRY_DEPTH)))
			return NULL;
		t->frame_size[id] = frame_size;
	}
	return &t->st[id];
}
