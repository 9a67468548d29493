/* The demo's result without a lab: the outage analysis on hand-made timelines, and the text,
 * JSON and HTML renderings of a hand-made seed result. With LAB_REPORT_OUT=FILE the page is
 * also written there, to look at it (the demo test screenshots the real one). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/report.h"
#include "t.h"

#define IV 5.0 /* ms between queries, as at 200 queries/s */

/* A timeline from (count, site) runs starting at from_ms. */
static void timeline(struct lab_demo_fo_client *c, double from_ms, const int (*runs)[2])
{
	double t = from_ms;

	memset(c, 0, sizeof(*c));
	c->ran = 1;
	for (; runs[0][0]; runs++) {
		lab_demo_seg_add(c, t, t + runs[0][0] * IV, runs[0][1], (unsigned long)runs[0][0]);
		t += runs[0][0] * IV;
		c->sent += (unsigned long)runs[0][0];
		if (runs[0][1] == LAB_DEMO_LOST)
			c->lost += (unsigned long)runs[0][0];
	}
}

static void test_outage_affected(void)
{
	/* site 1 until the failure at 0, 60 queries (300 ms) lost, then site 0 */
	static const int runs[][2] = { { 200, 1 }, { 60, LAB_DEMO_LOST }, { 740, 0 }, { 0, 0 } };
	struct lab_demo_fo_client c;

	timeline(&c, -1000, runs);
	lab_demo_analyze(&c, 1, IV, 10, 4000);
	CHECK_INT(c.before, 1);
	CHECK_INT(c.after, 0);
	CHECK_INT(c.recovered, 1);
	CHECK(c.outage_ms > 299.9 && c.outage_ms < 300.1);
	CHECK(c.longest_loss_ms > 299.9 && c.longest_loss_ms < 300.1);
	CHECK_INT(c.lost, 60);
	CHECK_INT(c.sent, 1000);
}

static void test_outage_from_failure_instant(void)
{
	/* still answered by the failed site for 20 ms (in flight), then 40 lost: the outage
	 * counts from the failure, not from the first loss */
	static const int runs[][2] = { { 204, 1 }, { 40, LAB_DEMO_LOST }, { 756, 2 }, { 0, 0 } };
	struct lab_demo_fo_client c;

	timeline(&c, -1000, runs);
	lab_demo_analyze(&c, 1, IV, 10, 4000);
	CHECK(c.outage_from_ms == 0);
	CHECK(c.outage_ms > 219.9 && c.outage_ms < 220.1);
	CHECK_INT(c.after, 2);
}

static void test_outage_rerouted_in_flight(void)
{
	/* a crash rerouted queries already on their way: the last 10 sent before it were
	 * answered by site 0, one of them lost; the client was still site 1's */
	static const int runs[][2] = { { 189, 1 }, { 1, LAB_DEMO_LOST }, { 810, 0 }, { 0, 0 } };
	/* a loss long before the failure (more than in_flight_ms) is not its outage */
	static const int old[][2] = { { 100, 1 }, { 1, LAB_DEMO_LOST }, { 899, 1 }, { 0, 0 } };
	struct lab_demo_fo_client c;

	timeline(&c, -1000, runs);
	lab_demo_analyze(&c, 1, IV, 100, 4000);
	CHECK_INT(c.before, 1);
	CHECK_INT(c.after, 0);
	CHECK(c.outage_from_ms > -55.1 && c.outage_from_ms < -54.9);
	CHECK(c.outage_ms > 4.9 && c.outage_ms < 5.1);
	timeline(&c, -1000, old);
	lab_demo_analyze(&c, 1, IV, 100, 4000);
	CHECK(c.outage_ms == 0);
}

