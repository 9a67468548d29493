/* The demo's chapter "hijack" (demo.h): the same hijack without and with route origin
 * validation, on the demo's own lab. Every router is made to validate first, against an empty
 * ROA file: the hijacker's route is then not-found and accepted, as without ROV; writing the
 * sites' ROA into that file is the run-time change, and the routers re-validate on their own
 * (the file is polled), so the time to drop the hijack is measured without any reload. */
#include "lab/demo.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lab/ask.h"
#include "lab/cache.h"
#include "lab/gen.h"
#include "lab/lab.h"
#include "lab/proc.h"
#include "lib/clock.h"

#define HIJACK_SETTLE_MS 15000 /* longest wait for the clients to settle after a change */
#define HIJACK_DROP_MS 20000   /* longest wait for the routers to drop the hijack */

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The answering identity of every client, in topology order, into the column col of h. */
static void ask_all(struct lab *l, struct lab_demo_hijack *h, size_t col, int timeout_ms)
{
	const struct lab_topo *t = &l->topo;
	struct lab_answer *ans = calloc(t->nnodes ? t->nnodes : 1, sizeof(*ans));
	size_t k = 0;

	if (!ans)
		return;
	lab_ask_clients(l, timeout_ms, ans);
	for (size_t i = 0; i < t->nnodes && k < LAB_DEMO_CLIENTS_MAX; i++) {
		if (t->nodes[i].kind != LAB_CLIENT)
			continue;
		char *cols[] = { h->c[k].before, h->c[k].rov_off, h->c[k].rov_on };

		snprintf(h->c[k].client, sizeof(h->c[k].client), "%s", t->nodes[i].name);
		h->c[k].own = 0;
		for (size_t j = 0; j < t->nlinks; j++) {
			size_t o = t->links[j].a == i ? t->links[j].b : t->links[j].a;

			if ((t->links[j].a == i || t->links[j].b == i) &&
			    strcmp(t->nodes[o].name, h->hijacker) == 0)
				h->c[k].own = 1;
		}
		snprintf(cols[col], sizeof(h->c[k].before), "%s", ans[i].ok ? ans[i].site : "");
		k++;
	}
	h->n = k;
	free(ans);
}

static const char *col_of(const struct lab_demo_hijack *h, size_t k, size_t col)
{
	return col == 0 ? h->c[k].before : col == 1 ? h->c[k].rov_off : h->c[k].rov_on;
}

/* Asks until two rounds a second apart agree (or the wait is over). */
static void settle(struct lab *l, struct lab_demo_hijack *h, size_t col)
{
	char prev[LAB_DEMO_CLIENTS_MAX][64];
	int64_t t0 = clk_now_ns();

	ask_all(l, h, col, 1000);
	while (clk_now_ns() - t0 < (int64_t)HIJACK_SETTLE_MS * 1000000) {
		int same = 1;

		for (size_t k = 0; k < h->n; k++)
			snprintf(prev[k], sizeof(prev[k]), "%s", col_of(h, k, col));
		nap_ms(1000);
		ask_all(l, h, col, 1000);
		for (size_t k = 0; k < h->n; k++)
			same &= strcmp(prev[k], col_of(h, k, col)) == 0;
		if (same)
			return;
	}
}

/* A client other than the hijacker's own is answered by the hijacker. */
static int any_hijacked(const struct lab_demo_hijack *h, size_t col)
{
	for (size_t k = 0; k < h->n; k++)
		if (!h->c[k].own && strncmp(col_of(h, k, col), "hijacker-", 9) == 0)
			return 1;
	return 0;
}

/* Every router validates against the lab's ROA file, written empty: in a lab with an RPKI
 * cache of its own (`rpki:`) the cache serves it; else every router reads it (`roa-file`),
 * reloaded by SIGHUP. */
