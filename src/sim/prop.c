/* The three phases. Each AS keeps only its best route and whether another site tied it; an
 * offer is merged on arrival, so every phase is one pass over the ASes in rank order and
 * one over their neighbour lists. The per-AS loop check needs no path: without p2c cycles a
 * route that comes back to an AS always loses to the route that AS exported (see the test's
 * brute-force fixpoint, which checks whole paths), so only the origin's own ASN, which sits
 * at the end of every path, is checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/prop.h"

static uint32_t tie_of(const struct sim_graph *g, const struct sim_prep *p, uint32_t i)
{
	return p->tie ? p->tie[i] : g->asn[i];
}

static inline void offer(struct sim_best *b, uint8_t cls, uint16_t len, uint16_t site, uint32_t via,
			 int site_first)
{
	if (cls < b->cls || (cls == b->cls && len < b->len)) {
		*b = (struct sim_best){ .via = via, .len = len, .site = site, .cls = cls };
		return;
	}
	if (cls != b->cls || len != b->len)
		return;
	if (site != b->site)
		b->tied = 1;
	if (site_first ? site < b->site || (site == b->site && via < b->via)
		       : via < b->via || (via == b->via && site < b->site)) {
		b->via = via;
		b->site = site;
	}
}

/* Whether AS i accepts a route of site: the origin's ASN refuses the sites' routes (its
 * ASN is in the path), ROV ASes refuse the hijacker's. */
static inline int refuses(const struct sim_prep *p, uint32_t i, uint16_t site)
{
	if (site == p->nsites)
		return p->rov && p->rov[i];
	return (int64_t)i == p->origin_node;
}

/* AS i offers its route to its neighbours of relation rel, who learn it as class cls. */
static inline void export(const struct sim_graph *g, const struct sim_prep *p,
			  struct sim_best *best, uint32_t i, enum sim_nrel rel, uint8_t cls)
{
	const struct sim_best b = best[i];
	const uint16_t len1 = (uint16_t)(b.len + 1);
	const uint32_t via = tie_of(g, p, i);

	for (uint32_t k = g->off[rel][i]; k < g->off[rel][i + 1]; k++) {
		uint32_t q = g->adj[rel][k];

		if (!refuses(p, q, b.site))
			offer(&best[q], cls, len1, b.site, via, p->tie_site_first);
	}
}

static void seed(const struct sim_prep *p, struct sim_best *best, uint8_t cls)
{
	for (size_t k = 0; k < p->nseeds; k++) {
		const struct sim_seed *s = &p->seeds[k];

		if (s->cls == cls && !refuses(p, s->node, s->site))
			offer(&best[s->node], cls, s->len, s->site, s->via, p->tie_site_first);
	}
}

static void run(const struct sim_graph *g, const struct sim_prep *p, struct sim_best *best,
		int legit, int hijack)
{
	const uint32_t n = g->n;

	for (uint32_t i = 0; i < n; i++)
		best[i] = (struct sim_best){ .len = 0xffff, .site = SIM_NONE, .cls = SIM_NOROUTE };
	if (hijack)
		best[p->hijack_node] = (struct sim_best){ .site = (uint16_t)p->nsites,
							  .cls = SIM_OWN };
	if (legit)
		seed(p, best, SIM_CUSTR);
	/* 1: up. Customers rank lower, so each AS is final when the loop reaches it. */
	for (uint32_t i = 0; i < n; i++)
		if (best[i].cls <= SIM_CUSTR)
			export(g, p, best, i, SIM_PROV, SIM_CUSTR);
	/* 2: one hop across peers, from own and customer routes only. */
	if (legit)
		seed(p, best, SIM_PEERR);
	for (uint32_t i = 0; i < n; i++)
		if (best[i].cls <= SIM_CUSTR)
			export(g, p, best, i, SIM_PEER, SIM_PEERR);
	/* 3: down. Providers rank higher: final before their customers are reached. */
	for (uint32_t i = n; i-- > 0;)
		if (best[i].cls != SIM_NOROUTE)
			export(g, p, best, i, SIM_CUST, SIM_PROVR);
}

void sim_propagate(const struct sim_graph *g, const struct sim_prep *p, struct sim_best *best)
{
	if (p->hijack_node < 0 || !p->hijack_len) {
		run(g, p, best, 1, p->hijack_node >= 0);
		return;
	}
	/* A more-specific is another prefix: it wins by longest match wherever it arrives. */
	run(g, p, best, 1, 0);
	run(g, p, p->scratch, 0, 1);
	for (uint32_t i = 0; i < g->n; i++)
		if (p->scratch[i].site != SIM_NONE)
			best[i] = p->scratch[i];
}

