/* The ROV adoption what-if of `anycast sim --rov-sweep` (Gilad et al., "Are We There Yet? On
 * RPKI's Deployment and Security", NDSS 2017): origin validation deployed at the N largest
 * transit ASes, by customer cone, for growing N, and the share of ASes whose route the hijacker
 * still takes. Their finding, which the curve shows on any graph: little protection until
 * adoption is broad, because an AS is protected only when every path the hijack could take to
 * it crosses an adopter. Also `--rov top:N`, one point of that curve. */
#ifndef SIM_ROVSWEEP_H
#define SIM_ROVSWEEP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/prop.h"

/* Customer cone of every AS (graph index): itself and every AS below it through customer
 * links, counted once. */
void sim_cone_sizes(const struct sim_graph *g, uint32_t *cone);
/* Marks in rov[g->n] the n largest transit ASes (cone > 1) by cone, ties to the lower ASN,
 * the hijacker (skip, -1 for none) excluded. Returns how many were marked (fewer when the
 * graph has fewer transit ASes). */
size_t sim_rov_top(const struct sim_graph *g, const uint32_t *cone, size_t n, int64_t skip,
		   uint8_t *rov);

struct sim_sweep_pt {
	size_t adopters; /* ASes validating */
	double hijacked; /* ASes (or weight) whose route leads to the hijacker, itself included */
	double total;
	double share; /* hijacked / total */
};

/* One propagation per step: ROV at the steps[i] largest transit ASes. p must have a hijack;
 * its rov array is replaced. weight NULL counts ASes. */
void sim_rov_sweep(const struct sim_graph *g, struct sim_prep *p, const size_t *steps,
		   size_t nsteps, const double *weight, struct sim_sweep_pt *out);
/* A small SVG line chart of the sweep: adopters across, hijacked share up. */
void sim_sweep_svg(FILE *f, const struct sim_sweep_pt *pts, size_t n, const char *title);
/* "0,1,2,5,10" into a new array; -1 with err on anything else. */
int sim_sweep_parse(const char *arg, size_t **steps, size_t *n, char *err, size_t errlen);

#endif
