/* anycast detect on synthetic measurements: vantage points in known cities measure targets
 * whose sites are known, with RTTs from a path model (great circle times an inflation, at the
 * speed of light in fibre, plus a last-mile delay), so that every expectation follows from the
 * geometry and not from a recorded answer. Also the parsers, the JSON reader and the output. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detect/cities.h"
#include "detect/detect.h"
#include "lib/jread.h"
#include "t.h"

struct pt {
	const char *name;
	double lat, lon;
};

/* Vantage points: large cities on every continent. */
static const struct pt vps[] = {
	{ "new-york", 40.7128, -74.0060 },     { "boston", 42.3601, -71.0589 },
	{ "chicago", 41.8781, -87.6298 },      { "los-angeles", 34.0522, -118.2437 },
	{ "seattle", 47.6062, -122.3321 },     { "dallas", 32.7767, -96.7970 },
	{ "miami", 25.7617, -80.1918 },        { "toronto", 43.6532, -79.3832 },
	{ "mexico", 19.4326, -99.1332 },       { "bogota", 4.7110, -74.0721 },
	{ "sao-paulo", -23.5505, -46.6333 },   { "buenos-aires", -34.6037, -58.3816 },
	{ "santiago", -33.4489, -70.6693 },    { "london", 51.5074, -0.1278 },
	{ "paris", 48.8566, 2.3522 },          { "frankfurt", 50.1109, 8.6821 },
	{ "amsterdam", 52.3676, 4.9041 },      { "madrid", 40.4168, -3.7038 },
	{ "rome", 41.9028, 12.4964 },          { "stockholm", 59.3293, 18.0686 },
	{ "warsaw", 52.2297, 21.0122 },        { "moscow", 55.7558, 37.6173 },
	{ "istanbul", 41.0082, 28.9784 },      { "cairo", 30.0444, 31.2357 },
	{ "lagos", 6.5244, 3.3792 },           { "nairobi", -1.2921, 36.8219 },
	{ "johannesburg", -26.2041, 28.0473 }, { "dubai", 25.2048, 55.2708 },
	{ "mumbai", 19.0760, 72.8777 },        { "delhi", 28.7041, 77.1025 },
	{ "singapore", 1.3521, 103.8198 },     { "hong-kong", 22.3193, 114.1694 },
	{ "shanghai", 31.2304, 121.4737 },     { "seoul", 37.5665, 126.9780 },
	{ "tokyo", 35.6762, 139.6503 },        { "sydney", -33.8688, 151.2093 },
	{ "melbourne", -37.8136, 144.9631 },   { "auckland", -36.8485, 174.7633 },
};
#define NVPS (sizeof(vps) / sizeof(vps[0]))

#define KM_PER_MS 199.86 /* 2/3 c */
#define INFLATION 1.6
#define LAST_MILE_MS 1.0

/* A small deterministic generator for the noise. */
static unsigned long rng = 1;
static double noise(double max)
{
	rng = rng * 6364136223846793005ul + 1442695040888963407ul;
	return max * (double)(rng >> 33) / (double)(1ul << 31);
}

/* Every vantage point reaches its nearest site (a well-behaved anycast routing). */
static double rtt_to(const struct pt *v, const struct pt *sites, size_t n, size_t *which)
{
	double best = INFINITY;

	for (size_t i = 0; i < n; i++) {
		double d = det_distance_km(v->lat, v->lon, sites[i].lat, sites[i].lon);

		if (d < best) {
			best = d;
			if (which)
				*which = i;
		}
	}
	return 2 * best * INFLATION / KM_PER_MS + LAST_MILE_MS;
}

static void measure(struct det_input *in, const struct pt *sites, size_t n, double noise_ms)
{
	det_input_init(in);
	for (size_t i = 0; i < NVPS; i++)
		det_input_add(in, vps[i].name, vps[i].lat, vps[i].lon,
			      rtt_to(&vps[i], sites, n, NULL) + noise(noise_ms));
	det_input_merge(in);
}

static double site_err(const struct det_site *s, const struct pt *p)
{
	return det_distance_km(s->city.lat, s->city.lon, p->lat, p->lon);
}

/* Each found site near a distinct true site: returns how many true sites were matched
 * within km; a found site near none makes it return -1. */
static int matched(const struct det_result *r, const struct pt *sites, size_t n, double km)
{
	int hit[64] = { 0 }, count = 0;

	for (size_t i = 0; i < r->nsites; i++) {
		size_t best = 0;

		for (size_t k = 1; k < n; k++)
			if (site_err(&r->site[i], &sites[k]) < site_err(&r->site[i], &sites[best]))
				best = k;
		if (site_err(&r->site[i], &sites[best]) > km)
			return -1;
		if (!hit[best]++)
			count++;
	}
	return count;
}