static int64_t need(const struct sim_graph *g, uint32_t asn, const char *what, char *err,
		    size_t errlen)
{
	int64_t i = sim_graph_find(g, asn);

	if (i < 0)
		snprintf(err, errlen, "%s AS%u is not in the graph", what, asn);
	return i;
}

int sim_prepare(const struct sim_graph *g, const struct sim_scen *s, const uint32_t *tie,
		const uint32_t *site_tie, struct sim_prep *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->nsites = s->nsites;
	p->tie = tie;
	p->origin_node = sim_graph_find(g, s->origin);
	p->hijack_node = -1;
	if (s->nsites > SIM_MAX_SITES) {
		snprintf(err, errlen, "more than %d sites", SIM_MAX_SITES);
		return -1;
	}
	size_t nseed = 0;

	for (size_t i = 0; i < s->nsites; i++)
		nseed += s->sites[i].nup;
	p->seeds = calloc(nseed + 1, sizeof(*p->seeds));
	for (size_t i = 0; i < s->nsites; i++) {
		const struct sim_site *st = &s->sites[i];

		if (st->prepend > 200) {
			snprintf(err, errlen, "site %s: prepend %u is more than 200", st->name,
				 st->prepend);
			goto fail;
		}
		size_t found = 0;

		for (size_t k = 0; k < st->nup; k++) {
			int64_t u = sim_graph_find(g, st->up[k]);

			if (u < 0) {
				/* a graph older or newer than the site's sessions: say so, go on */
				if (!p->nmissing++)
					snprintf(p->missing, sizeof(p->missing),
						 "site %s: upstream "
						 "AS%u",
						 st->name, st->up[k]);
				continue;
			}
			found++;
			if (st->failed)
				continue;
			p->seeds[p->nseeds++] = (struct sim_seed){
				.node = (uint32_t)u,
				.via = site_tie ? site_tie[i] : s->origin,
				.len = (uint16_t)(1 + st->prepend),
				.site = (uint16_t)i,
				.cls = st->peer[k] != SIM_UP_PROVIDER ? SIM_PEERR : SIM_CUSTR,
				.up = st->peer[k],
			};
		}
		if (!found) {
			snprintf(err, errlen, "site %s: none of its upstreams is in the graph",
				 st->name);
			goto fail;
		}
	}
	if (s->hijack) {
		if ((p->hijack_node = need(g, s->hijack, "hijacker", err, errlen)) < 0)
			goto fail;
		p->hijack_len = s->hijack_len;
		p->scratch = calloc(g->n + 1, sizeof(*p->scratch));
		if (s->rov != SIM_ROV_NONE) {
			p->rov = calloc(g->n + 1, 1);
			if (s->rov == SIM_ROV_ALL)
				memset(p->rov, 1, g->n);
			for (size_t k = 0; s->rov == SIM_ROV_SET && k < s->nrov; k++) {
				int64_t r = sim_graph_find(g, s->rov_asns[k]);

				if (r >= 0) /* an ROV list may name ASes the graph lacks */
					p->rov[r] = 1;
			}
			p->rov[p->hijack_node] = 0;
		}
	}
	return 0;
fail:
	sim_prep_free(p);
	return -1;
}

void sim_prep_free(struct sim_prep *p)
{
	free(p->seeds);
	free(p->rov);
	free(p->scratch);
	memset(p, 0, sizeof(*p));
}

void sim_count(const struct sim_graph *g, const struct sim_prep *p, const struct sim_best *best,
	       const double *weight, struct sim_count *c)
{
	memset(c, 0, sizeof(*c));
	c->ases = calloc(p->nsites + 1, sizeof(double));
	for (uint32_t i = 0; i < g->n; i++) {
		double w = weight ? weight[i] : 1;

		c->total += w;
		if (best[i].site == SIM_NONE) {
			c->unreached += w;
			continue;
		}
		c->ases[best[i].site] += w;
		if (best[i].tied)
			c->ties += w;
	}
}

void sim_count_free(struct sim_count *c)
{
	free(c->ases);
	memset(c, 0, sizeof(*c));
}

void sim_scen_free(struct sim_scen *s)
{
	for (size_t i = 0; i < s->nsites; i++) {
		free(s->sites[i].name);
		free(s->sites[i].up);
		free(s->sites[i].peer);
	}
	free(s->sites);
	free(s->rov_asns);
	memset(s, 0, sizeof(*s));
}
