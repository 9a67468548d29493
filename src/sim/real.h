/* `--model real`: what measured catchments support beyond pure Gao-Rexford. The pure model
 * stays exact and the default; this one changes only the inputs of the same propagation.
 * Its default steps (SIM_REAL_DEFAULT) are the ones that did not lower the agreement with
 * the 15 usable PEERING experiments (bench/RESULTS.md "## sim", bench/sim/realism.py):
 *   PATHS  links seen in collector AS paths (`--paths FILE`) that the graph lacks, as peers;
 *   RS     a route learned over an IXP route server (rASN) loses ties to a bilateral one.
 * The others were measured and lowered it; ANYCAST_SIM_REAL_STEPS (a sum of these bits)
 * selects steps for such measurements. */
#ifndef SIM_REAL_H
#define SIM_REAL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/prop.h"

enum {
	SIM_REAL_PATHS = 1,
	SIM_REAL_RS = 2,
	SIM_REAL_TIE_DEGREE = 4,   /* ties to the neighbour with the most neighbours */
	SIM_REAL_RS_DROP = 8,      /* route-server members ignore the site */
	SIM_REAL_RS_LONGER = 16,   /* a route-server hop counts as one more AS */
	SIM_REAL_TIE_FEWEST = 32,  /* ties to the neighbour with the fewest neighbours */
	SIM_REAL_TIE_HIGHEST = 64, /* ties to the highest neighbour ASN */
	SIM_REAL_EXPORT = 128,     /* an upstream exports only where paths show it did */
	SIM_REAL_OLDEST = 256,     /* ties go to the site announced first (the oldest route) */
	SIM_REAL_DEFAULT = SIM_REAL_PATHS | SIM_REAL_RS,
};

struct sim_real_ctx {
	unsigned steps;
	uint32_t *tie;  /* per-node tie keys, or NULL */
	size_t added;   /* links added from the paths */
	size_t dropped; /* upstream links no path showed in use */
};

/* Before sim_prepare: adds the links of paths_file (may be NULL) to l and rebuilds g from
 * it, and computes the tie keys. "ASN ASN ..." per line (commas or '|' also separate). */
int sim_real_graph(struct sim_graph *g, struct sim_links *l, const struct sim_scen *s,
		   const char *paths_file, unsigned steps, struct sim_real_ctx *c, char *err,
		   size_t errlen);
/* After sim_prepare: route-server members' seeds lose ties. */
void sim_real_prep(const struct sim_real_ctx *c, struct sim_prep *p);
void sim_real_free(struct sim_real_ctx *c);

#endif
