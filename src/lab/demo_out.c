/* The demo's result: what an outage is (computed from the probe timelines), and the terminal
 * tables and JSON document that show it. The HTML report is in report.c. */
#include "lab/report.h"

#include <stdio.h>
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
	c->seg[c->nseg++] = (struct lab_demo_seg){t0_ms, t1_ms, site, n};
}

/* The site that answered most of the queries sent before the failure. Not simply the last
 * one: a query sent just before a crash can be rerouted on its way and answered elsewhere. */
static int site_before(const struct lab_demo_fo_client *c)
{
	double q[LAB_DEMO_SITES_MAX + 1] = {0}, best = 0;
	int site = LAB_DEMO_NONE;

	for (size_t i = 0; i < c->nseg; i++) {
		const struct lab_demo_seg *s = &c->seg[i];
		int k = s->site >= 0 && s->site < LAB_DEMO_SITES_MAX ? s->site
			: s->site == LAB_DEMO_OTHER ? LAB_DEMO_SITES_MAX : -1;

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

/* ---- terminal ---- */

/* Columns are counted in characters, not bytes: city labels are UTF-8. */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void col(struct buf *b, const char *s, size_t w)
{
	size_t n = width(s);

	buf_printf(b, "%s%*s", s, (int)(w > n ? w - n : 0) + 1, "");
}

static void col_ms(struct buf *b, double ms, int mark)
{
	if (ms < 0)
		buf_printf(b, "%10s ", "-");
	else
		buf_printf(b, "%7.1f ms%c", ms, mark ? '*' : ' ');
}

static int nearest_site(const struct lab_demo *d, const struct lab_demo_client *c)
{
	int best = LAB_DEMO_NONE;

	for (size_t s = 0; s < d->nsites; s++) {
		if (c->unicast_ms[s] >= 0 && (best < 0 || c->unicast_ms[s] < c->unicast_ms[best]))
			best = (int)s;
	}
	return best;
}

static const char *fo_what(const struct lab_demo_failover *f)
{
	return f->crash ? "site crash (all links cut)" : "service failure (anycast-dns stopped)";
}

void lab_demo_text(const struct lab_demo *d, struct buf *b)
{
	size_t wn = 6, wc = 4;

	for (size_t i = 0; i < d->nclients; i++) {
		if (width(d->client[i].at.name) > wn)
			wn = width(d->client[i].at.name);
		if (width(d->client[i].at.city) > wc)
			wc = width(d->client[i].at.city);
	}
	buf_printf(b, "lab %s: anycast %s from", d->lab, d->anycast);
	for (size_t s = 0; s < d->nsites; s++)
		buf_printf(b, "%s %s (%s)", s ? "," : "", d->site[s].name,
			   d->site[s].city[0] ? d->site[s].city : "-");
	buf_printf(b, "; lab up in %.1f s\n\n", d->up_s);

	col(b, "CLIENT", wn);
	col(b, "CITY", wc);
	col(b, "SITE", 6);
	buf_printf(b, "%10s ", "ANYCAST");
	for (size_t s = 0; s < d->nsites; s++) {
		char h[48];

		snprintf(h, sizeof(h), "%.16s", d->site[s].name);
		buf_printf(b, "%10s ", h);
	}
	buf_printf(b, "\n");
	for (size_t i = 0; i < d->nclients; i++) {
		const struct lab_demo_client *c = &d->client[i];
		int near = nearest_site(d, c);

		col(b, c->at.name, wn);
		col(b, c->at.city[0] ? c->at.city : "-", wc);
		col(b, lab_demo_site_name(d, c->site), 6);
		col_ms(b, c->rtt_ms, 0);
		for (size_t s = 0; s < d->nsites; s++)
			col_ms(b, c->unicast_ms[s], (int)s == near);
		if (c->site == LAB_DEMO_NONE && c->why[0])
			buf_printf(b, " (%s)", c->why);
		buf_printf(b, "\n");
	}
	buf_printf(b, "(RTT: median to the anycast address, and to each site's own address; "
		   "* nearest site)\n");

	for (size_t k = 0; k < d->nfo; k++) {
		const struct lab_demo_failover *f = &d->fo[k];

		buf_printf(b, "\nfailover %zu: %s %s; ", k + 1, lab_demo_site_name(d, f->site),
			   fo_what(f));
		if (f->heal_ms >= 0)
			buf_printf(b, "healed, all clients back in %.1f s\n", f->heal_ms / 1e3);
		else
			buf_printf(b, "not all clients were back after the heal\n");
		col(b, "CLIENT", wn);
		col(b, "BEFORE", 7);
		col(b, "AFTER", 7);
		buf_printf(b, "%12s  %s\n", "OUTAGE", "LOST/SENT");
		for (size_t i = 0; i < d->nclients; i++) {
			const struct lab_demo_fo_client *c = &f->c[i];

			col(b, d->client[i].at.name, wn);
			if (!c->ran) {
				buf_printf(b, "probe failed: %s\n", c->why);
				continue;
			}
			col(b, lab_demo_site_name(d, c->before), 7);
			col(b, lab_demo_site_name(d, c->after), 7);
			buf_printf(b, "%c%8.1f ms  %lu/%lu\n", c->recovered ? ' ' : '>',
				   c->outage_ms, c->lost, c->sent);
		}
	}
	buf_printf(b, "\ndemo took %.1f s\n", d->total_s);
}

/* ---- JSON ---- */

static void json_str(struct buf *b, const char *s)
{
	buf_put8(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_put8(b, *p);
	}
	buf_put8(b, '"');
}

static void json_site(struct buf *b, const struct lab_demo *d, int site)
{
	if (site == LAB_DEMO_NONE)
		buf_printf(b, "null");
	else
		json_str(b, lab_demo_site_name(d, site));
}

static void json_ms(struct buf *b, double ms)
{
	if (ms < 0)
		buf_printf(b, "null");
	else
		buf_printf(b, "%.1f", ms);
}

void lab_demo_json(const struct lab_demo *d, struct buf *b)
{
	buf_printf(b, "{\"lab\":");
	json_str(b, d->lab);
	buf_printf(b, ",\"anycast_address\":");
	json_str(b, d->anycast);
	buf_printf(b, ",\"sites\":[");
	for (size_t s = 0; s < d->nsites; s++) {
		buf_printf(b, "%s", s ? "," : "");
		json_str(b, d->site[s].name);
	}
	buf_printf(b, "],\"clients\":[");
	for (size_t i = 0; i < d->nclients; i++) {
		const struct lab_demo_client *c = &d->client[i];

		buf_printf(b, "%s{\"name\":", i ? "," : "");
		json_str(b, c->at.name);
		buf_printf(b, ",\"city\":");
		json_str(b, c->at.city);
		buf_printf(b, ",\"site\":");
		json_site(b, d, c->site);
		buf_printf(b, ",\"rtt_ms\":");
		json_ms(b, c->rtt_ms);
		buf_printf(b, ",\"unicast_rtt_ms\":{");
		for (size_t s = 0; s < d->nsites; s++) {
			buf_printf(b, "%s", s ? "," : "");
			json_str(b, d->site[s].name);
			buf_put8(b, ':');
			json_ms(b, c->unicast_ms[s]);
		}
		buf_printf(b, "}}");
	}
	buf_printf(b, "],\"failover\":[");
	int first = 1;

	for (size_t k = 0; k < d->nfo; k++) {
		const struct lab_demo_failover *f = &d->fo[k];

		for (size_t i = 0; i < d->nclients; i++) {
			const struct lab_demo_fo_client *c = &f->c[i];

			if (!c->ran)
				continue;
			buf_printf(b, "%s{\"failed\":", first ? "" : ",");
			first = 0;
			json_str(b, lab_demo_site_name(d, f->site));
			buf_printf(b, ",\"kind\":\"%s\",\"client\":", f->crash ? "site" : "service");
			json_str(b, d->client[i].at.name);
			buf_printf(b, ",\"site_before\":");
			json_site(b, d, c->before);
			buf_printf(b, ",\"new_site\":");
			json_site(b, d, c->after);
			buf_printf(b, ",\"outage_ms\":%.1f,\"longest_loss_ms\":%.1f,\"recovered\":%s,"
				   "\"lost\":%lu,\"sent\":%lu}",
				   c->outage_ms, c->longest_loss_ms, c->recovered ? "true" : "false",
				   c->lost, c->sent);
		}
	}
	buf_printf(b, "],\"failures\":[");
	for (size_t k = 0; k < d->nfo; k++) {
		const struct lab_demo_failover *f = &d->fo[k];

		buf_printf(b, "%s{\"failed\":", k ? "," : "");
		json_str(b, lab_demo_site_name(d, f->site));
		buf_printf(b, ",\"kind\":\"%s\",\"window_ms\":[%.1f,%.1f],\"interval_ms\":%.3f,"
			   "\"inject_ms\":%.1f,\"heal_ms\":",
			   f->crash ? "site" : "service", f->from_ms, f->to_ms, f->interval_ms,
			   f->inject_ms);
		json_ms(b, f->heal_ms);
		buf_put8(b, '}');
	}
	buf_printf(b, "],\"up_s\":%.1f,\"duration_s\":%.1f}\n", d->up_s, d->total_s);
}
