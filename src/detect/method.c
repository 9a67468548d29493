/* Latency discs, iGreedy's independent set and iterations, and city choice (see method.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/cities.h"
#include "detect/method.h"

/* Speed of light in vacuum, km per ms; fibre carries light at about 2/3 of it. */
#define C_KM_PER_MS 299.792458

void det_params_default(struct det_params *p)
{
	memset(p, 0, sizeof(*p));
	p->km_per_ms = C_KM_PER_MS * 2.0 / 3.0;
	p->allowance_km = 10;
	p->max_radius_km = 3000;
	p->inflation = 2.0;
	p->w_pop = 1.0;
	p->w_near = 2.0;
	p->point_tol = -0.2;
	p->rounds = 10;
	p->outliers = 1;
	p->dedup = 1;
}

/* Vantage points closer than this are neighbours for the outlier test. */
#define NEAR_KM 100.0
#define NEAR_MIN 3             /* neighbours needed to call a vantage point an outlier */
#define OUTLIER_MARGIN_MS 20.0 /* how much faster than every neighbour it must be */
#define CANDIDATES_MAX 64      /* cities of a disc scored with the support of other discs */

struct run {
	const struct det_input *in;
	const struct det_params *p;
	struct det_result *r;
	size_t *order; /* usable vantage points by increasing radius */
	size_t norder;
	unsigned char *used; /* per vantage point: its disc has been placed already */
	size_t cap;
};

static double vp_dist(const struct det_vp *a, const struct det_vp *b)
{
	return det_distance_km(a->lat, a->lon, b->lat, b->lon);
}

static const struct det_input *sort_in;

static int by_lat(const void *a, const void *b)
{
	double x = sort_in->vp[*(const size_t *)a].lat, y = sort_in->vp[*(const size_t *)b].lat;

	return (x > y) - (x < y);
}

/* A vantage point whose RTT is far below that of every one of several neighbours, beyond what
 * their distance explains, most likely does not stand where it says: its small disc would
 * make a site where there is none. Local anycast nodes that serve one network only can look
 * the same; requiring several neighbours that all disagree keeps most of them. */
static void find_outliers(struct run *u)
{
	const struct det_input *in = u->in;
	size_t *idx = malloc(in->n * sizeof(*idx));
	double band = NEAR_KM / 111.0;

	if (!idx)
		abort();
	for (size_t i = 0; i < in->n; i++)
		idx[i] = i;
	sort_in = in;
	qsort(idx, in->n, sizeof(*idx), by_lat);
	for (size_t k = 0; k < in->n; k++) {
		const struct det_vp *v = &in->vp[idx[k]];
		size_t near = 0, agree = 0;

		size_t m0 = k;

		while (m0 > 0 && in->vp[idx[m0 - 1]].lat >= v->lat - band)
			m0--;
		for (size_t m = m0; m < in->n && in->vp[idx[m]].lat <= v->lat + band; m++) {
			const struct det_vp *w = &in->vp[idx[m]];
			double d;

			if (m == k || (d = vp_dist(v, w)) > NEAR_KM)
				continue;
			near++;
			if (w->rtt_ms <= v->rtt_ms + 2 * d / u->p->km_per_ms + OUTLIER_MARGIN_MS)
				agree++;
		}
		if (near >= NEAR_MIN && agree == 0) {
			u->r->outlier[idx[k]] = 1;
			u->r->outliers++;
		}
	}
	free(idx);
}

/* Geolocation databases place a host they know only the country of at the country's
 * centroid, in whole degrees (38, -97 for the United States; 51, 9 for Germany), and Atlas
 * probes without a location show it. A real probe within 0.01 degree of a whole-degree point
 * is a 1 in 2500 chance. */
static int centroid_like(const struct det_vp *v)
{
	return fabs(v->lat - round(v->lat)) < 0.01 && fabs(v->lon - round(v->lon)) < 0.01;
}

