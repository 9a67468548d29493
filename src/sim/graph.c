/* Building the CSR graph: ASNs to dense ids through an open-addressing hash, ranks by Kahn's
 * algorithm over the p2c links (customers first), cycles found by walking down unranked
 * customers, then the final numbering in rank order so that the propagation's phases walk
 * the state arrays front to back (phase 1) and back to front (phase 3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/graph.h"

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p)
		abort();
	return p;
}

struct amap {
	uint32_t *key, *val;
	size_t mask;
};

static void amap_put(struct amap *m, uint32_t asn, uint32_t val)
{
	size_t h = (asn * 2654435761u) & m->mask;

	while (m->key[h])
		h = (h + 1) & m->mask;
	m->key[h] = asn;
	m->val[h] = val;
}

/* The dense id of asn, a new one (recorded in ids) the first time; the table doubles at half
 * load, so it stays about the size of the AS set (78k), not of the link list. */
static uint32_t amap_get(struct amap *m, uint32_t asn, uint32_t *n, uint32_t *ids)
{
	size_t h = (asn * 2654435761u) & m->mask;

	while (m->key[h] && m->key[h] != asn)
		h = (h + 1) & m->mask;
	if (m->key[h])
		return m->val[h];
	if (2 * ((size_t)*n + 1) > m->mask) {
		struct amap o = *m;

		m->mask = o.mask * 2 + 1;
		m->key = xcalloc(m->mask + 1, sizeof(uint32_t));
		m->val = xcalloc(m->mask + 1, sizeof(uint32_t));
		for (size_t i = 0; i <= o.mask; i++)
			if (o.key[i])
				amap_put(m, o.key[i], o.val[i]);
		free(o.key);
		free(o.val);
	}
	amap_put(m, asn, *n);
	ids[*n] = asn;
	return (*n)++;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Temporary lists of p2c edge ids by provider (down) and by customer (up). */
struct tmp {
	uint32_t *doff, *dedge, *uoff, *uedge;
};

static void csr_edges(uint32_t n, const struct sim_links *l, const uint32_t *ea, const uint32_t *eb,
		      uint32_t **off, uint32_t **edge, int by_b)
{
	uint32_t *o = xcalloc(n + 1, sizeof(*o)), *fill = xcalloc(n + 1, sizeof(*fill));
	uint32_t *e;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].rel == SIM_REL_P2C)
			o[(by_b ? eb : ea)[i] + 1]++;
	for (uint32_t i = 0; i < n; i++)
		o[i + 1] += o[i];
	e = xcalloc(o[n], sizeof(*e));
	memcpy(fill, o, (n + 1) * sizeof(*o));
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].rel == SIM_REL_P2C)
			e[fill[(by_b ? eb : ea)[i]]++] = (uint32_t)i;
	free(fill);
	*off = o;
	*edge = e;
}

/* Finds a cycle among the unranked ASes (each still has an unranked customer), reports it
 * and drops the p2c link that closes it. Returns the provider end of that link. */
static uint32_t break_cycle(uint32_t start, const struct tmp *t, const uint32_t *ea,
			    const uint32_t *eb, const uint8_t *done, uint8_t *dropped,
			    const uint32_t *ids, uint32_t *walk, uint32_t *pos, uint32_t stamp,
			    uint32_t *stampv, void (*warn)(void *, const char *), void *arg)
{
	uint32_t v = start, len = 0, e = 0;

	for (;;) {
		stampv[v] = stamp;
		pos[v] = len;
		walk[len++] = v;
		for (uint32_t k = t->doff[v]; k < t->doff[v + 1]; k++) {
			e = t->dedge[k];
			if (!dropped[e] && !done[eb[e]])
				break;
		}
		v = eb[e];
		if (stampv[v] == stamp)
			break;
	}
	dropped[e] = 1;
	if (warn) {
		char msg[512];
		size_t o = 0;

		o += (size_t)snprintf(msg, sizeof(msg), "p2c cycle:");
		for (uint32_t k = pos[v]; k < len && o < sizeof(msg) - 40; k++)
			o += (size_t)snprintf(msg + o, sizeof(msg) - o, " %u >", ids[walk[k]]);
		snprintf(msg + o, sizeof(msg) - o, " %u; link %u-%u ignored", ids[v], ids[ea[e]],
			 ids[eb[e]]);
		warn(arg, msg);
	}
	return ea[e];
}