static void test_outage_unaffected(void)
{
	static const int none[][2] = { { 1000, 0 }, { 0, 0 } };
	/* a client of another site that lost 2 queries at +1 s: 10 ms, not 1 s */
	static const int blip[][2] = { { 400, 0 }, { 2, LAB_DEMO_LOST }, { 598, 0 }, { 0, 0 } };
	/* a loss before the failure is counted as lost, but is no outage of this failure */
	static const int early[][2] = { { 50, 0 }, { 3, LAB_DEMO_LOST }, { 947, 0 }, { 0, 0 } };
	struct lab_demo_fo_client c;

	timeline(&c, -1000, none);
	lab_demo_analyze(&c, 1, IV, 10, 4000);
	CHECK(c.outage_ms == 0);
	CHECK_INT(c.before, 0);
	CHECK_INT(c.after, 0);
	timeline(&c, -1000, blip);
	lab_demo_analyze(&c, 1, IV, 10, 4000);
	CHECK(c.outage_ms > 9.9 && c.outage_ms < 10.1);
	CHECK(c.outage_from_ms > 999.9 && c.outage_from_ms < 1000.1);
	timeline(&c, -1000, early);
	lab_demo_analyze(&c, 1, IV, 10, 4000);
	CHECK(c.outage_ms == 0);
	CHECK_INT(c.lost, 3);
}

static void test_outage_not_recovered(void)
{
	static const int runs[][2] = { { 200, 1 }, { 800, LAB_DEMO_LOST }, { 0, 0 } };
	struct lab_demo_fo_client c;

	timeline(&c, -1000, runs);
	lab_demo_analyze(&c, 1, IV, 10, 4000);
	CHECK_INT(c.recovered, 0);
	CHECK(c.outage_ms > 3999.9 && c.outage_ms < 4000.1);
	CHECK_INT(c.after, 1);
}

static void test_seg_merge_and_cap(void)
{
	struct lab_demo_fo_client *c = calloc(1, sizeof(*c));

	lab_demo_seg_add(c, 0, 5, 0, 1);
	lab_demo_seg_add(c, 5, 10, 0, 1);
	CHECK_INT(c->nseg, 1);
	CHECK_INT(c->seg[0].n, 2);
	for (int i = 0; i < 2 * LAB_DEMO_SEGS_MAX; i++)
		lab_demo_seg_add(c, 10 + i * 5, 15 + i * 5, i % 2 ? LAB_DEMO_LOST : 1, 1);
	CHECK_INT(c->nseg, LAB_DEMO_SEGS_MAX);
	CHECK(c->seg[LAB_DEMO_SEGS_MAX - 1].t1_ms > 10 + 2 * LAB_DEMO_SEGS_MAX * 5 - 1);
	free(c);
}

/* ---- a seed-like result ---- */

static void place(struct lab_demo_place *p, const char *name, const char *city, double lat,
		  double lon)
{
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->city, sizeof(p->city), "%s", city);
	p->lat = lat;
	p->lon = lon;
	p->located = 1;
}

static struct lab_demo *seed_result(void)
{
	static const struct {
		const char *name, *city;
		double lat, lon;
		int site;
		double rtt, uni[3];
		int after;
		int lost; /* failover 1: queries lost after the failure */
	} cl[] = {
		{ "paris", "Paris", 48.8566, 2.3522, 1, 4.2, { 88.1, 4.0, 141.2 }, 0, 61 },
		{ "boston", "Boston", 42.3601, -71.0589, 0, 3.1, { 3.0, 80.2, 163.3 }, 0, 0 },
		{ "berlin", "Berlin", 52.52, 13.405, 1, 10.6, { 98.7, 10.5, 135.1 }, 0, 58 },
		{ "sao-paulo",
		  "São Paulo",
		  -23.5505,
		  -46.6333,
		  0,
		  115.4,
		  { 115.2, 191.0, 275.5 },
		  0,
		  0 },
		{ "mumbai", "Mumbai", 19.076, 72.8777, 1, 108.9, { 190.3, 108.8, 190.1 }, 0, 64 },
		{ "seoul", "Seoul", 37.5665, 126.978, 2, 17.6, { 178.4, 160.2, 17.5 }, 2, 0 },
		{ "sydney", "Sydney", -33.8688, 151.2093, 2, 117.3, { 278.0, 259.9, 117.1 }, 2, 0 },
	};
	struct lab_demo *d = calloc(1, sizeof(*d));