static void count_city(const struct det_city *c, double d_km, void *arg) { (*(size_t *)arg)++; }

/* Anycast sites stand in cities. A disc with no city of the table at all (GeoNames lists every
 * place of 15,000 people) comes from a vantage point that is not where it says. */
static int holds_city(const struct run *u, size_t vi)
{
	const struct det_vp *v = &u->in->vp[vi];
	double r = u->r->radius_km[vi];
	size_t n = 0;

	if (!u->p->places) {
		det_city_within(v->lat, v->lon, r, count_city, &n);
		return n > 0;
	}
	for (size_t i = 0; i < u->p->nplaces; i++)
		if (det_distance_km(v->lat, v->lon, u->p->places[i].lat, u->p->places[i].lon) <= r)
			return 1;
	return 0;
}

static void implausible(struct run *u)
{
	for (size_t i = 0; i < u->in->n; i++)
		if (!u->r->outlier[i] && (centroid_like(&u->in->vp[i]) || !holds_city(u, i))) {
			u->r->outlier[i] = 1;
			u->r->outliers++;
		}
}

static int by_radius(const void *a, const void *b)
{
	double x = sort_in->vp[*(const size_t *)a].rtt_ms,
	       y = sort_in->vp[*(const size_t *)b].rtt_ms;

	return (x > y) - (x < y);
}

/* City choice. */
struct cand {
	struct det_place pl;
	double d, score;
};

struct cands {
	struct cand *c;
	size_t n, cap;
};

static void cand_add(struct cands *cs, const struct det_place *pl, double d)
{
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 64;
		cs->c = realloc(cs->c, cs->cap * sizeof(*cs->c));
		if (!cs->c)
			abort();
	}
	cs->c[cs->n].pl = *pl;
	cs->c[cs->n].d = d;
	cs->c[cs->n++].score = 0;
}

static void place_of(struct det_place *pl, const struct det_city *c)
{
	snprintf(pl->name, sizeof(pl->name), "%s", c->name);
	memcpy(pl->cc, c->cc, sizeof(pl->cc));
	pl->lat = c->lat;
	pl->lon = c->lon;
	pl->pop = c->pop;
}

static void add_city(const struct det_city *c, double d_km, void *arg)
{
	struct det_place pl;

	place_of(&pl, c);
	cand_add(arg, &pl, d_km);
}

static void candidates(const struct run *u, double lat, double lon, double r, struct cands *cs)
{
	const struct det_params *p = u->p;

	if (!p->places) {
		det_city_within(lat, lon, r, add_city, cs);
		return;
	}
	for (size_t i = 0; i < p->nplaces; i++) {
		double d = det_distance_km(lat, lon, p->places[i].lat, p->places[i].lon);

		if (d <= r)
			cand_add(cs, &p->places[i], d);
	}
}

static int by_score(const void *a, const void *b)
{
	double x = ((const struct cand *)a)->score, y = ((const struct cand *)b)->score;

	return (x < y) - (x > y);
}

/* The score of a city at distance d in a disc of radius r, in decades of population. Two
 * terms weigh the distance. w_near: the smallest discs come from vantage points next to a site,
 * usually in the same city, so a nearer city beats a larger one farther away (Amsterdam over
 * Brussels for a probe in Amsterdam with 2 ms). w_dist: where the path inflation is known (the
 * lab's links are 1.5 times the great circle), the server is near radius / inflation from the
 * vantage point, not at its centre; it grows with the disc, since in a small one last-mile
 * delay dominates and says nothing about distance. */
static double prior(const struct det_params *p, const struct cand *c, double r)
{
	double x = r > 0 ? c->d / r - 1.0 / p->inflation : 0;
	double size = r / 1000.0 < 1 ? r / 1000.0 : 1;

	return p->w_pop * log10(c->pl.pop + 10.0) - p->w_near * c->d / 1000.0 -
	       p->w_dist * size * x * x * 10.0;
}

