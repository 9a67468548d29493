/* The anycast scenario and its three-phase Gao-Rexford propagation (DESIGN.md "anycast sim").
 *
 * Preference at every AS: a customer-learned route over a peer-learned one over a provider-
 * learned one, then the shorter AS path, then the lowest tie key of the neighbour it came
 * from (its ASN; the lab uses its router's BGP identifier), then the lowest site index (sites
 * share the origin ASN). Export: own and customer routes to everyone, peer and provider
 * routes to customers only. Because a provider's rank exceeds its customers', the stable
 * state is reached in three passes: up through providers in rank order, one hop across
 * peers, down to customers in reverse rank order. */
#ifndef SIM_PROP_H
#define SIM_PROP_H

#include <stddef.h>
#include <stdint.h>

#include "sim/graph.h"

#define SIM_DEFAULT_ORIGIN 64496
#define SIM_MAX_SITES 4000
#define SIM_NONE 0xffff /* sim_best.site: unreached */

enum sim_cls { SIM_OWN, SIM_CUSTR, SIM_PEERR, SIM_PROVR, SIM_NOROUTE };
enum sim_rov { SIM_ROV_NONE, SIM_ROV_ALL, SIM_ROV_SET };

/* An upstream of a site: its provider, a bilateral peer, or a member of an IXP route server
 * the site is on (a peer in the pure model; `--model real` tells them apart). */
enum sim_up { SIM_UP_PROVIDER, SIM_UP_PEER, SIM_UP_RS };

struct sim_site {
	char *name;
	uint32_t *up;  /* upstream ASNs */
	uint8_t *peer; /* enum sim_up: what up[i] is to the site */
	size_t nup;
	unsigned prepend; /* extra copies of the origin */
	int failed;
};

struct sim_scen {
	uint32_t origin;
	struct sim_site *sites;
	size_t nsites;
	uint32_t hijack;     /* 0: none */
	unsigned hijack_len; /* 0: the same prefix; else a more-specific of this length */
	enum sim_rov rov;
	uint32_t *rov_asns; /* SIM_ROV_SET */
	size_t nrov;
};

/* The state of one AS after propagation: what it selected. */
struct sim_best {
	uint32_t via;  /* tie key of the neighbour it came from */
	uint16_t len;  /* AS path length as received (prepends counted) */
	uint16_t site; /* a site index, nsites for the hijacker, or SIM_NONE */
	uint8_t cls;   /* enum sim_cls */
	uint8_t tied;  /* another site offered a route as good on class and length */
};

struct sim_seed {
	uint32_t node; /* graph index of the upstream */
	uint32_t via;  /* tie key of the site (the real model raises it for RS members) */
	uint16_t len, site;
	uint8_t cls; /* SIM_CUSTR: the site is a customer of node; SIM_PEERR */
	uint8_t up;  /* enum sim_up */
};

/* A scenario resolved against a graph, reusable for many propagations. */
struct sim_prep {
	size_t nsites; /* sites of the scenario; site index nsites is the hijacker */
	struct sim_seed *seeds;
	size_t nseeds;
	int64_t origin_node; /* the graph AS whose ASN is the origin (it refuses the routes) */
	int64_t hijack_node; /* -1: no hijack */
	unsigned hijack_len;
	uint8_t *rov;             /* per node: drops the hijacker's route; NULL: nobody */
	const uint32_t *tie;      /* per node tie key; NULL: the ASN */
	int tie_site_first;       /* between sites, the one given first wins before the tie key */
	struct sim_best *scratch; /* the more-specific's own propagation */
	size_t nmissing;          /* upstreams not in the graph, ignored */
	char missing[96];         /* the first of them, "site NAME: upstream ASN" */
};

/* Resolves ASNs to graph indices. An upstream missing from the graph is skipped and counted
 * in nmissing (a site with none left, or a hijacker missing, is an error in err). tie: per-node tie keys or NULL; site_tie: per-site tie keys or NULL (all
 * equal). */
int sim_prepare(const struct sim_graph *g, const struct sim_scen *s, const uint32_t *tie,
		const uint32_t *site_tie, struct sim_prep *p, char *err, size_t errlen);
void sim_prep_free(struct sim_prep *p);
/* One propagation into best[g->n]. */
void sim_propagate(const struct sim_graph *g, const struct sim_prep *p, struct sim_best *best);

/* Shares: ases[site] for site 0..nsites (the last the hijacker); weight NULL counts ASes. */
struct sim_count {
	double *ases; /* nsites + 1 */
	double total, unreached, ties;
};
void sim_count(const struct sim_graph *g, const struct sim_prep *p, const struct sim_best *best,
	       const double *weight, struct sim_count *c);
void sim_count_free(struct sim_count *c);

void sim_scen_free(struct sim_scen *s);

#endif
