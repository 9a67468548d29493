/* Lab topologies as simulations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/labsim.h"

static int same_asn(const struct lab_topo *t, char *err, size_t errlen)
{
	for (size_t i = 0; i < t->nnodes; i++)
		for (size_t j = i + 1; j < t->nnodes; j++)
			if (t->nodes[i].kind == LAB_ROUTER && t->nodes[j].kind == LAB_ROUTER &&
			    t->nodes[i].asn == t->nodes[j].asn) {
				snprintf(err, errlen,
					 "%s: routers %s and %s share AS%u; the "
					 "simulation needs one AS per router",
					 t->file, t->nodes[i].name, t->nodes[j].name,
					 t->nodes[i].asn);
				return -1;
			}
	return 0;
}

int sim_topo_build(const struct lab_topo *t, struct sim_topo *st, char *err, size_t errlen)
{
	struct sim_links l = { 0 };
	size_t *site_of = calloc(t->nnodes + 1, sizeof(size_t));

	memset(st, 0, sizeof(*st));
	if (same_asn(t, err, errlen) < 0) {
		free(site_of);
		return -1;
	}
	st->scen.origin = 0;
	st->scen.rov = SIM_ROV_NONE;
	st->scen.sites = calloc(t->nnodes + 1, sizeof(struct sim_site));
	st->site_tie = calloc(t->nnodes + 1, sizeof(uint32_t));
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct lab_node *n = &t->nodes[i];

		if (n->kind == LAB_SITE) {
			if (!st->scen.origin)
				st->scen.origin = n->asn;
			site_of[i] = st->scen.nsites;
			st->site_tie[st->scen.nsites] = (uint32_t)i;
			st->scen.sites[st->scen.nsites++].name = strdup(n->name);
		} else if (n->kind == LAB_CLIENT) {
			st->nclients++;
		}
	}
	for (size_t k = 0; k < t->nlinks; k++) {
		const struct lab_link *lk = &t->links[k];
		const struct lab_node *a = &t->nodes[lk->a], *b = &t->nodes[lk->b];

		if (a->kind == LAB_ROUTER && b->kind == LAB_ROUTER) {
			if (l.n == l.cap) {
				l.cap = l.cap ? l.cap * 2 : 16;
				l.v = realloc(l.v, l.cap * sizeof(*l.v));
			}
			l.v[l.n++] = (struct sim_link){ a->asn, b->asn,
							lk->rel == LAB_REL_P2C ? SIM_REL_P2C
									       : SIM_REL_P2P };
			continue;
		}
		const struct lab_node *r = a->kind == LAB_SITE ? b : a,
				      *s = a->kind == LAB_SITE ? a : b;

		if (s->kind != LAB_SITE || r->kind != LAB_ROUTER)
			continue; /* a client's access link */
		struct sim_site *ss = &st->scen.sites[site_of[s->index]];

		/* the topology's prepend and selective announcement, as the lab's anycastd
		 * does them (lab/gen.c) */
		ss->prepend = s->prepend;
		if (!lab_site_announces_to(s, r->index))
			continue;
		ss->up = realloc(ss->up, (ss->nup + 1) * sizeof(*ss->up));
		ss->peer = realloc(ss->peer, ss->nup + 1);
		ss->up[ss->nup] = r->asn;
		ss->peer[ss->nup++] = lk->rel == LAB_REL_P2C ? SIM_UP_PROVIDER : SIM_UP_PEER;
	}
	sim_graph_build(&st->g, &l, NULL, NULL);
	sim_links_free(&l);
	free(site_of);
	st->tie = calloc(st->g.n + 1, sizeof(uint32_t));
	for (size_t i = 0; i < t->nnodes; i++) {
		int64_t g = t->nodes[i].kind == LAB_ROUTER ? sim_graph_find(&st->g, t->nodes[i].asn)
							   : -1;

		if (g >= 0)
			st->tie[g] = (uint32_t)i;
	}
	st->client_name = calloc(st->nclients + 1, sizeof(char *));
	st->client_node = calloc(st->nclients + 1, sizeof(int64_t));
	size_t c = 0;

	for (size_t i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].kind != LAB_CLIENT)
			continue;
		st->client_name[c] = t->nodes[i].name;
		st->client_node[c] = -1;
		for (size_t k = 0; k < t->nlinks; k++) {
			const struct lab_link *lk = &t->links[k];
			size_t o = lk->a == i ? lk->b : lk->b == i ? lk->a : (size_t)-1;

			if (o != (size_t)-1 && t->nodes[o].kind == LAB_ROUTER)
				st->client_node[c] = sim_graph_find(&st->g, t->nodes[o].asn);
		}
		c++;
	}
	return 0;
}