static int rov_on(struct lab *l, char *err, size_t errlen)
{
	struct lab_topo *t = &l->topo;
	char pidf[PATH_MAX];
	int cache = t->rpki;

	t->nroas = 0;
	if (lab_cache_write_roas(l, err, errlen) < 0)
		return -1;
	if (cache)
		return 0;
	t->rpki = t->rpki_file = 1;
	for (size_t i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].kind != LAB_ROUTER)
			continue;
		if (lab_gen_anycastd(l, i, err, errlen) < 0)
			return -1;
		lab_path(l, t->nodes[i].name, "anycastd.pid", pidf, sizeof(pidf));
		pid_t pid = lab_proc_pid(pidf);

		if (pid)
			kill(pid, SIGHUP);
	}
	return 0;
}

/* Whether node i has a link to a node of kind k. */
static int next_to(const struct lab_topo *t, size_t i, enum lab_kind k)
{
	for (size_t j = 0; j < t->nlinks; j++)
		if ((t->links[j].a == i && t->nodes[t->links[j].b].kind == k) ||
		    (t->links[j].b == i && t->nodes[t->links[j].a].kind == k))
			return 1;
	return 0;
}

/* The hijacker: the topology's own (`kind: hijacker`), else the last router that is some
 * client's ISP but no site's, the kind of network whose announcement its provider weighs
 * against a site's; else the last router. */
static const char *pick_hijacker(const struct lab_topo *t)
{
	const char *any = NULL;

	for (size_t i = 0; i < t->nnodes; i++)
		if (t->nodes[i].hijacker)
			return t->nodes[i].name;
	for (size_t i = t->nnodes; i-- > 0;) {
		if (t->nodes[i].kind != LAB_ROUTER)
			continue;
		if (next_to(t, i, LAB_CLIENT) && !next_to(t, i, LAB_SITE))
			return t->nodes[i].name;
		if (!any)
			any = t->nodes[i].name;
	}
	return any;
}

void lab_demo_hijack_run(struct lab *l, struct lab_demo_hijack *h)
{
	const struct lab_topo *t = &l->topo;
	const char *node = pick_hijacker(t);
	char path[PATH_MAX], tmp[PATH_MAX + 8], roa[256], p[PREFIX_STRLEN], err[256];
	uint32_t asn = 0;

	h->drop_ms = -1;
	for (size_t i = 0; i < t->nnodes && !asn; i++)
		if (t->nodes[i].kind == LAB_SITE)
			asn = t->nodes[i].asn;
	if (!node || !asn) {
		snprintf(h->why, sizeof(h->why), "the lab has no router or no site");
		return;
	}
	snprintf(h->hijacker, sizeof(h->hijacker), "%s", node);
	if (rov_on(l, h->why, sizeof(h->why)) < 0)
		return;
	settle(l, h, 0);
	if (lab_hijack(t->name, node, 0, h->why, sizeof(h->why)) < 0)
		return;
	settle(l, h, 1);
	/* the ROA, written whole and renamed in: a router never reads half a file */
	lab_path(l, NULL, "roas.json", path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	snprintf(roa, sizeof(roa),
		 "{\"roas\":[{\"prefix\":\"%s\",\"maxLength\":%u,\"asn\":\"AS%u\"}]}\n",
		 prefix_fmt(&t->anycast_prefix, p), t->anycast_prefix.len, asn);
	if (lab_write_file(tmp, roa, h->why, sizeof(h->why)) < 0 || rename(tmp, path) < 0) {
		if (!h->why[0])
			snprintf(h->why, sizeof(h->why), "cannot write %.100s", path);
		lab_heal(t->name, node, err, sizeof(err));
		return;
	}
	int64_t t0 = clk_now_ns();

	do {
		ask_all(l, h, 2, 500);
		if (!any_hijacked(h, 2)) {
			h->drop_ms = (double)(clk_now_ns() - t0) / 1e6;
			break;
		}
		nap_ms(100);
	} while (clk_now_ns() - t0 < (int64_t)HIJACK_DROP_MS * 1000000);
	settle(l, h, 2);
	h->ran = 1;
	if (lab_heal(t->name, node, err, sizeof(err)) < 0)
		snprintf(h->why, sizeof(h->why), "heal %.20s: %.90s", node, err);
}
