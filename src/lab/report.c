/* The demo's HTML report: one self-contained page (inline CSS and SVG, no scripts, fonts or
 * images from anywhere), so that it opens the same from a mail attachment, a CI artifact or an
 * air-gapped machine. A world map shows which site serves whom, a table the round-trip times,
 * and one timeline per failover what every client saw, query by query. */
#include "lab/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Equirectangular map, cropped to where people live: 80 N to 58 S. */
#define MAP_W 1200.0
#define MAP_NORTH 80.0
#define MAP_SOUTH (-58.0)
#define MAP_SCALE (MAP_W / 360.0)
#define MAP_H ((MAP_NORTH - MAP_SOUTH) * MAP_SCALE)

/* Categorical colours that stay apart for the colour-blind (Okabe-Ito-like), none of them
 * red: red is kept for lost queries and the failure instant. */
static const char *const palette[] = { "#0072b2", "#e69f00", "#009e73", "#cc79a7",
				       "#56b4e9", "#8c6d31", "#6a51a3", "#7f7f7f" };
#define LOST_COLOUR "#d62728"
#define OTHER_COLOUR "#b0b0b0"

static const char *site_colour(int site)
{
	if (site == LAB_DEMO_LOST)
		return LOST_COLOUR;
	if (site < 0)
		return OTHER_COLOUR;
	return palette[(size_t)site % (sizeof(palette) / sizeof(palette[0]))];
}

static void esc(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_printf(b, "&amp;"); break;
		case '<': buf_printf(b, "&lt;"); break;
		case '>': buf_printf(b, "&gt;"); break;
		case '"': buf_printf(b, "&quot;"); break;
		case '\'': buf_printf(b, "&#39;"); break;
		default: buf_put8(b, (uint8_t)*s);
		}
	}
}

/* No libm: the few helpers the layout needs. */
static double dmax(double a, double b) { return a > b ? a : b; }

static double dmin(double a, double b) { return a < b ? a : b; }

static double px(double lon) { return (lon + 180.0) * MAP_SCALE; }

static double py(double lat) { return (MAP_NORTH - lat) * MAP_SCALE; }

/* ---- map ---- */

static void polygons(struct buf *b, const float *p, const char *cls)
{
	buf_printf(b, "<path class=\"%s\" d=\"", cls);
	while (*p != LAB_MAP_END) {
		int first = 1;

		for (; *p != LAB_MAP_END; p += 2) {
			buf_printf(b, "%c%.1f %.1f", first ? 'M' : 'L', px((double)p[0]),
				   py((double)p[1]));
			first = 0;
		}
		buf_printf(b, "Z");
		p++;
	}
	buf_printf(b, "\"/>\n");
}

/* Labels are placed greedily, sites first: the first candidate position around the marker,
 * on rings of growing distance, that overlaps no marker and no label placed so far. Paris,
 * London and Berlin are a few pixels apart at this scale, so this is needed, not cosmetic. */
struct box {
	double x0, y0, x1, y1;
};

struct placer {
	struct box b[2 * (LAB_DEMO_SITES_MAX + LAB_DEMO_CLIENTS_MAX)];
	size_t n;
};

static int box_free(const struct placer *pl, const struct box *c)
{
	if (c->x0 < 2 || c->y0 < 2 || c->x1 > MAP_W - 2 || c->y1 > MAP_H - 2)
		return 0;
	for (size_t i = 0; i < pl->n; i++) {
		const struct box *o = &pl->b[i];

		if (c->x0 < o->x1 + 2 && o->x0 < c->x1 + 2 && c->y0 < o->y1 + 1 &&
		    o->y0 < c->y1 + 1)
			return 0;
	}
	return 1;
}

static void box_add(struct placer *pl, struct box bx)
{
	if (pl->n < sizeof(pl->b) / sizeof(pl->b[0]))
		pl->b[pl->n++] = bx;
}

/* Returns the label's box; *far when it sits away from the marker (draw a leader line). */
static struct box place(struct placer *pl, double x, double y, double r, double w, double h,
			int *far)
{
	static const double dir[8][2] = { { 1, 0 },     { -1, 0 },      { 0.7, -0.7 },
					  { 0.7, 0.7 }, { -0.7, -0.7 }, { -0.7, 0.7 },
					  { 0, -1 },    { 0, 1 } };

	for (int ring = 0; ring < 6; ring++) {
		double d = r + 4 + ring * 14;

		for (int k = 0; k < 8; k++) {
			double cx = x + dir[k][0] * d, cy = y + dir[k][1] * d;
			struct box c;

			/* the box hangs off the candidate point on the side away from the marker */
			c.x0 = dir[k][0] > 0.1 ? cx : dir[k][0] < -0.1 ? cx - w : cx - w / 2;
			c.y0 = dir[k][1] > 0.1 ? cy : dir[k][1] < -0.1 ? cy - h : cy - h / 2;
			c.x1 = c.x0 + w;
			c.y1 = c.y0 + h;
			if (box_free(pl, &c)) {
				*far = ring > 0;
				box_add(pl, c);
				return c;
			}
		}
	}
	*far = 0;
	struct box c = { x + r + 4, y - h / 2, x + r + 4 + w, y + h / 2 };

	box_add(pl, c);
	return c;
}

