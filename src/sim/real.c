/* The real model's steps; see real.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/real.h"

static int linked(const struct sim_graph *g, uint32_t a, uint32_t b)
{
	int64_t i = sim_graph_find(g, a), j = sim_graph_find(g, b);

	if (i < 0 || j < 0)
		return 0;
	for (int r = 0; r < SIM_NREL; r++)
		for (uint32_t k = g->off[r][i]; k < g->off[r][i + 1]; k++)
			if (g->adj[r][k] == (uint32_t)j)
				return 1;
	return 0;
}

/* Adds each adjacent pair of each path that the graph lacks, once, as peers. */
struct pairs {
	uint64_t *v; /* (upstream << 32 | the AS it exported to) */
	size_t n, cap;
};

static void pair_add(struct pairs *p, uint32_t up, uint32_t to)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 256;
		p->v = realloc(p->v, p->cap * sizeof(*p->v));
		if (!p->v)
			abort();
	}
	p->v[p->n++] = (uint64_t)up << 32 | to;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int pair_has(const struct pairs *p, uint64_t key)
{
	return bsearch(&key, p->v, p->n, sizeof(*p->v), cmp_u64) != NULL;
}

static int add_paths(const struct sim_graph *g, struct sim_links *l, const char *path,
		     size_t *added, struct pairs *last, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	size_t ln = 0, first_new = l->n;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		uint32_t prev = 0, asn;
		uint64_t pending = 0;
		char *save = NULL;

		ln++;
		if (line[0] == '#')
			continue;
		for (char *t = strtok_r(line, " \t,|\r\n", &save); t;
		     t = strtok_r(NULL, " \t,|\r\n", &save)) {
			char *end;
			unsigned long v = strtoul(t, &end, 10);

			if (*end || v == 0 || v > 4294967295ul || t[0] == '-') {
				snprintf(err, errlen, "%s:%zu: '%s' is not an ASN", path, ln, t);
				fclose(f);
				return -1;
			}
			asn = (uint32_t)v;
			if (prev && prev != asn && !linked(g, prev, asn)) {
				int dup = 0;

				for (size_t k = first_new; k < l->n && !dup; k++)
					dup = (l->v[k].a == prev && l->v[k].b == asn) ||
					      (l->v[k].a == asn && l->v[k].b == prev);
				if (!dup) {
					if (l->n == l->cap) {
						l->cap = l->cap ? l->cap * 2 : 1024;
						l->v = realloc(l->v, l->cap * sizeof(*l->v));
					}
					l->v[l->n++] = (struct sim_link){ prev, asn, SIM_REL_P2P };
					(*added)++;
				}
			}
			if (prev && prev != asn)
				pending = (uint64_t)asn << 32 | prev;
			else
				pending = 0;
			prev = asn;
		}
		/* the path ends at the site's upstream: it exported the route to the AS before */
		if (pending)
			pair_add(last, (uint32_t)(pending >> 32), (uint32_t)pending);
	}
	fclose(f);
	return 0;
}

/* A provider upstream of a site seen at the end of collector paths exported the route only
 * to the ASes seen before it there, as far as providers and peers go: its links to other
 * providers and peers are dropped (customers, which collectors rarely see, are kept). */