static void test_unicast(void)
{
	static const struct pt site[] = { { "frankfurt", 50.1109, 8.6821 } };
	struct det_input in;
	struct det_result r;
	struct det_params p;

	det_params_default(&p);
	measure(&in, site, 1, 0);
	CHECK_INT(det_run(&in, &p, &r), 0);
	CHECK_INT(r.anycast, 0);
	CHECK_INT(r.nsites, 1);
	CHECK(r.nsites == 1 && site_err(&r.site[0], &site[0]) < 40);
	CHECK_INT(r.vps, NVPS);
	/* every vantage point's disc holds Frankfurt, so every one counts for it */
	CHECK_INT(r.nsites ? r.site[0].vps : 0, NVPS);
	det_result_free(&r);
	det_input_free(&in);
}

static void test_two_sites_ocean_apart(void)
{
	static const struct pt sites[] = { { "new-york", 40.7128, -74.0060 },
					   { "london", 51.5074, -0.1278 } };
	struct det_input in;
	struct det_result r;
	struct det_params p;

	det_params_default(&p);
	measure(&in, sites, 2, 0);
	det_run(&in, &p, &r);
	CHECK_INT(r.anycast, 1);
	CHECK_INT(r.nsites, 2);
	CHECK_INT(matched(&r, sites, 2, 40), 2);
	for (size_t i = 0; i < r.nsites; i++)
		CHECK(r.site[i].confidence > 0 && r.site[i].confidence <= 1);
	det_result_free(&r);
	det_input_free(&in);
}

static const struct pt ten[] = {
	{ "los-angeles", 34.0522, -118.2437 }, { "miami", 25.7617, -80.1918 },
	{ "sao-paulo", -23.5505, -46.6333 },   { "london", 51.5074, -0.1278 },
	{ "moscow", 55.7558, 37.6173 },        { "johannesburg", -26.2041, 28.0473 },
	{ "mumbai", 19.0760, 72.8777 },        { "singapore", 1.3521, 103.8198 },
	{ "tokyo", 35.6762, 139.6503 },        { "sydney", -33.8688, 151.2093 },
};

static void test_ten_sites(void)
{
	struct det_input in;
	struct det_result r;
	struct det_params p;
	size_t total = 0;

	det_params_default(&p);
	measure(&in, ten, 10, 0);
	det_run(&in, &p, &r);
	CHECK_INT(r.anycast, 1);
	CHECK_INT(r.nsites, 10);
	CHECK_INT(matched(&r, ten, 10, 40), 10);
	for (size_t i = 0; i < r.nsites; i++)
		total += r.site[i].vps;
	CHECK(total <= r.vps);
	det_result_free(&r);

	/* iGreedy's independent set alone, without iterations, cannot find more */
	p.rounds = 0;
	det_run(&in, &p, &r);
	CHECK(r.nsites <= 10 && matched(&r, ten, 10, 40) == (int)r.nsites);
	det_result_free(&r);
	det_input_free(&in);
}

static void test_noisy(void)
{
	struct det_input in;
	struct det_result r;
	struct det_params p;

	det_params_default(&p);
	rng = 42;
	/* up to 15 ms of queueing on every RTT: discs grow, never shrink, so no false site and
	 * anycast still proven; the cities may move, but not by more than a disc */
	measure(&in, ten, 10, 15);
	det_run(&in, &p, &r);
	CHECK_INT(r.anycast, 1);
	CHECK(r.nsites >= 5 && r.nsites <= 10);
	CHECK(matched(&r, ten, 10, 15 / 2.0 * KM_PER_MS + 300) == (int)r.nsites);
	det_result_free(&r);
	det_input_free(&in);
}

/* Probes that are not where they say: each case adds its probes to a unicast target in New
 * York measured from everywhere; the outlier test must set aside exactly the misplaced one,
 * and without it the target would look anycast. */
static const struct {
	const char *what;
	struct det_vp add[4];
} misplaced[] = {
	{ "in New York, its owner says London; three honest probes there",
	  { { "liar", 51.50, -0.12, 1.5 },
	    { "london-2", 51.52, -0.10, 70.0 },
	    { "london-3", 51.45, -0.05, 72.0 },
	    { "croydon", 51.37, -0.10, 71.0 } } },
	{ "at the United States' centroid, where a geolocation database puts it",
	  { { "kansas", 38.0, -97.0, 0.8 } } },
};

