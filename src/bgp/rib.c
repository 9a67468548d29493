/* Prefix-keyed hash tables of paths. */
#include "bgp/rib.h"

#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

void rib_init(struct rib *r) { memset(r, 0, sizeof(*r)); }

static void free_node(struct rib *r, struct rib_node *n)
{
	struct rib_path *p, *next;

	for (p = n->paths; p; p = next) {
		next = p->next;
		bgp_attrs_unref(p->attrs);
		if (p != &n->first)
			slab_free(&r->paths, p);
	}
	slab_free(&r->nodes, n);
}

void rib_free(struct rib *r)
{
	for (size_t i = 0; i < r->nbuckets; i++) {
		struct rib_node *n, *next;

		for (n = r->buckets[i]; n; n = next) {
			next = n->hnext;
			free_node(r, n);
		}
	}
	free(r->buckets);
	slab_destroy(&r->nodes);
	slab_destroy(&r->paths);
	rib_init(r);
}

static size_t bucket_of(const struct rib *r, uint32_t h)
{
	size_t i = h & (r->base - 1);

	return i < r->split ? h & (2 * r->base - 1) : i;
}

static struct rib_node *lookup_h(const struct rib *r, const struct prefix *p, uint32_t h)
{
	if (!r->nbuckets)
		return NULL;
	for (struct rib_node *n = r->buckets[bucket_of(r, h)]; n; n = n->hnext)
		if (n->hash == h && prefix_eq(&n->pfx, p))
			return n;
	return NULL;
}

struct rib_node *rib_lookup(const struct rib *r, const struct prefix *p)
{
	return r->nbuckets ? lookup_h(r, p, prefix_hash(p)) : NULL;
}

#define SPLITS_PER_INSERT 16

/* Splits up to SPLITS_PER_INSERT buckets: the nodes of bucket i that belong to i + base under
 * the doubled mask move there. */
static void split_some(struct rib *r)
{
	for (int k = 0; k < SPLITS_PER_INSERT && r->nbuckets > r->base; k++) {
		size_t i = r->split, mask = 2 * r->base - 1;
		struct rib_node **np = &r->buckets[i];

		while (*np) {
			struct rib_node *n = *np;

			if ((n->hash & mask) == i) {
				np = &n->hnext;
				continue;
			}
			*np = n->hnext;
			n->hnext = r->buckets[i + r->base];
			r->buckets[i + r->base] = n;
		}
		if (++r->split == r->base) {
			r->base *= 2;
			r->split = 0;
		}
	}
}

/* Full: the array doubles (new buckets empty) and the splitting starts. */
static void grow(struct rib *r)
{
	if (!r->nbuckets) {
		r->buckets = xcalloc(64, sizeof(*r->buckets));
		r->nbuckets = r->base = 64;
		return;
	}
	r->buckets = xrealloc(r->buckets, 2 * r->base * sizeof(*r->buckets));
	memset(r->buckets + r->base, 0, r->base * sizeof(*r->buckets));
	r->nbuckets = 2 * r->base;
	r->split = 0;
}

struct rib_path *rib_path_of(const struct rib_node *n, const struct bgp_peer *src)
{
	for (struct rib_path *p = n->paths; p; p = p->next)
		if (p->src == src)
			return p;
	return NULL;
}

struct rib_node *rib_get(struct rib *r, const struct prefix *p)
{
	uint32_t h = prefix_hash(p); /* once, for the lookup and the new node */
	struct rib_node *n = lookup_h(r, p, h);

	if (!n) {
		if (r->nbuckets == r->base && r->count >= r->base)
			grow(r);
		split_some(r);
		n = slab_alloc(&r->nodes, sizeof(*n));
		n->pfx = *p;
		n->hash = h;
		size_t b = bucket_of(r, n->hash);

		n->hnext = r->buckets[b];
		r->buckets[b] = n;
		r->count++;
	}
	return n;
}