	snprintf(d->lab, sizeof(d->lab), "seed");
	snprintf(d->anycast, sizeof(d->anycast), "192.0.2.1");
	place(&d->site[0], "nyc", "New York", 40.7128, -74.006);
	place(&d->site[1], "lon", "London", 51.5074, -0.1278);
	place(&d->site[2], "tyo", "Tokyo", 35.6762, 139.6503);
	d->nsites = 3;
	d->nclients = sizeof(cl) / sizeof(cl[0]);
	d->nfo = 2;
	d->up_s = 11.8;
	d->total_s = 41.3;
	for (size_t k = 0; k < 2; k++) {
		struct lab_demo_failover *f = &d->fo[k];

		f->site = 1;
		f->crash = (int)k;
		f->from_ms = -1000;
		f->to_ms = 4000;
		f->interval_ms = IV;
		f->heal_ms = k ? 2400 : 1300;
	}
	for (size_t i = 0; i < d->nclients; i++) {
		struct lab_demo_client *c = &d->client[i];

		place(&c->at, cl[i].name, cl[i].city, cl[i].lat, cl[i].lon);
		c->site = cl[i].site;
		/* the simulator got every client right but Mumbai */
		c->predicted = strcmp(cl[i].name, "mumbai") == 0 ? 0 : cl[i].site;
		c->rtt_ms = cl[i].rtt;
		for (int s = 0; s < 3; s++)
			c->unicast_ms[s] = cl[i].uni[s];
		for (size_t k = 0; k < 2; k++) {
			int lost = cl[i].lost / (k ? 2 : 1);
			int runs[5][2] = { { 200 + (lost ? 1 : 0), cl[i].site } };
			int n = 1;

			if (lost)
				runs[n][0] = lost, runs[n++][1] = LAB_DEMO_LOST;
			runs[n][0] = 1000 - runs[0][0] - lost, runs[n++][1] = cl[i].after;
			runs[n][0] = 0;
			timeline(&d->fo[k].c[i], -1000, (const int(*)[2])runs);
			lab_demo_analyze(&d->fo[k].c[i], 1, IV, 10, 4000);
		}
	}
	/* the detection chapter: the three sites found, the control judged unicast */
	struct lab_demo_detect *x = &d->detect;