static void leader(struct buf *b, double x, double y, const struct box *c)
{
	double tx = x < c->x0 ? c->x0 : x > c->x1 ? c->x1 : x;
	double ty = y < c->y0 ? c->y0 : y > c->y1 ? c->y1 : y;

	buf_printf(b, "<line class=\"leader\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
		   x, y, tx, ty);
}

/* The world under the markers: sea, graticule, land and lakes. */
static void map_open(struct buf *b, const char *cls, const char *aria)
{
	buf_printf(b,
		   "<svg class=\"%s\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		   "aria-label=\"%s\">\n",
		   cls, MAP_W, MAP_H, aria);
	buf_printf(b, "<rect class=\"sea\" width=\"%.0f\" height=\"%.0f\"/>\n", MAP_W, MAP_H);
	buf_printf(b, "<g class=\"grat\">");
	for (int lon = -150; lon < 180; lon += 30)
		buf_printf(b, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%.1f\"/>", px(lon),
			   px(lon), MAP_H);
	for (int lat = -30; lat <= 60; lat += 30)
		buf_printf(b, "<line x1=\"0\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\"/>", py(lat),
			   MAP_W, py(lat));
	buf_printf(b, "</g>\n");
	polygons(b, lab_map_land(), "land");
	polygons(b, lab_map_water(), "water");
}

static void map_svg(struct buf *b, const struct lab_demo *d)
{
	struct placer *pl = calloc(1, sizeof(*pl));

	map_open(b, "map", "World map: which anycast site answers each client");

	/* who is served by whom: curves bowed towards the pole, under the markers */
	for (size_t i = 0; i < d->nclients; i++) {
		const struct lab_demo_client *c = &d->client[i];

		if (c->site < 0 || !c->at.located || !d->site[c->site].located)
			continue;
		double x1 = px(c->at.lon), y1 = py(c->at.lat);
		double x2 = px(d->site[c->site].lon), y2 = py(d->site[c->site].lat);
		double mx = (x1 + x2) / 2, my = (y1 + y2) / 2, dx = x2 - x1, dy = y2 - y1;
		double nx = -dy * 0.18, ny = dx * 0.18;

		if (ny > 0) {
			nx = -nx;
			ny = -ny;
		}
		buf_printf(
			b,
			"<path class=\"serve\" stroke=\"%s\" d=\"M%.1f %.1fQ%.1f %.1f %.1f %.1f\"/>\n",
			site_colour(c->site), x1, y1, mx + nx, my + ny, x2, y2);
	}
	/* markers are obstacles for every label */
	for (size_t s = 0; s < d->nsites; s++) {
		if (d->site[s].located) {
			double x = px(d->site[s].lon), y = py(d->site[s].lat);

			box_add(pl, (struct box){ x - 10, y - 10, x + 10, y + 10 });
		}
	}
	for (size_t i = 0; i < d->nclients; i++) {
		if (d->client[i].at.located) {
			double x = px(d->client[i].at.lon), y = py(d->client[i].at.lat);

			box_add(pl, (struct box){ x - 5, y - 5, x + 5, y + 5 });
		}
	}
	for (size_t s = 0; s < d->nsites; s++) {
		if (!d->site[s].located)
			continue;
		buf_printf(
			b,
			"<circle class=\"site\" cx=\"%.1f\" cy=\"%.1f\" r=\"10\" fill=\"%s\"/>\n",
			px(d->site[s].lon), py(d->site[s].lat), site_colour((int)s));
	}
	for (size_t i = 0; i < d->nclients; i++) {
		const struct lab_demo_client *c = &d->client[i];

		if (!c->at.located)
			continue;
		buf_printf(
			b,
			"<circle class=\"client\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\" stroke=\"%s\"/>\n",
			px(c->at.lon), py(c->at.lat), site_colour(c->site));
	}
	/* labels: sites (name, city), then clients (name, anycast RTT) */
	for (size_t s = 0; s < d->nsites; s++) {
		const struct lab_demo_place *p = &d->site[s];
		int far;

		if (!p->located)
			continue;
		double x = px(p->lon), y = py(p->lat);
		double w = dmax((double)lab_demo_chars(p->name) * 9.5,
				(double)lab_demo_chars(p->city) * 6.6) +
			   4;
		struct box c = place(pl, x, y, 10, w, 31, &far);

		if (far)
			leader(b, x, y, &c);
		buf_printf(b, "<text class=\"lb sitelb\" x=\"%.1f\" y=\"%.1f\" fill=\"%s\">",
			   c.x0 + 2, c.y0 + 14, site_colour((int)s));
		esc(b, p->name);
		buf_printf(b, "</text><text class=\"lb sub\" x=\"%.1f\" y=\"%.1f\">", c.x0 + 2,
			   c.y0 + 27);
		esc(b, p->city);
		buf_printf(b, "</text>\n");
	}
	for (size_t i = 0; i < d->nclients; i++) {
		const struct lab_demo_client *c = &d->client[i];
		char rtt[32];
		int far;

		if (!c->at.located)
			continue;
		if (c->rtt_ms >= 0)
			snprintf(rtt, sizeof(rtt), "%.1f ms", c->rtt_ms);
		else
			snprintf(rtt, sizeof(rtt), "no answer");
		double x = px(c->at.lon), y = py(c->at.lat);
		double w = dmax((double)lab_demo_chars(c->at.name) * 7.4,
				(double)strlen(rtt) * 6.2) +
			   4;
		struct box bx = place(pl, x, y, 5, w, 27, &far);

		if (far)
			leader(b, x, y, &bx);
		buf_printf(b, "<text class=\"lb clientlb\" x=\"%.1f\" y=\"%.1f\">", bx.x0 + 2,
			   bx.y0 + 12);
		esc(b, c->at.name);
		buf_printf(b, "</text><text class=\"lb sub\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
			   bx.x0 + 2, bx.y0 + 24, rtt);
	}
	buf_printf(b, "</svg>\n");
	free(pl);
}

