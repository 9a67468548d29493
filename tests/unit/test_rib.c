/* The RIB's prefix table: paths per source, the inline first path moving as paths come and go,
 * iteration while deleting, sorted output. */
#include <stdint.h>
#include <stdlib.h>

#include "bgp/rib.h"
#include "lib/log.h"
#include "t.h"

static const struct bgp_attrs *mk(uint32_t med)
{
	struct bgp_attrs a;

	bgp_attrs_init(&a);
	a.has = BGP_AH_MED;
	a.med = med;
	const struct bgp_attrs *i = bgp_attrs_intern(&a);

	bgp_attrs_clear(&a);
	return i;
}

static size_t npaths(const struct rib_node *n)
{
	size_t k = 0;

	for (const struct rib_path *p = n ? n->paths : NULL; p; p = p->next)
		k++;
	return k;
}

static void test_paths_come_and_go(void)
{
	struct rib r;
	struct prefix px;
	const struct bgp_attrs *a1 = mk(1), *a2 = mk(2);
	struct bgp_peer *s1 = (struct bgp_peer *)(uintptr_t)0x10,
			*s2 = (struct bgp_peer *)(uintptr_t)0x20,
			*s3 = (struct bgp_peer *)(uintptr_t)0x30;

	rib_init(&r);
	prefix_parse("192.0.2.0/24", &px);
	CHECK_INT(rib_update(&r, &px, s1, a1, 0), 1);
	CHECK_INT(rib_update(&r, &px, s1, a1, 0), 0); /* the same: no change */
	CHECK_INT(rib_update(&r, &px, s1, a2, 0), 1); /* replaced */
	CHECK_INT(rib_update(&r, &px, s2, a1, 0), 1);
	CHECK_INT(rib_update(&r, &px, s3, a1, RIB_PATH_REJECTED), 1);
	struct rib_node *n = rib_lookup(&r, &px);

	CHECK_INT(npaths(n), 3);
	CHECK(rib_path_of(n, s1) == &n->first);
	/* The inline path goes: another takes its place, nothing is lost. */
	CHECK_INT(rib_withdraw(&r, &px, s1), 1);
	n = rib_lookup(&r, &px);
	CHECK_INT(npaths(n), 2);
	CHECK(rib_path_of(n, s1) == NULL);
	CHECK(rib_path_of(n, s2) && rib_path_of(n, s3));
	CHECK(rib_path_of(n, s2) == &n->first || rib_path_of(n, s3) == &n->first);
	CHECK_INT(rib_path_of(n, s3)->flags, RIB_PATH_REJECTED);
	CHECK_INT(rib_withdraw(&r, &px, s1), 0);
	CHECK_INT(rib_withdraw(&r, &px, s3), 1);
	CHECK_INT(rib_withdraw(&r, &px, s2), 1);
	CHECK(rib_lookup(&r, &px) == NULL);
	CHECK_INT(r.count, 0);
	/* A node emptied and filled again uses its inline slot again. */
	CHECK_INT(rib_update(&r, &px, s2, a1, 0), 1);
	n = rib_lookup(&r, &px);
	CHECK(n && n->paths == &n->first);
	rib_free(&r);
	bgp_attrs_unref(a1);
	bgp_attrs_unref(a2);
	CHECK_INT(bgp_attrs_interned_count(), 0);
}

/* The node-in-hand calls of the import path: one lookup, then the node is what changes. */
static void test_node_calls(void)
{
	struct rib r;
	struct prefix px;
	const struct bgp_attrs *a1 = mk(1), *a2 = mk(2);
	struct bgp_peer *s1 = (struct bgp_peer *)(uintptr_t)0x10;
	struct bgp_peer *s2 = (struct bgp_peer *)(uintptr_t)0x20;

	rib_init(&r);
	prefix_parse("198.51.100.0/24", &px);
	struct rib_node *n = rib_get(&r, &px);

	CHECK(n && n == rib_lookup(&r, &px) && n->paths == NULL);
	CHECK(rib_get(&r, &px) == n); /* found, not made again */
	CHECK_INT(r.count, 1);
	CHECK_INT(rib_node_update(&r, n, s1, a1, 0), 1);
	CHECK_INT(rib_node_update(&r, n, s1, a1, 0), 0);
	CHECK_INT(rib_node_update(&r, n, s2, a2, 0), 1);
	CHECK_INT(npaths(n), 2);
	/* Withdrawing one of two paths keeps the node; the last one takes it away. */
	CHECK(rib_node_withdraw(&r, n, s1) == n);
	CHECK(rib_path_of(n, s1) == NULL && rib_path_of(n, s2) == &n->first);
	CHECK(rib_node_withdraw(&r, n, s1) == n); /* nothing from s1: unchanged */
	CHECK_INT(npaths(n), 1);
	CHECK(rib_node_withdraw(&r, n, s2) == NULL);
	CHECK(rib_lookup(&r, &px) == NULL);
	CHECK_INT(r.count, 0);
	rib_free(&r);
	bgp_attrs_unref(a1);
	bgp_attrs_unref(a2);
	CHECK_INT(bgp_attrs_interned_count(), 0);
}

/* 198.18.0.0 + i, a /32 */
static struct prefix nth(uint32_t i)
{
	struct prefix px = { .addr = { .af = AF_INET }, .len = 32 };

