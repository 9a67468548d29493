/* The slab allocator: objects come back zeroed, freed ones are reused before the slab grows,
 * chunks keep coming past the largest size, and destroy gives everything back. Runs the same
 * under valgrind, where each object is its own calloc. */
#include <stdint.h>
#include <stdlib.h>

#include "lib/slab.h"
#include "t.h"

struct obj {
	uint64_t id;
	char pad[40];
};

static int all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i])
			return 0;
	return 1;
}

static void test_zeroed_and_reused(void)
{
	struct slab s = { 0 };
	struct obj *o[100];

	for (int i = 0; i < 100; i++) {
		o[i] = slab_alloc(&s, sizeof(struct obj));
		CHECK(all_zero(o[i], sizeof(struct obj)));
		memset(o[i], 0xa5, sizeof(struct obj));
	}
	CHECK_INT(s.live, 100);
	size_t held = slab_bytes(&s);

	for (int i = 0; i < 100; i += 2)
		slab_free(&s, o[i]);
	CHECK_INT(s.live, 50);
	/* A freed object comes back zeroed though it was written all over, and the slab takes
	 * nothing more from the system while freed objects are there. */
	for (int i = 0; i < 100; i += 2) {
		o[i] = slab_alloc(&s, sizeof(struct obj));
		CHECK(all_zero(o[i], sizeof(struct obj)));
	}
	CHECK(slab_bytes(&s) <= held);
	for (int i = 0; i < 100; i++)
		slab_free(&s, o[i]);
	CHECK_INT(s.live, 0);
	slab_free(&s, NULL);
	slab_destroy(&s);
	CHECK_INT(slab_bytes(&s), 0);
}

/* 300,000 objects of 48 bytes are 14 MB: chunks of every size up to the largest and several of
 * that. Each object keeps what was written to it (no two overlap), and the whole is freed and
 * taken again without the slab growing. */
static void test_many_chunks(void)
{
	enum { N = 300000 };
	struct slab s = { 0 };
	struct obj **o = calloc(N, sizeof(*o));
	int ok = 1;

	for (size_t i = 0; i < N; i++) {
		o[i] = slab_alloc(&s, sizeof(struct obj));
		o[i]->id = i;
		o[i]->pad[39] = (char)i;
	}
	for (size_t i = 0; i < N; i++)
		ok &= o[i]->id == i && o[i]->pad[39] == (char)i;
	CHECK(ok);
	size_t held = slab_bytes(&s);

	CHECK(held >= (size_t)N * sizeof(struct obj));
	CHECK(held < (size_t)N * sizeof(struct obj) * 2);
	for (size_t i = 0; i < N; i++)
		slab_free(&s, o[i]);
	for (size_t i = 0; i < N; i++)
		o[i] = slab_alloc(&s, sizeof(struct obj));
	CHECK_INT(slab_bytes(&s), held);
	CHECK_INT(s.live, N);
	for (size_t i = 0; i < N; i++)
		slab_free(&s, o[i]);
	slab_destroy(&s);
	CHECK_INT(slab_bytes(&s), 0);
	/* A destroyed slab is an empty one: it can be used again. */
	struct obj *x = slab_alloc(&s, sizeof(struct obj));

	CHECK(all_zero(x, sizeof(*x)));
	slab_free(&s, x);
	slab_destroy(&s);
	free(o);
}

/* Objects smaller than a pointer still hold the free list's link. */
static void test_tiny_objects(void)
{
	struct slab s = { 0 };
	char *a = slab_alloc(&s, 1), *b = slab_alloc(&s, 1);

	CHECK(a != b);
	*a = 1;
	*b = 2;
	slab_free(&s, a);
	a = slab_alloc(&s, 1);
	CHECK_INT(*a, 0);
	CHECK_INT(*b, 2);
	slab_free(&s, a);
	slab_free(&s, b);
	slab_destroy(&s);
}

int main(void)
{
	RUN(test_zeroed_and_reused);
	RUN(test_many_chunks);
	RUN(test_tiny_objects);
	return t_done();
}