/* ---- the hijack chapter ---- */

static void hijack_cell(struct buf *b, const char *id)
{
	if (!id[0])
		buf_printf(b, "<td class=\"miss\">no answer</td>");
	else if (strncmp(id, "hijacker-", 9) == 0)
		buf_printf(b, "<td class=\"miss\"><b>hijacker</b></td>");
	else {
		buf_printf(b, "<td>");
		esc(b, id);
		buf_printf(b, "</td>");
	}
}

static void hijack_section(struct buf *b, const struct lab_demo *d)
{
	const struct lab_demo_hijack *h = &d->hijack;

	buf_printf(b, "<h2 id=\"hijack\">A hijack, without and with origin validation</h2>\n<p>");
	esc(b, h->hijacker[0] ? h->hijacker : "-");
	buf_printf(
		b,
		" announces the anycast prefix from its own AS (<code>anycast lab hijack</code>) "
		"and answers as the hijacker. Every router validates routes against a ROA "
		"file, at first empty, so that the hijack is <i>not-found</i> and accepted, "
		"as without origin validation; then the sites' ROA is written into that "
		"file while the lab runs, and the routers reject the hijacker's route as "
		"<i>invalid</i> without any session reset.</p>\n");
	if (!h->ran) {
		buf_printf(b, "<p class=\"answer\">Not run: ");
		esc(b, h->why);
		buf_printf(b, "</p>\n");
		return;
	}
	buf_printf(b, "<table><thead><tr><th>Client</th><th>Before</th><th>Hijack, no ROV</th>"
		      "<th>Hijack, ROV + ROA</th></tr></thead><tbody>\n");
	for (size_t k = 0; k < h->n; k++) {
		buf_printf(b, "<tr><td>");
		esc(b, h->c[k].client);
		if (h->c[k].own)
			buf_printf(b, " (the hijacker is its ISP)");
		buf_printf(b, "</td>");
		hijack_cell(b, h->c[k].before);
		hijack_cell(b, h->c[k].rov_off);
		hijack_cell(b, h->c[k].rov_on);
		buf_printf(b, "</tr>\n");
	}
	buf_printf(b, "</tbody></table>\n<p class=\"answer\">");
	if (h->drop_ms >= 0)
		buf_printf(b,
			   "The routers dropped the hijack <b>%.0f ms</b> after the ROA was "
			   "written (only the hijacker's own clients still reach it).",
			   h->drop_ms);
	else
		buf_printf(b, "The hijack was <b class=\"miss\">not dropped</b> within the wait.");
	buf_printf(b, "</p>\n");
}

/* ---- the detection chapter ---- */

/* What an outsider's measurement found: a ring on every city the detection placed a site in
 * (class "detected"), over the lab's real sites (grey dots) and the clients that pinged. */