	d->chapters = LAB_DEMO_CH_DETECT;
	x->ran = 1;
	x->anycast = 1;
	x->vps = 7;
	for (size_t s = 0; s < 3; s++)
		x->site[x->nsites++] = d->site[s];
	snprintf(x->unicast, sizeof(x->unicast), "198.51.100.11");
	snprintf(x->unicast_of, sizeof(x->unicast_of), "nyc");
	x->unicast_ran = 1;
	x->unicast_ok = 1;
	snprintf(x->unicast_city, sizeof(x->unicast_city), "New York");
	/* a client of another site that lost one query */
	timeline(&d->fo[0].c[5], -1000,
		 (const int[][2]){ { 500, 2 }, { 1, LAB_DEMO_LOST }, { 499, 2 }, { 0, 0 } });
	lab_demo_analyze(&d->fo[0].c[5], 1, IV, 10, 4000);
	return d;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_html(void)
{
	struct lab_demo *d = seed_result();
	struct buf b;
	char path[] = "/tmp/test_report.XXXXXX", err[256];
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	close(fd);
	CHECK_INT(lab_report_write(d, path, err, sizeof(err)), 0);
	FILE *f = fopen(path, "r");
	char *html = calloc(1, 1 << 20);
	size_t n = f ? fread(html, 1, (1 << 20) - 1, f) : 0;

	if (f)
		fclose(f);
	unlink(path);
	CHECK(n > 10000);
	CHECK(strncmp(html, "<!DOCTYPE html>", 15) == 0);
	CHECK(strstr(html, "</html>") != NULL);
	/* self-contained: nothing fetched from anywhere */
	CHECK(!strstr(html, "http:") && !strstr(html, "https:") && !strstr(html, "<script"));
	CHECK(!strstr(html, "src="));
	CHECK_INT(count(html, "<svg"), 4); /* the map, two timelines, the detection's map */
	CHECK_INT(count(html, "class=\"site\""), 3);
	CHECK_INT(count(html, "class=\"client\""), 7);
	CHECK_INT(count(html, "class=\"serve\""), 7); /* a line from every client */
	CHECK(count(html, "class=\"land\"") == 2);
	CHECK(count(html, "class=\"fail\"") == 2);
	CHECK(strstr(html, "São Paulo") != NULL);
	CHECK(strstr(html, ">paris</text>") != NULL);
	CHECK(strstr(html, "lon crashes (links cut)") != NULL);
	CHECK(strstr(html, "fill=\"#d62728\"") != NULL); /* lost queries */
	/* the one client the simulator got wrong is marked, and only it */
	CHECK_INT(count(html, "<span class=\"miss\">predicted nyc</span>"), 1);
	CHECK_INT(count(html, "class=\"miss\""), 1);
	CHECK(strstr(html, "predicted the site of 6 of 7 clients; the others are marked") != NULL);

	/* the detection chapter: the answer, the control, a ring on each city found */
	CHECK(strstr(html, "<h2 id=\"detect\">Is 192.0.2.1 anycast?</h2>") != NULL);
	CHECK(strstr(html, "<b>Yes</b>: 3 sites, in New York, London and Tokyo, from the "
			   "round-trip times of 7 clients.") != NULL);
	CHECK(strstr(html, "<code>198.51.100.11</code> (nyc's own address): <b>unicast</b>, "
			   "placed in New York.") != NULL);
	CHECK_INT(count(html, "class=\"detected\""), 3);
	CHECK_INT(count(html, "class=\"truth\""), 3);
	CHECK_INT(count(html, "class=\"vp\""), 7);
	CHECK(strstr(html, "class=\"lb detlb\"") != NULL);
	/* the ring of London is where the map puts London */
	char ring[96];

	snprintf(ring, sizeof(ring), "<circle class=\"detected\" cx=\"%.1f\" cy=\"%.1f\"",
		 (-0.1278 + 180) * 1200.0 / 360, (80 - 51.5074) * 1200.0 / 360);
	CHECK(strstr(html, ring) != NULL);
	CHECK(strstr(html, "<b>yes, 3 sites</b>") != NULL); /* the stat card */

	const char *out = getenv("LAB_REPORT_OUT");

	if (out && *out)
		CHECK_INT(lab_report_write(d, out, err, sizeof(err)), 0);
	buf_init(&b);
	lab_report_html(d, &b);
	CHECK(b.len == n);
	buf_free(&b);
	CHECK_INT(lab_report_write(d, "/nonexistent/dir/x.html", err, sizeof(err)), -1);
	CHECK(strstr(err, "/nonexistent/dir/x.html") != NULL);
	free(html);
	free(d);
}

/* Characters (not bytes) before word on the line that starts with start; -1 if none. */
static long column(const char *text, const char *start, const char *word)
{
	const char *l = strstr(text, start), *w, *nl;
	long n = 0;

	if (!l || !(w = strstr(l, word)) || ((nl = strchr(l, '\n')) && nl < w))
		return -1;
	for (; l < w; l++)
		n += ((unsigned char)*l & 0xc0) != 0x80;
	return n;
}

static void test_json_and_text(void)
{
	struct lab_demo *d = seed_result();
	struct buf b;

	buf_init(&b);
	lab_demo_json(d, &b);
	buf_put8(&b, 0);
	const char *j = (const char *)b.data;

	CHECK(strncmp(j,
		      "{\"lab\":\"seed\",\"anycast_address\":\"192.0.2.1\",\"sites\":"
		      "[\"nyc\",\"lon\",\"tyo\"],\"clients\":[{\"name\":\"paris\"",
		      96) == 0);
	CHECK(strstr(j, "\"site\":\"lon\",\"rtt_ms\":4.2,\"predicted_site\":\"lon\",") != NULL);
	CHECK(strstr(j, "\"name\":\"mumbai\",\"city\":\"Mumbai\",\"site\":\"lon\",\"rtt_ms\":108.9,"
			"\"predicted_site\":\"nyc\"") != NULL);
	CHECK(strstr(j,
		     "{\"failed\":\"lon\",\"kind\":\"service\",\"client\":\"paris\","
		     "\"site_before\":\"lon\",\"new_site\":\"nyc\",\"outage_ms\":310.0,") != NULL);
	CHECK(strstr(j, "\"kind\":\"site\",\"client\":\"sydney\"") != NULL);
	CHECK_INT(count(j, "\"failed\":"), 2 * 7 + 2);
	CHECK(j[b.len - 2] == '\n' && j[b.len - 3] == '}');
	buf_free(&b);

	buf_init(&b);
	lab_demo_text(d, &b);
	buf_put8(&b, 0);
	const char *t = (const char *)b.data;

	CHECK(strstr(t, "lab seed: anycast 192.0.2.1 from nyc (New York), lon (London)") != NULL);
	/* UTF-8 city labels keep the columns aligned */
	CHECK(column(t, "sao-paulo ", "nyc") == column(t, "paris ", "lon"));
	CHECK(column(t, "sao-paulo ", "nyc") == 20);
	CHECK(strstr(t, "failover 1: lon service failure") != NULL);
	CHECK(strstr(t, "310.0 ms  61/1000") != NULL);
	CHECK_INT(count(t, "(predicted: "), 1);
	CHECK(strstr(t, "(predicted: nyc)") != NULL);
	CHECK(strstr(t, "anycast sim --topology predicted the site of 6 of 7 clients") != NULL);
	CHECK(strstr(t, "\nis 192.0.2.1 anycast? yes: 3 sites: New York, London, Tokyo (from the "
			"RTTs of 7 clients)\n198.51.100.11 (nyc's own address): unicast, at New "
			"York\n") != NULL);
	buf_free(&b);
	free(d);
}

/* The chapter's JSON: the DESIGN.md fields under "chapters", with the found cities. */
static void test_detect_json(void)
{
	struct lab_demo *d = seed_result();
	struct buf b;

	buf_init(&b);
	lab_demo_json(d, &b);
	buf_put8(&b, 0);
	CHECK(strstr((const char *)b.data,
		     "],\"chapters\":{\"detect\":{\"address\":\"192.0.2.1\",\"anycast\":true,"
		     "\"vps\":7,\"sites\":[{\"city\":\"New York\",\"lat\":40.7128,\"lon\":-74.0060,"
		     "\"site\":\"nyc\"},{\"city\":\"London\",\"lat\":51.5074,\"lon\":-0.1278,"
		     "\"site\":\"lon\"},{\"city\":\"Tokyo\",\"lat\":35.6762,\"lon\":139.6503,"
		     "\"site\":\"tyo\"}],\"unicast_address\":\"198.51.100.11\",\"unicast_site\":"
		     "\"nyc\",\"unicast_check\":true}},\"up_s\":") != NULL);
	buf_free(&b);

	/* not asked for: an empty "chapters"; nothing in the text or the report */
	d->chapters = 0;
	buf_init(&b);
	lab_demo_json(d, &b);
	buf_put8(&b, 0);
	CHECK(strstr((const char *)b.data, "\"chapters\":{},") != NULL);
	buf_reset(&b);
	lab_demo_text(d, &b);
	buf_put8(&b, 0);
	CHECK(!strstr((const char *)b.data, "anycast?"));
	buf_reset(&b);
	lab_report_html(d, &b);
	buf_put8(&b, 0);
	CHECK(!strstr((const char *)b.data, "id=\"detect\""));
	CHECK_INT(count((const char *)b.data, "<svg"), 3);
	buf_free(&b);
	free(d);
}

/* A detection that could not run says why everywhere, and the demo's other parts stay. */
static void test_detect_failed(void)
{
	struct lab_demo *d = seed_result();
	struct lab_demo_detect *x = &d->detect;
	struct buf b;

	x->ran = 0;
	x->nsites = 0;
	x->vps = 0;
	snprintf(x->why, sizeof(x->why), "no client of lab seed reached 192.0.2.1");
	x->unicast_ran = 0;
	x->unicast_ok = 0;
	snprintf(x->unicast_why, sizeof(x->unicast_why), "no client of lab seed reached it");
	buf_init(&b);
	lab_demo_json(d, &b);
	buf_put8(&b, 0);
	CHECK(strstr((const char *)b.data,
		     "\"detect\":{\"address\":\"192.0.2.1\",\"anycast\":null,\"error\":\"no client "
		     "of lab seed reached 192.0.2.1\",\"vps\":0,\"sites\":[],") != NULL);
	CHECK(strstr((const char *)b.data, "\"unicast_check\":false,\"unicast_error\":") != NULL);
	buf_reset(&b);
	lab_demo_text(d, &b);
	buf_put8(&b, 0);
	CHECK(strstr((const char *)b.data, "is 192.0.2.1 anycast? not measured: no client of lab "
					   "seed reached 192.0.2.1\n") != NULL);
	CHECK(strstr((const char *)b.data, "failover 2: lon site crash") != NULL);
	buf_reset(&b);
	lab_report_html(d, &b);
	buf_put8(&b, 0);
	CHECK(strstr((const char *)b.data, "<p class=\"answer\">Not measured: no client of lab "
					   "seed reached 192.0.2.1</p>") != NULL);
	CHECK_INT(count((const char *)b.data, "class=\"detected\""), 0);
	CHECK_INT(count((const char *)b.data, "<svg"), 3);
	buf_free(&b);
	free(d);
}

/* The chapter "a site hangs": medians over the frozen site's clients only, in the JSON, the
 * text and the report; a run not made is null with why. */
static void test_hang(void)
{
	struct lab_demo *d = seed_result();
	struct lab_demo_hang *h = &d->hang;
	double bfd[3], hold[3];
	size_t n = 0;
	char want[128];
	struct buf b;

	d->chapters = LAB_DEMO_CH_HANG;
	h->site = 1;
	h->hold_s = 9;
	h->bfd_ran = h->hold_ran = 1;
	h->bfd = d->fo[0];
	h->hold = d->fo[0];
	for (size_t i = 0; i < d->nclients; i++) {
		if (h->bfd.c[i].before != 1)
			continue;
		h->hold.c[i].outage_ms += 7000 + 100 * (double)i;
		bfd[n] = h->bfd.c[i].outage_ms;
		hold[n++] = h->hold.c[i].outage_ms;
	}
	CHECK_INT(n, 3); /* paris, berlin, mumbai; seoul's lost query is no outage of lon */
	/* the median of three: the one neither below both others nor above both */
	double mb = -1, mh = -1;

	for (size_t i = 0; i < 3; i++) {
		if ((bfd[i] >= bfd[(i + 1) % 3]) != (bfd[i] >= bfd[(i + 2) % 3]) ||
		    bfd[i] == bfd[(i + 1) % 3])
			mb = bfd[i];
		if ((hold[i] >= hold[(i + 1) % 3]) != (hold[i] >= hold[(i + 2) % 3]) ||
		    hold[i] == hold[(i + 1) % 3])
			mh = hold[i];
	}
	CHECK(lab_demo_fo_median(d, &h->bfd) == mb);
	CHECK(lab_demo_fo_median(d, &h->hold) == mh);
	buf_init(&b);
	lab_demo_json(d, &b);
	buf_put8(&b, 0);
	snprintf(want, sizeof(want),
		 "\"hang\":{\"site\":\"lon\",\"hold_time_s\":9,\"bfd_outage_ms\":%.1f,"
		 "\"hold_outage_ms\":%.1f,\"clients\":[{\"client\":\"paris\"",
		 mb, mh);
	CHECK(strstr((const char *)b.data, want) != NULL);
	const char *ch = strstr((const char *)b.data, "\"hang\":");

	CHECK(ch && count(ch, "\"bfd_new_site\":\"nyc\"") == 3);
	CHECK(ch && !strstr(ch, "\"client\":\"seoul\""));
	buf_reset(&b);
	lab_demo_text(d, &b);
	buf_put8(&b, 0);
	snprintf(want, sizeof(want), "BFD saved each of them %.1f s", (mh - mb) / 1e3);
	CHECK(strstr((const char *)b.data, want) != NULL);
	buf_reset(&b);
	lab_report_html(d, &b);
	buf_put8(&b, 0);
	CHECK(strstr((const char *)b.data, "<h2>A site hangs: lon</h2>") != NULL);
	/* the map, two failover timelines and the hang timeline */
	CHECK_INT(count((const char *)b.data, "<svg"), 4);
	/* the run without BFD not made */
	h->hold_ran = 0;
	snprintf(h->why, sizeof(h->why), "hold time 90 s: too long");
	buf_reset(&b);
	lab_demo_json(d, &b);
	buf_put8(&b, 0);
	CHECK(strstr((const char *)b.data,
		     "\"hold_outage_ms\":null,\"error\":\"hold time 90 s: too long\"") != NULL);
	CHECK(strstr((const char *)b.data, "\"hold_new_site\":null") != NULL);
	buf_free(&b);
	free(d);
}

/* The chapter tcp, written by hand: the DESIGN.md fields under "chapters", the counts of the
 * connections open at the event apart from the rest, the table and the report's section. */
static void test_tcp(void)
{
	struct lab_demo *d = seed_result();
	struct lab_demo_tcp *t = &d->tcp;
	struct buf b;
	const char *js;

	d->chapters = LAB_DEMO_CH_TCP;
	t->ran = 1;
	t->site = 1;
	t->connections = 4;
	t->rate = 10;
	t->drain_wait_s = 5;
	for (int k = 0; k < 2; k++) {
		struct lab_demo_tcp_run *r = k ? &t->drain : &t->failover;

		r->ran = 1;
		r->n = 1;
		r->open_at = 4;
		r->reset_of_open = k ? 0 : 4;
		r->reset = k ? 1 : 4;
		r->opened = k ? 9 : 8;
		r->closed_orderly = k ? 5 : 0;
		r->answered = r->sent = 100;
		r->moved = 1;
		r->move_ms = 120;
		snprintf(r->c[0].client, sizeof(r->c[0].client), "paris");
		snprintf(r->c[0].before, sizeof(r->c[0].before), "lon");
		snprintf(r->c[0].after, sizeof(r->c[0].after), "nyc");
		r->c[0].ran = 1;
		r->c[0].open_at = 4;
		r->c[0].reset = r->reset;
		r->c[0].reset_of_open = r->reset_of_open;
	}
	buf_init(&b);
	lab_demo_json(d, &b);
	buf_put8(&b, 0);
	js = strstr((const char *)b.data, "\"chapters\":{\"tcp\":{\"site\":\"lon\",\"ran\":true");
	CHECK(js != NULL);
	CHECK(js && strstr(js, "\"failover\":{\"ran\":true,\"opened\":8,\"reset\":4,") != NULL);
	CHECK(js && strstr(js, "\"drain\":{\"ran\":true,\"opened\":9,\"reset\":1,") != NULL);
	CHECK(js && strstr(js, "\"open_at_event\":4,\"reset_of_open\":0,\"moved\":1,"
			       "\"move_ms\":120.0") != NULL);
	CHECK(js && strstr(js, "\"before\":\"lon\",\"after\":\"nyc\"") != NULL);
	buf_reset(&b);
	lab_demo_text(d, &b);
	buf_put8(&b, 0);
	CHECK(strstr((const char *)b.data, "drain    4 connections open, 0 of them reset (1 reset "
					   "in all)") != NULL);
	buf_reset(&b);
	lab_report_html(d, &b);
	buf_put8(&b, 0);
	CHECK(strstr((const char *)b.data, "<h2 id=\"tcp\">") != NULL);
	CHECK(strstr((const char *)b.data, "the drain broke <b>0</b> of 4") != NULL);
	CHECK(strstr((const char *)b.data, "<p>1 new connection, opened during the drain while the "
					   "routers converged, was reset") != NULL);
	CHECK(strstr((const char *)b.data, "lon never saw it;") != NULL);
	/* not run: says why */
	t->ran = t->failover.ran = t->drain.ran = 0;
	snprintf(t->why, sizeof(t->why), "no client is answered by lon");
	buf_reset(&b);
	lab_demo_json(d, &b);
	buf_put8(&b, 0);
	CHECK(strstr((const char *)b.data, "\"why\":\"no client is answered by lon\"") != NULL);
	buf_free(&b);
	free(d);
}

int main(void)
{
	RUN(test_outage_affected);
	RUN(test_outage_from_failure_instant);
	RUN(test_outage_rerouted_in_flight);
	RUN(test_outage_unaffected);
	RUN(test_outage_not_recovered);
	RUN(test_seg_merge_and_cap);
	RUN(test_html);
	RUN(test_json_and_text);
	RUN(test_detect_json);
	RUN(test_detect_failed);
	RUN(test_hang);
	RUN(test_tcp);
	return t_done();
}