static size_t restrict_exports(struct sim_links *l, const struct sim_scen *s, struct pairs *last)
{
	struct pairs up = { 0 };
	size_t w = 0, dropped = 0;

	qsort(last->v, last->n, sizeof(*last->v), cmp_u64);
	for (size_t i = 0; i < s->nsites; i++)
		for (size_t k = 0; k < s->sites[i].nup; k++) {
			uint64_t key = (uint64_t)s->sites[i].up[k] << 32;

			if (s->sites[i].peer[k] != SIM_UP_PROVIDER)
				continue;
			for (size_t j = 0; j < last->n; j++)
				if ((last->v[j] & ~0xffffffffull) == key) {
					pair_add(&up, s->sites[i].up[k], 0);
					break;
				}
		}
	qsort(up.v, up.n, sizeof(*up.v), cmp_u64);
	for (size_t i = 0; i < l->n; i++) {
		const struct sim_link *k = &l->v[i];
		int drop = 0;

		/* k->b's provider k->a, or either end of a peering */
		if (pair_has(&up, (uint64_t)k->b << 32) &&
		    !pair_has(last, (uint64_t)k->b << 32 | k->a))
			drop = 1;
		if (k->rel == SIM_REL_P2P && pair_has(&up, (uint64_t)k->a << 32) &&
		    !pair_has(last, (uint64_t)k->a << 32 | k->b))
			drop = 1;
		if (drop)
			dropped++;
		else
			l->v[w++] = *k;
	}
	l->n = w;
	free(up.v);
	return dropped;
}

struct deg {
	uint32_t deg, asn, i;
};

static int cmp_deg(const void *a, const void *b)
{
	const struct deg *x = a, *y = b;

	if (x->deg != y->deg)
		return x->deg < y->deg ? 1 : -1;
	return (x->asn > y->asn) - (x->asn < y->asn);
}

int sim_real_graph(struct sim_graph *g, struct sim_links *l, const struct sim_scen *s,
		   const char *paths_file, unsigned steps, struct sim_real_ctx *c, char *err,
		   size_t errlen)
{
	struct pairs last = { 0 };
	size_t n0 = l->n;

	memset(c, 0, sizeof(*c));
	c->steps = steps;
	if ((steps & (SIM_REAL_PATHS | SIM_REAL_EXPORT)) && paths_file) {
		if (add_paths(g, l, paths_file, &c->added, &last, err, errlen) < 0) {
			free(last.v);
			return -1;
		}
		if (!(steps & SIM_REAL_PATHS)) {
			l->n = n0;
			c->added = 0;
		}
		if (steps & SIM_REAL_EXPORT)
			c->dropped = restrict_exports(l, s, &last);
		free(last.v);
		if (c->added || c->dropped) {
			sim_graph_free(g);
			sim_graph_build(g, l, NULL, NULL);
		}
	}
	if (steps & (SIM_REAL_TIE_DEGREE | SIM_REAL_TIE_FEWEST | SIM_REAL_TIE_HIGHEST)) {
		struct deg *d = calloc(g->n + 1, sizeof(*d));

		for (uint32_t i = 0; i < g->n; i++) {
			d[i].i = i;
			d[i].asn = g->asn[i];
			for (int r = 0; r < SIM_NREL; r++)
				d[i].deg += g->off[r][i + 1] - g->off[r][i];
			if (steps & SIM_REAL_TIE_FEWEST)
				d[i].deg = UINT32_MAX - d[i].deg;
			if (steps & SIM_REAL_TIE_HIGHEST)
				d[i].deg = d[i].asn;
		}
		qsort(d, g->n, sizeof(*d), cmp_deg);
		c->tie = calloc(g->n + 1, sizeof(uint32_t));
		for (uint32_t k = 0; k < g->n; k++)
			c->tie[d[k].i] = k;
		free(d);
	}
	return 0;
}

void sim_real_prep(const struct sim_real_ctx *c, struct sim_prep *p)
{
	p->tie_site_first = (c->steps & SIM_REAL_OLDEST) != 0;
	for (size_t k = 0; k < p->nseeds; k++) {
		if (p->seeds[k].up != SIM_UP_RS)
			continue;
		if (c->steps & SIM_REAL_RS)
			p->seeds[k].via = UINT32_MAX;
		if (c->steps & SIM_REAL_RS_DROP)
			p->seeds[k].cls = SIM_NOROUTE;
		if (c->steps & SIM_REAL_RS_LONGER)
			p->seeds[k].len++;
	}
}

void sim_real_free(struct sim_real_ctx *c)
{
	free(c->tie);
	memset(c, 0, sizeof(*c));
}
