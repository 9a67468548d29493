/* anycast sim: the as-rel reader, the graph, the three-phase propagation on small graphs whose
 * answers are worked out by hand below, and a property test against a brute-force fixpoint
 * (every AS re-selects from its neighbours' current routes, whole AS paths kept, until
 * nothing changes) written here independently of src/sim/prop.c. */
#include <bzlib.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/topo.h"
#include "sim/labsim.h"
#include "sim/prop.h"
#include "sim/real.h"
#include "sim/rovsweep.h"
#include "sim/scen.h"
#include "t.h"

/* A world: graph, scenario and the result of one propagation. */
struct world {
	struct sim_graph g;
	struct sim_scen s;
	struct sim_prep p;
	struct sim_best *best;
	const uint32_t *tie; /* per-node tie keys for sim_prepare, or NULL */
	int ncycle_warnings;
};

static void count_warn(void *arg, const char *msg)
{
	struct world *w = arg;

	w->ncycle_warnings++;
	CHECK(strstr(msg, "p2c cycle:") == msg);
}

static int w_graph(struct world *w, const char *asrel)
{
	struct sim_links l = { 0 };
	char err[256];

	memset(w, 0, sizeof(*w));
	w->s.origin = SIM_DEFAULT_ORIGIN;
	if (sim_asrel_parse("t.txt", asrel, strlen(asrel), &l, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		sim_links_free(&l);
		return -1;
	}
	sim_graph_build(&w->g, &l, count_warn, w);
	sim_links_free(&l);
	return 0;
}

static void w_site(struct world *w, const char *arg)
{
	char err[256];

	if (sim_site_add(&w->s, arg, err, sizeof(err)) < 0)
		fprintf(stderr, "%s\n", err);
}

static int w_run(struct world *w)
{
	char err[256];

	sim_prep_free(&w->p);
	free(w->best);
	w->best = NULL;
	if (sim_prepare(&w->g, &w->s, w->tie, NULL, &w->p, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	w->best = calloc(w->g.n + 1, sizeof(*w->best));
	sim_propagate(&w->g, &w->p, w->best);
	return 0;
}

static void w_free(struct world *w)
{
	sim_prep_free(&w->p);
	free(w->best);
	sim_graph_free(&w->g);
	sim_scen_free(&w->s);
}

/* "site/len/tied" of an AS: "-" when unreached, "hijacker/1/0" for the hijacker's route. */
static const char *at(struct world *w, uint32_t asn)
{
	static char buf[8][64];
	static int k;
	int64_t i = sim_graph_find(&w->g, asn);
	char *b = buf[k++ % 8];

	if (i < 0 || !w->best)
		return "not-in-graph";
	const struct sim_best *x = &w->best[i];

	if (x->site == SIM_NONE)
		return "-";
	snprintf(b, 64, "%s/%u/%u", x->site == w->s.nsites ? "hijacker" : w->s.sites[x->site].name,
		 x->len, x->tied);
	return b;
}

/* Reader */

static void test_asrel_parse(void)
{
	struct sim_links l = { 0 };
	char err[256];
	const char *ok = "# comment\n1|2|-1|bgp\r\n\n2|3|0\n# input clique: 1 2\n4|5|-1|bgp,mlp";

	CHECK_INT(sim_asrel_parse("f", ok, strlen(ok), &l, err, sizeof(err)), 0);
	CHECK_INT(l.n, 3);
	CHECK(l.v[0].a == 1 && l.v[0].b == 2 && l.v[0].rel == SIM_REL_P2C);
	CHECK(l.v[1].a == 2 && l.v[1].b == 3 && l.v[1].rel == SIM_REL_P2P);
	CHECK(l.v[2].a == 4 && l.v[2].b == 5 && l.v[2].rel == SIM_REL_P2C);
	sim_links_free(&l);

	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "1|2|-1\nx|2|0\n", "f:2: expected ASN|ASN|REL (first ASN)" },
		{ "1|2\n", "f:1: expected ASN|ASN|REL (second ASN)" },
		{ "#\n#\n1|2|1\n", "f:3: relation must be -1 (p2c) or 0 (p2p)" },
		{ "1|2|-10\n", "f:1: relation must be -1 (p2c) or 0 (p2p)" },
		{ "1|1|0\n", "f:1: a link from an AS to itself" },
		{ "0|1|0\n", "f:1: expected ASN|ASN|REL (first ASN)" },
		{ "1|4294967296|0\n", "f:1: expected ASN|ASN|REL (second ASN)" },
		{ "1|4294967295|0\n", NULL },
		{ " 1|2|0\n", "f:1: expected ASN|ASN|REL (first ASN)" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = sim_asrel_parse("f", bad[i].text, strlen(bad[i].text), &l, err,
					sizeof(err));

		CHECK_INT(r, bad[i].err ? -1 : 0);
		if (bad[i].err)
			CHECK_STR(err, bad[i].err);
		sim_links_free(&l);
	}
}

static void test_asrel_bz2(void)
{
	const char *text = "# c\n100|200|-1|bgp\n200|300|0|mlp\n";
	char path[] = "/tmp/anycast-sim-XXXXXX", err[256];
	char out[512];
	unsigned olen = sizeof(out);
	struct sim_links l = { 0 };
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK_INT(
		BZ2_bzBuffToBuffCompress(out, &olen, (char *)text, (unsigned)strlen(text), 9, 0, 0),
		BZ_OK);
	CHECK_INT(write(fd, out, olen), olen);
	close(fd);
	CHECK_INT(sim_asrel_load(path, &l, NULL, NULL, err, sizeof(err)), 0);
	CHECK_INT(l.n, 2);
	CHECK(l.n == 2 && l.v[1].a == 200 && l.v[1].b == 300 && l.v[1].rel == SIM_REL_P2P);
	sim_links_free(&l);
	/* a cut stream is an error, not a short graph */
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK_INT(write(fd, out, olen - 8), olen - 8);
	close(fd);
	CHECK_INT(sim_asrel_load(path, &l, NULL, NULL, err, sizeof(err)), -1);
	CHECK(strstr(err, "corrupt bzip2") != NULL);
	sim_links_free(&l);
	unlink(path);
	CHECK_INT(sim_asrel_load(path, &l, NULL, NULL, err, sizeof(err)), -1);
	CHECK(strstr(err, "No such file") != NULL);
}

static void test_graph(void)
{
	struct world w;

	/* 1 > 2 > 3, 1 > 4, 2 ~ 4 */
	CHECK_INT(w_graph(&w, "1|2|-1\n2|3|-1\n1|4|-1\n2|4|0\n"), 0);
	CHECK_INT(w.g.n, 4);
	CHECK_INT(w.g.nlinks, 4);
	CHECK_INT(w.g.ncycles, 0);
	int64_t i1 = sim_graph_find(&w.g, 1), i2 = sim_graph_find(&w.g, 2),
		i3 = sim_graph_find(&w.g, 3), i4 = sim_graph_find(&w.g, 4);

	CHECK(i1 >= 0 && i2 >= 0 && i3 >= 0 && i4 >= 0);
	CHECK_INT(sim_graph_find(&w.g, 5), -1);
	CHECK_INT(w.g.rank[i3], 0);
	CHECK_INT(w.g.rank[i4], 0);
	CHECK_INT(w.g.rank[i2], 1);
	CHECK_INT(w.g.rank[i1], 2);
	/* ranks order the indices */
	for (uint32_t i = 1; i < w.g.n; i++)
		CHECK(w.g.rank[i - 1] <= w.g.rank[i]);
	/* 1's customers: 2 and 4, sorted by index */
	CHECK_INT(w.g.off[SIM_CUST][i1 + 1] - w.g.off[SIM_CUST][i1], 2);
	CHECK(w.g.adj[SIM_CUST][w.g.off[SIM_CUST][i1]] <
	      w.g.adj[SIM_CUST][w.g.off[SIM_CUST][i1] + 1]);
	CHECK_INT(w.g.off[SIM_PEER][i4 + 1] - w.g.off[SIM_PEER][i4], 1);
	CHECK_INT(w.g.adj[SIM_PEER][w.g.off[SIM_PEER][i4]], i2);
	CHECK_INT(w.g.off[SIM_PROV][i3 + 1] - w.g.off[SIM_PROV][i3], 1);
	w_free(&w);

	/* a p2c cycle 1 > 2 > 3 > 1 is reported once and broken; 4 hangs below it */
	CHECK_INT(w_graph(&w, "1|2|-1\n2|3|-1\n3|1|-1\n3|4|-1\n"), 0);
	CHECK_INT(w.g.ncycles, 1);
	CHECK_INT(w.ncycle_warnings, 1);
	CHECK_INT(w.g.nlinks, 3);
	w_site(&w, "a=4");
	CHECK_INT(w_run(&w), 0);
	/* everyone still gets a route, and the propagation ended */
	CHECK(strcmp(at(&w, 1), "-") != 0 && strcmp(at(&w, 2), "-") != 0);
	w_free(&w);
}

/* Valley-free: 100 buys transit from 200 and 300; a route 100 learned from its provider 200
 * is not given to its other provider 300. */
static void test_valley_free(void)
{
	struct world w;

	w_graph(&w, "200|100|-1\n300|100|-1\n");
	w_site(&w, "a=200");
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 200), "a/1/0");
	CHECK_STR(at(&w, 100), "a/2/0");
	CHECK_STR(at(&w, 300), "-");
	w_free(&w);

	/* Customer beats peer beats provider whatever the length: 10 has a from its customer
	 * 20 over a 3-hop chain, b from its peer 30 at 1 hop, and chooses a. */
	w_graph(&w, "10|21|-1\n21|22|-1\n22|23|-1\n10|30|0\n40|10|-1\n40|50|-1\n50|30|-1\n");
	w_site(&w, "a=23");
	w_site(&w, "b=30");
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 10), "a/4/0");
	CHECK_STR(at(&w, 30), "b/1/0");
	/* 40 hears a from customer 10 (len 5) and b from customer 50 (30 > 50: len 3) */
	CHECK_STR(at(&w, 50), "b/2/0");
	CHECK_STR(at(&w, 40), "b/3/0");
	w_free(&w);
}

