/* The real model. */
#include <stdlib.h>
#include <string.h>

#include "sim/real.h"

int sim_real_apply(struct sim_graph *g, struct sim_scen *s, struct sim_real_ctx *c, char *err,
		   size_t errlen)
{
	memset(c, 0, sizeof(*c));
	return 0;
}

void sim_real_free(struct sim_real_ctx *c)
{
	free(c->tie);
	memset(c, 0, sizeof(*c));
}
