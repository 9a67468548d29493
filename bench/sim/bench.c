/* bench/sim: the speed of anycast sim on the CAIDA graph, built by run.sh against
 * build/libanycast.a. Loads the graph once (timed), times REPS propagations of the scenario
 * (median and min), then the batch what-ifs on the same loaded graph: every single-site
 * failure and a prepend sweep 0-5 per site. Prints one "key value" line per figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/graph.h"
#include "sim/prop.h"
#include "sim/scen.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process: what the load costs without the waits of a shared machine */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static long rss_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			v = strtol(line + strlen(key), NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double last_cpu;

/* One propagation of s; returns wall seconds (CPU seconds in last_cpu). */
static double once(const struct sim_graph *g, const struct sim_scen *s, struct sim_best *best,
		   double *share0)
{
	struct sim_prep p;
	char err[256];

	if (sim_prepare(g, s, NULL, NULL, &p, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	double t0 = now_s(), c0 = thread_cpu_s();

	sim_propagate(g, &p, best);
	double t = now_s() - t0;

	last_cpu = thread_cpu_s() - c0;
	struct sim_count c;

	sim_count(g, &p, best, NULL, &c);
	if (share0)
		*share0 = c.ases[0] / c.total;
	sim_count_free(&c);
	sim_prep_free(&p);
	return t;
}

int main(int argc, char **argv)
{
	struct sim_links l = {0};
	struct sim_graph g;
	struct sim_scen s = {.origin = SIM_DEFAULT_ORIGIN};
	char err[256];
	int reps = argc > 2 ? atoi(argv[2]) : 0;

	if (argc < 4 || reps < 1) {
		fprintf(stderr, "usage: bench AS-REL-FILE REPS NAME=UP... \n");
		return 2;
	}
	for (int i = 3; i < argc; i++)
		if (sim_site_add(&s, argv[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "bench: %s\n", err);
			return 2;
		}
	double t0 = now_s(), c0 = cpu_s();

	if (sim_asrel_load(argv[1], &l, NULL, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	double t1 = now_s(), c1 = cpu_s();

	sim_graph_build(&g, &l, NULL, NULL);
	sim_links_free(&l);
	double t2 = now_s(), c2 = cpu_s();

	printf("ases %u\nlinks %zu\n", g.n, g.nlinks);
	printf("load_read_parse_s %.3f\nload_graph_s %.3f\nload_total_s %.3f\n", t1 - t0, t2 - t1,
	       t2 - t0);
	printf("load_read_parse_cpu_s %.3f\nload_graph_cpu_s %.3f\nload_total_cpu_s %.3f\n",
	       c1 - c0, c2 - c1, c2 - c0);

	struct sim_best *best = calloc(g.n, sizeof(*best));
	double *t = calloc((size_t)reps, sizeof(double)), share;
	double *tc = calloc((size_t)reps, sizeof(double));

	for (int i = 0; i < reps; i++) {
		t[i] = once(&g, &s, best, &share);
		tc[i] = last_cpu;
	}
	qsort(t, (size_t)reps, sizeof(double), cmp_d);
	qsort(tc, (size_t)reps, sizeof(double), cmp_d);
	printf("prop_cpu_median_ms %.3f\n", tc[reps / 2] * 1e3);
	free(tc);
	printf("propagations %d\nprop_median_ms %.3f\nprop_min_ms %.3f\nprop_max_ms %.3f\n", reps,
	       t[reps / 2] * 1e3, t[0] * 1e3, t[reps - 1] * 1e3);
	printf("share_site0 %.4f\n", share);

	/* batch what-ifs on the loaded graph */
	double b0 = now_s();
	int runs = 0;

	for (size_t k = 0; k < s.nsites; k++) {
		s.sites[k].failed = 1;
		once(&g, &s, best, NULL);
		s.sites[k].failed = 0;
		runs++;
	}
	for (size_t k = 0; k < s.nsites; k++) {
		for (unsigned pp = 0; pp <= 5; pp++) {
			s.sites[k].prepend = pp;
			once(&g, &s, best, &share);
			printf("sweep %s prepend %u share_site0 %.4f\n", s.sites[k].name, pp, share);
			runs++;
		}
		s.sites[k].prepend = 0;
	}
	double b1 = now_s();

	printf("batch_runs %d\nbatch_total_ms %.1f\nbatch_per_run_ms %.3f\n", runs, (b1 - b0) * 1e3,
	       (b1 - b0) * 1e3 / runs);
	printf("rss_peak_kb %ld\n", rss_kb("VmHWM:"));
	free(t);
	free(best);
	sim_graph_free(&g);
	sim_scen_free(&s);
	return 0;
}
