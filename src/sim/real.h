/* `--model real`: what measured catchments support beyond pure Gao-Rexford (see
 * bench/RESULTS.md "## sim" for what each step buys). The pure model stays exact; this one
 * changes the graph's tie keys and the scenario, never the propagation. */
#ifndef SIM_REAL_H
#define SIM_REAL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/prop.h"

struct sim_real_ctx {
	uint32_t *tie;          /* per-node tie keys, or NULL */
};

int sim_real_apply(struct sim_graph *g, struct sim_scen *s, struct sim_real_ctx *c, char *err,
		   size_t errlen);
void sim_real_free(struct sim_real_ctx *c);

#endif
