/* The command: options, loading, one propagation, and the table, JSON and CSV outputs. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/json.h"
#include "sim/labsim.h"
#include "sim/real.h"
#include "sim/rovsweep.h"
#include "sim/scen.h"
#include "sim/sim.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: anycast sim [--graph AS-REL-FILE] [--topology LAB.yaml] [--scenario FILE.yaml]\n"
		"                   [--origin ASN] [--site NAME=UP[+UP...][/PREPEND]]... [--fail NAME]...\n"
		"                   [--hijack ASN[/LEN]] [--rov all|none|top:N|FILE] [--tie lowest-asn]\n"
		"                   [--rov-sweep N,N,... [--svg FILE]]\n"
		"                   [--model pure|real] [--paths FILE] [--weights FILE] [--json]"
		" [--per-as FILE.csv]\n");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress {
	const char *path;
	int tty;
	double t0, last;
};

static void progress(void *arg, size_t bytes, size_t links)
{
	struct progress *p = arg;
	double t = now_s();

	if (!p->tty || t - p->last < 0.1)
		return;
	p->last = t;
	if (links)
		fprintf(stderr, "\rsim: %s: %zu links\033[K", p->path, links);
	else
		fprintf(stderr, "\rsim: %s: %.1f MB read\033[K", p->path, (double)bytes / 1e6);
}

static void warn(void *arg, const char *msg)
{
	fprintf(stderr, "anycast sim: %s: %s\n", (const char *)arg, msg);
}

/* --weights FILE: "asn,weight" lines; ASes the file does not name weigh 0. */
static int load_weights(const char *path, const struct sim_graph *g, double **out, char *err,
			size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t ln = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	double *w = calloc(g->n + 1, sizeof(double));

	while (fgets(line, sizeof(line), f)) {
		char *comma, *end;
		uint32_t asn;

		ln++;
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || line[0] == '#' || (ln == 1 && strncmp(line, "asn", 3) == 0))
			continue;
		comma = strchr(line, ',');
		if (comma)
			*comma = 0;
		errno = 0;
		double v = comma ? strtod(comma + 1, &end) : 0;

		if (!comma || sim_asn_parse(line, &asn) < 0 || end == comma + 1 || *end || errno ||
		    !(v >= 0) || v > 1e15) {
			snprintf(err, errlen, "%s:%zu: expected asn,weight (weight >= 0)", path,
				 ln);
			fclose(f);
			free(w);
			return -1;
		}
		int64_t i = sim_graph_find(g, asn);

		if (i >= 0)
			w[i] += v;
	}
	fclose(f);
	*out = w;
	return 0;
}

static const char *site_name(const struct sim_scen *s, uint16_t site)
{
	return site == SIM_NONE ? "-" : site == s->nsites ? "hijacker" : s->sites[site].name;
}