static void detect_svg(struct buf *b, const struct lab_demo *d)
{
	const struct lab_demo_detect *x = &d->detect;
	struct placer pl;

	memset(&pl, 0, sizeof(pl));
	map_open(b, "map dmap", "World map: the sites found from the clients' round-trip times");
	for (size_t i = 0; i < d->nclients; i++) {
		const struct lab_demo_place *p = &d->client[i].at;

		if (!p->located)
			continue;
		box_add(&pl, (struct box){ px(p->lon) - 4, py(p->lat) - 4, px(p->lon) + 4,
					   py(p->lat) + 4 });
		buf_printf(b, "<circle class=\"vp\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>\n",
			   px(p->lon), py(p->lat));
	}
	for (size_t s = 0; s < d->nsites; s++) {
		if (d->site[s].located)
			buf_printf(b, "<circle class=\"truth\" cx=\"%.1f\" cy=\"%.1f\" r=\"6\"/>\n",
				   px(d->site[s].lon), py(d->site[s].lat));
	}
	for (size_t i = 0; i < x->nsites; i++) {
		double cx = px(x->site[i].lon), cy = py(x->site[i].lat);

		box_add(&pl, (struct box){ cx - 14, cy - 14, cx + 14, cy + 14 });
		buf_printf(b, "<circle class=\"detected\" cx=\"%.1f\" cy=\"%.1f\" r=\"13\"/>\n", cx,
			   cy);
	}
	for (size_t i = 0; i < x->nsites; i++) {
		double cx = px(x->site[i].lon), cy = py(x->site[i].lat);
		int far;
		struct box c = place(&pl, cx, cy, 13,
				     (double)lab_demo_chars(x->site[i].city) * 9.5 + 4, 18, &far);

		if (far)
			leader(b, cx, cy, &c);
		buf_printf(b, "<text class=\"lb detlb\" x=\"%.1f\" y=\"%.1f\">", c.x0 + 2,
			   c.y0 + 14);
		esc(b, x->site[i].city);
		buf_printf(b, "</text>\n");
	}
	buf_printf(b, "</svg>\n");
}

static void detect_section(struct buf *b, const struct lab_demo *d)
{
	const struct lab_demo_detect *x = &d->detect;

	buf_printf(b, "<h2 id=\"detect\">Is ");
	esc(b, d->anycast);
	buf_printf(b,
		   " anycast?</h2>\n<p>Asked the way an outsider would, from latency alone "
		   "(<code>anycast lab detect</code>), once every site was back: each client "
		   "pinged the address, and its fastest reply bounds how far away the server that "
		   "answered can be (light in fibre covers about 100 km per ms of round trip). "
		   "Clients whose bounds cannot overlap were answered by different servers: the "
		   "address is anycast, and each such client finds a site, placed in the most "
		   "likely city in reach.</p>\n<p class=\"answer\">");
	if (!x->ran) {
		buf_printf(b, "Not measured: ");
		esc(b, x->why);
		buf_printf(b, "</p>\n");
	} else {
		buf_printf(b, "<b>%s</b>: %zu site%s", x->anycast ? "Yes" : "No", x->nsites,
			   x->nsites == 1 ? "" : "s");
		for (size_t i = 0; i < x->nsites; i++) {
			buf_printf(b, "%s", i == 0 ? ", in " : i + 1 == x->nsites ? " and " : ", ");
			esc(b, x->site[i].city);
		}
		buf_printf(b, ", from the round-trip times of %zu clients.</p>\n", x->vps);
	}
	buf_printf(b, "<p>The control, <code>");
	esc(b, x->unicast);
	buf_printf(b, "</code> (");
	esc(b, x->unicast_of);
	buf_printf(b, "'s own address): ");
	if (!x->unicast_ran) {
		buf_printf(b, "not measured: ");
		esc(b, x->unicast_why);
	} else if (x->unicast_ok) {
		buf_printf(b, "<b>unicast</b>, placed in ");
		esc(b, x->unicast_city);
	} else {
		buf_printf(b, "<b class=\"miss\">judged anycast</b>, wrongly");
	}
	buf_printf(b, ".</p>\n");
	if (!x->ran)
		return;
	buf_printf(b, "<div class=\"card\">");
	detect_svg(b, d);
	buf_printf(b, "<div class=\"legend\"><span><i class=\"ring\"></i>site found</span>"
		      "<span><i class=\"dot\"></i>real site</span>"
		      "<span><i class=\"vpk\"></i>client (vantage point)</span></div>\n</div>\n");
}

/* ---- tables ---- */

static void chip(struct buf *b, const struct lab_demo *d, int site)
{
	buf_printf(b, "<span class=\"chip\" style=\"background:%s\">", site_colour(site));
	esc(b, lab_demo_site_name(d, site));
	buf_printf(b, "</span>");
}

static void td_ms(struct buf *b, double ms, const char *cls)
{
	if (ms < 0)
		buf_printf(b, "<td class=\"num dim\">–</td>");
	else
		buf_printf(b, "<td class=\"num%s%s\">%.1f ms</td>", cls ? " " : "", cls ? cls : "",
			   ms);
}