static void test_misplaced(void)
{
	static const struct pt site[] = { { "new-york", 40.7128, -74.0060 } };

	for (size_t c = 0; c < sizeof(misplaced) / sizeof(misplaced[0]); c++) {
		struct det_input in;
		struct det_result r;
		struct det_params p;

		det_params_default(&p);
		measure(&in, site, 1, 0);
		for (size_t k = 0; k < 4 && misplaced[c].add[k].name[0]; k++) {
			const struct det_vp *v = &misplaced[c].add[k];

			det_input_add(&in, v->name, v->lat, v->lon, v->rtt_ms);
		}
		det_input_merge(&in);
		det_run(&in, &p, &r);
		if (r.anycast || r.outliers != 1)
			fprintf(stderr, "misplaced: %s\n", misplaced[c].what);
		CHECK_INT(r.anycast, 0);
		CHECK_INT(r.outliers, 1);
		CHECK(r.nsites == 1 && site_err(&r.site[0], &site[0]) < 40);
		det_result_free(&r);
		p.outliers = 0;
		det_run(&in, &p, &r);
		CHECK_INT(r.anycast, 1);
		det_result_free(&r);
		det_input_free(&in);
	}
}

static void test_lab_places(void)
{
	/* candidates given (the lab's cities): the disc of a client in Boston 8 ms from a site
	 * holds Boston and New York; with the path inflation known, the site is where a path of
	 * that inflation ends, not at the client */
	static const struct det_place places[] = {
		{ "Boston", "US", 42.3601, -71.0589, 650000 },
		{ "New York", "US", 40.7128, -74.0060, 8000000 },
		{ "Seoul", "KR", 37.5665, 126.9780, 10000000 },
		{ "Tokyo", "JP", 35.6762, 139.6503, 8000000 },
	};
	struct det_input in;
	struct det_result r;
	struct det_params p;

	det_params_default(&p);
	p.places = places;
	p.nplaces = 4;
	p.inflation = 1.5;
	p.w_near = 0;
	p.w_dist = 5;
	det_input_init(&in);
	/* one way: distance * 1.5 * 5 us/km, as lab links */
	det_input_add(&in, "boston", 42.3601, -71.0589, 2 * 306 * 1.5 * 0.005 + 0.4);
	det_input_add(&in, "seoul", 37.5665, 126.9780, 2 * 1160 * 1.5 * 0.005 + 0.4);
	det_input_merge(&in);
	det_run(&in, &p, &r);
	CHECK_INT(r.anycast, 1);
	CHECK_INT(r.nsites, 2);
	for (size_t i = 0; i < r.nsites; i++)
		CHECK(strcmp(r.site[i].city.name, "New York") == 0 ||
		      strcmp(r.site[i].city.name, "Tokyo") == 0);
	det_result_free(&r);
	det_input_free(&in);
}

static void test_cities(void)
{
	size_t n;
	const struct det_city *t = det_city_table(&n), *c;

	CHECK(n > 20000);
	for (size_t i = 1; i < n; i++)
		if (t[i].lat < t[i - 1].lat) {
			CHECK(!"table not sorted by latitude");
			break;
		}
	c = det_city_near(35.68, 139.65, 30);
	CHECK(c && strcmp(c->cc, "JP") == 0 && c->pop > 5000000);
	CHECK(det_city_near(-50, -140, 100) == NULL); /* the South Pacific */
	CHECK(fabs(det_distance_km(51.5074, -0.1278, 48.8566, 2.3522) - 344) < 2);
}

static void test_csv(void)
{
	static const char text[] = "# comment\n"
				   "vp,lat,lon,rtt_ms,extra\n"
				   "a,40.7,-74.0,1.5,x\n"
				   "b,91,0,3\n" /* 3: bad latitude */
				   "c,10,10\n"  /* 4: short */
				   "\n"
				   "d,10,10,abc\n"      /* 6: RTT not a number */
				   "e,51.5,-0.1,-1\n"   /* 7: negative RTT */
				   "a,40.7,-74.0,1.2\n" /* same VP: the smaller RTT wins */
				   "f,35.6,139.6,0.9\r\n";
	struct det_input in;
	struct buf msgs;

	det_input_init(&in);
	buf_init(&msgs);
	CHECK_INT(det_csv_parse("m.csv", text, sizeof(text) - 1, &in, &msgs), 0);
	buf_put8(&msgs, 0);
	CHECK_INT(in.discarded, 4);
	CHECK(strstr((char *)msgs.data, "m.csv:4: latitude") != NULL);
	CHECK(strstr((char *)msgs.data, "m.csv:5: too few columns") != NULL);
	CHECK(strstr((char *)msgs.data, "m.csv:7: rtt_ms must be a number") != NULL);
	CHECK(strstr((char *)msgs.data, "m.csv:8: rtt_ms out of") != NULL);
	det_input_merge(&in);
	CHECK_INT(in.n, 2);
	CHECK(in.n == 2 && strcmp(in.vp[0].name, "a") == 0 && in.vp[0].rtt_ms == 1.2);
	CHECK(in.n == 2 && in.vp[1].rtt_ms == 0.9);
	det_input_free(&in);

	/* no header: the file is not ours */
	buf_reset(&msgs);
	CHECK_INT(det_csv_parse("x.csv", "1,2,3,4\n", 8, &in, &msgs), -1);
	buf_put8(&msgs, 0);
	CHECK(strncmp((char *)msgs.data, "x.csv:1: expected a header", 26) == 0);
	det_input_free(&in);
	buf_free(&msgs);
}