/* A peer route goes one hop: 2 learns from its peer 1, 3 (peer of 2) does not, 4 (customer
 * of 2) does. */
static void test_peer_one_hop(void)
{
	struct world w;

	w_graph(&w, "1|2|0\n2|3|0\n2|4|-1\n");
	w_site(&w, "a=1");
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 1), "a/1/0");
	CHECK_STR(at(&w, 2), "a/2/0");
	CHECK_STR(at(&w, 3), "-");
	CHECK_STR(at(&w, 4), "a/3/0");
	w_free(&w);

	/* a site's peer upstream: 6939 learns it as a peer route and exports it to customers
	 * only: its customer 5 gets it, its provider 7 and peer 8 do not */
	w_graph(&w, "6939|5|-1\n7|6939|-1\n6939|8|0\n");
	w_site(&w, "a=p6939");
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 6939), "a/1/0");
	CHECK_STR(at(&w, 5), "a/2/0");
	CHECK_STR(at(&w, 7), "-");
	CHECK_STR(at(&w, 8), "-");
	w_free(&w);
}

/* 30 buys from 10 and 20; a behind 10, b behind 20. */
static void test_prepend_and_ties(void)
{
	struct world w;

	w_graph(&w, "30|10|-1\n30|20|-1\n");
	w_site(&w, "a=20");
	w_site(&w, "b=10");
	CHECK_INT(w_run(&w), 0);
	/* equal: the lowest neighbour ASN (10) decides, and 30 is tied */
	CHECK_STR(at(&w, 30), "b/2/1");
	CHECK_STR(at(&w, 10), "b/1/0");
	/* b prepends twice: a wins at 30, untied; b's own upstream counts the prepends */
	w.s.sites[1].prepend = 2;
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 30), "a/2/0");
	CHECK_STR(at(&w, 10), "b/3/0");
	/* prepends on both, equal again */
	w.s.sites[0].prepend = 2;
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 30), "b/4/1");
	w_free(&w);

	/* Two sites behind the same upstream (both with the origin ASN): the first site wins the
	 * tie, and the upstream is tied. */
	w_graph(&w, "1|2|-1\n");
	w_site(&w, "x=2");
	w_site(&w, "y=2");
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 2), "x/1/1");
	CHECK_STR(at(&w, 1), "x/2/0");
	w_free(&w);
}

