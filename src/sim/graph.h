/* The AS graph in compact arrays: ASes renumbered in propagation order (rank, then ASN), and
 * each AS's providers, peers and customers as CSR lists sorted by index. Rank 0 is an AS
 * without customers; a provider's rank exceeds each of its customers'. Building it reports
 * and breaks p2c cycles, since the three phases need the ranks to be a strict order. */
#ifndef SIM_GRAPH_H
#define SIM_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "sim/asrel.h"

enum sim_nrel { SIM_PROV, SIM_PEER, SIM_CUST, SIM_NREL };

struct sim_graph {
	uint32_t n;
	uint32_t *asn;           /* by index */
	uint32_t *rank;          /* by index, non-decreasing */
	uint32_t *off[SIM_NREL]; /* neighbours of i in relation r: adj[r][off[r][i]..off[r][i+1]) */
	uint32_t *adj[SIM_NREL];
	uint32_t *sorted; /* indices sorted by ASN, for sim_graph_find */
	size_t nlinks;    /* links kept */
	size_t ncycles;   /* p2c links dropped to break cycles */
};

/* Builds the graph from links; a link given twice is kept twice (the neighbour then offers
 * the same route twice, which changes no choice). Each p2c link that closes a cycle is
 * dropped and, when warn is set, reported on it as "p2c cycle: A > B > ... > A; link A-B
 * ignored". */
int sim_graph_build(struct sim_graph *g, const struct sim_links *l,
		    void (*warn)(void *arg, const char *msg), void *arg);
void sim_graph_free(struct sim_graph *g);
/* The index of asn, or -1. */
int64_t sim_graph_find(const struct sim_graph *g, uint32_t asn);

#endif