static void client_table(struct buf *b, const struct lab_demo *d)
{
	buf_printf(b, "<table><thead><tr><th>Client</th><th>City</th><th>Answered by</th>"
		      "<th class=\"num\">Anycast RTT</th>");
	for (size_t s = 0; s < d->nsites; s++) {
		buf_printf(b, "<th class=\"num\">RTT to ");
		esc(b, d->site[s].name);
		buf_printf(b, "</th>");
	}
	buf_printf(b, "<th>Nearest site?</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < d->nclients; i++) {
		const struct lab_demo_client *c = &d->client[i];
		int near = LAB_DEMO_NONE;

		for (size_t s = 0; s < d->nsites; s++) {
			if (c->unicast_ms[s] >= 0 &&
			    (near < 0 || c->unicast_ms[s] < c->unicast_ms[near]))
				near = (int)s;
		}
		buf_printf(b, "<tr><td class=\"name\">");
		esc(b, c->at.name);
		buf_printf(b, "</td><td>");
		esc(b, c->at.city);
		buf_printf(b, "</td><td>");
		if (c->site == LAB_DEMO_NONE) {
			buf_printf(b, "<span class=\"dim\">no answer");
			if (c->why[0]) {
				buf_printf(b, ": ");
				esc(b, c->why);
			}
			buf_printf(b, "</span>");
		} else {
			chip(b, d, c->site);
		}
		if (c->predicted != LAB_DEMO_OTHER && c->predicted != c->site) {
			buf_printf(b, " <span class=\"miss\">predicted ");
			esc(b, lab_demo_site_name(d, c->predicted));
			buf_printf(b, "</span>");
		}
		buf_printf(b, "</td>");
		td_ms(b, c->rtt_ms, "strong");
		for (size_t s = 0; s < d->nsites; s++)
			td_ms(b, c->unicast_ms[s], (int)s == near ? "best" : NULL);
		if (near < 0 || c->site < 0)
			buf_printf(b, "<td class=\"dim\">–</td>");
		else if (near == c->site)
			buf_printf(b, "<td>yes</td>");
		else
			buf_printf(b, "<td>no: %s is nearer</td>", d->site[near].name);
		buf_printf(b, "</tr>\n");
	}
	buf_printf(b, "</tbody></table>\n");
}

/* ---- failover timelines ---- */

#define TL_W 1200.0
#define TL_X0 118.0 /* the strip */
#define TL_X1 830.0
#define TL_TOP 46.0
#define TL_ROW 26.0

static void timeline_svg(struct buf *b, const struct lab_demo *d, const struct lab_demo_failover *f)
{
	double span = f->to_ms - f->from_ms, h = TL_TOP + TL_ROW * (double)d->nclients + 8;

	if (span <= 0)
		span = 1;
#define TX(ms) (TL_X0 + ((ms)-f->from_ms) / span * (TL_X1 - TL_X0))
	buf_printf(b,
		   "<svg class=\"tl\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		   "aria-label=\"Timeline of the failover per client\">\n",
		   TL_W, h);
	/* time axis: a tick every 500 ms, a label every second */
	for (long k = (long)(f->from_ms / 500) - 1; k * 500.0 <= f->to_ms; k++) {
		double t = (double)k * 500;
		int whole = k % 2 == 0;

		if (t < f->from_ms)
			continue;

		buf_printf(b,
			   "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
			   whole ? "tick" : "tick minor", TX(t), TL_TOP - 6, TX(t), h - 8);
		if (whole)
			buf_printf(b, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\">%s%.0f s</text>",
				   TX(t), TL_TOP - 10,
				   t > 0   ? "+"
				   : t < 0 ? "−"
					   : "",
				   (t < 0 ? -t : t) / 1000);
	}
	buf_printf(b,
		   "\n<text class=\"colh\" x=\"%.1f\" y=\"%.1f\">site</text>"
		   "<text class=\"colh end\" x=\"1085\" y=\"%.1f\">outage</text>"
		   "<text class=\"colh end\" x=\"1192\" y=\"%.1f\">lost / sent</text>\n",
		   TL_X1 + 30, TL_TOP - 10, TL_TOP - 10, TL_TOP - 10);
	for (size_t i = 0; i < d->nclients; i++) {
		const struct lab_demo_fo_client *c = &f->c[i];
		double y = TL_TOP + TL_ROW * (double)i;

		buf_printf(b, "<text class=\"rowlb\" x=\"%.1f\" y=\"%.1f\">", TL_X0 - 10, y + 15);
		esc(b, d->client[i].at.name);
		buf_printf(b,
			   "</text><rect class=\"track\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			   "height=\"16\"/>",
			   TL_X0, y + 3, TL_X1 - TL_X0);
		for (size_t k = 0; k < c->nseg; k++) {
			const struct lab_demo_seg *s = &c->seg[k];
			double x0 = TX(dmax(s->t0_ms, f->from_ms)),
			       x1 = TX(dmin(s->t1_ms, f->to_ms));

			/* one lost query is under a pixel wide: it must still show */
			if (s->site == LAB_DEMO_LOST && x1 - x0 < 1.5)
				x1 = x0 + 1.5;
			if (x1 <= x0)
				continue;
			buf_printf(b,
				   "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"16\" "
				   "fill=\"%s\"/>",
				   x0, y + 3, x1 - x0, site_colour(s->site));
		}
		if (c->ran && c->outage_ms > 0) {
			double x0 = TX(dmax(c->outage_from_ms, f->from_ms));
			double x1 = TX(dmin(c->outage_from_ms + c->outage_ms, f->to_ms));

			buf_printf(b,
				   "<line class=\"outage\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				   "y2=\"%.1f\"/>",
				   x0, y + 22, x1 > x0 + 1 ? x1 : x0 + 1, y + 22);
		}
		if (!c->ran) {
			buf_printf(
				b,
				"<text class=\"cell\" x=\"%.1f\" y=\"%.1f\">probe failed</text>\n",
				TL_X1 + 30, y + 15);
			continue;
		}
		buf_printf(
			b,
			"<text class=\"cell\" x=\"%.1f\" y=\"%.1f\"><tspan fill=\"%s\">%s</tspan>",
			TL_X1 + 30, y + 15, site_colour(c->before),
			lab_demo_site_name(d, c->before));
		if (c->after != c->before)
			buf_printf(b, " → <tspan fill=\"%s\">%s</tspan>", site_colour(c->after),
				   lab_demo_site_name(d, c->after));
		buf_printf(b, "</text>");
		if (c->outage_ms > 0)
			buf_printf(b,
				   "<text class=\"cell end strong\" x=\"1085\" y=\"%.1f\">%s%.1f ms"
				   "</text>",
				   y + 15, c->recovered ? "" : "&gt; ", c->outage_ms);
		else
			buf_printf(b,
				   "<text class=\"cell end dim\" x=\"1085\" y=\"%.1f\">none</text>",
				   y + 15);
		buf_printf(b, "<text class=\"cell end%s\" x=\"1192\" y=\"%.1f\">%lu / %lu</text>\n",
			   c->lost ? "" : " dim", y + 15, c->lost, c->sent);
	}
	buf_printf(b, "<line class=\"fail\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
		   TX(0.0), TL_TOP - 4, TX(0.0), h - 4);
	buf_printf(b, "<text class=\"failb\" x=\"%.1f\" y=\"12\">%s %s</text>\n", TX(0.0) + 4,
		   lab_demo_site_name(d, f->site),
		   f->crash ? "crashes (links cut)" : "service stops");
	buf_printf(b, "</svg>\n");
#undef TX
}