static void test_loops_and_failure(void)
{
	struct world w;

	/* the origin's ASN (64496) is an AS of the graph, customer of 100: its own ASN is at
	 * the end of every path, so it takes none; its customer 5 gets nothing either */
	w_graph(&w, "100|64496|-1\n64496|5|-1\n100|6|-1\n");
	w_site(&w, "a=100");
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 100), "a/1/0");
	CHECK_STR(at(&w, 64496), "-");
	CHECK_STR(at(&w, 5), "-");
	CHECK_STR(at(&w, 6), "a/2/0");
	/* another origin: 64496 is an ordinary AS again */
	w.s.origin = 65000;
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 64496), "a/2/0");
	CHECK_STR(at(&w, 5), "a/3/0");
	w_free(&w);

	/* a failed site: its ASes go to the other, the ones only it reached are unreached */
	w_graph(&w, "1|2|-1\n1|3|-1\n3|4|-1\n5|6|-1\n");
	w_site(&w, "a=2");
	w_site(&w, "b=4+6");
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 1), "a/2/0");
	CHECK_STR(at(&w, 5), "b/2/0");
	char err[64];

	CHECK_INT(sim_site_fail(&w.s, "b", err, sizeof(err)), 0);
	CHECK_INT(sim_site_fail(&w.s, "zz", err, sizeof(err)), -1);
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 4), "a/4/0");
	CHECK_STR(at(&w, 5), "-");
	CHECK_STR(at(&w, 6), "-");
	struct sim_count c;

	sim_count(&w.g, &w.p, w.best, NULL, &c);
	CHECK(c.total == 6 && c.unreached == 2 && c.ases[0] == 4 && c.ases[1] == 0);
	sim_count_free(&c);
	w_free(&w);
}

/* 1 is the top; 2 and 3 its customers; a behind 2; the hijacker 666 is a customer of 3.
 * 4 is a customer of 2 and 5 a customer of 3. */
static void test_hijack(void)
{
	static const char *g = "1|2|-1\n1|3|-1\n3|666|-1\n2|4|-1\n3|5|-1\n";
	struct world w;

	w_graph(&w, g);
	w_site(&w, "a=2");
	w.s.hijack = 666;
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 666), "hijacker/0/0");
	CHECK_STR(at(&w, 3), "hijacker/1/0"); /* customer route from 666 */
	CHECK_STR(at(&w, 5), "hijacker/2/0");
	CHECK_STR(at(&w, 1), "a/2/1"); /* a via 2 and hijacker via 3, both len 2 */
	CHECK_STR(at(&w, 4), "a/2/0");
	/* ROV everywhere: the hijacker keeps only itself */
	w.s.rov = SIM_ROV_ALL;
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 666), "hijacker/0/0");
	CHECK_STR(at(&w, 3), "a/3/0");
	CHECK_STR(at(&w, 5), "a/4/0");
	CHECK_STR(at(&w, 1), "a/2/0");
	/* ROV at 3 only: the same, since 3 is the hijacker's only way out */
	w.s.rov = SIM_ROV_SET;
	w.s.rov_asns = calloc(1, sizeof(uint32_t));
	w.s.rov_asns[0] = 3;
	w.s.nrov = 1;
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 5), "a/4/0");
	/* ROV at 1 only: 3 and 5 are hijacked, 1 no longer tied */
	w.s.rov_asns[0] = 1;
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 3), "hijacker/1/0");
	CHECK_STR(at(&w, 1), "a/2/0");
	w_free(&w);

	/* A more-specific wins wherever it arrives, even where the legitimate route is a
	 * customer route: 2 (a's provider) takes it from its provider 1. */
	w_graph(&w, g);
	w_site(&w, "a=2");
	w.s.hijack = 666;
	w.s.hijack_len = 25;
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 2), "hijacker/3/0");
	CHECK_STR(at(&w, 4), "hijacker/4/0");
	CHECK_STR(at(&w, 1), "hijacker/2/0");
	/* ROV at 1: the more-specific stays in 3's cone; 2 and 4 keep a */
	w.s.rov = SIM_ROV_SET;
	w.s.rov_asns = calloc(1, sizeof(uint32_t));
	w.s.rov_asns[0] = 1;
	w.s.nrov = 1;
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 1), "a/2/0");
	CHECK_STR(at(&w, 2), "a/1/0");
	CHECK_STR(at(&w, 5), "hijacker/2/0");
	w_free(&w);
}