static int write_csv(const char *path, const struct sim_graph *g, const struct sim_scen *s,
		     const struct sim_best *best, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "asn,site,path_len,tied\n");
	for (uint32_t k = 0; k < g->n; k++) {
		uint32_t i = g->sorted[k];
		const struct sim_best *b = &best[i];

		fprintf(f, "%u,%s,%u,%u\n", g->asn[i], site_name(s, b->site),
			b->site == SIM_NONE ? 0 : b->len, b->tied);
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void print_json(const struct sim_scen *s, const struct sim_count *c, double secs,
		       const struct sim_topo *topo, const struct sim_best *best)
{
	size_t nrows = s->nsites + (s->hijack ? 1 : 0);
	struct buf b;

	buf_init(&b);
	buf_printf(&b,
		   "{\"ases\":%.15g,\"unreached\":%.15g,\"ties\":%.15g,\"seconds\":%.6f,"
		   "\"sites\":[",
		   c->total, c->unreached, c->ties, secs);
	for (size_t i = 0; i < nrows; i++) {
		buf_printf(&b, "%s{\"name\":", i ? "," : "");
		json_str(&b, site_name(s, (uint16_t)i));
		buf_printf(&b, ",\"ases\":%.15g,\"share\":%.6f}", c->ases[i],
			   c->total > 0 ? c->ases[i] / c->total : 0);
	}
	buf_printf(&b, "]");
	if (topo) {
		buf_printf(&b, ",\"clients\":[");
		for (size_t k = 0; k < topo->nclients; k++) {
			int64_t g = topo->client_node[k];

			buf_printf(&b, "%s{\"name\":", k ? "," : "");
			json_str(&b, topo->client_name[k]);
			buf_printf(&b, ",\"site\":");
			if (g >= 0 && best[g].site != SIM_NONE)
				json_str(&b, site_name(s, best[g].site));
			else
				buf_printf(&b, "null");
			buf_printf(&b, "}");
		}
		buf_printf(&b, "]");
	}
	buf_printf(&b, "}\n");
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
}

static void print_table(const struct sim_scen *s, const struct sim_count *c, double secs,
			const struct sim_topo *topo, const struct sim_best *best, int weighted)
{
	size_t nrows = s->nsites + (s->hijack ? 1 : 0);

	printf("%-16s %12s %7s\n", "site", weighted ? "weight" : "ases", "share");
	for (size_t i = 0; i < nrows; i++)
		printf("%-16s %12.15g %6.2f%%%s\n", site_name(s, (uint16_t)i), c->ases[i],
		       c->total > 0 ? 100 * c->ases[i] / c->total : 0,
		       i < s->nsites && s->sites[i].failed ? "  (failed)" : "");
	printf("%-16s %12.15g %6.2f%%\n", "unreached", c->unreached,
	       c->total > 0 ? 100 * c->unreached / c->total : 0);
	printf("%-16s %12.15g %6.2f%%  (another site was as good)\n", "tied", c->ties,
	       c->total > 0 ? 100 * c->ties / c->total : 0);
	if (topo) {
		printf("\n%-16s %s\n", "client", "predicted site");
		for (size_t k = 0; k < topo->nclients; k++) {
			int64_t g = topo->client_node[k];

			printf("%-16s %s\n", topo->client_name[k],
			       g >= 0 ? site_name(s, best[g].site) : "-");
		}
	}
	printf("\n%.15g ASes, propagation %.3f ms\n", c->total, secs * 1e3);
}

/* The real model's steps; ANYCAST_SIM_REAL_STEPS (a sum of SIM_REAL_* bits) selects some of
 * them, so that bench/sim/realism.py can say what each one buys. */
static unsigned real_steps(void)
{
	const char *e = getenv("ANYCAST_SIM_REAL_STEPS");

	return e && *e ? (unsigned)strtoul(e, NULL, 0) : SIM_REAL_DEFAULT;
}

/* One propagation of the prepared scenario, then its outputs. */
static int run_and_print(const struct sim_graph *g, const struct sim_scen *s,
			 const struct sim_prep *p, const char *weights, const char *per_as,
			 int json, const struct sim_topo *topo, char *err, size_t errlen)
{
	double *w = NULL;

	if (weights && load_weights(weights, g, &w, err, errlen) < 0)
		return -1;
	struct sim_best *best = calloc(g->n + 1, sizeof(*best));
	double t0 = now_s();

	sim_propagate(g, p, best);
	double secs = now_s() - t0;
	struct sim_count cnt;
	int r = 0;

	sim_count(g, p, best, w, &cnt);
	if (per_as && write_csv(per_as, g, s, best, err, errlen) < 0)
		r = -1;
	else if (json)
		print_json(s, &cnt, secs, topo, best);
	else
		print_table(s, &cnt, secs, topo, best, w != NULL);
	sim_count_free(&cnt);
	free(best);
	free(w);
	return r;
}

/* --rov-sweep: the hijacker's share as ROV spreads over the largest transit ASes. */
static int run_sweep(const struct sim_graph *g, struct sim_prep *p, const size_t *steps,
		     size_t nsteps, const char *weights, const char *svg, int json, char *err,
		     size_t errlen)
{
	double *w = NULL;
	struct sim_sweep_pt *pts = calloc(nsteps, sizeof(*pts));
	int r = 0;

	if (weights && load_weights(weights, g, &w, err, errlen) < 0) {
		free(pts);
		return -1;
	}
	sim_rov_sweep(g, p, steps, nsteps, w, pts);
	if (json) {
		printf("{\"sweep\":[");
		for (size_t i = 0; i < nsteps; i++)
			printf("%s{\"adopters\":%zu,\"hijacked\":%.15g,\"total\":%.15g,"
			       "\"share\":%.6f}",
			       i ? "," : "", pts[i].adopters, pts[i].hijacked, pts[i].total,
			       pts[i].share);
		printf("]}\n");
	} else {
		printf("%-10s %12s %8s\n", "adopters", w ? "weight" : "hijacked", "share");
		for (size_t i = 0; i < nsteps; i++)
			printf("%-10zu %12.15g %7.2f%%\n", pts[i].adopters, pts[i].hijacked,
			       100 * pts[i].share);
	}
	if (svg) {
		FILE *f = fopen(svg, "w");

		if (!f || (sim_sweep_svg(f, pts, nsteps, "Hijacked share as ROV adoption grows"),
			   fclose(f) != 0)) {
			snprintf(err, errlen, "%s: %s", svg, strerror(errno));
			r = -1;
		}
	}
	free(pts);
	free(w);
	return r;
}

/* Reads the as-rel file (a progress line on a terminal) and builds the graph, with the real
 * model's changes when asked. */
static int load_graph(const char *graph, int real, const char *paths, const struct sim_scen *s,
		      struct sim_graph *g, struct sim_real_ctx *rctx, char *err, size_t errlen)
{
	struct sim_links l = { 0 };
	struct progress pr = { .path = graph, .tty = isatty(2), .t0 = now_s() };

	if (sim_asrel_load(graph, &l, progress, &pr, err, errlen) < 0) {
		if (pr.tty)
			fprintf(stderr, "\n");
		sim_links_free(&l);
		return -1;
	}
	sim_graph_build(g, &l, warn, (void *)graph);
	if (real && sim_real_graph(g, &l, s, paths, real_steps(), rctx, err, errlen) < 0) {
		sim_links_free(&l);
		return -1;
	}
	sim_links_free(&l);
	if (pr.tty)
		fprintf(stderr, "\rsim: %s: %u ASes, %zu links in %.2f s\033[K\n", graph, g->n,
			g->nlinks, now_s() - pr.t0);
	return 0;
}

enum {
	O_GRAPH = 256,
	O_TOPO,
	O_SCEN,
	O_ORIGIN,
	O_SITE,
	O_FAIL,
	O_HIJACK,
	O_ROV,
	O_TIE,
	O_MODEL,
	O_JSON,
	O_PERAS,
	O_WEIGHTS,
	O_PATHS,
	O_ROV_SWEEP,
	O_SVG,
	O_HELP
};

int sim_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "graph", required_argument, 0, O_GRAPH },
		{ "topology", required_argument, 0, O_TOPO },
		{ "scenario", required_argument, 0, O_SCEN },
		{ "origin", required_argument, 0, O_ORIGIN },
		{ "site", required_argument, 0, O_SITE },
		{ "fail", required_argument, 0, O_FAIL },
		{ "hijack", required_argument, 0, O_HIJACK },
		{ "rov", required_argument, 0, O_ROV },
		{ "tie", required_argument, 0, O_TIE },
		{ "model", required_argument, 0, O_MODEL },
		{ "json", no_argument, 0, O_JSON },
		{ "per-as", required_argument, 0, O_PERAS },
		{ "weights", required_argument, 0, O_WEIGHTS },
		{ "paths", required_argument, 0, O_PATHS },
		{ "rov-sweep", required_argument, 0, O_ROV_SWEEP },
		{ "svg", required_argument, 0, O_SVG },
		{ "help", no_argument, 0, O_HELP },
		{ 0, 0, 0, 0 },
	};
	struct sim_scen cl = { .origin = 0 }, s = { .origin = 0 };
	struct sim_opts o = { 0 };
	const char *scenario = NULL, *graph = NULL, *topology = NULL, *rov = NULL, *tie = NULL;
	const char *sweep = NULL, *svg = NULL;
	size_t *steps = NULL, nsteps = 0;
	unsigned long top_n = 0;
	const char *model = NULL, *per_as = NULL, *weights = NULL, *paths = NULL;
	char **fail = calloc((size_t)argc + 1, sizeof(char *));
	size_t nfail = 0;
	int json = 0, c, rc = 1, origin_given = 0;
	char err[1024] = "";
	uint32_t origin = 0;

	optind = 1;
	opterr = 0;
	/* Sites from the command line go to cl and are appended after the file's. */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_GRAPH: graph = optarg; break;
		case O_TOPO: topology = optarg; break;
		case O_SCEN: scenario = optarg; break;
		case O_ORIGIN:
			if (sim_asn_parse(optarg, &origin) < 0) {
				fprintf(stderr, "anycast sim: --origin %s: expected an ASN\n",
					optarg);
				goto usage;
			}
			origin_given = 1;
			break;
		case O_SITE:
			if (sim_site_add(&cl, optarg, err, sizeof(err)) < 0)
				goto fail;
			break;
		case O_FAIL: fail[nfail++] = optarg; break;
		case O_HIJACK:
			if (sim_hijack_parse(optarg, &cl.hijack, &cl.hijack_len, err, sizeof(err)) <
			    0)
				goto fail;
			break;
		case O_ROV: rov = optarg; break;
		case O_ROV_SWEEP: sweep = optarg; break;
		case O_SVG: svg = optarg; break;
		case O_TIE: tie = optarg; break;
		case O_MODEL: model = optarg; break;
		case O_JSON: json = 1; break;
		case O_PERAS: per_as = optarg; break;
		case O_WEIGHTS: weights = optarg; break;
		case O_PATHS: paths = optarg; break;
		case O_HELP:
			usage();
			free(fail);
			return 0;
		default:
			fprintf(stderr, "anycast sim: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			goto usage;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "anycast sim: unexpected argument '%s'\n", argv[optind]);
		goto usage;
	}
	if (scenario && sim_scen_load(scenario, &s, &o, err, sizeof(err)) < 0)
		goto fail;
	graph = graph ? graph : o.graph;
	topology = topology ? topology : o.topology;
	tie = tie ? tie : o.tie;
	model = model ? model : o.model;
	paths = paths ? paths : o.paths;
	if (tie && strcmp(tie, "lowest-asn") != 0) {
		snprintf(err, sizeof(err), "--tie %s: the only tie-break is lowest-asn", tie);
		goto fail;
	}
	int real = 0;

	if (model && strcmp(model, "real") == 0)
		real = 1;
	else if (model && strcmp(model, "pure") != 0) {
		snprintf(err, sizeof(err), "--model %s: expected pure or real", model);
		goto fail;
	}
	if (!graph == !topology) {
		fprintf(stderr, "anycast sim: give one of --graph and --topology\n");
		goto usage;
	}

	/* the scenario: the file's, then the command line's */
	for (size_t i = 0; i < cl.nsites; i++) {
		for (size_t k = 0; k < s.nsites; k++)
			if (strcmp(s.sites[k].name, cl.sites[i].name) == 0) {
				snprintf(err, sizeof(err), "--site %s: the scenario already has it",
					 cl.sites[i].name);
				goto fail;
			}
		s.sites = realloc(s.sites, (s.nsites + 1) * sizeof(*s.sites));
		s.sites[s.nsites++] = cl.sites[i];
	}
	free(cl.sites);
	cl.sites = NULL;
	cl.nsites = 0;
	if (cl.hijack) {
		s.hijack = cl.hijack;
		s.hijack_len = cl.hijack_len;
	}
	if (origin_given)
		s.origin = origin;
	if (rov && strcmp(rov, "all") == 0) {
		s.rov = SIM_ROV_ALL;
	} else if (rov && strcmp(rov, "none") == 0) {
		s.rov = SIM_ROV_NONE;
	} else if (rov && strncmp(rov, "top:", 4) == 0) {
		char *end;

		top_n = strtoul(rov + 4, &end, 10);
		if (!rov[4] || *end) {
			snprintf(err, sizeof(err), "--rov %s: expected top:N", rov);
			goto fail;
		}
		s.rov = SIM_ROV_SET; /* the set is chosen once the graph is known */
	} else if (rov) {
		free(s.rov_asns);
		s.rov = SIM_ROV_SET;
		if (sim_asn_file(rov, &s.rov_asns, &s.nrov, err, sizeof(err)) < 0)
			goto fail;
	}
	if (sweep && sim_sweep_parse(sweep, &steps, &nsteps, err, sizeof(err)) < 0)
		goto fail;
	if ((sweep || svg) && (rov || !sweep)) {
		snprintf(err, sizeof(err),
			 "--rov-sweep is the ROV what-if: not with --rov; --svg needs it");
		goto fail;
	}
	if ((s.rov != SIM_ROV_NONE || sweep) && !s.hijack) {
		snprintf(err, sizeof(err),
			 "--rov needs --hijack (only the hijacker's route is invalid)");
		goto fail;
	}

	struct sim_real_ctx rctx = { 0 };
	struct sim_topo topo;
	struct sim_graph g = { 0 };
	struct sim_graph *gp = &g;
	const uint32_t *tiev = NULL, *site_tie = NULL;
	struct lab_topo lt;
	int have_topo = 0;

	if (topology) {
		if (lab_topo_load(topology, &lt, err, sizeof(err)) < 0)
			goto fail;
		int r = sim_topo_build(&lt, &topo, err, sizeof(err));

		if (r < 0) {
			lab_topo_free(&lt);
			goto fail;
		}
		have_topo = 1;
		if (s.nsites) {
			snprintf(err, sizeof(err),
				 "%s: the topology's sites are the sites; --site "
				 "adds none",
				 topology);
			goto fail_topo;
		}
		s.nsites = topo.scen.nsites;
		s.sites = topo.scen.sites;
		topo.scen.sites = NULL;
		topo.scen.nsites = 0;
		if (!origin_given)
			s.origin = topo.scen.origin;
		gp = &topo.g;
		tiev = topo.tie;
		site_tie = topo.site_tie;
	} else {
		if (load_graph(graph, real, paths, &s, &g, &rctx, err, sizeof(err)) < 0)
			goto fail_graph;
		if (!s.origin)
			s.origin = SIM_DEFAULT_ORIGIN;
	}
	for (size_t i = 0; i < o.nfail; i++)
		if (sim_site_fail(&s, o.fail[i], err, sizeof(err)) < 0)
			goto fail_graph;
	for (size_t i = 0; i < nfail; i++)
		if (sim_site_fail(&s, fail[i], err, sizeof(err)) < 0)
			goto fail_graph;
	if (!s.nsites) {
		snprintf(err, sizeof(err),
			 "no sites: give --site NAME=UP or a scenario with sites");
		goto fail_graph;
	}

	struct sim_prep p;

	if (sim_prepare(gp, &s, rctx.tie ? rctx.tie : tiev, site_tie, &p, err, sizeof(err)) < 0)
		goto fail_graph;
	sim_real_prep(&rctx, &p);
	if (p.nmissing)
		fprintf(stderr,
			"anycast sim: warning: %zu upstream%s not in the graph, ignored (%s)\n",
			p.nmissing, p.nmissing > 1 ? "s" : "", p.missing);

	if (rov && strncmp(rov, "top:", 4) == 0) {
		uint32_t *cone = calloc(gp->n + 1, sizeof(*cone));

		sim_cone_sizes(gp, cone);
		sim_rov_top(gp, cone, top_n, p.hijack_node, p.rov);
		free(cone);
	}
	if (sweep) {
		if (run_sweep(gp, &p, steps, nsteps, weights, svg, json, err, sizeof(err)) == 0) {
			rc = 0;
			err[0] = 0;
		}
	} else if (run_and_print(gp, &s, &p, weights, per_as, json, have_topo ? &topo : NULL, err,
				 sizeof(err)) == 0) {
		rc = 0;
		err[0] = 0;
	}
	sim_prep_free(&p);
fail_graph:
	sim_real_free(&rctx);
	if (!have_topo)
		sim_graph_free(&g);
fail_topo:
	if (have_topo) {
		sim_topo_free(&topo);
		lab_topo_free(&lt);
	}
fail:
	if (err[0]) {
		fprintf(stderr, "anycast sim: %s\n", err);
		rc = 1;
	}
	sim_scen_free(&s);
	sim_scen_free(&cl);
	sim_opts_free(&o);
	free(fail);
	free(steps);
	return rc;
usage:
	usage();
	sim_scen_free(&s);
	sim_scen_free(&cl);
	sim_opts_free(&o);
	free(fail);
	free(steps);
	return 2;
}
