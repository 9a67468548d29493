/* The ROV adoption what-if (see rovsweep.h). */
#include "sim/rovsweep.h"

#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

void sim_cone_sizes(const struct sim_graph *g, uint32_t *cone)
{
	uint32_t *stamp = xcalloc(g->n + 1, sizeof(*stamp));
	uint32_t *stack = xmalloc((g->n + 1) * sizeof(*stack));

	/* One walk per AS with a visit stamp: the cones of a graph's ASes add up to a few
	 * million for the whole Internet, and nothing is allocated per walk. */
	for (uint32_t i = 0; i < g->n; i++) {
		size_t top = 0;
		uint32_t cnt = 0;

		stack[top++] = i;
		stamp[i] = i + 1;
		while (top) {
			uint32_t v = stack[--top];

			cnt++;
			for (uint32_t k = g->off[SIM_CUST][v]; k < g->off[SIM_CUST][v + 1]; k++) {
				uint32_t c = g->adj[SIM_CUST][k];

				if (stamp[c] != i + 1) {
					stamp[c] = i + 1;
					stack[top++] = c;
				}
			}
		}
		cone[i] = cnt;
	}
	free(stamp);
	free(stack);
}

static const struct sim_graph *sort_g;
static const uint32_t *sort_cone;

static int by_cone(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (sort_cone[x] != sort_cone[y])
		return sort_cone[x] > sort_cone[y] ? -1 : 1;
	return sort_g->asn[x] < sort_g->asn[y] ? -1 : sort_g->asn[x] > sort_g->asn[y];
}

size_t sim_rov_top(const struct sim_graph *g, const uint32_t *cone, size_t n, int64_t skip,
		   uint8_t *rov)
{
	uint32_t *idx = xmalloc((g->n + 1) * sizeof(*idx));
	size_t m = 0, marked = 0;

	for (uint32_t i = 0; i < g->n; i++)
		if (cone[i] > 1 && (int64_t)i != skip)
			idx[m++] = i;
	sort_g = g;
	sort_cone = cone;
	qsort(idx, m, sizeof(*idx), by_cone);
	memset(rov, 0, g->n);
	for (size_t k = 0; k < m && marked < n; k++, marked++)
		rov[idx[k]] = 1;
	free(idx);
	return marked;
}

void sim_rov_sweep(const struct sim_graph *g, struct sim_prep *p, const size_t *steps,
		   size_t nsteps, const double *weight, struct sim_sweep_pt *out)
{
	uint32_t *cone = xmalloc((g->n + 1) * sizeof(*cone));
	struct sim_best *best = xcalloc(g->n + 1, sizeof(*best));

	sim_cone_sizes(g, cone);
	free(p->rov);
	p->rov = xcalloc(g->n + 1, 1);
	for (size_t i = 0; i < nsteps; i++) {
		struct sim_count c;

		out[i].adopters = sim_rov_top(g, cone, steps[i], p->hijack_node, p->rov);
		sim_propagate(g, p, best);
		sim_count(g, p, best, weight, &c);
		out[i].hijacked = c.ases[p->nsites];
		out[i].total = c.total;
		out[i].share = c.total > 0 ? c.ases[p->nsites] / c.total : 0;
		sim_count_free(&c);
	}
	free(best);
	free(cone);
}

void sim_sweep_svg(FILE *f, const struct sim_sweep_pt *pts, size_t n, const char *title)
{
	const double W = 480, H = 300, L = 60, R = 20, T = 40, B = 50;
	double xmax = 1;

	for (size_t i = 0; i < n; i++)
		if ((double)pts[i].adopters > xmax)
			xmax = (double)pts[i].adopters;
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
		"<text x=\"%g\" y=\"22\" font-size=\"14\">%s</text>\n",
		W, H, L, title);
	/* axes, and a grid line every 25 % */
	fprintf(f, "<path d=\"M%g %g V%g H%g\" stroke=\"black\" fill=\"none\"/>\n", L, T, H - B,
		W - R);
	for (int q = 0; q <= 4; q++) {
		double y = H - B - (H - T - B) * q / 4.0;

		fprintf(f,
			"<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#ddd\"/>"
			"<text x=\"%g\" y=\"%g\" text-anchor=\"end\">%d%%</text>\n",
			L, y, W - R, y, L - 6, y + 4, q * 25);
	}
	fprintf(f,
		"<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">largest transit ASes validating "
		"(by customer cone)</text>\n"
		"<text x=\"14\" y=\"%g\" transform=\"rotate(-90 14 %g)\" text-anchor=\"middle\">"
		"ASes hijacked</text>\n",
		L + (W - L - R) / 2, H - 12, T + (H - T - B) / 2, T + (H - T - B) / 2);
	fprintf(f, "<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\" points=\"");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%.1f,%.1f", i ? " " : "", L + (W - L - R) * pts[i].adopters / xmax,
			H - B - (H - T - B) * pts[i].share);
	fprintf(f, "\"/>\n");
	for (size_t i = 0; i < n; i++) {
		double x = L + (W - L - R) * pts[i].adopters / xmax;

		fprintf(f,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#c0392b\"/>"
			"<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%zu</text>\n",
			x, H - B - (H - T - B) * pts[i].share, x, H - B + 16, pts[i].adopters);
	}
	fprintf(f, "</svg>\n");
}

int sim_sweep_parse(const char *arg, size_t **steps, size_t *n, char *err, size_t errlen)
{
	const char *s = arg;

	*steps = NULL;
	*n = 0;
	while (*s) {
		char *end;
		unsigned long v;

		if (*s < '0' || *s > '9')
			goto bad;
		v = strtoul(s, &end, 10);
		if (v > 10000000 || (*end && *end != ','))
			goto bad;
		*steps = xrealloc(*steps, (*n + 1) * sizeof(**steps));
		(*steps)[(*n)++] = v;
		s = *end ? end + 1 : end;
		if (*end && !*s)
			goto bad;
	}
	if (*n)
		return 0;
bad:
	free(*steps);
	*steps = NULL;
	*n = 0;
	snprintf(err, errlen, "--rov-sweep %s: expected a list of numbers like 0,1,2,5,10", arg);
	return -1;
}