/* The ROV adoption sweep on the graph of test_hijack, worked out by hand. Cones: 1 has all
 * six ASes, 3 has 3, 666 and 5, 2 has 2 and 4; so the order of adoption is 1, 3, 2. */
static void test_rov_sweep(void)
{
	static const char *g = "1|2|-1\n1|3|-1\n3|666|-1\n2|4|-1\n3|5|-1\n";
	static const size_t steps[] = { 0, 1, 2, 3, 9 };
	struct sim_sweep_pt pts[5];
	struct world w;
	uint32_t cone[8];

	w_graph(&w, g);
	sim_cone_sizes(&w.g, cone);
	CHECK_INT(cone[sim_graph_find(&w.g, 1)], 6);
	CHECK_INT(cone[sim_graph_find(&w.g, 3)], 3);
	CHECK_INT(cone[sim_graph_find(&w.g, 2)], 2);
	CHECK_INT(cone[sim_graph_find(&w.g, 666)], 1);
	w_site(&w, "a=2");
	w.s.hijack = 666;
	CHECK_INT(w_run(&w), 0);
	sim_rov_sweep(&w.g, &w.p, steps, 5, NULL, pts);
	/* none, or 1 alone: 666, 3 and 5 hijacked (1 is not on their way); with 3: only 666 */
	CHECK(pts[0].adopters == 0 && pts[0].hijacked == 3 && pts[0].total == 6);
	CHECK(pts[1].adopters == 1 && pts[1].hijacked == 3);
	CHECK(pts[2].adopters == 2 && pts[2].hijacked == 1);
	CHECK(pts[3].adopters == 3 && pts[3].hijacked == 1);
	CHECK(pts[4].adopters == 3); /* only three transit ASes */
	CHECK(pts[2].share > 0.1666 && pts[2].share < 0.1667);
	w_free(&w);

	/* A /25: everybody takes it at first; 1 validating keeps it inside 3's cone. */
	w_graph(&w, g);
	w_site(&w, "a=2");
	w.s.hijack = 666;
	w.s.hijack_len = 25;
	CHECK_INT(w_run(&w), 0);
	sim_rov_sweep(&w.g, &w.p, steps, 3, NULL, pts);
	CHECK(pts[0].hijacked == 6 && pts[1].hijacked == 3 && pts[2].hijacked == 1);
	w_free(&w);

	size_t *v, n;
	char err[128];

	CHECK_INT(sim_sweep_parse("0,1,20", &v, &n, err, sizeof(err)), 0);
	CHECK(n == 3 && v[0] == 0 && v[1] == 1 && v[2] == 20);
	free(v);
	static const char *const bad[] = { "", "1,", ",1", "a", "1;2", "-1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(sim_sweep_parse(bad[i], &v, &n, err, sizeof(err)), -1);
		CHECK(v == NULL && strstr(err, "--rov-sweep") != NULL);
	}
}

