/* Readiness of a lab: see ready.h.
 *
 * Why a plan: a fixed wait per client cannot be right for both a three-node lab and one with
 * 150 routers spread over the world, where answers take hundreds of milliseconds; and a client
 * that has no route at all (an island, a customer of a peer of a peer) would otherwise be
 * waited for until the timeout. The simulator knows both before anything is started. */
#include "lab/ready.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "sim/labsim.h"

#define ASK_MIN_MS 400 /* an answer within a lab's own delays plus a loaded machine's lag */

int lab_ready_plan(const struct lab_topo *t, struct lab_ready *r, char *err, size_t errlen)
{
	struct sim_lab_pred pr;
	char why[256];
	uint32_t worst = 0;
	size_t unreached = 0, o = 0;

	memset(r, 0, sizeof(*r));
	r->ask_ms = ASK_MIN_MS;
	if (sim_predict_topology(t, NULL, 0, &pr, why, sizeof(why)) < 0) {
		log_debug("lab up: no prediction: %s", why);
		return 0;
	}
	size_t n = t->nnodes ? t->nnodes : 1;

	r->predicted = 1;
	r->rtt_us = xcalloc(n, sizeof(*r->rtt_us));
	r->site = xcalloc(n, sizeof(*r->site));
	r->router = xcalloc(n, sizeof(*r->router));
	err[0] = 0;
	for (size_t c = 0; c < pr.n; c++) {
		const struct lab_node *cn = lab_topo_node(t, pr.client[c]);

		r->site[cn->index] = pr.site[c];
		r->router[cn->index] = pr.router[c];
		r->rtt_us[cn->index] = 2 * pr.delay_us[c];
		if (2 * pr.delay_us[c] > worst)
			worst = 2 * pr.delay_us[c];
		if (pr.site[c])
			continue;
		if (!unreached++)
			o += (size_t)snprintf(err + o, errlen - o, "no route to any site for");
		if (o < errlen)
			o += (size_t)snprintf(err + o, errlen - o,
					      " client %s (its router %s "
					      "hears none: an island, or only "
					      "routes it may not use)",
					      cn->name, pr.router[c] ? pr.router[c] : "-");
	}
	sim_lab_pred_free(&pr);
	/* the slowest predicted answer, a quarter more for the machine's lag, and a margin */
	if ((int)(worst / 1000 * 5 / 4 + 200) > r->ask_ms)
		r->ask_ms = (int)(worst / 1000 * 5 / 4 + 200);
	return unreached ? -1 : 0;
}

void lab_ready_free(struct lab_ready *r)
{
	free(r->rtt_us);
	free(r->site);
	free(r->router);
	memset(r, 0, sizeof(*r));
}

struct route_probe {
	const struct addr *to;
};

/* In a router's namespace: does it have a route to the address? (connect on a UDP socket
 * sends nothing; it fails with ENETUNREACH when the FIB has no route.) */
static int has_route(void *arg, char *err, size_t errlen)
{
	const struct route_probe *p = arg;
	struct sockaddr_storage ss;
	socklen_t sl = addr_to_sa(p->to, 53, &ss);
	int fd = socket(p->to->af, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	r = connect(fd, (struct sockaddr *)&ss, sl);
	if (r < 0)
		snprintf(err, errlen, "%s", strerror(errno));
	close(fd);
	return r;
}

void lab_ready_explain(const struct lab *l, const struct lab_ready *r, const struct lab_answer *ans,
		       struct buf *why)
{
	const struct lab_topo *t = &l->topo;
	struct lab_answer *again = xcalloc(t->nnodes ? t->nnodes : 1, sizeof(*again));

	/* once more, with time to spare: a late answer is a slow path, not a missing one */
	lab_ask_clients(l, 3000 > 4 * r->ask_ms ? 3000 : 4 * r->ask_ms, again);
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct lab_node *n = &t->nodes[i];
		const char *router = r->router ? r->router[i] : NULL;
		char ns[128], e[128] = "";
		struct route_probe p = { ans[i].server ? ans[i].server : &t->anycast_addr };
		size_t link, rt;

		if (n->kind != LAB_CLIENT || ans[i].ok)
			continue;
		if (!router && lab_client_link(t, i, &link, &rt) == 0)
			router = t->nodes[rt].name;
		buf_printf(why, "%sclient %s: ", why->len ? "; " : "", n->name);
		if (router) {
			lab_ns_name(t->name, router, ns, sizeof(ns));
			if (lab_in_netns(ns, has_route, &p, e, sizeof(e)) < 0) {
				buf_printf(why, "no route at %s (%s)", router, e);
				continue;
			}
		}
		if (again[i].ok)
			buf_printf(why, "too slow: %s answered in %.0f ms, predicted %.0f ms",
				   again[i].site, again[i].rtt_ms,
				   r->rtt_us ? r->rtt_us[i] / 1e3 : 0.0);
		else
			buf_printf(why, "no answer (%s; %s has a route)", ans[i].why,
				   router ? router : "its router");
	}
	free(again);
}
