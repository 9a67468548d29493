/* The lab's DDoS pieces that need no lab: picking samples out of a site's metrics
 * (sitestats.c) and the chapter's renderings (report_ddos.c) from a model written by hand. */
#include <stdlib.h>
#include <string.h>

#include "lab/demo_ddos.h"
#include "lab/sitestats.h"
#include "t.h"

static const char metrics[] =
	"# HELP anycast_dns_answered_total Queries answered.\n"
	"# TYPE anycast_dns_answered_total counter\n"
	"anycast_dns_answered_total_x 7\n"
	"anycast_dns_answered_total 1234\n"
	"anycast_dns_dropped_total{reason=\"malformed\"} 3\n"
	"anycast_dns_dropped_total{reason=\"capacity\"} 56 1700000000000\n"
	"anycast_dns_queries_total{transport=\"udp\",x=\"reason=\\\"capacity\\\"\"} 9\n"
	"anycast_dns_load 0.42";

static const struct {
	const char *name, *label;
	int rc;
	double v;
} cases[] = {
	{ "anycast_dns_answered_total", NULL, 0, 1234 }, /* not the _x one before it */
	{ "anycast_dns_dropped_total", "reason=\"capacity\"", 0, 56 }, /* timestamp after */
	{ "anycast_dns_dropped_total", "reason=\"overflow\"", -1, 0 },
	{ "anycast_dns_load", NULL, 0, 0.42 },                         /* no final newline */
	{ "anycast_dns_queries_total", "reason=\"capacity\"", -1, 0 }, /* inside a value */
	{ "anycast_dns_dropped_total", NULL, 0, 3 },                   /* any labels: the first */
	{ "anycast_dns", NULL, -1, 0 },
};
static size_t cur;

static void test_metric(void)
{
	double v = -1;
	int rc = lab_metric_value(metrics, strlen(metrics), cases[cur].name, cases[cur].label, &v);

	CHECK_INT(rc, cases[cur].rc);
	if (rc == 0)
		CHECK(v > cases[cur].v - 1e-9 && v < cases[cur].v + 1e-9);
}

static void test_render(void)
{
	struct lab_demo_ddos *x = calloc(1, sizeof(*x));
	struct buf b;

	x->ran = 1;
	x->capacity = 2000;
	x->rate = 3000;
	x->victim_rate = 50;
	for (int k = 0; k < LAB_DDOS_RUNS; k++) {
		struct lab_ddos_run *r = &x->run[k];

		r->ran = k != LAB_DDOS_UNICAST;
		r->count = 9000;
		r->secs = 3;
		snprintf(r->why, sizeof(r->why), "not <here>");
		snprintf(r->attackers, sizeof(r->attackers), "paris,berlin");
		r->nsites = 2;
		snprintf(r->site[0].name, sizeof(r->site[0].name), "lon");
		r->site[0].ok = 1;
		r->site[0].answered = 6000;
		r->site[0].dropped = 3150 + (unsigned long)k;
		snprintf(r->site[1].name, sizeof(r->site[1].name), "nyc");
		r->nvictims = 1;
		snprintf(r->victim[0].client, sizeof(r->victim[0].client), "mumbai");
		snprintf(r->victim[0].site, sizeof(r->victim[0].site), "lon");
		r->victim[0].ran = 1;
		r->victim[0].lost = 70;
		r->victim[0].sent = 200;
		r->victim[0].rtt_ms = 115.5;
		r->victim[0].nseen = 2;
		snprintf(r->victim[0].seen[0], sizeof(r->victim[0].seen[0]), "lon");
		snprintf(r->victim[0].seen[1], sizeof(r->victim[0].seen[1]), "tyo");
	}
	buf_init(&b);
	lab_ddos_json(x, &b);
	buf_put8(&b, 0);
	/* the DESIGN.md shape at the top: the concentrated run */
	CHECK(strncmp((char *)b.data, "\"ddos\":{", 8) == 0);
	CHECK(strstr((char *)b.data,
		     "\"sites\":[{\"name\":\"lon\",\"answered\":6000,\"dropped\":3150}"));
	CHECK(strstr((char *)b.data, "{\"name\":\"nyc\",\"answered\":null,\"dropped\":null}"));
	CHECK(strstr((char *)b.data,
		     "\"victims\":[{\"client\":\"mumbai\",\"site\":\"lon\",\"lost\":70,"
		     "\"sent\":200,\"rtt_ms\":115.500"));
	CHECK(strstr((char *)b.data, "\"distributed\":{\"ran\":true"));
	CHECK(strstr((char *)b.data, "\"dropped\":3151"));
	CHECK(strstr((char *)b.data, "\"unicast\":{\"ran\":false"));
	CHECK(strstr((char *)b.data, "\"sites_seen\":[\"lon\",\"tyo\"]"));
	buf_reset(&b);
	lab_ddos_text(x, &b);
	buf_put8(&b, 0);
	CHECK(strstr((char *)b.data, "3000 queries/s"));
	CHECK(strstr((char *)b.data, "70/200"));
	CHECK(strstr((char *)b.data, "moved: lon>tyo"));
	CHECK(strstr((char *)b.data, "not run: not <here>"));
	buf_reset(&b);
	lab_ddos_html(x, &b);
	buf_put8(&b, 0);
	CHECK(strstr((char *)b.data, "<h2 id=\"ddos\">"));
	CHECK(strstr((char *)b.data, "not &lt;here&gt;")); /* escaped */
	CHECK(!strstr((char *)b.data, "<here>"));
	buf_free(&b);
	free(x);
}

int main(void)
{
	for (cur = 0; cur < sizeof(cases) / sizeof(cases[0]); cur++)
		RUN(test_metric);
	RUN(test_render);
	return t_done();
}