int rib_node_update(struct rib *r, struct rib_node *n, struct bgp_peer *src,
		    const struct bgp_attrs *attrs, uint8_t flags)
{
	struct rib_path *path = rib_path_of(n, src);

	if (path) {
		if (path->attrs == attrs && path->flags == flags)
			return 0;
		bgp_attrs_unref(path->attrs);
		path->attrs = bgp_attrs_ref(attrs);
		path->flags = flags;
		return 1;
	}
	if (!n->first_used) {
		path = &n->first;
		memset(path, 0, sizeof(*path));
		n->first_used = 1;
	} else {
		path = slab_alloc(&r->paths, sizeof(*path));
	}
	path->src = src;
	path->attrs = bgp_attrs_ref(attrs);
	path->flags = flags;
	path->next = n->paths;
	n->paths = path;
	return 1;
}

int rib_update(struct rib *r, const struct prefix *p, struct bgp_peer *src,
	       const struct bgp_attrs *attrs, uint8_t flags)
{
	return rib_node_update(r, rib_get(r, p), src, attrs, flags);
}

struct rib_node *rib_node_withdraw(struct rib *r, struct rib_node *n, struct bgp_peer *src)
{
	for (struct rib_path **pp = &n->paths; *pp; pp = &(*pp)->next) {
		struct rib_path *path = *pp;

		if (path->src != src)
			continue;
		*pp = path->next;
		bgp_attrs_unref(path->attrs);
		if (path != &n->first) {
			slab_free(&r->paths, path);
		} else if (n->paths) {
			/* Keep the inline slot in use: move another path into it. */
			struct rib_path *q = n->paths, **qp = &n->paths;
			struct rib_path *qnext = q->next;

			n->first = *q;
			n->first.next = qnext;
			*qp = &n->first;
			slab_free(&r->paths, q);
		} else {
			n->first_used = 0;
		}
		if (!n->paths) {
			struct rib_node **np = &r->buckets[bucket_of(r, n->hash)];

			while (*np != n)
				np = &(*np)->hnext;
			*np = n->hnext;
			slab_free(&r->nodes, n);
			r->count--;
			return NULL;
		}
		return n;
	}
	return n;
}

int rib_withdraw(struct rib *r, const struct prefix *p, struct bgp_peer *src)
{
	struct rib_node *n = rib_lookup(r, p);

	if (!n || !rib_path_of(n, src))
		return 0;
	rib_node_withdraw(r, n, src);
	return 1;
}

void rib_iter_init(struct rib_iter *it, const struct rib *r)
{
	it->r = r;
	it->bucket = 0;
	it->next = NULL;
	while (it->bucket < r->nbuckets && !(it->next = r->buckets[it->bucket]))
		it->bucket++;
}

struct rib_node *rib_iter_next(struct rib_iter *it)
{
	struct rib_node *n = it->next;

	if (!n)
		return NULL;
	/* Find the successor now, so the caller may free n. */
	it->next = n->hnext;
	while (!it->next && ++it->bucket < it->r->nbuckets)
		it->next = it->r->buckets[it->bucket];
	return n;
}

int rib_walk(struct rib *r, size_t *pos, size_t budget, rib_walk_fn *fn, void *arg)
{
	size_t spent = 0;

	while (*pos < r->nbuckets && spent < budget) {
		struct rib_node *n = r->buckets[*pos], *next;

		for (; n; n = next) {
			next = n->hnext; /* fn may free n */
			spent += fn(n, arg);
		}
		(*pos)++;
	}
	return *pos >= r->nbuckets;
}

static int cmp_node(const void *a, const void *b)
{
	const struct rib_node *x = *(struct rib_node *const *)a, *y = *(struct rib_node *const *)b;

	return prefix_cmp(&x->pfx, &y->pfx);
}

struct rib_node **rib_sorted(const struct rib *r, size_t *n)
{
	struct rib_node **v = xmalloc((r->count ? r->count : 1) * sizeof(*v));
	struct rib_iter it;
	struct rib_node *node;
	size_t i = 0;

	rib_iter_init(&it, r);
	while ((node = rib_iter_next(&it)))
		v[i++] = node;
	qsort(v, i, sizeof(*v), cmp_node);
	*n = i;
	return v;
}
