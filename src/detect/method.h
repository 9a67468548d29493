/* The detection method: latency discs, their greedy maximum independent set (iGreedy,
 * Cicalese et al., INFOCOM 2015), the city of every disc, and the iterations that replace
 * each found disc by its city to uncover more sites.
 *
 * A vantage point's minimum RTT bounds how far the answering server can be: half the RTT at
 * the speed of light in fibre (2/3 c, 199.86 km per ms one way), plus an allowance for the
 * vantage point's own location error (Atlas publishes probe locations rounded to about a
 * kilometre, users misplace them by more). Two discs that do not overlap cannot hold the same
 * server: the address is anycast, and a set of pairwise disjoint discs is a lower bound on its
 * sites. Beyond iGreedy: vantage points whose RTT contradicts all their neighbours' are set
 * aside (a misplaced probe makes a disc where no server is), the city of a disc weighs
 * population against the distance a path of typical inflation would cover and against how
 * many other discs hold it, and every site carries a confidence. */
#ifndef DETECT_METHOD_H
#define DETECT_METHOD_H

#include <stddef.h>
#include <stdint.h>

#include "detect/input.h"

/* A candidate city: from the GeoNames table, or given (the lab's cities). */
struct det_place {
	char name[64];
	char cc[3];
	double lat, lon;
	uint32_t pop;
};

struct det_params {
	double km_per_ms;     /* one-way distance covered per ms of RTT/2: 2/3 c */
	double allowance_km;  /* added to every radius: vantage point location error */
	double max_radius_km; /* larger discs add no site after the first round */
	double inflation;     /* typical path length over great-circle distance */
	double w_pop;         /* city score: per decade of population */
	double w_near;        /* city score: penalty per 1000 km from the vantage point */
	double w_dist;        /* city score: penalty for a distance far from radius/inflation */
	double w_support;     /* city score: per doubling of the discs that hold the city */
	double point_tol;     /* in the iterations, a found site blocks a disc that holds it
				 * within this share of the site's own disc radius (negative: a disc
				 * that holds a site only near its edge may still find another) */
	int rounds;           /* iterations after the first independent set (0: iGreedy's MIS
				 * alone) */
	int outliers;         /* set aside vantage points that contradict their neighbours */
	int dedup;            /* a disc of an iteration placed on a city found already adds no
				 * site (iGreedy counts it again) */
	const struct det_place *places; /* candidate cities; NULL: the GeoNames table */
	size_t nplaces;
};

/* The defaults the validation in bench/detect chose (see bench/RESULTS.md). */
void det_params_default(struct det_params *p);

struct det_site {
	struct det_place city;
	size_t vp;         /* index of the vantage point whose disc found it */
	double radius_km;  /* that disc's radius */
	size_t vps;        /* vantage points whose nearest site inside their disc it is */
	double confidence; /* 0..1: the city is right and the site is real */
	int round;         /* 0: the first independent set; n: found by iteration n */
};

struct det_result {
	int anycast;
	struct det_site *site;
	size_t nsites;
	size_t vps;             /* vantage points used */
	size_t outliers;        /* set aside as inconsistent */
	double *radius_km;      /* per input vantage point */
	unsigned char *outlier; /* per input vantage point */
};

/* Runs the method on in (merged: one entry per vantage point). 0, or -1 if in is empty. */
int det_run(const struct det_input *in, const struct det_params *p, struct det_result *r);
void det_result_free(struct det_result *r);

#endif