static void legend(struct buf *b, const struct lab_demo *d, int lost)
{
	buf_printf(b, "<div class=\"legend\">");
	for (size_t s = 0; s < d->nsites; s++) {
		buf_printf(b, "<span><i style=\"background:%s\"></i>", site_colour((int)s));
		esc(b, d->site[s].name);
		if (d->site[s].city[0]) {
			buf_printf(b, " <span class=\"dim\">");
			esc(b, d->site[s].city);
			buf_printf(b, "</span>");
		}
		buf_printf(b, "</span>");
	}
	if (lost)
		buf_printf(b,
			   "<span><i style=\"background:%s\"></i>lost query</span>"
			   "<span><i class=\"bar\"></i>measured outage</span>",
			   LOST_COLOUR);
	buf_printf(b, "</div>\n");
}

/* ---- page ---- */

static const char css[] =
	"*{box-sizing:border-box}"
	"body{margin:0;background:#f4f6f9;color:#1c2530;"
	"font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif}"
	"main{max-width:1260px;margin:0 auto;padding:22px 28px 36px}"
	"h1{font-size:25px;margin:0 0 2px}h2{font-size:18px;margin:26px 0 6px}"
	"p{margin:4px 0 10px;max-width:1000px}.lead{color:#44505e}"
	"code{background:#e8ecf1;border-radius:4px;padding:1px 5px}"
	".card{background:#fff;border:1px solid #dbe1e8;border-radius:10px;padding:12px 14px}"
	".stats{display:flex;gap:12px;margin:14px 0 4px;flex-wrap:wrap}"
	".stat{background:#fff;border:1px solid #dbe1e8;border-radius:10px;padding:8px 14px;"
	"min-width:150px}.stat b{display:block;font-size:20px}.stat span{color:#5b6775;font-size:12px}"
	"svg{display:block;width:100%;height:auto}"
	".sea{fill:#dce8f3}.water{fill:#dce8f3;stroke:#b4c3d1;stroke-width:.6}"
	".land{fill:#fbfaf6;stroke:#b4c3d1;stroke-width:.8;stroke-linejoin:round}"
	".grat line{stroke:#c9d8e6;stroke-width:.7}"
	".serve{fill:none;stroke-width:2.4;stroke-opacity:.8;stroke-linecap:round}"
	".site{stroke:#fff;stroke-width:2.5}.client{fill:#fff;stroke-width:3}"
	".leader{stroke:#8a96a3;stroke-width:.8}"
	".lb{paint-order:stroke;stroke:#fbfaf6;stroke-width:3.5px;stroke-linejoin:round}"
	".sitelb{font-size:15px;font-weight:700}.clientlb{font-size:12.5px;font-weight:600;fill:#1c2530}"
	".sub{font-size:11px;fill:#4f5b68}"
	"table{border-collapse:collapse;width:100%;background:#fff}"
	"th,td{padding:6px 10px;border-bottom:1px solid #e5e9ee;text-align:left;white-space:nowrap}"
	"th{font-size:12px;color:#5b6775;font-weight:600;background:#f8f9fb}"
	".num{text-align:right;font-variant-numeric:tabular-nums}.name{font-weight:600}"
	".best{font-weight:700;background:#eef6ee}.strong{font-weight:700}.dim{color:#8a96a3}"
	".miss{color:#b3261e;font-weight:700}"
	".chip{display:inline-block;padding:1px 9px;border-radius:10px;color:#fff;font-weight:700;"
	"font-size:12px}"
	".legend{display:flex;gap:18px;flex-wrap:wrap;margin:8px 2px 0;font-size:13px}"
	".legend i{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px;"
	"vertical-align:-1px}.legend i.bar{height:3px;background:#1c2530;vertical-align:3px}"
	".tl text{font-size:12.5px;fill:#1c2530}.tl .axis{text-anchor:middle;fill:#5b6775;font-size:11px}"
	".tl .rowlb{text-anchor:end;font-weight:600}.tl .colh{fill:#5b6775;font-size:11px}"
	".tl .end{text-anchor:end}.tl .strong{font-weight:700}.tl .dim{fill:#8a96a3}"
	".tl .cell{font-variant-numeric:tabular-nums}"
	".track{fill:#eceff3}.tick{stroke:#d5dbe2;stroke-width:1}.tick.minor{stroke:#e7ebef}"
	".fail{stroke:" LOST_COLOUR ";stroke-width:2;stroke-dasharray:5 3}"
	".failb{fill:" LOST_COLOUR "!important;font-weight:700}"
	".outage{stroke:#1c2530;stroke-width:3}"
	".answer{font-size:16px}.dmap{max-width:900px}"
	".detected{fill:none;stroke:#1c2530;stroke-width:3.5}.truth{fill:#8a96a3}"
	".vp{fill:#fff;stroke:#5b6775;stroke-width:1.5}.detlb{font-size:14px;font-weight:700}"
	".legend i.ring{border:3px solid #1c2530;border-radius:50%;background:none}"
	".legend i.dot{background:#8a96a3;border-radius:50%}"
	".legend i.vpk{border:1.5px solid #5b6775;border-radius:50%;background:#fff}"
	"footer{margin-top:26px;color:#6b7785;font-size:12px}";