/* How many discs of usable vantage points hold (lat, lon). */
static size_t support(const struct run *u, double lat, double lon)
{
	size_t n = 0;

	for (size_t k = 0; k < u->norder; k++) {
		const struct det_vp *v = &u->in->vp[u->order[k]];

		if (det_distance_km(lat, lon, v->lat, v->lon) <= u->r->radius_km[u->order[k]])
			n++;
	}
	return n;
}

/* Places site on the likeliest city of vantage point vi's disc. */
static void locate(const struct run *u, size_t vi, struct det_site *s)
{
	const struct det_vp *v = &u->in->vp[vi];
	const struct det_params *p = u->p;
	double r = u->r->radius_km[vi], total = 0;
	struct cands cs = { 0 };

	memset(s, 0, sizeof(*s));
	s->vp = vi;
	s->radius_km = r;
	candidates(u, v->lat, v->lon, r, &cs);
	for (double wider = r + 300; !cs.n && wider < 3 * r + 1000; wider *= 2)
		candidates(u, v->lat, v->lon, wider, &cs);
	if (!cs.n) {
		snprintf(s->city.name, sizeof(s->city.name), "(unknown)");
		s->city.lat = v->lat;
		s->city.lon = v->lon;
		s->confidence = 0;
		return;
	}
	for (size_t i = 0; i < cs.n; i++)
		cs.c[i].score = prior(p, &cs.c[i], r);
	qsort(cs.c, cs.n, sizeof(*cs.c), by_score);
	if (p->w_support > 0) {
		size_t n = cs.n < CANDIDATES_MAX ? cs.n : CANDIDATES_MAX;

		for (size_t i = 0; i < n; i++)
			cs.c[i].score += p->w_support *
					 log2(1.0 +
					      (double)support(u, cs.c[i].pl.lat, cs.c[i].pl.lon));
		qsort(cs.c, n, sizeof(*cs.c), by_score);
	}
	/* the city's share of the evidence: scores are in decades */
	for (size_t i = 0; i < cs.n; i++)
		total += pow(10.0, cs.c[i].score - cs.c[0].score);
	s->city = cs.c[0].pl;
	s->confidence = 1.0 / total;
	free(cs.c);
}

/* A disc holds a found site (within the site's tolerance). */
static int holds_site(const struct run *u, size_t vi, const struct det_site *s)
{
	const struct det_vp *v = &u->in->vp[vi];
	double d = det_distance_km(v->lat, v->lon, s->city.lat, s->city.lon);

	return d <= u->r->radius_km[vi] + u->p->point_tol * s->radius_km;
}

static int disjoint(const struct run *u, size_t a, size_t b)
{
	return vp_dist(&u->in->vp[a], &u->in->vp[b]) > u->r->radius_km[a] + u->r->radius_km[b];
}

static void add_site(struct det_result *r, const struct det_site *s, size_t *cap)
{
	if (r->nsites == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		r->site = realloc(r->site, *cap * sizeof(*r->site));
		if (!r->site)
			abort();
	}
	r->site[r->nsites++] = *s;
}

/* One greedy independent set among the discs that hold no site found so far (all of them in
 * the first round), each placed on its city; 0 when no disc was left to place (the
 * iterations stop). */