	px.addr.a[0] = 198;
	px.addr.a[1] = 18 + (i >> 16);
	px.addr.a[2] = (uint8_t)(i >> 8);
	px.addr.a[3] = (uint8_t)i;
	return px;
}

static void test_many_and_iterate(void)
{
	struct rib r;
	const struct bgp_attrs *a = mk(7);
	struct bgp_peer *s = (struct bgp_peer *)(uintptr_t)0x10;
	struct rib_iter it;
	struct rib_node *n;
	size_t seen = 0;

	rib_init(&r);
	for (uint32_t i = 0; i < 5000; i++) {
		struct prefix px = nth(i);

		rib_update(&r, &px, s, a, 0);
	}
	CHECK_INT(r.count, 5000);
	/* Deleting the current node while iterating is allowed. */
	rib_iter_init(&it, &r);
	while ((n = rib_iter_next(&it))) {
		struct prefix px = n->pfx;

		seen++;
		rib_withdraw(&r, &px, s);
	}
	CHECK_INT(seen, 5000);
	CHECK_INT(r.count, 0);
	struct prefix b, c;

	prefix_parse("203.0.113.0/24", &b);
	prefix_parse("198.51.100.0/24", &c);
	rib_update(&r, &b, s, a, 0);
	rib_update(&r, &c, s, a, 0);
	size_t k;
	struct rib_node **v = rib_sorted(&r, &k);

	CHECK_INT(k, 2);
	CHECK(k == 2 && prefix_eq(&v[0]->pfx, &c) && prefix_eq(&v[1]->pfx, &b));
	free(v);
	rib_free(&r);
	bgp_attrs_unref(a);
}

/* The table grows a few buckets at a time (linear hashing): through many doublings, with
 * withdrawals and lookups in between, every prefix stays findable exactly once. */
static void test_growth_in_steps(void)
{
	enum { N = 150000 };
	struct rib r;
	const struct bgp_attrs *a = mk(9);
	struct bgp_peer *s = (struct bgp_peer *)(uintptr_t)0x10;
	struct rib_iter it;
	size_t seen = 0, found = 0, expect = 0;

	rib_init(&r);
	for (uint32_t i = 0; i < N; i++) {
		struct prefix px = nth(i);

		rib_update(&r, &px, s, a, 0);
		if (i % 3 == 0) /* every third goes again at once */
			rib_withdraw(&r, &px, s);
		if (i % 1000 == 999) { /* and an earlier one is still there */
			px = nth(i - 1);
			found += rib_lookup(&r, &px) != NULL;
			expect += (i - 1) % 3 != 0;
		}
	}
	CHECK_INT(found, expect);
	CHECK_INT(r.count, N - (N + 2) / 3);
	rib_iter_init(&it, &r);
	while (rib_iter_next(&it))
		seen++;
	CHECK_INT(seen, r.count);
	for (uint32_t i = 0; i < N; i++) {
		struct prefix px = nth(i);

		if ((rib_lookup(&r, &px) != NULL) != (i % 3 != 0)) {
			CHECK(0);
			break;
		}
	}
	rib_free(&r);
	bgp_attrs_unref(a);
}

/* rib_walk in steps while the table grows (buckets split and the array doubles between steps)
 * and shrinks: every node present throughout is visited, and the walk may remove the node it
 * visits. The visit count is kept in the path's rov byte. */
static size_t walk_count(struct rib_node *n, void *arg)
{
	struct rib *r = arg;

	n->paths->rov++;
	if (n->pfx.addr.a[3] % 7 == 0) /* some go as they are visited */
		rib_node_withdraw(r, n, n->paths->src);
	return 1;
}

static void test_walk_in_steps(void)
{
	struct rib r;
	const struct bgp_attrs *a = mk(9);
	struct bgp_peer *s = (struct bgp_peer *)(uintptr_t)0x10;
	enum { OLD = 3000, NEW = 20000 };
	size_t pos = 0, steps = 0;
	uint32_t added = OLD;

	rib_init(&r);
	for (uint32_t i = 0; i < OLD; i++) {
		struct prefix px = nth(i);

		rib_update(&r, &px, s, a, 0);
	}
	while (!rib_walk(&r, &pos, 50, walk_count, &r)) {
		steps++;
		/* between steps: growth, and an old node whose visit is past removed */
		for (int k = 0; k < 200 && added < OLD + NEW; k++, added++) {
			struct prefix px = nth(added);

			rib_update(&r, &px, s, a, 0);
		}
	}
	CHECK(steps > 10);
	size_t unvisited = 0, twice = 0;

	for (uint32_t i = 0; i < OLD; i++) {
		struct prefix px = nth(i);
		struct rib_node *n = rib_lookup(&r, &px);

		if (px.addr.a[3] % 7 == 0) {
			CHECK(n == NULL || n->paths->rov == 0);
			continue;
		}
		unvisited += !n || n->paths->rov == 0;
		twice += n && n->paths->rov > 1;
	}
	CHECK_INT(unvisited, 0);
	printf("walk: %zu steps, %zu old nodes visited twice\n", steps, twice);
	rib_free(&r);
	bgp_attrs_unref(a);
}

int main(void)
{
	log_init("test_rib", 1, LOG_LVL_ERR);
	RUN(test_paths_come_and_go);
	RUN(test_node_calls);
	RUN(test_many_and_iterate);
	RUN(test_growth_in_steps);
	RUN(test_walk_in_steps);
	return t_done();
}
