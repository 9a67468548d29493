/* Fixed-size objects from populated chunks (see slab.h). */
#include "lib/slab.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/log.h"

/* The tools that watch every allocation get one calloc per object. */
#if defined(__SANITIZE_ADDRESS__)
#define SLAB_PER_OBJECT() 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define SLAB_PER_OBJECT() 1
#endif
#endif
#if !defined(SLAB_PER_OBJECT) && defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define SLAB_PER_OBJECT() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef SLAB_PER_OBJECT
#define SLAB_PER_OBJECT() 0
#endif

#define CHUNK_FIRST ((size_t)4096)
#define CHUNK_MAX ((size_t)2 << 20)

struct slab_chunk {
	struct slab_chunk *next;
	size_t len; /* of the mapping, this header included */
	max_align_t objs[];
};

/* A chunk of CHUNK_MAX on a boundary of its size, in one huge page where the kernel's
 * transparent huge pages allow (a madvise is enough when they are set to "madvise", Debian's
 * default): a million nodes in 4 KiB pages miss the TLB on almost every lookup. The kernel
 * may also give 4 KiB pages; either way the chunk is faulted in below, in one call. */
static void *map_huge(size_t len)
{
	char *p = mmap(NULL, 2 * len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return p;
	char *a = (char *)(((uintptr_t)p + len - 1) & ~(uintptr_t)(len - 1));

	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + len < p + 2 * len)
		munmap(a + len, (size_t)(p + 2 * len - (a + len)));
	madvise(a, len, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
	/* Fault it in now, in one call, as MAP_POPULATE does for the small chunks: where the kernel
	 * gives no huge page this saves 512 faults; kernels before 5.14 refuse it, and then the
	 * pages fault in on first use. */
	madvise(a, len, MADV_POPULATE_WRITE);
#endif
	return a;
}

/* A new chunk: the small ones are faulted in now (MAP_POPULATE), in one call rather than a
 * fault a page later; the largest go in huge pages. */
static void add_chunk(struct slab *s)
{
	size_t len = s->next_chunk ? s->next_chunk : CHUNK_FIRST;

	while (len < sizeof(struct slab_chunk) + s->size)
		len *= 2;
	struct slab_chunk *c = len == CHUNK_MAX
				       ? map_huge(len)
				       : mmap(NULL, len, PROT_READ | PROT_WRITE,
					      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (c == MAP_FAILED)
		fatal("out of memory (a slab chunk of %zu bytes)", len);
	c->next = s->chunks;
	c->len = len;
	s->chunks = c;
	s->cur = (char *)c->objs;
	s->end = (char *)c + len;
	s->next_chunk = len < CHUNK_MAX ? 2 * len : len;
}

void *slab_alloc(struct slab *s, size_t size)
{
	void *obj;

	if (!s->size)
		s->size = size < sizeof(void *) ? sizeof(void *) : (size + 7) & ~(size_t)7;
	s->live++;
	if (SLAB_PER_OBJECT())
		return xcalloc(1, s->size);
	if (s->free) {
		obj = s->free;
		s->free = *(void **)obj;
		memset(obj, 0, s->size);
		return obj;
	}
	if ((size_t)(s->end - s->cur) < s->size)
		add_chunk(s);
	obj = s->cur; /* a fresh mapping is zero */
	s->cur += s->size;
	return obj;
}

void slab_free(struct slab *s, void *obj)
{
	if (!obj)
		return;
	s->live--;
	if (SLAB_PER_OBJECT()) {
		free(obj);
		return;
	}
	*(void **)obj = s->free;
	s->free = obj;
}

void slab_destroy(struct slab *s)
{
	struct slab_chunk *c, *next;

	for (c = s->chunks; c; c = next) {
		next = c->next;
		munmap(c, c->len);
	}
	memset(s, 0, sizeof(*s));
}

size_t slab_bytes(const struct slab *s)
{
	size_t n = 0;

	if (SLAB_PER_OBJECT())
		return s->live * s->size;
	for (const struct slab_chunk *c = s->chunks; c; c = c->next)
		n += c->len;
	return n;
}
