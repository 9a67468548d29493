/* libFuzzer target: CAIDA as-rel text from arbitrary bytes.
 *
 * Beyond "no crash, no leak, no UB": a failed parse names a line inside the input
 * ("fuzz.txt:LINE: message"); a successful one yields links between distinct nonzero ASNs,
 * a graph whose ranks order its indices and grow from customer to provider, and a
 * propagation from its first AS that reaches that AS. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/asrel.h"
#include "sim/graph.h"
#include "sim/prop.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_graph(const struct sim_graph *g)
{
	for (uint32_t i = 0; i < g->n; i++) {
		if (i && g->rank[i - 1] > g->rank[i])
			abort();
		if (sim_graph_find(g, g->asn[i]) != i)
			abort();
		for (uint32_t k = g->off[SIM_CUST][i]; k < g->off[SIM_CUST][i + 1]; k++)
			if (g->rank[g->adj[SIM_CUST][k]] >= g->rank[i])
				abort();
		for (int r = 0; r < SIM_NREL; r++)
			for (uint32_t k = g->off[r][i] + 1; k < g->off[r][i + 1]; k++)
				if (g->adj[r][k - 1] > g->adj[r][k])
					abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_links l = { 0 };
	char err[256];
	long lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (sim_asrel_parse("fuzz.txt", (const char *)data, size, &l, err, sizeof(err)) < 0) {
		char *end;
		long line;

		if (strncmp(err, "fuzz.txt:", 9) != 0)
			abort();
		line = strtol(err + 9, &end, 10);
		if (*end != ':' || line < 1 || line > lines)
			abort();
		sim_links_free(&l);
		return 0;
	}
	for (size_t i = 0; i < l.n; i++)
		if (!l.v[i].a || !l.v[i].b || l.v[i].a == l.v[i].b)
			abort();
	if (l.n) {
		struct sim_graph g;
		struct sim_scen s = { .origin = SIM_DEFAULT_ORIGIN };
		struct sim_site site = { .name = "a", .nup = 1 };
		uint32_t up = l.v[0].a;
		uint8_t peer = 0;
		struct sim_prep p;

		site.up = &up;
		site.peer = &peer;
		s.sites = &site;
		s.nsites = 1;
		sim_graph_build(&g, &l, NULL, NULL);
		check_graph(&g);
		if (sim_prepare(&g, &s, NULL, NULL, &p, err, sizeof(err)) < 0)
			abort();
		struct sim_best *best = calloc(g.n, sizeof(*best));

		sim_propagate(&g, &p, best);
		if (up != SIM_DEFAULT_ORIGIN && best[sim_graph_find(&g, up)].site != 0)
			abort();
		free(best);
		sim_prep_free(&p);
		sim_graph_free(&g);
	}
	sim_links_free(&l);
	return 0;
}
