/* A slab: many objects of one size, carved from large chunks of memory that are mapped and
 * faulted in at once, with freed objects kept on a list for the next allocation (as BIRD's
 * sl_alloc for its routing tables).
 *
 * Why: a full table is a million RIB nodes. One malloc each costs its chunk header (8-16 bytes
 * a route) and, above all, a page fault for every 50 or so new nodes as the heap grows into
 * untouched pages; in a virtual machine a fault costs tens of microseconds, which made the
 * faults, not the hash table, the largest part of importing a full table. A chunk here is
 * mapped with MAP_POPULATE: the kernel faults its pages in one call. Chunks double from 4 KiB
 * (a table of a few routes keeps one page) to 2 MiB; those of 2 MiB are aligned and asked for
 * as transparent huge pages, one fault and one TLB entry each.
 *
 * Memory goes back to the system only with slab_destroy, as with BIRD's slabs; a table that
 * shrinks keeps its objects for the next growth.
 *
 * Under valgrind and the address sanitizer every object is its own calloc, so that those tools
 * still see each allocation, its leaks and its use after free; free every object before
 * slab_destroy, or those tools report it as lost. */
#ifndef LIB_SLAB_H
#define LIB_SLAB_H

#include <stddef.h>

struct slab_chunk;

/* All zero is an empty slab. */
struct slab {
	size_t size;               /* of an object, rounded up to 8; set by the first slab_alloc */
	void *free;                /* freed objects, linked through their first word */
	char *cur, *end;           /* what the newest chunk has left */
	size_t next_chunk;         /* the size of the next chunk */
	struct slab_chunk *chunks; /* every chunk, for slab_destroy */
	size_t live;               /* objects allocated and not freed */
};

/* A zeroed object of size bytes; every call on one slab passes the same size. Never NULL
 * (out of memory is fatal, as with xcalloc). */
void *slab_alloc(struct slab *s, size_t size);
void slab_free(struct slab *s, void *obj);
/* Gives every chunk back; objects still allocated are gone with them. The slab is empty after. */
void slab_destroy(struct slab *s);
/* Bytes taken from the system: every chunk, or the live objects when each is its own calloc. */
size_t slab_bytes(const struct slab *s);

#endif