static void test_atlas(void)
{
	/* as the API returns them: /api/v2/measurements/N/results/ and /api/v2/probes/ */
	static const char results[] =
		"[{\"fw\":5080,\"type\":\"ping\",\"prb_id\":1001,\"dst_addr\":\"192.0.2.1\",\n"
		"  \"min\":4.2,\"avg\":5,\"max\":6,\"result\":[{\"rtt\":4.2},{\"rtt\":5.8}]},\n"
		" {\"fw\":5080,\"type\":\"ping\",\"prb_id\":1002,\"min\":-1,\n"
		"  \"result\":[{\"x\":\"*\"},{\"rtt\":12.5},{\"rtt\":11.25}]},\n"
		" {\"fw\":5080,\"type\":\"ping\",\"prb_id\":1003,\"min\":-1,\"result\":[{\"x\":\"*\"}]},\n"
		" {\"type\":\"traceroute\",\"prb_id\":1001},\n"
		" {\"type\":\"ping\",\"prb_id\":9999,\"min\":3},\n"
		" {\"type\":\"ping\",\"prb_id\":1001,\"min\":3.9}]\n";
	static const char probes[] =
		"{\"count\":3,\"results\":[\n"
		" {\"id\":1001,\"geometry\":{\"type\":\"Point\",\"coordinates\":[4.9,52.37]}},\n"
		" {\"id\":1002,\"latitude\":35.68,\"longitude\":139.69},\n"
		" {\"id\":1003,\"geometry\":{\"type\":\"Point\",\"coordinates\":[2.35,48.86]}},\n"
		" {\"id\":\"x\"}]}\n";
	struct det_input in;
	struct buf msgs;

	det_input_init(&in);
	buf_init(&msgs);
	CHECK_INT(det_atlas_parse("r.json", results, sizeof(results) - 1, "p.json", probes,
				  sizeof(probes) - 1, &in, &msgs),
		  0);
	buf_put8(&msgs, 0);
	CHECK(strstr((char *)msgs.data, "p.json:5: probe without a numeric id") != NULL);
	CHECK(strstr((char *)msgs.data, "r.json:5: no reply") != NULL);
	CHECK(strstr((char *)msgs.data, "r.json:6: not a ping result") != NULL);
	CHECK(strstr((char *)msgs.data, "r.json:7: probe not in the probes file") != NULL);
	CHECK_INT(in.discarded, 4);
	det_input_merge(&in);
	CHECK_INT(in.n, 2);
	if (in.n == 2) {
		CHECK_STR(in.vp[0].name, "1001");
		CHECK(in.vp[0].rtt_ms == 3.9 && in.vp[0].lat == 52.37 && in.vp[0].lon == 4.9);
		CHECK(in.vp[1].rtt_ms == 11.25 && in.vp[1].lat == 35.68);
	}
	det_input_free(&in);

	/* JSON lines, one result per line, but not two on one line */
	buf_reset(&msgs);
	CHECK_INT(det_atlas_parse("r.json",
				  "{\"prb_id\":1003,\"min\":2}\n{\"prb_id\":1002,"
				  "\"min\":3}\n",
				  48, "p.json", probes, sizeof(probes) - 1, &in, &msgs),
		  0);
	CHECK_INT(in.n, 2);
	det_input_free(&in);
	CHECK_INT(det_atlas_parse("r.json", "1 2", 3, "p.json", probes, sizeof(probes) - 1, &in,
				  &msgs),
		  -1);
	det_input_free(&in);

	/* not JSON at all */
	buf_reset(&msgs);
	CHECK_INT(det_atlas_parse("r.json", "[1,", 3, "p.json", probes, sizeof(probes) - 1, &in,
				  &msgs),
		  -1);
	buf_put8(&msgs, 0);
	CHECK(strncmp((char *)msgs.data, "r.json:1:4: ", 12) == 0);
	det_input_free(&in);
	buf_free(&msgs);
}

