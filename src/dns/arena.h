/* A bump allocator: a loaded zone set lives in one arena and is freed with it in one go,
 * which keeps reload and reclamation simple and the answer data dense in memory. */
#ifndef DNS_ARENA_H
#define DNS_ARENA_H

#include <stddef.h>

struct dns_arena_chunk;

struct dns_arena {
	struct dns_arena_chunk *head;
	size_t used, size; /* within head */
	size_t total;      /* bytes handed out, for the log */
};

void dns_arena_init(struct dns_arena *a);
/* 8-byte aligned; never fails (fatal() on exhaustion). */
void *dns_arena_alloc(struct dns_arena *a, size_t n);
void *dns_arena_dup(struct dns_arena *a, const void *p, size_t n);
void dns_arena_free(struct dns_arena *a);

#endif
