/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_ARENA_H
#define STAPMARK_ARENA_H
/*
 * A bump allocator.  Everything a pass builds (tokens, AST, strings) lives
 * until the pass's output has been used, then goes at once: no per-node
 * frees, so an error path deep in the parser can never leak.
 */
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
};

void *arena_alloc(struct arena *a, size_t size); /* zeroed; aborts on OOM */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

/* Growable array in an arena: struct { T *v; int n, cap; }. */
#define VEC(T)              \
	struct {            \
		T *v;       \
		int n, cap; \
	}
void vec_grow(struct arena *a, void **v, int *cap, size_t elem);
#define VEC_PUSH(arena, vec, item)                                                          \
	do {                                                                                \
		if ((vec).n == (vec).cap)                                                   \
			vec_grow((arena), (void **)&(vec).v, &(vec).cap, sizeof(*(vec).v)); \
		(vec).v[(vec).n++] = (item);                                                \
	} while (0)
#endif