struct csr {
	uint32_t *off, *adj, *fill;
};

static void csr_count(struct csr *c, uint32_t n)
{
	c->off = xcalloc((size_t)n + 2, sizeof(uint32_t));
	c->adj = c->fill = NULL;
}

/* After the counts are in off[i + 1]: prefix sums, the list array and the fill cursors. */
static void csr_alloc(struct csr *c, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		c->off[i + 1] += c->off[i];
	c->adj = xcalloc((size_t)c->off[n] + 1, sizeof(uint32_t));
	c->fill = xcalloc((size_t)n + 1, sizeof(uint32_t));
	memcpy(c->fill, c->off, n * sizeof(uint32_t));
}

static void csr_transpose(const struct csr *in, struct csr *out, uint32_t n)
{
	csr_count(out, n);
	for (uint32_t k = 0; k < in->off[n]; k++)
		out->off[in->adj[k] + 1]++;
	csr_alloc(out, n);
	for (uint32_t v = 0; v < n; v++)
		for (uint32_t k = in->off[v]; k < in->off[v + 1]; k++)
			out->adj[out->fill[in->adj[k]]++] = v;
}

static void csr_free(struct csr *c)
{
	free(c->off);
	free(c->adj);
	free(c->fill);
}

int sim_graph_build(struct sim_graph *g, const struct sim_links *l,
		    void (*warn)(void *arg, const char *msg), void *arg)
{
	struct amap m;
	size_t cap = 1024;
	uint32_t n = 0;

	memset(g, 0, sizeof(*g));
	m.key = xcalloc(cap, sizeof(uint32_t));
	m.val = xcalloc(cap, sizeof(uint32_t));
	m.mask = cap - 1;
	uint32_t *ids = xcalloc(l->n * 2 + 1, sizeof(uint32_t));
	uint32_t *ea = xcalloc(l->n + 1, sizeof(uint32_t)),
		 *eb = xcalloc(l->n + 1, sizeof(uint32_t));

	for (size_t i = 0; i < l->n; i++) {
		ea[i] = amap_get(&m, l->v[i].a, &n, ids);
		eb[i] = amap_get(&m, l->v[i].b, &n, ids);
	}
	free(m.key);
	free(m.val);

	/* ranks */
	struct tmp t;
	uint32_t *ncust = xcalloc(n + 1, sizeof(uint32_t)),
		 *rank = xcalloc(n + 1, sizeof(uint32_t));
	uint32_t *queue = xcalloc(n + 1, sizeof(uint32_t)), qh = 0, qt = 0, ndone = 0;
	uint8_t *done = xcalloc(n + 1, 1), *dropped = xcalloc(l->n + 1, 1);

	csr_edges(n, l, ea, eb, &t.doff, &t.dedge, 0);
	csr_edges(n, l, ea, eb, &t.uoff, &t.uedge, 1);
	for (uint32_t v = 0; v < n; v++) {
		ncust[v] = t.doff[v + 1] - t.doff[v];
		if (!ncust[v])
			queue[qt++] = v;
	}
	uint32_t *walk = NULL, *pos = NULL, *stampv = NULL, stamp = 0;

	for (;;) {
		while (qh < qt) {
			uint32_t c = queue[qh++];

			done[c] = 1;
			ndone++;
			for (uint32_t k = t.uoff[c]; k < t.uoff[c + 1]; k++) {
				uint32_t e = t.uedge[k], p = ea[e];

				if (dropped[e])
					continue;
				if (rank[p] < rank[c] + 1)
					rank[p] = rank[c] + 1;
				if (--ncust[p] == 0)
					queue[qt++] = p;
			}
		}
		if (ndone == n)
			break;
		if (!walk) {
			walk = xcalloc(n, sizeof(uint32_t));
			pos = xcalloc(n, sizeof(uint32_t));
			stampv = xcalloc(n, sizeof(uint32_t));
		}
		uint32_t v = 0;

		while (done[v])
			v++;
		uint32_t p = break_cycle(v, &t, ea, eb, done, dropped, ids, walk, pos, ++stamp,
					 stampv, warn, arg);

		g->ncycles++;
		if (--ncust[p] == 0)
			queue[qt++] = p;
	}
	free(walk);
	free(pos);
	free(stampv);
	free(t.doff);
	free(t.dedge);
	free(t.uoff);
	free(t.uedge);
	free(ncust);
	free(queue);
	free(done);

	/* final numbering: by rank, then ASN */
	uint64_t *key = xcalloc(n + 1, sizeof(uint64_t));
	uint32_t *to = xcalloc(n + 1, sizeof(uint32_t));

	for (uint32_t v = 0; v < n; v++)
		key[v] = (uint64_t)rank[v] << 32 | ids[v];
	qsort(key, n, sizeof(*key), cmp_u64);
	g->n = n;
	g->asn = xcalloc(n + 1, sizeof(uint32_t));
	g->rank = xcalloc(n + 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < n; i++) {
		g->asn[i] = (uint32_t)key[i];
		g->rank[i] = (uint32_t)(key[i] >> 32);
	}
	for (uint32_t v = 0; v < n; v++) {
		/* the new index of v: binary search in the sorted keys */
		uint64_t k = (uint64_t)rank[v] << 32 | ids[v];
		size_t lo = 0, hi = n;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (key[mid] < k)
				lo = mid + 1;
			else
				hi = mid;
		}
		to[v] = (uint32_t)lo;
	}
	free(rank);

	/* CSR by relation, each list sorted by index without sorting: the providers and peers
	 * as given (unsorted), then transposed twice, since a transpose lists each node's
	 * neighbours in the order the outer loop visits them. */
	struct csr raw_prov, raw_peer, cust;

	csr_count(&raw_prov, n);
	csr_count(&raw_peer, n);
	for (size_t i = 0; i < l->n; i++) {
		if (dropped[i])
			continue;
		g->nlinks++;
		if (l->v[i].rel == SIM_REL_P2C) {
			raw_prov.off[to[eb[i]] + 1]++;
		} else {
			raw_peer.off[to[ea[i]] + 1]++;
			raw_peer.off[to[eb[i]] + 1]++;
		}
	}
	csr_alloc(&raw_prov, n);
	csr_alloc(&raw_peer, n);
	for (size_t i = 0; i < l->n; i++) {
		if (dropped[i])
			continue;
		uint32_t a = to[ea[i]], b = to[eb[i]];

		if (l->v[i].rel == SIM_REL_P2C) {
			raw_prov.adj[raw_prov.fill[b]++] = a;
		} else {
			raw_peer.adj[raw_peer.fill[a]++] = b;
			raw_peer.adj[raw_peer.fill[b]++] = a;
		}
	}
	csr_transpose(&raw_prov, &cust, n); /* sorted customers of each provider */
	csr_free(&raw_prov);
	struct csr prov, peer;

	csr_transpose(&cust, &prov, n);
	csr_transpose(&raw_peer, &peer, n);
	csr_free(&raw_peer);
	g->off[SIM_PROV] = prov.off;
	g->adj[SIM_PROV] = prov.adj;
	g->off[SIM_PEER] = peer.off;
	g->adj[SIM_PEER] = peer.adj;
	g->off[SIM_CUST] = cust.off;
	g->adj[SIM_CUST] = cust.adj;
	free(prov.fill);
	free(peer.fill);
	free(cust.fill);
	free(dropped);
	free(to);
	free(ids);
	free(ea);
	free(eb);

	/* ASN lookup */
	for (uint32_t i = 0; i < n; i++)
		key[i] = (uint64_t)g->asn[i] << 32 | i;
	qsort(key, n, sizeof(*key), cmp_u64);
	g->sorted = xcalloc(n + 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < n; i++)
		g->sorted[i] = (uint32_t)key[i];
	free(key);
	return 0;
}

void sim_graph_free(struct sim_graph *g)
{
	free(g->asn);
	free(g->rank);
	free(g->sorted);
	for (int r = 0; r < SIM_NREL; r++) {
		free(g->off[r]);
		free(g->adj[r]);
	}
	memset(g, 0, sizeof(*g));
}

int64_t sim_graph_find(const struct sim_graph *g, uint32_t asn)
{
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (g->asn[g->sorted[mid]] < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->n && g->asn[g->sorted[lo]] == asn ? (int64_t)g->sorted[lo] : -1;
}