static double worst_outage(const struct lab_demo *d, const struct lab_demo_failover *f)
{
	double w = 0;

	for (size_t i = 0; i < d->nclients; i++) {
		if (f->c[i].ran && f->c[i].outage_ms > w)
			w = f->c[i].outage_ms;
	}
	return w;
}

static void stat(struct buf *b, const char *value, const char *what)
{
	buf_printf(b, "<div class=\"stat\"><b>%s</b><span>%s</span></div>", value, what);
}

/* The chapter "a site hangs": the two figures, what BFD buys, and the BFD run's timeline. */
static void hang_section(struct buf *b, const struct lab_demo *d)
{
	const struct lab_demo_hang *h = &d->hang;
	const char *name = lab_demo_site_name(d, h->site);
	double bfd = h->bfd_ran ? lab_demo_fo_median(d, &h->bfd) : -1,
	       hold = h->hold_ran ? lab_demo_fo_median(d, &h->hold) : -1;

	buf_printf(b, "<h2>A site hangs: ");
	esc(b, name);
	buf_printf(b, "</h2>\n<p>Every process of ");
	esc(b, name);
	buf_printf(b, " was stopped with its links up, as on a hung host: no carrier is lost, "
		      "so its routers can only notice the silence.");
	if (bfd >= 0)
		buf_printf(b,
			   " With BFD on its sessions, its clients' median outage was "
			   "<b>%.0f ms</b>.",
			   bfd);
	if (hold >= 0)
		buf_printf(b,
			   " With BFD off, the BGP hold timer (%d s) had to expire first: "
			   "<b>%.1f s</b>.",
			   h->hold_s, hold / 1000);
	if (bfd >= 0 && hold >= 0)
		buf_printf(b, " BFD saved each of them %.1f s of silence.", (hold - bfd) / 1000);
	if (h->why[0]) {
		buf_printf(b, " (");
		esc(b, h->why);
		buf_printf(b, ")");
	}
	buf_printf(b, "</p>\n");
	if (h->bfd_ran) {
		buf_printf(b, "<div class=\"card\">");
		timeline_svg(b, d, &h->bfd);
		legend(b, d, 1);
		buf_printf(b, "</div>\n");
	}
}

