/* Bump allocator in chunks. */
#include "dns/arena.h"

#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

#define CHUNK_MIN (256 * 1024)

struct dns_arena_chunk {
	struct dns_arena_chunk *next;
	max_align_t data[];
};

void dns_arena_init(struct dns_arena *a)
{
	a->head = NULL;
	a->used = a->size = 0;
	a->total = 0;
}

void *dns_arena_alloc(struct dns_arena *a, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	if (!a->head || a->size - a->used < n) {
		size_t sz = n > CHUNK_MIN ? n : CHUNK_MIN;
		struct dns_arena_chunk *c = xmalloc(sizeof(*c) + sz);

		c->next = a->head;
		a->head = c;
		a->size = sz;
		a->used = 0;
	}
	void *p = (char *)a->head->data + a->used;

	a->used += n;
	a->total += n;
	return p;
}

void *dns_arena_dup(struct dns_arena *a, const void *p, size_t n)
{
	void *d = dns_arena_alloc(a, n);

	if (n)
		memcpy(d, p, n);
	return d;
}

void dns_arena_free(struct dns_arena *a)
{
	while (a->head) {
		struct dns_arena_chunk *c = a->head;

		a->head = c->next;
		free(c);
	}
	a->used = a->size = 0;
	a->total = 0;
}
