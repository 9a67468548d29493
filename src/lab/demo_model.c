/* The demo's model (demo.h): names of site indexes, and what an outage is, computed from the
 * probe timelines. */
#include "lab/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *lab_demo_site_name(const struct lab_demo *d, int site)
{
	if (site >= 0 && (size_t)site < d->nsites)
		return d->site[site].name;
	return site == LAB_DEMO_OTHER ? "(other)" : "-";
}

void lab_demo_seg_add(struct lab_demo_fo_client *c, double t0_ms, double t1_ms, int site,
		      unsigned long n)
{
	struct lab_demo_seg *last = c->nseg ? &c->seg[c->nseg - 1] : NULL;

	if (last && (last->site == site || c->nseg == LAB_DEMO_SEGS_MAX)) {
		/* A full timeline keeps the first outcome of the merged tail: losses are still
		 * counted in full by the probe's own totals. */
		last->t1_ms = t1_ms;
		last->n += n;
		return;
	}
	c->seg[c->nseg++] = (struct lab_demo_seg){ t0_ms, t1_ms, site, n };
}

/* The site that answered most of the queries sent before the failure. Not simply the last
 * one: a query sent just before a crash can be rerouted on its way and answered elsewhere. */
static int site_before(const struct lab_demo_fo_client *c)
{
	double q[LAB_DEMO_SITES_MAX + 1] = { 0 }, best = 0;
	int site = LAB_DEMO_NONE;

	for (size_t i = 0; i < c->nseg; i++) {
		const struct lab_demo_seg *s = &c->seg[i];
		int k = s->site >= 0 && s->site < LAB_DEMO_SITES_MAX ? s->site
			: s->site == LAB_DEMO_OTHER                  ? LAB_DEMO_SITES_MAX
								     : -1;

		if (k < 0 || s->t0_ms >= 0 || s->t1_ms <= s->t0_ms)
			continue;
		/* the part of the segment before the failure */
		double end = s->t1_ms < 0 ? s->t1_ms : 0;

		q[k] += (double)s->n * (end - s->t0_ms) / (s->t1_ms - s->t0_ms);
		if (q[k] > best) {
			best = q[k];
			site = k == LAB_DEMO_SITES_MAX ? LAB_DEMO_OTHER : k;
		}
	}
	return site;
}

/* The outage is the time a client had no answers because of the failure. Losses count from
 * in_flight_ms before the failure on (a query sent then was still on its way, or its answer
 * was). For a client that the failed site served, the outage starts at the failure instant or
 * at such an earlier loss; for any other client only at its first loss, so that a client that
 * never noticed reports 0. It ends when the first query after the last loss got an answer:
 * the outage is over only once answers keep coming. */
void lab_demo_analyze(struct lab_demo_fo_client *c, int failed, double interval_ms,
		      double in_flight_ms, double end_ms)
{
	size_t first_loss = 0, last_loss = 0;
	int losses = 0;

	c->before = site_before(c);
	c->after = LAB_DEMO_NONE;
	c->outage_ms = c->outage_from_ms = c->longest_loss_ms = 0;
	c->recovered = 1;
	for (size_t i = 0; i < c->nseg; i++) {
		const struct lab_demo_seg *s = &c->seg[i];

		if (s->site != LAB_DEMO_LOST) {
			c->after = s->site;
			continue;
		}
		if ((double)s->n * interval_ms > c->longest_loss_ms)
			c->longest_loss_ms = (double)s->n * interval_ms;
		if (s->t1_ms > -in_flight_ms) {
			if (!losses)
				first_loss = i;
			last_loss = i;
			losses = 1;
		}
	}
	if (!losses)
		return;
	double start = c->seg[first_loss].t0_ms, end = end_ms;

	if (c->before == failed && start > 0)
		start = 0;
	c->recovered = 0;
	for (size_t i = last_loss + 1; i < c->nseg; i++) {
		if (c->seg[i].site != LAB_DEMO_LOST) {
			end = c->seg[i].t0_ms;
			c->recovered = 1;
			break;
		}
	}
	c->outage_from_ms = start;
	c->outage_ms = end > start ? end - start : 0;
}

size_t lab_demo_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

size_t lab_demo_predicted(const struct lab_demo *d, size_t *agree)
{
	size_t known = 0;

	*agree = 0;
	for (size_t i = 0; i < d->nclients; i++) {
		if (d->client[i].predicted == LAB_DEMO_OTHER)
			continue;
		known++;
		*agree += d->client[i].predicted == d->client[i].site;
	}
	return known;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double lab_demo_fo_median(const struct lab_demo *d, const struct lab_demo_failover *f)
{
	double v[LAB_DEMO_CLIENTS_MAX];
	size_t n = 0;

	for (size_t i = 0; i < d->nclients; i++)
		if (f->c[i].ran && f->c[i].before == f->site)
			v[n++] = f->c[i].outage_ms;
	if (!n)
		return -1;
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