void lab_report_html(const struct lab_demo *d, struct buf *b)
{
	char v[64], w[128];

	buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		      "<title>anycast lab demo: ");
	esc(b, d->lab);
	buf_printf(b, "</title><style>%s</style></head><body><main>\n", css);
	buf_printf(b, "<h1>One address, %zu sites: anycast in lab <code>", d->nsites);
	esc(b, d->lab);
	buf_printf(b, "</code></h1>\n<p class=\"lead\">Every site announces <code>");
	esc(b, d->anycast);
	buf_printf(
		b,
		"</code> over BGP, and each client's network carries its queries to the site "
		"its routers prefer. Measured for real: network namespaces, BGP sessions, kernel "
		"forwarding and link delays derived from the distance between the cities.</p>\n");
	buf_printf(b, "<div class=\"stats\">");
	snprintf(v, sizeof(v), "%zu / %zu", d->nsites, d->nclients);
	stat(b, v, "sites / clients");
	for (size_t k = 0; k < d->nfo; k++) {
		const struct lab_demo_failover *f = &d->fo[k];

		snprintf(v, sizeof(v), "%.0f ms", worst_outage(d, f));
		snprintf(w, sizeof(w), "worst outage, %s %s", lab_demo_site_name(d, f->site),
			 f->crash ? "crash" : "service failure");
		stat(b, v, w);
	}
	if ((d->chapters & LAB_DEMO_CH_DETECT) && d->detect.ran) {
		snprintf(v, sizeof(v), "%s, %zu site%s", d->detect.anycast ? "yes" : "no",
			 d->detect.nsites, d->detect.nsites == 1 ? "" : "s");
		stat(b, v, "anycast? from latency alone");
	}
	snprintf(v, sizeof(v), "%.1f s", d->total_s);
	snprintf(w, sizeof(w), "whole demo (lab up in %.1f s)", d->up_s);
	stat(b, v, w);
	buf_printf(b, "</div>\n");

	buf_printf(b, "<h2>Who answers whom</h2>\n<div class=\"card\">");
	map_svg(b, d);
	legend(b, d, 0);
	buf_printf(b,
		   "</div>\n<h2>Round-trip times</h2>\n<p>The median RTT of DNS queries "
		   "(CHAOS TXT <code>id.server</code>) to the anycast address, beside the RTT to "
		   "each site's own unicast address. BGP picks routes by business relations and "
		   "path length, not by distance: the nearest site (in bold) is not always the one "
		   "that answers.</p>\n");
	client_table(b, d);
	size_t agree, known = lab_demo_predicted(d, &agree);

	if (known)
		buf_printf(b,
			   "<p>The simulator (<code>anycast sim --topology</code>) predicted the "
			   "site of %zu of %zu clients%s.</p>\n",
			   agree, known, agree == known ? "" : "; the others are marked");
	for (size_t k = 0; k < d->nfo; k++) {
		const struct lab_demo_failover *f = &d->fo[k];
		const char *name = lab_demo_site_name(d, f->site);

		buf_printf(b, "<h2>Failover %zu: %s, %s</h2>\n<p>", k + 1, name,
			   f->crash ? "site crash" : "service failure");
		if (f->crash)
			buf_printf(b,
				   "All of %s's links were cut at once, as if the site lost power: "
				   "its routers see the carrier drop and withdraw its routes.",
				   name);
		else
			buf_printf(b,
				   "%s's DNS server was stopped; its health check notices and the "
				   "site withdraws the anycast prefix, so BGP moves its clients "
				   "elsewhere.",
				   name);
		buf_printf(
			b,
			" Every client sent a query every %.0f ms; the red ones got no answer in "
			"time. ",
			f->interval_ms);
		if (f->heal_ms >= 0)
			buf_printf(
				b,
				"After the heal, every client was back at its site within %.1f s.",
				f->heal_ms / 1000);
		else
			buf_printf(
				b,
				"After the heal, not every client was back at its site in time.");
		buf_printf(b, "</p>\n<div class=\"card\">");
		timeline_svg(b, d, f);
		legend(b, d, 1);
		buf_printf(b, "</div>\n");
	}
	if (d->chapters & LAB_DEMO_CH_HANG)
		hang_section(b, d);
	if (d->chapters & LAB_DEMO_CH_DETECT)
		detect_section(b, d);
	if (d->chapters & LAB_DEMO_CH_HIJACK)
		hijack_section(b, d);
	if (d->chapters & LAB_DEMO_CH_TCP)
		lab_demo_tcp_html(d, b);
	if (d->chapters & LAB_DEMO_CH_DDOS)
		lab_ddos_html(&d->ddos, b);
	buf_printf(b,
		   "<footer>Generated by <code>anycast lab demo</code>. All addresses are "
		   "documentation and benchmarking ranges inside the lab's own network namespaces; "
		   "nothing left the machine.</footer>\n</main></body></html>\n");
}

int lab_report_write(const struct lab_demo *d, const char *path, char *err, size_t errlen)
{
	struct buf b;
	FILE *f;
	int r = 0;

	buf_init(&b);
	lab_report_html(d, &b);
	f = fopen(path, "we");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		buf_free(&b);
		return -1;
	}
	if (fwrite(b.data, 1, b.len, f) != b.len)
		r = -1;
	if (fclose(f) != 0)
		r = -1;
	if (r < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	buf_free(&b);
	return r;
}
