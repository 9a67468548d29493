/* The real model's three steps; see real.h. */
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
static int add_paths(const struct sim_graph *g, struct sim_links *l, const char *path,
		     size_t *added, char *err, size_t errlen)
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
					l->v[l->n++] = (struct sim_link){prev, asn, SIM_REL_P2P};
					(*added)++;
				}
			}
			prev = asn;
		}
	}
	fclose(f);
	return 0;
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

int sim_real_graph(struct sim_graph *g, struct sim_links *l, const char *paths_file,
		   unsigned steps, struct sim_real_ctx *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->steps = steps;
	if ((steps & SIM_REAL_PATHS) && paths_file) {
		if (add_paths(g, l, paths_file, &c->added, err, errlen) < 0)
			return -1;
		if (c->added) {
			sim_graph_free(g);
			sim_graph_build(g, l, NULL, NULL);
		}
	}
	if (steps & SIM_REAL_TIE) {
		struct deg *d = calloc(g->n + 1, sizeof(*d));

		for (uint32_t i = 0; i < g->n; i++) {
			d[i].i = i;
			d[i].asn = g->asn[i];
			for (int r = 0; r < SIM_NREL; r++)
				d[i].deg += g->off[r][i + 1] - g->off[r][i];
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
	for (size_t k = 0; k < p->nseeds; k++) {
		if (p->seeds[k].up != SIM_UP_RS)
			continue;
		if (c->steps & SIM_REAL_RS)
			p->seeds[k].via = UINT32_MAX;
		if (c->steps & 8)
			p->seeds[k].cls = SIM_NOROUTE;
		if (c->steps & 16)
			p->seeds[k].len++;
	}
}

void sim_real_free(struct sim_real_ctx *c)
{
	free(c->tie);
	memset(c, 0, sizeof(*c));
}
