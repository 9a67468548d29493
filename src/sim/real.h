/* `--model real`: what measured catchments support beyond pure Gao-Rexford. The pure model
 * stays exact and the default; this one changes only the inputs of the same propagation:
 *   paths  links seen in collector AS paths (`--paths FILE`) that the graph lacks, as peers;
 *   rs     a route learned over an IXP route server loses ties to a bilateral one;
 *   tie    ties go to the neighbour with more neighbours (bigger networks carry more).
 * bench/RESULTS.md "## sim" has what each step buys on the PEERING experiments. */
#ifndef SIM_REAL_H
#define SIM_REAL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/prop.h"

enum { SIM_REAL_PATHS = 1, SIM_REAL_RS = 2, SIM_REAL_TIE = 4, SIM_REAL_ALL = 7 };

struct sim_real_ctx {
	unsigned steps;
	uint32_t *tie;          /* per-node tie keys, or NULL */
	size_t added;           /* links added from the paths */
};

/* Before sim_prepare: adds the links of paths_file (may be NULL) to l and rebuilds g from
 * it, and computes the tie keys. "ASN ASN ..." per line (commas or '|' also separate). */
int sim_real_graph(struct sim_graph *g, struct sim_links *l, const char *paths_file,
		   unsigned steps, struct sim_real_ctx *c, char *err, size_t errlen);
/* After sim_prepare: route-server members' seeds lose ties. */
void sim_real_prep(const struct sim_real_ctx *c, struct sim_prep *p);
void sim_real_free(struct sim_real_ctx *c);

#endif
