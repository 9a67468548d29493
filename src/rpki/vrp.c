/* The VRP table: a chained hash table keyed by prefix alone, so that the VRPs of one prefix
 * share a chain, plus a count of VRPs per (family, prefix length). A lookup masks the route's
 * address to each length that holds VRPs, from 0 up to the route's own, and reads that chain:
 * at most 33 or 129 probes, in practice the two dozen lengths ROAs use. Simpler than a
 * path-compressed trie and as fast for this shape of data (measured in tests/unit/test_rpki.c). */
#include <stdlib.h>
#include <string.h>

#include "rpki/vrp.h"

struct vrp_ent {
	struct vrp_ent *next;
	struct vrp v;
	uint32_t copies;
};

struct vrp_table {
	struct vrp_ent **bucket;
	size_t nbucket; /* a power of two */
	size_t n;       /* distinct VRPs */
	/* VRPs per prefix length: [0] IPv4, [1] IPv6. */
	uint32_t per_len[2][129];
};

static int fam(int af) { return af == AF_INET6; }

static int well_formed(const struct vrp *v)
{
	unsigned bits;
	struct prefix p;

	if (v->pfx.addr.af != AF_INET && v->pfx.addr.af != AF_INET6)
		return 0;
	bits = v->pfx.addr.af == AF_INET ? 32 : 128;
	if (v->pfx.len > bits || v->maxlen < v->pfx.len || v->maxlen > bits)
		return 0;
	p = v->pfx;
	prefix_normalize(&p);
	return memcmp(&p, &v->pfx, sizeof(p)) == 0;
}

struct vrp_table *vrp_table_new(void)
{
	struct vrp_table *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	t->nbucket = 64;
	t->bucket = calloc(t->nbucket, sizeof(*t->bucket));
	if (!t->bucket)
		abort();
	return t;
}

void vrp_table_free(struct vrp_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nbucket; i++)
		for (struct vrp_ent *e = t->bucket[i], *next; e; e = next) {
			next = e->next;
			free(e);
		}
	free(t->bucket);
	free(t);
}

static struct vrp_ent **chain(const struct vrp_table *t, const struct prefix *p)
{
	return &t->bucket[prefix_hash(p) & (t->nbucket - 1)];
}

static void grow(struct vrp_table *t)
{
	struct vrp_ent **old = t->bucket;
	size_t n = t->nbucket;

	t->nbucket *= 2;
	t->bucket = calloc(t->nbucket, sizeof(*t->bucket));
	if (!t->bucket)
		abort();
	for (size_t i = 0; i < n; i++)
		for (struct vrp_ent *e = old[i], *next; e; e = next) {
			struct vrp_ent **c = chain(t, &e->v.pfx);

			next = e->next;
			e->next = *c;
			*c = e;
		}
	free(old);
}

static int same(const struct vrp *a, const struct vrp *b)
{
	return prefix_eq(&a->pfx, &b->pfx) && a->maxlen == b->maxlen && a->asn == b->asn;
}