static void test_scenario_input(void)
{
	struct sim_scen s = { 0 };
	struct sim_opts o = { 0 };
	char err[256];
	uint32_t asn;
	unsigned len;

	CHECK_INT(sim_site_add(&s, "ams=1299+p6939/3", err, sizeof(err)), 0);
	CHECK_INT(s.nsites, 1);
	CHECK_STR(s.sites[0].name, "ams");
	CHECK(s.sites[0].nup == 2 && s.sites[0].up[0] == 1299 && !s.sites[0].peer[0]);
	CHECK(s.sites[0].up[1] == 6939 && s.sites[0].peer[1] && s.sites[0].prepend == 3);
	static const char *const bad[] = {
		"zz",   "=1",    "zz=",        "zz=x",  "zz=1+",       "zz=1/",         "zz=1/201",
		"zz=p", "a b=1", "hijacker=1", "ams=1", "zz=1+2+3/-1", "zz=99999999999"
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(sim_site_add(&s, bad[i], err, sizeof(err)), -1);
	CHECK_INT(s.nsites, 1);
	CHECK_INT(sim_hijack_parse("666/25", &asn, &len, err, sizeof(err)), 0);
	CHECK(asn == 666 && len == 25);
	CHECK_INT(sim_hijack_parse("AS666", &asn, &len, err, sizeof(err)), 0);
	CHECK(asn == 666 && len == 0);
	CHECK_INT(sim_hijack_parse("666/0", &asn, &len, err, sizeof(err)), -1);
	CHECK_INT(sim_hijack_parse("0", &asn, &len, err, sizeof(err)), -1);
	sim_scen_free(&s);

	const char *y = "origin: 65001\nsites:\n  ams: {providers: [1299], peers: [6939], "
			"prepend: 1}\n  nyc: {providers: [174]}\nfail: [nyc]\nhijack: 666/24\n"
			"rov: [3356, 174]\nmodel: real\n";

	CHECK_INT(sim_scen_parse("s.yaml", y, strlen(y), &s, &o, err, sizeof(err)), 0);
	CHECK_INT(s.origin, 65001);
	CHECK_INT(s.nsites, 2);
	CHECK(s.nsites == 2 && s.sites[0].nup == 2 && s.sites[0].prepend == 1 &&
	      s.sites[0].peer[1]);
	CHECK(s.hijack == 666 && s.hijack_len == 24 && s.rov == SIM_ROV_SET && s.nrov == 2);
	CHECK(o.nfail == 1 && strcmp(o.fail[0], "nyc") == 0);
	CHECK_STR(o.model, "real");
	sim_scen_free(&s);
	sim_opts_free(&o);

	static const struct {
		const char *text, *err;
	} ybad[] = {
		{ "sites: {ams: {providers: [x]}}\n", "s.yaml:1:27: providers: 'x' is not an ASN" },
		{ "sites: {ams: {}}\n", "s.yaml:1:9: site 'ams' has no providers and no peers" },
		{ "origin: 1\nbogus: 2\n", "s.yaml:2:1:" },
		{ "rov: some\n", "s.yaml:1:6: rov: expected all, none or a list of ASNs" },
		{ "sites: {ams: {providers: [1], prepend: 300}}\n",
		  "s.yaml:1:40: prepend: expected" },
		{ "hijack: 1/200\n", "s.yaml:1:9: hijack:" },
		{ "", "s.yaml:1:1: empty" },
	};
	for (size_t i = 0; i < sizeof(ybad) / sizeof(ybad[0]); i++) {
		memset(&s, 0, sizeof(s));
		CHECK_INT(sim_scen_parse("s.yaml", ybad[i].text, strlen(ybad[i].text), &s, &o, err,
					 sizeof(err)),
			  -1);
		if (strncmp(err, ybad[i].err, strlen(ybad[i].err)) != 0)
			fprintf(stderr, "yaml %zu: got '%s', want '%s'\n", i, err, ybad[i].err);
		CHECK(strncmp(err, ybad[i].err, strlen(ybad[i].err)) == 0);
		sim_scen_free(&s);
		sim_opts_free(&o);
	}
}

/* The relations lab (examples/lab/relations.yaml, worked out in its comments). */
static void test_topology(void)
{
	struct lab_topo t;
	struct sim_lab_pred p;
	char err[256];

	if (access("examples/lab/relations.yaml", R_OK) != 0)
		return;
	CHECK_INT(lab_topo_load("examples/lab/relations.yaml", &t, err, sizeof(err)), 0);
	CHECK_INT(sim_predict_topology(&t, NULL, 0, &p, err, sizeof(err)), 0);
	CHECK_INT(p.n, 3);
	for (size_t i = 0; i < p.n; i++) {
		const char *want = strcmp(p.client[i], "frankfurt") == 0 ? "fra" : "mia";

		CHECK_STR(p.site[i], want);
	}
	sim_lab_pred_free(&p);
	/* mia fails: paris still reaches fra over its peer; madrid is left with nothing, as
	 * r-par does not give a peer's route to its peer r-mad */
	const char *failed[] = { "mia" };

	CHECK_INT(sim_predict_topology(&t, failed, 1, &p, err, sizeof(err)), 0);
	for (size_t i = 0; i < p.n; i++) {
		if (strcmp(p.client[i], "madrid") == 0)
			CHECK(p.site[i] == NULL);
		else
			CHECK_STR(p.site[i], "fra");
	}
	sim_lab_pred_free(&p);
	lab_topo_free(&t);
}

/* A site's prepend and announce_to reach the model (examples/lab/load-prepend.yaml, worked out
 * in its comments): 10/4/4 clients as written; a prepend on lon moves exactly the dual-homed
 * ISPs' four clients (6/6/6). */
static void test_topology_site_keys(void)
{
	struct lab_topo t;
	struct sim_lab_pred p;
	char err[256];
	static const char *const sites[] = { "lon", "nyc", "tyo" };

	if (access("examples/lab/load-prepend.yaml", R_OK) != 0)
		return;
	CHECK_INT(lab_topo_load("examples/lab/load-prepend.yaml", &t, err, sizeof(err)), 0);
	for (int pp = 0; pp < 2; pp++) {
		size_t n[3] = { 0 };

		((struct lab_node *)lab_topo_node(&t, "lon"))->prepend = (unsigned)pp;
		CHECK_INT(sim_predict_topology(&t, NULL, 0, &p, err, sizeof(err)), 0);
		for (size_t i = 0; i < p.n; i++)
			for (size_t k = 0; k < 3; k++)
				if (p.site[i] && strcmp(p.site[i], sites[k]) == 0)
					n[k]++;
		CHECK_INT(n[0], pp ? 6 : 10);
		CHECK_INT(n[1], pp ? 6 : 4);
		CHECK_INT(n[2], pp ? 6 : 4);
		for (size_t i = 0; i < p.n; i++)
			if (strcmp(p.client[i], "mumbai") == 0)
				CHECK_STR(p.site[i], pp ? "tyo" : "lon");
		sim_lab_pred_free(&p);
	}
	lab_topo_free(&t);
}

/* The real model: a link seen in a collector path joins the graph as a peering; a route-server
 * member's route loses a tie to a bilateral peer's; the pure model ignores both. */
static void test_real_model(void)
{
	const char *text = "1|2|-1\n1|5|-1\n";
	char path[] = "/tmp/anycast-sim-paths-XXXXXX", err[256];
	struct sim_links l = { 0 };
	struct world w;
	struct sim_real_ctx c;
	int fd = mkstemp(path);
	const char *paths = "# monitor first\n3 1 2\n4,3,1\n";

	CHECK(fd >= 0);
	CHECK_INT(write(fd, paths, strlen(paths)), strlen(paths));
	close(fd);
	memset(&w, 0, sizeof(w));
	w.s.origin = SIM_DEFAULT_ORIGIN;
	CHECK_INT(sim_asrel_parse("t", text, strlen(text), &l, err, sizeof(err)), 0);
	sim_graph_build(&w.g, &l, NULL, NULL);
	w_site(&w, "a=r5");
	w_site(&w, "b=p5");
	CHECK_INT(sim_real_graph(&w.g, &l, &w.s, path, SIM_REAL_DEFAULT, &c, err, sizeof(err)), 0);
	CHECK_INT(c.added, 2); /* 3-1 and 4-3; 1-2 is known */
	CHECK_INT(w.g.n, 5);
	CHECK_INT(w_run(&w), 0);
	sim_real_prep(&c, &w.p);
	sim_propagate(&w.g, &w.p, w.best);
	CHECK_STR(at(&w, 5), "b/1/1"); /* the bilateral peer wins the tie */
	CHECK_STR(at(&w, 1), "-");     /* 5 has the route from a peer: customers only */
	/* the same site as a provider upstream: 1 hears it, and so does its new peer 3 */
	w.s.sites[1].peer[0] = SIM_UP_PROVIDER;
	CHECK_INT(w_run(&w), 0);
	sim_real_prep(&c, &w.p);
	sim_propagate(&w.g, &w.p, w.best);
	CHECK_STR(at(&w, 1), "b/2/0");
	CHECK_STR(at(&w, 3), "b/3/0");
	CHECK_STR(at(&w, 4), "-"); /* a peer's peer */
	sim_real_free(&c);
	/* pure: a route-server member is a peer like any other, and site order breaks the tie */
	w.s.sites[1].peer[0] = SIM_UP_PEER;
	CHECK_INT(w_run(&w), 0);
	CHECK_STR(at(&w, 5), "a/1/1");
	/* a bad path file names its line */
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK_INT(write(fd, "1 2\n1 x\n", 8), 8);
	close(fd);
	CHECK_INT(sim_real_graph(&w.g, &l, &w.s, path, SIM_REAL_DEFAULT, &c, err, sizeof(err)), -1);
	CHECK(strstr(err, ":2: 'x' is not an ASN") != NULL);
	sim_real_free(&c);
	unlink(path);
	sim_links_free(&l);
	w_free(&w);
}

/* Property: the three phases equal a brute-force fixpoint. */

#define BF_MAXN 14
#define BF_MAXPATH 64

struct bf_route {
	int cls;  /* SIM_OWN..SIM_NOROUTE */
	int site; /* -1 none */
	uint32_t via;
	int len;
	uint32_t path[BF_MAXPATH]; /* path[0] is the neighbour it came from */
	int tied;
};

struct bf_world {
	int n;
	uint32_t asn[BF_MAXN];
	int rel[BF_MAXN][BF_MAXN]; /* what j is to i: 0 none, SIM_CUSTR, SIM_PEERR, SIM_PROVR */
	int nsites;
	int site_up[3][BF_MAXN]; /* 0 none, SIM_CUSTR (site is i's customer), SIM_PEERR */
	int prepend[3], failed[3];
	uint32_t origin;
	int hijacker; /* node, -1 none */
	int use_tie;  /* tie keys other than the ASN (the lab's router ids) */
	uint32_t tie[BF_MAXN];
	int more_specific;
	int rov[BF_MAXN];
};

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static int bf_has(const struct bf_route *r, uint32_t asn)
{
	for (int k = 0; k < r->len; k++)
		if (r->path[k] == asn)
			return 1;
	return 0;
}

/* Candidate c better than the current r on class, length, via, site. */
static int bf_better(const struct bf_route *c, const struct bf_route *r)
{
	if (c->cls != r->cls)
		return c->cls < r->cls;
	if (c->len != r->len)
		return c->len < r->len;
	if (c->via != r->via)
		return c->via < r->via;
	return c->site < r->site;
}

/* One prefix: legit (sites) and/or hijack. Returns the number of rounds, -1 if no fixpoint. */
static int bf_solve(const struct bf_world *w, int legit, int hijack, struct bf_route *out)
{
	struct bf_route cur[BF_MAXN], nxt[BF_MAXN] = { 0 };

	for (int i = 0; i < w->n; i++)
		cur[i] = (struct bf_route){ .cls = SIM_NOROUTE, .site = -1 };
	for (int round = 1; round < 200; round++) {
		int changed = 0;

		for (int i = 0; i < w->n; i++) {
			struct bf_route best = { .cls = SIM_NOROUTE, .site = -1 },
					cand[BF_MAXN + 3];
			int nc = 0;

			if (hijack && i == w->hijacker) {
				nxt[i] = (struct bf_route){ .cls = SIM_OWN, .site = w->nsites };
				changed |= cur[i].cls != SIM_OWN;
				continue;
			}
			for (int s = 0; legit && s < w->nsites; s++) {
				if (w->failed[s] || !w->site_up[s][i] || w->asn[i] == w->origin)
					continue;
				struct bf_route *c = &cand[nc++];

				*c = (struct bf_route){ .cls = w->site_up[s][i],
							.site = s,
							.via = w->origin,
							.len = 1 + w->prepend[s] };
				for (int k = 0; k < c->len; k++)
					c->path[k] = w->origin;
			}
			for (int j = 0; j < w->n; j++) {
				const struct bf_route *r = &cur[j];
				int rel = w->rel[i][j];

				if (!rel || r->cls == SIM_NOROUTE || r->len + 1 > BF_MAXPATH)
					continue;
				/* export rule at j: own and customer routes to all, else to customers
				 * of j only (i is j's customer when j is i's provider) */
				if (r->cls > SIM_CUSTR && rel != SIM_PROVR)
					continue;
				if (bf_has(r, w->asn[i]))
					continue;
				if (r->site == w->nsites && w->rov[i])
					continue;
				struct bf_route *c = &cand[nc++];

				*c = (struct bf_route){ .cls = rel,
							.site = r->site,
							.via = w->use_tie ? w->tie[j] : w->asn[j],
							.len = r->len + 1 };
				c->path[0] = w->asn[j];
				memcpy(c->path + 1, r->path, (size_t)r->len * sizeof(uint32_t));
			}
			for (int k = 0; k < nc; k++)
				if (bf_better(&cand[k], &best))
					best = cand[k];
			for (int k = 0; k < nc; k++)
				if (cand[k].cls == best.cls && cand[k].len == best.len &&
				    cand[k].site != best.site)
					best.tied = 1;
			nxt[i] = best;
			changed |= best.cls != cur[i].cls || best.site != cur[i].site ||
				   best.len != cur[i].len || best.via != cur[i].via ||
				   best.tied != cur[i].tied ||
				   memcmp(best.path, cur[i].path, (size_t)best.len * 4) != 0;
		}
		memcpy(cur, nxt, sizeof(cur));
		if (!changed) {
			memcpy(out, cur, sizeof(cur));
			return round;
		}
	}
	return -1;
}

static void bf_random(struct bf_world *w)
{
	memset(w, 0, sizeof(*w));
	w->n = 2 + (int)rnd(BF_MAXN - 1);
	/* distinct ASNs in a small range, so that ties on the neighbour's ASN are real */
	for (int i = 0; i < w->n; i++) {
		uint32_t a;
		int dup;

		do {
			a = 1 + rnd(40);
			dup = 0;
			for (int k = 0; k < i; k++)
				dup |= w->asn[k] == a;
		} while (dup);
		w->asn[i] = a;
	}
	/* p2c only from a higher to a lower node number: no cycles */
	int density = 2 + (int)rnd(5);

	for (int i = 0; i < w->n; i++)
		for (int j = i + 1; j < w->n; j++) {
			uint32_t r = rnd(10);

			if (r < (uint32_t)density) {
				w->rel[i][j] = SIM_PROVR; /* j is i's provider */
				w->rel[j][i] = SIM_CUSTR;
			} else if (r < (uint32_t)density + 2) {
				w->rel[i][j] = w->rel[j][i] = SIM_PEERR;
			}
		}
	w->nsites = 1 + (int)rnd(3);
	for (int s = 0; s < w->nsites; s++) {
		int nup = 1 + (int)rnd(3);

		for (int k = 0; k < nup; k++)
			w->site_up[s][rnd((uint32_t)w->n)] = rnd(3) ? SIM_CUSTR : SIM_PEERR;
		w->prepend[s] = rnd(3) ? 0 : (int)rnd(3);
		w->failed[s] = rnd(8) == 0;
	}
	/* sometimes ties go by keys of their own, distinct, some below the origin's ASN */
	w->use_tie = rnd(3) == 0;
	for (int i = 0; i < w->n; i++) {
		int dup;

		do {
			w->tie[i] = rnd(2) ? 64000 + rnd(1000) : 1 + rnd(100);
			dup = 0;
			for (int k = 0; k < i; k++)
				dup |= w->tie[k] == w->tie[i];
		} while (dup);
	}
	/* sometimes the origin's ASN is one of the graph's */
	w->origin = rnd(5) == 0 ? w->asn[rnd((uint32_t)w->n)] : 64496;
	w->hijacker = -1;
	if (rnd(3) == 0) {
		do
			w->hijacker = (int)rnd((uint32_t)w->n);
		while (w->asn[w->hijacker] == w->origin);
		w->more_specific = rnd(2);
		for (int i = 0; i < w->n; i++)
			w->rov[i] = rnd(4) == 0;
	}
}

/* The same world through src/sim. */
static int bf_check(const struct bf_world *bw)
{
	struct world w;
	char text[8192], arg[256];
	size_t o = 0;
	int ok = 1;

	for (int i = 0; i < bw->n; i++)
		for (int j = i + 1; j < bw->n; j++) {
			if (bw->rel[i][j] == SIM_PROVR)
				o += (size_t)snprintf(text + o, sizeof(text) - o, "%u|%u|-1\n",
						      bw->asn[j], bw->asn[i]);
			else if (bw->rel[i][j] == SIM_PEERR)
				o += (size_t)snprintf(text + o, sizeof(text) - o, "%u|%u|0\n",
						      bw->asn[i], bw->asn[j]);
		}
	/* isolated ASes appear in no link: give each a link to a far AS 1000+i */
	for (int i = 0; i < bw->n; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%u|%u|0\n", bw->asn[i],
				      1000u + (unsigned)i);
	if (w_graph(&w, text) < 0)
		return 0;
	w.s.origin = bw->origin;
	for (int s = 0; s < bw->nsites; s++) {
		size_t a = (size_t)snprintf(arg, sizeof(arg), "s%d=", s);
		int first = 1;

		for (int i = 0; i < bw->n; i++)
			if (bw->site_up[s][i]) {
				a += (size_t)snprintf(
					arg + a, sizeof(arg) - a, "%s%s%u", first ? "" : "+",
					bw->site_up[s][i] == SIM_PEERR ? "p" : "", bw->asn[i]);
				first = 0;
			}
		snprintf(arg + a, sizeof(arg) - a, "/%d", bw->prepend[s]);
		w_site(&w, arg);
		w.s.sites[s].failed = bw->failed[s];
	}
	if (bw->hijacker >= 0) {
		w.s.hijack = bw->asn[bw->hijacker];
		w.s.hijack_len = bw->more_specific ? 25 : 0;
		w.s.rov = SIM_ROV_SET;
		w.s.rov_asns = calloc(BF_MAXN, sizeof(uint32_t));
		for (int i = 0; i < bw->n; i++)
			if (bw->rov[i])
				w.s.rov_asns[w.s.nrov++] = bw->asn[i];
	}
	uint32_t *tie = NULL;

	if (bw->use_tie) {
		tie = calloc(w.g.n, sizeof(uint32_t));
		for (uint32_t g = 0; g < w.g.n; g++) {
			tie[g] = 100000 + w.g.asn[g]; /* the fillers, never in a tie that counts */
			for (int i = 0; i < bw->n; i++)
				if (bw->asn[i] == w.g.asn[g])
					tie[g] = bw->tie[i];
		}
		w.tie = tie;
	}
	if (w_run(&w) < 0) {
		free(tie);
		w_free(&w);
		return 0;
	}

	struct bf_route r[BF_MAXN], h[BF_MAXN];
	int ms = bw->hijacker >= 0 && bw->more_specific;

	if (bf_solve(bw, 1, bw->hijacker >= 0 && !ms, r) < 0)
		ok = 0;
	if (ms && bf_solve(bw, 0, 1, h) < 0)
		ok = 0;
	for (int i = 0; ok && i < bw->n; i++) {
		const struct bf_route *x = ms && h[i].site >= 0 ? &h[i] : &r[i];
		const struct sim_best *b = &w.best[sim_graph_find(&w.g, bw->asn[i])];
		int site = b->site == SIM_NONE ? -1 : b->site;

		if (site != x->site ||
		    (site >= 0 && (b->len != x->len || b->tied != x->tied || b->cls != x->cls))) {
			fprintf(stderr,
				"AS%u: sim site %d len %u cls %u tied %u; fixpoint site %d "
				"len %d cls %d tied %d\n",
				bw->asn[i], site, b->len, b->cls, b->tied, x->site, x->len, x->cls,
				x->tied);
			ok = 0;
		}
	}
	if (!ok)
		fprintf(stderr, "graph:\n%s", text);
	free(tie);
	w_free(&w);
	return ok;
}

static void test_property_fixpoint(void)
{
	int failures = 0;

	rng = 0x9e3779b97f4a7c15ull;
	for (int k = 0; k < 500 && failures < 3; k++) {
		struct bf_world bw;

		bf_random(&bw);
		if (!bf_check(&bw)) {
			fprintf(stderr, "property: world %d differs\n", k);
			failures++;
		}
	}
	CHECK_INT(failures, 0);
}

int main(void)
{
	RUN(test_asrel_parse);
	RUN(test_asrel_bz2);
	RUN(test_graph);
	RUN(test_valley_free);
	RUN(test_peer_one_hop);
	RUN(test_prepend_and_ties);
	RUN(test_loops_and_failure);
	RUN(test_hijack);
	RUN(test_rov_sweep);
	RUN(test_scenario_input);
	RUN(test_topology);
	RUN(test_topology_site_keys);
	RUN(test_real_model);
	RUN(test_property_fixpoint);
	return t_done();
}