static size_t greedy_round(struct run *u, int round, size_t *cap)
{
	size_t first = u->r->nsites, *pick = malloc((u->norder + 1) * sizeof(*pick)), np = 0;

	if (!pick)
		abort();
	for (size_t k = 0; k < u->norder; k++) {
		size_t vi = u->order[k];
		int ok = 1;

		if (round > 0 && u->r->radius_km[vi] > u->p->max_radius_km)
			break; /* ordered by radius: every later disc is larger still */
		if (u->used[vi])
			continue;
		for (size_t s = 0; ok && s < first; s++)
			ok = !holds_site(u, vi, &u->r->site[s]);
		for (size_t j = 0; ok && j < np; j++)
			ok = disjoint(u, vi, pick[j]);
		if (ok)
			pick[np++] = vi;
	}
	size_t added = 0;

	for (size_t j = 0; j < np; j++) {
		struct det_site s;
		int dup = 0;

		u->used[pick[j]] = 1;
		locate(u, pick[j], &s);
		s.round = round;
		/* After the first round a disc is only known not to hold a found city; if its own
		 * likeliest city is one found already, it is that site seen again, not a new one. */
		for (size_t k = 0; round > 0 && u->p->dedup && !dup && k < u->r->nsites; k++)
			dup = det_distance_km(s.city.lat, s.city.lon, u->r->site[k].city.lat,
					      u->r->site[k].city.lon) < 1.0;
		if (!dup) {
			add_site(u->r, &s, cap);
			added++;
		}
	}
	free(pick);
	return np ? (added ? added : 1) : 0;
}

/* Every usable vantage point counts for the nearest site its disc holds. */
static void assign(struct run *u)
{
	for (size_t k = 0; k < u->norder; k++) {
		size_t vi = u->order[k], best = SIZE_MAX;
		double bd = INFINITY;

		for (size_t s = 0; s < u->r->nsites; s++) {
			const struct det_site *st = &u->r->site[s];
			double d = det_distance_km(u->in->vp[vi].lat, u->in->vp[vi].lon,
						   st->city.lat, st->city.lon);

			if (d <= u->r->radius_km[vi] + u->p->point_tol * st->radius_km && d < bd) {
				bd = d;
				best = s;
			}
		}
		if (best != SIZE_MAX)
			u->r->site[best].vps++;
	}
	/* a site seen by a single vantage point may be a misplaced probe that passed the
	 * outlier test; each further one halves that doubt */
	for (size_t s = 0; s < u->r->nsites; s++) {
		size_t n = u->r->site[s].vps ? u->r->site[s].vps : 1;

		u->r->site[s].confidence *= 1.0 - pow(0.5, (double)n);
	}
}

int det_run(const struct det_input *in, const struct det_params *p, struct det_result *r)
{
	struct run u = { .in = in, .p = p, .r = r };
	size_t cap = 0;

	memset(r, 0, sizeof(*r));
	if (!in->n)
		return -1;
	r->radius_km = malloc(in->n * sizeof(*r->radius_km));
	r->outlier = calloc(in->n, 1);
	u.order = malloc(in->n * sizeof(*u.order));
	u.used = calloc(in->n, 1);
	if (!r->radius_km || !r->outlier || !u.order || !u.used)
		abort();
	for (size_t i = 0; i < in->n; i++)
		r->radius_km[i] = in->vp[i].rtt_ms / 2 * p->km_per_ms + p->allowance_km;
	if (p->outliers) {
		find_outliers(&u);
		implausible(&u);
	}
	for (size_t i = 0; i < in->n; i++)
		if (!r->outlier[i])
			u.order[u.norder++] = i;
	if (!u.norder) { /* all of them contradict each other: trust none more */
		for (size_t i = 0; i < in->n; i++)
			u.order[u.norder++] = i;
		memset(r->outlier, 0, in->n);
		r->outliers = 0;
	}
	r->vps = u.norder;
	sort_in = in;
	qsort(u.order, u.norder, sizeof(*u.order), by_radius);
	greedy_round(&u, 0, &cap);
	r->anycast = r->nsites > 1;
	for (int round = 1; r->anycast && round <= p->rounds; round++)
		if (!greedy_round(&u, round, &cap))
			break;
	assign(&u);
	free(u.order);
	free(u.used);
	return 0;
}

void det_result_free(struct det_result *r)
{
	free(r->site);
	free(r->radius_km);
	free(r->outlier);
	memset(r, 0, sizeof(*r));
}