int vrp_add(struct vrp_table *t, const struct vrp *v)
{
	struct vrp_ent **c, *e;

	if (!well_formed(v))
		return -1;
	c = chain(t, &v->pfx);
	for (e = *c; e; e = e->next)
		if (same(&e->v, v)) {
			e->copies++;
			return 0;
		}
	if (t->n >= t->nbucket) {
		grow(t);
		c = chain(t, &v->pfx);
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		abort();
	e->v = *v;
	e->copies = 1;
	e->next = *c;
	*c = e;
	t->n++;
	t->per_len[fam(v->pfx.addr.af)][v->pfx.len]++;
	return 1;
}

int vrp_del(struct vrp_table *t, const struct vrp *v)
{
	if (!well_formed(v))
		return -1;
	for (struct vrp_ent **c = chain(t, &v->pfx), *e; (e = *c); c = &e->next) {
		if (!same(&e->v, v))
			continue;
		if (--e->copies > 0)
			return 0;
		*c = e->next;
		free(e);
		t->n--;
		t->per_len[fam(v->pfx.addr.af)][v->pfx.len]--;
		return 1;
	}
	return -1;
}

size_t vrp_count(const struct vrp_table *t) { return t->n; }

int vrp_has(const struct vrp_table *t, const struct vrp *v)
{
	if (!well_formed(v))
		return 0;
	for (const struct vrp_ent *e = *chain(t, &v->pfx); e; e = e->next)
		if (same(&e->v, v))
			return 1;
	return 0;
}

struct diff {
	const struct vrp_table *other;
	struct vrp_table *changed;
	size_t n;
};

static void diff_one(const struct vrp *v, void *ctx)
{
	struct diff *d = ctx;
	struct vrp k = { .pfx = v->pfx, .maxlen = v->pfx.len, .asn = 0 };

	if (vrp_has(d->other, v))
		return;
	d->n++;
	if (!vrp_has(d->changed, &k))
		vrp_add(d->changed, &k);
}

size_t vrp_diff(const struct vrp_table *a, const struct vrp_table *b, struct vrp_table *changed)
{
	struct diff d = { b, changed, 0 };

	vrp_foreach(a, diff_one, &d);
	d.other = a;
	vrp_foreach(b, diff_one, &d);
	return d.n;
}

void vrp_foreach(const struct vrp_table *t, void (*fn)(const struct vrp *v, void *ctx), void *ctx)
{
	for (size_t i = 0; i < t->nbucket; i++)
		for (const struct vrp_ent *e = t->bucket[i]; e; e = e->next)
			fn(&e->v, ctx);
}

/* Calls fn for every VRP covering pfx until fn returns nonzero; returns that value or 0. */
static int walk(const struct vrp_table *t, const struct prefix *pfx,
		int (*fn)(const struct vrp *, void *), void *ctx)
{
	const uint32_t *per_len;
	unsigned bits;

	if (pfx->addr.af != AF_INET && pfx->addr.af != AF_INET6)
		return 0;
	bits = pfx->addr.af == AF_INET ? 32 : 128;
	per_len = t->per_len[fam(pfx->addr.af)];
	for (unsigned len = 0; len <= pfx->len && len <= bits; len++) {
		struct prefix p = *pfx;

		if (!per_len[len])
			continue;
		p.len = (uint8_t)len;
		prefix_normalize(&p);
		for (const struct vrp_ent *e = *chain(t, &p); e; e = e->next) {
			int r;

			if (prefix_eq(&e->v.pfx, &p) && (r = fn(&e->v, ctx)))
				return r;
		}
	}
	return 0;
}

struct collect {
	struct vrp *out;
	size_t max, n;
};

static int collect(const struct vrp *v, void *ctx)
{
	struct collect *c = ctx;

	if (c->n < c->max)
		c->out[c->n] = *v;
	c->n++;
	return 0;
}

size_t vrp_covering(const struct vrp_table *t, const struct prefix *pfx, struct vrp *out,
		    size_t max)
{
	struct collect c = { out, max, 0 };

	walk(t, pfx, collect, &c);
	return c.n;
}

struct judge {
	uint32_t origin;
	uint8_t len;
	int covered;
};

static int judge(const struct vrp *v, void *ctx)
{
	struct judge *j = ctx;

	j->covered = 1;
	/* RFC 6811: NONE matches nothing; RFC 6483 section 4: an AS 0 VRP matches nothing. */
	return v->asn != 0 && j->origin != ROV_ORIGIN_NONE && v->asn == j->origin &&
	       j->len <= v->maxlen;
}

enum rov_state vrp_validate(const struct vrp_table *t, const struct prefix *pfx, uint32_t origin)
{
	struct judge j = { origin, pfx->len, 0 };

	if (walk(t, pfx, judge, &j))
		return ROV_VALID;
	return j.covered ? ROV_INVALID : ROV_NOT_FOUND;
}

const char *rov_state_name(enum rov_state s)
{
	static const char *const names[] = {
		[ROV_NOT_FOUND] = "not-found",
		[ROV_VALID] = "valid",
		[ROV_INVALID] = "invalid",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