static void test_jread(void)
{
	static const struct {
		const char *text;
		int ok;
	} cases[] = {
		{ "{\"a\":[1,2.5e3,-0.5,true,false,null,\"x\\u00e9\\ud83d\\ude00\"]}", 1 },
		{ "[1,]", 0 },
		{ "{\"a\":1,}", 0 },
		{ "[01]", 0 },
		{ "1.", 0 },
		{ "-", 0 },
		{ "\"\\x\"", 0 },
		{ "\"a\nb\"", 0 },
		{ "\"\\ud800\"", 0 },
		{ "[", 0 },
		{ "{\"a\" 1}", 0 },
		{ "nul", 0 },
		{ "  [ ]  ", 1 },
		{ "{}", 1 },
	};
	char err[128], deep[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct jv v;
		size_t pos = 0;
		int line = 1, r = jv_parse(cases[i].text, strlen(cases[i].text), &pos, &line, &v,
					   err, sizeof(err));

		CHECK_INT(r == 0, cases[i].ok);
		if (r == 0 && i == 0) {
			const struct jv *a = jv_get(&v, "a");

			CHECK(a && a->n == 7 && a->item[1].num == 2500);
			CHECK(a && a->n == 7 &&
			      strcmp(a->item[6].str, "x\xc3\xa9\xf0\x9f\x98\x80") == 0);
		}
		jv_free(&v);
	}
	memset(deep, '[', sizeof(deep));
	struct jv v;
	size_t pos = 0;
	int line = 1;

	CHECK_INT(jv_parse(deep, sizeof(deep), &pos, &line, &v, err, sizeof(err)), -1);
	CHECK(strstr(err, "nested too deep") != NULL);
}

static void test_output(void)
{
	static const struct pt sites[] = { { "new-york", 40.7128, -74.0060 },
					   { "london", 51.5074, -0.1278 } };
	struct det_input in;
	struct det_result r;
	struct det_params p;
	struct buf out;
	struct jv v;
	size_t pos = 0;
	int line = 1;
	char err[128];

	det_params_default(&p);
	measure(&in, sites, 2, 0);
	in.discarded = 3;
	det_run(&in, &p, &r);
	buf_init(&out);
	det_json(&in, &r, &out);
	CHECK_INT(jv_parse((char *)out.data, out.len, &pos, &line, &v, err, sizeof(err)), 0);
	CHECK_INT(pos, out.len);
	CHECK(jv_get(&v, "anycast") && jv_get(&v, "anycast")->type == JV_TRUE);
	const struct jv *s = jv_get(&v, "sites"), *n = jv_get(&v, "vps");

	CHECK(s && s->type == JV_ARR && s->n == 2);
	for (size_t i = 0; s && i < s->n; i++) {
		static const char *const keys[] = { "city", "country", "lat", "lon", "vps" };

		for (size_t k = 0; k < 5; k++)
			CHECK(jv_get(&s->item[i], keys[k]) != NULL);
	}
	CHECK(n && n->num == NVPS);
	CHECK(jv_get(&v, "discarded") && jv_get(&v, "discarded")->num == 3);
	jv_free(&v);

	buf_reset(&out);
	det_text(&in, &r, &out);
	buf_put8(&out, 0);
	CHECK(strncmp((char *)out.data, "anycast: 2 sites", 16) == 0);
	CHECK(strstr((char *)out.data, "New York") != NULL);
	CHECK(strstr((char *)out.data, "London") != NULL);

	buf_reset(&out);
	det_svg(&in, &r, &out);
	buf_put8(&out, 0);
	CHECK(strncmp((char *)out.data, "<svg", 4) == 0);
	CHECK(strstr((char *)out.data, "class=\"land\"") != NULL);
	CHECK(strstr((char *)out.data, "class=\"disc\"") != NULL);
	CHECK(strstr((char *)out.data, "</svg>\n") != NULL);
	buf_free(&out);
	det_result_free(&r);
	det_input_free(&in);
}

int main(void)
{
	RUN(test_unicast);
	RUN(test_two_sites_ocean_apart);
	RUN(test_ten_sites);
	RUN(test_noisy);
	RUN(test_misplaced);
	RUN(test_lab_places);
	RUN(test_cities);
	RUN(test_csv);
	RUN(test_atlas);
	RUN(test_jread);
	RUN(test_output);
	return t_done();
}