void sim_topo_free(struct sim_topo *st)
{
	sim_graph_free(&st->g);
	sim_scen_free(&st->scen);
	free(st->tie);
	free(st->site_tie);
	free(st->client_name);
	free(st->client_node);
	memset(st, 0, sizeof(*st));
}

/* The delay of the link between nodes a and b of t (0 if none). */
static uint32_t link_delay(const struct lab_topo *t, size_t a, size_t b)
{
	for (size_t k = 0; k < t->nlinks; k++)
		if ((t->links[k].a == a && t->links[k].b == b) ||
		    (t->links[k].a == b && t->links[k].b == a))
			return t->links[k].delay_us;
	return 0;
}

/* One-way delay from client node c through its access router r (graph index g) to the site
 * the propagation chose: each AS's best names the node it came from (tie keys are node
 * indices, see sim_topo_build), so the path is walked back hop by hop. */
static uint32_t path_delay(const struct lab_topo *t, const struct sim_topo *st,
			   const struct sim_best *best, size_t c, size_t r, int64_t g)
{
	uint32_t d = link_delay(t, c, r);

	for (size_t hops = 0; g >= 0 && hops <= t->nnodes; hops++) {
		size_t via = best[g].via;

		if (via >= t->nnodes)
			break;
		d += link_delay(t, r, via);
		if (t->nodes[via].kind != LAB_ROUTER)
			break; /* the site */
		r = via;
		g = sim_graph_find(&st->g, t->nodes[via].asn);
	}
	return d;
}

int sim_predict_topology(const struct lab_topo *t, const char *const *failed, size_t nfailed,
			 struct sim_lab_pred *out, char *err, size_t errlen)
{
	return sim_predict_topology_hijack(t, failed, nfailed, NULL, out, err, errlen);
}

int sim_predict_topology_hijack(const struct lab_topo *t, const char *const *failed, size_t nfailed,
				const struct sim_lab_hijack *hj, struct sim_lab_pred *out,
				char *err, size_t errlen)
{
	struct sim_topo st;
	struct sim_prep p;

	memset(out, 0, sizeof(*out));
	if (sim_topo_build(t, &st, err, errlen) < 0)
		return -1;
	for (size_t f = 0; f < nfailed; f++)
		for (size_t i = 0; i < st.scen.nsites; i++)
			if (strcmp(st.scen.sites[i].name, failed[f]) == 0)
				st.scen.sites[i].failed = 1;
	if (hj) {
		st.scen.hijack = hj->asn;
		st.scen.hijack_len = hj->len;
		st.scen.rov = hj->rov ? SIM_ROV_ALL : SIM_ROV_NONE;
	}
	if (sim_prepare(&st.g, &st.scen, st.tie, st.site_tie, &p, err, errlen) < 0) {
		sim_topo_free(&st);
		return -1;
	}
	struct sim_best *best = calloc(st.g.n + 1, sizeof(*best));

	sim_propagate(&st.g, &p, best);
	out->n = st.nclients;
	out->client = calloc(st.nclients + 1, sizeof(char *));
	out->site = calloc(st.nclients + 1, sizeof(char *));
	out->router = calloc(st.nclients + 1, sizeof(char *));
	out->delay_us = calloc(st.nclients + 1, sizeof(uint32_t));
	for (size_t c = 0; c < st.nclients; c++) {
		int64_t g = st.client_node[c];
		const struct lab_node *cn = lab_topo_node(t, st.client_name[c]);
		size_t link, r = 0;

		out->client[c] = st.client_name[c];
		if (g >= 0 && lab_client_link(t, cn->index, &link, &r) == 0)
			out->router[c] = t->nodes[r].name;
		if (g >= 0 && best[g].site < st.scen.nsites) {
			out->site[c] = lab_topo_node(t, st.scen.sites[best[g].site].name)->name;
			out->delay_us[c] = path_delay(t, &st, best, cn->index, r, g);
		} else if (g >= 0 && hj && best[g].site == st.scen.nsites) {
			out->site[c] = hj->label;
		}
	}
	free(best);
	sim_prep_free(&p);
	sim_topo_free(&st);
	return 0;
}

void sim_lab_pred_free(struct sim_lab_pred *p)
{
	free(p->client);
	free(p->site);
	free(p->router);
	free(p->delay_us);
	memset(p, 0, sizeof(*p));
}
