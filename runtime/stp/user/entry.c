// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * User-space host: the @entry stacks of a thread (entry.h).  Allocated on
 * the thread's first entry with mmap, not malloc: a function probe's hit
 * runs in a SIGTRAP handler that may have interrupted malloc.  Freed when
 * the thread exits.
 */
#include <pthread.h>
#include <sys/mman.h>

#include "../stp.h"
#include "../entry.h"

/* Return probes with @entry a program may have: each is one id. */
#define MAX_IDS 256

struct thread_stacks {
	struct stp_entry_stack st[MAX_IDS];
	size_t frame_size[MAX_IDS];
};

static __thread struct thread_stacks *my_stacks __attribute__((tls_model("initial-exec")));
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

struct stp_entry_stack *stp_host_entry_stack(int id, size_t frame_size)
{
	struct thread_stacks *t = my_stacks;

	if (id < 0 || id >= MAX_IDS)
		return NULL;
	if (__builtin_expect(!t, 0)) {
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
